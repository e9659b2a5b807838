#include "cli.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "app/cli/bench.h"
#include "app/cli/progress_bar.h"
#include "core/engine/engine.h"
#include "core/eval/evaluate.h"
#include "core/media/exporter.h"
#include "core/media/image_io.h"
#include "core/project/project_io.h"

namespace boxanim {

namespace fs = std::filesystem;

namespace {

// Bad arguments or a bad input file: exit code 2.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* kUsage =
    "usage: boxanim-cli new IMAGE -o PROJECT\n"
    "       boxanim-cli info PROJECT\n"
    "       boxanim-cli render PROJECT -o OUT.{mp4,webm,gif}|DIR [--engine boxflow|cutout]\n"
    "                  [--seed N] [--steps N] [--device auto|cpu|cuda] [--size WxH]\n"
    "                  [--frames N] [--fps N] [--models DIR] [--timings]\n"
    "       boxanim-cli eval PROJECT VIDEO     adherence measures as JSON\n"
    "       boxanim-cli bench [PROJECT] [--device D] [--steps N] [--models DIR] [--json FILE] [--quick]\n"
    "       boxanim-cli bench --fill [--out DIR] [--repeats N]   clean-plate fill: speed and quality\n"
    "       boxanim-cli --version\n";

// Positional arguments plus --key value options; flags listed in `flags` take no value.
struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;

