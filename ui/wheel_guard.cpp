#include "ui/wheel_guard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QWidget>

namespace boxanim::ui {

namespace {
class WheelGuard : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() != QEvent::Wheel) return false;
        auto* w = qobject_cast<QWidget*>(watched);
        if (!w || w->hasFocus()) return false;
        // Not for this field: unaccepted, so Qt offers it to the parents.
        event->ignore();
        return true;
    }
};

void guard(QWidget* w, QObject* filter) {
    if (w->focusPolicy() == Qt::WheelFocus) w->setFocusPolicy(Qt::StrongFocus);
    w->installEventFilter(filter);
}
}  // namespace

void guardWheel(QWidget* root) {
    static const QString name = QStringLiteral("boxanim-wheel-guard");
    QObject* filter = root->findChild<QObject*>(name, Qt::FindDirectChildrenOnly);
    if (!filter) {
        filter = new WheelGuard(root);
        filter->setObjectName(name);
    }
    for (QAbstractSpinBox* s : root->findChildren<QAbstractSpinBox*>()) guard(s, filter);
    for (QComboBox* c : root->findChildren<QComboBox*>()) guard(c, filter);
    for (QAbstractSlider* s : root->findChildren<QAbstractSlider*>()) {
        if (s->inherits("QScrollBar")) continue;  // scroll bars scroll
        guard(s, filter);
    }
}

}  // namespace boxanim::ui
