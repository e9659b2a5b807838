// core/render: mattes, clean plate, the cutout engine and the renderer.
#include <QtTest>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/project/tracks.h"
#include "core/render/clean_plate.h"
#include "core/render/cutout.h"
#include "core/render/geometry.h"
#include "core/render/matte.h"
#include "core/render/renderer.h"

using namespace boxanim;

namespace {

constexpr int kW = 320, kH = 240;

// A smooth blue/green background with some texture and no red in it.
cv::Mat background() {
    cv::Mat img(kH, kW, CV_8UC3);
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x)
            img.at<cv::Vec3b>(y, x) =
                cv::Vec3b(static_cast<uchar>(120 + 60 * std::sin(0.05 * x) * std::cos(0.07 * y)),
                          static_cast<uchar>(90 + 0.3 * y + 20 * std::sin(0.3 * x)),
                          static_cast<uchar>(20 + 10 * std::cos(0.2 * y)));
    return img;
}

// A solid red disc (anti-aliased) of radius r centred on pixel (cx, cy).
void drawDisc(cv::Mat& img, double cx, double cy, double r) {
    const int shift = 4, s = 1 << shift;
    cv::circle(img, cv::Point(cvRound(cx * s), cvRound(cy * s)), cvRound(r * s),
               cv::Scalar(30, 30, 235), cv::FILLED, cv::LINE_AA, shift);
}

// The disc's box in normalised coordinates: pixel i covers [i, i+1), a disc on
// pixel centre cx covers [cx - r + 0.5, cx + r + 0.5).
Box discBox(double cx, double cy, double r) {
    return {(cx - r + 0.5) / kW, (cy - r + 0.5) / kH, (cx + r + 0.5) / kW, (cy + r + 0.5) / kH};
}

bool isDiscColour(const cv::Vec3b& p) { return p[2] - std::max(p[0], p[1]) > 100; }

// Bounding rectangle (continuous pixel units) of the disc-coloured pixels.
cv::Rect2d measuredDisc(const cv::Mat& frame, int* count = nullptr) {
    int x0 = frame.cols, y0 = frame.rows, x1 = -1, y1 = -1, n = 0;
    for (int y = 0; y < frame.rows; ++y)
        for (int x = 0; x < frame.cols; ++x)
            if (isDiscColour(frame.at<cv::Vec3b>(y, x))) {
                x0 = std::min(x0, x), y0 = std::min(y0, y);
                x1 = std::max(x1, x), y1 = std::max(y1, y);
                ++n;
            }
    if (count) *count = n;
    if (x1 < 0) return {};
    return {double(x0), double(y0), double(x1 - x0 + 1), double(y1 - y0 + 1)};
}

double iou(const cv::Rect2d& a, const cv::Rect2d& b) {
    const double inter = (a & b).area();
    const double uni = a.area() + b.area() - inter;
    return uni > 0 ? inter / uni : 0.0;
}

Project discProject(const Box& from, const Box& to, int frames) {
    Project p;
    p.id = newId();
    p.timeline.frames = frames;
    p.timeline.fps = 24;
    p.output = {kW, kH};
    Object o;
    o.id = newId();
    o.name = "disc";
    o.setKeyframe({0, from, BoxKind::Hard, Easing::Linear});
    o.setKeyframe({frames - 1, to, BoxKind::Hard, Easing::EaseInOut});
    p.objects.push_back(o);
    return p;
}

}  // namespace

