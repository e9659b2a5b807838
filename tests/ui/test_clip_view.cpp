// The clip view and the boxes around a generation (issue 13, items 1 and 2):
// a cancelled first run leaves the boxes and no empty clip view; the boxes
// and paths are drawn over a finished clip (H hides them); a clip is marked
// out of date the moment the project differs from the state it came from,
// and current again when an undo returns to that state.
#include <QCheckBox>
#include <QElapsedTimer>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>

#include "core/engine/engine.h"
#include "test_util.h"
#include "ui/commands.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/player.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {

// A cutout project over a 320x240 test photo: one object moving right.
void openProject(Harness& h, const QString& dir, int frames) {
    const QString img = makeImage(dir, QStringLiteral("photo.png"), QSize(320, 240));
    QVERIFY(h.window->newFromImage(img));
    Project p = h.doc()->project();
    p.timeline = {frames, 12};
    p.output = {320, 240};
    p.generation.engine = "cutout";
    p.generation.steps = 2;
    Object o;
    o.id = newId();
    o.name = "disc";
    o.keyframes.push_back({0, Box{0.15, 0.25, 0.45, 0.65}, BoxKind::Hard, Easing::Linear});
    o.keyframes.push_back({frames - 1, Box{0.5, 0.25, 0.8, 0.65}, BoxKind::Hard, Easing::Linear});
    p.objects.push_back(o);
    h.doc()->reset(p, QString(), img, QImage(img));
    h.doc()->setSelectedObjectId(QString::fromStdString(o.id));
}

bool waitEnded(QSignalSpy& ended, int ms) {
    QElapsedTimer t;
    t.start();
    while (ended.isEmpty() && t.elapsed() < ms) ended.wait(200);
    return !ended.isEmpty();
}

// Runs Generate to the end.
void generateToEnd(Harness& h) {
    QSignalSpy ended(h.window->generationController(), &GenerationController::jobEnded);
    QVERIFY(h.window->generationPanel()->generate() > 0);
    QVERIFY(waitEnded(ended, 120000));
    QCOMPARE(h.window->generationController()->outcome().state, JobState::Finished);
}

QImage grabCanvas(Harness& h) {
    h.canvas()->viewport()->repaint();
    return h.canvas()->viewport()->grab().toImage();
}

}  // namespace

