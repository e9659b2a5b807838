// Measuring the clean plate's fill (issue 11, docs/BENCHMARKS.md).
//
// Quality: real photos (Debian's opencv-doc and python3-skimage sample data)
// with an object silhouette pasted with an exact alpha; the hole is the
// production hole (plateHole: the dilated matte) and the true background is
// the photo itself. Scored inside the hole: PSNR, the detail ratio (mean
// |Laplacian| of the filled grey image over that of the true one; a smear is
// far below 1, noise far above) and the contrast ratio (the same for the
// band between the finest grain and the hole's scale: a washed-out fill can
// carry the photo's fine grain on a haze).
//
// Speed: the fill of procedural photo-like images (multi-octave noise,
// gratings, edges) with elliptical holes of a given share of the area.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/render/clean_plate.h"

namespace boxanim {

struct FillScene {
    std::string name;     // short id, e.g. "wood"
    std::string content;  // what the hole covers, e.g. "wood grain"
    std::string photo;    // file the background came from
    cv::Mat truth;        // CV_8UC3, the photo
    cv::Mat image;        // the photo with the object pasted
    cv::Mat matte;        // CV_32FC1, the object's exact alpha
    bool heldOut = false; // not used to choose the fill's parameters
};

struct FillScore {
    double psnr = 0;           // dB, over the hole's pixels and channels
    double detailRatio = 0;    // mean |Laplacian| filled / true, over the hole
    double contrastRatio = 0;  // RMS of the grey sigma 2-8 band filled / true, over the hole
    double ms = 0;             // wall time of computeCleanPlate
};

// The hole's score of a plate against the truth. hole: CV_8UC1, non-zero inside.
FillScore scoreFill(const cv::Mat& plate, const cv::Mat& truth, const cv::Mat& hole);

// The benchmark's scenes from the photos found under the given directories
// (defaults: Debian's opencv-doc and python3-skimage data). Throws
// std::runtime_error naming a missing photo.
std::vector<FillScene> fillScenes(const std::vector<std::string>& photoDirs = {});

// `count` scenes nobody chose: each draws a photo, a silhouette, a place and
// a height (25-45% of the photo's) from `sceneSeed`; all are held out.
std::vector<FillScene> randomFillScenes(int count, std::uint64_t sceneSeed,
                                        const std::vector<std::string>& photoDirs = {});

// Scores Telea (PlateMethod::Diffusion, the previous plate) and the
// completion (with `seed`) on every scene (the sixteen, or with randomScenes > 0
// that many random scenes of `sceneSeed`); returns a Markdown table. With
// outDir, writes per scene <name>-{input,telea,fill,truth}.png and the
// before/after strips fill-strip.png and fill-strip-held-out.png (rows: input
// with the hole outlined, Telea, completion, truth; crops around the hole).
std::string fillQualityBenchmark(const std::string& outDir = {}, int repeats = 3, std::uint64_t seed = 1,
                                 int randomScenes = 0, std::uint64_t sceneSeed = 1);

// Fill time (median of `repeats`) for each size in megapixels (4:3) and each
// hole share of the area, on procedural images; a Markdown table.
std::string fillSpeedBenchmark(const std::vector<double>& megapixels = {0.5, 0.786, 4.0},
                               const std::vector<double>& holeShares = {0.05, 0.15, 0.30},
                               int repeats = 3, const CompletionOptions& options = {});

}  // namespace boxanim
