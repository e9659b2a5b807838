// A motion path's easing decides where on the path the box centre is at each
// frame (DESIGN §5: "arc-length parametrised, with easing"). The inspector sets
// it and the project file stores it, so a saved, reopened eased path must put
// the centres exactly where the easing says, and the engines' tracks too.
#include <QtTest>

#include <QTemporaryDir>
#include <cmath>

#include "core/project/project_io.h"
#include "core/project/tracks.h"

using namespace boxanim;

namespace {

// A 0.1 x 0.1 box at frame 0 that a straight path carries from x = 0.2 to
// x = 0.8 (y = 0.5) over frames 0..10: the centre at frame f is
// 0.2 + 0.6 * ease(f / 10), exactly (a straight path's arc length is linear).
Object pathObject(Easing easing) {
    Object o;
    o.id = "o";
    o.name = "ball";
    o.setKeyframe({0, {0.15, 0.45, 0.25, 0.55}, BoxKind::Hard, Easing::Linear});
    o.path = MotionPath{{{0.2, 0.5}, {0.8, 0.5}}, 0, 10, easing};
    return o;
}

// The closed forms, written out here rather than calling applyEasing.
double expectedU(Easing e, double t) {
    switch (e) {
        case Easing::Linear: return t;
        case Easing::EaseIn: return t * t;
        case Easing::EaseOut: return t * (2.0 - t);
        case Easing::EaseInOut: return t * t * (3.0 - 2.0 * t);
    }
    return t;
}

void checkCentres(const std::vector<TrackSample>& track, Easing easing) {
    QCOMPARE(int(track.size()), 11);
    for (int f = 1; f <= 10; ++f) {
        const double cx = 0.2 + 0.6 * expectedU(easing, f / 10.0);
        const Box& b = track[static_cast<std::size_t>(f)].box;
        QVERIFY2(std::fabs(b.cx() - cx) < 1e-9 && std::fabs(b.cy() - 0.5) < 1e-9,
                 qPrintable(QStringLiteral("frame %1 (%2): centre (%3, %4), expected (%5, 0.5)")
                                .arg(f)
                                .arg(toString(easing))
                                .arg(b.cx(), 0, 'g', 12)
                                .arg(b.cy(), 0, 'g', 12)
                                .arg(cx, 0, 'g', 12)));
        QVERIFY(std::fabs(b.width() - 0.1) < 1e-9);
    }
}

}  // namespace

class TestPathEasing : public QObject {
    Q_OBJECT
private slots:
    void easedPathCentres_data() {
        QTest::addColumn<int>("easing");
        QTest::newRow("linear") << int(Easing::Linear);
        QTest::newRow("ease-in") << int(Easing::EaseIn);
        QTest::newRow("ease-out") << int(Easing::EaseOut);
        QTest::newRow("ease-in-out") << int(Easing::EaseInOut);
    }
    void easedPathCentres() {
        QFETCH(int, easing);
        const Easing e = Easing(easing);
        checkCentres(expandObjectTrack(pathObject(e), 11, {0.0}), e);
    }

    // Two frames with hand-computed values: ease-in at frame 3 is 0.2 + 0.6 *
    // 0.09 = 0.254; ease-out at frame 3 is 0.2 + 0.6 * 0.51 = 0.506.
    void easedPathKnownValues() {
        const auto in = expandObjectTrack(pathObject(Easing::EaseIn), 11, {0.0});
        QVERIFY(std::fabs(in[3].box.cx() - 0.254) < 1e-9);
        const auto out = expandObjectTrack(pathObject(Easing::EaseOut), 11, {0.0});
        QVERIFY(std::fabs(out[3].box.cx() - 0.506) < 1e-9);
        // Linear would put both at 0.38: the easing moved the box.
        QVERIFY(std::fabs(in[3].box.cx() - out[3].box.cx()) > 0.2);
    }

    // The project file stores the easing; the reopened project expands to the
    // same eased centres, and so do the tracks the engines get.
    void savedEasedPathExpandsTheSame() {
        Project p;
        p.id = "p";
        p.reference.path = "photo.png";
        p.timeline = {11, 24};
        p.output = {320, 240};
        p.objects.push_back(pathObject(Easing::EaseIn));
        QTemporaryDir dir;
        const std::string file = dir.filePath(QStringLiteral("eased.boxanim")).toStdString();
        saveProject(p, file);
        const Project q = loadProject(file);
        QVERIFY(q.objects.at(0).path.has_value());
        QCOMPARE(q.objects[0].path->easing, Easing::EaseIn);
        const Tracks tracks = expandTracks(q, {0.0});
        checkCentres(tracks.boxes.at(0), Easing::EaseIn);
    }
};

QTEST_GUILESS_MAIN(TestPathEasing)
#include "test_path_easing.moc"
