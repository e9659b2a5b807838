// The rectified-flow Euler sampler against fake denoisers with closed-form
// answers; cancel within one step; one preview per step; seeded CPU noise.
#include <torch/torch.h>

#include <QtTest/QtTest>

#include <atomic>
#include <cmath>

#include "core/model/sampler.h"

using namespace boxanim::model;

class TestModelSampler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void constantVelocity_data() {
        QTest::addColumn<int>("steps");
        for (int s : {1, 2, 4, 8}) QTest::newRow(qPrintable(QString("%1 steps").arg(s))) << s;
    }
    void constantVelocity() {
        // v(x, t) = c everywhere: x(0) = x(1) - c exactly, whatever the step count,
        // and every step's x0 estimate x_t - t c is that same answer.
        QFETCH(int, steps);
        auto noise = seededNoise({2, 3, 7, 8, 8}, 42, torch::kCPU);
        auto c = torch::linspace(-1.0, 1.0, noise.numel()).view(noise.sizes());
        int calls = 0, previews = 0;
        std::vector<double> seenT;
        auto denoise = [&](const torch::Tensor& x, double t) {
            ++calls;
            seenT.push_back(t);
            return c + 0 * x;
        };
        auto preview = [&](int step, int n, const torch::Tensor& x0) {
            QCOMPARE(step, previews);
            QCOMPARE(n, steps);
            QVERIFY(torch::allclose(x0, noise - c, 1e-5, 1e-5));
            ++previews;
        };
        auto r = sampleEuler(denoise, noise, steps, preview);
        QVERIFY(r.status == SampleStatus::Finished);
        QCOMPARE(r.stepsDone, steps);
        QCOMPARE(calls, steps);
        QCOMPARE(previews, steps);
        QVERIFY(torch::allclose(r.x0, noise - c, 1e-5, 1e-5));
        QCOMPARE(seenT.front(), 1.0);
        QVERIFY(std::fabs(seenT.back() - 1.0 / steps) < 1e-12);
    }

    void linearVelocity() {
        // v(x, t) = x: Euler gives x_{i+1} = x_i (1 - 1/N), so x(0) = x(1) (1 - 1/N)^N.
        const int N = 4;
        auto noise = seededNoise({5, 7}, 3, torch::kCPU);
        auto r = sampleEuler([](const torch::Tensor& x, double) { return x; }, noise, N);
        QVERIFY(torch::allclose(r.x0, noise * std::pow(1.0 - 1.0 / N, N), 1e-6, 1e-6));
    }

    void cancelWithinOneStep() {
        auto noise = seededNoise({1, 4}, 1, torch::kCPU);
        std::atomic<bool> cancel{false};
        int calls = 0;
        auto denoise = [&](const torch::Tensor& x, double) { ++calls; return torch::ones_like(x); };
        // cancel from the preview of step 1 (0-based): no further evaluation happens
        auto r = sampleEuler(denoise, noise, 8, [&](int step, int, const torch::Tensor&) {
            if (step == 1) cancel = true;
        }, &cancel);
        QVERIFY(r.status == SampleStatus::Cancelled);
        QCOMPARE(r.stepsDone, 2);
        QCOMPARE(calls, 2);
        QVERIFY(r.x0.defined());  // the last x0 estimate
        // cancelled before the first step: nothing evaluated, no throw
        calls = 0;
        auto r0 = sampleEuler(denoise, noise, 4, {}, &cancel);
        QVERIFY(r0.status == SampleStatus::Cancelled);
        QCOMPARE(calls, 0);
        QCOMPARE(r0.stepsDone, 0);
        QVERIFY(!r0.x0.defined());
    }

    void rejectsBadStepCounts() {
        auto noise = torch::zeros({1});
        auto d = [](const torch::Tensor& x, double) { return x; };
        QVERIFY_EXCEPTION_THROWN(sampleEuler(d, noise, 0), std::invalid_argument);
        QVERIFY_EXCEPTION_THROWN(sampleEuler(d, noise, 9), std::invalid_argument);
    }

    void seededNoiseIsReproducible() {
        auto a = seededNoise({2, 16, 7, 48, 64}, 1234, torch::kCPU);
        auto b = seededNoise({2, 16, 7, 48, 64}, 1234, torch::kCPU);
        auto c = seededNoise({2, 16, 7, 48, 64}, 1235, torch::kCPU);
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, c));
        // unaffected by the global generator
        torch::manual_seed(99);
        auto d = seededNoise({2, 16, 7, 48, 64}, 1234, torch::kCPU);
        QVERIFY(torch::equal(a, d));
        QVERIFY(std::fabs(a.mean().item<double>()) < 0.02);
        QVERIFY(std::fabs(a.std().item<double>() - 1.0) < 0.02);
    }

    void schedule() {
        auto s = eulerSchedule(4);
        QCOMPARE(static_cast<int>(s.size()), 5);
        QCOMPARE(s[0], 1.0);
        QCOMPARE(s[2], 0.5);
        QCOMPARE(s[4], 0.0);
    }
};

QTEST_GUILESS_MAIN(TestModelSampler)
#include "test_model_sampler.moc"
