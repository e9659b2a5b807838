// What the canvas shows over the reference image at the playhead: the
// streaming preview frames of a running generation, else the generated clip.
// Plays the clip at the project's fps (looping or not), and toggles between
// the clip view (generated frames) and the photo. The user's boxes and paths
// are drawn over either (the canvas's own toggle hides them). The clip view
// needs frames: with none (e.g. a cancelled first run) it is off.
// The clip remembers the key of the project state it came from
// (clip_key.h); it is out of date whenever the project's key differs.
#pragma once

#include <QImage>
#include <QObject>
#include <QVector>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "core/media/frame_store.h"

class QTimer;

namespace boxanim::ui {

class Canvas;
class Document;

class Player : public QObject {
    Q_OBJECT
public:
    Player(Document* doc, Canvas* canvas, QObject* parent = nullptr);

    // Preview frames (preview resolution, one per timeline frame) of the
    // running generation; an empty list stops showing previews.
    void setPreview(const QVector<QImage>& frames);
    bool showingPreview() const { return !preview_.isEmpty(); }
    // The generated clip (BGR full-size frames), its fps and the key of the
    // project state it was generated from; null clears it.
    void setClip(ClipFrames frames, int fps,
                 const QString& key = {});
    bool hasClip() const { return clip_ && !clip_->empty(); }
    int clipFrames() const { return clip_ ? int(clip_->size()) : 0; }
    const ClipFrames& clip() const { return clip_; }
    int clipFps() const { return fps_; }
    QString clipKey() const { return clipKey_; }
    // True when there is a clip and the project no longer matches what it came from.
    bool clipStale() const { return stale_; }

    bool clipShown() const { return clipShown_; }
    bool isPlaying() const;
    bool loop() const { return loop_; }
    // The image now over the canvas (null when none).
    QImage currentImage() const { return current_; }

public slots:
    void setClipShown(bool shown);
    void play();
    void pause();
    void togglePlay();
    void setLoop(bool loop);

signals:
    void clipChanged(bool hasClip);
    void previewChanged(bool showingPreview);
    void clipShownChanged(bool shown);
    void playingChanged(bool playing);
    void staleChanged(bool stale);

private:
    void refresh();
    void advance();
    int frameCount() const;
    void updateStale();

    Document* doc_;
    Canvas* canvas_;
    QTimer* timer_;
    QVector<QImage> preview_;
    ClipFrames clip_;
    int fps_ = 24;
    bool clipShown_ = false;
    bool loop_ = true;
    QImage current_;
    QString clipKey_;
    bool stale_ = false;
};

}  // namespace boxanim::ui
