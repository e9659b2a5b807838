// core/engine: the job contract both engines share (previews, progress, cancel,
// failures as values) on a generated scene with a known answer.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <opencv2/imgproc.hpp>

#include "core/engine/engine.h"
#include "core/engine/engine_impl.h"

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

    // A hard box pins the object: the drift and swelling of its residual flow go,
    // its non-rigid wobble stays; soft keyframes and other layers are untouched.
    void hardKeyframeFlowKeepsOnlyTheNonRigidPart() {
        MotionPlan plan;
        plan.allocate(3, 16, 12, 2, 3);
        auto wobble = [](int y) { return 0.02f * std::sin(float(y)); };
        for (int t = 0; t < 3; ++t)
            for (int y = 0; y < 12; ++y)
                for (int x = 0; x < 16; ++x) {
                    const bool object = x >= 4 && x < 12 && y >= 2 && y < 10;
                    plan.logit(t, 0, y, x) = object ? -1.f : 1.f;
                    plan.logit(t, 1, y, x) = object ? 1.f : -1.f;
                    plan.flowAt(t, 0, y, x) = 0.1f + 0.01f * x + wobble(y);  // drift + swell + wobble
                    plan.flowAt(t, 1, y, x) = -0.05f;
                }
        const MotionPlan before = plan;
        const int modelSlots = 4;
        std::vector<int> kinds(3 * modelSlots, 0);
        kinds[1 * modelSlots] = 2;  // hard at keyframe 1
        kinds[2 * modelSlots] = 1;  // soft at keyframe 2
        pinHardBoxes(plan, kinds, modelSlots);
        double meanDx = 0, meanDy = 0, n = 0;
        for (int y = 2; y < 10; ++y)
            for (int x = 4; x < 12; ++x) {
                meanDx += plan.flowAt(1, 0, y, x);
                meanDy += plan.flowAt(1, 1, y, x);
                n += 1;
            }
        QVERIFY(std::abs(meanDx / n) < 1e-6);
        QVERIFY(std::abs(meanDy / n) < 1e-6);
        // no scale left along x: the row's flow is the same at both ends
        QVERIFY(std::abs(plan.flowAt(1, 0, 5, 4) - plan.flowAt(1, 0, 5, 11)) < 1e-6);
        // the wobble (along y) survives: rows 3 and 4 still differ by it
        const float kept = plan.flowAt(1, 0, 4, 6) - plan.flowAt(1, 0, 3, 6);
        QVERIFY(std::abs(kept - (wobble(4) - wobble(3))) < 1e-3);
        QCOMPARE(plan.flowAt(1, 0, 0, 0), before.flowAt(1, 0, 0, 0));  // background
        QVERIFY(plan.flow.size() == before.flow.size());
        for (std::size_t i = 2 * 2 * 12 * 16; i < plan.flow.size(); ++i)
            QCOMPARE(plan.flow[i], before.flow[i]);  // the soft keyframe
    }

    void jobStateNames() {
        QCOMPARE(std::string(toString(JobState::Cancelled)), std::string("cancelled"));
        QCOMPARE(std::string(toString(JobState::Failed)), std::string("failed"));
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "test_engine.moc"
