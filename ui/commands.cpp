#include "ui/commands.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

#include "ui/document.h"

namespace boxanim::ui {

namespace {
QString tr(const char* s) { return QCoreApplication::translate("Commands", s); }
}  // namespace

// ---------------------------------------------------------------- objects

AddObjectCommand::AddObjectCommand(Document* doc, Object obj, int index, const QString& text)
    : doc_(doc), obj_(std::move(obj)), index_(index) {
    setText(text.isEmpty() ? tr("Add object") : text);
}

void AddObjectCommand::redo() {
    doc_->insertObject(index_, obj_);
    doc_->setSelectedObjectId(toQString(obj_.id));
}

void AddObjectCommand::undo() { doc_->removeObject(toQString(obj_.id)); }

DeleteObjectCommand::DeleteObjectCommand(Document* doc, const QString& id)
    : doc_(doc), index_(doc->objectIndex(id)) {
    if (const Object* o = doc->object(id)) obj_ = *o;
    setText(tr("Delete object"));
}

void DeleteObjectCommand::redo() { doc_->removeObject(toQString(obj_.id)); }

void DeleteObjectCommand::undo() {
    doc_->insertObject(index_, obj_);
    doc_->setSelectedObjectId(toQString(obj_.id));
}

RenameObjectCommand::RenameObjectCommand(Document* doc, const QString& id, const QString& name)
    : doc_(doc), id_(toStd(id)), after_(toStd(name)) {
    if (const Object* o = doc->object(id)) before_ = o->name;
    setText(tr("Rename object"));
}

void RenameObjectCommand::redo() {
    if (const Object* o = doc_->object(toQString(id_))) {
        Object c = *o;
        c.name = after_;
        doc_->replaceObject(c);
    }
}

void RenameObjectCommand::undo() {
    if (const Object* o = doc_->object(toQString(id_))) {
        Object c = *o;
        c.name = before_;
        doc_->replaceObject(c);
    }
}

RecolorObjectCommand::RecolorObjectCommand(Document* doc, const QString& id, const QString& color)
    : doc_(doc), id_(toStd(id)), after_(toStd(color)) {
    if (const Object* o = doc->object(id)) before_ = o->color;
    setText(tr("Change object colour"));
}

void RecolorObjectCommand::redo() {
    if (const Object* o = doc_->object(toQString(id_))) {
        Object c = *o;
        c.color = after_;
        doc_->replaceObject(c);
    }
}

void RecolorObjectCommand::undo() {
    if (const Object* o = doc_->object(toQString(id_))) {
        Object c = *o;
        c.color = before_;
        doc_->replaceObject(c);
    }
}

ReorderObjectCommand::ReorderObjectCommand(Document* doc, const QString& id, int toIndex)
    : doc_(doc), id_(id), from_(doc->objectIndex(id)), to_(toIndex) {
    setText(tr("Reorder objects"));
}

void ReorderObjectCommand::redo() { doc_->moveObject(id_, to_); }
void ReorderObjectCommand::undo() { doc_->moveObject(id_, from_); }

// ---------------------------------------------------------------- keyframes

SetKeyframeCommand::SetKeyframeCommand(Document* doc, const QString& id, const Keyframe& kf,
                                       int session, const QString& text)
    : doc_(doc), objectId_(id), after_(kf), session_(session) {
    if (const Object* o = doc->object(id))
        if (const Keyframe* k = o->keyframeAt(kf.frame)) before_ = *k;
    setText(!text.isEmpty() ? text : before_ ? tr("Edit keyframe") : tr("Add keyframe"));
}

void SetKeyframeCommand::redo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.setKeyframe(after_);
        doc_->replaceObject(c);
    }
}

void SetKeyframeCommand::undo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        if (before_)
            c.setKeyframe(*before_);
        else
            c.removeKeyframe(after_.frame);
        doc_->replaceObject(c);
    }
}

bool SetKeyframeCommand::mergeWith(const QUndoCommand* other) {
    if (other->id() != id()) return false;
    auto* o = static_cast<const SetKeyframeCommand*>(other);
    if (o->session_ != session_ || o->objectId_ != objectId_ || o->after_.frame != after_.frame)
        return false;
    after_ = o->after_;
    return true;
}

