// The narrow generation facade (DESIGN §3, §6): a GenerationRequest value in,
// a GenerationResult value out, progress/preview/cancel per job. No Qt, no
// torch types; the UI and the CLI both drive generation through this header.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/project/project.h"
#include "core/project/tracks.h"

namespace boxanim {

class MatteService;

enum class JobState { Queued, Running, Finished, Cancelled, Failed };
const char* toString(JobState state);

// Everything an engine needs, by value: the worker never sees the live Project.
struct GenerationRequest {
    std::uint64_t jobId = 0;
    cv::Mat image;     // reference image, BGR 8UC3, full resolution
    Project project;   // snapshot: objects in depth order (front first), timeline
    Tracks tracks;     // expandTracks(project, {variety})

    std::string engine = "boxflow";  // "boxflow" | "cutout"
    std::string model = "boxflow-s";
    std::string modelsDir;           // empty: defaultModelsDir()
    std::string device = "auto";     // "auto" | "cpu" | "cuda"
    std::uint64_t seed = 1234;
    int steps = 4;
    double variety = 0.5;

    int outWidth = 0, outHeight = 0;  // output size; 0 = the image's size
    int frames = 0;                   // output frame count; 0 = the timeline's
    int fps = 0;                      // 0 = the timeline's
    int previewLongSide = 256;        // size of streamed preview frames
    // Where the frame-0 mattes come from (and are cached); null:
    // MatteService::shared(modelsDir), the instance the editor and CLI share.
    std::shared_ptr<MatteService> mattes;
    bool wantPreviews = true;

    // Builds a request from a project snapshot and its loaded image, taking
    // engine, seed, steps, variety, device, size, frames and fps from it.
    static GenerationRequest fromProject(const Project& project, const cv::Mat& image);
};

struct GenerationProgress {
    std::uint64_t jobId = 0;
    std::string stage;      // "matting", "clean plate", "sampling 2/4", "rendering", ...
    double fraction = 0.0;  // 0..1 of the whole job; reaches 1 only with the frames
};

struct PreviewFrames {
    std::uint64_t jobId = 0;
    int step = 0, steps = 0;      // sampler step this x0 estimate comes from
    std::vector<cv::Mat> frames;  // BGR, long side previewLongSide, timeline frame count
};

// Wall time per stage in milliseconds, for `boxanim-cli bench` and the CLI's --timings.
struct StageTimes {
    double matting = 0, plate = 0, plan = 0, render = 0;
    std::vector<double> samplerSteps;
};

struct GenerationResult {
    std::uint64_t jobId = 0;
    JobState state = JobState::Queued;
    std::string message;              // failure reason, or empty
    std::vector<std::string> notices; // e.g. "CUDA ran out of memory; finished on the CPU"
    std::vector<cv::Mat> frames;      // BGR full-size output frames (empty when
                                      // JobCallbacks::frame took them)
    int framesRendered = 0;           // frames produced (kept or handed to the sink)
    cv::Size frameSize;               // their size
    int fps = 24;
    std::string engine;               // the engine that produced the frames
    std::string device;               // "cpu" or "cuda"
    StageTimes times;
};

struct JobCallbacks {
    std::function<void(const GenerationProgress&)> progress;
    std::function<void(const PreviewFrames&)> preview;
    const std::atomic<bool>* cancel = nullptr;  // checked between every step
    // Streaming (issue 14 item 3): when set, each full-size output frame is
    // handed over as soon as it is rendered (index 0..frames-1, in order) and
    // is not kept in GenerationResult::frames, so memory does not grow with
    // the frame count. Returning false cancels the job; an exception fails it
    // with its message. The Mat is only valid during the call (clone to keep).
    std::function<bool(int index, const cv::Mat& frame)> frame;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

// Runs one job to completion on the calling thread. Never throws: failures
// come back as JobState::Failed with a message naming the file or the problem.
GenerationResult generate(const GenerationRequest& request, const JobCallbacks& callbacks = {});

// The output frame size generate() will produce for a request.
cv::Size outputSize(const GenerationRequest& request);
// The same rule for a requested size (a side of 0 or less: the image's).
cv::Size outputSize(cv::Size requested, cv::Size image);

// What a job renders from: the reference image brought down to the output
// size when that is smaller (a 40-megapixel photo rendered at 1024 px needs
// no full-size mattes), the mattes with it, and their clean plate.
struct WorkingScene {
    cv::Mat image;                // BGR
    std::vector<cv::Mat> mattes;  // CV_32FC1, image's size
    cv::Mat plate;                // empty only when cancelled
    bool plateCached = false;     // the plate came from the cache
};

// `mattes` are the reference-size mattes (MatteService::mattes). The plate
// comes from a process-wide cache keyed by its inputs (plateCacheKey), so the
// editor can make it in the background as soon as the mattes are ready and
// Generate, previews and re-renders find it made. `outSize` empty: the
// reference's size.
WorkingScene prepareWorkingScene(const cv::Mat& reference, std::vector<cv::Mat> mattes,
                                 cv::Size outSize, const std::atomic<bool>* cancel = nullptr);

// What is wrong with the request as the user gave it, or an empty string: no
// objects, an unknown engine, more objects than the engine handles, a model
// name the models folder's manifest does not list. The CLI answers these with
// exit code 2 before any work starts; generate() fails on them as well.
// (A missing or unreadable manifest is an installation problem, not the
// request's: it is left to generate().)
std::string requestProblem(const GenerationRequest& request);

// The names of the engines generate() accepts.
std::vector<std::string> engineNames();

// Where models live: $BOXANIM_MODELS_DIR, else models/ beside the installed
// binary (../share/boxanim/models or ../../models for a build tree), else the
// source tree's models/.
std::string defaultModelsDir();

}  // namespace boxanim
