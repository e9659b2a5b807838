// The cutout engine behind the Engine interface: rigid box motion of the
// frame-0 mattes (core/render/cutout.h does the work).
#include "core/engine/engine_impl.h"
#include "core/render/cutout.h"

namespace boxanim {

namespace {

class CutoutEngine : public Engine {
public:
    std::string name() const override { return "cutout"; }
    std::optional<MotionPlan> plan(const Scene& scene, const GenerationRequest&,
                                   PlanContext& context) override {
        if (context.cancelled()) return std::nullopt;
        MotionPlan plan = buildCutoutPlan(scene.rigidTracks, scene.mattes);
        context.stepDone(1, 1, plan, 0.0);
        return plan;
    }
};

}  // namespace

std::unique_ptr<Engine> makeCutoutEngine() { return std::make_unique<CutoutEngine>(); }

}  // namespace boxanim
