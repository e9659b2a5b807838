// Matte strokes on the undo stack: one painted stroke is one command.
#pragma once

#include <QString>
#include <QUndoCommand>

#include "core/project/project.h"

namespace boxanim::ui {

class Document;

// Appends `stroke` to object `id`'s strokes (redo) or removes it (undo).
class AddStrokeCommand : public QUndoCommand {
public:
    AddStrokeCommand(Document* doc, const QString& id, Stroke stroke);
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    QString objectId_;
    Stroke stroke_;
};

// Removes every stroke of object `id` (undo restores them).
class ClearStrokesCommand : public QUndoCommand {
public:
    ClearStrokesCommand(Document* doc, const QString& id);
    void redo() override;
    void undo() override;

private:
    Document* doc_;
    QString objectId_;
    std::vector<Stroke> before_;
};

}  // namespace boxanim::ui