RemoveKeyframeCommand::RemoveKeyframeCommand(Document* doc, const QString& id, int frame)
    : doc_(doc), objectId_(id) {
    kf_.frame = frame;
    if (const Object* o = doc->object(id))
        if (const Keyframe* k = o->keyframeAt(frame)) kf_ = *k;
    setText(tr("Delete keyframe"));
}

void RemoveKeyframeCommand::redo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.removeKeyframe(kf_.frame);
        doc_->replaceObject(c);
    }
}

void RemoveKeyframeCommand::undo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.setKeyframe(kf_);
        doc_->replaceObject(c);
    }
}

MoveKeyframeCommand::MoveKeyframeCommand(Document* doc, const QString& id, int fromFrame,
                                         int toFrame, int session)
    : doc_(doc), objectId_(id), from_(fromFrame), to_(toFrame), session_(session) {
    setText(tr("Move keyframe"));
}

void MoveKeyframeCommand::move(int from, int to) {
    const Object* o = doc_->object(objectId_);
    if (!o || from == to) return;
    const Keyframe* k = o->keyframeAt(from);
    if (!k || o->keyframeAt(to)) return;
    Object c = *o;
    Keyframe moved = *k;
    c.removeKeyframe(from);
    moved.frame = to;
    c.setKeyframe(moved);
    doc_->replaceObject(c);
}

void MoveKeyframeCommand::redo() { move(from_, to_); }
void MoveKeyframeCommand::undo() { move(to_, from_); }

bool MoveKeyframeCommand::mergeWith(const QUndoCommand* other) {
    if (other->id() != id()) return false;
    auto* o = static_cast<const MoveKeyframeCommand*>(other);
    if (o->session_ != session_ || o->objectId_ != objectId_ || o->from_ != to_) return false;
    to_ = o->to_;
    return true;
}

// ---------------------------------------------------------------- paths

SetPathCommand::SetPathCommand(Document* doc, const QString& id, std::optional<MotionPath> path,
                               int session, const QString& text)
    : doc_(doc), objectId_(id), after_(std::move(path)), session_(session) {
    if (const Object* o = doc->object(id)) before_ = o->path;
    setText(!text.isEmpty() ? text : after_ ? tr("Edit motion path") : tr("Delete motion path"));
}

void SetPathCommand::redo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.path = after_;
        doc_->replaceObject(c);
    }
}

void SetPathCommand::undo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.path = before_;
        doc_->replaceObject(c);
    }
}

bool SetPathCommand::mergeWith(const QUndoCommand* other) {
    if (other->id() != id()) return false;
    auto* o = static_cast<const SetPathCommand*>(other);
    if (o->session_ != session_ || o->objectId_ != objectId_) return false;
    after_ = o->after_;
    return true;
}

// ---------------------------------------------------------------- settings

std::vector<Object> objectsForFrameCount(const std::vector<Object>& objects, int frames) {
    std::vector<Object> out = objects;
    for (Object& o : out) {
        o.keyframes.erase(std::remove_if(o.keyframes.begin(), o.keyframes.end(),
                                         [&](const Keyframe& k) { return k.frame >= frames; }),
                          o.keyframes.end());
        if (o.path) {
            o.path->from = std::min(o.path->from, frames - 1);
            o.path->to = std::min(o.path->to, frames - 1);
            if (o.path->to <= o.path->from) o.path.reset();
        }
    }
    return out;
}

QStringList framesLosses(const std::vector<Object>& objects, int from, int to) {
    QStringList out;
    if (to >= from) return out;
    for (const Object& o : objects) {
        const QString name = QString::fromStdString(o.name);
        QStringList keys;
        for (const Keyframe& k : o.keyframes)
            if (k.frame >= to) keys << QString::number(k.frame);
        if (!keys.isEmpty())
            out << (keys.size() == 1
                        ? QObject::tr("%1: the keyframe at frame %2").arg(name, keys.front())
                        : QObject::tr("%1: the keyframes at frames %2").arg(name, keys.join(QStringLiteral(", "))));
        if (o.path && o.path->to > to - 1) {
            if (o.path->from >= to - 1)
                out << QObject::tr("%1: its motion path (frames %2–%3)").arg(name).arg(o.path->from).arg(o.path->to);
            else
                out << QObject::tr("%1: the end of its motion path (frames %2–%3 become %2–%4, "
                                   "so it is traversed faster)")
                           .arg(name)
                           .arg(o.path->from)
                           .arg(o.path->to)
                           .arg(to - 1);
        }
    }
    return out;
}

