// Objects that leave the frame (issue 13 item 5, format v2) through the
// cutout engine, the renderer and the evaluator: an object keyed to move out
// of the image over its right edge is rendered partly, then not at all; the
// evaluator measures the visible part and skips frames where it is gone, so
// the exact (cutout) clip still scores as exact.
#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "core/engine/engine.h"
#include "core/eval/evaluate.h"

using namespace boxanim;

namespace {
cv::Mat photo(int w, int h) {
    cv::Mat img(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(90 + 60 * x / w), uchar(120 + 40 * y / h), 170);
    // A textured red square the tracker can follow. Its stripes are unevenly
    // spaced: with a period, NCC at a box a half period off (CSRT lags the
    // moving square by 0-5 px) is negative however exact the render.
    cv::rectangle(img, cv::Rect(w / 2 - 30, h / 2 - 30, 60, 60), cv::Scalar(30, 30, 210), cv::FILLED);
    for (int dx : {0, 7, 19, 26, 41, 52})
        cv::line(img, cv::Point(w / 2 - 30 + dx, h / 2 - 30), cv::Point(w / 2 - 30 + dx, h / 2 + 30),
                 cv::Scalar(240, 240, 240), 2);
    return img;
}

Project leaving(int w, int h) {
    Project p;
    p.id = newId();
    p.timeline = {16, 8};
    p.output = {w, h};
    Object o;
    o.id = newId();
    o.name = "square";
    const double bw = 64.0 / w, bh = 64.0 / h;
    const Box start = Box::fromCentre(0.5, 0.5, bw, bh);
    o.keyframes.push_back({0, start, BoxKind::Hard, Easing::Linear});
    o.keyframes.push_back({8, Box::fromCentre(1.0, 0.5, bw, bh), BoxKind::Hard, Easing::Linear});  // half out
    o.keyframes.push_back({15, Box::fromCentre(1.5, 0.5, bw, bh), BoxKind::Hard, Easing::Linear});  // gone
    p.objects.push_back(o);
    p.generation.engine = "cutout";
    return p;
}
}  // namespace

class TestEvalOffFrame : public QObject {
    Q_OBJECT
private slots:
    void anObjectLeavingTheFrame() {
        const int w = 240, h = 160;
        const Project p = leaving(w, h);
        GenerationRequest r = GenerationRequest::fromProject(p, photo(w, h));
        r.device = "cpu";
        r.wantPreviews = false;
        const GenerationResult res = generate(r);
        QVERIFY2(res.state == JobState::Finished, res.message.c_str());
        QCOMPARE(int(res.frames.size()), 16);
        // Frame 8: the square's left half is at the right edge; frame 15: it is gone.
        auto redShare = [](const cv::Mat& f, cv::Rect roi) {
            cv::Mat m;
            cv::inRange(f(roi), cv::Scalar(0, 0, 150), cv::Scalar(90, 90, 255), m);
            return double(cv::countNonZero(m)) / roi.area();
        };
        QVERIFY(redShare(res.frames[8], cv::Rect(w - 30, h / 2 - 20, 30, 40)) > 0.3);
        QVERIFY(redShare(res.frames[15], cv::Rect(w - 60, 0, 60, h)) < 0.02);
        // The frame-0 position is filled by the clean plate, not left red.
        QVERIFY(redShare(res.frames[15], cv::Rect(w / 2 - 20, h / 2 - 20, 40, 40)) < 0.1);

        const ClipScore s = evaluateClip(p, res.frames);
        QCOMPARE(int(s.objects.size()), 1);
        const ObjectScore& o = s.objects.front();
        // Hard frames 8 and 15: 15 is wholly outside, so only 8 is measured.
        QCOMPARE(o.hardFrames, 1);
        QVERIFY2(o.meanIoUHard > 0.6, qPrintable(QString::number(o.meanIoUHard)));
        QVERIFY(std::isfinite(o.centreError) && std::isfinite(o.identity));
        // Identity is NCC at CSRT-tracked boxes of a striped square; the
        // tracker's box lags the moving square by 0-5 px and moves with plate
        // pixels 1-2 grey levels apart. With evenly spaced stripes (period
        // 10 px) it read 0.41-0.59 over plate seeds, and -0.09 once rims were
        // composited crisp (2026-12-03), while the render was exact (NCC
        // 0.99999 at the expected box): it measured the lag's phase. With
        // uneven stripes: 0.72. The bound says "the square is recognisably itself".
        qInfo("identity %f IoU %f", o.identity, o.meanIoUHard);
        QVERIFY2(o.identity > 0.35, qPrintable(QString::number(o.identity)));
    }
};

QTEST_MAIN(TestEvalOffFrame)
#include "test_eval_offframe.moc"
