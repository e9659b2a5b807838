#include "trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>
#if defined(TORCH_VERSION_MAJOR) && (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))
#include <ATen/autocast_mode.h>
#define BOXANIM_HAVE_AUTOCAST 1
#endif

#include "device.h"
#include "safetensors.h"
#include "sampler.h"

namespace boxanim::model {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

std::string hms(double s) {
    const long t = std::lround(s);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
    return buf;
}

std::string fmt(double v, int prec = 4) {
    std::ostringstream ss;
    ss.imbue(std::locale::classic());
    ss << std::setprecision(prec) << v;
    return ss.str();
}

Json intArray(const std::vector<int>& v) {
    Json a = Json::array();
    for (int x : v) a.push_back(Json(x));
    return a;
}

// GT or predicted layer owner per pixel: the front-most object with logit > 0, else 0.
torch::Tensor owners(const torch::Tensor& logits) {  // [..., 5, H, W] -> [..., H, W]
    auto obj = logits.narrow(-3, 1, kLayers - 1) > 0;
    auto out = torch::zeros_like(obj.select(-3, 0), torch::kLong);
    for (int k = kLayers - 1; k >= 1; --k) out.masked_fill_(obj.select(-3, k - 1), k);
    return out;
}

// Sum over objects and pixels of |pred==k & gt==k| / |pred==k | gt==k|, k >= 1.
double pooledObjectIoU(const torch::Tensor& pred, const torch::Tensor& gt) {
    double inter = 0, uni = 0;
    for (int k = 1; k < kLayers; ++k) {
        auto p = pred == k, g = gt == k;
        inter += (p & g).sum().item<double>();
        uni += (p | g).sum().item<double>();
    }
    return uni > 0 ? inter / uni : 1.0;
}

struct AdamW {
    std::vector<torch::Tensor> params, m, v;
    int64_t step = 0;
    explicit AdamW(std::vector<torch::Tensor> p) : params(std::move(p)) {
        for (auto& t : params) {
            m.push_back(torch::zeros_like(t));
            v.push_back(torch::zeros_like(t));
        }
    }
    void update(double lr, double b1, double b2, double wd, double eps = 1e-8) {
        torch::NoGradGuard ng;
        ++step;
        const double bc1 = 1.0 - std::pow(b1, static_cast<double>(step));
        const double bc2 = 1.0 - std::pow(b2, static_cast<double>(step));
        for (std::size_t i = 0; i < params.size(); ++i) {
            auto& p = params[i];
            if (!p.grad().defined()) continue;
            const auto& g = p.grad();
            m[i].mul_(b1).add_(g, 1.0 - b1);
            v[i].mul_(b2).addcmul_(g, g, 1.0 - b2);
            if (wd > 0 && p.dim() > 1) p.mul_(1.0 - lr * wd);  // no decay on biases, norms, gates
            auto denom = (v[i] / bc2).sqrt_().add_(eps);
            p.addcdiv_(m[i], denom, -lr / bc1);
        }
    }
};

double learningRate(const TrainConfig& c, int step) {
    if (step < c.warmupSteps) return c.lr * static_cast<double>(step + 1) / c.warmupSteps;
    const double span = std::max(1, c.steps - c.warmupSteps);
    const double p = std::min(1.0, static_cast<double>(step - c.warmupSteps) / span);
    return c.lr * (c.minLrFraction + (1.0 - c.minLrFraction) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * p)));
}

class Tee {
public:
    Tee(std::ostream& a, const std::string& file) : a_(a), f_(file, std::ios::app) {}
    void line(const std::string& s) {
        a_ << s << std::endl;
        if (f_) f_ << s << std::endl;
    }
private:
    std::ostream& a_;
    std::ofstream f_;
};

}  // namespace

