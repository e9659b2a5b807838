#include "reference_io.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include <torch/version.h>

#include "device.h"
#include "json.h"
#include "loader.h"
#include "safetensors.h"
#include "sampler.h"
#include "synth.h"

namespace boxanim::model {

namespace {

constexpr double kInputT = 0.7;  // a mid-trajectory noise level: exercises both signal and noise paths

struct Inputs {
    torch::Tensor x, cond, t, boxes, kinds, noise;
};

// One procedural clip (mixed hard/soft boxes) and x_t on the rectified-flow
// path from its ground truth; all random numbers come from `seed` on the CPU,
// so the C++ timing run and the dump see identical inputs.
Inputs referenceInputs(const BoxFlowConfig& cfg, const ReferenceIoOptions& o, torch::Device device) {
    SynthOptions so;
    so.frames = o.frames;
    so.width = o.width;
    so.height = o.height;
    so.progress = 0.5;
    auto b = generateBatch(1, o.seed, so, device);
    Inputs in;
    in.cond = b.cond;
    in.boxes = b.boxes;
    in.kinds = b.kinds;
    in.noise = seededNoise({1, o.frames, kTargetChannels, o.height, o.width}, o.seed ^ 0x5EEDULL, device);
    in.t = torch::full({1}, kInputT, in.noise.options());
    in.x = (1.0 - kInputT) * toModelSpace(b.target, cfg) + kInputT * in.noise;
    return in;
}

torch::Tensor sample(BoxFlowNet& net, const Inputs& in, int steps) {
    auto denoise = [&](const torch::Tensor& x, double t) {
        return net->forward(x, in.cond, torch::full({1}, t, x.options()), in.boxes, in.kinds);
    };
    return fromModelSpace(sampleEuler(denoise, in.noise, steps).x0, net->config());
}

}  // namespace

void dumpReferenceIo(const std::string& path, const ReferenceIoOptions& o, std::ostream& log) {
    auto loaded = loadVerifiedNetwork(o.modelsDir, o.name);
    configureRuntime(torch::kCPU);
    auto& net = loaded.net;
    const int m = net->config().sideMultiple();
    if (o.width % m || o.height % m)
        throw std::invalid_argument("--size must be multiples of " + std::to_string(m));
    c10::InferenceMode guard;
    auto in = referenceInputs(net->config(), o, torch::kCPU);
    auto v = net->forward(in.x, in.cond, in.t, in.boxes, in.kinds);
    auto vNoTokens = net->forward(in.x, in.cond, in.t, torch::Tensor(), in.kinds);
    auto x0 = sample(net, in, o.steps);
    writeSafetensors(path,
                     {{"x", in.x}, {"cond", in.cond}, {"t", in.t}, {"boxes", in.boxes},
                      {"kinds", in.kinds.to(torch::kFloat32)}, {"noise", in.noise}, {"v", v},
                      {"v_no_tokens", vNoTokens}, {"sample", x0}},
                     StoreType::F32,
                     {{"model", o.name}, {"config", net->config().toJson().dump()},
                      {"steps", std::to_string(o.steps)}, {"libtorch", TORCH_VERSION},
                      {"format", "boxanim-reference-io"}});
    log << "wrote " << path << ": model " << o.name << ", " << o.frames << " frames at " << o.width << "x"
        << o.height << ", seed " << o.seed << ", |v| max " << v.abs().max().item<double>() << ", " << o.steps
        << "-step sample\n";
}

void timeReferenceModel(const ReferenceIoOptions& o, const std::string& deviceName, int repeats, int threads,
                        std::ostream& out) {
    if (repeats < 1) throw std::invalid_argument("--repeats must be at least 1");
    auto loaded = loadVerifiedNetwork(o.modelsDir, o.name);
    const torch::Device device = resolveDevice(deviceName);
    configureRuntime(device, threads);
    auto& net = loaded.net;
    net->to(device);
    c10::InferenceMode guard;
    auto in = referenceInputs(net->config(), o, device);
    auto sync = [&] { if (device.is_cuda()) torch::cuda::synchronize(); };
    auto median = [&](const std::function<void()>& f) {
        f();  // warm-up (allocator, cuDNN autotuning)
        sync();
        std::vector<double> ms;
        for (int i = 0; i < repeats; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            f();
            sync();
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        return ms[ms.size() / 2];
    };
    const double fwd = median([&] { net->forward(in.x, in.cond, in.t, in.boxes, in.kinds); });
    const double smp = median([&] { sample(net, in, o.steps); });
    Json j = Json::object();
    j["impl"] = Json("libtorch");
    j["libtorch"] = Json(TORCH_VERSION);
    j["model"] = Json(o.name);
    j["device"] = Json(device.str());
    j["threads"] = Json(at::get_num_threads());
    j["frames"] = Json(o.frames);
    j["width"] = Json(o.width);
    j["height"] = Json(o.height);
    j["steps"] = Json(o.steps);
    j["repeats"] = Json(repeats);
    j["forward_ms"] = Json(fwd);
    j["sample_ms"] = Json(smp);
    out << j.dump() << "\n";
}

}  // namespace boxanim::model
