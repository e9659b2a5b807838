// The evaluator's distortion and jerk measures: zero-ish for a rigid move,
// clearly larger for a bending warp and a shaking path.
#include <QtTest>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/eval/evaluate.h"

using namespace boxanim;

namespace {

constexpr int kW = 192, kH = 144, kFrames = 16;

Project project() {
    Project p;
    p.id = "p";
    p.timeline = {kFrames, 16};
    p.output = {kW, kH};
    Object o;
    o.id = "o";
    o.setKeyframe({0, {40.0 / kW, 40.0 / kH, 90.0 / kW, 90.0 / kH}, BoxKind::Hard, Easing::Linear});
    o.setKeyframe({kFrames - 1, {100.0 / kW, 40.0 / kH, 150.0 / kW, 90.0 / kH}, BoxKind::Hard, Easing::Linear});
    p.objects.push_back(o);
    return p;
}

// A random, smoothed colour texture: plenty of unambiguous corners to track.
cv::Mat patch() {
    cv::Mat noise(50, 50, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 255);
    cv::Mat m;
    cv::GaussianBlur(noise, m, cv::Size(0, 0), 1.5);
    cv::normalize(m, m, 0, 255, cv::NORM_MINMAX);
    return m;
}

// The patch pasted at x = 40 + 4 i (plus a per-frame offset), bent by a
// horizontal shear that grows along y with amplitude `bend` pixels.
std::vector<cv::Mat> clip(double bend, double shake) {
    std::vector<cv::Mat> frames;
    const cv::Mat p = patch();
    for (int i = 0; i < kFrames; ++i) {
        cv::Mat f(kH, kW, CV_8UC3, cv::Scalar(128, 128, 128));
        const double amp = bend * std::sin(i * 0.9);
        cv::Mat mapX(50, 50, CV_32F), mapY(50, 50, CV_32F);
        for (int y = 0; y < 50; ++y)
            for (int x = 0; x < 50; ++x) {
                mapX.at<float>(y, x) = float(x - amp * std::sin(y * 3.14159 / 25));
                mapY.at<float>(y, x) = float(y);
            }
        cv::Mat warped;
        cv::remap(p, warped, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        const int x0 = 40 + 4 * i + int(std::lround(shake * ((i % 2) ? 1 : -1)));
        warped.copyTo(f(cv::Rect(x0, 40, 50, 50)));
        frames.push_back(f);
    }
    return frames;
}

}  // namespace

class TestDistortion : public QObject {
    Q_OBJECT
private slots:
    void rigidMoveHasNoDistortionAndLittleJerk() {
        const ClipScore s = evaluateClip(project(), clip(0.0, 0.0));
        QVERIFY2(s.distortion >= 0 && s.distortion < 0.005, qPrintable(QString::number(s.distortion)));
        QVERIFY2(s.jerk < 0.01, qPrintable(QString::number(s.jerk)));
    }

    void bendingShowsAsDistortion() {
        const ClipScore rigid = evaluateClip(project(), clip(0.0, 0.0));
        const ClipScore bent = evaluateClip(project(), clip(10.0, 0.0));
        QVERIFY2(bent.distortion > 0.01, qPrintable(QString::number(bent.distortion)));
        QVERIFY2(bent.distortion > 5 * rigid.distortion,
                 qPrintable(QString("%1 vs %2").arg(bent.distortion).arg(rigid.distortion)));
    }

    void shakingShowsAsJerk() {
        const ClipScore smooth = evaluateClip(project(), clip(0.0, 0.0));
        const ClipScore shaky = evaluateClip(project(), clip(0.0, 3.0));
        QVERIFY2(shaky.jerk > smooth.jerk + 0.02, qPrintable(QString("%1 vs %2").arg(shaky.jerk).arg(smooth.jerk)));
    }
};

QTEST_GUILESS_MAIN(TestDistortion)
#include "test_distortion.moc"
