#include "ui/clip_cache.h"

#include "ui/generation_controller.h"  // frameStoreDir

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <opencv2/imgcodecs.hpp>

namespace boxanim::ui {

namespace {
constexpr const char* kMeta = "clip.json";
QString frameName(int i) { return QStringLiteral("frame_%1.png").arg(i, 5, 10, QLatin1Char('0')); }
// Ids are QUuid-style, keys hex; anything else is not a folder name we make.
QString safe(const QString& s) {
    QString out;
    for (QChar c : s)
        if (c.isLetterOrNumber() || c == QLatin1Char('-')) out += c;
    return out;
}
}  // namespace

ClipCache::ClipCache(const QString& dir, QObject* parent)
    : QObject(parent),
      dir_(dir.isEmpty()
               ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/clips")
               : dir) {
    qRegisterMetaType<ClipFrames>("ClipFrames");
}

ClipCache::~ClipCache() { wait(); }

void ClipCache::wait() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (worker_.joinable()) worker_.join();
}

QString ClipCache::folderFor(const QString& projectId, const QString& key) const {
    return dir_ + QLatin1Char('/') + safe(projectId) + QLatin1Char('-') + safe(key).left(32);
}

void ClipCache::run(std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (worker_.joinable()) worker_.join();  // one job at a time, in order
    worker_ = std::thread(std::move(job));
}

bool ClipCache::storeNow(const QString& projectId, const QString& key,
                         const FrameStore& frames, int fps, QString* error) const {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (projectId.isEmpty() || key.isEmpty() || frames.empty()) return fail(QStringLiteral("nothing to keep"));
    const QString folder = folderFor(projectId, key);
    const QString tmp = folder + QStringLiteral(".part");
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(tmp)) return fail(QStringLiteral("cannot create %1").arg(tmp));
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const QString f = tmp + QLatin1Char('/') + frameName(int(i));
        if (!cv::imwrite(f.toStdString(), frames[i], {cv::IMWRITE_PNG_COMPRESSION, 1})) {
            QDir(tmp).removeRecursively();
            return fail(QStringLiteral("cannot write %1").arg(f));
        }
    }
    QJsonObject meta{{QStringLiteral("project"), projectId}, {QStringLiteral("key"), key},
                     {QStringLiteral("fps"), fps}, {QStringLiteral("frames"), int(frames.size())},
                     {QStringLiteral("width"), frames.front().cols},
                     {QStringLiteral("height"), frames.front().rows}};
    QFile m(tmp + QLatin1Char('/') + QLatin1String(kMeta));
    if (!m.open(QIODevice::WriteOnly) || m.write(QJsonDocument(meta).toJson()) <= 0) {
        QDir(tmp).removeRecursively();
        return fail(QStringLiteral("cannot write %1").arg(m.fileName()));
    }
    m.close();
    // The newest clip replaces every older one of this project.
    const QString prefix = safe(projectId) + QLatin1Char('-');
    for (const QString& d : QDir(dir_).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (d.startsWith(prefix) && dir_ + QLatin1Char('/') + d != tmp)
            QDir(dir_ + QLatin1Char('/') + d).removeRecursively();
    if (!QDir().rename(tmp, folder)) return fail(QStringLiteral("cannot rename %1").arg(tmp));
    return true;
}

ClipFrames ClipCache::loadNow(const QString& projectId, const QString& key, int* fps) const {
    const QString folder = folderFor(projectId, key);
    QFile m(folder + QLatin1Char('/') + QLatin1String(kMeta));
    if (!m.open(QIODevice::ReadOnly)) return nullptr;
    const QJsonObject meta = QJsonDocument::fromJson(m.readAll()).object();
    if (meta.value(QStringLiteral("key")).toString() != key ||
        meta.value(QStringLiteral("project")).toString() != projectId)
        return nullptr;
    const int n = meta.value(QStringLiteral("frames")).toInt();
    const cv::Size size(meta.value(QStringLiteral("width")).toInt(), meta.value(QStringLiteral("height")).toInt());
    if (n <= 0 || size.area() <= 0) return nullptr;
    std::shared_ptr<FrameStore> frames;
    try {
        frames = std::make_shared<FrameStore>(frameStoreDir());
        for (int i = 0; i < n; ++i) {
            cv::Mat f = cv::imread((folder + QLatin1Char('/') + frameName(i)).toStdString(), cv::IMREAD_COLOR);
            if (f.empty() || f.size() != size) return nullptr;  // damaged: as if none
            frames->append(f);
        }
    } catch (const std::exception&) {
        return nullptr;  // no room to keep it: as if none
    }
    if (fps) *fps = std::max(1, meta.value(QStringLiteral("fps")).toInt());
    return frames;
}

void ClipCache::store(const QString& projectId, const QString& key, ClipFrames frames, int fps) {
    run([this, projectId, key, frames, fps] {
        QString err;
        const bool ok = frames && storeNow(projectId, key, *frames, fps, &err);
        QMetaObject::invokeMethod(
            this, [this, projectId, key, ok, err] { emit clipStored(projectId, key, ok, err); },
            Qt::QueuedConnection);
    });
}

void ClipCache::find(const QString& projectId, const QString& key) {
    run([this, projectId, key] {
        int fps = 24;
        ClipFrames frames = loadNow(projectId, key, &fps);
        if (!frames) return;
        QMetaObject::invokeMethod(
            this, [this, projectId, key, frames, fps] { emit clipFound(projectId, key, frames, fps); },
            Qt::QueuedConnection);
    });
}

}  // namespace boxanim::ui
