#include "sampler.h"

#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>

namespace boxanim::model {

torch::Tensor seededNoise(torch::IntArrayRef shape, std::uint64_t seed, torch::Device device) {
    auto gen = at::detail::createCPUGenerator(seed);
    auto noise = torch::randn(shape, gen, torch::TensorOptions().dtype(torch::kFloat32));
    return noise.to(device);
}

std::vector<double> eulerSchedule(int steps) {
    if (steps < 1 || steps > 8) throw std::invalid_argument("sampler: steps must be 1..8, got " + std::to_string(steps));
    std::vector<double> ts(static_cast<std::size_t>(steps) + 1);
    for (int i = 0; i <= steps; ++i) ts[static_cast<std::size_t>(i)] = 1.0 - static_cast<double>(i) / steps;
    return ts;
}

SamplerResult sampleEuler(const DenoiseFn& denoise, const torch::Tensor& noise, int steps, const PreviewFn& preview,
                          const std::atomic<bool>* cancel) {
    const auto ts = eulerSchedule(steps);
    SamplerResult r;
    torch::Tensor x = noise;
    for (int i = 0; i < steps; ++i) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            r.status = SampleStatus::Cancelled;
            return r;
        }
        const double t = ts[static_cast<std::size_t>(i)], tNext = ts[static_cast<std::size_t>(i) + 1];
        torch::Tensor v = denoise(x, t);
        r.x0 = x - t * v;
        x = x + (tNext - t) * v;
        r.stepsDone = i + 1;
        if (preview) preview(i, steps, r.x0);
    }
    r.x0 = x;
    return r;
}

}  // namespace boxanim::model