std::vector<Object> objectsScaledToFrameCount(const std::vector<Object>& objects, int from, int to) {
    std::vector<Object> out = objects;
    if (from == to || from < 2 || to < 2) return objectsForFrameCount(objects, to);
    const double k = double(to - 1) / double(from - 1);
    auto map = [&](int f) { return std::clamp(int(std::lround(f * k)), 0, to - 1); };
    for (Object& o : out) {
        std::vector<Keyframe> keys;
        for (Keyframe kf : o.keyframes) {  // sorted: a later key replaces an earlier one on its frame
            kf.frame = map(kf.frame);
            if (!keys.empty() && keys.back().frame == kf.frame)
                keys.back() = kf.frame == 0 ? keys.back() : kf;  // frame 0 keeps the selecting key
            else
                keys.push_back(kf);
        }
        o.keyframes = keys;
        if (o.path) {
            o.path->from = map(o.path->from);
            o.path->to = map(o.path->to);
            if (o.path->to <= o.path->from) {
                if (o.path->from + 1 < to)
                    o.path->to = o.path->from + 1;
                else
                    o.path.reset();
            }
        }
    }
    return out;
}

ProjectSettingsCommand::ProjectSettingsCommand(Document* doc, const boxanim::Timeline& timeline,
                                               const OutputSize& output, int session, bool scaleKeys)
    : doc_(doc),
      tBefore_(doc->project().timeline),
      tAfter_(timeline),
      oBefore_(doc->project().output),
      oAfter_(output),
      objBefore_(doc->project().objects),
      objAfter_(scaleKeys ? objectsScaledToFrameCount(doc->project().objects,
                                                      doc->project().timeline.frames, timeline.frames)
                          : objectsForFrameCount(doc->project().objects, timeline.frames)),
      session_(session),
      scale_(scaleKeys) {
    setText(scaleKeys ? tr("Change frame count (keys scaled)") : tr("Change project settings"));
}

void ProjectSettingsCommand::redo() { doc_->setSettings(tAfter_, oAfter_, objAfter_); }
void ProjectSettingsCommand::undo() { doc_->setSettings(tBefore_, oBefore_, objBefore_); }

bool ProjectSettingsCommand::mergeWith(const QUndoCommand* other) {
    if (other->id() != id()) return false;
    auto* o = static_cast<const ProjectSettingsCommand*>(other);
    if (o->session_ != session_ || o->scale_ != scale_) return false;
    tAfter_ = o->tAfter_;
    oAfter_ = o->oAfter_;
    objAfter_ = scale_ ? objectsScaledToFrameCount(objBefore_, tBefore_.frames, tAfter_.frames)
                       : objectsForFrameCount(objBefore_, tAfter_.frames);
    return true;
}

// ---------------------------------------------------------------- generation

GenerationSettingsCommand::GenerationSettingsCommand(Document* doc, const GenerationSettings& settings,
                                                     int session, const QString& text)
    : doc_(doc), before_(doc->project().generation), after_(settings), session_(session) {
    setText(text.isEmpty() ? tr("Change generation settings") : text);
}

void GenerationSettingsCommand::redo() { doc_->setGenerationSettings(after_); }
void GenerationSettingsCommand::undo() { doc_->setGenerationSettings(before_); }

bool GenerationSettingsCommand::mergeWith(const QUndoCommand* other) {
    if (other->id() != id()) return false;
    auto* o = static_cast<const GenerationSettingsCommand*>(other);
    if (o->session_ != session_) return false;
    after_ = o->after_;
    setObsolete(after_ == before_);
    return true;
}

}  // namespace boxanim::ui
