// Box tokens and the BoxFlow network: Fourier features, token shapes, output
// shapes for several frame counts and aspect ratios, zero gates.
#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cmath>

#include "core/model/network.h"
#include "core/model/synth.h"

using namespace boxanim::model;

class TestModelNetwork : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(3); }

    void fourierFeaturesOfKnownBox() {
        auto box = torch::tensor({0.25f, 0.5f, 0.75f, 1.0f}).view({1, 4});
        auto f = fourierFeatures(box, 8);
        QCOMPARE(f.size(0), 1);
        QCOMPARE(f.size(1), 64);
        auto a = f.accessor<float, 2>();
        const double r = std::sqrt(0.5);
        // coordinate 0 (x1 = 0.25): sin(pi/4), sin(pi/2), sin(pi); cos(pi/4), cos(pi/2), cos(pi)
        QVERIFY(std::fabs(a[0][0] - r) < 1e-6);
        QVERIFY(std::fabs(a[0][1] - 1.0) < 1e-6);
        QVERIFY(std::fabs(a[0][2] - 0.0) < 1e-6);
        QVERIFY(std::fabs(a[0][8] - r) < 1e-6);
        QVERIFY(std::fabs(a[0][9] - 0.0) < 1e-6);
        QVERIFY(std::fabs(a[0][10] + 1.0) < 1e-6);
        // coordinate 1 (y1 = 0.5): sin(pi/2) = 1, cos(pi/2) = 0, sin(pi) = 0, cos(pi) = -1
        QVERIFY(std::fabs(a[0][16] - 1.0) < 1e-6);
        QVERIFY(std::fabs(a[0][24] - 0.0) < 1e-6);
        QVERIFY(std::fabs(a[0][17] - 0.0) < 1e-6);
        QVERIFY(std::fabs(a[0][25] + 1.0) < 1e-6);
        // coordinate 2 (x2 = 0.75): sin(3pi/4) = r, cos(3pi/4) = -r, sin(3pi/2) = -1
        QVERIFY(std::fabs(a[0][32] - r) < 1e-6);
        QVERIFY(std::fabs(a[0][40] + r) < 1e-6);
        QVERIFY(std::fabs(a[0][33] + 1.0) < 1e-6);
        // coordinate 3 (y2 = 1): sin(2^k pi) = 0, cos(pi) = -1, cos(2^k pi) = 1 for k >= 1
        for (int k = 0; k < 8; ++k) QVERIFY(std::fabs(a[0][48 + k]) < 1e-4);
        QVERIFY(std::fabs(a[0][56] + 1.0) < 1e-6);
        for (int k = 1; k < 8; ++k) QVERIFY(std::fabs(a[0][56 + k] - 1.0) < 1e-6);
        // highest frequency, x1 = 0.25: sin(2^7 * pi / 4) = sin(32 pi) = 0
        QVERIFY(std::fabs(a[0][7]) < 1e-4);
    }

    void tokenShapes() {
        auto cfg = BoxFlowConfig::preset("tiny");
        BoxTokenEncoder enc(cfg);
        auto boxes = torch::rand({2, 8, 4, 4});
        auto kinds = torch::randint(0, 3, {2, 8, 4}, torch::kLong);
        auto tok = enc->forward(boxes, kinds);
        QCOMPARE(tok.dim(), 4);
        QCOMPARE(tok.size(0), 2);
        QCOMPARE(tok.size(1), 8);
        QCOMPARE(tok.size(2), 4);
        QCOMPARE(tok.size(3), static_cast<int64_t>(cfg.tokenDim));
        // slot and kind change the token
        auto kinds2 = kinds.clone();
        kinds2[0][0][0] = (kinds[0][0][0].item<int64_t>() + 1) % 3;
        auto tok2 = enc->forward(boxes, kinds2);
        QVERIFY(!torch::equal(tok[0][0][0], tok2[0][0][0]));
        QVERIFY(torch::equal(tok[0][0][1], tok2[0][0][1]));
    }

    void framePositionsAreLengthAgnostic() {
        auto p8 = framePositionFeatures(8, torch::kCPU), p24 = framePositionFeatures(24, torch::kCPU);
        QCOMPARE(p8.size(0), 8);
        QCOMPARE(p24.size(0), 24);
        QCOMPARE(p8.size(1), kFramePosFeatures);
        // first and last frames share the embedding whatever T
        QVERIFY(torch::allclose(p8[0], p24[0]));
        QVERIFY(torch::allclose(p8[7], p24[23], 1e-5, 1e-5));
    }

    void outputShapes_data() {
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("T8 64x48") << 8 << 64 << 48;
        QTest::newRow("T16 64x48") << 16 << 64 << 48;
        QTest::newRow("T24 64x48") << 24 << 64 << 48;
        QTest::newRow("T8 48x64") << 8 << 48 << 64;
        QTest::newRow("T16 48x64") << 16 << 48 << 64;
    }
    void outputShapes() {
        QFETCH(int, frames);
        QFETCH(int, width);
        QFETCH(int, height);
        c10::InferenceMode guard;
        BoxFlowNet net(BoxFlowConfig::preset("tiny"));
        net->eval();
        SynthOptions o;
        o.frames = frames;
        o.width = width;
        o.height = height;
        auto b = generateBatch(1, 11, o, torch::kCPU);
        QCOMPARE(b.target.sizes(), (torch::IntArrayRef{1, frames, 7, height, width}));
        QCOMPARE(b.cond.sizes(), (torch::IntArrayRef{1, frames, 15, height, width}));
        auto x = torch::randn({1, frames, 7, height, width});
        auto v = net->forward(x, b.cond, torch::full({1}, 0.7), b.boxes, b.kinds);
        QCOMPARE(v.sizes(), x.sizes());
        QVERIFY(torch::isfinite(v).all().item<bool>());
    }

    void fullConfigShape() {
        // the DESIGN §6 configuration, 16 frames at 64x48
        c10::InferenceMode guard;
        BoxFlowNet net(BoxFlowConfig::preset("full"));
        net->eval();
        const int64_t n = parameterCount(*net);
        QVERIFY2(n > 8000000 && n < 12000000, qPrintable(QString::number(n)));
        SynthOptions o;
        o.frames = 16;
        auto b = generateBatch(1, 12, o, torch::kCPU);
        auto x = torch::randn({1, 16, 7, 48, 64});
        auto v = net->forward(x, b.cond, torch::full({1}, 0.5), b.boxes, b.kinds);
        QCOMPARE(v.sizes(), x.sizes());
    }

    void gatesAtZeroIgnoreTokens() {
        c10::InferenceMode guard;
        BoxFlowNet net(BoxFlowConfig::preset("tiny"));
        net->eval();
        auto gates = net->gates();
        QVERIFY(gates.size() >= 2);
        for (auto& g : gates) QCOMPARE(g.item<float>(), 0.0f);
        SynthOptions o;
        auto b = generateBatch(2, 13, o, torch::kCPU);
        auto x = torch::randn({2, o.frames, 7, o.height, o.width});
        auto t = torch::full({2}, 0.4);
        auto with = net->forward(x, b.cond, t, b.boxes, b.kinds);
        auto without = net->forward(x, b.cond, t, torch::Tensor(), torch::Tensor());
        QVERIFY(torch::equal(with, without));
        // open the gates: now the tokens matter
        for (auto& g : gates) g.fill_(0.5);
        auto with2 = net->forward(x, b.cond, t, b.boxes, b.kinds);
        auto without2 = net->forward(x, b.cond, t, torch::Tensor(), torch::Tensor());
        QVERIFY(!torch::allclose(with2, without2));
    }

    // Issue 12 item 4: the procedural deformation is a function of the box
    // track (nothing random), zero at frame 0 and for a still box, leaning
    // against acceleration, stretching along motion, turning with the path.
    void deformationFollowsTheBoxes() {
        using Track = std::vector<std::array<double, 4>>;
        auto box = [](double cx, double cy) { return std::array<double, 4>{cx - 0.1, cy - 0.1, cx + 0.1, cy + 0.1}; };
        const int T = 24;
        Track still(T, box(0.5, 0.5));
        const MotionDeformation s = motionDeformation(still, 64, 48);
        for (int t = 0; t < T; ++t)
            QVERIFY(s.lean[t] == 0 && s.stretch[t] == 0 && s.turn[t] == 0);

        Track move;  // ease in-out from left to right
        for (int t = 0; t < T; ++t) {
            const double a = double(t) / (T - 1), e = a * a * (3 - 2 * a);
            move.push_back(box(0.2 + 0.6 * e, 0.5));
        }
        const MotionDeformation m = motionDeformation(move, 64, 48);
        QCOMPARE(m.lean[0], 0.0);
        QCOMPARE(m.stretch[0], 0.0);
        QVERIFY2(m.lean[T / 4] > 0.01, "accelerating right: the top lags (leans back)");
        QVERIFY2(m.lean[T - 1] < -0.01, "stopping: the top carries on (follow-through)");
        QVERIFY(m.stretch[T / 2] > 0.02);
        QVERIFY(std::abs(m.dirX[T / 2] - 1.0) < 1e-9 && std::abs(m.dirY[T / 2]) < 1e-9);
        for (int t = 0; t < T; ++t) {
            QVERIFY(std::abs(m.lean[t]) <= kMaxLean + 1e-12);
            QVERIFY(m.stretch[t] >= 0 && m.stretch[t] <= kMaxStretch + 1e-12);
            QVERIFY(std::abs(m.turn[t]) < 1e-12);  // a straight path does not turn
        }
        const MotionDeformation again = motionDeformation(move, 64, 48);
        QVERIFY(again.lean == m.lean && again.stretch == m.stretch && again.turn == m.turn);

        Track corner;  // right, then down (image y grows downwards): a right turn
        for (int t = 0; t < T; ++t) {
            const double a = double(t) / (T - 1);
            corner.push_back(a < 0.5 ? box(0.2 + 1.2 * a, 0.3) : box(0.8, 0.3 + 1.0 * (a - 0.5)));
        }
        const MotionDeformation c = motionDeformation(corner, 64, 48);
        QVERIFY(std::abs(c.turn[T / 4]) < 1e-9);
        QVERIFY2(c.turn[T - 1] > 0.1, qPrintable(QString::number(c.turn[T - 1])));
        QVERIFY(c.turn[T - 1] <= kMaxTurn + 1e-12);
    }

    void rejectsSidesThatAreNotMultiples() {
        BoxFlowNet net(BoxFlowConfig::preset("tiny"));
        auto x = torch::randn({1, 8, 7, 30, 64});
        auto c = torch::randn({1, 8, 15, 30, 64});
        bool threw = false;
        try {
            net->forward(x, c, torch::full({1}, 0.5), torch::Tensor(), torch::Tensor());
        } catch (const c10::Error&) {
            threw = true;
        }
        QVERIFY(threw);
    }
};

QTEST_GUILESS_MAIN(TestModelNetwork)
#include "test_model_network.moc"