class TestClipView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Item 1: Esc during the first run used to leave "Show clip" on with no
    // frames, hiding every box until a drawing tool was picked.
    void cancellingTheFirstRunKeepsTheBoxes() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openProject(h, dir.path(), 24);
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        bool cancelled = false;
        bool boxesHiddenWhileRunning = false;
        connect(c, &GenerationController::progress, this, [&] {
            if (cancelled) return;
            cancelled = true;
            boxesHiddenWhileRunning = !h.canvas()->boxesVisible();
            QTest::keyClick(h.window.get(), Qt::Key_Escape);  // the Cancel action
        });
        QTest::keyClick(h.window.get(), Qt::Key_Return, Qt::ControlModifier);  // Generate
        QVERIFY(waitEnded(ended, 120000));
        QVERIFY(cancelled);
        QCOMPARE(c->outcome().state, JobState::Cancelled);
        QVERIFY(!boxesHiddenWhileRunning);  // previews stream under the boxes
        Player* player = h.window->player();
        QVERIFY(!player->hasClip());
        QVERIFY(h.canvas()->boxesVisible());
        QVERIFY(!player->clipShown());
        QVERIFY(!h.canvas()->hasOverlayImage());
        QVERIFY(!h.window->showClipAction()->isChecked());
        QVERIFY(!h.window->showClipAction()->isEnabled());
        auto* showClip = h.window->generationPanel()->findChild<QCheckBox*>();
        QVERIFY(showClip);
        for (QCheckBox* cb : h.window->generationPanel()->findChildren<QCheckBox*>())
            if (cb->text().contains(QLatin1String("clip"))) QVERIFY(!cb->isChecked());
        // The canvas really paints them: hiding them (H) changes the picture.
        const QImage with = grabCanvas(h);
        QTest::keyClick(h.window.get(), Qt::Key_H);
        QVERIFY(!h.canvas()->boxesVisible());
        QVERIFY(grabCanvas(h) != with);
        QTest::keyClick(h.window.get(), Qt::Key_H);
        QVERIFY(h.canvas()->boxesVisible());
    }

    // Item 2: the boxes are drawn over the finished clip; H hides them.
    void boxesAndPathsAreDrawnOverTheClip() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openProject(h, dir.path(), 12);
        {  // a motion path, so paths are drawn too
            MotionPath path;
            path.points = {{0.3, 0.45}, {0.5, 0.3}, {0.65, 0.45}};
            path.from = 0;
            path.to = 11;
            const QString id = toQString(h.doc()->project().objects.front().id);
            h.doc()->undoStack()->push(new SetPathCommand(h.doc(), id, path));
        }
        generateToEnd(h);
        Player* player = h.window->player();
        QVERIFY(player->clipShown());
        QVERIFY(h.canvas()->hasOverlayImage());
        QVERIFY(h.canvas()->boxesVisible());
        QVERIFY(h.window->showBoxesAction()->isChecked());
        h.doc()->setCurrentFrame(5);
        const QImage withBoxes = grabCanvas(h);
        QTest::keyClick(h.window.get(), Qt::Key_H);
        QVERIFY(!h.canvas()->boxesVisible());
        QVERIFY(!h.window->showBoxesAction()->isChecked());
        const QImage clipOnly = grabCanvas(h);
        QVERIFY(player->clipShown());
        // Along the path's middle node the boxes view differs from the bare clip.
        const QPoint node = h.view(QPointF(0.5 * 320, 0.3 * 240));
        int differing = 0;
        for (int dy = -6; dy <= 6; ++dy)
            for (int dx = -6; dx <= 6; ++dx)
                if (withBoxes.pixel(node + QPoint(dx, dy)) != clipOnly.pixel(node + QPoint(dx, dy)))
                    ++differing;
        QVERIFY2(differing > 40, qPrintable(QString::number(differing)));
        // Picking a drawing tool shows them again.
        QTest::keyClick(h.window.get(), Qt::Key_B);
        QVERIFY(h.canvas()->boxesVisible());
        // A box drawn now, over the clip, is visible at once.
        h.doc()->setCurrentFrame(0);
        const int before = int(h.doc()->project().objects.size());
        h.drag(QPointF(200, 150), QPointF(260, 210));
        QCOMPARE(int(h.doc()->project().objects.size()), before + 1);
        QVERIFY(player->clipShown());
        QVERIFY(h.canvas()->boxesVisible());
    }

    // Item 2: an edit marks the clip out of date; undo makes it current again.
    void aClipIsOutOfDateWhileTheProjectDiffers() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openProject(h, dir.path(), 12);
        generateToEnd(h);
        Player* player = h.window->player();
        QProgressBar* bar = h.window->generationPanel()->progressBar();
        QVERIFY(!player->clipStale());
        QVERIFY(bar->format().startsWith(QLatin1String("Done")));
        QVERIFY(h.canvas()->overlayNote().isEmpty());

        // Frames 12 -> 8 through the project settings.
        const Project& p = h.doc()->project();
        h.doc()->undoStack()->push(new ProjectSettingsCommand(h.doc(), {8, p.timeline.fps}, p.output));
        QVERIFY(player->clipStale());
        QCOMPARE(bar->format(), QStringLiteral("Out of date"));
        QVERIFY(h.canvas()->overlayNote().contains(QLatin1String("out of date")));
        h.doc()->undoStack()->undo();
        QVERIFY(!player->clipStale());
        QVERIFY(bar->format().startsWith(QLatin1String("Done")));
        QVERIFY(h.canvas()->overlayNote().isEmpty());

        // Renaming or recolouring an object changes nothing the clip shows.
        const QString id = toQString(h.doc()->project().objects.front().id);
        h.doc()->undoStack()->push(new RenameObjectCommand(h.doc(), id, QStringLiteral("ball")));
        QVERIFY(!player->clipStale());
        // A new seed does.
        GenerationSettings g = h.doc()->project().generation;
        g.seed += 1;
        h.doc()->undoStack()->push(new GenerationSettingsCommand(h.doc(), g));
        QVERIFY(player->clipStale());
        h.doc()->undoStack()->undo();
        QVERIFY(!player->clipStale());
    }

    // Item 2: a path drawn while the job runs leaves a clip of the old state:
    // out of date as soon as it arrives.
    void anEditDuringGenerationMakesTheResultOutOfDate() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openProject(h, dir.path(), 12);
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QVERIFY(h.window->generationPanel()->generate() > 0);
        MotionPath path;
        path.points = {{0.3, 0.45}, {0.6, 0.7}};
        path.from = 2;
        path.to = 9;
        const QString id = toQString(h.doc()->project().objects.front().id);
        h.doc()->undoStack()->push(new SetPathCommand(h.doc(), id, path));
        QVERIFY(waitEnded(ended, 120000));
        QCOMPARE(c->outcome().state, JobState::Finished);
        QVERIFY(h.window->player()->clipStale());
        QCOMPARE(h.window->generationPanel()->progressBar()->format(), QStringLiteral("Out of date"));
        h.doc()->undoStack()->undo();  // back to the state the clip came from
        QVERIFY(!h.window->player()->clipStale());
    }
};

QTEST_MAIN(TestClipView)
#include "test_clip_view.moc"
