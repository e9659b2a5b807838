// Mattes in the editor: computed on a worker as soon as a frame-0 hard box is
// drawn (stale results dropped), shown as an overlay (toggle), corrected with
// the Include/Exclude brushes; every stroke is one undoable command.
#include <QApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QSignalSpy>
#include <QUndoStack>

#include "core/engine/engine.h"
#include "core/engine/matte_service.h"
#include "ui/generation_controller.h"  // toMat

#include "test_util.h"
#include "ui/matte_overlay.h"
#include "ui/stroke_commands.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
// Alpha of the overlay at an image pixel (0 where no matte is shown).
int overlayAlpha(const MatteOverlay* m, QPoint p) { return qAlpha(m->overlay().pixel(p)); }
}  // namespace

class TestMattesUi : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void strokeUndoRedoRoundTrip() {
        Harness h(tmp_.path() + QStringLiteral("/autosave1"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path())));
        Document* doc = h.doc();
        h.drag(QPointF(50, 60), QPointF(150, 140));
        QCOMPARE(int(doc->project().objects.size()), 1);
        const QString id = toQString(doc->project().objects[0].id);
        const Project before = doc->project();
        Stroke s{StrokeMode::Exclude, 0.02, {{0.2, 0.3}, {0.25, 0.31}}};
        doc->undoStack()->push(new AddStrokeCommand(doc, id, s));
        QCOMPARE(doc->project().objects[0].strokes.size(), std::size_t(1));
        QVERIFY(doc->project().objects[0].strokes[0] == s);
        const Project after = doc->project();
        doc->undoStack()->undo();
        QVERIFY(doc->project() == before);
        doc->undoStack()->redo();
        QVERIFY(doc->project() == after);
        doc->undoStack()->push(new ClearStrokesCommand(doc, id));
        QVERIFY(doc->project().objects[0].strokes.empty());
        doc->undoStack()->undo();
        QVERIFY(doc->project() == after);
    }

    void brushPaintsOneStrokePerDrag() {
        Harness h(tmp_.path() + QStringLiteral("/autosave2"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path())));
        Document* doc = h.doc();
        h.drag(QPointF(50, 60), QPointF(150, 140));
        const int steps = doc->undoStack()->count();
        QTest::keyClick(h.canvas(), Qt::Key_I);
        QCOMPARE(h.canvas()->tool(), Canvas::Tool::IncludeBrush);
        const double r0 = h.canvas()->brushRadius();
        QTest::keyClick(h.canvas(), Qt::Key_BracketRight);
        QVERIFY(h.canvas()->brushRadius() > r0);
        QTest::keyClick(h.canvas(), Qt::Key_BracketLeft);
        QVERIFY(std::abs(h.canvas()->brushRadius() - r0) < 1e-9);
        h.drag(QPointF(80, 100), QPointF(120, 110));
        QCOMPARE(doc->undoStack()->count(), steps + 1);
        const Object& o = doc->project().objects[0];
        QCOMPARE(o.strokes.size(), std::size_t(1));
        QCOMPARE(o.strokes[0].mode, StrokeMode::Include);
        QVERIFY(o.strokes[0].points.size() >= 2);
        QVERIFY(std::abs(o.strokes[0].points.front()[0] - 80.0 / 400) < 0.01);
        QVERIFY(std::abs(o.strokes[0].points.back()[1] - 110.0 / 300) < 0.01);
        QTest::keyClick(h.canvas(), Qt::Key_X);
        QCOMPARE(h.canvas()->tool(), Canvas::Tool::ExcludeBrush);
        h.drag(QPointF(60, 70), QPointF(70, 75));
        QCOMPARE(doc->project().objects[0].strokes.size(), std::size_t(2));
        QCOMPARE(doc->project().objects[0].strokes[1].mode, StrokeMode::Exclude);
        doc->undoStack()->undo();
        QCOMPARE(doc->project().objects[0].strokes.size(), std::size_t(1));
        doc->undoStack()->redo();
        QCOMPARE(doc->project().objects[0].strokes.size(), std::size_t(2));
    }

    void overlayFollowsBoxesAndStrokes() {
        Harness h(tmp_.path() + QStringLiteral("/autosave3"), false, /*mattes=*/true);
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path())));
        MatteOverlay* m = h.window->matteOverlay();
        QVERIFY(m);
        QVERIFY(h.window->showMattesAction()->isChecked());
        // The red ellipse (60,70)-(140,130) inside a box drawn around it.
        h.drag(QPointF(50, 60), QPointF(150, 140));
        QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy() && !m->overlay().isNull(), 60000);
        QVERIFY(h.canvas()->hasMatteOverlay());
        QCOMPARE(m->overlay().size(), QSize(400, 300));
        QVERIFY(overlayAlpha(m, QPoint(100, 100)) > 40);   // the ellipse is taken
        QCOMPARE(overlayAlpha(m, QPoint(300, 250)), 0);    // far outside the box: nothing

        // Exclude the ellipse's centre: the overlay updates in well under a second.
        QTest::keyClick(h.canvas(), Qt::Key_X);
        h.canvas()->setBrushRadius(0.03);
        const quint64 req = m->latestRequest();
        h.drag(QPointF(95, 98), QPointF(105, 102));
        QVERIFY(m->latestRequest() > req);
        QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), 30000);
        qInfo("overlay after a stroke: %.0f ms on the worker", m->lastMs());
        // Measured 0.7 s (grabCut alone) and 1.6 s (with the fused cut)
        // while five other builds shared the 2 cores; a regression guard.
        QVERIFY2(m->lastMs() < 3000, "a stroke took three seconds or more");
        QCOMPARE(overlayAlpha(m, QPoint(100, 100)), 0);

        // Rapid edits: only the newest request is shown.
        for (int i = 0; i < 4; ++i) h.doc()->undoStack()->undo(), h.doc()->undoStack()->redo();
        QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), 30000);
        QCOMPARE(m->shownRequest(), m->latestRequest());

        // The toggle hides it.
        h.window->showMattesAction()->trigger();
        QVERIFY(!h.canvas()->hasMatteOverlay());
        h.window->showMattesAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(h.canvas()->hasMatteOverlay(), 30000);
    }

    // Once the mattes are shown, the same worker makes the clean plate at the
    // project's output size, so Generate finds it instead of filling again.
    void plateIsReadyBeforeGenerate() {
        Harness h(tmp_.path() + QStringLiteral("/autosave4"), false, /*mattes=*/true);
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path())));
        MatteOverlay* m = h.window->matteOverlay();
        QSignalSpy ready(m, &MatteOverlay::plateReady);
        h.drag(QPointF(50, 60), QPointF(150, 140));
        QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy() && ready.count() > 0, 60000);
        QVERIFY(m->platesPrepared() > 0);

        const Project& p = h.doc()->project();
        const cv::Mat image = toMat(h.doc()->image());
        GenerationRequest req = GenerationRequest::fromProject(p, image);
        std::vector<cv::Mat> mattes = MatteService::shared()->mattes(image, p);
        const WorkingScene w = prepareWorkingScene(image, std::move(mattes), outputSize(req));
        QVERIFY2(w.plateCached, "Generate would fill the plate again");

        // A changed box is a different plate: not served from the cache.
        std::vector<cv::Mat> other = MatteService::shared()->mattes(image, p);
        other[0] = cv::Mat::zeros(other[0].size(), CV_32FC1);
        QVERIFY(!prepareWorkingScene(image, std::move(other), outputSize(req)).plateCached);
    }
};

QTEST_MAIN(TestMattesUi)
#include "test_mattes_ui.moc"
