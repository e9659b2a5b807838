// Inside core/engine: what the two engines share. Every engine turns a
// prepared scene into a MotionPlan; mattes, plate, previews and the final
// render are the pipeline's (generate() in engine.cpp).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/engine/engine.h"
#include "core/render/motion_plan.h"

namespace boxanim {

// Object slots of the shipped boxflow models (boxflow_engine.cpp's kSlots).
constexpr int kBoxFlowMaxObjects = 4;

struct Scene {
    cv::Mat image;                // BGR full resolution
    std::vector<cv::Mat> mattes;  // CV_32FC1 per object, frame 0
    Tracks rigidTracks;           // tracks without soft relaxation (box motion)
};

// Handed to an engine while it plans: cancel checks, per-step reporting.
class PlanContext {
public:
    virtual ~PlanContext() = default;
    virtual bool cancelled() const = 0;
    // The job's cancel flag for samplers that poll it themselves (may be null).
    virtual const std::atomic<bool>* cancelFlag() const = 0;
    // A sampler step finished; `x0` is its current estimate of the plan.
    virtual void stepDone(int step, int steps, const MotionPlan& x0, double stepMs) = 0;
    virtual void notice(const std::string& text) = 0;
};

class Engine {
public:
    virtual ~Engine() = default;
    virtual std::string name() const = 0;
    // The device that actually ran (after fallbacks), "cpu" for classical engines.
    virtual std::string device() const { return "cpu"; }
    // Loads whatever the engine needs (weights); throws std::runtime_error
    // naming the file on failure. Called before any matting work.
    virtual void prepare(const GenerationRequest&) {}
    // The plan, or nullopt when cancelled.
    virtual std::optional<MotionPlan> plan(const Scene& scene, const GenerationRequest& request,
                                           PlanContext& context) = 0;
    // Share of the job's progress the planning stage takes.
    virtual double planWeight() const { return 0.05; }
};

std::unique_ptr<Engine> makeCutoutEngine();
std::unique_ptr<Engine> makeBoxFlowEngine();

}  // namespace boxanim
