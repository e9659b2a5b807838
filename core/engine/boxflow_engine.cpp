// The boxflow engine: the BoxFlow model (core/model/boxflow.h) samples the
// motion conditioned on box tokens; each Euler step's x0 estimate is a
// preview. This file turns the engine's OpenCV/track world into the model's
// plain tensors-as-vectors; boxflow_plan.cpp turns samples into plans.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

#include <opencv2/imgproc.hpp>

#include "core/engine/boxflow_plan.h"
#include "core/engine/engine_impl.h"
#include "core/model/boxflow.h"
#include "core/model/config.h"

namespace boxanim {

namespace {

constexpr int kSlots = 4;           // object slots of the model
constexpr int kModelKeyframes = 16; // T
constexpr int kWorkingLongSide = 64;

// Loaded models stay in memory between jobs; loading checks a checksum.
std::shared_ptr<model::BoxFlowModel> cachedModel(const std::string& dir, const std::string& name,
                                                 const std::string& device) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<model::BoxFlowModel>> cache;
    const std::string key = dir + "\n" + name + "\n" + device;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    auto m = std::make_shared<model::BoxFlowModel>();
    m->load(dir, name, device);
    cache[key] = m;
    return m;
}

bool isOutOfMemory(const std::exception& e) {
    const std::string w = e.what();
    return w.find("out of memory") != std::string::npos || w.find("CUDA_ERROR_OUT_OF_MEMORY") != std::string::npos;
}

std::vector<double> modelKeyTimes(const Tracks& tracks, int T) {
    const int F = tracks.frames;
    std::vector<double> times(T, 0.0);
    for (int t = 0; t < T; ++t) times[t] = T > 1 ? double(t) * (F - 1) / (T - 1) : 0.0;
    std::vector<bool> snapped(T, false);
    for (int f = 1; f < F; ++f) {
        bool hard = false;
        for (const auto& track : tracks.boxes) hard = hard || track[f].kind == BoxKind::Hard;
        if (!hard) continue;
        int best = 0;
        for (int t = 1; t < T; ++t)
            if (std::abs(times[t] - f) < std::abs(times[best] - f)) best = t;
        if (best == 0 || snapped[best]) continue;
        times[best] = f;
        snapped[best] = true;
    }
    return times;
}

model::SampleInput buildInput(const Scene& scene, const GenerationRequest& req, int w, int h,
                              std::vector<double>* keyTimes) {
    const int T = kModelKeyframes, F = req.tracks.frames;
    model::SampleInput in;
    in.frames = T;
    in.width = w;
    in.height = h;
    const std::size_t plane = static_cast<std::size_t>(w) * h;

    cv::Mat small, rgb;
    cv::resize(scene.image, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, rgb, cv::COLOR_BGR2RGB);
    in.rgb0.resize(3 * plane);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                in.rgb0[c * plane + y * w + x] = rgb.at<cv::Vec3b>(y, x)[c] / 255.f;

    in.mattes0.assign(kSlots * plane, 0.f);
    const int objects = std::min<int>(kSlots, static_cast<int>(scene.mattes.size()));
    for (int k = 0; k < objects; ++k) {
        cv::Mat m;
        cv::resize(scene.mattes[k], m, cv::Size(w, h), 0, 0, cv::INTER_AREA);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) in.mattes0[k * plane + y * w + x] = m.at<float>(y, x);
    }

    // Model keyframes at evenly spaced timeline positions, the nearest one to
    // each hard keyframe moved onto it (so the model sees every hard box); the
    // tokens carry the user's (relaxed) track boxes and kinds at that frame.
    in.boxes.assign(static_cast<std::size_t>(T) * kSlots * 4, 0.f);
    in.kinds.assign(static_cast<std::size_t>(T) * kSlots, 0);
    *keyTimes = modelKeyTimes(req.tracks, T);
    for (int t = 0; t < T; ++t) {
        const int frame = std::clamp(static_cast<int>((*keyTimes)[t] + 0.5), 0, F - 1);
        for (int k = 0; k < objects; ++k) {
            const TrackSample& s = req.tracks.at(k, frame);
            const Box b = s.box;
            float* dst = &in.boxes[(static_cast<std::size_t>(t) * kSlots + k) * 4];
            dst[0] = float(b.x1); dst[1] = float(b.y1); dst[2] = float(b.x2); dst[3] = float(b.y2);
            const model::TokenKind kind = s.kind == BoxKind::Hard   ? model::TokenKind::Hard
                                          : s.kind == BoxKind::Soft ? model::TokenKind::Soft
                                                                    : model::TokenKind::None;
            in.kinds[t * kSlots + k] = int(kind);
        }
    }
    return in;
}

class BoxFlowEngine : public Engine {
public:
    std::string name() const override { return "boxflow"; }
    std::string device() const override { return model_ ? model_->deviceName() : "cpu"; }
    double planWeight() const override { return 0.6; }

    void prepare(const GenerationRequest& req) override {
        modelsDir_ = req.modelsDir.empty() ? defaultModelsDir() : req.modelsDir;
        if (req.project.objects.size() > static_cast<std::size_t>(kSlots))
            throw std::invalid_argument("the boxflow model handles at most 4 objects");
        model_ = cachedModel(modelsDir_, req.model, req.device);
    }

    std::optional<MotionPlan> plan(const Scene& scene, const GenerationRequest& req,
                                   PlanContext& context) override {
        int w = 0, h = 0;
        workingSize(scene.image.cols, scene.image.rows, kWorkingLongSide, &w, &h);
        std::vector<double> keyTimes;
        const model::SampleInput input = buildInput(scene, req, w, h, &keyTimes);
        // The sample becomes a plan that keeps the user's boxes (boxflow_plan.h).
        auto toPlan = [&](const model::SampleOutput& out) {
            return boxflowPlan(out, keyTimes, req.tracks, scene.rigidTracks, scene.mattes, req.variety);
        };

        model::SampleOptions options;
        options.seed = req.seed;
        options.steps = req.steps;
        auto last = std::chrono::steady_clock::now();
        auto preview = [&](int step, int steps, const model::SampleOutput& x0) {
            const auto now = std::chrono::steady_clock::now();
            const double ms = std::chrono::duration<double, std::milli>(now - last).count();
            context.stepDone(step + 1, steps, toPlan(x0), ms);
            last = std::chrono::steady_clock::now();  // preview rendering is not sampler time
        };
        if (context.cancelled()) return std::nullopt;

        model::SampleResult result;
        try {
            result = model_->sample(input, options, preview, context.cancelFlag());
        } catch (const std::exception& e) {
            if (model_->deviceName() != "cuda" || !isOutOfMemory(e)) throw;
            context.notice("the GPU ran out of memory; sampling again on the CPU");
            model_ = cachedModel(modelsDir_, req.model, "cpu");
            result = model_->sample(input, options, preview, context.cancelFlag());
        }
        if (result.cancelled || context.cancelled()) return std::nullopt;
        return toPlan(result.output);
    }

private:
    std::string modelsDir_;
    std::shared_ptr<model::BoxFlowModel> model_;
};

}  // namespace

std::unique_ptr<Engine> makeBoxFlowEngine() { return std::make_unique<BoxFlowEngine>(); }

}  // namespace boxanim
