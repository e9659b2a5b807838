// Same seed, same numbers (issue 14 item 11): the sampler is run repeatedly in
// one process and must return bit-identical outputs. Run-to-run differences
// come from thread-timing-dependent paths (OpenBLAS took a threaded or a
// single-threaded GEMM depending on whether another thread was inside it,
// and the two sum in different orders); in-process repetition exercises the
// same races many times faster than whole renders.
#include <QtTest/QtTest>

#include <cstdlib>
#include <cstring>

#include "core/model/boxflow.h"

using namespace boxanim::model;

namespace {

std::string modelsDir() {
    const char* env = std::getenv("BOXANIM_MODELS_DIR");
    return env && *env ? env : BoxFlowModel::defaultModelsDir();
}

SampleInput scene(int T, int W, int H) {
    SampleInput in;
    in.frames = T;
    in.width = W;
    in.height = H;
    const std::size_t plane = static_cast<std::size_t>(W) * H;
    in.rgb0.resize(3 * plane);
    for (std::size_t i = 0; i < in.rgb0.size(); ++i) in.rgb0[i] = static_cast<float>((i * 37) % 101) / 100.f;
    in.mattes0.assign(4 * plane, 0.f);
    for (int y = H / 4; y < H / 2; ++y)
        for (int x = W / 8; x < W / 2; ++x) in.mattes0[static_cast<std::size_t>(y) * W + x] = 1.f;
    in.boxes.assign(static_cast<std::size_t>(T) * 16, 0.f);
    in.kinds.assign(static_cast<std::size_t>(T) * 4, 0);
    for (int t = 0; t < T; ++t) {
        const float dx = 0.3f * t / (T - 1);
        float* b = &in.boxes[static_cast<std::size_t>(t) * 16];
        b[0] = 0.125f + dx; b[1] = 0.25f; b[2] = 0.5f + dx; b[3] = 0.5f;
        in.kinds[static_cast<std::size_t>(t) * 4] = t == 0 || t == T - 1 ? 2 : 1;
    }
    return in;
}

}  // namespace

class TestModelDeterminism : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameBits() {
        BoxFlowModel model;
        model.load(modelsDir(), "boxflow-s", "cpu");
        const SampleInput in = scene(12, 64, 48);
        SampleOptions opt;
        opt.seed = 7;
        opt.steps = 2;
        const std::vector<float> first = model.sample(in, opt).output.data;
        QVERIFY(!first.empty());
        int differing = 0;
        for (int run = 1; run < 4; ++run) {
            const std::vector<float> again = model.sample(in, opt).output.data;
            QCOMPARE(again.size(), first.size());
            if (std::memcmp(again.data(), first.data(), first.size() * sizeof(float)) != 0) ++differing;
        }
        QCOMPARE(differing, 0);
    }
};

QTEST_GUILESS_MAIN(TestModelDeterminism)
#include "test_model_determinism.moc"