Json TrainConfig::toJson() const {
    Json j = Json::object();
    j["model"] = model.toJson();
    j["device"] = Json(device);
    j["steps"] = Json(steps);
    j["batch"] = Json(batch);
    j["frames"] = intArray(frames);
    j["width"] = Json(width);
    j["height"] = Json(height);
    j["lr"] = Json(lr);
    j["min_lr_fraction"] = Json(minLrFraction);
    j["warmup_steps"] = Json(warmupSteps);
    j["weight_decay"] = Json(weightDecay);
    j["beta1"] = Json(beta1);
    j["beta2"] = Json(beta2);
    j["ema_decay"] = Json(emaDecay);
    j["grad_clip"] = Json(gradClip);
    j["token_drop"] = Json(tokenDrop);
    j["camera_prob"] = Json(cameraProb);
    j["val_clips"] = Json(valClips);
    j["val_frames"] = Json(valFrames);
    j["val_every"] = Json(valEvery);
    j["log_every"] = Json(logEvery);
    j["checkpoint_minutes"] = Json(checkpointMinutes);
    j["max_minutes"] = Json(maxMinutes);
    j["seed"] = Json(seed);
    j["threads"] = Json(threads);
    j["bf16"] = Json(bf16);
    j["out_dir"] = Json(outDir);
    return j;
}

TrainConfig TrainConfig::fromJson(const Json& j) {
    TrainConfig c;
    if (j.contains("model")) c.model = BoxFlowConfig::fromJson(j.at("model"));
    c.device = j.value("device", c.device);
    c.steps = j.value("steps", c.steps);
    c.batch = j.value("batch", c.batch);
    if (j.contains("frames")) {
        c.frames.clear();
        if (j.at("frames").is_number()) c.frames.push_back(static_cast<int>(integerOf(j.at("frames"), "frames")));
        else
            for (const auto& f : j.at("frames")) c.frames.push_back(static_cast<int>(integerOf(f, "frames")));
    }
    c.width = j.value("width", c.width);
    c.height = j.value("height", c.height);
    c.lr = j.value("lr", c.lr);
    c.minLrFraction = j.value("min_lr_fraction", c.minLrFraction);
    c.warmupSteps = j.value("warmup_steps", c.warmupSteps);
    c.weightDecay = j.value("weight_decay", c.weightDecay);
    c.beta1 = j.value("beta1", c.beta1);
    c.beta2 = j.value("beta2", c.beta2);
    c.emaDecay = j.value("ema_decay", c.emaDecay);
    c.gradClip = j.value("grad_clip", c.gradClip);
    c.tokenDrop = j.value("token_drop", c.tokenDrop);
    c.cameraProb = j.value("camera_prob", c.cameraProb);
    c.valClips = j.value("val_clips", c.valClips);
    c.valFrames = j.value("val_frames", c.valFrames);
    c.valEvery = j.value("val_every", c.valEvery);
    c.logEvery = j.value("log_every", c.logEvery);
    c.checkpointMinutes = j.value("checkpoint_minutes", c.checkpointMinutes);
    c.maxMinutes = j.value("max_minutes", c.maxMinutes);
    c.seed = static_cast<std::uint64_t>(j.value("seed", static_cast<std::int64_t>(c.seed)));
    c.threads = j.value("threads", c.threads);
    c.bf16 = j.value("bf16", c.bf16);
    c.outDir = j.value("out_dir", c.outDir);
    if (c.steps < 1 || c.batch < 1 || c.frames.empty() || c.width < 8 || c.height < 8 || c.lr <= 0)
        throw std::runtime_error("invalid training config");
    const int m = c.model.sideMultiple();
    if (c.width % m || c.height % m)
        throw std::runtime_error("width and height must be multiples of " + std::to_string(m));
    for (int f : c.frames)
        if (f < 2) throw std::runtime_error("frames must be >= 2");
    return c;
}

TrainConfig TrainConfig::smoke() {
    TrainConfig c;
    c.model = BoxFlowConfig::preset("tiny");
    c.device = "cpu";
    c.steps = 40;
    c.batch = 2;
    c.frames = {8};
    c.width = 32;
    c.height = 24;
    c.lr = 3e-3;
    c.warmupSteps = 5;
    c.emaDecay = 0.9;
    c.valClips = 8;
    c.valFrames = 8;
    c.valEvery = 20;
    c.logEvery = 10;
    c.checkpointMinutes = 1e9;
    c.outDir = "smoke-out";
    return c;
}

