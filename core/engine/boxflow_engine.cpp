// The boxflow engine: the BoxFlow model (core/model/boxflow.h) samples the
// motion plan conditioned on box tokens; each Euler step's x0 estimate is a
// preview plan. This file converts between the engine's OpenCV/track world
// and the model's plain tensors-as-vectors.
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include <opencv2/imgproc.hpp>

#include "core/engine/engine_impl.h"
#include "core/model/boxflow.h"
#include "core/model/config.h"
#include "core/render/cutout.h"
#include "core/render/geometry.h"

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

    // Model keyframes at evenly spaced timeline positions; the tokens carry the
    // user's (relaxed) track boxes and kinds at the nearest timeline frame.
    in.boxes.assign(static_cast<std::size_t>(T) * kSlots * 4, 0.f);
    in.kinds.assign(static_cast<std::size_t>(T) * kSlots, 0);
    keyTimes->assign(T, 0.0);
    for (int t = 0; t < T; ++t) {
        const double time = T > 1 ? double(t) * (F - 1) / (T - 1) : 0.0;
        (*keyTimes)[t] = time;
        const int frame = std::clamp(static_cast<int>(time + 0.5), 0, F - 1);
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

// The model's output (or an x0 estimate) as a MotionPlan the renderer realises.
MotionPlan toPlan(const model::SampleOutput& out, const std::vector<double>& keyTimes,
                  const std::vector<int>& kinds, int objects, int timelineFrames) {
    MotionPlan plan;
    const int T = out.frames, w = out.width, h = out.height;
    plan.allocate(T, w, h, 1 + objects, timelineFrames);
    plan.keyTimes = keyTimes;
    for (int t = 0; t < T; ++t)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                for (int l = 0; l <= objects; ++l) plan.logit(t, l, y, x) = out.at(t, l, y, x);
                // Keyframe 0 is the photo itself: nothing has moved yet. The
                // camera is still (BoxAnim has no camera control; the model's
                // background flow would be a guess at a pan nobody asked for).
                const bool still = t == 0 || plan.visibleLayer(t, y, x) == 0;
                plan.flowAt(t, 0, y, x) = still ? 0.f : out.at(t, 5, y, x);
                plan.flowAt(t, 1, y, x) = still ? 0.f : out.at(t, 6, y, x);
            }
    pinHardBoxes(plan, kinds, kSlots);
    // The flow is relative to the affine maps between the model's reference
    // boxes at its keyframes; between keyframes the boxes interpolate the same
    // way the renderer interpolates them (centre linear, size log-linear).
    for (int k = 0; k < objects; ++k) {
        std::vector<Box> atKeys(static_cast<std::size_t>(T));
        for (int t = 0; t < T; ++t) {
            const float* b = &out.referenceBoxes[(static_cast<std::size_t>(t) * kSlots + k) * 4];
            atKeys[t] = {b[0], b[1], b[2], b[3]};
        }
        atKeys = holdInvalidBoxes(atKeys);
        for (int f = 0; f < timelineFrames; ++f) {
            int j = 0;
            while (j + 1 < T && keyTimes[j + 1] <= f) ++j;
            if (j + 1 >= T || keyTimes[j + 1] <= keyTimes[j]) {
                plan.boxes[k][f] = atKeys[j];
                continue;
            }
            const double u = (f - keyTimes[j]) / (keyTimes[j + 1] - keyTimes[j]);
            plan.boxes[k][f] = sampleBox({atKeys[j], atKeys[j + 1]}, std::clamp(u, 0.0, 1.0));
        }
    }
    return plan;
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
        const int objects = static_cast<int>(scene.mattes.size());
        const int F = req.tracks.frames;

        model::SampleOptions options;
        options.seed = req.seed;
        options.steps = req.steps;
        auto last = std::chrono::steady_clock::now();
        auto preview = [&](int step, int steps, const model::SampleOutput& x0) {
            const auto now = std::chrono::steady_clock::now();
            const double ms = std::chrono::duration<double, std::milli>(now - last).count();
            context.stepDone(step + 1, steps, toPlan(x0, keyTimes, input.kinds, objects, F), ms);
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
        return toPlan(result.output, keyTimes, input.kinds, objects, F);
    }

private:
    std::string modelsDir_;
    std::shared_ptr<model::BoxFlowModel> model_;
};

}  // namespace

// Least squares per axis: flow = mean + slope * (coordinate - mean coordinate).
void pinHardBoxes(MotionPlan& plan, const std::vector<int>& kinds, int slots) {
    const int T = plan.keyframes, w = plan.width, h = plan.height, objects = plan.layers - 1;
    std::vector<int> xs, ys;
    for (int t = 1; t < T; ++t)
        for (int k = 0; k < objects; ++k) {
            if (kinds[static_cast<std::size_t>(t) * slots + k] != int(model::TokenKind::Hard)) continue;
            xs.clear();
            ys.clear();
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    if (plan.visibleLayer(t, y, x) == k + 1) xs.push_back(x), ys.push_back(y);
            const std::size_t n = xs.size();
            if (n < 3) continue;
            for (int c = 0; c < 2; ++c) {
                const std::vector<int>& coord = c == 0 ? xs : ys;
                double mc = 0, mf = 0;
                for (std::size_t i = 0; i < n; ++i) mc += coord[i], mf += plan.flowAt(t, c, ys[i], xs[i]);
                mc /= n;
                mf /= n;
                double cov = 0, var = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    cov += (coord[i] - mc) * (plan.flowAt(t, c, ys[i], xs[i]) - mf);
                    var += (coord[i] - mc) * (coord[i] - mc);
                }
                const double slope = var > 1e-9 ? cov / var : 0.0;
                for (std::size_t i = 0; i < n; ++i)
                    plan.flowAt(t, c, ys[i], xs[i]) -= float(mf + slope * (coord[i] - mc));
            }
        }
}

std::unique_ptr<Engine> makeBoxFlowEngine() { return std::make_unique<BoxFlowEngine>(); }

}  // namespace boxanim
