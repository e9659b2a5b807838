// boxflowPlan (core/engine/boxflow_plan.h): whatever a sample says, hard boxes
// are exact, the deformation stays inside its variety bound (none at variety
// 0) and soft boxes contain the object. The samples here are deliberately wild
// stand-ins for the network's output: large random flow and scattered layers.
#include <QtTest>

#include <cmath>
#include <random>

#include <opencv2/imgproc.hpp>

#include "core/engine/boxflow_plan.h"
#include "core/eval/evaluate.h"
#include "core/render/cutout.h"
#include "core/render/geometry.h"
#include "core/render/renderer.h"

using namespace boxanim;

namespace {

constexpr int kW = 160, kH = 120, kFrames = 48, kT = 16, kLowW = 64, kLowH = 48;
const Box kBox0{40.0 / kW, 30.0 / kH, 80.0 / kW, 70.0 / kH};    // the object, frame 0
const Box kBox20{90.0 / kW, 20.0 / kH, 142.0 / kW, 72.0 / kH};  // hard, frame 20: moved and 1.3x
const Box kBox47{20.0 / kW, 60.0 / kH, 60.0 / kW, 100.0 / kH};  // hard, last frame

Project project() {
    Project p;
    p.id = "p";
    p.timeline = {kFrames, 24};
    p.output = {kW, kH};
    Object o;
    o.id = "o";
    o.setKeyframe({0, kBox0, BoxKind::Hard, Easing::Linear});
    o.setKeyframe({20, kBox20, BoxKind::Hard, Easing::Linear});
    o.setKeyframe({47, kBox47, BoxKind::Hard, Easing::Linear});
    p.objects.push_back(o);
    return p;
}

// A green, textured object on grey; the plate is blue, so object pixels are
// exactly those with a strong green channel.
cv::Mat image() {
    cv::Mat img(kH, kW, CV_8UC3, cv::Scalar(128, 128, 128));
    for (int y = 30; y < 70; ++y)
        for (int x = 40; x < 80; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(0, uchar(160 + (x * 7 + y * 3) % 90), 0);
    return img;
}

cv::Mat matte() {
    cv::Mat m(kH, kW, CV_32FC1, cv::Scalar(0));
    m(cv::Rect(40, 30, 40, 40)).setTo(1.f);
    return m;
}

std::vector<double> sampleTimes() {
    std::vector<double> t(kT);
    for (int i = 0; i < kT; ++i) t[i] = double(i) * (kFrames - 1) / (kT - 1);
    return t;
}

// A sample with wild flow: a seed-dependent shift of up to half the box, a
// random linear part, sinusoidal and per-pixel noise, and the object layer
// scattered over and around its box.
model::SampleOutput wildSample(const Tracks& soft, unsigned seed, double shiftX, double shiftY) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    model::SampleOutput s;
    s.frames = kT;
    s.width = kLowW;
    s.height = kLowH;
    s.data.assign(std::size_t(kT) * 7 * kLowW * kLowH, -1.f);
    s.referenceBoxes.assign(std::size_t(kT) * 4 * 4, 0.f);
    const std::vector<double> times = sampleTimes();
    for (int t = 0; t < kT; ++t) {
        const Box b = soft.at(0, int(times[t] + 0.5)).box;
        float* r = &s.referenceBoxes[std::size_t(t) * 16];
        r[0] = float(b.x1), r[1] = float(b.y1), r[2] = float(b.x2), r[3] = float(b.y2);
        const float lx = 0.3f * u(rng), ly = 0.3f * u(rng);
        for (int y = 0; y < kLowH; ++y)
            for (int x = 0; x < kLowW; ++x) {
                const double px = (x + 0.5) / kLowW, py = (y + 0.5) / kLowH;
                const bool inBox = px > b.x1 - 0.05 && px < b.x2 + 0.05 && py > b.y1 - 0.05 && py < b.y2 + 0.05;
                const bool object = inBox ? u(rng) > -0.6f : u(rng) > 0.9f;
                auto at = [&](int c) -> float& {
                    return s.data[((std::size_t(t) * 7 + c) * kLowH + y) * kLowW + x];
                };
                at(0) = object ? -1.f : 1.f;
                at(1) = object ? 1.f : -1.f;
                at(5) = float(shiftX) + lx * float(px) + 0.2f * std::sin(float(y)) + 0.1f * u(rng);
                at(6) = float(shiftY) + ly * float(py) + 0.2f * std::cos(float(x)) + 0.1f * u(rng);
            }
    }
    return s;
}

cv::Rect2d objectBounds(const cv::Mat& frame) {
    cv::Mat green;
    cv::extractChannel(frame, green, 1);
    const cv::Rect r = cv::boundingRect(green > 100);
    return cv::Rect2d(r);
}

}  // namespace