ValidationSet makeHeldOutSet(int clips, const SynthOptions& options, std::uint64_t seed, std::uint64_t noiseSeed,
                             torch::Device device) {
    ValidationSet v;
    v.clips = generateBatch(clips, seed, options, device);
    auto ts = (torch::arange(clips, torch::kFloat32) + 0.5) / clips;
    v.t = ts.to(device);
    v.noise = seededNoise(v.clips.target.sizes(), noiseSeed, device);
    return v;
}

ValidationSet makeValidationSet(const TrainConfig& cfg, torch::Device device) {
    SynthOptions o;
    o.frames = cfg.valFrames;
    o.width = cfg.width;
    o.height = cfg.height;
    o.progress = 0.5;
    o.cameraProb = cfg.cameraProb;
    return makeHeldOutSet(cfg.valClips, o, 0x5EED0FF5E7ULL /* never a training seed */, 0xFACADEULL, device);
}

double validationLoss(BoxFlowNet& net, const ValidationSet& val, int chunk) {
    torch::NoGradGuard ng;
    const bool wasTraining = net->is_training();
    net->eval();
    const auto N = val.clips.target.size(0);
    double total = 0;
    for (int64_t i = 0; i < N; i += chunk) {
        const auto n = std::min<int64_t>(chunk, N - i);
        auto x0 = toModelSpace(val.clips.target.narrow(0, i, n), net->config());
        auto eps = val.noise.narrow(0, i, n);
        auto t = val.t.narrow(0, i, n);
        auto tt = t.view({n, 1, 1, 1, 1});
        auto xt = (1 - tt) * x0 + tt * eps;
        auto v = net->forward(xt, val.clips.cond.narrow(0, i, n), t, val.clips.boxes.narrow(0, i, n),
                              val.clips.kinds.narrow(0, i, n));
        total += torch::mse_loss(v, eps - x0, torch::Reduction::Sum).item<double>();
    }
    net->train(wasTraining);
    return total / static_cast<double>(val.clips.target.numel());
}

ValidationFigures evaluate(BoxFlowNet& net, const ValidationSet& val, int steps) {
    torch::NoGradGuard ng;
    const bool wasTraining = net->is_training();
    net->eval();
    ValidationFigures f;
    f.loss = validationLoss(net, val, 4);
    const auto N = val.clips.target.size(0);
    std::vector<torch::Tensor> preds;
    for (int64_t i = 0; i < N; i += 4) {
        const auto n = std::min<int64_t>(4, N - i);
        auto cond = val.clips.cond.narrow(0, i, n);
        auto boxes = val.clips.boxes.narrow(0, i, n), kinds = val.clips.kinds.narrow(0, i, n);
        auto denoise = [&](const torch::Tensor& x, double t) {
            auto tv = torch::full({n}, t, x.options());
            return net->forward(x, cond, tv, boxes, kinds);
        };
        auto noise = val.noise.narrow(0, i, n);
        preds.push_back(sampleEuler(denoise, noise, steps).x0);
    }
    auto pred = fromModelSpace(torch::cat(preds, 0), net->config());
    auto gt = val.clips.target;
    auto gtOwner = owners(gt.narrow(2, 0, kLayers));
    auto prOwner = owners(pred.narrow(2, 0, kLayers));
    f.layerAccuracy = (gtOwner == prOwner).to(torch::kFloat32).mean().item<double>();
    f.objectIoU = pooledObjectIoU(prOwner, gtOwner);
    auto objMask = (gtOwner > 0).to(torch::kFloat32);
    const double nObj = std::max(1.0, objMask.sum().item<double>());
    auto epe = (pred.narrow(2, kLayers, 2) - gt.narrow(2, kLayers, 2)).pow(2).sum(2).sqrt();
    f.objectFlowEpe = (epe * objMask).sum().item<double>() / nObj;
    // cutout baseline: rigidly warped mattes as layers, zero residual flow
    auto warped = val.clips.cond.narrow(2, 7, 4);
    auto cutLogits = torch::cat({torch::zeros_like(warped.narrow(2, 0, 1)), warped * 2 - 1}, 2);
    const auto cutOwner = owners(cutLogits);
    f.cutoutLayerAccuracy = (cutOwner == gtOwner).to(torch::kFloat32).mean().item<double>();
    f.cutoutObjectIoU = pooledObjectIoU(cutOwner, gtOwner);
    // static baseline: the frame-0 mattes on every frame
    auto still = val.clips.cond.narrow(2, 3, 4);
    const auto stillOwner = owners(torch::cat({torch::zeros_like(still.narrow(2, 0, 1)), still * 2 - 1}, 2));
    f.staticLayerAccuracy = (stillOwner == gtOwner).to(torch::kFloat32).mean().item<double>();
    f.staticObjectIoU = pooledObjectIoU(stillOwner, gtOwner);
    f.cutoutObjectFlowEpe = (gt.narrow(2, kLayers, 2).pow(2).sum(2).sqrt() * objMask).sum().item<double>() / nObj;
    net->train(wasTraining);
    return f;
}

