// The cutout engine (DESIGN §6): a classical, deterministic MotionPlan from
// rigid box motion. Layers are the frame-0 mattes moved by each object's box
// affine; the residual flow is zero. It is the fast preview and the baseline
// every learned engine is measured against.
#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/project/tracks.h"
#include "core/render/motion_plan.h"

namespace boxanim {

struct CutoutOptions {
    int keyframes = 16;       // T model keyframes, uniformly spaced over the timeline
    int workingLongSide = 64; // working resolution: workingSize(imgW, imgH, this)
    float presence = 1e-3f;   // warped (dilated) matte above this counts as present
    // Timeline positions of the keyframes (ascending, within the timeline);
    // empty: `keyframes` uniformly spaced ones.
    std::vector<double> keyTimes;
};

// The per-timeline-frame box tracks of a plan: every object's track box at
// every frame, whatever its kind (frames of kind None hold the track's box);
// degenerate boxes are replaced by the last valid one.
std::vector<std::vector<Box>> planBoxes(const Tracks& tracks);

// mattes: CV_32FC1 frame-0 mattes (any common size; the image's), one per
// tracked object in project order. Timeline frames and boxes come from tracks.
// T = min(options.keyframes, tracks.frames) keyframes at
// keyTimes[t] = t * (frames - 1) / (T - 1), unless options.keyTimes gives them. Logits: +1 where the rigidly
// warped, one-working-pixel-dilated matte is present and no object in front
// covers it (eroded by one working pixel, so the back layer stays visible right
// up to the front object's edge), -1 elsewhere; the background is +1 where no
// object's warped matte exceeds 0.5. Flow: zero.
//
// Soft boxes from expandTracks are relaxed (grown) away from keyframes; a rigid
// cutout would turn that into the object swelling, so pass tracks expanded with
// variety 0 (cutoutTracks), or use the Project overload.
MotionPlan buildCutoutPlan(const Tracks& tracks, const std::vector<cv::Mat>& mattes,
                           const CutoutOptions& options = {});

// The tracks the cutout engine follows: expandTracks(project, {variety = 0}),
// i.e. interpolated and path-placed boxes without soft relaxation.
Tracks cutoutTracks(const Project& project);

// buildCutoutPlan(cutoutTracks(project), mattes, options).
MotionPlan buildCutoutPlan(const Project& project, const std::vector<cv::Mat>& mattes,
                           const CutoutOptions& options = {});

}  // namespace boxanim
