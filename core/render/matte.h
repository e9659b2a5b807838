// Frame-0 mattes (DESIGN §6): cv::grabCut initialised with each object's hard
// box on a downscaled copy, upsampled and refined with a guided filter at full
// resolution. Result: one CV_32FC1 matte in [0, 1] per object.
#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/project/project.h"
#include "core/project/tracks.h"

namespace boxanim {

struct MatteOptions {
    int maxWorkingSide = 512;     // grabCut runs on a copy whose long side is at most this
    int iterations = 4;           // grabCut iterations
    double boxMargin = 0.03;      // the init rectangle grows by this share of the box size
                                  // (at least 2 px) so tight user boxes keep the object's rim
    int guidedRadius = 0;         // guided filter radius in full-res pixels; 0 = automatic
    double guidedEps = 1e-3;      // guided filter regularisation (image in [0, 1])
    bool frontOccludes = true;    // computeMattes: remove objects in front from mattes behind
};

// The matte of the object inside `box` (normalised, hard frame-0 box) of a
// CV_8UC3 image: CV_32FC1, same size as the image, values in [0, 1], zero
// outside the (margin-grown) box. A degenerate box gives an all-zero matte.
cv::Mat computeMatte(const cv::Mat& image, const Box& box, const MatteOptions& options = {});

// One matte per box, in the given (project, front-to-back) order. With
// options.frontOccludes, each matte is multiplied by (1 - m) of every object
// in front of it, so a pixel belongs to the frontmost object.
std::vector<cv::Mat> computeMattes(const cv::Mat& image, const std::vector<Box>& boxes,
                                   const MatteOptions& options = {});

// Mattes from each object's frame-0 box of expanded tracks.
std::vector<cv::Mat> computeMattes(const cv::Mat& image, const Tracks& tracks,
                                   const MatteOptions& options = {});

}  // namespace boxanim
