// The combined matte (IS-Net prior + grabCut + strokes + guided filter) and
// its cache, on the real weights (scripts/install-deps.sh makes them).
#include <QtTest>

#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc/edge_filter.hpp>

#include "core/engine/matte_service.h"
#include "core/render/matte.h"

using namespace boxanim;

namespace {

const std::string kModels = BOXANIM_MODELS_DIR;

std::vector<char> readBytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

// A pasted-object scene with an exact alpha: a mug silhouette (body and a
// ring handle with a hole) filled with the coffee photo of the IS-Net
// fixture, composited onto the smarties photo.
struct Scene {
    cv::Mat image;  // BGR
    cv::Mat alpha;  // CV_8UC1 0/255
    Box box;
};

Scene pastedScene() {
    const std::string dir = std::string(BOXANIM_TEST_DATA) + "/isnet/";
    const std::vector<char> rgb = readBytes(dir + "coffee192.rgb");
    cv::Mat obj(192, 192, CV_8UC3, const_cast<char*>(rgb.data()));
    cv::Mat fill;
    cv::cvtColor(obj, fill, cv::COLOR_RGB2BGR);
    cv::resize(fill, fill, cv::Size(200, 200), 0, 0, cv::INTER_LINEAR);
    cv::Mat sil = cv::Mat::zeros(200, 200, CV_8UC1);
    cv::rectangle(sil, cv::Rect(20, 30, 120, 150), cv::Scalar(255), cv::FILLED);
    cv::circle(sil, cv::Point(145, 100), 40, cv::Scalar(255), cv::FILLED);
    cv::circle(sil, cv::Point(152, 100), 18, cv::Scalar(0), cv::FILLED);  // the handle's hole
    Scene s;
    s.image = cv::imread(BOXANIM_SOURCE_DIR "/resources/examples/smarties.png", cv::IMREAD_COLOR);
    cv::resize(s.image, s.image, cv::Size(480, 400));
    s.alpha = cv::Mat::zeros(s.image.size(), CV_8UC1);
    const cv::Rect at(140, 100, 200, 200);
    fill.copyTo(s.image(at), sil);
    sil.copyTo(s.alpha(at));
    const cv::Rect bb = cv::boundingRect(s.alpha);
    s.box = {double(bb.x - 4) / s.image.cols, double(bb.y - 4) / s.image.rows,
             double(bb.br().x + 4) / s.image.cols, double(bb.br().y + 4) / s.image.rows};
    return s;
}

// One service for the tests that use the real weights: loading them
// (sha256 of 88 MB, F16 -> F32) once keeps the test short.
MatteService& service() {
    static MatteService s(kModels);
    return s;
}

double iou(const cv::Mat& matte, const cv::Mat& alpha) {
    cv::Mat m = matte >= 0.5f;
    const double inter = cv::countNonZero(m & alpha), uni = cv::countNonZero(m | alpha);
    return uni > 0 ? inter / uni : 1.0;
}

}  // namespace

class TestMattes : public QObject {
    Q_OBJECT
private slots:
    void networkIsAvailable() {
        QVERIFY2(service().networkAvailable(), service().notice().c_str());
        QVERIFY(service().notice().empty());
    }

    void combinedMatteOnPastedScene() {
        const Scene s = pastedScene();
        const int runs = service().networkRuns();
        const cv::Mat combined = service().matte(s.image, "", s.box, {});
        QCOMPARE(service().networkRuns(), runs + 1);
        const double iouCombined = iou(combined, s.alpha);
        service().setMode(MatteMode::GrabCutOnly);
        const double iouGrabCut = iou(service().matte(s.image, "", s.box, {}), s.alpha);
        service().setMode(MatteMode::Combined);
        qInfo("pasted cup: IoU combined %.3f, grabCut alone %.3f", iouCombined, iouGrabCut);
        if (const char* dump = std::getenv("BOXANIM_TEST_DUMP")) {  // for looking at it
            cv::imwrite(std::string(dump) + "/cup-image.png", s.image);
            cv::imwrite(std::string(dump) + "/cup-alpha.png", s.alpha);
            cv::Mat m8;
            combined.convertTo(m8, CV_8U, 255);
            cv::imwrite(std::string(dump) + "/cup-combined.png", m8);
        }
        QVERIFY2(iouCombined >= 0.90, "combined matte IoU below 0.90");
        QCOMPARE(combined.size(), s.image.size());
        QCOMPARE(combined.type(), CV_32FC1);
    }