class TestRender : public QObject {
    Q_OBJECT

private slots:
    void geometry() {
        const Box a{0.1, 0.2, 0.3, 0.6}, b{0.5, 0.1, 0.9, 0.3};
        const BoxAffine m = boxAffine(a, b);
        QCOMPARE(m.sx * a.x1 + m.tx, b.x1);
        QVERIFY(std::abs(m.sy * a.y2 + m.ty - b.y2) < 1e-12);
        const BoxAffine inv = m.inverse();
        QVERIFY(std::abs(inv.sx * (m.sx * 0.37 + m.tx) + inv.tx - 0.37) < 1e-12);
        // Sampling: centre linear, size log-linear between neighbouring frames.
        const std::vector<Box> track{Box::fromCentre(0.2, 0.5, 0.1, 0.1),
                                     Box::fromCentre(0.6, 0.5, 0.4, 0.1)};
        const Box mid = sampleBox(track, 0.5);
        QVERIFY(std::abs(mid.cx() - 0.4) < 1e-12);
        QVERIFY(std::abs(mid.width() - 0.2) < 1e-12);  // geometric mean of 0.1 and 0.4
        QCOMPARE(sampleBox(track, -3.0), track[0]);
        QCOMPARE(sampleBox(track, 7.0), track[1]);
        // Holding degenerate boxes.
        const auto held = holdInvalidBoxes({Box{}, track[0], Box{}, track[1]});
        QCOMPARE(held[0], track[0]);
        QCOMPARE(held[2], track[0]);
        QCOMPARE(outputFrameTime(0, 10, 48), 0.0);
        QCOMPARE(outputFrameTime(9, 10, 48), 47.0);
        QCOMPARE(outputFrameTime(3, 7, 13), 6.0);
        QCOMPARE(outputFrameTime(0, 1, 48), 0.0);
    }

    void matteAndPlate() {
        cv::Mat img = background();
        drawDisc(img, 100, 120, 40);
        const Box box = discBox(100, 120, 40);
        const cv::Mat matte = computeMatte(img, box);
        QCOMPARE(matte.type(), CV_32FC1);
        QCOMPARE(matte.size(), img.size());
        double lo, hi;
        cv::minMaxLoc(matte, &lo, &hi);
        QVERIFY(lo >= 0.0 && hi <= 1.0);
        // Inside the disc ~1, well outside 0, the matte's area about the disc's.
        QVERIFY(matte.at<float>(120, 100) > 0.99f);
        QVERIFY(matte.at<float>(120, 75) > 0.99f);
        QCOMPARE(matte.at<float>(120, 150), 0.0f);
        QCOMPARE(matte.at<float>(20, 20), 0.0f);
        const double area = cv::sum(matte)[0];
        QVERIFY2(std::abs(area - M_PI * 40 * 40) < 0.05 * M_PI * 40 * 40,
                 qPrintable(QString("matte area %1").arg(area)));

        const cv::Mat plate = computeCleanPlate(img, {matte});
        int left = 0;
        measuredDisc(plate, &left);
        QCOMPARE(left, 0);  // the disc is gone
        // Outside the hole every pixel is the photo's own.
        const cv::Mat hole = plateHole(img.size(), {matte});
        cv::Mat diff;
        cv::absdiff(img, plate, diff);
        diff.setTo(cv::Scalar::all(0), hole);
        QCOMPARE(cv::countNonZero(diff.reshape(1)), 0);
        QVERIFY(cv::countNonZero(hole) < 1.6 * M_PI * 40 * 40);
    }

    void matteEdgeCases() {
        cv::Mat img = background();
        // A box of a couple of pixels, a box covering the whole image, a box
        // on a flat image, a degenerate box: no throw, sensible mattes.
        const cv::Mat tiny = computeMatte(img, {0.5, 0.5, 0.505, 0.505});
        QVERIFY(cv::countNonZero(tiny > 0.5f) < 200);
        const cv::Mat whole = computeMatte(img, {0.0, 0.0, 1.0, 1.0});
        QVERIFY(cv::countNonZero(whole > 0.5f) > 0.95 * kW * kH);
        const cv::Mat flat(kH, kW, CV_8UC3, cv::Scalar(80, 80, 80));
        const cv::Mat flatMatte = computeMatte(flat, {0.25, 0.25, 0.75, 0.75});
        QCOMPARE(flatMatte.size(), flat.size());
        QCOMPARE(cv::countNonZero(computeMatte(img, {0.3, 0.3, 0.3, 0.6})), 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeMatte(cv::Mat(), {0, 0, 1, 1}));
        // An object without keyframes: zero matte, identity motion, renders.
        Project p;
        p.timeline.frames = 4;
        Object o;
        o.id = "empty";
        p.objects.push_back(o);
        const Tracks tracks = cutoutTracks(p);
        const auto mattes = computeMattes(img, tracks);
        QCOMPARE(cv::countNonZero(mattes[0]), 0);
        const MotionPlan plan = buildCutoutPlan(tracks, mattes);
        QCOMPARE(plan.boxes[0][2], (Box{0, 0, 1, 1}));
        const Renderer renderer(img, mattes, computeCleanPlate(img, mattes));
        cv::Mat diff;
        cv::absdiff(renderer.renderAt(plan, 2.0), img, diff);
        QCOMPARE(cv::countNonZero(diff.reshape(1)), 0);
    }

