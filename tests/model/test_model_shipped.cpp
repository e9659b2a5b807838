// The shipped model: listed in models/manifest.json, loads with its checksum
// and shapes verified, and a 1-step CPU sample of a 16-frame clip completes
// through the torch-free facade (with previews and cancel).
#include <QtTest/QtTest>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/model/boxflow.h"

using namespace boxanim::model;

namespace {

std::string modelsDir() {
    const char* env = std::getenv("BOXANIM_MODELS_DIR");
    return env && *env ? env : BoxFlowModel::defaultModelsDir();
}

// A simple scene: one hard-boxed square moving right, a second object soft.
SampleInput scene(int T, int W, int H) {
    SampleInput in;
    in.frames = T;
    in.width = W;
    in.height = H;
    const std::size_t plane = static_cast<std::size_t>(W) * H;
    in.rgb0.assign(3 * plane, 0.3f);
    in.mattes0.assign(4 * plane, 0.f);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const float fx = (x + 0.5f) / W, fy = (y + 0.5f) / H;
            if (fx >= 0.1f && fx < 0.4f && fy >= 0.3f && fy < 0.7f) {
                in.mattes0[static_cast<std::size_t>(y) * W + x] = 1.f;
                in.rgb0[static_cast<std::size_t>(y) * W + x] = 0.9f;
            }
            if (fx >= 0.6f && fx < 0.8f && fy >= 0.1f && fy < 0.3f) {
                in.mattes0[plane + static_cast<std::size_t>(y) * W + x] = 1.f;
                in.rgb0[2 * plane + static_cast<std::size_t>(y) * W + x] = 0.8f;
            }
        }
    in.boxes.assign(static_cast<std::size_t>(T) * 16, 0.f);
    in.kinds.assign(static_cast<std::size_t>(T) * 4, 0);
    for (int t = 0; t < T; ++t) {
        const float dx = 0.4f * t / (T - 1);
        float* b = &in.boxes[static_cast<std::size_t>(t) * 16];
        b[0] = 0.1f + dx; b[1] = 0.3f; b[2] = 0.4f + dx; b[3] = 0.7f;
        in.kinds[static_cast<std::size_t>(t) * 4] = 2;
        b[4] = 0.6f - 0.02f * (t > 0); b[5] = 0.1f; b[6] = 0.8f + 0.02f * (t > 0); b[7] = 0.3f + 0.05f * (t > 0);
        in.kinds[static_cast<std::size_t>(t) * 4 + 1] = t == 0 ? 2 : (t % 5 == 3 ? 0 : 1);
    }
    return in;
}

}  // namespace

class TestModelShipped : public QObject {
    Q_OBJECT
private:
    BoxFlowModel model;

private Q_SLOTS:
    void initTestCase() {
        auto models = BoxFlowModel::available(modelsDir());
        bool found = false;
        for (const auto& m : models) found = found || m.name == "boxflow-s";
        QVERIFY2(found, "models/manifest.json does not list boxflow-s");
        model.load(modelsDir(), "boxflow-s", "cpu");
        QVERIFY(model.loaded());
        QCOMPARE(QString::fromStdString(model.deviceName()), QString("cpu"));
        QVERIFY(model.info().parameters > 0);
    }

    void oneStepSixteenFrames() {
        SampleInput in = scene(16, 64, 48);
        SampleOptions opt;
        opt.steps = 1;
        opt.seed = 7;
        int previews = 0;
        auto r = model.sample(in, opt, [&](int step, int steps, const SampleOutput& x0) {
            QCOMPARE(step, 0);
            QCOMPARE(steps, 1);
            QCOMPARE(x0.frames, 16);
            ++previews;
        });
        QVERIFY(!r.cancelled);
        QCOMPARE(r.stepsDone, 1);
        QCOMPARE(previews, 1);
        const auto& o = r.output;
        QCOMPARE(o.frames, 16);
        QCOMPARE(o.width, 64);
        QCOMPARE(o.height, 48);
        QCOMPARE(o.data.size(), static_cast<std::size_t>(16 * 7 * 48 * 64));
        QCOMPARE(o.referenceBoxes.size(), static_cast<std::size_t>(16 * 16));
        for (float v : o.data) QVERIFY(std::isfinite(v));
        // kind-none frames get interpolated reference boxes
        QVERIFY(o.referenceBoxes[3 * 16 + 4] > 0.5f);
        // same seed, same answer; the trained model puts object 1 inside its hard box at frame 0
        auto r2 = model.sample(in, opt);
        QVERIFY(r2.output.data == o.data);
        // Where layer 1 (the hard-boxed square) is the visible layer: its box,
        // at frame 0 and where the box has moved to at frames 8 and 15.
        for (int t : {0, 8, 15}) {
            const float dx = 0.4f * t / 15;
            int both = 0, either = 0;
            for (int y = 0; y < 48; ++y)
                for (int x = 0; x < 64; ++x) {
                    const float fx = (x + 0.5f) / 64, fy = (y + 0.5f) / 48;
                    const bool inBox = fx >= 0.1f + dx && fx < 0.4f + dx && fy >= 0.3f && fy < 0.7f;
                    int visible = 0;
                    for (int l = 1; l < 5; ++l)
                        if (o.at(t, l, y, x) > o.at(t, visible, y, x)) visible = l;
                    both += inBox && visible == 1;
                    either += inBox || visible == 1;
                }
            const double iou = either > 0 ? double(both) / either : 0.0;
            std::printf("frame %2d: layer-1 region vs its hard box IoU %.3f\n", t, iou);
            // boxflow-s v2, 1 step, seed 7: 0.895, 0.841, 0.817 (a network that
            // leaves the square where it was scores 0 at frame 15).
            QVERIFY2(iou > 0.7, qPrintable(QStringLiteral("frame %1: IoU %2").arg(t).arg(iou)));
        }
    }

    void portraitAndCancel() {
        SampleInput in = scene(8, 48, 64);
        SampleOptions opt;
        opt.steps = 4;
        std::atomic<bool> cancel{false};
        int previews = 0;
        auto r = model.sample(in, opt, [&](int, int, const SampleOutput&) {
            ++previews;
            cancel = true;
        }, &cancel);
        QVERIFY(r.cancelled);
        QCOMPARE(r.stepsDone, 1);
        QCOMPARE(previews, 1);
        QCOMPARE(r.output.frames, 8);  // the last x0 estimate
    }

    void badInputRejected() {
        SampleInput in = scene(8, 64, 48);
        in.width = 62;
        QVERIFY_EXCEPTION_THROWN(model.sample(in, {}), std::invalid_argument);
        SampleInput in2 = scene(8, 64, 48);
        in2.kinds.pop_back();
        QVERIFY_EXCEPTION_THROWN(model.sample(in2, {}), std::invalid_argument);
    }
};

QTEST_GUILESS_MAIN(TestModelShipped)
#include "test_model_shipped.moc"
