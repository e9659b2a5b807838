// Depth order when objects cross (DESIGN §7: objects back to front, object 0
// on top). Two solid squares of known colours swap places on a plain grey
// photo; where they overlap, the front object's colour must win, and each
// object stays whole outside the overlap.
#include <QtTest>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/project/tracks.h"
#include "core/render/cutout.h"
#include "core/render/renderer.h"

using namespace boxanim;

namespace {

constexpr int kW = 320, kH = 240, kFrames = 21, kCross = 10;
const cv::Vec3b kGrey(128, 128, 128), kRed(0, 0, 255), kBlue(255, 0, 0);  // BGR

// Pixel rectangles: A (object 0, red) moves right along rows 80..139, B
// (object 1, blue) moves left along rows 100..159. At frame 10 both cover
// columns 130..189: rows 100..139 are the overlap.
const cv::Rect kA0(40, 80, 60, 60), kA1(220, 80, 60, 60);
const cv::Rect kB0(220, 100, 60, 60), kB1(40, 100, 60, 60);
const cv::Rect kAMid(130, 80, 60, 60), kBMid(130, 100, 60, 60);

Box toBox(const cv::Rect& r) {
    return {double(r.x) / kW, double(r.y) / kH, double(r.x + r.width) / kW,
            double(r.y + r.height) / kH};
}

Project crossingProject() {
    Project p;
    p.id = "crossing";
    p.timeline = {kFrames, 24};
    p.output = {kW, kH};
    const cv::Rect from[2] = {kA0, kB0}, to[2] = {kA1, kB1};
    for (int k = 0; k < 2; ++k) {
        Object o;
        o.id = k == 0 ? "front" : "back";
        o.setKeyframe({0, toBox(from[k]), BoxKind::Hard, Easing::Linear});
        o.setKeyframe({kFrames - 1, toBox(to[k]), BoxKind::Hard, Easing::Linear});
        p.objects.push_back(o);
    }
    return p;
}

struct Scene {
    cv::Mat image, plate;
    std::vector<cv::Mat> mattes;
};

// The photo, its exact mattes and the plate (the photo without the squares).
Scene crossingScene() {
    Scene s;
    s.plate = cv::Mat(kH, kW, CV_8UC3, cv::Scalar(kGrey[0], kGrey[1], kGrey[2]));
    s.image = s.plate.clone();
    s.image(kA0).setTo(cv::Scalar(kRed[0], kRed[1], kRed[2]));
    s.image(kB0).setTo(cv::Scalar(kBlue[0], kBlue[1], kBlue[2]));
    for (const cv::Rect& r : {kA0, kB0}) {
        cv::Mat m(kH, kW, CV_32FC1, cv::Scalar(0));
        m(r).setTo(1.f);
        s.mattes.push_back(m);
    }
    return s;
}

bool near(const cv::Vec3b& a, const cv::Vec3b& b, int tol = 40) {
    for (int c = 0; c < 3; ++c)
        if (std::abs(int(a[c]) - int(b[c])) > tol) return false;
    return true;
}

// Pixels of `region` (shrunk by `inset` on each side) that are not `colour`;
// the first offender is described in *where.
int wrongPixels(const cv::Mat& frame, cv::Rect region, const cv::Vec3b& colour, int inset,
                QString* where) {
    region = cv::Rect(region.x + inset, region.y + inset, region.width - 2 * inset,
                      region.height - 2 * inset);
    int wrong = 0;
    for (int y = region.y; y < region.y + region.height; ++y)
        for (int x = region.x; x < region.x + region.width; ++x) {
            const cv::Vec3b p = frame.at<cv::Vec3b>(y, x);
            if (near(p, colour)) continue;
            if (wrong++ == 0 && where)
                *where = QStringLiteral("(%1, %2) is BGR %3 %4 %5, expected %6 %7 %8")
                             .arg(x).arg(y).arg(p[0]).arg(p[1]).arg(p[2])
                             .arg(colour[0]).arg(colour[1]).arg(colour[2]);
        }
    return wrong;
}

void checkCrossingFrame(const cv::Mat& frame, int inset) {
    QCOMPARE(frame.size(), cv::Size(kW, kH));
    const cv::Rect overlap = kAMid & kBMid;
    QCOMPARE(overlap, cv::Rect(130, 100, 60, 40));
    QString where;
    // The overlap and the rest of A: red (A is in front).
    int wrong = wrongPixels(frame, kAMid, kRed, inset, &where);
    QVERIFY2(wrong == 0, qPrintable(QStringLiteral("front object: %1 pixels wrong, first %2")
                                        .arg(wrong).arg(where)));
    // B below the overlap: blue.
    const cv::Rect bOnly(130, 140, 60, 20);
    wrong = wrongPixels(frame, cv::Rect(bOnly.x, bOnly.y - inset, bOnly.width, bOnly.height + inset),
                        kBlue, inset, &where);
    QVERIFY2(wrong == 0, qPrintable(QStringLiteral("back object: %1 pixels wrong, first %2")
                                        .arg(wrong).arg(where)));
    // The squares' frame-0 places are background again.
    wrong = wrongPixels(frame, kA0, kGrey, inset, &where);
    QVERIFY2(wrong == 0, qPrintable(where));
}

}  // namespace