    void discFollowsBoxes_data() {
        QTest::addColumn<int>("outputFrames");
        QTest::newRow("timeline count") << 24;
        QTest::newRow("resampled 37") << 37;
        QTest::newRow("resampled 9") << 9;
    }

    void discFollowsBoxes() {
        QFETCH(int, outputFrames);
        cv::Mat img = background();
        drawDisc(img, 70, 120, 40);
        const Box from = discBox(70, 120, 40);
        const Box to = discBox(250, 110, 50);  // moves right and grows 1.25x
        const Project project = discProject(from, to, 24);
        const Tracks tracks = expandTracks(project, {0.0});
        const std::vector<cv::Mat> mattes = computeMattes(img, tracks);
        const cv::Mat plate = computeCleanPlate(img, mattes);
        const MotionPlan plan = buildCutoutPlan(tracks, mattes);
        QCOMPARE(plan.keyframes, 16);
        QCOMPARE(plan.width, 64);
        QCOMPARE(plan.height, 48);
        QCOMPARE(plan.timelineFrames, 24);

        const Renderer renderer(img, mattes, plate);
        int frames = 0;
        double worst = 1.0;
        const bool done = renderer.render(plan, outputFrames, [&](int i, const cv::Mat& f) {
            ++frames;
            const double time = outputFrameTime(i, outputFrames, 24);
            const Box expected = sampleBox(plan.boxes[0], time);
            const cv::Rect2d measured = measuredDisc(f);
            const double score = iou(measured, boxToPixels(expected, f.size()));
            worst = std::min(worst, score);
            if (score < 0.95) {
                qWarning("frame %d: IoU %.3f", i, score);
                return false;
            }
            return true;
        });
        QVERIFY(done);
        QCOMPARE(frames, outputFrames);
        qInfo("lowest IoU over %d frames: %.4f", outputFrames, worst);
        // Exact boxes at the ends.
        QCOMPARE(plan.boxes[0].front(), from);
        QCOMPARE(plan.boxes[0].back(), to);

        // Nothing disc-coloured left behind at the start position.
        const cv::Mat last = renderer.renderAt(plan, 23.0);
        const cv::Rect start = boxToPixelRect(from, last.size());
        cv::Rect grown(start.x - 4, start.y - 4, start.width + 8, start.height + 8);
        int behind = 0;
        measuredDisc(last(grown & cv::Rect(0, 0, kW, kH)), &behind);
        QCOMPARE(behind, 0);
        // And the disc's own pixels are as red as the original's.
        const cv::Vec3b centre = last.at<cv::Vec3b>(110, 250);
        QVERIFY(centre[2] > 220 && centre[0] < 45 && centre[1] < 45);
    }

    void cancelStopsRendering() {
        cv::Mat img = background();
        drawDisc(img, 70, 120, 40);
        const Project project = discProject(discBox(70, 120, 40), discBox(250, 110, 40), 12);
        const Tracks tracks = cutoutTracks(project);
        const auto mattes = computeMattes(img, tracks);
        const Renderer renderer(img, mattes, computeCleanPlate(img, mattes));
        int calls = 0;
        QVERIFY(!renderer.render(buildCutoutPlan(tracks, mattes), 12,
                                 [&](int, const cv::Mat&) { return ++calls < 3; }));
        QCOMPARE(calls, 3);
    }

