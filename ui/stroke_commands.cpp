#include "ui/stroke_commands.h"

#include <QCoreApplication>

#include "ui/document.h"

namespace boxanim::ui {

namespace {
QString tr(const char* s) { return QCoreApplication::translate("StrokeCommands", s); }
}  // namespace

AddStrokeCommand::AddStrokeCommand(Document* doc, const QString& id, Stroke stroke)
    : doc_(doc), objectId_(id), stroke_(std::move(stroke)) {
    setText(stroke_.mode == StrokeMode::Include ? tr("Include stroke") : tr("Exclude stroke"));
}

void AddStrokeCommand::redo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.strokes.push_back(stroke_);
        doc_->replaceObject(c);
    }
}

void AddStrokeCommand::undo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        if (!c.strokes.empty() && c.strokes.back() == stroke_) c.strokes.pop_back();
        doc_->replaceObject(c);
    }
}

ClearStrokesCommand::ClearStrokesCommand(Document* doc, const QString& id) : doc_(doc), objectId_(id) {
    if (const Object* o = doc->object(id)) before_ = o->strokes;
    setText(tr("Clear strokes"));
}

void ClearStrokesCommand::redo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.strokes.clear();
        doc_->replaceObject(c);
    }
}

void ClearStrokesCommand::undo() {
    if (const Object* o = doc_->object(objectId_)) {
        Object c = *o;
        c.strokes = before_;
        doc_->replaceObject(c);
    }
}

}  // namespace boxanim::ui
