// The inspector: the selected object's box at the playhead in reference-image
// pixels (x, y, w, h), its kind and easing, its motion path span, and the
// reference image. Frames, fps and output size sit in the project bar above
// the timeline (project_bar.h). Edits become commands.
#pragma once

#include <QWidget>

#include "core/project/project.h"

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace boxanim::ui {

class Document;

class Inspector : public QWidget {
    Q_OBJECT
public:
    explicit Inspector(Document* doc, QWidget* parent = nullptr);

    // Exposed for tests.
    QDoubleSpinBox* xSpin() const { return x_; }
    QDoubleSpinBox* ySpin() const { return y_; }
    QDoubleSpinBox* wSpin() const { return w_; }
    QDoubleSpinBox* hSpin() const { return h_; }
    QComboBox* kindCombo() const { return kind_; }
    QComboBox* easingCombo() const { return easing_; }
    QLabel* boxTitleLabel() const { return boxTitle_; }
    QLabel* pathInfoLabel() const { return pathInfo_; }

public slots:
    void refresh();

private:
    void boxEdited();
    void kindEdited();
    void easingEdited();
    void pathEdited();
    QString betweenText(const Object& o, int frame) const;
    QString pathRuleText(const Object& o) const;
    void setKindShown(int kind);
    static constexpr int kInterpolated = -1;  // kind combo data of an in-between frame

    Document* doc_;
    bool updating_ = false;
    QGroupBox* boxGroup_;
    QLabel* boxTitle_;
    QDoubleSpinBox *x_, *y_, *w_, *h_;
    QComboBox *kind_, *easing_;
    QGroupBox* pathGroup_;
    QLabel* pathInfo_;
    QSpinBox *pathFrom_, *pathTo_;
    QComboBox* pathEasing_;
    QPushButton* pathRemove_;
    QGroupBox* projectGroup_;
    QLabel* imageInfo_;
};

}  // namespace boxanim::ui
