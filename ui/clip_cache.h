// The last generated clip kept with its project (issue 13 item 3): a cache
// folder per project id and clip key (clip_key.h: a hash of everything the
// clip depends on), holding the frames as PNG (lossless) and a clip.json.
// Reopening a project whose state matches a stored key gets its clip back
// (Export works without generating again); any other state finds none.
// Only the newest clip of a project is kept.
//
// Writing and reading run on a worker thread (PNG coding of 48 full-size
// frames takes a while); results come back to the GUI thread as signals.
#pragma once

#include <QObject>
#include <QString>
#include <memory>
#include <functional>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <thread>
#include <vector>

#include "core/media/frame_store.h"

namespace boxanim::ui {

using boxanim::ClipFrames;

class ClipCache : public QObject {
    Q_OBJECT
public:
    // `dir` empty: <user cache folder>/clips.
    explicit ClipCache(const QString& dir = {}, QObject* parent = nullptr);
    ~ClipCache() override;  // waits for a write or read in progress

    QString dir() const { return dir_; }
    QString folderFor(const QString& projectId, const QString& key) const;

    // Keeps `frames` as the project's clip (replacing its older one) in the
    // background; clipStored follows.
    void store(const QString& projectId, const QString& key, ClipFrames frames, int fps);
    // Looks for the clip of exactly this project state in the background;
    // clipFound follows only when there is one.
    void find(const QString& projectId, const QString& key);
    // Blocking versions (the worker uses these; tests may too).
    bool storeNow(const QString& projectId, const QString& key, const FrameStore& frames,
                  int fps, QString* error = nullptr) const;
    ClipFrames loadNow(const QString& projectId, const QString& key, int* fps) const;
    void wait();  // until the background work has ended

signals:
    void clipStored(const QString& projectId, const QString& key, bool ok, const QString& error);
    void clipFound(const QString& projectId, const QString& key, ClipFrames frames, int fps);

private:
    void run(std::function<void()> job);

    QString dir_;
    std::mutex mutex_;
    std::thread worker_;
};

}  // namespace boxanim::ui