    void cutoutLogitsAndOcclusion() {
        // Two overlapping objects: object 0 (front) a disc over object 1.
        cv::Mat img = background();
        cv::rectangle(img, cv::Rect(100, 80, 120, 80), cv::Scalar(200, 60, 40), cv::FILLED);
        drawDisc(img, 160, 120, 30);
        Project p;
        p.timeline.frames = 10;
        Object front, back;
        front.id = "front";
        back.id = "back";
        front.setKeyframe({0, discBox(160, 120, 30), BoxKind::Hard, Easing::Linear});
        back.setKeyframe({0, {100.0 / kW, 80.0 / kH, 220.0 / kW, 160.0 / kH}, BoxKind::Hard,
                          Easing::Linear});
        p.objects = {front, back};
        const auto mattes = computeMattes(img, cutoutTracks(p));
        // The front object's pixels are removed from the matte behind it.
        QVERIFY(mattes[1].at<float>(120, 160) < 0.01f);
        QVERIFY(mattes[1].at<float>(90, 110) > 0.99f);
        CutoutOptions opt;
        opt.keyframes = 4;
        const MotionPlan plan = buildCutoutPlan(p, mattes, opt);
        QCOMPARE(plan.keyframes, 4);
        QCOMPARE(plan.layers, 3);
        QCOMPARE(plan.keyTimes[1], 3.0);
        QCOMPARE(plan.keyTimes[3], 9.0);
        for (float f : plan.flow) QCOMPARE(f, 0.f);
        // Working pixel of the disc centre: 160/5, 120/5.
        QCOMPARE(plan.logit(0, 1, 24, 32), 1.f);   // front visible
        QCOMPARE(plan.logit(0, 2, 24, 32), -1.f);  // back hidden behind it
        QCOMPARE(plan.logit(0, 0, 24, 32), -1.f);  // background hidden
        QCOMPARE(plan.logit(0, 2, 17, 22), 1.f);   // back visible beside the disc
        QCOMPARE(plan.logit(0, 0, 3, 3), 1.f);     // background in the corner
        QCOMPARE(plan.logit(0, 1, 3, 3), -1.f);
        // A static plan reproduces the photo up to the matte edges.
        const Renderer renderer(img, mattes, computeCleanPlate(img, mattes));
        const cv::Mat frame = renderer.renderAt(plan, 4.5);
        cv::Mat diff;
        cv::absdiff(frame, img, diff);
        QVERIFY2(cv::mean(diff)[0] < 1.0, qPrintable(QString::number(cv::mean(diff)[0])));
    }

