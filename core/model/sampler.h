// The rectified-flow sampler (DESIGN §6) as a free function over a denoise
// callback, so it can be tested with a fake denoiser whose answer is known.
// Convention: x_t = (1 - t) * x0 + t * noise, t = 1 is pure noise, the
// network predicts the velocity v = noise - x0; Euler steps from t = 1 to 0.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include <torch/torch.h>

namespace boxanim::model {

enum class SampleStatus { Finished, Cancelled };

// Returns the velocity at (x_t, t). t is a scalar in [0, 1].
using DenoiseFn = std::function<torch::Tensor(const torch::Tensor& x, double t)>;
// Called after each step with the step index (0-based), the step count and
// that step's estimate of x0 (x_t - t * v). Runs on the sampling thread.
using PreviewFn = std::function<void(int step, int steps, const torch::Tensor& x0)>;

struct SamplerResult {
    SampleStatus status = SampleStatus::Finished;
    int stepsDone = 0;
    torch::Tensor x0;  // the final sample (or the last x0 estimate when cancelled; undefined if none)
};

// Initial noise N(0, 1) of `shape`, drawn on the CPU from `seed` (same
// numbers on every machine with the same libtorch generator) and then moved
// to `device`, so a seed gives the same clip on CPU and CUDA.
torch::Tensor seededNoise(torch::IntArrayRef shape, std::uint64_t seed, torch::Device device);

// The noise levels of an Euler schedule with `steps` steps (1..8): steps + 1
// values from 1 down to 0, evenly spaced.
std::vector<double> eulerSchedule(int steps);

// Euler sampling from `noise` (t = 1). `cancel` (may be null) is checked
// before every network evaluation; a cancelled run returns status Cancelled
// without throwing. Throws std::invalid_argument for steps outside 1..8.
SamplerResult sampleEuler(const DenoiseFn& denoise, const torch::Tensor& noise, int steps,
                          const PreviewFn& preview = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace boxanim::model
