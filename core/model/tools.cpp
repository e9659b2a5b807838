#include "tools.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <torch/version.h>

#include "boxflow.h"
#include "device.h"
#include "loader.h"
#include "manifest.h"
#include "png.h"
#include "safetensors.h"
#include "core/util/sha256.h"

namespace boxanim::model {

namespace {
namespace fs = std::filesystem;

void writeStrip(const std::string& path, const torch::Tensor& strip, int scale) {
    auto s = strip;
    if (scale > 1) s = s.repeat_interleave(scale, 0).repeat_interleave(scale, 1).contiguous();
    writePng(path, static_cast<int>(s.size(1)), static_cast<int>(s.size(0)), s.data_ptr<std::uint8_t>());
}

std::string fmt(double v, int prec = 4) {
    std::ostringstream ss;
    ss.imbue(std::locale::classic());
    ss << std::setprecision(prec) << v;
    return ss.str();
}
}  // namespace

void dumpSamples(const std::string& dir, int count, const SynthOptions& options, std::uint64_t seed, std::ostream& log) {
    fs::create_directories(dir);
    SynthOptions o = options;
    o.renderFrames = true;
    auto batch = generateBatch(count, seed, o, torch::kCPU);
    for (int b = 0; b < count; ++b) {
        char name[32];
        std::snprintf(name, sizeof name, "clip_%02d.png", b);
        const std::string path = (fs::path(dir) / name).string();
        writeStrip(path, clipStrip(batch, b), 2);
        log << path << "\n";
    }
}

void exportModel(const std::string& runDir, const std::string& modelsDir, const std::string& name,
                 const std::string& description, const std::string& machine, std::ostream& log) {
    const std::string emaPath = (fs::path(runDir) / "ema.safetensors").string();
    const std::string summaryPath = (fs::path(runDir) / "summary.json").string();
    Json summary = Json::parse(readTextFile(summaryPath));
    TrainConfig cfg = TrainConfig::fromJson(summary.at("config"));
    auto weights = readSafetensors(emaPath);
    BoxFlowNet net(cfg.model);
    loadIntoModule(*net, weights);
    net->eval();
    // evaluate in F16-rounded weights, as shipped
    {
        torch::NoGradGuard ng;
        for (auto& p : namedState(*net)) p.second.copy_(p.second.to(torch::kFloat16).to(torch::kFloat32));
    }
    configureRuntime(torch::kCPU);
    auto val = makeValidationSet(cfg, torch::kCPU);
    auto f1 = evaluate(net, val, 1);
    auto f4 = evaluate(net, val, 4);
    fs::create_directories(modelsDir);
    const std::string file = name + ".safetensors";
    const std::string path = (fs::path(modelsDir) / file).string();
    writeSafetensors(path, namedState(*net), StoreType::F16,
                     {{"name", name}, {"architecture", cfg.model.toJson().dump()}, {"format", "boxanim-boxflow"}});
    ModelEntry e;
    e.name = name;
    e.file = file;
    e.sha256 = sha256File(path);
    e.dtype = "F16";
    e.config = cfg.model;
    e.parameters = parameterCount(*net);
    e.description = description;
    Json tr = Json::object();
    tr["recipe"] = cfg.toJson();
    tr["steps"] = summary.at("steps");
    tr["wall_seconds"] = summary.at("wall_seconds");
    tr["machine"] = Json(machine);
    tr["device"] = summary.at("device");
    tr["threads"] = summary.at("threads");
    tr["libtorch"] = summary.at("libtorch");
    tr["objective"] = Json("rectified flow, logit-normal t, MSE on velocity, box tokens dropped 10%");
    tr["data"] = Json("procedural clips (core/model/synth.cpp), curriculum hard -> soft boxes");
    e.training = tr;
    Json ev = Json::object();
    ev["validation_set"] = Json(std::to_string(cfg.valClips) + " held-out procedural clips, " +
                                std::to_string(cfg.valFrames) + " frames, " + std::to_string(cfg.width) + "x" +
                                std::to_string(cfg.height) + ", fixed t and noise");
    ev["val_loss_start"] = summary.at("val_loss_start");
    ev["val_loss_end_ema"] = summary.at("val_loss_end_ema");
    ev["val_loss_f16"] = Json(f4.loss);
    ev["val_history_ema"] = summary.at("val_history_ema");
    ev["layer_accuracy_1step"] = Json(f1.layerAccuracy);
    ev["layer_accuracy_4step"] = Json(f4.layerAccuracy);
    ev["object_flow_epe_1step"] = Json(f1.objectFlowEpe);
    ev["object_flow_epe_4step"] = Json(f4.objectFlowEpe);
    ev["cutout_layer_accuracy"] = Json(f4.cutoutLayerAccuracy);
    ev["cutout_object_flow_epe"] = Json(f4.cutoutObjectFlowEpe);
    e.evaluation = ev;
    const std::string manifestPath = (fs::path(modelsDir) / "manifest.json").string();
    Manifest m;
    if (fs::exists(manifestPath)) m = Manifest::load(manifestPath);
    m.upsert(e);
    m.save(manifestPath);
    log << "wrote " << path << " (" << fs::file_size(path) << " bytes, sha256 " << e.sha256 << ")\n"
        << "updated " << manifestPath << "\n"
        << "validation loss (F16 weights) " << fmt(f4.loss) << "\n"
        << "layer accuracy 1-step " << fmt(f1.layerAccuracy) << ", 4-step " << fmt(f4.layerAccuracy)
        << "  (cutout baseline " << fmt(f4.cutoutLayerAccuracy) << ")\n"
        << "object flow EPE 1-step " << fmt(f1.objectFlowEpe) << ", 4-step " << fmt(f4.objectFlowEpe)
        << "  (zero-flow baseline " << fmt(f4.cutoutObjectFlowEpe) << ")\n";
}

void benchProcedural(const std::string& modelsDir, const std::string& name, const std::string& deviceName, int clips,
                     const SynthOptions& options, const std::vector<int>& steps, const std::string& jsonPath,
                     std::ostream& log) {
    if (clips < 1) throw std::invalid_argument("the procedural benchmark needs at least one clip");
    auto loaded = loadVerifiedNetwork(modelsDir, name);
    const torch::Device device = resolveDevice(deviceName);
    configureRuntime(device);
    loaded.net->to(device);
    constexpr std::uint64_t kBenchSeed = 0xB0C5BE7C4ULL;  // neither a training nor the validation seed
    auto set = makeHeldOutSet(clips, options, kBenchSeed, kBenchSeed ^ 0x5A5AULL, device);
    log << "procedural benchmark: " << clips << " held-out clips, " << options.frames << " frames at " << options.width
        << "x" << options.height << ", model " << name << " on " << device.str() << "\n\n"
        << "| engine | layer accuracy | object IoU | object flow EPE (box units) | s per clip |\n"
        << "|---|---|---|---|---|\n";
    Json rows = Json::array();
    auto row = [&](const std::string& engine, double acc, double iou, double epe, double secs) {
        log << "| " << engine << " | " << fmt(100 * acc, 3) << "% | " << fmt(100 * iou, 3) << "% | "
            << (epe < 0 ? std::string("–") : fmt(epe, 3)) << " | " << (secs < 0 ? std::string("–") : fmt(secs, 3))
            << " |\n";
        Json r = Json::object();
        r["engine"] = Json(engine);
        r["layer_accuracy"] = Json(acc);
        r["object_iou"] = Json(iou);
        if (epe >= 0) r["object_flow_epe"] = Json(epe);
        if (secs >= 0) r["seconds_per_clip"] = Json(secs);
        rows.push_back(r);
    };
    ValidationFigures last;
    for (int n : steps) {
        const auto t0 = std::chrono::steady_clock::now();
        last = evaluate(loaded.net, set, n);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / clips;
        row(name + ", " + std::to_string(n) + (n == 1 ? " step" : " steps"), last.layerAccuracy, last.objectIoU,
            last.objectFlowEpe, secs);
    }
    row("cutout", last.cutoutLayerAccuracy, last.cutoutObjectIoU, last.cutoutObjectFlowEpe, -1);
    row("static", last.staticLayerAccuracy, last.staticObjectIoU, -1, -1);
    if (!jsonPath.empty()) {
        Json j = Json::object();
        j["model"] = Json(name);
        j["clips"] = Json(clips);
        j["frames"] = Json(options.frames);
        j["width"] = Json(options.width);
        j["height"] = Json(options.height);
        j["device"] = Json(device.str());
        j["rows"] = rows;
        std::ofstream(jsonPath) << j.dump(2) << "\n";
        log << "\nwrote " << jsonPath << "\n";
    }
}

void benchForward(const BoxFlowConfig& cfg, int frames, int width, int height, const std::string& deviceName,
                  int repeats, std::ostream& log) {
    const torch::Device device = resolveDevice(deviceName);
    configureRuntime(device);
    BoxFlowNet net(cfg);
    net->to(device);
    net->eval();
    log << "config " << cfg.toJson().dump() << "\n"
        << "parameters " << parameterCount(*net) << "\n"
        << "device " << device.str() << ", " << at::get_num_threads() << " threads, libtorch " << TORCH_VERSION << "\n";
    SynthOptions o;
    o.frames = frames;
    o.width = width;
    o.height = height;
    auto b = generateBatch(1, 7, o, device);
    c10::InferenceMode guard;
    auto x = torch::randn({1, frames, kTargetChannels, height, width}, torch::TensorOptions().device(device));
    auto t = torch::full({1}, 0.5, x.options());
    auto run = [&] {
        auto v = net->forward(x, b.cond, t, b.boxes, b.kinds);
        if (device.is_cuda()) v.cpu();
    };
    run();  // warm-up
    std::vector<double> ms;
    resetProfile();
    setProfiling(!device.is_cuda());
    for (int i = 0; i < repeats; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        run();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    setProfiling(false);
    std::sort(ms.begin(), ms.end());
    log << "one evaluation, " << frames << " frames at " << width << "x" << height << ": median " << fmt(ms[ms.size() / 2])
        << " ms, min " << fmt(ms.front()) << " ms over " << repeats << " runs\n";
    if (!device.is_cuda()) {
        double total = 0;
        auto prof = profileSeconds();
        for (auto& [k, s] : prof) total += s;
        log << "time by component (share of the profiled total):\n";
        for (auto& [k, s] : prof)
            log << "  " << std::left << std::setw(12) << k << fmt(1000.0 * s / repeats) << " ms  (" << fmt(100.0 * s / total, 3)
                << "%)\n";
    }
}

void sampleDemo(const std::string& modelsDir, const std::string& name, const std::string& device, int frames, int width,
                int height, int steps, std::uint64_t seed, const std::string& outPng, std::ostream& log) {
    BoxFlowModel model;
    auto t0 = std::chrono::steady_clock::now();
    model.load(modelsDir, name, device);
    auto t1 = std::chrono::steady_clock::now();
    log << "loaded " << name << " (" << model.info().parameters << " parameters) on " << model.deviceName() << " in "
        << fmt(std::chrono::duration<double, std::milli>(t1 - t0).count()) << " ms\n";
    SynthOptions o;
    o.frames = frames;
    o.width = width;
    o.height = height;
    o.progress = 0.5;
    o.renderFrames = true;
    auto b = generateBatch(1, seed, o, torch::kCPU);
    SampleInput in;
    in.frames = frames;
    in.width = width;
    in.height = height;
    auto cond = b.cond[0].contiguous();
    auto rgb0 = cond[0].narrow(0, 0, 3).contiguous(), m0 = cond[0].narrow(0, 3, 4).contiguous();
    in.rgb0.assign(rgb0.data_ptr<float>(), rgb0.data_ptr<float>() + rgb0.numel());
    in.mattes0.assign(m0.data_ptr<float>(), m0.data_ptr<float>() + m0.numel());
    auto bx = b.boxes[0].contiguous();
    in.boxes.assign(bx.data_ptr<float>(), bx.data_ptr<float>() + bx.numel());
    auto kd = b.kinds[0].contiguous();
    for (int64_t i = 0; i < kd.numel(); ++i) in.kinds.push_back(static_cast<int>(kd.view({-1})[i].item<int64_t>()));
    SampleOptions so;
    so.seed = seed;
    so.steps = steps;
    int previews = 0;
    auto t2 = std::chrono::steady_clock::now();
    auto r = model.sample(in, so, [&](int, int, const SampleOutput&) { ++previews; });
    auto t3 = std::chrono::steady_clock::now();
    log << "sampled " << frames << " frames at " << width << "x" << height << " with " << steps << " steps in "
        << fmt(std::chrono::duration<double, std::milli>(t3 - t2).count()) << " ms (" << previews << " previews)\n";
    auto pred = torch::from_blob(r.output.data.data(), {frames, kTargetChannels, height, width}, torch::kFloat32).clone();
    if (!outPng.empty()) {
        writeStrip(outPng, clipStrip(b, 0, pred), 2);
        log << "wrote " << outPng << " (rows: input frames+boxes, GT layers, GT flow, warped mattes, predicted layers, predicted flow)\n";
    }
}

}  // namespace boxanim::model
