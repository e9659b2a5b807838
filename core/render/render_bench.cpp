// renderBenchmark(): the renderer's cost on a synthetic scene, for
// `boxanim-cli bench` and docs/BENCHMARKS.md.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <sstream>
#include <thread>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "core/render/renderer.h"

namespace boxanim {

namespace {

struct Timing {
    double wall = 0;  // median wall ms per frame
    double cpu = 0;   // mean process CPU ms per frame (all threads)
};

// Median wall time of one frame over `passes` passes of `frames` frames (the
// median keeps the figure honest on a machine shared with other work), and
// the CPU time, which contention from other processes does not inflate.
Timing timeFrames(const Renderer& renderer, const MotionPlan& plan, int frames, int passes = 3) {
    cv::Mat out;
    renderer.renderAt(plan, 0.0, out);  // warm-up
    std::vector<double> times;
    const std::clock_t c0 = std::clock();
    for (int p = 0; p < passes; ++p)
        for (int i = 0; i < frames; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            renderer.renderAt(plan, outputFrameTime(i, frames, plan.timelineFrames), out);
            const auto t1 = std::chrono::steady_clock::now();
            times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
    const std::clock_t c1 = std::clock();
    std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
    return {times[times.size() / 2],
            1000.0 * static_cast<double>(c1 - c0) / CLOCKS_PER_SEC / (frames * passes)};
}

// A plan with `objects` layers whose boxes drift and grow, with a smooth
// non-zero residual flow when `flow` is set.
MotionPlan benchPlan(int objects, int W, int H, bool flow) {
    int w = 0, h = 0;
    workingSize(W, H, 64, &w, &h);
    MotionPlan plan;
    const int T = 16, F = 48;
    plan.allocate(T, w, h, objects + 1, F);
    for (int t = 0; t < T; ++t) {
        plan.keyTimes[t] = t * (F - 1.0) / (T - 1);
        for (int l = 0; l < objects + 1; ++l)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) plan.logit(t, l, y, x) = ((x + y + t + l) % 7) ? 1.f : 0.f;
        if (flow)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    plan.flowAt(t, 0, y, x) = 0.01f * std::sin(0.2f * y + 0.3f * t);
                    plan.flowAt(t, 1, y, x) = 0.01f * std::cos(0.2f * x + 0.3f * t);
                }
    }
    for (int k = 0; k < objects; ++k)
        for (int f = 0; f < F; ++f) {
            const double s = 0.9 + 0.1 * f / (F - 1.0);
            plan.boxes[k][f] = Box::fromCentre(0.5 + 0.05 * f / (F - 1.0), 0.5, s, s);
        }
    return plan;
}

}  // namespace

std::string renderBenchmark(int W, int H, int frames) {
    cv::Mat image(H, W, CV_8UC3);
    cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::GaussianBlur(image, image, cv::Size(0, 0), 3.0);
    const cv::Mat plate = image.clone();
    const int layersMax = 4;
    // Full-frame mattes: every layer touches every output pixel (the worst case).
    std::vector<cv::Mat> full(layersMax, cv::Mat(H, W, CV_32FC1, cv::Scalar(1.0)));
    // Quarter-frame mattes: a typical object (a disc over ~25% of the frame).
    cv::Mat disc = cv::Mat::zeros(H, W, CV_32FC1);
    cv::circle(disc, cv::Point(W / 2, H / 2), static_cast<int>(0.28 * std::min(W, H) * 1.15),
               cv::Scalar(1.0), cv::FILLED, cv::LINE_AA);

    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(2);
    os << "renderer " << W << "x" << H << ", median of 3 x " << frames << " frames, "
       << cv::getNumThreads() << " OpenCV threads, " << std::thread::hardware_concurrency()
       << " hardware threads\n";
    for (bool flow : {false, true}) {
        const Renderer bg(image, {}, plate);
        const Timing base = timeFrames(bg, benchPlan(0, W, H, flow), frames);
        const Renderer r1(image, {full[0]}, plate);
        const Timing one = timeFrames(r1, benchPlan(1, W, H, flow), frames);
        const Renderer r4(image, full, plate);
        const Timing four = timeFrames(r4, benchPlan(4, W, H, flow), frames);
        const Renderer rd(image, {disc}, plate);
        const Timing quarter = timeFrames(rd, benchPlan(1, W, H, flow), frames);
        os << (flow ? "  with residual flow: " : "  zero flow (cutout): ") << "background "
           << base.wall << " ms/frame (cpu " << base.cpu << "); per layer: full-frame "
           << (one.wall - base.wall) << " ms (cpu " << (one.cpu - base.cpu) << "), mean of 4 "
           << (four.wall - base.wall) / 4 << " ms (cpu " << (four.cpu - base.cpu) / 4
           << "), typical disc " << (quarter.wall - base.wall) << " ms (cpu "
           << (quarter.cpu - base.cpu) << ")\n";
    }
    return os.str();
}

}  // namespace boxanim
