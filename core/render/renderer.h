// The full-resolution renderer (DESIGN §7): realises a MotionPlan from the
// photo itself. Per output frame: the clean plate warped by the background's
// residual flow, then the objects back to front (the last project object first,
// object 0 on top), each pulled from its frame-0 position through the inverse
// of its box motion plus the upsampled residual flow (cv::remap with
// fixed-point maps of the premultiplied object) and composited with
// alpha = warped matte x upsampled visibility clamp((logit + 1) / 2, 0, 1).
// The premultiplied object is alpha x F, F the object's own colour estimated
// in the matte's soft rim (core/render/foreground.h), with the rim's alpha
// refitted once to F and the background nearby: the photo's rim pixels
// would drag the old background along as a fringe.
//
// Time: output frame i of N sits at timeline position i * (F - 1) / (N - 1)
// (F = plan.timelineFrames); boxes interpolate between neighbouring timeline
// frames (centre linear, size log-linear), logits and flow linearly between
// the plan's model keyframes (keyTimes), held beyond the first and last.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/render/motion_plan.h"

namespace boxanim {

// Receives each finished frame (CV_8UC3, a fresh buffer the receiver may keep).
// Return false to stop rendering.
using FrameCallback = std::function<bool(int frameIndex, const cv::Mat& frame)>;

// Timeline position of output frame `index` of `frameCount` over a timeline of
// `timelineFrames` frames.
double outputFrameTime(int index, int frameCount, int timelineFrames);

// Throws std::invalid_argument naming the first inconsistency between the
// plan's fields (sizes, layer count vs `objects`, keyTimes, boxes).
void validatePlan(const MotionPlan& plan, int objects);

class Renderer {
public:
    // image, plate: CV_8UC3 of one size; mattes: CV_32FC1 of that size, one per
    // object in project order. outputSize empty = the image's size; otherwise
    // the inputs are resampled to it once here (normalised boxes follow).
    Renderer(const cv::Mat& image, const std::vector<cv::Mat>& mattes, const cv::Mat& plate,
             cv::Size outputSize = cv::Size());

    cv::Size outputSize() const { return size_; }
    int objectCount() const { return static_cast<int>(layers_.size()); }

    // Renders timeline position `time` (fractional) into `out` (allocated as
    // CV_8UC3 of outputSize() when needed).
    void renderAt(const MotionPlan& plan, double time, cv::Mat& out) const;
    cv::Mat renderAt(const MotionPlan& plan, double time) const;

    // Renders `frameCount` output frames spanning the plan's timeline, calling
    // onFrame for each in order. Returns false when onFrame asked to stop.
    bool render(const MotionPlan& plan, int frameCount, const FrameCallback& onFrame) const;
    std::vector<cv::Mat> renderAll(const MotionPlan& plan, int frameCount) const;

private:
    struct Layer {
        cv::Mat patch;   // CV_8UC4: premultiplied B, G, R (alpha x F) and the refitted matte, cropped
        cv::Rect rect;   // where the patch sits in the (output-size) frame 0
    };
    cv::Size size_;
    cv::Mat plate_;
    std::vector<Layer> layers_;
};

// Times the renderer on a synthetic scene and returns a short report: median
// ms per frame for the background alone, and the extra ms per object layer
// (full-frame worst case, and a typical disc over ~25% of the frame), at
// width x height, with and without residual flow. For `boxanim-cli bench` and docs/BENCHMARKS.md.
std::string renderBenchmark(int width = 1024, int height = 768, int frames = 48);

}  // namespace boxanim
