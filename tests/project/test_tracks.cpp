// Track expansion: exact values for keyframes, easing, paths, relaxation and hold.
#include <QtTest>

#include <cmath>

#include "core/project/tracks.h"

using namespace boxanim;

namespace {

Object objectWith(std::vector<Keyframe> kfs) {
    Object o;
    o.id = "o";
    for (const auto& k : kfs) o.setKeyframe(k);
    return o;
}

void compareBox(const Box& a, const Box& b, double tol = 1e-12) {
    QVERIFY2(std::fabs(a.x1 - b.x1) < tol && std::fabs(a.y1 - b.y1) < tol &&
                 std::fabs(a.x2 - b.x2) < tol && std::fabs(a.y2 - b.y2) < tol,
             qPrintable(QString("got [%1 %2 %3 %4] expected [%5 %6 %7 %8]")
                            .arg(a.x1).arg(a.y1).arg(a.x2).arg(a.y2)
                            .arg(b.x1).arg(b.y1).arg(b.x2).arg(b.y2)));
}

}  // namespace

class TestTracks : public QObject {
    Q_OBJECT
private slots:
    void keyframesGiveTheirOwnBoxAndKind() {
        Object o = objectWith({{0, {0.1, 0.1, 0.3, 0.3}, BoxKind::Hard, Easing::Linear},
                               {10, {0.5, 0.1, 0.7, 0.3}, BoxKind::Soft, Easing::Linear}});
        auto t = expandObjectTrack(o, 11, {0.5});
        QCOMPARE(t[0].kind, BoxKind::Hard);
        compareBox(t[0].box, {0.1, 0.1, 0.3, 0.3});
        QCOMPARE(t[10].kind, BoxKind::Soft);
        compareBox(t[10].box, {0.5, 0.1, 0.7, 0.3});
    }

    void linearSegment() {
        Object o = objectWith({{0, {0.1, 0.1, 0.3, 0.3}, BoxKind::Hard, Easing::Linear},
                               {10, {0.5, 0.1, 0.7, 0.3}, BoxKind::Hard, Easing::Linear}});
        auto t = expandObjectTrack(o, 11, {0.0});  // variety 0: no relaxation
        QCOMPARE(t[5].kind, BoxKind::Soft);
        compareBox(t[5].box, {0.3, 0.1, 0.5, 0.3});
        compareBox(t[2].box, {0.18, 0.1, 0.38, 0.3});
    }

    void sizeInterpolatesInLogSpace() {
        Object o = objectWith({{0, {0.45, 0.45, 0.55, 0.55}, BoxKind::Hard, Easing::Linear},
                               {10, {0.3, 0.3, 0.7, 0.7}, BoxKind::Hard, Easing::Linear}});
        auto t = expandObjectTrack(o, 11, {0.0});
        // Widths 0.1 -> 0.4: geometric mean 0.2 at the midpoint, centre fixed.
        compareBox(t[5].box, {0.4, 0.4, 0.6, 0.6});
    }

    void easedSegment() {
        Object o = objectWith({{0, {0.0, 0.0, 0.2, 0.2}, BoxKind::Hard, Easing::Linear},
                               {8, {0.8, 0.0, 1.0, 0.2}, BoxKind::Hard, Easing::EaseInOut}});
        auto t = expandObjectTrack(o, 9, {0.0});
        // u = 2/8 = 0.25, smoothstep = 0.15625, centre x = 0.1 + 0.8 * 0.15625 = 0.225.
        compareBox(t[2].box, {0.125, 0.0, 0.325, 0.2});
        QCOMPARE(applyEasing(Easing::EaseIn, 0.5), 0.25);
        QCOMPARE(applyEasing(Easing::EaseOut, 0.5), 0.75);
    }

    void softRelaxationGrowsAwayFromKeyframes() {
        QCOMPARE(softRelaxation(0, 48, 0.5), 0.0);
        QCOMPARE(softRelaxation(2, 48, 0.5), 0.5 * 0.3 * 2.0 / 12.0);
        QCOMPARE(softRelaxation(12, 48, 0.5), 0.15);
        QCOMPARE(softRelaxation(30, 48, 0.5), 0.15);  // capped
        QCOMPARE(softRelaxation(2, 48, 1.0), 2 * softRelaxation(2, 48, 0.5));

        Object o = objectWith({{0, {0.1, 0.1, 0.3, 0.3}, BoxKind::Hard, Easing::Linear},
                               {24, {0.5, 0.1, 0.7, 0.3}, BoxKind::Hard, Easing::Linear}});
        auto t = expandObjectTrack(o, 48, {0.5});
        // Frame 3: distance 3, margin 0.5*0.3*3/12 = 0.0375 of the 0.2 box per side.
        const double m = 0.0375 * 0.2, cx = 0.2 + 0.4 * 3.0 / 24.0;
        compareBox(t[3].box, {cx - 0.1 - m, 0.1 - m, cx + 0.1 + m, 0.3 + m});
    }

