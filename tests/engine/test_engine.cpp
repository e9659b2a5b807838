// core/engine: the job contract both engines share (previews, progress, cancel,
// failures as values) on a generated scene with a known answer.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <opencv2/imgproc.hpp>

#include "core/engine/engine.h"

using namespace boxanim;
namespace fs = std::filesystem;

namespace {

// A grey scene with a red disc that one hard-keyed object moves right.
GenerationRequest discRequest(const std::string& engine) {
    cv::Mat image(96, 128, CV_8UC3, cv::Scalar(200, 200, 200));
    cv::circle(image, {32, 48}, 12, cv::Scalar(30, 30, 220), cv::FILLED, cv::LINE_AA);
    Project p;
    p.id = "p";
    p.timeline = {12, 12};
    p.output = {128, 96};
    Object o;
    o.id = "disc";
    o.setKeyframe({0, {16.0 / 128, 32.0 / 96, 48.0 / 128, 64.0 / 96}, BoxKind::Hard, Easing::Linear});
    o.setKeyframe({11, {80.0 / 128, 32.0 / 96, 112.0 / 128, 64.0 / 96}, BoxKind::Hard, Easing::Linear});
    p.objects.push_back(o);
    p.generation.engine = engine;
    GenerationRequest r = GenerationRequest::fromProject(p, image);
    r.jobId = 42;
    r.previewLongSide = 64;
    return r;
}

// Column of the reddest pixels' centroid in a BGR frame.
double redCentroidX(const cv::Mat& f) {
    double sum = 0, n = 0;
    for (int y = 0; y < f.rows; ++y)
        for (int x = 0; x < f.cols; ++x) {
            const cv::Vec3b p = f.at<cv::Vec3b>(y, x);
            if (p[2] > 150 && p[1] < 100) { sum += x; n += 1; }
        }
    return n > 0 ? sum / n : -1;
}

}  // namespace

class TestEngine : public QObject {
    Q_OBJECT
private slots:
    void cutoutJobDeliversPreviewsThenFrames() {
        GenerationRequest req = discRequest("cutout");
        std::vector<PreviewFrames> previews;
        std::vector<double> fractions;
        JobCallbacks cb;
        cb.preview = [&](const PreviewFrames& p) { previews.push_back(p); };
        cb.progress = [&](const GenerationProgress& p) {
            QCOMPARE(p.jobId, std::uint64_t(42));
            fractions.push_back(p.fraction);
        };
        const GenerationResult r = generate(req, cb);
        QCOMPARE(r.state, JobState::Finished);
        QCOMPARE(r.jobId, std::uint64_t(42));
        QCOMPARE(r.engine, std::string("cutout"));
        QCOMPARE(r.frames.size(), std::size_t(12));
        QCOMPARE(r.frames[0].size(), cv::Size(128, 96));
        QCOMPARE(previews.size(), std::size_t(1));
        QCOMPARE(previews[0].frames.size(), std::size_t(12));
        QCOMPARE(std::max(previews[0].frames[0].cols, previews[0].frames[0].rows), 64);
        // Progress only grows, and 1.0 comes last, after the frames exist.
        for (std::size_t i = 1; i < fractions.size(); ++i) QVERIFY(fractions[i] >= fractions[i - 1]);
        QCOMPARE(fractions.back(), 1.0);
        for (std::size_t i = 0; i + 1 < fractions.size(); ++i) QVERIFY(fractions[i] < 1.0);
        // The disc travels from x=32 to x=96.
        QVERIFY(std::abs(redCentroidX(r.frames.front()) - 32) < 2);
        QVERIFY(std::abs(redCentroidX(r.frames.back()) - 96) < 2);
    }

    // The clip starts from the user's photo: the model's keyframe 0 carries no
    // residual flow, so frame 0 is the photo wherever the layers are right.
    void boxflowFirstFrameIsThePhoto() {
        GenerationRequest req = discRequest("boxflow");
        req.device = "cpu";
        req.steps = 2;
        const GenerationResult r = generate(req);
        QVERIFY2(r.state == JobState::Finished, r.message.c_str());
        cv::Mat diff;
        cv::absdiff(r.frames.front(), req.image, diff);
        const double meanDiff = cv::mean(diff)[0] + cv::mean(diff)[1] + cv::mean(diff)[2];
        std::printf("boxflow frame 0 vs photo: mean abs difference %.3f (sum over channels)\n", meanDiff);
        QVERIFY2(meanDiff < 2.5, qPrintable(QString::number(meanDiff)));
        QVERIFY(std::abs(redCentroidX(r.frames.front()) - 32) < 2);
    }

    void outputSizeFramesAndFpsFollowTheRequest() {
        GenerationRequest req = discRequest("cutout");
        req.outWidth = 64;
        req.outHeight = 48;
        req.frames = 5;
        req.fps = 7;
        const GenerationResult r = generate(req);
        QCOMPARE(r.state, JobState::Finished);
        QCOMPARE(r.frames.size(), std::size_t(5));
        QCOMPARE(r.frames[0].size(), cv::Size(64, 48));
        QCOMPARE(r.fps, 7);
    }

    void cancelDuringRenderEndsCancelled() {
        GenerationRequest req = discRequest("cutout");
        std::atomic<bool> cancel{false};
        JobCallbacks cb;
        cb.cancel = &cancel;
        cb.progress = [&](const GenerationProgress& p) {
            if (p.stage == "rendering") cancel = true;
        };
        const GenerationResult r = generate(req, cb);
        QCOMPARE(r.state, JobState::Cancelled);
        QVERIFY(r.frames.empty());
    }

    void cancelBeforeStartDoesNoWork() {
        std::atomic<bool> cancel{true};
        JobCallbacks cb;
        cb.cancel = &cancel;
        int previews = 0;
        cb.preview = [&](const PreviewFrames&) { ++previews; };
        const GenerationResult r = generate(discRequest("cutout"), cb);
        QCOMPARE(r.state, JobState::Cancelled);
        QCOMPARE(previews, 0);
    }

    void missingModelFailsNamingTheFile() {
        GenerationRequest req = discRequest("boxflow");
        req.modelsDir = "/nonexistent/models";
        const GenerationResult r = generate(req);
        QCOMPARE(r.state, JobState::Failed);
        QVERIFY2(QString::fromStdString(r.message).contains("/nonexistent/models/manifest.json"),
                 r.message.c_str());
        QVERIFY(r.frames.empty());
    }

    void badRequestsFailWithAMessage() {
        GenerationRequest req = discRequest("cutout");
        req.engine = "magic";
        GenerationResult r = generate(req);
        QCOMPARE(r.state, JobState::Failed);
        QVERIFY(QString::fromStdString(r.message).contains("unknown engine"));

        req = discRequest("cutout");
        req.project.objects.clear();
        req.tracks = expandTracks(req.project);
        r = generate(req);
        QCOMPARE(r.state, JobState::Failed);
        QVERIFY(QString::fromStdString(r.message).contains("no objects"));

        req = discRequest("cutout");
        req.image = cv::Mat();
        r = generate(req);
        QCOMPARE(r.state, JobState::Failed);
    }

    void jobStateNames() {
        QCOMPARE(std::string(toString(JobState::Cancelled)), std::string("cancelled"));
        QCOMPARE(std::string(toString(JobState::Failed)), std::string("failed"));
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "test_engine.moc"
