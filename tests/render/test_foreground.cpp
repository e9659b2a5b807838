// core/render/foreground: the object's own colours in a soft matte's rim, and
// the renderer compositing them instead of the photo's mix.
#include <QtTest>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/render/foreground.h"
#include "core/render/renderer.h"

using namespace boxanim;

namespace {

constexpr int kW = 200, kH = 160;

// A soft disc: 1 inside, 0 outside, a Gaussian-blurred rim about 10 px wide.
cv::Mat softDisc(double cx, double cy, double r) {
    cv::Mat a = cv::Mat::zeros(kH, kW, CV_32FC1);
    cv::circle(a, cv::Point(cvRound(cx), cvRound(cy)), cvRound(r), cv::Scalar(1.0), cv::FILLED, cv::LINE_AA);
    cv::GaussianBlur(a, a, cv::Size(0, 0), 2.5);
    // Exact 0 and 1 away from the rim, as a refined matte has.
    a.setTo(0.f, a < 0.004f);
    a.setTo(1.f, a > 0.996f);
    return a;
}

// Smooth colour fields, far apart: an orange-to-yellow object, a blue-green background.
cv::Vec3f objectColour(int x, int y) {
    return {static_cast<float>(30 + 20 * std::sin(0.05 * y)), static_cast<float>(120 + 0.5 * x),
            static_cast<float>(230 - 0.2 * y)};
}
cv::Vec3f backgroundColour(int x, int y) {
    return {static_cast<float>(200 - 0.3 * x), static_cast<float>(150 + 40 * std::cos(0.04 * x + 0.03 * y)),
            static_cast<float>(30 + 0.1 * y)};
}

cv::Mat composite(const cv::Mat& alpha) {
    cv::Mat img(kH, kW, CV_8UC3);
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const float a = alpha.at<float>(y, x);
            const cv::Vec3f c = a * objectColour(x, y) + (1 - a) * backgroundColour(x, y);
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(c[0]), cv::saturate_cast<uchar>(c[1]),
                                                cv::saturate_cast<uchar>(c[2]));
        }
    return img;
}

// A matte softened past the truth's edge (a Gaussian of sigma px) and its refit.
struct Refit {
    cv::Mat softened, refitted;
};
Refit softenAndRefit(const cv::Mat& img, const cv::Mat& truth, double sigma) {
    Refit r;
    cv::Mat wide;
    cv::GaussianBlur(truth, wide, cv::Size(0, 0), sigma);
    wide.convertTo(r.softened, CV_8UC1, 255.0);
    cv::Mat fg, bg;
    estimateForegroundBackground(img, r.softened, fg, bg);
    r.refitted = r.softened.clone();
    refitRimAlpha(img, fg, bg, r.refitted);
    return r;
}

// Means over the pixels of `mask` of the softened and the refitted alpha (0..1),
// or of their distance to `truth` where given.
struct Means {
    int n = 0;
    double softened = 0, refitted = 0;
};
Means meansOver(const Refit& r, const cv::Mat& mask, const cv::Mat& truth = cv::Mat()) {
    Means m;
    for (int y = 0; y < mask.rows; ++y)
        for (int x = 0; x < mask.cols; ++x) {
            if (!mask.at<uchar>(y, x)) continue;
            const double t = truth.empty() ? 0.0 : truth.at<float>(y, x);
            m.softened += std::abs(r.softened.at<uchar>(y, x) / 255.0 - t);
            m.refitted += std::abs(r.refitted.at<uchar>(y, x) / 255.0 - t);
            ++m.n;
        }
    if (m.n) m.softened /= m.n, m.refitted /= m.n;
    return m;
}

double colourError(const cv::Vec3b& p, const cv::Vec3f& q) {
    return (std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2])) / 3.0;
}

}  // namespace

class TestForeground : public QObject {
    Q_OBJECT
private slots:
    void recoversTheObjectsColourInASoftRim() {
        const cv::Mat alpha = softDisc(100, 80, 50);
        const cv::Mat img = composite(alpha);
        const cv::Mat fg = estimateForeground(img, alpha);
        QCOMPARE(fg.type(), CV_8UC3);
        QCOMPARE(fg.size(), img.size());
        // In the rim, the photo is far from the object's colour; the estimate is close.
        double photo = 0, estimate = 0;
        int n = 0;
        for (int y = 0; y < kH; ++y)
            for (int x = 0; x < kW; ++x) {
                const float a = alpha.at<float>(y, x);
                if (a < 0.2f || a > 0.9f) continue;
                photo += colourError(img.at<cv::Vec3b>(y, x), objectColour(x, y));
                estimate += colourError(fg.at<cv::Vec3b>(y, x), objectColour(x, y));
                ++n;
            }
        QVERIFY(n > 300);
        photo /= n;
        estimate /= n;
        qInfo("mean |error| in the rim over %d px: photo %.1f, estimate %.1f grey levels", n, photo, estimate);
        QVERIFY2(photo > 25, "the scene must mix the colours in the rim");
        QVERIFY(estimate < 6);
        // Where the object is opaque all around, F is the photo itself.
        cv::Mat interior;
        cv::erode(alpha >= 1.f, interior, cv::Mat());
        cv::Mat diff;
        cv::absdiff(fg, img, diff);
        diff.setTo(cv::Scalar::all(0), ~interior);
        QVERIFY(cv::countNonZero(interior) > 3000);
        QCOMPARE(cv::countNonZero(diff.reshape(1)), 0);
        // An 8-bit matte gives the same answer as the float one it rounds.
        cv::Mat a8;
        alpha.convertTo(a8, CV_8UC1, 255.0);
        cv::Mat a8f;
        a8.convertTo(a8f, CV_32FC1, 1.0 / 255.0);
        cv::absdiff(estimateForeground(img, a8), estimateForeground(img, a8f), diff);
        QCOMPARE(cv::countNonZero(diff.reshape(1)), 0);
    }

