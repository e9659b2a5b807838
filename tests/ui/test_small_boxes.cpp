// Tiny drags and small boxes (issue 13, item 9): a drag too small for a box
// says why no box was made; a small box is not hidden under its own handles
// and its inside grabs it (moves it) rather than a handle (resizes it).
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>

#include "test_util.h"
#include "ui/commands.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

class TestSmallBoxes : public QObject {
    Q_OBJECT
private slots:
    void aTinyDragSaysWhyNoBoxWasMade() {
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->newFromImage(makeImage(dir.path())));
        h.canvas()->setTool(Canvas::Tool::HardBox);
        QSignalSpy status(h.canvas(), &Canvas::statusMessage);
        // 4 screen px wide, 3 high: below the minimum.
        QWidget* vp = h.canvas()->viewport();
        QTest::mousePress(vp, Qt::LeftButton, {}, QPoint(300, 300));
        QMouseEvent me(QEvent::MouseMove, QPointF(304, 303), vp->mapToGlobal(QPointF(304, 303)),
                       Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(vp, &me);
        QTest::mouseRelease(vp, Qt::LeftButton, {}, QPoint(304, 303));
        QVERIFY(h.doc()->project().objects.empty());
        QVERIFY(!status.isEmpty());
        const QString said = status.last().at(0).toString();
        QVERIFY2(said.contains(QLatin1String("too small")), qPrintable(said));
        // A long but flat drag is refused with the same reason.
        status.clear();
        h.drag(QPointF(50, 100), QPointF(200, 100.5));
        QVERIFY(h.doc()->project().objects.empty());
        QVERIFY(!status.isEmpty());
        QVERIFY(status.last().at(0).toString().contains(QLatin1String("too small")));
    }

    void aSmallBoxStaysVisibleAndGrabbable() {
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->newFromImage(makeImage(dir.path())));
        // A box 11 screen px square at the current zoom.
        const double side = 11.0 / h.canvas()->zoom();
        const QRectF box(200, 150, side, side);
        Object o;
        o.id = newId();
        o.name = "speck";
        o.keyframes.push_back({0, h.doc()->fromPixels(box), BoxKind::Hard, Easing::Linear});
        h.doc()->undoStack()->push(new AddObjectCommand(h.doc(), o, 0));
        h.doc()->setSelectedObjectId(toQString(o.id));
        h.canvas()->setTool(Canvas::Tool::Select);

        // The handles do not cover the box: its centre shows the box fill, not a white handle.
        h.canvas()->viewport()->repaint();
        const QImage shot = h.canvas()->viewport()->grab().toImage();
        const QPoint c = h.view(box.center());
        QVERIFY(QColor(shot.pixel(c)) != QColor(Qt::white));
        int white = 0;
        for (int dy = -2; dy <= 2; ++dy)
            for (int dx = -2; dx <= 2; ++dx) white += QColor(shot.pixel(c + QPoint(dx, dy))) == QColor(Qt::white);
        QCOMPARE(white, 0);

        // Dragging from its centre moves it, keeping its size.
        h.drag(box.center(), box.center() + QPointF(40, 30));
        const Keyframe* k = h.doc()->project().objects.front().keyframeAt(0);
        QVERIFY(k);
        const QRectF moved = h.doc()->toPixels(k->box);
        QVERIFY2(std::abs(moved.width() - box.width()) < 0.01 && std::abs(moved.height() - box.height()) < 0.01,
                 qPrintable(QStringLiteral("%1 x %2").arg(moved.width()).arg(moved.height())));
        QVERIFY(std::abs(moved.center().x() - (box.center().x() + 40)) < 1.0);
        QVERIFY(std::abs(moved.center().y() - (box.center().y() + 30)) < 1.0);

        // Its handles still resize it, without a jump: the right handle dragged
        // 20 screen px widens it by 20 screen px.
        h.doc()->setSelectedObjectId(toQString(o.id));
        const QRectF vr(h.canvas()->toView(moved.topLeft()), h.canvas()->toView(moved.bottomRight()));
        const QPoint rightHandle(qRound(vr.right() + 6.5), qRound(vr.center().y()));
        QWidget* vp = h.canvas()->viewport();
        QTest::mousePress(vp, Qt::LeftButton, {}, rightHandle);
        for (const QPoint& p : {rightHandle + QPoint(10, 0), rightHandle + QPoint(20, 0)}) {
            QMouseEvent me(QEvent::MouseMove, QPointF(p), vp->mapToGlobal(QPointF(p)), Qt::NoButton,
                           Qt::LeftButton, {});
            QApplication::sendEvent(vp, &me);
        }
        QTest::mouseRelease(vp, Qt::LeftButton, {}, rightHandle + QPoint(20, 0));
        const QRectF wide = h.doc()->toPixels(h.doc()->project().objects.front().keyframeAt(0)->box);
        const double grewView = (wide.width() - moved.width()) * h.canvas()->zoom();
        QVERIFY2(std::abs(grewView - 20) < 1.5, qPrintable(QString::number(grewView)));
        QVERIFY(std::abs(wide.left() - moved.left()) < 0.01);
    }
};

QTEST_MAIN(TestSmallBoxes)
#include "test_small_boxes.moc"