    void strokesChangeTheMatteWhereDrawn() {
        const Scene s = pastedScene();
        MatteService& svc = service();
        const cv::Mat before = svc.matte(s.image, "", s.box, {});
        // Exclude a disc on the object; include a disc of background inside the box.
        cv::Point onObject(-1, -1), offObject(-1, -1);
        const cv::Rect bb = cv::boundingRect(s.alpha);
        for (int y = bb.y + 12; y < bb.br().y - 12 && (onObject.x < 0 || offObject.x < 0); y += 2)
            for (int x = bb.x + 12; x < bb.br().x - 12; x += 2) {
                const cv::Rect disc(x - 10, y - 10, 21, 21);
                if (onObject.x < 0 && cv::countNonZero(s.alpha(disc)) == disc.area() &&
                    cv::countNonZero(before(disc) > 0.5f) == disc.area())
                    onObject = {x, y};
                if (offObject.x < 0 && cv::countNonZero(s.alpha(disc)) == 0 &&
                    cv::countNonZero(before(disc) < 0.5f) == disc.area())
                    offObject = {x, y};
            }
        QVERIFY2(onObject.x >= 0 && offObject.x >= 0, "no place to draw found");
        const double W = s.image.cols, H = s.image.rows, L = std::max(W, H);
        std::vector<Stroke> strokes = {
            {StrokeMode::Exclude, 8.0 / L, {{onObject.x / W, onObject.y / H}}},
            {StrokeMode::Include, 8.0 / L, {{offObject.x / W, offObject.y / H}}}};
        const int runs = svc.networkRuns(), cuts = svc.cutsPrepared();
        const cv::Mat after = svc.matte(s.image, "", s.box, strokes);
        QCOMPARE(svc.networkRuns(), runs);  // the cached prior, not the network again
        QCOMPARE(svc.cutsPrepared(), cuts);  // nor the stroke-free cut
        // The editor's update (from the cached cut) is the matte the CLI and
        // Generate make from scratch: one code path, whatever ran before.
        cv::theRNG().state = 12345;
        const cv::Mat fresh = computeMatte(s.image, s.box, strokes, svc.prior(s.image, "", s.box));
        QCOMPARE(cv::norm(after, fresh, cv::NORM_INF), 0.0);
        QVERIFY(after.at<float>(onObject) < 0.1f);
        QVERIFY(after.at<float>(offObject) > 0.9f);
        // Away from the strokes the matte stays what it was.
        cv::Mat changed = cv::abs(after - before) > 0.5f;
        cv::circle(changed, onObject, 40, cv::Scalar(0), cv::FILLED);
        cv::circle(changed, offObject, 40, cv::Scalar(0), cv::FILLED);
        QVERIFY2(cv::countNonZero(changed) < 0.02 * cv::countNonZero(s.alpha),
                 "strokes changed the matte far from where they were drawn");
    }

    void cacheReusesResults() {
        const Scene s = pastedScene();
        MatteService& svc = service();
        svc.clearCache();
        const int runs = svc.networkRuns();
        const cv::Mat a = svc.matte(s.image, "", s.box, {});
        const cv::Mat b = svc.matte(s.image.clone(), "", s.box, {});  // same content
        QCOMPARE(svc.networkRuns(), runs + 1);
        QVERIFY(a.data == b.data);
        Box moved = s.box;
        moved.x1 += 0.01;
        svc.matte(s.image, "", moved, {});
        QCOMPARE(svc.networkRuns(), runs + 2);  // a new box is a new prior
    }