    static Args parse(const std::vector<std::string>& args, std::size_t from,
                      const std::vector<std::string>& valued,
                      const std::vector<std::string>& flags) {
        Args a;
        for (std::size_t i = from; i < args.size(); ++i) {
            const std::string& s = args[i];
            if (s.size() > 1 && s[0] == '-') {
                const bool isValued = std::find(valued.begin(), valued.end(), s) != valued.end();
                const bool isFlag = std::find(flags.begin(), flags.end(), s) != flags.end();
                if (isFlag) {
                    a.options[s] = "1";
                } else if (isValued) {
                    if (i + 1 >= args.size()) throw InputError(s + ": expected a value");
                    a.options[s] = args[++i];
                } else {
                    throw InputError(s + ": unknown option");
                }
            } else {
                a.positional.push_back(s);
            }
        }
        return a;
    }
    std::optional<std::string> get(const std::string& k) const {
        auto it = options.find(k);
        if (it == options.end()) return std::nullopt;
        return it->second;
    }
};

long long parseInt(const std::string& option, const std::string& v, long long lo, long long hi) {
    std::size_t used = 0;
    long long x = 0;
    try {
        x = std::stoll(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || v.empty() || x < lo || x > hi)
        throw InputError(option + ": expected an integer between " + std::to_string(lo) + " and " +
                         std::to_string(hi) + ", got \"" + v + "\"");
    return x;
}

std::uint64_t parseSeed(const std::string& v) {
    std::size_t used = 0;
    unsigned long long x = 0;
    try {
        if (!v.empty() && v[0] != '-') x = std::stoull(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || v.empty())
        throw InputError("--seed: expected a non-negative integer, got \"" + v + "\"");
    return x;
}

// The output's folder must exist and be writable before any work starts.
void checkWritableOutput(const std::string& out, ExportFormat format) {
    fs::path p(out);
    // A PNG sequence folder may end in '/': its parent is the folder above.
    if (format == ExportFormat::PngSequence && !p.has_filename()) p = p.parent_path();
    fs::path dir = p.parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw InputError(out + ": cannot write output: folder " + dir.string() + " does not exist");
    if (access(dir.c_str(), W_OK) != 0)
        throw InputError(out + ": cannot write output: folder " + dir.string() + " is not writable");
    if (format != ExportFormat::PngSequence && fs::is_directory(p, ec))
        throw InputError(out + ": cannot write output: a folder of that name exists");
}

cv::Mat loadReferenceImage(const Project& project, const std::string& projectPath) {
    const std::string imagePath = resolveReferencePath(project, projectPath);
    std::error_code ec;
    if (!fs::exists(imagePath, ec))
        throw InputError(projectPath + ": /reference/path: image " + imagePath + " does not exist");
    try {
        return loadReference(imagePath);
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
}

int cmdNew(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1, {"-o"}, {});
    if (a.positional.size() != 1 || !a.get("-o")) throw InputError("new: expected IMAGE -o PROJECT");
    const std::string image = a.positional[0], out = *a.get("-o");
    cv::Mat loaded;
    try {
        loaded = loadReference(image);
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
    Project p;
    p.id = newId();
    const fs::path outDir = fs::absolute(out).parent_path();
    std::error_code ec;
    if (!fs::is_directory(outDir, ec))
        throw InputError(out + ": cannot write: folder " + outDir.string() + " does not exist");
    p.reference.path = fs::relative(fs::absolute(image), outDir, ec).string();
    if (ec || p.reference.path.empty()) p.reference.path = fs::absolute(image).string();
    p.reference.sha256 = sha256File(image);
    p.output.width = loaded.cols;
    p.output.height = loaded.rows;
    // Very large photos render at a long side of at most 1920 by default.
    const int longSide = std::max(p.output.width, p.output.height);
    if (longSide > 1920) {
        p.output.width = std::max(16, static_cast<int>(p.output.width * 1920.0 / longSide));
        p.output.height = std::max(16, static_cast<int>(p.output.height * 1920.0 / longSide));
    }
    saveProject(p, out);
    std::printf("%s: new project for %s (%dx%d, %d frames at %d fps)\n", out.c_str(), image.c_str(),
                loaded.cols, loaded.rows, p.timeline.frames, p.timeline.fps);
    return kExitOk;
}

int cmdInfo(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1, {}, {});
    if (a.positional.size() != 1) throw InputError("info: expected PROJECT");
    const std::string path = a.positional[0];
    const Project p = loadProject(path);
    const std::string imagePath = resolveReferencePath(p, path);
    std::error_code ec;
    nlohmann::json doc;
    doc["project"] = path;
    doc["image"] = {{"path", imagePath}, {"exists", fs::exists(imagePath, ec)}};
    doc["timeline"] = {{"frames", p.timeline.frames}, {"fps", p.timeline.fps}};
    doc["output"] = {{"width", p.output.width}, {"height", p.output.height}};
    const Tracks tracks = expandTracks(p, {p.generation.variety});
    nlohmann::json objs = nlohmann::json::array();
    for (std::size_t k = 0; k < p.objects.size(); ++k) {
        nlohmann::json frames = nlohmann::json::array();
        for (int f = 0; f < tracks.frames; ++f) {
            const TrackSample& s = tracks.at(static_cast<int>(k), f);
            frames.push_back({{"frame", f},
                              {"box", {s.box.x1, s.box.y1, s.box.x2, s.box.y2}},
                              {"kind", toString(s.kind)}});
        }
        objs.push_back({{"id", p.objects[k].id}, {"name", p.objects[k].name}, {"track", frames}});
    }
    doc["objects"] = objs;
    std::printf("%s\n", doc.dump(2).c_str());
    if (!fs::exists(imagePath, ec)) {
        std::fprintf(stderr, "%s: /reference/path: image %s does not exist\n", path.c_str(),
                     imagePath.c_str());
        return kExitBadInput;
    }
    return kExitOk;
}

std::atomic<bool> gCancel{false};
extern "C" void onInterrupt(int) { gCancel.store(true); }

int cmdRender(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1,
                         {"-o", "--engine", "--seed", "--steps", "--device", "--size", "--frames",
                          "--fps", "--models"},
                         {"--timings"});
    if (a.positional.size() != 1 || !a.get("-o"))
        throw InputError("render: expected PROJECT -o OUT");
    const std::string path = a.positional[0], out = *a.get("-o");
    const auto format = exportFormatFromPath(out);
    if (!format)
        throw InputError(out + ": unknown output format (expected .mp4, .webm, .gif or a folder "
                               "for PNG frames)");

    const Project project = loadProject(path);
    checkWritableOutput(out, *format);
    const cv::Mat image = loadReferenceImage(project, path);

    GenerationRequest req = GenerationRequest::fromProject(project, image);
    req.jobId = 1;
    if (auto v = a.get("--engine")) {
        const auto names = engineNames();
        if (std::find(names.begin(), names.end(), *v) == names.end())
            throw InputError("--engine: expected boxflow or cutout, got \"" + *v + "\"");
        req.engine = *v;
    }
    if (auto v = a.get("--seed")) req.seed = parseSeed(*v);
    if (auto v = a.get("--steps")) req.steps = static_cast<int>(parseInt("--steps", *v, 1, 8));
    if (auto v = a.get("--device")) {
        if (*v != "auto" && *v != "cpu" && *v != "cuda")
            throw InputError("--device: expected auto, cpu or cuda, got \"" + *v + "\"");
        req.device = *v;
    }
    if (auto v = a.get("--size")) {
        const auto x = v->find('x');
        if (x == std::string::npos) throw InputError("--size: expected WxH, got \"" + *v + "\"");
        req.outWidth = static_cast<int>(parseInt("--size", v->substr(0, x), 16, 8192));
        req.outHeight = static_cast<int>(parseInt("--size", v->substr(x + 1), 16, 8192));
    }
    if (auto v = a.get("--frames")) req.frames = static_cast<int>(parseInt("--frames", *v, 1, kMaxFrames));
    if (auto v = a.get("--fps")) req.fps = static_cast<int>(parseInt("--fps", *v, 1, 240));
    if (auto v = a.get("--models")) req.modelsDir = *v;
    req.wantPreviews = false;

    std::signal(SIGINT, onInterrupt);
    ProgressBar bar(stderr);
    JobCallbacks cb;
    cb.cancel = &gCancel;
    cb.progress = [&](const GenerationProgress& p) { bar.update(p.stage, p.fraction * 0.9); };
    GenerationResult result = generate(req, cb);
    for (const auto& n : result.notices) std::fprintf(stderr, "note: %s\n", n.c_str());
    if (result.state == JobState::Cancelled) {
        bar.finish("cancelled");
        return kExitRuntime;
    }
    if (result.state != JobState::Finished) {
        bar.finish("failed");
        std::fprintf(stderr, "%s: %s\n", path.c_str(), result.message.c_str());
        return kExitRuntime;
    }

    const auto encodeStart = std::chrono::steady_clock::now();
    {
        const cv::Size size = result.frames.front().size();
        if (const cv::Size enc = encodedSize(*format, size); enc != size)
            std::fprintf(stderr,
                         "note: MP4 (H.264) stores colour at half resolution (4:2:0), which needs even "
                         "sides: %dx%d is written as %dx%d, the last %s repeated; WebM, GIF and PNG "
                         "keep %dx%d exactly\n",
                         size.width, size.height, enc.width, enc.height,
                         enc.width != size.width && enc.height != size.height ? "column and row"
                         : enc.width != size.width                          ? "column"
                                                                            : "row",
                         size.width, size.height);
        Exporter exporter(out, *format, size, result.fps);
        for (std::size_t i = 0; i < result.frames.size(); ++i) {
            if (gCancel.load()) {
                bar.finish("cancelled");
                return kExitRuntime;  // the exporter's destructor removes its temporary file
            }
            exporter.addFrame(result.frames[i]);
            bar.update("encoding", 0.9 + 0.1 * double(i + 1) / result.frames.size());
        }
        exporter.finish();
    }
    const double encodeMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - encodeStart).count();
    bar.finish(out + ": " + std::to_string(result.frames.size()) + " frames, " +
               std::to_string(result.frames.front().cols) + "x" +
               std::to_string(result.frames.front().rows) + " at " + std::to_string(result.fps) +
               " fps (" + result.engine + " on " + result.device + ")");
    if (a.get("--timings")) {
        const StageTimes& t = result.times;
        double sampler = 0;
        for (double s : t.samplerSteps) sampler += s;
        std::printf("stage      ms\nmatting    %.1f\nplate      %.1f\nplan       %.1f\n"
                    "render     %.1f\nencode     %.1f\n",
                    t.matting, t.plate, t.plan, t.render, encodeMs);
        if (!t.samplerSteps.empty())
            std::printf("(sampler: %zu steps, %.1f ms)\n", t.samplerSteps.size(), sampler);
    }
    return kExitOk;
}

int cmdEval(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1, {}, {});
    if (a.positional.size() != 2) throw InputError("eval: expected PROJECT VIDEO");
    const Project project = loadProject(a.positional[0]);
    std::vector<cv::Mat> frames;
    try {
        frames = readClip(a.positional[1]);
    } catch (const std::exception& e) {
        throw InputError(e.what());
    }
    const ClipScore s = evaluateClip(project, frames);
    nlohmann::json doc;
    doc["project"] = a.positional[0];
    doc["video"] = a.positional[1];
    doc["frames"] = s.frames;
    doc["size"] = {s.width, s.height};
    auto metrics = [](double iouHard, bool hasHard, double cont, double rate, bool hasSoft,
                      double centre, double identity) {
        nlohmann::json m;
        m["mean_iou_hard"] = hasHard ? nlohmann::json(iouHard) : nlohmann::json(nullptr);
        m["containment"] = hasSoft ? nlohmann::json(cont) : nlohmann::json(nullptr);
        m["containment_rate"] = hasSoft ? nlohmann::json(rate) : nlohmann::json(nullptr);
        m["centre_error"] = centre;
        m["identity_ncc"] = identity;
        return m;
    };
    nlohmann::json objs = nlohmann::json::array();
    for (const ObjectScore& o : s.objects) {
        nlohmann::json j = metrics(o.meanIoUHard, o.hardFrames > 0, o.containment, o.containmentRate,
                                   o.softFrames > 0, o.centreError, o.identity);
        j["id"] = o.id;
        j["name"] = o.name;
        j["hard_frames"] = o.hardFrames;
        j["soft_frames"] = o.softFrames;
        j["distortion"] = o.distortion >= 0 ? nlohmann::json(o.distortion) : nlohmann::json(nullptr);
        j["jerk"] = o.jerk;
        j["tracked"] = nlohmann::json::array();
        for (const cv::Rect2d& r : o.tracked) j["tracked"].push_back({r.x, r.y, r.width, r.height});
        objs.push_back(j);
    }
    doc["objects"] = objs;
    doc["overall"] = metrics(s.meanIoUHard, s.hasHard, s.containment, s.containmentRate, s.hasSoft,
                             s.centreError, s.identity);
    doc["overall"]["background_change"] = s.backgroundChange;
    doc["overall"]["distortion"] = s.distortion >= 0 ? nlohmann::json(s.distortion) : nlohmann::json(nullptr);
    doc["overall"]["jerk"] = s.jerk;
    std::printf("%s\n", doc.dump(2).c_str());
    return kExitOk;
}