    void holdAfterLastKeyframe() {
        Object o = objectWith({{0, {0.1, 0.1, 0.3, 0.3}, BoxKind::Hard, Easing::Linear},
                               {4, {0.5, 0.5, 0.7, 0.7}, BoxKind::Hard, Easing::Linear}});
        auto t = expandObjectTrack(o, 10, {0.0});
        for (int f = 5; f < 10; ++f) {
            QCOMPARE(t[f].kind, BoxKind::Soft);
            compareBox(t[f].box, {0.5, 0.5, 0.7, 0.7});
        }
        auto relaxed = expandObjectTrack(o, 10, {1.0});
        // distance 5, reach max(4, 2.5) = 4 -> full margin 0.3 of 0.2.
        compareBox(relaxed[9].box, {0.44, 0.44, 0.76, 0.76});
    }

    void pathPlacesCentresByArcLength() {
        Object o = objectWith({{0, {0.15, 0.45, 0.25, 0.55}, BoxKind::Hard, Easing::Linear}});
        o.path = MotionPath{{{0.2, 0.5}, {0.8, 0.5}}, 0, 10, Easing::Linear};
        auto t = expandObjectTrack(o, 11, {0.0});
        for (int f = 1; f <= 10; ++f) {
            QCOMPARE(t[f].kind, BoxKind::Soft);
            const double cx = 0.2 + 0.6 * f / 10.0;
            compareBox(t[f].box, {cx - 0.05, 0.45, cx + 0.05, 0.55}, 1e-9);
        }
    }

    void pathArcLengthOnABend() {
        // An L-shaped path of two equal legs: half the arc length is the corner
        // region; the point at u = 0.5 lies on the bend's symmetry axis.
        MotionPath p{{{0.1, 0.1}, {0.5, 0.1}, {0.5, 0.5}}, 0, 10, Easing::Linear};
        auto mid = pathPointAt(p, 0.5);
        QVERIFY(std::fabs((0.5 - mid[0]) - (mid[1] - 0.1)) < 1e-3);
        auto end = pathPointAt(p, 1.0);
        QCOMPARE(end[0], 0.5);
        QCOMPARE(end[1], 0.5);
        // The curve passes through every node.
        auto poly = pathPolyline(p, 8);
        QCOMPARE(poly[8][0], 0.5);
        QCOMPARE(poly[8][1], 0.1);
    }

    void pathSizeFollowsKeyframes() {
        Object o = objectWith({{0, {0.15, 0.45, 0.25, 0.55}, BoxKind::Hard, Easing::Linear},
                               {10, {0.6, 0.3, 1.0, 0.7}, BoxKind::Soft, Easing::Linear}});
        o.path = MotionPath{{{0.2, 0.5}, {0.8, 0.5}}, 0, 10, Easing::Linear};
        auto t = expandObjectTrack(o, 11, {0.0});
        // Frame 5: size geometric mean of 0.1 and 0.4 = 0.2, centre on the path at 0.5.
        compareBox(t[5].box, {0.4, 0.4, 0.6, 0.6}, 1e-9);
        // The keyframe at 10 wins over the path.
        compareBox(t[10].box, {0.6, 0.3, 1.0, 0.7});
    }

    void objectWithoutKeyframesIsNone() {
        Project p;
        p.timeline.frames = 5;
        Object o;
        o.id = "x";
        p.objects.push_back(o);
        Tracks tr = expandTracks(p);
        QCOMPARE(tr.frames, 5);
        QCOMPARE(tr.objectIds[0], std::string("x"));
        for (int f = 0; f < 5; ++f) QCOMPARE(tr.at(0, f).kind, BoxKind::None);
    }
};

QTEST_GUILESS_MAIN(TestTracks)
#include "test_tracks.moc"
