// A motion path beside keyframes (issue 13, item 4) and the kind shown for
// in-between frames (item 10): the canvas draws one trajectory, the one the
// engines use (the shared track expansion), not the bare path curve beside
// it; the inspector says which wins and why; a frame between two hard keys
// is not called "Soft (stay inside)".
#include <QComboBox>
#include <QLabel>
#include <QTemporaryDir>
#include <QUndoStack>

#include "core/project/tracks.h"
#include "test_util.h"
#include "ui/commands.h"
#include "ui/inspector.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
QImage grab(Harness& h) {
    h.canvas()->viewport()->repaint();
    return h.canvas()->viewport()->grab().toImage();
}

// Keys at 0 and 11 on a straight path along y = 0.3; a key at 6 far below it.
Object pathObject() {
    Object o;
    o.id = newId();
    o.name = "bird";
    o.keyframes.push_back({0, Box::fromCentre(0.1, 0.3, 0.1, 0.12), BoxKind::Hard, Easing::Linear});
    o.keyframes.push_back({6, Box::fromCentre(0.5, 0.8, 0.1, 0.12), BoxKind::Hard, Easing::Linear});
    o.keyframes.push_back({11, Box::fromCentre(0.9, 0.3, 0.1, 0.12), BoxKind::Hard, Easing::Linear});
    MotionPath path;
    path.points = {{0.1, 0.3}, {0.5, 0.3}, {0.9, 0.3}};
    path.from = 0;
    path.to = 11;
    o.path = path;
    return o;
}
}  // namespace

class TestPathRule : public QObject {
    Q_OBJECT
private slots:
    void theCanvasDrawsTheTrajectoryTheEnginesUse() {
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->newFromImage(makeImage(dir.path())));
        Project p = h.doc()->project();
        p.timeline.frames = 12;
        p.objects = {pathObject()};
        h.doc()->reset(p, QString(), h.doc()->imagePath(), h.doc()->image());
        h.doc()->setSelectedObjectId(toQString(p.objects[0].id));

        // The engines put frame 6 on its keyframe, not on the path.
        const Tracks t = expandTracks(h.doc()->project(), {0.0});
        QVERIFY(std::abs(t.at(0, 6).box.cy() - 0.8) < 1e-9);
        // Where the bare path would be at frame 6, nothing is drawn now.
        const auto onPath = pathPointAt(*p.objects[0].path, 6.0 / 11.0);
        const QPoint at = h.view(QPointF(onPath[0] * 400, onPath[1] * 300));
        const QImage with = grab(h);
        h.canvas()->setBoxesVisible(false);
        const QImage without = grab(h);
        int differing = 0;
        for (int dy = -2; dy <= 2; ++dy)
            for (int dx = -2; dx <= 2; ++dx)
                differing += with.pixel(at + QPoint(dx, dy)) != without.pixel(at + QPoint(dx, dy));
        QCOMPARE(differing, 0);
        // ...while the trajectory through frame 6's key is drawn.
        const QPoint key = h.view(QPointF(0.5 * 400, 0.8 * 300));
        int drawn = 0;
        for (int dy = -2; dy <= 2; ++dy)
            for (int dx = -2; dx <= 2; ++dx)
                drawn += with.pixel(key + QPoint(dx, dy)) != without.pixel(key + QPoint(dx, dy));
        QVERIFY(drawn > 0);
        h.canvas()->setBoxesVisible(true);

        // The inspector says which wins.
        const QString rule = h.window->inspector()->pathInfoLabel()->text();
        QVERIFY2(rule.contains(QLatin1String("Keyframes win at their own frames")) &&
                     rule.contains(QLatin1String("at 6")),
                 qPrintable(rule));
        QVERIFY(rule.contains(QString::fromUtf8("Frames 0–11 follow the path")));
        h.doc()->setCurrentFrame(3);
        QVERIFY2(h.window->inspector()->boxTitleLabel()->text().contains(QLatin1String("motion path")),
                 qPrintable(h.window->inspector()->boxTitleLabel()->text()));
    }

    void aFrameBetweenTwoHardKeysIsNotCalledSoftStayInside() {
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->newFromImage(makeImage(dir.path())));
        Project p = h.doc()->project();
        p.timeline.frames = 12;
        Object o = pathObject();
        o.path.reset();
        p.objects = {o};
        h.doc()->reset(p, QString(), h.doc()->imagePath(), h.doc()->image());
        h.doc()->setSelectedObjectId(toQString(o.id));
        Inspector* in = h.window->inspector();
        h.doc()->setCurrentFrame(3);
        QVERIFY(!in->kindCombo()->currentText().contains(QLatin1String("stay inside")));
        QVERIFY(in->kindCombo()->currentText().contains(QLatin1String("Interpolated")));
        const QString title = in->boxTitleLabel()->text();
        QVERIFY2(title.contains(QLatin1String("between the hard key at 0 and the hard key at 6")),
                 qPrintable(title));
        // At a keyframe the real choices are back, without the in-between entry.
        h.doc()->setCurrentFrame(6);
        QCOMPARE(in->kindCombo()->count(), 2);
        QVERIFY(in->kindCombo()->currentText().startsWith(QLatin1String("Hard")));
        in->kindCombo()->setCurrentIndex(in->kindCombo()->findText(QStringLiteral("Soft (stay inside)")));
        emit in->kindCombo()->activated(in->kindCombo()->currentIndex());
        QCOMPARE(h.doc()->project().objects[0].keyframeAt(6)->kind, BoxKind::Soft);
    }
};

QTEST_MAIN(TestPathRule)
#include "test_path_rule.moc"
