// Box geometry shared by the renderer and the cutout engine: normalised boxes
// to pixels, sampling a per-frame box track at a fractional time, and the
// axis-aligned affine map between two boxes.
#pragma once

#include <vector>

#include <opencv2/core/types.hpp>

#include "core/project/project.h"

namespace boxanim {

// A box is usable as a motion anchor when it is finite and has positive area.
bool isValidBox(const Box& box);

// Pixel rectangle (fractional) of a normalised box in an image of `size`.
cv::Rect2d boxToPixels(const Box& box, cv::Size size);

// The smallest integer pixel rectangle covering the box, clipped to the image.
cv::Rect boxToPixelRect(const Box& box, cv::Size size);

// The box at fractional timeline position `time` of a per-frame track: the
// centre is interpolated linearly and the size log-linearly between the two
// neighbouring frames; `time` is clamped to the track.
Box sampleBox(const std::vector<Box>& track, double time);

// Axis-aligned scale + translation in normalised coordinates:
// p' = (sx * p.x + tx, sy * p.y + ty).
struct BoxAffine {
    double sx = 1, sy = 1, tx = 0, ty = 0;
    BoxAffine inverse() const { return {1.0 / sx, 1.0 / sy, -tx / sx, -ty / sy}; }
};

// The map taking `from` onto `to` (identity when either box is degenerate).
BoxAffine boxAffine(const Box& from, const Box& to);

// The same map expressed on pixel indices of an image of `size` (pixel centres
// at integer + 0.5 in normalised units), as a 2x3 CV_64F matrix for warpAffine.
cv::Mat boxAffinePixels(const BoxAffine& a, cv::Size size);

// Replaces degenerate boxes in a track by the nearest valid one before them
// (hold), or after them for a leading run. A track without any valid box
// becomes the whole image.
std::vector<Box> holdInvalidBoxes(std::vector<Box> track);

}  // namespace boxanim
