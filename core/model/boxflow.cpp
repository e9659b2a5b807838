#include "boxflow.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "device.h"
#include "loader.h"
#include "manifest.h"
#include "network.h"
#include "sampler.h"
#include "synth.h"

namespace boxanim::model {

struct BoxFlowModel::Impl {
    ModelInfo info;
    std::string path;  // the weight file, for messages
    torch::Device device{torch::kCPU};
    BoxFlowNet net{nullptr};
};

BoxFlowModel::BoxFlowModel() : d(std::make_unique<Impl>()) {}
BoxFlowModel::~BoxFlowModel() = default;
BoxFlowModel::BoxFlowModel(BoxFlowModel&&) noexcept = default;
BoxFlowModel& BoxFlowModel::operator=(BoxFlowModel&&) noexcept = default;

std::vector<ModelInfo> BoxFlowModel::available(const std::string& modelsDir) {
    auto m = Manifest::load((std::filesystem::path(modelsDir) / "manifest.json").string());
    std::vector<ModelInfo> out;
    for (const auto& e : m.models) out.push_back({e.name, e.file, e.description, e.parameters});
    return out;
}

std::string BoxFlowModel::defaultModelsDir() {
    if (const char* env = std::getenv("BOXANIM_MODELS_DIR"); env && *env) return env;
#ifdef BOXANIM_SOURCE_DIR
    return std::string(BOXANIM_SOURCE_DIR) + "/models";
#else
    return "models";
#endif
}

void BoxFlowModel::load(const std::string& modelsDir, const std::string& name, const std::string& deviceName) {
    auto loaded = loadVerifiedNetwork(modelsDir, name);
    torch::Device device = resolveDevice(deviceName);
    configureRuntime(device);
    loaded.net->to(device);
    auto impl = std::make_unique<Impl>();
    impl->info = {loaded.entry.name, loaded.entry.file, loaded.entry.description, parameterCount(*loaded.net)};
    impl->device = device;
    impl->path = (std::filesystem::path(modelsDir) / loaded.entry.file).string();
    impl->net = loaded.net;
    d = std::move(impl);
}

void BoxFlowModel::unload() {
    // Dropping the last reference frees the weights. (CUDA's caching allocator
    // keeps the blocks for reuse; emptyCache() would need the CUDA headers.)
    d = std::make_unique<Impl>();
}

bool BoxFlowModel::loaded() const { return static_cast<bool>(d->net); }
ModelInfo BoxFlowModel::info() const { return d->info; }
std::string BoxFlowModel::deviceName() const { return d->device.str(); }
int BoxFlowModel::sideMultiple() const { return d->net ? d->net->config().sideMultiple() : 1; }

namespace {
void checkSize(const std::vector<float>& v, std::size_t want, const char* what) {
    if (v.size() != want)
        throw std::invalid_argument(std::string("BoxFlowModel::sample: ") + what + " has " + std::to_string(v.size()) +
                                    " values, expected " + std::to_string(want));
}
torch::Tensor fromVec(const std::vector<float>& v, torch::IntArrayRef shape) {
    return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}
SampleOutput toOutput(const torch::Tensor& x, const torch::Tensor& ref) {  // x [1, T, 7, H, W]
    SampleOutput o;
    auto c = x.to(torch::kCPU, torch::kFloat32).contiguous();
    o.frames = static_cast<int>(c.size(1));
    o.height = static_cast<int>(c.size(3));
    o.width = static_cast<int>(c.size(4));
    o.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    auto r = ref.to(torch::kCPU, torch::kFloat32).contiguous();
    o.referenceBoxes.assign(r.data_ptr<float>(), r.data_ptr<float>() + r.numel());
    return o;
}
}  // namespace

SampleResult BoxFlowModel::sample(const SampleInput& in, const SampleOptions& opt, const PreviewCallback& preview,
                                  const std::atomic<bool>* cancel) const {
    if (!d->net) throw std::logic_error("BoxFlowModel::sample: no model loaded");
    const int T = in.frames, H = in.height, W = in.width, M = kMaxObjects;
    const int m = sideMultiple();
    if (T < 2 || T > 32) throw std::invalid_argument("BoxFlowModel::sample: frames must be 2..32, got " + std::to_string(T));
    if (H < m || W < m || H % m || W % m)
        throw std::invalid_argument("BoxFlowModel::sample: width and height must be positive multiples of " +
                                    std::to_string(m) + ", got " + std::to_string(W) + "x" + std::to_string(H));
    if (opt.steps < 1 || opt.steps > 8)
        throw std::invalid_argument("BoxFlowModel::sample: steps must be 1..8, got " + std::to_string(opt.steps));
    const std::size_t plane = static_cast<std::size_t>(H) * W;
    checkSize(in.rgb0, 3 * plane, "rgb0");
    checkSize(in.mattes0, M * plane, "mattes0");
    checkSize(in.boxes, static_cast<std::size_t>(T) * M * 4, "boxes");
    if (in.kinds.size() != static_cast<std::size_t>(T) * M)
        throw std::invalid_argument("BoxFlowModel::sample: kinds has " + std::to_string(in.kinds.size()) +
                                    " values, expected " + std::to_string(T * M));
    for (int k : in.kinds)
        if (k < 0 || k > 2) throw std::invalid_argument("BoxFlowModel::sample: kind values must be 0, 1 or 2");

    c10::InferenceMode guard;
    const torch::Device dev = d->device;
    auto rgb0 = fromVec(in.rgb0, {1, 3, H, W}).to(dev);
    auto mattes0 = fromVec(in.mattes0, {1, M, H, W}).to(dev);
    auto boxes = fromVec(in.boxes, {1, T, M, 4}).to(dev);
    std::vector<int64_t> k64(in.kinds.begin(), in.kinds.end());
    auto kinds = torch::tensor(k64).view({1, T, M}).to(dev);
    auto ref = referenceBoxes(boxes, kinds);
    torch::Tensor warped, raster;
    if (in.warpedMattes.empty()) warped = warpMattes(mattes0, ref);
    else { checkSize(in.warpedMattes, static_cast<std::size_t>(T) * M * plane, "warpedMattes"); warped = fromVec(in.warpedMattes, {1, T, M, H, W}).to(dev); }
    if (in.boxRaster.empty()) raster = boxRaster(boxes, kinds, H, W);
    else { checkSize(in.boxRaster, static_cast<std::size_t>(T) * M * plane, "boxRaster"); raster = fromVec(in.boxRaster, {1, T, M, H, W}).to(dev); }
    auto cond = buildCond(rgb0, mattes0, warped, raster);

    auto net = d->net;
    torch::Tensor tokBoxes = opt.useBoxTokens ? boxes : torch::Tensor();
    auto denoise = [&](const torch::Tensor& x, double t) {
        return net->forward(x, cond, torch::full({1}, t, x.options()), tokBoxes, kinds);
    };
    PreviewFn pv;
    if (preview)
        pv = [&](int step, int steps, const torch::Tensor& x0) {
            preview(step, steps, toOutput(fromModelSpace(x0, net->config()), ref));
        };
    auto noise = seededNoise({1, T, kTargetChannels, H, W}, opt.seed, dev);
    auto r = sampleEuler(denoise, noise, opt.steps, pv, cancel);
    SampleResult res;
    res.cancelled = r.status == SampleStatus::Cancelled;
    res.stepsDone = r.stepsDone;
    // Finite weights can still overflow (F16 extremes, a damaged input): a
    // non-finite sample would render every object invisible. Fail instead.
    if (r.x0.defined() && !torch::isfinite(r.x0).all().item<bool>())
        throw std::runtime_error(d->path + ": model '" + d->info.name +
                                 "' sampled non-finite values (NaN or infinity); its weights may be damaged");
    if (r.x0.defined()) res.output = toOutput(fromModelSpace(r.x0, net->config()), ref);
    return res;
}

}  // namespace boxanim::model
