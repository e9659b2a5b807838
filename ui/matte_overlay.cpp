#include "ui/matte_overlay.h"

#include <QColor>
#include <QMetaObject>
#include <QPointer>
#include <chrono>

#include <opencv2/imgproc.hpp>

#include "core/engine/engine.h"  // prepareWorkingScene
#include "core/engine/matte_service.h"
#include "ui/document.h"
#include "ui/generation_controller.h"  // toMat

namespace boxanim::ui {

namespace {

// The inputs the overlay depends on: frame-0 boxes, strokes, colours, order.
bool sameMatteInputs(const Project& a, const Project& b) {
    if (a.objects.size() != b.objects.size()) return false;
    for (std::size_t i = 0; i < a.objects.size(); ++i) {
        const Object& x = a.objects[i];
        const Object& y = b.objects[i];
        const Keyframe* kx = x.keyframeAt(0);
        const Keyframe* ky = y.keyframeAt(0);
        if (x.id != y.id || x.color != y.color || x.strokes != y.strokes || !kx != !ky) return false;
        if (kx && (kx->box != ky->box || kx->kind != ky->kind)) return false;
    }
    return true;
}

}  // namespace

QImage renderMatteOverlay(const std::vector<cv::Mat>& mattes, const Project& project) {
    if (mattes.empty()) return {};
    const cv::Size size = mattes[0].size();
    QImage out(size.width, size.height, QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    // Accumulate premultiplied BGRA in float, objects back to front.
    cv::Mat acc(size, CV_32FC4, cv::Scalar::all(0));
    for (int k = static_cast<int>(mattes.size()) - 1; k >= 0; --k) {
        const QColor c(QString::fromStdString(project.objects[static_cast<std::size_t>(k)].color));
        const cv::Scalar bgr(c.blueF(), c.greenF(), c.redF());
        cv::Mat a = mattes[static_cast<std::size_t>(k)] * 0.35;
        // Outline: the boundary of matte >= 0.5, opaque.
        cv::Mat bin = mattes[static_cast<std::size_t>(k)] >= 0.5f;
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(bin, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
        cv::Mat edge = cv::Mat::zeros(size, CV_8UC1);
        const int thick = std::max(2, static_cast<int>(std::lround(std::max(size.width, size.height) / 500.0)));
        cv::drawContours(edge, contours, -1, cv::Scalar(255), thick, cv::LINE_AA);
        cv::Mat edgeF;
        edge.convertTo(edgeF, CV_32F, 1.0 / 255.0);
        cv::max(a, edgeF * 0.95, a);
        std::vector<cv::Mat> ch(4);
        cv::split(acc, ch);
        cv::Mat inv = 1.0 - a;
        for (int i = 0; i < 3; ++i) ch[i] = ch[i].mul(inv) + a * bgr[i];
        ch[3] = ch[3].mul(inv) + a;
        cv::merge(ch, acc);
    }
    cv::Mat bgra8;
    acc.convertTo(bgra8, CV_8UC4, 255.0);
    for (int y = 0; y < size.height; ++y)
        std::memcpy(out.scanLine(y), bgra8.ptr(y), static_cast<std::size_t>(size.width) * 4);
    return out;
}

MatteOverlay::MatteOverlay(Document* doc, std::shared_ptr<MatteService> service, QObject* parent)
    : QObject(parent), doc_(doc), service_(service ? std::move(service) : MatteService::shared()) {
    connect(doc_, &Document::imageChanged, this, &MatteOverlay::onImageChanged);
    connect(doc_, &Document::documentReset, this, &MatteOverlay::onImageChanged);
    connect(doc_, &Document::changed, this, &MatteOverlay::schedule);
    worker_ = std::thread([this] { run(); });
    onImageChanged();
}

MatteOverlay::~MatteOverlay() { shutdown(); }

void MatteOverlay::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        job_.reset();
    }
    superseded_ = true;
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void MatteOverlay::setEnabled(bool on) {
    if (on == enabled_) return;
    enabled_ = on;
    if (!on) {
        overlay_ = QImage();
        shown_ = pending_;
        emit overlayChanged();
    } else {
        lastScheduled_.reset();
        schedule();
    }
}

void MatteOverlay::onImageChanged() {
    image_ = doc_->isEmpty() || doc_->imageMissing() ? cv::Mat() : toMat(doc_->image());
    {
        std::lock_guard<std::mutex> lock(mutex_);
        imageKey_.clear();
    }
    lastScheduled_.reset();
    overlay_ = QImage();
    emit overlayChanged();
    schedule();
}

void MatteOverlay::schedule() {
    if (!enabled_ || image_.empty()) return;
    const Project& p = doc_->project();
    if (lastScheduled_ && sameMatteInputs(*lastScheduled_, p)) return;  // e.g. a soft keyframe moved
    lastScheduled_ = p;
    Job j;
    j.id = ++pending_;
    j.image = image_;
    j.project = p;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        j.key = imageKey_;
        job_ = std::move(j);  // replaces any job not started yet
        superseded_ = true;
    }
    cv_.notify_all();
}

void MatteOverlay::run() {
    for (;;) {
        Job j;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            cv_.wait(lock, [this] { return stop_ || job_.has_value(); });
            if (stop_) return;
            j = std::move(*job_);
            job_.reset();
            superseded_ = false;
        }
        const auto t0 = std::chrono::steady_clock::now();
        if (j.key.empty()) {
            j.key = MatteService::imageKey(j.image);
            std::lock_guard<std::mutex> lock(mutex_);
            imageKey_ = j.key;
        }
        QImage img;
        QString notice;
        std::vector<cv::Mat> mattes;
        try {
            // Load the network with the first image, before any box: the
            // user's first box then waits for one inference, not also for
            // the weights (about 1.5 s on 2 cores). Tries once.
            if (service_->usesNetwork()) service_->networkAvailable();
            const std::string key = j.key;
            for (const Object& o : j.project.objects) {
                const Keyframe* k = o.keyframeAt(0);
                if (!k) {
                    mattes.push_back(cv::Mat::zeros(j.image.size(), CV_32FC1));
                    continue;
                }
                {
                    std::lock_guard<std::mutex> lock(mutex_);  // superseded: stop early
                    if (stop_ || job_.has_value()) break;
                }
                mattes.push_back(service_->matte(j.image, key, k->box, o.strokes).clone());
            }
            if (mattes.size() != j.project.objects.size()) continue;  // superseded
            occludeFrontToBack(mattes);
            img = renderMatteOverlay(mattes, j.project);
            notice = QString::fromStdString(service_->notice());
        } catch (const std::exception& e) {
            notice = QString::fromStdString(e.what());
        }
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        QPointer<MatteOverlay> self(this);
        QMetaObject::invokeMethod(
            this, [self, id = j.id, img, ms, notice] {
                if (self) self->deliver(id, img, ms, notice);
            },
            Qt::QueuedConnection);
        if (img.isNull() || mattes.empty()) continue;
        // The plate Generate will need, at the size it will render (outputSize).
        try {
            const cv::Size out = outputSize(
                cv::Size(j.project.output.width, j.project.output.height), j.image.size());
            if (prepareWorkingScene(j.image, std::move(mattes), out, &superseded_).plate.empty())
                continue;  // superseded
        } catch (const std::exception&) {
            continue;  // Generate will make it and report what went wrong
        }
        ++platesPrepared_;
        QMetaObject::invokeMethod(
            this, [self] {
                if (self) emit self->plateReady();
            },
            Qt::QueuedConnection);
    }
}

void MatteOverlay::deliver(quint64 id, const QImage& img, double ms, const QString& notice) {
    if (id != pending_ || !enabled_) {  // a newer request is on its way
        ++dropped_;
        return;
    }
    shown_ = id;
    overlay_ = img;
    lastMs_ = ms;
    emit overlayChanged();
    if (notice != notice_) {
        notice_ = notice;
        emit noticeChanged(notice_);
    }
}

}  // namespace boxanim::ui