class TestCrossing : public QObject {
    Q_OBJECT
private slots:
    // The cutout plan of the two crossing squares, rendered at the crossing.
    void cutoutRenderKeepsTheFrontObjectOnTop() {
        const Scene s = crossingScene();
        const Project p = crossingProject();
        const MotionPlan plan = buildCutoutPlan(cutoutTracks(p), s.mattes);
        const Renderer renderer(s.image, s.mattes, s.plate);
        // Frame 0 is the photo.
        cv::Mat diff;
        cv::absdiff(renderer.renderAt(plan, 0.0), s.image, diff);
        QCOMPARE(cv::countNonZero(diff.reshape(1) > 2), 0);
        checkCrossingFrame(renderer.renderAt(plan, kCross), 1);
        // Every timeline frame: where both boxes overlap, red.
        const std::vector<cv::Mat> frames = renderer.renderAll(plan, kFrames);
        for (int f = 0; f < kFrames; ++f) {
            const Tracks tracks = cutoutTracks(p);
            auto px = [](const Box& b) {
                return cv::Rect(cv::Point(int(std::ceil(b.x1 * kW)), int(std::ceil(b.y1 * kH))),
                                cv::Point(int(std::floor(b.x2 * kW)), int(std::floor(b.y2 * kH))));
            };
            const cv::Rect a = px(tracks.at(0, f).box), b = px(tracks.at(1, f).box);
            const cv::Rect both = a & b;
            if (both.width < 4 || both.height < 4) continue;
            QString where;
            const int wrong = wrongPixels(frames[f], both, kRed, 1, &where);
            QVERIFY2(wrong == 0, qPrintable(QStringLiteral("frame %1: %2 overlap pixels not red, first %3")
                                                .arg(f).arg(wrong).arg(where)));
        }
    }

    // A plan that says both objects are visible everywhere (as a learned
    // engine's plan may): the depth order alone decides, and object 0 wins.
    void bothVisibleObjectZeroWins() {
        const Scene s = crossingScene();
        MotionPlan plan = buildCutoutPlan(cutoutTracks(crossingProject()), s.mattes);
        for (int t = 0; t < plan.keyframes; ++t)
            for (int l = 1; l < plan.layers; ++l)
                for (int y = 0; y < plan.height; ++y)
                    for (int x = 0; x < plan.width; ++x) plan.logit(t, l, y, x) = 1.f;
        const Renderer renderer(s.image, s.mattes, s.plate);
        checkCrossingFrame(renderer.renderAt(plan, kCross), 1);
    }
};

QTEST_GUILESS_MAIN(TestCrossing)
#include "test_crossing.moc"