TrainResult train(const TrainConfig& cfg, const std::string& resumeFrom, std::ostream& out) {
    namespace fs = std::filesystem;
    fs::create_directories(cfg.outDir);
    Tee log(out, (fs::path(cfg.outDir) / "train.log").string());
    const torch::Device device = resolveDevice(cfg.device);
    configureRuntime(device, cfg.threads);
    torch::manual_seed(cfg.seed);

    BoxFlowNet net(cfg.model);
    BoxFlowNet ema(cfg.model);
    net->to(device);
    ema->to(device);
    {
        torch::NoGradGuard ng;
        auto src = namedState(*net), dst = namedState(*ema);
        for (std::size_t i = 0; i < src.size(); ++i) dst[i].second.copy_(src[i].second);
    }
    ema->eval();
    AdamW opt(net->parameters());
    int startStep = 0;
    TrainResult prior;  // restored from the checkpoint when resuming
    if (!resumeFrom.empty()) {
        auto f = readSafetensors(resumeFrom);
        loadIntoModule(*net, f, "model.", true);
        loadIntoModule(*ema, f, "ema.", true);
        auto names = namedState(*net);
        for (std::size_t i = 0; i < opt.params.size(); ++i) {
            const auto& nm = names[i].first;
            for (auto [prefix, vec] : {std::make_pair(std::string("adam_m."), &opt.m), std::make_pair(std::string("adam_v."), &opt.v)}) {
                auto it = f.tensors.find(prefix + nm);
                if (it == f.tensors.end()) throw std::runtime_error(resumeFrom + ": tensor '" + prefix + nm + "': missing");
                (*vec)[i] = it->second.to(device, torch::kFloat32).clone();
            }
        }
        startStep = std::stoi(f.metadata.at("step"));
        // The run's story so far, so that a resumed run reports the whole run.
        if (auto h = f.metadata.find("history"); h != f.metadata.end()) {
            const Json j = Json::parse(h->second);
            prior.seconds = j.at("wall_seconds").get<double>();
            prior.firstLoss = j.at("first_loss").get<double>();
            prior.valFirst = j.at("val_loss_start").get<double>();
            for (const Json& e : j.at("val_history"))
                prior.valHistory.emplace_back(static_cast<int>(integerOf(e.at(0), "val_history")), e.at(1).get<double>());
        }
        opt.step = startStep;
        log.line("resumed from " + resumeFrom + " at step " + std::to_string(startStep));
    }

    const int64_t params = parameterCount(*net);
    log.line("boxanim-train: device " + device.str() + ", " + std::to_string(at::get_num_threads()) +
             " threads, libtorch " + TORCH_VERSION);
    log.line("model " + cfg.model.toJson().dump() + ", " + std::to_string(params) + " parameters");
    log.line("config " + cfg.toJson().dump());

    auto val = makeValidationSet(cfg, device);
    TrainResult result;
    result.valFirst = validationLoss(net, val);
    log.line("step " + std::to_string(startStep) + "  validation loss " + fmt(result.valFirst) + " (model)");
    const bool resumedWithHistory = !prior.valHistory.empty() || prior.seconds > 0;
    if (resumedWithHistory) {
        result.valFirst = prior.valFirst;
        result.valHistory = prior.valHistory;
    }
    const auto t0 = Clock::now();
    auto runSeconds = [&] { return prior.seconds + seconds(t0, Clock::now()); };
    auto history = [&] {
        Json h = Json::object();
        h["wall_seconds"] = Json(runSeconds());
        h["first_loss"] = Json(resumedWithHistory ? prior.firstLoss : result.firstLoss);
        h["val_loss_start"] = Json(result.valFirst);
        Json v = Json::array();
        for (auto& [st, l] : result.valHistory) {
            Json e = Json::array();
            e.push_back(Json(st));
            e.push_back(Json(l));
            v.push_back(e);
        }
        h["val_history"] = v;
        return h.dump();
    };

    auto saveCheckpoint = [&](int step) {
        NamedTensors all;
        for (auto& p : namedState(*net, "model.")) all.push_back(p);
        for (auto& p : namedState(*ema, "ema.")) all.push_back(p);
        auto names = namedState(*net);
        for (std::size_t i = 0; i < opt.params.size(); ++i) {
            all.emplace_back("adam_m." + names[i].first, opt.m[i]);
            all.emplace_back("adam_v." + names[i].first, opt.v[i]);
        }
        writeSafetensors((fs::path(cfg.outDir) / "checkpoint.safetensors").string(), all, StoreType::F32,
                         {{"step", std::to_string(step)}, {"config", cfg.toJson().dump()}, {"history", history()}});
        log.line("step " + std::to_string(step) + "  checkpoint written");
    };

    auto lastCkpt = t0;
    auto lastLog = t0;
    double lossAcc = 0, gradAcc = 0;
    int accN = 0;
    bool firstWindow = true;
    int step = startStep;
    for (; step < cfg.steps; ++step) {
        if (cfg.maxMinutes > 0 && seconds(t0, Clock::now()) > cfg.maxMinutes * 60.0) {
            log.line("step " + std::to_string(step) + "  stopping: max_minutes " + fmt(cfg.maxMinutes) + " reached");
            break;
        }
        const std::uint64_t stepSeed = cfg.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(step);
        SynthOptions so;
        so.frames = cfg.frames[static_cast<std::size_t>(step) % cfg.frames.size()];
        so.width = cfg.width;
        so.height = cfg.height;
        so.progress = static_cast<double>(step) / cfg.steps;
        so.cameraProb = cfg.cameraProb;
        auto batch = generateBatch(cfg.batch, stepSeed, so, device);
        auto gen = at::detail::createCPUGenerator(stepSeed ^ 0xABCDEFULL);
        auto cpu = torch::TensorOptions().dtype(torch::kFloat32);
        auto t = torch::sigmoid(torch::randn({cfg.batch}, gen, cpu)).to(device);  // logit-normal
        auto eps = torch::randn(batch.target.sizes(), gen, cpu).to(device);
        auto keep = (torch::rand({cfg.batch}, gen, cpu) >= cfg.tokenDrop).to(torch::kFloat32).to(device);
        auto tt = t.view({cfg.batch, 1, 1, 1, 1});
        const auto x0 = toModelSpace(batch.target, cfg.model);
        auto xt = (1 - tt) * x0 + tt * eps;

        torch::Tensor v;
#if defined(BOXANIM_HAVE_AUTOCAST)
        const bool autocast = device.is_cuda() && cfg.bf16;  // not run in this session: no GPU
        if (autocast) {
            at::autocast::set_autocast_enabled(at::kCUDA, true);
            at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
        }
        v = net->forward(xt, batch.cond, t, batch.boxes, batch.kinds, keep);
        if (autocast) {
            at::autocast::set_autocast_enabled(at::kCUDA, false);
            at::autocast::clear_cache();
        }
        v = v.to(torch::kFloat32);
#else
        v = net->forward(xt, batch.cond, t, batch.boxes, batch.kinds, keep);
#endif
        auto loss = torch::mse_loss(v, eps - x0);
        for (auto& p : opt.params) p.mutable_grad() = torch::Tensor();
        loss.backward();
        const double gnorm = torch::nn::utils::clip_grad_norm_(opt.params, cfg.gradClip);
        const double lr = learningRate(cfg, step);
        opt.update(lr, cfg.beta1, cfg.beta2, cfg.weightDecay);
        {
            torch::NoGradGuard ng;
            const double d = std::min(cfg.emaDecay, (1.0 + step) / (10.0 + step));
            auto src = net->parameters(), dst = ema->parameters();
            for (std::size_t i = 0; i < src.size(); ++i) dst[i].mul_(d).add_(src[i], 1.0 - d);
        }
        const double lv = loss.item<double>();
        if (!std::isfinite(lv)) throw std::runtime_error("training diverged at step " + std::to_string(step) + " (loss " + fmt(lv) + ")");
        lossAcc += lv;
        gradAcc += gnorm;
        ++accN;
        if (accN == cfg.logEvery || step + 1 == cfg.steps) {
            const auto now = Clock::now();
            const double mean = lossAcc / accN;
            if (firstWindow) {
                result.firstLoss = resumedWithHistory ? prior.firstLoss : mean;
                firstWindow = false;
            }
            result.lastLoss = mean;
            const double sps = seconds(lastLog, now) / accN;
            const double elapsed = prior.seconds + seconds(t0, now);
            log.line("step " + std::to_string(step + 1) + "/" + std::to_string(cfg.steps) + "  loss " + fmt(mean) +
                     "  grad " + fmt(gradAcc / accN, 3) + "  lr " + fmt(lr, 3) + "  " + fmt(sps, 3) + " s/step  elapsed " +
                     hms(elapsed) + "  eta " + hms(sps * (cfg.steps - step - 1)));
            lossAcc = gradAcc = 0;
            accN = 0;
            lastLog = now;
        }
        if ((step + 1) % cfg.valEvery == 0 && step + 1 < cfg.steps) {
            const double ve = validationLoss(ema, val);
            result.valHistory.emplace_back(step + 1, ve);
            log.line("step " + std::to_string(step + 1) + "  validation loss " + fmt(ve) + " (EMA)");
        }
        if (seconds(lastCkpt, Clock::now()) > cfg.checkpointMinutes * 60.0) {
            saveCheckpoint(step + 1);
            lastCkpt = Clock::now();
        }
    }
    result.stepsDone = step;
    result.seconds = runSeconds();
    result.valLast = validationLoss(net, val);
    result.emaValLast = validationLoss(ema, val);
    result.valHistory.emplace_back(step, result.emaValLast);
    log.line("step " + std::to_string(step) + "  validation loss " + fmt(result.valLast) + " (model), " +
             fmt(result.emaValLast) + " (EMA)");
    if (cfg.checkpointMinutes < 1e8) saveCheckpoint(step);
    writeSafetensors((fs::path(cfg.outDir) / "ema.safetensors").string(), namedState(*ema), StoreType::F32,
                     {{"step", std::to_string(step)}, {"config", cfg.toJson().dump()},
                      {"wall_seconds", fmt(result.seconds, 6)}});
    Json s = Json::object();
    s["steps"] = Json(step);
    s["wall_seconds"] = Json(result.seconds);
    s["first_loss"] = Json(result.firstLoss);
    s["last_loss"] = Json(result.lastLoss);
    s["val_loss_start"] = Json(result.valFirst);
    s["val_loss_end_model"] = Json(result.valLast);
    s["val_loss_end_ema"] = Json(result.emaValLast);
    Json hist = Json::array();
    for (auto& [st, l] : result.valHistory) {
        Json e = Json::array();
        e.push_back(Json(st));
        e.push_back(Json(l));
        hist.push_back(e);
    }
    s["val_history_ema"] = hist;
    s["parameters"] = Json(params);
    s["device"] = Json(device.str());
    s["threads"] = Json(at::get_num_threads());
    s["libtorch"] = Json(TORCH_VERSION);
    s["config"] = cfg.toJson();
    std::ofstream((fs::path(cfg.outDir) / "summary.json").string()) << s.dump(2) << "\n";
    log.line("done: " + std::to_string(step) + " steps in " + hms(result.seconds) + ", training loss " +
             fmt(result.firstLoss) + " -> " + fmt(result.lastLoss) + ", validation " + fmt(result.valFirst) + " -> " +
             fmt(result.valLast) + " (EMA " + fmt(result.emaValLast) + ")");
    return result;
}

}  // namespace boxanim::model
