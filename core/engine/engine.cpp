#include "core/engine/engine.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "core/engine/engine_impl.h"
#include "core/engine/matte_service.h"
#include "core/model/boxflow.h"
#include "core/project/project_io.h"
#include "core/render/clean_plate.h"
#include "core/render/cutout.h"
#include "core/render/matte.h"
#include "core/render/renderer.h"

namespace boxanim {

namespace fs = std::filesystem;

const char* toString(JobState state) {
    switch (state) {
        case JobState::Queued: return "queued";
        case JobState::Running: return "running";
        case JobState::Finished: return "finished";
        case JobState::Cancelled: return "cancelled";
        case JobState::Failed: return "failed";
    }
    return "failed";
}

std::vector<std::string> engineNames() { return {"boxflow", "cutout"}; }

cv::Size outputSize(cv::Size requested, cv::Size image) {
    return cv::Size(requested.width > 0 ? requested.width : image.width,
                    requested.height > 0 ? requested.height : image.height);
}

cv::Size outputSize(const GenerationRequest& req) {
    return outputSize(cv::Size(req.outWidth, req.outHeight), req.image.size());
}

WorkingScene prepareWorkingScene(const cv::Mat& reference, std::vector<cv::Mat> mattes,
                                 cv::Size outSize, const std::atomic<bool>* cancel) {
    static PlateCache plates(4);  // a few projects or output sizes
    WorkingScene s;
    if (!outSize.empty() && outSize.area() < reference.size().area()) {
        cv::resize(reference, s.image, outSize, 0, 0, cv::INTER_AREA);
        for (cv::Mat& m : mattes) cv::resize(m, m, outSize, 0, 0, cv::INTER_AREA);
    } else {
        s.image = reference;
    }
    s.mattes = std::move(mattes);
    PlateOptions options;
    options.completion.cancel = cancel;
    const std::string key = plateCacheKey(s.image, s.mattes, options);
    s.plate = plates.find(key);
    s.plateCached = !s.plate.empty();
    if (!s.plateCached) {
        s.plate = computeCleanPlate(s.image, s.mattes, options);
        if (!s.plate.empty()) plates.insert(key, s.plate);
    }
    return s;
}

std::string requestProblem(const GenerationRequest& req) {
    if (req.project.objects.empty())
        return "/objects: the project has no objects; draw a box around something first";
    const auto names = engineNames();
    if (std::find(names.begin(), names.end(), req.engine) == names.end())
        return "/generation/engine: unknown engine \"" + req.engine + "\" (expected boxflow or cutout)";
    if (req.engine != "boxflow") return {};
    if (req.project.objects.size() > static_cast<std::size_t>(kBoxFlowMaxObjects))
        return "/objects: the boxflow engine handles at most " + std::to_string(kBoxFlowMaxObjects) +
               " objects, the project has " + std::to_string(req.project.objects.size());
    std::vector<model::ModelInfo> models;
    try {
        models = model::BoxFlowModel::available(req.modelsDir.empty() ? defaultModelsDir() : req.modelsDir);
    } catch (const std::exception&) {
        return {};  // the installation's problem: generate() reports it
    }
    std::string known;
    for (const auto& m : models) {
        if (m.name == req.model) return {};
        known += (known.empty() ? "" : ", ") + m.name;
    }
    return "/generation/model: unknown model \"" + req.model + "\" (available: " + known + ")";
}

GenerationRequest GenerationRequest::fromProject(const Project& project, const cv::Mat& image) {
    GenerationRequest r;
    r.image = image;
    r.project = project;
    r.engine = project.generation.engine;
    r.model = project.generation.model;
    r.device = project.generation.device;
    r.seed = project.generation.seed;
    r.steps = project.generation.steps;
    r.variety = project.generation.variety;
    r.tracks = expandTracks(project, {r.variety});
    r.outWidth = project.output.width;
    r.outHeight = project.output.height;
    r.frames = project.timeline.frames;
    r.fps = project.timeline.fps;
    return r;
}

std::string defaultModelsDir() {
    if (const char* env = std::getenv("BOXANIM_MODELS_DIR"); env && *env) return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path bin = exe.parent_path();
        for (const fs::path& c : {bin / "../share/boxanim/models", bin / "../../models",
                                  bin / "../models"}) {
            if (fs::exists(c / "manifest.json", ec)) return fs::weakly_canonical(c, ec).string();
        }
    }
    return std::string(BOXANIM_SOURCE_DIR) + "/models";
}

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Progress shares: matting, plate, plan (engine-dependent), then the render.
constexpr double kMattingShare = 0.12, kPlateShare = 0.04;

class PipelineContext : public PlanContext {
public:
    PipelineContext(const GenerationRequest& req, const JobCallbacks& cb, const Scene& scene,
                    const cv::Mat& plate, double planStart, double planShare,
                    GenerationResult& result)
        : req_(req), cb_(cb), scene_(scene), plate_(plate), planStart_(planStart),
          planShare_(planShare), result_(result) {}

    bool cancelled() const override { return cb_.cancelled(); }
    const std::atomic<bool>* cancelFlag() const override { return cb_.cancel; }

    void stepDone(int step, int steps, const MotionPlan& x0, double stepMs) override {
        if (stepMs > 0) result_.times.samplerSteps.push_back(stepMs);
        if (cb_.progress)
            cb_.progress({req_.jobId, "sampling " + std::to_string(step) + "/" + std::to_string(steps),
                          planStart_ + planShare_ * step / std::max(1, steps)});
        if (cb_.preview && req_.wantPreviews) cb_.preview(renderPreview(step, steps, x0));
    }