    void strokesApplyOneAtATime() {
        // The editor adds strokes one by one; each update starts from the
        // previous strokes' cached cut. The result must be the matte a fresh
        // replay of all strokes gives (the CLI, Generate), whatever ran before.
        const Scene s = pastedScene();
        MatteService& svc = service();
        svc.clearCache();
        const cv::Rect bb = cv::boundingRect(s.alpha);
        const double W = s.image.cols, H = s.image.rows, L = std::max(W, H);
        const std::vector<Stroke> strokes = {
            {StrokeMode::Exclude, 6.0 / L, {{(bb.x + 20) / W, (bb.y + 30) / H}}},
            {StrokeMode::Include, 6.0 / L, {{(bb.x + 60) / W, (bb.y + 80) / H}}},
            {StrokeMode::Exclude, 5.0 / L, {{(bb.br().x - 30) / W, (bb.br().y - 20) / H}}}};
        std::vector<Stroke> drawn;
        for (const Stroke& st : strokes) {
            drawn.push_back(st);
            svc.matte(s.image, "", s.box, drawn);
        }
        const cv::Mat incremental = svc.matte(s.image, "", s.box, strokes);
        cv::theRNG().state = 987654321;
        const MattePrior prior = svc.prior(s.image, "", s.box);
        const cv::Mat replayed = computeMatte(s.image, s.box, strokes, prior);
        QCOMPARE(cv::norm(incremental, replayed, cv::NORM_INF), 0.0);
        // strokeCut from the labels after two strokes equals the full replay.
        const MatteBase base = prepareMatte(s.image, s.box, strokes, prior);
        const std::vector<Stroke> two(strokes.begin(), strokes.begin() + 2);
        const cv::Mat afterTwo = strokeCut(base, two);
        const cv::Mat fromTwo = strokeCut(base, strokes, {}, afterTwo, 2);
        const cv::Mat full = strokeCut(base, strokes);
        QCOMPARE(cv::countNonZero(fromTwo != full), 0);
        // And each stroke's pixels carry its label.
        const cv::Mat painted = rasterizeStrokes(base.working, {strokes[2]})(base.region);
        QCOMPARE(cv::countNonZero((painted == 2) & (full != cv::GC_BGD)), 0);
    }

    // The network's confident labels outweigh a colour that only the box
    // holds when its subject is the boxed object (a red crate behind a red
    // motorcycle), and not when its subject fills part of the box (the
    // butterfly printed on a mug): there colour decides, as before.
    void aNetworkWhoseSubjectFillsTheBoxOutweighsColour() {
        const int W = 240, H = 180;
        cv::Mat image(H, W, CV_8UC3);
        cv::RNG rng(11);
        rng.fill(image, cv::RNG::UNIFORM, cv::Scalar(100, 95, 85), cv::Scalar(140, 130, 115));
        const cv::Scalar red(30, 30, 210);
        const cv::Rect bottomBar(40, 120, 160, 30), leftBar(40, 30, 30, 120), crate(150, 40, 40, 40);
        for (const cv::Rect& r : {bottomBar, leftBar, crate}) image(r).setTo(red);
        const Box box{40.0 / W, 30.0 / H, 200.0 / W, 150.0 / H};
        // The prior's subject spills a few pixels past the object, as the
        // network's masks do (its fit is measured against the box grown by
        // MatteOptions::boxMargin).
        auto priorOn = [&](const std::vector<cv::Rect>& subject) {
            cv::Mat p(H, W, CV_32FC1, cv::Scalar(0.002f));
            for (const cv::Rect& r : subject)
                p(cv::Rect(r.x - 8, r.y - 8, r.width + 16, r.height + 16) & cv::Rect(0, 0, W, H)).setTo(0.97f);
            MattePrior prior;
            prior.crop = priorCropRect(image.size(), box);
            prior.probability = p(prior.crop).clone();
            return prior;
        };
        auto meanIn = [](const cv::Mat& m, const cv::Rect& r) { return cv::mean(m(r))[0]; };
        const cv::Rect crateInside(crate.x + 5, crate.y + 5, crate.width - 10, crate.height - 10);
        const cv::Rect lInside(leftBar.x + 5, leftBar.y + 5, leftBar.width - 10, leftBar.height - 10);

        // The subject fills the box: the crate goes, the object stays.
        const cv::Mat trusted = computeMatte(image, box, {}, priorOn({bottomBar, leftBar}));
        qInfo("crate %.2f, object %.2f", meanIn(trusted, crateInside), meanIn(trusted, lInside));
        QVERIFY(meanIn(trusted, crateInside) < 0.2);
        QVERIFY(meanIn(trusted, lInside) > 0.8);
        // Without the trust, colour takes the crate with the object.
        MatteOptions plain;
        plain.trustFitHigh = plain.trustFitLow;
        const cv::Mat colour = computeMatte(image, box, {}, priorOn({bottomBar, leftBar}), plain);
        QVERIFY(meanIn(colour, crateInside) > 0.8);
        // A subject that fills part of the box is not trusted: the same as without.
        const cv::Mat partial = computeMatte(image, box, {}, priorOn({leftBar}));
        QCOMPARE(cv::norm(partial, computeMatte(image, box, {}, priorOn({leftBar}), plain), cv::NORM_INF), 0.0);
    }

