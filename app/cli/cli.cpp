#include "cli.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/cli/bench.h"
#include "app/cli/progress_bar.h"
#include "core/engine/engine.h"
#include "core/engine/matte_service.h"
#include "core/eval/evaluate.h"
#include "core/media/exporter.h"
#include "core/media/image_io.h"
#include "core/media/media_log.h"
#include "core/project/project_io.h"

namespace boxanim {

namespace fs = std::filesystem;

namespace {

// SIGINT and SIGTERM (issue 14 item 4). Outside a DeferSignals scope nothing
// needs cleaning up: the handler says so and exits 1 at once. Inside one
// (a render with its temporary output, an atomic save) it only raises the
// cancel flag; the job stops at its next check, the temporary output is
// removed and the command returns 1.
std::atomic<bool> gCancel{false};
std::atomic<int> gDefer{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

extern "C" void onTerminatingSignal(int) {
    gCancel.store(true);
    if (gDefer.load() == 0) {
        static const char msg[] = "boxanim-cli: interrupted\n";
        [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
        ::_exit(kExitRuntime);
    }
}

struct DeferSignals {
    DeferSignals() { gDefer.fetch_add(1); }
    ~DeferSignals() { gDefer.fetch_sub(1); }
    DeferSignals(const DeferSignals&) = delete;
    DeferSignals& operator=(const DeferSignals&) = delete;
};

// Bad arguments or a bad input file: exit code 2.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* kUsage =
    "usage: boxanim-cli [--verbose] COMMAND ...\n"
    "       boxanim-cli new IMAGE -o PROJECT\n"
    "       boxanim-cli info PROJECT           validate (the image's header too); tracks as JSON\n"
    "       boxanim-cli render PROJECT -o OUT.{mp4,webm,gif}|DIR [--format mp4|webm|gif|png]\n"
    "                  [--engine boxflow|cutout] [--seed N] [--steps N] [--device auto|cpu|cuda]\n"
    "                  [--size WxH] [--frames N] [--fps N] [--models DIR] [--timings]\n"
    "       boxanim-cli matte PROJECT -o DIR [--models DIR] [--grabcut-only|--network-only]\n"
    "                  [--input-size N] [--timings] [--time-last-stroke]\n"
    "                  each object's frame-0 matte as DIR/<object id>.png (8-bit grey)\n"
    "       boxanim-cli eval PROJECT VIDEO     adherence measures as JSON\n"
    "       boxanim-cli bench [PROJECT] [--device D] [--steps N] [--models DIR] [--json FILE] [--quick]\n"
    "       boxanim-cli bench --fill [--out DIR] [--repeats N] [--seed N] [--random N [--scene-seed S]]\n"
    "                  clean-plate fill: speed and quality on 16 photo scenes, or quality on N random ones\n"
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

// Plain decimal digits only (issue 14 item 9): "+5", " 5", "5 ", "0x5" and
// "-1" are mistakes to report, not numbers to guess.
bool allDigits(const std::string& v) {
    return !v.empty() && v.size() <= 20 &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

long long parseInt(const std::string& option, const std::string& v, long long lo, long long hi) {
    std::size_t used = 0;
    long long x = 0;
    try {
        if (allDigits(v)) x = std::stoll(v, &used);
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
        if (allDigits(v)) x = std::stoull(v, &used);
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
    if (format == ExportFormat::PngSequence && fs::exists(p, ec) && !fs::is_directory(p, ec))
        throw InputError(out + ": cannot write PNG frames: exists and is not a directory");
}

// The project's reference, checked (probeReference: regular file, size,
// header) and loaded; any fault is the input's: one line naming the project
// and the image.
cv::Mat loadReferenceImage(const Project& project, const std::string& projectPath) {
    const std::string imagePath = resolveReferencePath(project, projectPath);
    std::error_code ec;
    if (!fs::exists(imagePath, ec))
        throw InputError(projectPath + ": /reference/path: image " + imagePath + " does not exist");
    try {
        probeReference(imagePath);
        return loadReference(imagePath);
    } catch (const std::exception& e) {
        throw InputError(projectPath + ": /reference/path: " + e.what());
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
    {
        DeferSignals defer;  // the atomic save finishes (or removes its temporary file)
        saveProject(p, out);
    }
    if (gCancel.load()) return kExitRuntime;
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
    // The reference is checked exactly as render checks it, without decoding
    // the pixels (issue 14 item 8).
    std::string imageProblem;
    ReferenceInfo ref;
    std::error_code ec;
    if (!fs::exists(imagePath, ec)) {
        imageProblem = "/reference/path: image " + imagePath + " does not exist";
    } else {
        try {
            ref = probeReference(imagePath);
        } catch (const std::exception& e) {
            imageProblem = std::string("/reference/path: ") + e.what();
        }
    }
    nlohmann::json doc;
    doc["project"] = path;
    doc["image"] = {{"path", imagePath}, {"exists", fs::exists(imagePath, ec)},
                    {"usable", imageProblem.empty()}};
    if (imageProblem.empty()) {
        doc["image"]["format"] = ref.format;
        doc["image"]["width"] = ref.width;
        doc["image"]["height"] = ref.height;
    }
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
    if (!imageProblem.empty()) {
        std::fprintf(stderr, "boxanim-cli: %s: %s\n", path.c_str(), imageProblem.c_str());
        return kExitBadInput;
    }
    return gCancel.load() ? kExitRuntime : kExitOk;
}

int cmdRender(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1,
                         {"-o", "--format", "--engine", "--seed", "--steps", "--device", "--size",
                          "--frames", "--fps", "--models"},
                         {"--timings"});
    if (a.positional.size() != 1 || !a.get("-o"))
        throw InputError("render: expected PROJECT -o OUT");
    const std::string path = a.positional[0], out = *a.get("-o");
    std::optional<ExportFormat> format;
    if (auto v = a.get("--format")) {
        format = exportFormatFromName(*v);
        if (!format) throw InputError("--format: expected mp4, webm, gif or png, got \"" + *v + "\"");
    } else {
        format = exportFormatFromPath(out);
        if (!format)
            throw InputError(out + ": unknown output format (expected .mp4, .webm, .gif, or a "
                                   "folder for PNG frames)");
    }

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
    if (const std::string problem = requestProblem(req); !problem.empty())
        throw InputError(path + ": " + problem);
    if (gCancel.load()) return kExitRuntime;

    // From here a signal cancels the job and the exporter's temporary file goes.
    DeferSignals defer;
    const cv::Size size = outputSize(req);
    const int fps = req.fps > 0 ? req.fps : project.timeline.fps;
    const int frames = req.frames > 0 ? req.frames : project.timeline.frames;
    std::unique_ptr<Exporter> exporter;
    try {
        exporter = std::make_unique<Exporter>(out, *format, size, fps);
    } catch (const MediaError& e) {
        throw InputError(e.what());  // the output path is the user's argument
    }
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

    ProgressBar bar(stderr);
    JobCallbacks cb;
    cb.cancel = &gCancel;
    cb.progress = [&](const GenerationProgress& p) { bar.update(p.stage, p.fraction); };
    // Frames go to the encoder as they are rendered: memory does not grow
    // with the frame count (issue 14 item 3).
    double encodeMs = 0;
    cb.frame = [&](int, const cv::Mat& f) {
        const auto t = std::chrono::steady_clock::now();
        exporter->addFrame(f);
        encodeMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
        return !gCancel.load();
    };
    GenerationResult result = generate(req, cb);
    for (const auto& n : result.notices) std::fprintf(stderr, "note: %s\n", n.c_str());
    if (result.state == JobState::Cancelled || gCancel.load()) {
        exporter.reset();  // removes the temporary output
        bar.finish("cancelled");
        return kExitRuntime;
    }
    if (result.state != JobState::Finished) {
        exporter.reset();
        bar.clear();
        std::fprintf(stderr, "boxanim-cli: %s: %s\n", path.c_str(), result.message.c_str());
        return kExitRuntime;
    }
    const auto finishStart = std::chrono::steady_clock::now();
    bar.update("encoding", 0.995);
    exporter->finish();
    encodeMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - finishStart).count();
    bar.finish(out + ": " + std::to_string(frames) + " frames, " + std::to_string(size.width) + "x" +
               std::to_string(size.height) + " at " + std::to_string(fps) + " fps (" + result.engine +
               " on " + result.device + ")");
    if (a.get("--timings")) {
        const StageTimes& t = result.times;
        double sampler = 0;
        for (double s : t.samplerSteps) sampler += s;
        std::printf("stage      ms\nmatting    %.1f\nplate      %.1f\nplan       %.1f\n"
                    "render     %.1f\nencode     %.1f\n",
                    t.matting, t.plate, t.plan, std::max(0.0, t.render - encodeMs), encodeMs);
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

// Each object's frame-0 matte at the reference image's size, made by the
// same MatteService call as render (network prior, strokes, guided filter).
int cmdMatte(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1, {"-o", "--models", "--input-size"},
                         {"--grabcut-only", "--network-only", "--timings", "--time-last-stroke"});
    if (a.positional.size() != 1 || !a.get("-o")) throw InputError("matte: expected PROJECT -o DIR");
    const std::string path = a.positional[0], dir = *a.get("-o");
    const Project project = loadProject(path);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec))
        throw InputError(dir + ": cannot write output: not a folder and cannot be created");
    if (access(dir.c_str(), W_OK) != 0)
        throw InputError(dir + ": cannot write output: folder is not writable");
    const cv::Mat image = loadReferenceImage(project, path);
    auto service = a.get("--models") ? std::make_shared<MatteService>(*a.get("--models"))
                                     : MatteService::shared();
    if (a.get("--grabcut-only") && a.get("--network-only"))
        throw InputError("matte: --grabcut-only and --network-only exclude each other");
    if (a.get("--grabcut-only")) service->setMode(MatteMode::GrabCutOnly);
    if (a.get("--network-only")) service->setMode(MatteMode::NetworkOnly);
    if (auto v = a.get("--input-size"))
        service->setInputSize(static_cast<int>(parseInt("--input-size", *v, 64, 2048)));
    std::vector<std::string> notices;
    if (a.get("--timings") && service->usesNetwork()) {
        // Load the weights first, so the time per object below is the
        // editor's (which loads them when the image opens), not a cold start.
        const auto l0 = std::chrono::steady_clock::now();
        const bool ok = service->networkAvailable();
        std::fprintf(stderr, "matte: network %s in %.3f s\n", ok ? "loaded" : "unavailable",
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - l0).count());
    }
    if (a.get("--time-last-stroke")) {
        // The editor's situation when a stroke lands: everything up to the
        // previous stroke is cached; only the last stroke's update is timed.
        const std::string key = MatteService::imageKey(image);
        for (const Object& o : project.objects) {
            const Keyframe* k = o.keyframeAt(0);
            if (!k || o.strokes.empty()) continue;
            service->matte(image, key, k->box,
                           std::vector<Stroke>(o.strokes.begin(), o.strokes.end() - 1));
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<cv::Mat> mattes = service->mattes(image, project, &notices);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (a.get("--time-last-stroke"))
        std::fprintf(stderr, "matte: last stroke's update of %zu objects in %.3f s\n", mattes.size(),
                     seconds);
    if (a.get("--timings"))
        std::fprintf(stderr, "matte: %zu objects in %.3f s (network runs %d, last %.3f s)\n",
                     mattes.size(), seconds, service->networkRuns(), service->lastNetworkSeconds());
    for (const std::string& n : notices) std::fprintf(stderr, "boxanim-cli: %s\n", n.c_str());
    for (std::size_t k = 0; k < mattes.size(); ++k) {
        std::string name = project.objects[k].id;  // ids are free text: keep it a plain file name
        for (char& c : name)
            if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 32) c = '_';
        if (name.empty() || name[0] == '.') name = "_" + name;
        cv::Mat m8;
        mattes[k].convertTo(m8, CV_8UC1, 255.0);
        const std::string out = (fs::path(dir) / (name + ".png")).string();
        if (!cv::imwrite(out, m8)) throw std::runtime_error(out + ": cannot write PNG");
        std::printf("%s\n", out.c_str());
    }
    return kExitOk;
}

int cmdBench(const std::vector<std::string>& argv) {
    Args a = Args::parse(argv, 1, {"--device", "--steps", "--models", "--json", "--out", "--repeats", "--seed",
                          "--random", "--scene-seed"},
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
    if (auto v = a.get("--seed")) o.seed = static_cast<std::uint64_t>(parseInt("--seed", *v, 0, 1'000'000'000));
    if (auto v = a.get("--random")) o.randomScenes = static_cast<int>(parseInt("--random", *v, 1, 1000));
    if (auto v = a.get("--scene-seed"))
        o.sceneSeed = static_cast<std::uint64_t>(parseInt("--scene-seed", *v, 0, 1'000'000'000));
    if ((o.randomScenes > 0 || a.get("--scene-seed")) && !o.fill)
        throw InputError("bench: --random and --scene-seed go with --fill");
    if (a.get("--scene-seed") && o.randomScenes == 0) throw InputError("bench: --scene-seed goes with --random N");
    return runBench(o);
}

}  // namespace

void installSignalHandlers() {
    struct sigaction sa {};
    sa.sa_handler = onTerminatingSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int runCli(const std::vector<std::string>& argsIn) {
    // --verbose anywhere: let the media libraries print their own diagnostics.
    std::vector<std::string> args;
    for (const std::string& s : argsIn) {
        if (s == "--verbose") setMediaVerbose(true);
        else args.push_back(s);
    }
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
        if (cmd == "matte") return cmdMatte(args);
        if (cmd == "bench") return cmdBench(args);
        throw InputError(cmd + ": unknown command (expected new, info, render, matte, eval or bench)");
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
