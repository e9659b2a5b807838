#include "ui/player.h"

#include <QTimer>
#include <algorithm>

#include "ui/canvas.h"
#include "ui/clip_key.h"
#include "ui/document.h"
#include "ui/generation_controller.h"

namespace boxanim::ui {

Player::Player(Document* doc, Canvas* canvas, QObject* parent)
    : QObject(parent), doc_(doc), canvas_(canvas), timer_(new QTimer(this)) {
    timer_->setTimerType(Qt::PreciseTimer);
    connect(timer_, &QTimer::timeout, this, &Player::advance);
    connect(doc_, &Document::currentFrameChanged, this, &Player::refresh);
    connect(doc_, &Document::changed, this, &Player::updateStale);
    connect(doc_, &Document::documentReset, this, [this] {
        pause();
        setPreview({});
        setClip(nullptr, 24);
        setClipShown(false);
    });
}

void Player::setPreview(const QVector<QImage>& frames) {
    const bool had = !preview_.isEmpty();
    preview_ = frames;
    if (had != !preview_.isEmpty()) emit previewChanged(!preview_.isEmpty());
    if (!preview_.isEmpty() && !clipShown_)
        setClipShown(true);
    else if (frameCount() == 0)
        setClipShown(false);  // nothing left to show (a cancelled first run)
    refresh();
}

void Player::setClip(ClipFrames frames, int fps,
                     const QString& key) {
    clip_ = std::move(frames);
    fps_ = std::max(1, fps);
    clipKey_ = hasClip() ? key : QString();
    if (!hasClip()) pause();
    if (frameCount() == 0) setClipShown(false);
    emit clipChanged(hasClip());
    updateStale();
    refresh();
}

void Player::updateStale() {
    bool stale = false;
    if (hasClip() && !clipKey_.isEmpty() && !doc_->isEmpty())
        stale = clipDependencyKey(doc_->project(), doc_->image()) != clipKey_;
    if (stale == stale_) return;
    stale_ = stale;
    emit staleChanged(stale_);
    refresh();
}

bool Player::isPlaying() const { return timer_->isActive(); }

int Player::frameCount() const {
    if (!preview_.isEmpty()) return int(preview_.size());
    return clipFrames();
}

void Player::setClipShown(bool shown) {
    if (shown && frameCount() == 0) shown = false;
    if (shown == clipShown_) {
        if (!shown) emit clipShownChanged(false);  // re-sync a checkbox the user just ticked
        return;
    }
    clipShown_ = shown;
    if (!shown) pause();
    emit clipShownChanged(shown);
    refresh();
}

void Player::play() {
    if (frameCount() == 0 || isPlaying()) return;
    setClipShown(true);
    // Playing from the last frame starts over.
    if (doc_->currentFrame() >= frameCount() - 1) doc_->setCurrentFrame(0);
    const int fps = std::max(1, doc_->project().timeline.fps);
    timer_->start(std::max(1, 1000 / fps));
    emit playingChanged(true);
}

void Player::pause() {
    if (!timer_->isActive()) return;
    timer_->stop();
    emit playingChanged(false);
}

void Player::togglePlay() { isPlaying() ? pause() : play(); }

void Player::setLoop(bool loop) { loop_ = loop; }

void Player::advance() {
    const int n = std::min(frameCount(), doc_->project().timeline.frames);
    if (n <= 0) {
        pause();
        return;
    }
    const int next = doc_->currentFrame() + 1;
    if (next < n) {
        doc_->setCurrentFrame(next);
    } else if (loop_) {
        doc_->setCurrentFrame(0);
    } else {
        pause();
    }
}

void Player::refresh() {
    QImage img;
    if (clipShown_) {
        const int f = doc_->currentFrame();
        if (!preview_.isEmpty()) {
            img = preview_[std::clamp(f, 0, int(preview_.size()) - 1)];
        } else if (hasClip()) {
            img = toQImage((*clip_)[static_cast<std::size_t>(std::clamp(f, 0, clipFrames() - 1))]);
        }
    }
    current_ = img;
    canvas_->setOverlayImage(img);
    canvas_->setOverlayNote(!img.isNull() && preview_.isEmpty() && stale_
                                ? tr("Clip out of date: the project changed since it was "
                                     "generated (Ctrl+Return regenerates)")
                                : QString());
}

}  // namespace boxanim::ui
