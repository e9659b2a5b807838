#include "ui/project_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QUndoStack>

#include "ui/commands.h"
#include "ui/document.h"
#include "ui/wheel_guard.h"

namespace boxanim::ui {

namespace {
QSpinBox* intSpin(QWidget* parent, int lo, int hi, const QString& suffix = {}) {
    auto* s = new QSpinBox(parent);
    s->setRange(lo, hi);
    s->setKeyboardTracking(false);
    s->setSuffix(suffix);
    return s;
}
}  // namespace

ProjectBar::ProjectBar(Document* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(6, 2, 6, 2);
    frames_ = intSpin(this, 2, kMaxFrames);
    frames_->setToolTip(tr("Frames in the clip. Lowering it asks before removing keyframes, "
                           "or scales them with the timeline"));
    fps_ = intSpin(this, 1, 120, tr(" fps"));
    duration_ = new QLabel(this);
    outW_ = intSpin(this, 16, 8192, QStringLiteral(" px"));
    outH_ = intSpin(this, 16, 8192, QStringLiteral(" px"));
    outW_->setSingleStep(8);
    outH_->setSingleStep(8);
    outW_->setToolTip(tr("Width of the generated clip"));
    outH_->setToolTip(tr("Height of the generated clip"));
    auto* framesLabel = new QLabel(tr("&Frames"), this);
    framesLabel->setBuddy(frames_);
    row->addWidget(framesLabel);
    row->addWidget(frames_);
    row->addWidget(fps_);
    row->addWidget(duration_);
    row->addSpacing(16);
    auto* outLabel = new QLabel(tr("O&utput"), this);
    outLabel->setBuddy(outW_);
    row->addWidget(outLabel);
    row->addWidget(outW_);
    row->addWidget(new QLabel(QStringLiteral("×"), this));
    row->addWidget(outH_);
    row->addStretch(1);

    connect(frames_, &QSpinBox::valueChanged, this, [this](int v) {
        if (updating_ || doc_->isEmpty() || v == doc_->project().timeline.frames) return;
        emit framesRequested(v);
        refresh();  // the project's value, whatever was decided
    });
    for (QSpinBox* s : {fps_, outW_, outH_})
        connect(s, &QSpinBox::valueChanged, this, &ProjectBar::settingsEdited);
    connect(doc_, &Document::changed, this, &ProjectBar::refresh);
    guardWheel(this);
    refresh();
}

void ProjectBar::refresh() {
    updating_ = true;
    const Project& p = doc_->project();
    setEnabled(!doc_->isEmpty());
    frames_->setValue(p.timeline.frames);
    fps_->setValue(p.timeline.fps);
    outW_->setValue(p.output.width);
    outH_->setValue(p.output.height);
    duration_->setText(
        tr("= %1 s").arg(QString::number(double(p.timeline.frames) / std::max(1, p.timeline.fps), 'f', 2)));
    updating_ = false;
}

void ProjectBar::settingsEdited() {
    if (updating_ || doc_->isEmpty()) return;
    const Project& p = doc_->project();
    boxanim::Timeline t{p.timeline.frames, fps_->value()};
    OutputSize out{outW_->value(), outH_->value()};
    if (t == p.timeline && out == p.output) return;
    doc_->undoStack()->push(new ProjectSettingsCommand(doc_, t, out));
}

}  // namespace boxanim::ui
