// BoxFlow inference facade for core/engine and the UI: plain values and a
// pimpl, no LibTorch types, safe to include from headers that moc reads.
//
// Usage:
//   boxanim::model::BoxFlowModel model;
//   model.load(modelsDir, "boxflow-s", "auto");   // throws std::runtime_error
//   SampleInput in;  ... fill ...
//   SampleResult r = model.sample(in, opts, preview, &cancelFlag);
//
// Conventions (shared with training, see core/model/synth.h):
//  * Working resolution width x height: both multiples of sideMultiple()
//    (4 for the shipped models); the model was trained at long side 64.
//  * Object slots 0..3 are the project's objects in depth order, slot 0 in
//    front; unused slots have kind None and zero boxes and mattes.
//  * Boxes are [x1, y1, x2, y2] normalised to the image (0..1, origin top-left).
//  * Kinds: 0 none, 1 soft, 2 hard. Frame 0 must be hard for every object.
//  * Output per model keyframe t: 5 layer logits (≈ ±1; layer 0 background,
//    layer k object slot k-1) and 2 residual backward flow channels, exactly
//    as MotionPlan (core/render/motion_plan.h) defines them, relative to the
//    affine maps between SampleOutput::referenceBoxes (= the input boxes, with
//    kind-none frames interpolated from their neighbours). Put those boxes into
//    MotionPlan::boxes at the keyframes' timeline positions.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boxanim::model {

struct ModelInfo {
    std::string name;
    std::string file;
    std::string description;
    std::int64_t parameters = 0;
};

struct SampleInput {
    int frames = 0;  // T model keyframes (trained with 8..16; 8..24 accepted)
    int width = 0;
    int height = 0;
    std::vector<float> rgb0;     // [3][height][width], frame-0 image in 0..1
    std::vector<float> mattes0;  // [4][height][width], frame-0 (visible) object mattes in 0..1
    std::vector<float> boxes;    // [frames][4][4]
    std::vector<int> kinds;      // [frames][4]
    // Optional: empty = computed exactly as in training (recommended).
    std::vector<float> warpedMattes;  // [frames][4][height][width] mattes0 warped rigidly by the box maps
    std::vector<float> boxRaster;     // [frames][4][height][width] 1 hard, 0.5 soft, 0 outside/none
};

struct SampleOptions {
    std::uint64_t seed = 1234;
    int steps = 4;              // Euler steps, 1..8
    bool useBoxTokens = true;   // false: no box tokens enter the gated attention
};

struct SampleOutput {
    int frames = 0, width = 0, height = 0;
    std::vector<float> data;            // [frames][7][height][width]: logits 0..4, flow dx 5, dy 6
    std::vector<float> referenceBoxes;  // [frames][4][4]
    float at(int t, int c, int y, int x) const {
        return data[((static_cast<std::size_t>(t) * 7 + c) * height + y) * width + x];
    }
};

struct SampleResult {
    bool cancelled = false;
    int stepsDone = 0;
    SampleOutput output;  // the final sample; when cancelled the last x0 estimate (frames = 0 if none)
};

// Called after every step with that step's x0 estimate, on the sampling thread.
using PreviewCallback = std::function<void(int step, int steps, const SampleOutput& x0)>;

class BoxFlowModel {
public:
    BoxFlowModel();
    ~BoxFlowModel();
    BoxFlowModel(BoxFlowModel&&) noexcept;
    BoxFlowModel& operator=(BoxFlowModel&&) noexcept;

    // The models listed in modelsDir/manifest.json (throws on a bad manifest).
    static std::vector<ModelInfo> available(const std::string& modelsDir);
    // $BOXANIM_MODELS_DIR if set, else the source tree's models/ folder.
    static std::string defaultModelsDir();

    // Loads `name` from modelsDir/manifest.json onto device "auto", "cpu" or
    // "cuda". Checks the sha256, every tensor's name and shape; throws
    // std::runtime_error naming the file and the tensor on any mismatch.
    void load(const std::string& modelsDir, const std::string& name, const std::string& device = "auto");
    void unload();  // frees the weights (and the CUDA cache)
    bool loaded() const;
    ModelInfo info() const;
    std::string deviceName() const;
    int sideMultiple() const;

    // Samples a motion plan. Throws std::invalid_argument for inconsistent
    // input sizes; cancellation is not an error (result.cancelled). `cancel`
    // is checked before every network evaluation. Thread-safe for concurrent
    // calls on one loaded model; enters inference mode on the calling thread.
    SampleResult sample(const SampleInput& input, const SampleOptions& options,
                        const PreviewCallback& preview = {}, const std::atomic<bool>* cancel = nullptr) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace boxanim::model
