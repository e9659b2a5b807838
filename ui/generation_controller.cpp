#include "ui/generation_controller.h"

#include <QDir>
#include <QStandardPaths>

#include <QMetaObject>
#include <chrono>
#include <opencv2/imgproc.hpp>

namespace boxanim::ui {

bool GenerationOutcome::modelProblem() const {
    return state == JobState::Failed && engine == QLatin1String("boxflow") &&
           lastStage.startsWith(QLatin1String("loading"));
}

std::string frameStoreDir() {
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (cache.isEmpty()) return {};
    const QString dir = cache + QStringLiteral("/frames");
    return QDir().mkpath(dir) ? dir.toStdString() : std::string();
}

QImage toQImage(const cv::Mat& mat) {
    if (mat.empty()) return {};
    cv::Mat bgr;
    if (mat.type() == CV_8UC3)
        bgr = mat;
    else if (mat.type() == CV_8UC4)
        cv::cvtColor(mat, bgr, cv::COLOR_BGRA2BGR);
    else if (mat.type() == CV_8UC1)
        cv::cvtColor(mat, bgr, cv::COLOR_GRAY2BGR);
    else
        return {};
    // Wraps the Mat's memory, then copies: the QImage owns its pixels.
    const QImage view(bgr.data, bgr.cols, bgr.rows, static_cast<qsizetype>(bgr.step),
                      QImage::Format_BGR888);
    return view.copy();
}

cv::Mat toMat(const QImage& image) {
    if (image.isNull()) return {};
    const QImage rgb = image.convertToFormat(QImage::Format_BGR888);
    const cv::Mat view(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
                       static_cast<size_t>(rgb.bytesPerLine()));
    return view.clone();
}

GenerationController::GenerationController(QObject* parent) : QObject(parent) {
    worker_ = std::thread([this] { workerLoop(); });
}

GenerationController::~GenerationController() { shutdown(); }

void GenerationController::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        quit_ = true;
        pending_.reset();
        if (runningCancel_) runningCancel_->store(true);
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (running_) {
        running_ = false;
        state_ = JobState::Cancelled;
        emit runningChanged(false);
    }
}

quint64 GenerationController::start(GenerationRequest request) {
    const quint64 id = ++nextId_;
    request.jobId = id;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (quit_) return 0;
        if (runningCancel_) runningCancel_->store(true);  // superseded
        pending_ = Job{std::move(request), std::make_shared<std::atomic<bool>>(false)};
    }
    wake_.notify_all();
    current_ = id;
    state_ = JobState::Queued;
    lastStage_.clear();
    preview_.clear();
    previewStep_ = 0;
    const bool was = running_;
    running_ = true;
    emit started(id);
    if (!was) emit runningChanged(true);
    return id;
}

void GenerationController::cancel() {
    if (!running_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_ && pending_->request.jobId == current_) {
        // Not started yet: it ends at once, through the worker like any other.
        pending_->cancel->store(true);
    } else if (runningCancel_) {
        runningCancel_->store(true);
    }
}

void GenerationController::discard() {
    if (!running_) return;
    cancel();
    current_ = 0;  // matches no job: whatever comes back is dropped
    running_ = false;
    state_ = JobState::Cancelled;
    preview_.clear();
    emit runningChanged(false);
}

void GenerationController::workerLoop() {
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return quit_ || pending_.has_value(); });
            if (quit_) return;
            job = std::move(*pending_);
            pending_.reset();
            runningCancel_ = job.cancel;
        }
        runJob(std::move(job));
        std::lock_guard<std::mutex> lock(mutex_);
        runningCancel_.reset();
    }
}

void GenerationController::runJob(Job job) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    auto elapsed = [t0] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    };
    const quint64 id = job.request.jobId;
    QString lastStage;
    JobCallbacks cb;
    cb.cancel = job.cancel.get();
    cb.progress = [&](const GenerationProgress& p) {
        const QString stage = QString::fromStdString(p.stage);
        lastStage = stage;
        const double fraction = p.fraction;
        const qint64 ms = elapsed();
        QMetaObject::invokeMethod(
            this, [this, id, stage, fraction, ms] { onProgress(id, stage, fraction, ms); },
            Qt::QueuedConnection);
    };
    cb.preview = [&](const PreviewFrames& p) {
        if (job.cancel->load()) return;  // nobody will look at them
        QVector<QImage> frames;
        frames.reserve(static_cast<qsizetype>(p.frames.size()));
        for (const cv::Mat& f : p.frames) frames.push_back(toQImage(f));  // deep copies
        const int step = p.step, steps = p.steps;
        QMetaObject::invokeMethod(
            this, [this, id, step, steps, frames] { onPreview(id, step, steps, frames); },
            Qt::QueuedConnection);
    };

    // The frames go to disk as they are rendered: the clip costs memory for
    // one frame, whatever its length (issue 14 item 3).
    std::shared_ptr<FrameStore> store;
    GenerationResult r;
    try {
        store = std::make_shared<FrameStore>(frameStoreDir());
        cb.frame = [&store](int, const cv::Mat& f) {
            store->append(f);
            return true;
        };
        r = generate(job.request, cb);
    } catch (const std::exception& e) {
        r.state = JobState::Failed;
        r.message = e.what();
    }

    GenerationOutcome out;
    out.jobId = id;
    out.state = r.state;
    out.message = QString::fromStdString(r.message);
    out.lastStage = lastStage;
    for (const std::string& n : r.notices) out.notices << QString::fromStdString(n);
    if (r.state == JobState::Finished)
        out.frames = std::move(store);
    out.fps = r.fps;
    out.engine = QString::fromStdString(r.engine.empty() ? job.request.engine : r.engine);
    out.device = QString::fromStdString(r.device);
    out.elapsedMs = double(elapsed());
    QMetaObject::invokeMethod(
        this, [this, id, out = std::move(out)]() mutable { onEnded(id, std::move(out)); },
        Qt::QueuedConnection);
}

void GenerationController::onProgress(quint64 job, const QString& stage, double fraction,
                                      qint64 elapsedMs) {
    if (job != current_ || !running_) return;
    state_ = JobState::Running;
    lastStage_ = stage;
    emit progress(job, stage, fraction, elapsedMs);
}

void GenerationController::onPreview(quint64 job, int step, int steps,
                                     const QVector<QImage>& frames) {
    if (job != current_ || !running_) {
        ++dropped_;
        return;
    }
    preview_ = frames;
    previewStep_ = step;
    emit previewReady(job, step, steps);
}

void GenerationController::onEnded(quint64 job, GenerationOutcome outcome) {
    if (job != current_ || !running_) {
        ++dropped_;
        return;
    }
    outcome_ = std::move(outcome);
    state_ = outcome_.state;
    running_ = false;
    emit runningChanged(false);
    emit jobEnded(job);  // handlers may start the next job
}

}  // namespace boxanim::ui
