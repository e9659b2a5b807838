// The canvas's matte overlay (DESIGN §6 Mattes): as soon as a frame-0 hard
// box or a stroke changes, every object's matte is computed on one
// long-lived worker thread through the shared MatteService (the same mattes
// and cache Generate and the CLI use), and comes back to the GUI thread as a
// tinted, outlined QImage tagged with a request id; results of superseded
// requests are dropped. The GUI never waits. Then the same worker makes the
// clean plate from those mattes (cancelled by the next request), so
// Generate finds it in the plate cache.
#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <thread>

#include "core/project/project.h"

namespace boxanim {
class MatteService;
}

namespace boxanim::ui {

class Document;

class MatteOverlay : public QObject {
    Q_OBJECT
public:
    // `service` null: MatteService::shared().
    explicit MatteOverlay(Document* doc, std::shared_ptr<MatteService> service = nullptr,
                          QObject* parent = nullptr);
    ~MatteOverlay() override;  // joins the worker

    bool isEnabled() const { return enabled_; }
    void setEnabled(bool on);  // off: no work, empty overlay

    // Tinted regions with outlines, reference-image size (ARGB32
    // premultiplied); null while nothing is ready.
    const QImage& overlay() const { return overlay_; }
    // True while a request is queued or running.
    bool isBusy() const { return pending_ != shown_; }
    quint64 latestRequest() const { return pending_; }
    quint64 shownRequest() const { return shown_; }
    // Milliseconds the last shown request took on the worker.
    double lastMs() const { return lastMs_; }
    // One-line notice from the matte service (weights missing), or empty.
    QString notice() const { return notice_; }
    // Results of superseded requests that arrived and were dropped (tests).
    int dropped() const { return dropped_; }

    void shutdown();

    // Clean plates the worker made (or found cached) for the current mattes
    // at the project's output size, so Generate does not wait for the fill.
    int platesPrepared() const { return platesPrepared_.load(); }

signals:
    void overlayChanged();
    // The clean plate for the latest mattes is ready (worker thread's result,
    // delivered on the GUI thread).
    void plateReady();
    void noticeChanged(const QString& text);

private:
    struct Job {
        quint64 id = 0;
        cv::Mat image;       // BGR, shared with the document's conversion
        std::string key;     // image content key (computed on the worker once)
        Project project;     // snapshot: boxes, strokes, colours
    };

    void onImageChanged();
    void schedule();
    void run();
    void deliver(quint64 id, const QImage& img, double ms, const QString& notice);

    Document* doc_;
    std::shared_ptr<MatteService> service_;
    bool enabled_ = true;
    QImage overlay_;
    QString notice_;
    quint64 pending_ = 0, shown_ = 0;
    int dropped_ = 0;
    double lastMs_ = 0;
    cv::Mat image_;            // the document's image as BGR (GUI thread)
    std::string imageKey_;     // filled by the worker, reused
    std::optional<Project> lastScheduled_;

    std::mutex mutex_;
    std::condition_variable cv_;
    std::optional<Job> job_;   // the next job (the newest request only)
    bool stop_ = false;
    std::atomic<bool> superseded_{false};  // a newer job waits: cancels the plate
    std::atomic<int> platesPrepared_{0};
    std::thread worker_;
};

// The overlay for `mattes` (CV_32FC1, one per object, project order):
// colour tint at 35% where the matte is, and a 2-px outline of matte >= 0.5.
QImage renderMatteOverlay(const std::vector<cv::Mat>& mattes, const Project& project);

}  // namespace boxanim::ui