    void residualFlowUnitsAndLogitBlend() {
        cv::Mat img = background();
        drawDisc(img, 100, 120, 30);
        const Box box = discBox(100, 120, 30);
        const std::vector<cv::Mat> mattes{computeMatte(img, box)};
        const cv::Mat plate = computeCleanPlate(img, mattes);
        const Renderer renderer(img, mattes, plate);

        MotionPlan plan;
        plan.allocate(2, 16, 12, 2, 5);
        plan.keyTimes = {0.0, 4.0};
        for (auto& b : plan.boxes[0]) b = box;
        std::fill(plan.logits.begin(), plan.logits.end(), 1.f);
        // Object layer flow in units of its frame-0 box width: dx = -0.5 means
        // every output pixel samples half a box width to the left, so the disc
        // moves right by 0.5 * 60 px = 30 px. The same field moves the
        // background (1x1 units) by 0.5 * W px: check the disc first.
        for (int t = 0; t < 2; ++t)
            for (int y = 0; y < 12; ++y)
                for (int x = 0; x < 16; ++x) plan.flowAt(t, 0, y, x) = -0.5f;
        // The disc at rest (zero flow), as this matte renders it: its
        // antialiased rim decides a column either way, so the flow is judged
        // against it, not against the drawn box.
        MotionPlan rest = plan;
        std::fill(rest.flow.begin(), rest.flow.end(), 0.f);
        const cv::Rect2d m0 = measuredDisc(renderer.renderAt(rest, 2.0));
        QVERIFY(std::abs(m0.width - box.width() * kW) <= 2.0);
        cv::Mat frame = renderer.renderAt(plan, 2.0);
        const cv::Rect2d m = measuredDisc(frame);
        QVERIFY2(std::abs(m.x - (m0.x + 30)) <= 1.0, qPrintable(QString("%1 vs %2").arg(m.x).arg(m0.x + 30)));
        QVERIFY2(std::abs(m.width - m0.width) <= 1.0, qPrintable(QString("%1 vs %2").arg(m.width).arg(m0.width)));
        // Background: out(x) = plate(x - 0.5 W) for x >= W/2 (+ replicate).
        const int shift = kW / 2;
        for (int x = shift; x < kW; x += 7) {
            const cv::Vec3b o = frame.at<cv::Vec3b>(5, x);
            const cv::Vec3b s = plate.at<cv::Vec3b>(5, x - shift);
            for (int c = 0; c < 3; ++c) QVERIFY(std::abs(o[c] - s[c]) <= 1);
        }

        // The flow belongs to the visible layer: where the plan shows only the
        // object, the plate around the disc stays put (an object's flow in box
        // units would tear it as a 1x1-unit pull).
        const std::size_t plane = plan.planeSize();
        for (int t = 0; t < 2; ++t)
            std::fill(plan.logits.begin() + t * 2 * plane, plan.logits.begin() + (t * 2 + 1) * plane, -1.f);
        const cv::Mat objectOnly = renderer.renderAt(plan, 2.0);
        for (int x = 0; x < kW; x += 7) {
            const cv::Vec3b o = objectOnly.at<cv::Vec3b>(5, x);
            const cv::Vec3b s = plate.at<cv::Vec3b>(5, x);
            for (int c = 0; c < 3; ++c) QVERIFY(std::abs(o[c] - s[c]) <= 1);
        }
        std::fill(plan.logits.begin(), plan.logits.end(), 1.f);

        // Logits blend linearly between model keyframes: +1 at t=0, -1 at t=4
        // gives visibility 0.5 at time 2 and the disc at half opacity.
        std::fill(plan.flow.begin(), plan.flow.end(), 0.f);
        const std::size_t n = plan.planeSize();
        std::fill(plan.logits.begin() + 3 * n, plan.logits.end(), -1.f);  // t=1, layer 1
        const cv::Vec3b half = renderer.renderAt(plan, 2.0).at<cv::Vec3b>(120, 100);
        const cv::Vec3b bg = plate.at<cv::Vec3b>(120, 100);
        const cv::Vec3b fg = img.at<cv::Vec3b>(120, 100);
        for (int c = 0; c < 3; ++c) QVERIFY(std::abs(half[c] - (fg[c] + bg[c]) / 2.0) <= 1.5);
        QCOMPARE(renderer.renderAt(plan, 4.0).at<cv::Vec3b>(120, 100), bg);
        QCOMPARE(renderer.renderAt(plan, 0.0).at<cv::Vec3b>(120, 100), fg);
    }

    void outputSizeAndValidation() {
        cv::Mat img = background();
        drawDisc(img, 70, 120, 40);
        const Project project = discProject(discBox(70, 120, 40), discBox(250, 110, 40), 6);
        const Tracks tracks = cutoutTracks(project);
        const auto mattes = computeMattes(img, tracks);
        const cv::Mat plate = computeCleanPlate(img, mattes);
        const MotionPlan plan = buildCutoutPlan(tracks, mattes);
        const Renderer half(img, mattes, plate, cv::Size(kW / 2, kH / 2));
        const auto frames = half.renderAll(plan, 6);
        QCOMPARE(int(frames.size()), 6);
        QCOMPARE(frames[5].size(), cv::Size(kW / 2, kH / 2));
        QVERIFY(iou(measuredDisc(frames[5]), boxToPixels(plan.boxes[0][5], frames[5].size())) > 0.9);

        MotionPlan bad = plan;
        bad.logits.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, half.renderAt(bad, 0.0));
        bad = plan;
        bad.boxes.clear();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, half.renderAt(bad, 0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 buildCutoutPlan(tracks, std::vector<cv::Mat>{}));
    }
};

QTEST_APPLESS_MAIN(TestRender)
#include "test_render.moc"
