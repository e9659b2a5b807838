// The project bar above the timeline: frame count, frame rate (with the
// clip's duration) and output size, where people look for them. Frame-count
// changes go through MainWindow::setFrameCount (which asks before lowering
// it would lose keys); fps and output size are plain undoable edits.
#pragma once

#include <QWidget>

class QLabel;
class QSpinBox;

namespace boxanim::ui {

class Document;

class ProjectBar : public QWidget {
    Q_OBJECT
public:
    explicit ProjectBar(Document* doc, QWidget* parent = nullptr);

    QSpinBox* framesSpin() const { return frames_; }
    QSpinBox* fpsSpin() const { return fps_; }
    QSpinBox* outWidthSpin() const { return outW_; }
    QSpinBox* outHeightSpin() const { return outH_; }

public slots:
    void refresh();

signals:
    // The user set the frame count to `frames` (the bar shows the project's
    // value again until the change is made).
    void framesRequested(int frames);

private:
    void settingsEdited();

    Document* doc_;
    bool updating_ = false;
    QSpinBox *frames_, *fps_, *outW_, *outH_;
    QLabel* duration_;
};

}  // namespace boxanim::ui
