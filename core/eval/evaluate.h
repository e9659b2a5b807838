// The evaluator (DESIGN §8): how well a rendered clip obeys its project's boxes.
// An OpenCV CSRT tracker follows each object from its frame-0 box; the tracked
// boxes are compared with the expanded tracks. Used by `boxanim-cli eval` and
// the benchmark suite; every engine is measured the same way.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/project/project.h"

namespace boxanim {

struct ObjectScore {
    std::string id, name;
    int hardFrames = 0, softFrames = 0;
    double meanIoUHard = 0;       // mean IoU of tracked vs expected box over hard frames (frame 0 excluded)
    double containment = 0;       // mean share of the tracked box inside the soft box, soft frames
    double containmentRate = 0;   // share of soft frames with containment >= 0.9
    double centreError = 0;       // mean |tracked - expected centre| / frame diagonal, frames 1..N-1
    // Boxes partly outside the image are measured by their visible part;
    // frames where the object is wholly outside count in no mean; identity
    // uses frames where the whole box is visible.
    double identity = 0;          // mean NCC of the frame-0 crop with the tracked crop
    // Mean RMS residual of the object's features (tracked by pyramidal
    // Lucas-Kanade from frame 0) after the best affine map from their frame-0
    // positions, over the expected box's diagonal: 0 for any rigid or affine
    // motion, larger for bending, stretching and tearing. -1: too few features.
    double distortion = -1;
    // Mean |third difference| of the tracked box centre per clip frame, over
    // the frame diagonal: how jerky the motion looks.
    double jerk = 0;
    std::vector<cv::Rect2d> tracked;  // per clip frame, pixels
};

struct ClipScore {
    int frames = 0;
    int width = 0, height = 0;
    std::vector<ObjectScore> objects;
    // Means over objects (each object weighs the same).
    double meanIoUHard = 0, containment = 0, containmentRate = 0, centreError = 0, identity = 0;
    double distortion = -1;  // mean over objects with a measure (-1: none)
    double jerk = 0;
    bool hasHard = false, hasSoft = false;
    // Mean absolute change (0..255) from frame 0 outside every box of every frame.
    double backgroundChange = 0;
};

// frames: BGR clip frames. Clip frame i stands for timeline position
// i * (F - 1) / (N - 1); the expected box and kind are the nearest timeline
// frame's, from expandTracks with the project's variety (soft) and without
// relaxation (hard boxes and centres).
ClipScore evaluateClip(const Project& project, const std::vector<cv::Mat>& frames);

// Reads every frame of a video file (any format OpenCV's FFmpeg backend reads)
// or the PNG files of a folder in name order. Throws std::runtime_error naming the path.
std::vector<cv::Mat> readClip(const std::string& path);

// IoU of two rectangles (0 when either is empty).
double iou(const cv::Rect2d& a, const cv::Rect2d& b);

}  // namespace boxanim
