// Lowering the frame count (issue 13, item 7): it asks first, saying what
// would be removed, and the user chooses to scale the keys with the
// timeline, remove them, or cancel; the frame count sits in the project bar
// above the timeline, not at the bottom of the scrolling inspector.
#include <QDockWidget>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QUndoStack>

#include "test_util.h"
#include "ui/inspector.h"
#include "ui/project_bar.h"
#include "ui/timeline.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
void openProject(Harness& h, const QString& dir) {
    QVERIFY(h.window->newFromImage(makeImage(dir)));
    Project p = h.doc()->project();
    p.timeline = {48, 24};
    Object o;
    o.id = newId();
    o.name = "cat";
    o.keyframes.push_back({0, Box{0.1, 0.4, 0.3, 0.8}, BoxKind::Hard, Easing::Linear});
    o.keyframes.push_back({40, Box{0.6, 0.4, 0.8, 0.8}, BoxKind::Soft, Easing::Linear});
    MotionPath path;
    path.points = {{0.2, 0.6}, {0.5, 0.4}, {0.7, 0.6}};
    path.from = 10;
    path.to = 47;
    o.path = path;
    p.objects.push_back(o);
    h.doc()->reset(p, QString(), h.doc()->imagePath(), h.doc()->image());
}
}  // namespace

class TestFrameCount : public QObject {
    Q_OBJECT
private slots:
    void lowering_data() {
        QTest::addColumn<int>("choice");
        QTest::newRow("cancel") << int(Prompts::FramesChoice::Cancel);
        QTest::newRow("remove") << int(Prompts::FramesChoice::Remove);
        QTest::newRow("scale") << int(Prompts::FramesChoice::ScaleKeys);
    }
    void lowering() {
        QFETCH(int, choice);
        QTemporaryDir dir;
        Harness h(dir.path());
        openProject(h, dir.path());
        h.prompts->frames = Prompts::FramesChoice(choice);
        const Project before = h.doc()->project();
        const int steps = h.doc()->undoStack()->count();
        QSpinBox* frames = h.window->projectBar()->framesSpin();
        frames->setValue(24);

        // Asked once, naming what would go.
        QCOMPARE(h.prompts->framesAsked.size(), 1);
        const QString asked = h.prompts->framesAsked.front();
        QVERIFY2(asked.contains(QLatin1String("cat: the keyframe at frame 40")), qPrintable(asked));
        QVERIFY2(asked.contains(QLatin1String("motion path")), qPrintable(asked));

        const Project& p = h.doc()->project();
        switch (Prompts::FramesChoice(choice)) {
            case Prompts::FramesChoice::Cancel:
                QVERIFY(p == before);
                QCOMPARE(frames->value(), 48);  // the bar shows the project again
                QCOMPARE(h.doc()->undoStack()->count(), steps);
                return;
            case Prompts::FramesChoice::Remove:
                QCOMPARE(p.timeline.frames, 24);
                QVERIFY(!p.objects[0].keyframeAt(40));
                QCOMPARE(int(p.objects[0].keyframes.size()), 1);
                QCOMPARE(p.objects[0].path->to, 23);
                QCOMPARE(p.objects[0].path->from, 10);
                break;
            case Prompts::FramesChoice::ScaleKeys:
                QCOMPARE(p.timeline.frames, 24);
                // 40 * 23/47 = 19.57 -> 20; the path 10..47 -> 5..23.
                QVERIFY(p.objects[0].keyframeAt(20));
                QCOMPARE(p.objects[0].keyframeAt(20)->box, before.objects[0].keyframes[1].box);
                QCOMPARE(p.objects[0].keyframeAt(20)->kind, BoxKind::Soft);
                QVERIFY(p.objects[0].keyframeAt(0));
                QCOMPARE(p.objects[0].path->from, 5);
                QCOMPARE(p.objects[0].path->to, 23);
                QCOMPARE(p.objects[0].path->points, before.objects[0].path->points);
                break;
        }
        QCOMPARE(frames->value(), 24);
        QCOMPARE(h.doc()->undoStack()->count(), steps + 1);
        h.doc()->undoStack()->undo();  // one step back to everything
        QVERIFY(h.doc()->project() == before);
        QCOMPARE(frames->value(), 48);
    }

    void loweringWithoutLossesAsksNothing() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openProject(h, dir.path());
        h.window->projectBar()->framesSpin()->setValue(60);  // raising: nothing to lose
        QCOMPARE(h.doc()->project().timeline.frames, 60);
        h.window->projectBar()->framesSpin()->setValue(48);  // back down: still nothing past 47
        QCOMPARE(h.doc()->project().timeline.frames, 48);
        QVERIFY(h.prompts->framesAsked.isEmpty());
    }

    void theFrameCountSitsAboveTheTimeline() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openProject(h, dir.path());
        ProjectBar* bar = h.window->projectBar();
        QVERIFY(bar->isVisible());
        // In the timeline's dock, next to the timeline...
        QDockWidget* dock = nullptr;
        for (QWidget* w = bar; w && !dock; w = w->parentWidget()) dock = qobject_cast<QDockWidget*>(w);
        QVERIFY(dock);
        QVERIFY(dock->isAncestorOf(h.window->timeline()));
        // ...and no longer in the inspector.
        for (QSpinBox* s : h.window->inspector()->findChildren<QSpinBox*>())
            QVERIFY(s->value() != 48 || !s->isVisible());
        QCOMPARE(bar->framesSpin()->value(), 48);
        QCOMPARE(bar->fpsSpin()->value(), 24);
    }
};

QTEST_MAIN(TestFrameCount)
#include "test_frame_count.moc"
