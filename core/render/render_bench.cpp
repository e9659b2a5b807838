// renderBenchmark(): the renderer's cost on a synthetic scene, for
// `boxanim-cli bench` and docs/BENCHMARKS.md.
#include <chrono>
#include <cstdio>
#include <sstream>
#include <thread>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "core/render/renderer.h"

namespace boxanim {

namespace {

double msPerFrame(const Renderer& renderer, const MotionPlan& plan, int frames) {
    cv::Mat out;
    renderer.renderAt(plan, 0.0, out);  // warm-up
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < frames; ++i)
        renderer.renderAt(plan, outputFrameTime(i, frames, plan.timelineFrames), out);
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::milli>(t1 - t0).count() / frames;
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
    os << "renderer " << W << "x" << H << ", " << frames << " frames, "
       << cv::getNumThreads() << " OpenCV threads, " << std::thread::hardware_concurrency()
       << " hardware threads\n";
    for (bool flow : {false, true}) {
        const Renderer bg(image, {}, plate);
        const double base = msPerFrame(bg, benchPlan(0, W, H, flow), frames);
        const Renderer r1(image, {full[0]}, plate);
        const double one = msPerFrame(r1, benchPlan(1, W, H, flow), frames);
        const Renderer r4(image, full, plate);
        const double four = msPerFrame(r4, benchPlan(4, W, H, flow), frames);
        const Renderer rd(image, {disc}, plate);
        const double quarter = msPerFrame(rd, benchPlan(1, W, H, flow), frames);
        os << (flow ? "  with residual flow:  " : "  zero flow (cutout): ")
           << "background " << base << " ms/frame; full-frame layer " << (one - base)
           << " ms (1 layer), " << (four - base) / 4 << " ms (mean of 4); typical disc layer "
           << (quarter - base) << " ms\n";
    }
    return os.str();
}

}  // namespace boxanim
