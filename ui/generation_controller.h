// Runs generation jobs off the GUI thread (DESIGN §3, STYLE "Background
// work"): one long-lived worker thread takes GenerationRequest snapshots built
// on the GUI thread and runs boxanim::generate() with a per-job atomic cancel
// token. Progress, preview frames and the result come back to the GUI thread
// as queued calls tagged with the job id; anything from a job other than the
// current one is dropped there, so a superseded job's late frames never show.
//
// Starting a job while one runs supersedes it: the old job is cancelled (it
// stops within one sampler step) and the new one runs next. Destroying the
// controller (or shutdown()) cancels the running job and joins the thread.
#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "core/engine/engine.h"
#include "core/media/frame_store.h"

namespace boxanim::ui {

// A finished, cancelled or failed job as the GUI keeps it.
struct GenerationOutcome {
    quint64 jobId = 0;
    JobState state = JobState::Queued;
    QString message;      // failure reason, or empty
    QString lastStage;    // the stage the job last reported (e.g. "loading boxflow")
    QStringList notices;  // e.g. the GPU ran out of memory
    ClipFrames frames;  // BGR full-size output frames, kept on disk (FrameStore)
    int fps = 24;
    QString engine, device;
    double elapsedMs = 0;
    // True when a boxflow job failed while loading its model (a missing or
    // damaged weight file): the cutout engine is the way out.
    bool modelProblem() const;
};

// Where the editor keeps clip frames (FrameStore): <user cache>/frames, on
// disk even where /tmp is a RAM file system; empty (the system's temporary
// folder) when that folder cannot be made.
std::string frameStoreDir();

// Deep copy of a BGR (or grey / BGRA) cv::Mat into a QImage.
QImage toQImage(const cv::Mat& mat);
// The loaded reference image (any QImage format) as a BGR 8UC3 cv::Mat (deep copy).
cv::Mat toMat(const QImage& image);

class GenerationController : public QObject {
    Q_OBJECT
public:
    explicit GenerationController(QObject* parent = nullptr);
    ~GenerationController() override;  // cancels and joins

    // Queues `request` as the new current job (its jobId is assigned here and
    // returned) and cancels any job still running or waiting.
    quint64 start(GenerationRequest request);
    // Cancels the current job (no-op when idle). The job ends with cancelled().
    void cancel();
    // Cancels the current job and forgets it at once (a new document): its
    // late previews and result are dropped, and no jobEnded is emitted for it.
    void discard();
    // Cancels everything and joins the worker; the controller then refuses work.
    void shutdown();

    bool isRunning() const { return running_; }
    quint64 currentJob() const { return current_; }
    JobState state() const { return state_; }
    // Latest preview frames of the current job (preview resolution).
    const QVector<QImage>& previewFrames() const { return preview_; }
    int previewStep() const { return previewStep_; }
    // The last job that ended (any state); frames only when it finished.
    const GenerationOutcome& outcome() const { return outcome_; }
    // Preview frames of stale jobs that arrived and were dropped (for tests).
    int droppedUpdates() const { return dropped_; }

signals:
    void started(quint64 job);
    // stage: "matting", "sampling 2/4", "rendering", ...; fraction 0..1 (1 only
    // with the frames); elapsed since the job started running.
    void progress(quint64 job, const QString& stage, double fraction, qint64 elapsedMs);
    // New preview frames of sampler step `step` of `steps` (previewFrames()).
    void previewReady(quint64 job, int step, int steps);
    // The current job ended: outcome() holds it. Finished, cancelled or failed.
    void jobEnded(quint64 job);
    void runningChanged(bool running);

private:
    struct Job {
        GenerationRequest request;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    void workerLoop();
    void runJob(Job job);
    // GUI thread: results of the worker.
    void onProgress(quint64 job, const QString& stage, double fraction, qint64 elapsedMs);
    void onPreview(quint64 job, int step, int steps, const QVector<QImage>& frames);
    void onEnded(quint64 job, GenerationOutcome outcome);

    // Shared with the worker (under mutex_).
    std::mutex mutex_;
    std::condition_variable wake_;
    std::optional<Job> pending_;
    std::shared_ptr<std::atomic<bool>> runningCancel_;  // of the job the worker runs
    bool quit_ = false;
    std::thread worker_;

    // GUI thread only.
    quint64 nextId_ = 0;
    quint64 current_ = 0;
    bool running_ = false;  // the current job has not ended yet
    JobState state_ = JobState::Queued;
    QString lastStage_;
    QVector<QImage> preview_;
    int previewStep_ = 0;
    GenerationOutcome outcome_;
    int dropped_ = 0;
};

}  // namespace boxanim::ui
