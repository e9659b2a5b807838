#include "ui/document.h"

#include <QFileInfo>
#include <algorithm>

namespace boxanim::ui {

QString toQString(const std::string& s) { return QString::fromStdString(s); }
std::string toStd(const QString& s) { return s.toStdString(); }

Document::Document(QObject* parent) : QObject(parent) {}

void Document::reset(Project project, const QString& filePath, const QString& imagePath,
                     QImage image, bool imageMissing) {
    undo_.clear();
    project_ = std::move(project);
    filePath_ = filePath;
    imagePath_ = imagePath;
    image_ = std::move(image);
    imageMissing_ = imageMissing;
    selected_.clear();
    frame_ = 0;
    pathNode_ = -1;
    display_.reset();
    relaxed_.reset();
    ++revision_;
    undo_.setClean();
    emit documentReset();
    emit imageChanged();
    emit filePathChanged();
    emit changed();
    emit selectionChanged();
    emit currentFrameChanged(frame_);
}

void Document::setFilePath(const QString& path) {
    if (path == filePath_) return;
    filePath_ = path;
    emit filePathChanged();
}

QString Document::displayName() const {
    return filePath_.isEmpty() ? tr("Untitled") : QFileInfo(filePath_).fileName();
}

void Document::setSavedReference(const Reference& ref) { project_.reference = ref; }

void Document::relinkImage(const QString& absPath, const QImage& image, const std::string& sha256) {
    imagePath_ = absPath;
    image_ = image;
    imageMissing_ = false;
    project_.reference.path = toStd(absPath);
    project_.reference.sha256 = sha256;
    ++revision_;
    undo_.resetClean();  // the document now differs from the file
    emit imageChanged();
    emit changed();
}

QRectF Document::toPixels(const Box& b) const {
    const double w = image_.width(), h = image_.height();
    return QRectF(QPointF(b.x1 * w, b.y1 * h), QPointF(b.x2 * w, b.y2 * h));
}

Box Document::fromPixels(const QRectF& r) const {
    const double w = std::max(1, image_.width()), h = std::max(1, image_.height());
    QRectF n = r.normalized();
    // Boxes may leave the image (format v2), within the format's range.
    auto c = [](double v) { return std::clamp(v, kBoxCoordMin, kBoxCoordMax); };
    return Box{c(n.left() / w), c(n.top() / h), c(n.right() / w), c(n.bottom() / h)};
}

const Object* Document::selectedObject() const { return object(selected_); }

void Document::setSelectedObjectId(const QString& id) {
    QString v = object(id) ? id : QString();
    if (v == selected_) return;
    selected_ = v;
    pathNode_ = -1;
    emit selectionChanged();
}

void Document::setCurrentFrame(int frame) {
    frame = std::clamp(frame, 0, std::max(0, project_.timeline.frames - 1));
    if (frame == frame_) return;
    frame_ = frame;
    emit currentFrameChanged(frame_);
}

void Document::setSelectedPathNode(int index) {
    if (index == pathNode_) return;
    pathNode_ = index;
    emit selectionChanged();
}

const Tracks& Document::displayTracks() const {
    if (!display_) {
        TrackOptions opt;
        opt.variety = 0.0;
        display_ = expandTracks(project_, opt);
    }
    return *display_;
}

const Tracks& Document::relaxedTracks() const {
    if (!relaxed_) {
        TrackOptions opt;
        opt.variety = project_.generation.variety;
        relaxed_ = expandTracks(project_, opt);
    }
    return *relaxed_;
}

int Document::objectIndex(const QString& id) const {
    const std::string s = toStd(id);
    for (size_t i = 0; i < project_.objects.size(); ++i)
        if (project_.objects[i].id == s) return int(i);
    return -1;
}

const Object* Document::object(const QString& id) const {
    if (id.isEmpty()) return nullptr;
    return project_.findObject(toStd(id));
}

BoxKind Document::kindForNewKeyframe(const Object& obj, int frame) const {
    if (frame == 0) return BoxKind::Hard;
    BoxKind kind = BoxKind::Soft;
    for (const Keyframe& k : obj.keyframes)
        if (k.frame < frame) kind = k.kind;
    return kind;
}

std::optional<Keyframe> Document::keyframeWithBox(const Object& obj, int frame, const QRectF& px) const {
    const Keyframe* existing = obj.keyframeAt(frame);
    Keyframe kf;
    if (existing) {
        kf = *existing;
    } else {
        kf.frame = frame;
        kf.kind = kindForNewKeyframe(obj, frame);
    }
    kf.box = fromPixels(px);
    if (existing && *existing == kf) return std::nullopt;
    return kf;
}

void Document::touch() {
    ++revision_;
    display_.reset();
    relaxed_.reset();
    if (!selected_.isEmpty() && !object(selected_)) {
        selected_.clear();
        pathNode_ = -1;
        emit selectionChanged();
    }
    if (const Object* o = selectedObject()) {
        const int n = o->path ? int(o->path->points.size()) : 0;
        if (pathNode_ >= n) pathNode_ = -1;
    }
    if (frame_ >= project_.timeline.frames) {
        frame_ = std::max(0, project_.timeline.frames - 1);
        emit currentFrameChanged(frame_);
    }
    emit changed();
}

void Document::insertObject(int index, const Object& obj) {
    index = std::clamp(index, 0, int(project_.objects.size()));
    project_.objects.insert(project_.objects.begin() + index, obj);
    touch();
}

void Document::removeObject(const QString& id) {
    int i = objectIndex(id);
    if (i < 0) return;
    project_.objects.erase(project_.objects.begin() + i);
    touch();
}

void Document::replaceObject(const Object& obj) {
    if (Object* o = project_.findObject(obj.id)) {
        *o = obj;
        touch();
    }
}

void Document::moveObject(const QString& id, int toIndex) {
    int i = objectIndex(id);
    if (i < 0) return;
    Object o = project_.objects[i];
    project_.objects.erase(project_.objects.begin() + i);
    toIndex = std::clamp(toIndex, 0, int(project_.objects.size()));
    project_.objects.insert(project_.objects.begin() + toIndex, o);
    touch();
}

void Document::setSettings(const boxanim::Timeline& timeline, const OutputSize& output,
                           const std::vector<Object>& objects) {
    project_.timeline = timeline;
    project_.output = output;
    project_.objects = objects;
    touch();
}

void Document::setGenerationSettings(const GenerationSettings& settings) {
    project_.generation = settings;
    touch();
}

}  // namespace boxanim::ui
