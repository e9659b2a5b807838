// One QUndoCommand per user action (STYLE: Qt undoframework, Shotcut). Each
// stores the values it needs to go both ways; drags merge through id() and
// mergeWith() when pushed with the same non-zero session (Document::newSession).
#pragma once

#include <QString>
#include <QStringList>
#include <QUndoCommand>
#include <optional>

#include "core/project/project.h"

namespace boxanim::ui {

class Document;

enum CommandId {
    kSetKeyframeCommandId = 1001,
    kMoveKeyframeCommandId,
    kSetPathCommandId,
    kProjectSettingsCommandId,
    kGenerationSettingsCommandId,
};

// Adds an object (with its frame-0 hard keyframe) at `index` and selects it.
class AddObjectCommand : public QUndoCommand {
public:
    AddObjectCommand(Document* doc, Object obj, int index, const QString& text = {});
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    Object obj_;
    int index_;
};

class DeleteObjectCommand : public QUndoCommand {
public:
    DeleteObjectCommand(Document* doc, const QString& id);
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    Object obj_;
    int index_;
};

class RenameObjectCommand : public QUndoCommand {
public:
    RenameObjectCommand(Document* doc, const QString& id, const QString& name);
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    std::string id_, before_, after_;
};

class RecolorObjectCommand : public QUndoCommand {
public:
    RecolorObjectCommand(Document* doc, const QString& id, const QString& color);
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    std::string id_, before_, after_;
};

// Moves an object in the front-to-back (depth) order.
class ReorderObjectCommand : public QUndoCommand {
public:
    ReorderObjectCommand(Document* doc, const QString& id, int toIndex);
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    QString id_;
    int from_, to_;
};

// Adds or replaces the keyframe at kf.frame (draw, move, resize, inspector,
// kind and easing changes).
class SetKeyframeCommand : public QUndoCommand {
public:
    SetKeyframeCommand(Document* doc, const QString& id, const Keyframe& kf, int session = 0,
                       const QString& text = {});
    void redo() override;
    void undo() override;
    int id() const override { return session_ ? kSetKeyframeCommandId : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document* doc_;
    QString objectId_;
    std::optional<Keyframe> before_;
    Keyframe after_;
    int session_;
};

class RemoveKeyframeCommand : public QUndoCommand {
public:
    RemoveKeyframeCommand(Document* doc, const QString& id, int frame);
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    QString objectId_;
    Keyframe kf_;
};

// Moves a keyframe in time (timeline drag). The target frame must be free.
class MoveKeyframeCommand : public QUndoCommand {
public:
    MoveKeyframeCommand(Document* doc, const QString& id, int fromFrame, int toFrame,
                        int session = 0);
    void redo() override;
    void undo() override;
    int id() const override { return session_ ? kMoveKeyframeCommandId : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    void move(int from, int to);
    Document* doc_;
    QString objectId_;
    int from_, to_;
    int session_;
};

// Sets, edits or removes (nullopt) an object's motion path.
class SetPathCommand : public QUndoCommand {
public:
    SetPathCommand(Document* doc, const QString& id, std::optional<MotionPath> path,
                   int session = 0, const QString& text = {});
    void redo() override;
    void undo() override;
    int id() const override { return session_ ? kSetPathCommandId : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document* doc_;
    QString objectId_;
    std::optional<MotionPath> before_, after_;
    int session_;
};

// What lowering the frame count from `from` to `to` would drop (keyframes
// past the end, paths cut short), one line each; empty when nothing.
QStringList framesLosses(const std::vector<Object>& objects, int from, int to);
// Keyframes and path spans moved with the timeline from `from` to `to`
// frames (frame f -> round(f * (to-1) / (from-1))); where two keys land on
// one frame the later one is kept.
std::vector<Object> objectsScaledToFrameCount(const std::vector<Object>& objects, int from, int to);

// Frame count, fps and output size. Shrinking the timeline drops keyframes
// past the end and clips paths, or with `scaleKeys` moves them with it; undo
// brings them back.
class ProjectSettingsCommand : public QUndoCommand {
public:
    ProjectSettingsCommand(Document* doc, const boxanim::Timeline& timeline, const OutputSize& output,
                           int session = 0, bool scaleKeys = false);
    void redo() override;
    void undo() override;
    int id() const override { return session_ ? kProjectSettingsCommandId : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document* doc_;
    boxanim::Timeline tBefore_, tAfter_;
    OutputSize oBefore_, oAfter_;
    std::vector<Object> objBefore_, objAfter_;
    int session_;
    bool scale_;
};

// Engine, seed, steps, variety and device (the generation panel). Edits of
// one control pushed with the same non-zero session merge (spin-box arrows).
class GenerationSettingsCommand : public QUndoCommand {
public:
    GenerationSettingsCommand(Document* doc, const GenerationSettings& settings, int session = 0,
                              const QString& text = {});
    void redo() override;
    void undo() override;
    int id() const override { return session_ ? kGenerationSettingsCommandId : -1; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document* doc_;
    GenerationSettings before_, after_;
    int session_;
};

// Objects adjusted to a timeline of `frames` frames (exposed for tests).
std::vector<Object> objectsForFrameCount(const std::vector<Object>& objects, int frames);

}  // namespace boxanim::ui
