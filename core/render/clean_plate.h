// The clean plate (DESIGN §7): the reference image with every object removed,
// computed once per generation. The union of the dilated mattes is inpainted
// (cv::inpaint, Telea) on a copy whose long side is at most 512 px; the result
// is upsampled and pasted into the hole only, so every pixel outside the hole
// is the photo's own.
#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>

namespace boxanim {

struct PlateOptions {
    int maxWorkingSide = 512;  // inpainting resolution (long side)
    int dilatePixels = 0;      // hole grows by this many full-res pixels; 0 = automatic
    double threshold = 0.02;   // matte values above this are part of the hole
    double inpaintRadius = 5;  // Telea neighbourhood, in working-resolution pixels
};

// The hole the plate fills: CV_8UC1 (255 inside), full resolution.
cv::Mat plateHole(cv::Size size, const std::vector<cv::Mat>& mattes,
                  const PlateOptions& options = {});

// image: CV_8UC3; mattes: CV_32FC1 of the image's size. Without mattes, the
// plate is a copy of the image.
cv::Mat computeCleanPlate(const cv::Mat& image, const std::vector<cv::Mat>& mattes,
                          const PlateOptions& options = {});

}  // namespace boxanim
