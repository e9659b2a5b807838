// What the boxflow engine makes of a BoxFlow sample (DESIGN §6, "contract with
// the user"): whatever the network samples, a hard box pins its object exactly,
// objects stay whole, and soft boxes are freedom inside their bounds.
//
// The sample is read, not obeyed pixel by pixel. Per object and model keyframe
// its backward map is fitted, over the pixels the model gives that object, by
// a translation, a linear part and a smooth 3x3 control-grid remainder (all in
// units of the frame-0 box). Then:
//  * the translation moves the object's box (the user's interpolated box, its
//    size kept) inside that frame's soft box; at hard frames the soft box is
//    the hard box, so nothing moves;
//  * the linear part and the remainder become the residual flow, each bounded
//    by `variety` (0: exactly rigid) and faded to zero at hard frames;
//  * layers are the rigidly warped mattes in project depth order, as the
//    cutout engine makes them, so an object is never partly transparent.
// Torch-free: the engine and the tests call it with plain values.
#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/model/boxflow.h"
#include "core/project/tracks.h"
#include "core/render/motion_plan.h"

namespace boxanim {

// At variety 1, in units of the object's frame-0 box; scaled by variety.
struct DeformationBounds {
    double linear = 0.12;    // each entry of the linear part minus the identity
    double nonRigid = 0.04;  // length of each control-grid displacement
};

// sample: the model's output (or a step's x0 estimate) for at most 4 objects;
// sampleTimes: the timeline position of each of its keyframes; softTracks: the
// tracks with soft relaxation (the request's); rigidTracks: without it (the
// boxes the object follows); mattes: CV_32FC1 frame-0 mattes, project order.
MotionPlan boxflowPlan(const model::SampleOutput& sample, const std::vector<double>& sampleTimes,
                       const Tracks& softTracks, const Tracks& rigidTracks,
                       const std::vector<cv::Mat>& mattes, double variety,
                       const DeformationBounds& bounds = {});

}  // namespace boxanim