int cmdBench(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1, {"--device", "--steps", "--models", "--json", "--out", "--repeats"},
                         {"--quick", "--fill"});
    if (a.positional.size() > 1) throw InputError("bench: expected at most one PROJECT");
    BenchOptions o;
    if (!a.positional.empty()) o.project = a.positional[0];
    if (auto v = a.get("--device")) o.device = *v;
    if (auto v = a.get("--steps")) o.steps = static_cast<int>(parseInt("--steps", *v, 1, 8));
    if (auto v = a.get("--models")) o.modelsDir = *v;
    if (auto v = a.get("--json")) o.jsonPath = *v;
    o.quick = a.get("--quick").has_value();
    o.fill = a.get("--fill").has_value();
    if (auto v = a.get("--out")) o.outDir = *v;
    if (auto v = a.get("--repeats")) o.repeats = static_cast<int>(parseInt("--repeats", *v, 1, 100));
    return runBench(o);
}

}  // namespace

int runCli(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? kExitBadInput : kExitOk;
    }
    if (args[0] == "--version" || args[0] == "-v" || args[0] == "version") {
        std::printf("boxanim-cli %s\n", BOXANIM_VERSION);
        return kExitOk;
    }
    const std::string& cmd = args[0];
    try {
        if (cmd == "new") return cmdNew(args);
        if (cmd == "info") return cmdInfo(args);
        if (cmd == "render") return cmdRender(args);
        if (cmd == "eval") return cmdEval(args);
        if (cmd == "bench") return cmdBench(args);
        throw InputError(cmd + ": unknown command (expected new, info, render, eval or bench)");
    } catch (const ProjectError& e) {
        std::fprintf(stderr, "boxanim-cli: %s\n", e.what());
        return kExitBadInput;
    } catch (const InputError& e) {
        std::fprintf(stderr, "boxanim-cli: %s\n", e.what());
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "boxanim-cli: %s\n", e.what());
        return kExitRuntime;
    }
}

}  // namespace boxanim