    // A matte softened past a crisp edge between a bright object and a dark
    // background (a filter's radius): refitting the rim's alpha to the
    // estimated layers brings it back to the edge.
    void refitAlphaSharpensAMatteSoftenedPastTheEdge() {
        cv::Mat truth = cv::Mat::zeros(kH, kW, CV_32FC1);
        cv::circle(truth, cv::Point(100, 80), 45, cv::Scalar(1.0), cv::FILLED);
        cv::Mat img(kH, kW, CV_8UC3);
        for (int y = 0; y < kH; ++y)
            for (int x = 0; x < kW; ++x)
                img.at<cv::Vec3b>(y, x) = truth.at<float>(y, x) > 0 ? cv::Vec3b(225, 235, 240 - x / 4)
                                                                   : cv::Vec3b(60 + y / 8, 30, 15);
        const Refit r = softenAndRefit(img, truth, 2.0);
        const cv::Mat& wide8 = r.softened;
        const cv::Mat& refit = r.refitted;
        const Means e = meansOver(r, (wide8 > 0) & (wide8 < 255), truth);
        QVERIFY(e.n > 500);
        qInfo("mean |alpha error| over %d rim px: softened %.3f, refitted %.3f", e.n, e.softened, e.refitted);
        QVERIFY(e.refitted < 0.5 * e.softened);
        // Opaque and clear pixels are left alone.
        cv::Mat changed = (refit != wide8) & ((wide8 == 0) | (wide8 == 255));
        QCOMPARE(cv::countNonZero(changed), 0);
        // Where the photo, F and B are all alike nothing changes.
        const cv::Mat flat(kH, kW, CV_8UC3, cv::Scalar(90, 120, 150));
        cv::Mat same = wide8.clone();
        refitRimAlpha(flat, flat, flat, same);
        QCOMPARE(cv::countNonZero(same != wide8), 0);
        cv::Mat notEightBit = truth.clone();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, refitRimAlpha(img, img, img, notEightBit));
    }

    // The flat-background case: a guided filter leaks the matte into a flat
    // background, and the object's colour would glow there. The clear side's
    // own colour tells those pixels apart: they go back to 0.
    void refitRemovesTheGlowOverAFlatBackground() {
        cv::Mat img(kH, kW, CV_8UC3, cv::Scalar(200, 185, 170));
        cv::Mat truth = cv::Mat::zeros(kH, kW, CV_32FC1);
        const cv::Rect square(70, 50, 50, 50);
        img(square).setTo(cv::Scalar(40, 40, 200));
        truth(square).setTo(1.f);
        const Refit r = softenAndRefit(img, truth, 2.5);
        const Means out = meansOver(r, (truth == 0.f) & (r.softened > 0));
        QVERIFY(out.n > 300);
        qInfo("mean alpha outside the square over %d px: softened %.3f, refitted %.3f", out.n, out.softened, out.refitted);
        QVERIFY(out.softened > 0.1);
        QVERIFY(out.refitted < 0.02);
        // Inside, the rim is not eroded: at least as opaque as before.
        const Means in = meansOver(r, (truth == 1.f) & (r.softened < 255));
        qInfo("mean alpha inside the square's rim over %d px: softened %.3f, refitted %.3f", in.n, in.softened, in.refitted);
        QVERIFY(in.n > 300);
        QVERIFY(in.refitted >= in.softened);
    }

    void edgeCases() {
        // Fully opaque, fully clear, one pixel: no throw; F is the photo where opaque.
        const cv::Mat img(kH, kW, CV_8UC3, cv::Scalar(10, 120, 240));
        cv::Mat diff;
        cv::absdiff(estimateForeground(img, cv::Mat(kH, kW, CV_32FC1, cv::Scalar(1.0))), img, diff);
        QCOMPARE(cv::countNonZero(diff.reshape(1)), 0);
        QCOMPARE(estimateForeground(img, cv::Mat::zeros(kH, kW, CV_8UC1)).size(), img.size());
        const cv::Mat one(1, 1, CV_8UC3, cv::Scalar(1, 2, 3));
        QCOMPARE(estimateForeground(one, cv::Mat(1, 1, CV_32FC1, cv::Scalar(0.5))).size(), one.size());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, estimateForeground(cv::Mat(), cv::Mat()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 estimateForeground(img, cv::Mat::zeros(kH, kW + 1, CV_8UC1)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 estimateForeground(img, cv::Mat::zeros(kH, kW, CV_16UC1)));
    }

    // The renderer composites the object's colour, not the photo's mix: a red
    // object whose soft rim lay over blue, moved onto a green plate, shows no
    // blue there (the photo's rim pixels, moved as they are, carry up to a
    // quarter of the old blue).
    void renderedRimCarriesNoOldBackground() {
        const cv::Mat alpha = softDisc(50, 80, 25);
        cv::Mat img(kH, kW, CV_8UC3);
        for (int y = 0; y < kH; ++y)
            for (int x = 0; x < kW; ++x) {
                const float a = alpha.at<float>(y, x);
                img.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(255 * (1 - a)), 0,
                                                    cv::saturate_cast<uchar>(255 * a));
            }
        const cv::Mat plate(kH, kW, CV_8UC3, cv::Scalar(0, 255, 0));
        const Renderer renderer(img, {alpha}, plate);
        MotionPlan plan;
        plan.allocate(1, 16, 12, 2, 2);
        plan.keyTimes = {0.0};
        const Box home{0.1, 0.3, 0.4, 0.7};
        plan.boxes[0] = {home, Box{home.x1 + 0.5, home.y1, home.x2 + 0.5, home.y2}};
        std::fill(plan.logits.begin(), plan.logits.end(), 1.f);

        const cv::Mat moved = renderer.renderAt(plan, 1.0);
        std::vector<cv::Mat> ch;
        cv::split(moved(cv::Rect(kW / 2, 0, kW / 2, kH)), ch);
        double blue = 0;
        cv::Point at;
        cv::minMaxLoc(ch[0], nullptr, &blue, nullptr, &at);
        QVERIFY2(blue <= 6, qPrintable(QString("blue %1 at (%2, %3)").arg(blue).arg(at.x + kW / 2).arg(at.y)));
        // The rim still blends red into the plate's green.
        const cv::Vec3b rim = moved.at<cv::Vec3b>(80, 175);
        QVERIFY2(rim[1] > 60 && rim[2] > 60, qPrintable(QString("rim %1 %2 %3").arg(rim[0]).arg(rim[1]).arg(rim[2])));

    }

    // Where one object's soft rim lies over another (a disc in front of a
    // rectangle), the rim pixels refitted to the back object's background
    // are the front object: the plate must not keep them, or the disc leaves
    // a red ring behind when it moves.
    void anOccludersRimStaysOutOfThePlate() {
        cv::Mat img(kH, kW, CV_8UC3, cv::Scalar(120, 160, 110));
        cv::Mat rect = cv::Mat::zeros(kH, kW, CV_32FC1), disc = cv::Mat::zeros(kH, kW, CV_32FC1);
        rect(cv::Rect(30, 40, 80, 80)).setTo(1.f);
        cv::circle(disc, cv::Point(70, 80), 18, cv::Scalar(1.0), cv::FILLED);
        img.setTo(cv::Scalar(200, 60, 40), rect > 0.f);
        img.setTo(cv::Scalar(30, 30, 230), disc > 0.f);
        cv::GaussianBlur(rect, rect, cv::Size(0, 0), 2.0);
        cv::GaussianBlur(disc, disc, cv::Size(0, 0), 2.0);
        const cv::Mat back = rect.mul(1.f - disc);  // the front object's pixels leave the back matte
        const cv::Mat plate(kH, kW, CV_8UC3, cv::Scalar(120, 160, 110));
        const Renderer renderer(img, {disc, back}, plate);
        MotionPlan plan;
        plan.allocate(1, 16, 12, 3, 2);
        plan.keyTimes = {0.0};
        const Box d0{50.0 / kW, 60.0 / kH, 90.0 / kW, 100.0 / kH};
        plan.boxes[0] = {d0, Box{d0.x1 + 0.45, d0.y1, d0.x2 + 0.45, d0.y2}};
        const Box r0{28.0 / kW, 38.0 / kH, 112.0 / kW, 122.0 / kH};
        plan.boxes[1] = {r0, r0};
        std::fill(plan.logits.begin(), plan.logits.end(), 1.f);
        const cv::Mat moved = renderer.renderAt(plan, 1.0);
        // Where the disc stood: the rectangle or the plate, no red.
        cv::Mat red;
        cv::inRange(moved(cv::Rect(40, 50, 60, 60)), cv::Scalar(0, 0, 150), cv::Scalar(120, 120, 255), red);
        QCOMPARE(cv::countNonZero(red), 0);
    }
};

QTEST_GUILESS_MAIN(TestForeground)
#include "test_foreground.moc"