class TestBoxflowPlan : public QObject {
    Q_OBJECT
private slots:
    void hardBoxesAreExactWhateverTheSample() {
        const Project p = project();
        const Tracks soft = expandTracks(p, {0.5}), rigid = expandTracks(p, {0.0});
        const std::vector<cv::Mat> mattes{matte()};
        cv::Mat plate(kH, kW, CV_8UC3, cv::Scalar(255, 0, 0));
        const Renderer renderer(image(), mattes, plate, {});
        for (unsigned seed = 1; seed <= 3; ++seed) {
            const MotionPlan plan =
                boxflowPlan(wildSample(soft, seed, 0.4, -0.3), sampleTimes(), soft, rigid, mattes, 0.5);
            for (const auto& [frame, box] : {std::pair{20, kBox20}, std::pair{47, kBox47}}) {
                const cv::Rect2d want = boxToPixels(box, {kW, kH});
                const cv::Rect2d got = objectBounds(renderer.renderAt(plan, frame));
                QVERIFY2(iou(got, want) >= 0.97,
                         qPrintable(QString("seed %1 frame %2: IoU %3").arg(seed).arg(frame).arg(iou(got, want))));
            }
        }
    }

    void deformationStaysWithinTheVarietyBound() {
        const Project p = project();
        const Tracks soft = expandTracks(p, {0.5}), rigid = expandTracks(p, {0.0});
        const DeformationBounds bounds;
        const MotionPlan plan = boxflowPlan(wildSample(soft, 7, 0.0, 0.0), sampleTimes(), soft, rigid,
                                            {matte()}, 0.5, bounds);
        // linear part: two entries per row, |q - 0.5| below ~0.7 on the dilated
        // layer; the grid adds at most its bound.
        const double limit = 0.5 * (2 * bounds.linear * 0.7 + bounds.nonRigid) + 1e-6;
        double largest = 0;
        for (int t = 0; t < plan.keyframes; ++t)
            for (int y = 0; y < plan.height; ++y)
                for (int x = 0; x < plan.width; ++x)
                    largest = std::max(largest, std::hypot(double(plan.flowAt(t, 0, y, x)),
                                                           double(plan.flowAt(t, 1, y, x))));
        QVERIFY2(largest <= limit, qPrintable(QString("flow %1 > %2").arg(largest).arg(limit)));
        QVERIFY2(largest > 0.2 * limit, "the model's deformation should be used, within its bound");
        // No residual flow at hard frames (20 and 47 are plan keyframes).
        for (int t = 0; t < plan.keyframes; ++t) {
            if (plan.keyTimes[t] != 20.0 && plan.keyTimes[t] != 47.0) continue;
            for (std::size_t i = 0; i < plan.planeSize(); ++i) {
                QCOMPARE(plan.flow[(std::size_t(t) * 2) * plan.planeSize() + i], 0.f);
                QCOMPARE(plan.flow[(std::size_t(t) * 2 + 1) * plan.planeSize() + i], 0.f);
            }
        }
    }

    void varietyZeroIsExactlyTheRigidCutout() {
        const Project p = project();
        const Tracks rigid = expandTracks(p, {0.0});
        const std::vector<cv::Mat> mattes{matte()};
        const MotionPlan plan =
            boxflowPlan(wildSample(rigid, 3, 0.4, 0.4), sampleTimes(), rigid, rigid, mattes, 0.0);
        for (float f : plan.flow) QCOMPARE(f, 0.f);
        const MotionPlan cut = buildCutoutPlan(rigid, mattes);
        for (int f = 0; f < kFrames; ++f) QVERIFY(plan.boxes[0][f] == cut.boxes[0][f]);
        const Renderer renderer(image(), mattes, image(), {});
        for (double time : {5.0, 13.5, 33.0}) {
            const cv::Mat a = renderer.renderAt(plan, time), b = renderer.renderAt(cut, time);
            QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
        }
    }

    void softBoxesContainTheObjectAcrossSeedsAndSeedsDiffer() {
        const Project p = project();
        const Tracks soft = expandTracks(p, {0.8}), rigid = expandTracks(p, {0.0});
        std::vector<double> midCentres;
        for (unsigned seed = 1; seed <= 4; ++seed) {
            std::mt19937 rng(seed);
            std::uniform_real_distribution<double> shift(-0.5, 0.5);
            const MotionPlan plan = boxflowPlan(wildSample(soft, seed, shift(rng), shift(rng)), sampleTimes(),
                                                soft, rigid, {matte()}, 0.8);
            for (int f = 0; f < kFrames; ++f) {
                const Box& b = plan.boxes[0][f];
                const Box& s = soft.at(0, f).box;
                QVERIFY2(b.x1 >= s.x1 - 1e-9 && b.x2 <= s.x2 + 1e-9 && b.y1 >= s.y1 - 1e-9 && b.y2 <= s.y2 + 1e-9,
                         qPrintable(QString("seed %1 frame %2 leaves its soft box").arg(seed).arg(f)));
                // the size is the user's interpolated box's
                QVERIFY(std::abs(b.width() - rigid.at(0, f).box.width()) < 1e-9);
            }
            midCentres.push_back(plan.boxes[0][33].cx());
        }
        const auto [lo, hi] = std::minmax_element(midCentres.begin(), midCentres.end());
        const double softWidth = soft.at(0, 33).box.width();
        QVERIFY2(*hi - *lo > 0.05 * softWidth, "different seeds should place the object differently");
    }
};

QTEST_GUILESS_MAIN(TestBoxflowPlan)
#include "test_boxflow_plan.moc"
