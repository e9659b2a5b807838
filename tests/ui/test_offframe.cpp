// Objects that leave the frame (issue 13, item 5; project format v2): a box
// after frame 0 dragged past the image's edge keeps its size instead of being
// clamped; the canvas shows a work area around the image where such boxes
// are drawn and grabbed; the inspector takes negative coordinates; a frame-0
// box must still overlap the image; the project saves and reloads.
#include <QDoubleSpinBox>
#include <QTemporaryDir>
#include <QUndoStack>

#include "core/project/project_io.h"
#include "test_util.h"
#include "ui/commands.h"
#include "ui/inspector.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
// An object whose frame-0 box is (100, 100) - (200, 220) in a 400 x 300 image.
QString addObject(Harness& h, const QString& dir) {
    if (!h.window->newFromImage(makeImage(dir))) return {};
    h.drag(QPointF(100, 100), QPointF(200, 220));
    if (h.doc()->project().objects.size() != 1) return {};
    h.canvas()->setTool(Canvas::Tool::Select);
    return toQString(h.doc()->project().objects.front().id);
}
}  // namespace

class TestOffFrame : public QObject {
    Q_OBJECT
private slots:
    void aBoxDraggedPastTheEdgeKeepsItsSize() {
        QTemporaryDir dir;
        Harness h(dir.path());
        const QString id = addObject(h, dir.path());
        QVERIFY(!id.isEmpty());
        h.doc()->setSelectedObjectId(id);
        h.doc()->setCurrentFrame(20);
        // The canvas shows room above the image: the point 20 px above it is in view.
        const QPoint above = h.view(QPointF(150, -20));
        QVERIFY(h.canvas()->viewport()->rect().contains(above));
        // Drag the (held) box up by 160 px: its top ends 60 px above the image.
        h.drag(QPointF(150, 160), QPointF(150, 0));
        const Keyframe* k = h.doc()->project().objects.front().keyframeAt(20);
        QVERIFY(k);
        const QRectF r = h.doc()->toPixels(k->box);
        QVERIFY2(std::abs(r.height() - 120) < 1.0, qPrintable(QString::number(r.height())));
        QVERIFY2(std::abs(r.top() - (-60)) < 1.0, qPrintable(QString::number(r.top())));
        QVERIFY(k->box.y1 < 0);

        // Grabbed where it lies outside the image, it moves again.
        h.drag(QPointF(150, -40), QPointF(100, -30));
        const QRectF r2 = h.doc()->toPixels(h.doc()->project().objects.front().keyframeAt(20)->box);
        QVERIFY(std::abs(r2.left() - 50) < 1.0);
        QVERIFY(std::abs(r2.top() - (-50)) < 1.0);
        QVERIFY(std::abs(r2.height() - 120) < 1.0);

        // The project saves (format v2 accepts it) and reloads equal.
        const QString path = dir.filePath(QStringLiteral("off.boxanim"));
        QVERIFY(h.window->saveTo(path));
        QVERIFY(h.prompts->errors.isEmpty());
        QVERIFY(loadProject(path.toStdString()) == h.doc()->project() ||
                loadProject(path.toStdString()).objects == h.doc()->project().objects);
    }

    void theInspectorTakesNegativeCoordinates() {
        QTemporaryDir dir;
        Harness h(dir.path());
        const QString id = addObject(h, dir.path());
        QVERIFY(!id.isEmpty());
        h.doc()->setSelectedObjectId(id);
        h.doc()->setCurrentFrame(30);
        Inspector* in = h.window->inspector();
        in->xSpin()->setValue(-150);
        const Keyframe* k = h.doc()->project().objects.front().keyframeAt(30);
        QVERIFY(k);
        QCOMPARE(qRound(h.doc()->toPixels(k->box).left()), -150);
        QCOMPARE(qRound(h.doc()->toPixels(k->box).width()), 100);  // size kept: wholly outside
        QCOMPARE(in->xSpin()->value(), -150.0);
    }

    void aFrameZeroBoxMustOverlapTheImage() {
        QTemporaryDir dir;
        Harness h(dir.path());
        const QString id = addObject(h, dir.path());
        QVERIFY(!id.isEmpty());
        h.doc()->setSelectedObjectId(id);
        // Dragged far up at frame 0: it stops while still overlapping, size kept.
        h.drag(QPointF(150, 160), QPointF(150, -100));
        const QRectF r = h.doc()->toPixels(h.doc()->project().objects.front().keyframeAt(0)->box);
        QVERIFY(r.bottom() > 0);
        QVERIFY(r.top() < 0);
        QVERIFY(std::abs(r.height() - 120) < 1.0);
        // Typed wholly outside: refused.
        h.window->inspector()->ySpin()->setValue(-500);
        QVERIFY(h.doc()->toPixels(h.doc()->project().objects.front().keyframeAt(0)->box).bottom() > 0);
        // A new frame-0 box drawn wholly outside the image is refused with a reason.
        h.canvas()->setTool(Canvas::Tool::HardBox);
        h.drag(QPointF(-150, -120), QPointF(-60, -40));
        QCOMPARE(int(h.doc()->project().objects.size()), 1);
    }
};

QTEST_MAIN(TestOffFrame)
#include "test_offframe.moc"