    // A phone photo's matte goes through the fast guided filter: the same
    // edges as the full-resolution filter, which took 2.3 s of a 24 MP
    // photo's stroke update; below the limit the result is unchanged.
    void largePhotosRefineEdgesWithTheFastGuidedFilter() {
        cv::Mat image(1800, 2400, CV_8UC3);
        cv::RNG rng(3);
        rng.fill(image, cv::RNG::UNIFORM, cv::Scalar(60, 90, 40), cv::Scalar(120, 150, 100));
        cv::GaussianBlur(image, image, cv::Size(5, 5), 1.5);
        cv::Mat truth = cv::Mat::zeros(image.size(), CV_8UC1);
        cv::circle(truth, {1200, 900}, 600, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
        image.setTo(cv::Scalar(40, 60, 220), truth > 127);
        // A coarse mask, as the upsampled working-resolution cut is: off by a
        // few pixels at the edge.
        cv::Mat soft = cv::Mat::zeros(image.size(), CV_32FC1);
        cv::circle(soft, {1203, 897}, 605, cv::Scalar(1.0), cv::FILLED);
        const int radius = 10;
        const cv::Mat exact = refineMatteEdges(image, soft, radius, 1e-3, 1L << 40);
        const cv::Mat fast = refineMatteEdges(image, soft, radius, 1e-3);
        QVERIFY(cv::norm(exact, fast, cv::NORM_INF) > 0);  // the fast path ran
        auto iou = [](const cv::Mat& a, const cv::Mat& b) {
            return double(cv::countNonZero(a & b)) / cv::countNonZero(a | b);
        };
        const double agree = iou(exact >= 0.5f, fast >= 0.5f), onTruth = iou(fast >= 0.5f, truth > 127);
        const double meanDiff = cv::mean(cv::abs(exact - fast))[0];
        qInfo("fast vs exact: IoU %.4f, mean |diff| %.4f; fast vs truth: IoU %.4f (exact %.4f)", agree, meanDiff,
              onTruth, iou(exact >= 0.5f, truth > 127));
        // Measured: 0.991, 0.004 and 0.993 (the exact filter 0.985 on the truth).
        QVERIFY(agree > 0.98);
        QVERIFY(meanDiff < 0.01);
        QVERIFY(onTruth >= iou(exact >= 0.5f, truth > 127) - 0.005);
        // Below the limit, the full-resolution filter itself.
        const cv::Rect part(600, 300, 1200, 1200);
        const cv::Mat small = refineMatteEdges(image(part), soft(part), radius, 1e-3);
        cv::Mat guide, reference;
        image(part).convertTo(guide, CV_32FC3, 1.0 / 255.0);
        cv::ximgproc::guidedFilter(guide, soft(part), reference, radius, 1e-3, -1);
        QCOMPARE(cv::norm(small, reference, cv::NORM_INF), 0.0);
    }

    void missingWeightsFallBackToGrabCut() {
        const Scene s = pastedScene();
        QTemporaryDir dir;
        MatteService service(dir.path().toStdString());
        Project p;
        Object o;
        o.id = "cup";
        o.setKeyframe({0, s.box, BoxKind::Hard, Easing::Linear});
        p.objects = {o};
        std::vector<std::string> notices;
        const auto mattes = service.mattes(s.image, p, &notices);
        QCOMPARE(mattes.size(), std::size_t(1));
        QCOMPARE(notices.size(), std::size_t(1));
        QVERIFY2(notices[0].find("grabCut alone") != std::string::npos, notices[0].c_str());
        QVERIFY(notices[0].find('\n') == std::string::npos);
        QVERIFY(cv::countNonZero(mattes[0] > 0.5f) > 0);
    }
};

QTEST_GUILESS_MAIN(TestMattes)
#include "test_mattes.moc"
