// Drawing on the canvas with real mouse events: hard box -> object, handle
// resize (with and without Shift), move, soft keyframe at frame 20, motion path.
#include <QApplication>
#include <QTest>
#include <QWheelEvent>
#include <QUndoStack>
#include <cmath>

#include "core/project/tracks.h"
#include "test_util.h"
#include "ui/timeline.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
bool near(const QRectF& a, const QRectF& b, double tol = 1.0) {
    return std::abs(a.left() - b.left()) <= tol && std::abs(a.top() - b.top()) <= tol &&
           std::abs(a.right() - b.right()) <= tol && std::abs(a.bottom() - b.bottom()) <= tol;
}
QString str(const QRectF& r) {
    return QStringLiteral("(%1,%2)-(%3,%4)").arg(r.left()).arg(r.top()).arg(r.right()).arg(r.bottom());
}
double distanceToPolyline(const std::vector<std::array<double, 2>>& poly, double x, double y) {
    double best = 1e9;
    for (size_t i = 1; i < poly.size(); ++i) {
        const double ax = poly[i - 1][0], ay = poly[i - 1][1], bx = poly[i][0], by = poly[i][1];
        const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
        t = std::clamp(t, 0.0, 1.0);
        best = std::min(best, std::hypot(x - (ax + t * dx), y - (ay + t * dy)));
    }
    return best;
}
}  // namespace