    void notice(const std::string& text) override { result_.notices.push_back(text); }

private:
    PreviewFrames renderPreview(int step, int steps, const MotionPlan& plan) {
        if (!previewRenderer_) {
            const cv::Size full = scene_.image.size();
            const double s = double(req_.previewLongSide) / std::max(full.width, full.height);
            const cv::Size size(std::max(8, int(full.width * std::min(1.0, s) + 0.5)),
                                std::max(8, int(full.height * std::min(1.0, s) + 0.5)));
            previewRenderer_ = std::make_unique<Renderer>(scene_.image, scene_.mattes, plate_, size);
        }
        PreviewFrames p;
        p.jobId = req_.jobId;
        p.step = step;
        p.steps = steps;
        previewRenderer_->render(plan, plan.timelineFrames, [&](int, const cv::Mat& f) {
            p.frames.push_back(f);
            return !cb_.cancelled();
        });
        return p;
    }

    const GenerationRequest& req_;
    const JobCallbacks& cb_;
    const Scene& scene_;
    const cv::Mat& plate_;
    double planStart_, planShare_;
    GenerationResult& result_;
    std::unique_ptr<Renderer> previewRenderer_;
};

void checkRequest(const GenerationRequest& req) {
    if (req.image.empty() || req.image.type() != CV_8UC3)
        throw std::invalid_argument("the reference image is empty or not 8-bit colour");
    if (req.project.objects.empty())
        throw std::invalid_argument("the project has no objects: draw a box around something first");
    if (req.tracks.boxes.size() != req.project.objects.size() ||
        req.tracks.frames != req.project.timeline.frames)
        throw std::invalid_argument("the request's tracks do not match its project");
    validateProject(req.project, "project");
}

}  // namespace

GenerationResult generate(const GenerationRequest& req, const JobCallbacks& cb) {
    GenerationResult result;
    result.jobId = req.jobId;
    result.state = JobState::Running;
    result.fps = req.fps > 0 ? req.fps : req.project.timeline.fps;
    auto report = [&](const std::string& stage, double fraction) {
        if (cb.progress) cb.progress({req.jobId, stage, fraction});
    };
    auto cancelled = [&]() {
        result.state = JobState::Cancelled;
        result.message = "cancelled";
        result.frames.clear();
        return result;
    };
    try {
        checkRequest(req);
        std::unique_ptr<Engine> engine;
        if (req.engine == "cutout") engine = makeCutoutEngine();
        else if (req.engine == "boxflow") engine = makeBoxFlowEngine();
        else throw std::invalid_argument("unknown engine \"" + req.engine + "\" (expected boxflow or cutout)");
        result.engine = engine->name();
        report("loading " + engine->name(), 0.0);
        engine->prepare(req);
        if (cb.cancelled()) return cancelled();

        const cv::Size outSize = outputSize(req);
        Scene scene;
        scene.rigidTracks = cutoutTracks(req.project);
        report("matting", 0.01);
        auto t = Clock::now();
        // The same mattes the editor shows (and has usually cached already).
        std::vector<cv::Mat> referenceMattes;
        {
            std::shared_ptr<MatteService> mattes =
                req.mattes ? req.mattes
                           : MatteService::shared(req.modelsDir.empty() ? defaultModelsDir()
                                                                        : req.modelsDir);
            referenceMattes = mattes->mattes(req.image, req.project, &result.notices);
        }
        result.times.matting = msSince(t);
        if (cb.cancelled()) return cancelled();

        report("clean plate", kMattingShare);
        t = Clock::now();
        // Everything below works at the output size when that is smaller; the
        // plate is usually made already (the editor's background worker).
        WorkingScene working =
            prepareWorkingScene(req.image, std::move(referenceMattes), outSize, cb.cancel);
        scene.image = working.image;
        scene.mattes = std::move(working.mattes);
        const cv::Mat plate = working.plate;
        result.times.plate = msSince(t);
        if (plate.empty() || cb.cancelled()) return cancelled();

        const double planStart = kMattingShare + kPlateShare;
        const double planShare = engine->planWeight();
        PipelineContext context(req, cb, scene, plate, planStart, planShare, result);
        report(engine->name() == "cutout" ? "planning" : "sampling", planStart);
        t = Clock::now();
        std::optional<MotionPlan> plan = engine->plan(scene, req, context);
        result.times.plan = msSince(t);
        result.device = engine->device();
        if (!plan || cb.cancelled()) return cancelled();

        const double renderStart = planStart + planShare;
        const int frames = req.frames > 0 ? req.frames : req.project.timeline.frames;
        t = Clock::now();
        Renderer renderer(scene.image, scene.mattes, plate, outSize);
        result.frameSize = outSize;
        if (!cb.frame) result.frames.reserve(static_cast<std::size_t>(frames));
        const bool complete = renderer.render(*plan, frames, [&](int i, const cv::Mat& f) {
            ++result.framesRendered;
            if (cb.frame) {
                if (!cb.frame(i, f)) return false;
            } else {
                result.frames.push_back(f);
            }
            // Stops short of 1: the job is done only when the result is returned.
            report("rendering", renderStart + (0.99 - renderStart) * (i + 1) / frames);
            return !cb.cancelled();
        });
        result.times.render = msSince(t);
        if (!complete || cb.cancelled()) return cancelled();
        result.state = JobState::Finished;
        report("done", 1.0);
    } catch (const std::exception& e) {
        result.state = JobState::Failed;
        result.message = e.what();
        result.frames.clear();
    }
    return result;
}

}  // namespace boxanim
