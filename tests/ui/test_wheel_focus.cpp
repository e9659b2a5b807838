// Wheel events change a field only when it has focus (issue 13, item 6):
// scrolling the inspector over the Easing combo or a spin box used to change
// them, one undo step per notch.
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QWheelEvent>

#include "test_util.h"
#include "ui/commands.h"
#include "ui/inspector.h"
#include "ui/project_bar.h"
#ifdef BOXANIM_HAVE_GENERATION
#include "ui/generation_panel.h"
#endif

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
// One notch of the wheel over `w`; returns whether the field accepted it.
bool wheel(QWidget* w, int notches = -1) {
    const QPointF at(w->width() / 2.0, w->height() / 2.0);
    QWheelEvent ev(at, w->mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                   Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &ev);
    return ev.isAccepted();
}
}  // namespace

class TestWheelFocus : public QObject {
    Q_OBJECT
private slots:
    void inspectorFieldsIgnoreTheWheelWithoutFocus() {
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->newFromImage(makeImage(dir.path())));
        h.drag(QPointF(50, 50), QPointF(150, 130));  // an object at frame 0
        QCOMPARE(int(h.doc()->project().objects.size()), 1);
        const Object& o = h.doc()->project().objects.front();
        Keyframe k{10, Box{0.4, 0.3, 0.6, 0.6}, BoxKind::Soft, Easing::Linear};
        h.doc()->undoStack()->push(new SetKeyframeCommand(h.doc(), toQString(o.id), k));
        h.doc()->setSelectedObjectId(toQString(o.id));
        h.doc()->setCurrentFrame(10);
        Inspector* in = h.window->inspector();
        QVERIFY(in->easingCombo()->isEnabled());
        h.canvas()->setFocus();
        const int steps = h.doc()->undoStack()->count();
        const Project before = h.doc()->project();

        QWidget* fields[] = {in->easingCombo(), in->kindCombo(), in->xSpin(), in->wSpin(),
                             h.window->projectBar()->framesSpin(),
                             h.window->projectBar()->fpsSpin()};
        for (QWidget* f : fields) {
            QVERIFY(!f->hasFocus());
            QVERIFY2(f->focusPolicy() != Qt::WheelFocus, f->metaObject()->className());
            // Unaccepted: Qt hands it on to the scroll area around the inspector.
            QVERIFY(!wheel(f));
            QVERIFY(!wheel(f, 1));
        }
        QCOMPARE(h.doc()->undoStack()->count(), steps);
        QVERIFY(h.doc()->project() == before);
        QVERIFY(h.canvas()->hasFocus());

        // With focus (clicked or tabbed into) the wheel works as usual.
        in->easingCombo()->setFocus();
        QVERIFY(in->easingCombo()->hasFocus());
        wheel(in->easingCombo());
        QCOMPARE(h.doc()->undoStack()->count(), steps + 1);
        QCOMPARE(h.doc()->project().objects.front().keyframeAt(10)->easing, Easing::EaseIn);
        in->xSpin()->setFocus();
        const double x = in->xSpin()->value();
        wheel(in->xSpin(), 1);
        QVERIFY(in->xSpin()->value() > x);
    }

    void generationPanelFieldsIgnoreTheWheelWithoutFocus() {
#ifdef BOXANIM_HAVE_GENERATION
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->newFromImage(makeImage(dir.path())));
        QWidget* panel = h.window->generationPanel();
        const int steps = h.doc()->undoStack()->count();
        for (QComboBox* c : panel->findChildren<QComboBox*>()) QVERIFY(!wheel(c));
        for (QAbstractSpinBox* s : panel->findChildren<QAbstractSpinBox*>()) QVERIFY(!wheel(s));
        QCOMPARE(h.doc()->undoStack()->count(), steps);
#else
        QSKIP("built without generation");
#endif
    }
};

QTEST_MAIN(TestWheelFocus)
#include "test_wheel_focus.moc"