class TestCanvas : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void drawResizeMoveKeyPath() {
        Harness h(tmp_.path() + QStringLiteral("/autosave"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path())));
        Document* doc = h.doc();
        QCOMPARE(doc->image().size(), QSize(400, 300));
        QCOMPARE(h.canvas()->tool(), Canvas::Tool::HardBox);

        // 1. Draw a hard box at frame 0 -> one object with that box.
        h.drag(QPointF(50, 60), QPointF(150, 140));
        QCOMPARE(int(doc->project().objects.size()), 1);
        const Object& o0 = doc->project().objects[0];
        QCOMPARE(int(o0.keyframes.size()), 1);
        QCOMPARE(o0.keyframes[0].frame, 0);
        QCOMPARE(o0.keyframes[0].kind, BoxKind::Hard);
        QRectF r = framePixels(doc, o0, 0);
        QVERIFY2(near(r, QRectF(QPointF(50, 60), QPointF(150, 140))), qPrintable(str(r)));
        QCOMPARE(doc->selectedObjectId(), toQString(o0.id));
        QCOMPARE(doc->undoStack()->count(), 1);

        // 2. Resize by the bottom-right handle.
        h.window->toolAction(Canvas::Tool::Select)->trigger();
        QCOMPARE(h.canvas()->tool(), Canvas::Tool::Select);
        h.drag(QPointF(150, 140), QPointF(200, 180));
        r = framePixels(doc, doc->project().objects[0], 0);
        QVERIFY2(near(r, QRectF(QPointF(50, 60), QPointF(200, 180))), qPrintable(str(r)));
        QCOMPARE(doc->undoStack()->count(), 2);  // the whole drag is one step

        // Left edge handle.
        h.drag(QPointF(50, 120), QPointF(40, 120));
        r = framePixels(doc, doc->project().objects[0], 0);
        QVERIFY2(near(r, QRectF(QPointF(40, 60), QPointF(200, 180))), qPrintable(str(r)));

        // Shift keeps the aspect ratio (160:120) on a corner drag.
        h.drag(QPointF(200, 180), QPointF(260, 190), Qt::ShiftModifier);
        r = framePixels(doc, doc->project().objects[0], 0);
        QVERIFY2(std::abs(r.width() / r.height() - 160.0 / 120.0) < 0.02, qPrintable(str(r)));
        QVERIFY2(std::abs(r.left() - 40) <= 1 && std::abs(r.top() - 60) <= 1, qPrintable(str(r)));
        QVERIFY(r.width() > 200);

        // 3. Move: drag from inside by (+30, +20).
        const QRectF before = r;
        h.drag(before.center(), before.center() + QPointF(30, 20));
        r = framePixels(doc, doc->project().objects[0], 0);
        QVERIFY2(near(r, before.translated(30, 20)), qPrintable(str(r)));
        const int steps = doc->undoStack()->count();

        // Undo the move, then redo it.
        doc->undoStack()->undo();
        QVERIFY(near(framePixels(doc, doc->project().objects[0], 0), before, 1e-6));
        doc->undoStack()->redo();
        QVERIFY(near(framePixels(doc, doc->project().objects[0], 0), r, 1e-6));

        // 4. Playhead to frame 20 on the timeline, draw a soft box.
        TimelineView* tl = h.window->timeline();
        QTest::mouseClick(tl, Qt::LeftButton, {}, QPoint(int(tl->frameX(20)), 10));
        QCOMPARE(doc->currentFrame(), 20);
        h.window->toolAction(Canvas::Tool::SoftBox)->trigger();
        h.drag(QPointF(220, 100), QPointF(320, 200));
        const Object& o1 = doc->project().objects[0];
        QCOMPARE(int(doc->project().objects.size()), 1);  // no new object away from frame 0
        const Keyframe* k20 = o1.keyframeAt(20);
        QVERIFY(k20);
        QCOMPARE(k20->kind, BoxKind::Soft);
        QVERIFY(near(doc->toPixels(k20->box), QRectF(QPointF(220, 100), QPointF(320, 200))));
        QCOMPARE(doc->undoStack()->count(), steps + 1);
        bool onTimeline = false;
        for (const auto& m : tl->markers())
            onTimeline = onTimeline || (m.row == 0 && m.frame == 20 && m.kind == BoxKind::Soft &&
                                        tl->rect().contains(m.rect.toRect()));
        QVERIFY(onTimeline);

        // 5. Motion path: back to frame 0, click three points, double-click to finish.
        QTest::keyClick(tl, Qt::Key_Home);
        QCOMPARE(doc->currentFrame(), 0);
        h.window->toolAction(Canvas::Tool::Path)->trigger();
        const QPointF A(120, 60), B(250, 80), C(330, 250);
        const QRectF box0 = framePixels(doc, doc->project().objects[0], 0);
        h.click(A);
        h.click(B);
        h.click(C);
        QTest::mouseDClick(h.canvas()->viewport(), Qt::LeftButton, {}, h.view(C));
        QTest::mouseRelease(h.canvas()->viewport(), Qt::LeftButton, {}, h.view(C));
        QCOMPARE(h.canvas()->tool(), Canvas::Tool::Select);
        const Object& o2 = doc->project().objects[0];
        QVERIFY(o2.path);
        const MotionPath& path = *o2.path;
        QCOMPARE(int(path.points.size()), 4);  // starts at the object's centre
        QCOMPARE(path.from, 0);
        QCOMPARE(path.to, doc->project().timeline.frames - 1);
        auto px = [&](int i) {
            return QPointF(path.points[i][0] * 400, path.points[i][1] * 300);
        };
        QVERIFY(QLineF(px(0), box0.center()).length() < 1e-6);
        QVERIFY(QLineF(px(1), A).length() <= 1.0);
        QVERIFY(QLineF(px(2), B).length() <= 1.0);
        QVERIFY(QLineF(px(3), C).length() <= 1.0);

        // The expanded track follows the path: every non-keyframe frame's centre
        // lies on the path curve, and the last frame ends at its last point.
        const Tracks& t = doc->displayTracks();
        const auto curve = pathPolyline(path);
        for (int f = path.from; f <= path.to; ++f) {
            if (o2.keyframeAt(f)) continue;
            const TrackSample& s = t.at(0, f);
            QCOMPARE(s.kind, BoxKind::Soft);
            QVERIFY2(distanceToPolyline(curve, s.box.cx(), s.box.cy()) < 1e-6,
                     qPrintable(QStringLiteral("frame %1 off the path").arg(f)));
        }
        const TrackSample& last = t.at(0, path.to);
        QVERIFY(QLineF(QPointF(last.box.cx() * 400, last.box.cy() * 300), C).length() <= 1.0);
        // Relaxed tracks (what the engine gets) keep the same centres.
        const TrackSample& mid = doc->relaxedTracks().at(0, 10);
        QVERIFY(std::abs(mid.box.cx() - t.at(0, 10).box.cx()) < 1e-9);

        // 6. Drag a path node in the Select tool; Delete removes the selected node.
        const int before2 = doc->undoStack()->count();
        h.drag(B, B + QPointF(0, 40));
        QVERIFY(QLineF(QPointF(doc->project().objects[0].path->points[2][0] * 400,
                               doc->project().objects[0].path->points[2][1] * 300),
                       B + QPointF(0, 40)).length() <= 1.0);
        QCOMPARE(doc->undoStack()->count(), before2 + 1);
        QCOMPARE(doc->selectedPathNode(), 2);
        h.window->deleteAction()->trigger();
        QCOMPARE(int(doc->project().objects[0].path->points.size()), 3);

        // 7. Everything undoes back to an empty project and redoes to here.
        const Project done = doc->project();
        while (doc->undoStack()->canUndo()) doc->undoStack()->undo();
        QVERIFY(doc->project().objects.empty());
        while (doc->undoStack()->canRedo()) doc->undoStack()->redo();
        QVERIFY(doc->project() == done);
    }

    void clickSelectsAndDeselects() {
        Harness h(tmp_.path() + QStringLiteral("/autosave2"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("b.png"))));
        h.drag(QPointF(20, 20), QPointF(100, 100));
        h.drag(QPointF(200, 150), QPointF(300, 250));
        QCOMPARE(int(h.doc()->project().objects.size()), 2);
        QVERIFY(h.doc()->project().objects[0].name != h.doc()->project().objects[1].name);
        QVERIFY(h.doc()->project().objects[0].color != h.doc()->project().objects[1].color);
        h.window->toolAction(Canvas::Tool::Select)->trigger();
        h.click(QPointF(60, 60));
        QCOMPARE(h.doc()->selectedObjectId(), toQString(h.doc()->project().objects[0].id));
        h.click(QPointF(380, 20));
        QVERIFY(h.doc()->selectedObjectId().isEmpty());
        // A tiny drag with a box tool is a click, not a box.
        h.window->toolAction(Canvas::Tool::HardBox)->trigger();
        h.drag(QPointF(250, 200), QPointF(251, 201));
        QCOMPARE(int(h.doc()->project().objects.size()), 2);
        QCOMPARE(h.doc()->selectedObjectId(), toQString(h.doc()->project().objects[1].id));
    }

    void zoomAndPan() {
        Harness h(tmp_.path() + QStringLiteral("/autosave3"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("c.png"))));
        Canvas* c = h.canvas();
        QVERIFY(c->fitMode());
        c->zoomActual();
        QCOMPARE(c->zoom(), 1.0);
        c->zoomIn();
        QVERIFY(c->zoom() > 1.0);
        c->zoomIn();
        c->zoomIn();
        c->zoomIn();
        // Middle-button drag pans.
        const QPointF before = c->toImage(QPointF(100, 100));
        QWidget* vp = c->viewport();
        QTest::mousePress(vp, Qt::MiddleButton, {}, QPoint(300, 300));
        QTest::mouseMove(vp, QPoint(250, 260));
        QTest::mouseRelease(vp, Qt::MiddleButton, {}, QPoint(250, 260));
        const QPointF after = c->toImage(QPointF(100, 100));
        QVERIFY(QLineF(before, after).length() > 5);
        QVERIFY(h.doc()->project().objects.empty());  // panning draws nothing
        // Space + left drag pans too.
        const QPointF before2 = c->toImage(QPointF(100, 100));
        QTest::keyPress(c, Qt::Key_Space);
        QTest::mousePress(vp, Qt::LeftButton, {}, QPoint(300, 300));
        QTest::mouseMove(vp, QPoint(340, 330));
        QTest::mouseRelease(vp, Qt::LeftButton, {}, QPoint(340, 330));
        QTest::keyRelease(c, Qt::Key_Space);
        QVERIFY(QLineF(before2, c->toImage(QPointF(100, 100))).length() > 5);
        QVERIFY(h.doc()->project().objects.empty());

        // The wheel zooms around the cursor.
        c->zoomActual();
        for (int i = 0; i < 6; ++i) c->zoomIn();  // larger than the view both ways
        const double z0 = c->zoom();
        const QPointF at(200, 200);
        const QPointF under = c->toImage(at);
        QWheelEvent wheel(at, c->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(c->viewport(), &wheel);
        QVERIFY(c->zoom() > z0 * 1.1);
        QVERIFY(!c->fitMode());
        QVERIFY(QLineF(c->toImage(at), under).length() < 2.0);

        c->zoomToFit();
        QVERIFY(c->fitMode());
        QVERIFY(c->zoom() < 4.0);
    }

    void overlayImage() {
        Harness h(tmp_.path() + QStringLiteral("/autosave4"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("d.png"))));
        Canvas* c = h.canvas();
        // What the canvas shows at an image pixel (the view's own rendering).
        auto shownAt = [c](QPointF imagePx) {
            const QImage shot = c->viewport()->grab().toImage();
            return QColor(shot.pixel(c->toView(imagePx).toPoint()));
        };
        auto isGreen = [](const QColor& q) { return q.green() > 200 && q.red() < 60 && q.blue() < 60; };
        const QPointF centre(200, 150), disc(100, 100), corner(380, 20);  // of the 400x300 photo
        QVERIFY(!isGreen(shownAt(centre)));
        QCOMPARE(shownAt(disc).red() > 150, true);  // the photo's red disc
        // A half-size preview frame covers the whole photo, scaled up.
        QImage frame(200, 150, QImage::Format_RGB32);
        frame.fill(Qt::green);
        c->setOverlayImage(frame);
        QVERIFY(c->hasOverlayImage());
        for (const QPointF& p : {centre, disc, corner})
            QVERIFY2(isGreen(shownAt(p)), qPrintable(QStringLiteral("at %1,%2: %3")
                                                        .arg(p.x()).arg(p.y()).arg(shownAt(p).name())));
        c->setOverlayImage(QImage());
        QVERIFY(!c->hasOverlayImage());
        QVERIFY(!isGreen(shownAt(centre)));
        QVERIFY(shownAt(disc).red() > 150);  // the photo again
        QVERIFY(!h.window->exportAction()->isEnabled());
        QVERIFY(!h.window->exportAction()->statusTip().isEmpty());
    }
};

QTEST_MAIN(TestCanvas)
#include "test_canvas.moc"
