// Frame-0 mattes (DESIGN §6 Mattes): a learned subject mask of the padded
// hard-box crop (optional; supplied by core/engine, this library stays
// torch-free) as the prior of cv::grabCut inside the box on a downscaled
// copy, the user's include/exclude strokes as certain foreground/background,
// then upsampled and refined with a guided filter at full resolution.
// Result: one CV_32FC1 matte in [0, 1] per object.
#pragma once

#include <functional>
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
    double priorPad = 0.15;       // the subject-mask crop: the box grown by this share per side
    float priorThreshold = 0.5f;  // prior >= this starts as probable foreground
    double priorWeight = 0.5;     // weight of -log(prior) beside the colour models' -log p
    // When the network's subject is the object the user boxed (the IoU of
    // the bounding box of its p >= priorThreshold pixels with the init
    // rectangle), its confident labels may outweigh colour: from a fit of
    // trustFitLow, fully from trustFitHigh, the colour models' log-likelihood
    // ratio is bounded by trustedColourBound (nats) and the network's
    // log-odds weigh trustedPriorWeight (docs/BENCHMARKS.md, Mattes).
    double trustFitLow = 0.84, trustFitHigh = 0.90;
    double trustedColourBound = 5.0;
    double trustedPriorWeight = 1.0;
    int fusedIterations = 3;      // graph cuts with colour + prior after grabCut
    int strokeIterations = 3;     // cuts after each of the user's strokes (strokeCut)
};

// The region of the image the subject-mask network sees for `box`: the box
// grown by options.priorPad of its size on each side, clipped to the image
// (pixels). Empty when the box lies outside the image.
cv::Rect priorCropRect(cv::Size image, const Box& box, const MatteOptions& options = {});

// A subject-probability map of the crop `crop` (the priorCropRect, image
// pixels): CV_32FC1 of crop.size(), values in [0, 1].
struct MattePrior {
    cv::Mat probability;  // empty: no learned prior (grabCut alone)
    cv::Rect crop;
};

// The combined matte of one object: `prior` (may be empty) seeds grabCut's
// probable foreground/background inside the margin-grown box, `strokes`
// (normalised, radius relative to the longer side) are certain
// foreground/background (later strokes paint over earlier ones, include
// strokes may reach outside the box). CV_32FC1, image size, [0, 1].
cv::Mat computeMatte(const cv::Mat& image, const Box& box, const std::vector<Stroke>& strokes,
                     const MattePrior& prior, const MatteOptions& options = {});

// The expensive, stroke-free part of a matte, cached by core/engine so a
// stroke costs a few graph cuts (finishMatte) and not the whole matte.
struct MatteBase {
    cv::Size full;     // the image's size
    Box box;           // the frame-0 box
    double scale = 1;  // working copy / image
    cv::Size working;  // the working copy's size
    cv::Rect rect;     // the init rectangle (working px); empty: nothing to matte
    cv::Rect region;   // the rectangle and a band around it (working px), where cuts run
    cv::Mat image;     // the working copy of region, CV_8UC3
    cv::Mat prior;     // the learned prior over region, CV_32FC1; empty: none
    double networkTrust = 0;  // 0..1: how far the prior's confident labels outweigh colour
    cv::Mat labels;    // the stroke-free cut over region (cv::GrabCutClasses); empty: the
                       // colour models could not be made, the rectangle is taken whole
};

// The init rectangle in working pixels: the margin-grown box, grown further
// to the include strokes that reach outside it. Bases with the same
// rectangle (and image, box, prior) are the same.
cv::Rect matteWorkingRect(cv::Size image, const Box& box, const std::vector<Stroke>& strokes,
                          const MatteOptions& options = {});

// grabCut and the fused cut without strokes, on the rectangle
// matteWorkingRect(image, box, strokes) (strokes only grow it).
MatteBase prepareMatte(const cv::Mat& image, const Box& box, const std::vector<Stroke>& strokes,
                       const MattePrior& prior, const MatteOptions& options = {});
// The same, with the prior asked for only once grabCut's colour cut is done
// (and not at all when there is nothing to fuse it with): a caller can run
// the network meanwhile on another thread.
MatteBase prepareMatte(const cv::Mat& image, const Box& box, const std::vector<Stroke>& strokes,
                       const std::function<MattePrior()>& priorSource,
                       const MatteOptions& options = {});

// The matte from a base and the strokes: strokeCut (none without strokes),
// speckles dropped, guided-filter edges at full resolution.
// computeMatte = finishMatte(prepareMatte).
cv::Mat finishMatte(const cv::Mat& image, const MatteBase& base, const std::vector<Stroke>& strokes,
                    const MatteOptions& options = {});

// The labels (cv::GrabCutClasses over base.region) after the strokes, applied
// one at a time in painting order: each stroke's pixels become certain labels,
// then options.strokeIterations cuts run from the labels the strokes before it
// left. `from` holds the labels after the first `fromCount` strokes (a cache:
// the editor's previous strokes); empty: from the stroke-free cut. Empty when
// the base has no cut.
cv::Mat strokeCut(const MatteBase& base, const std::vector<Stroke>& strokes,
                  const MatteOptions& options = {}, const cv::Mat& from = {},
                  std::size_t fromCount = 0);

// finishMatte with the strokes' cut already made (strokeCut's labels).
cv::Mat finishMatte(const cv::Mat& image, const MatteBase& base, const std::vector<Stroke>& strokes,
                    const cv::Mat& cutLabels, const MatteOptions& options = {});

// Graph cut over `labels` (cv::GrabCutClasses, CV_8UC1, img's size) with
// grabCut's colour models and smoothness plus priorWeight * -log(prior) of
// the learned subject probability (CV_32FC1) as a second data term; each
// iteration re-learns the colour models from the labels. With trust > 0 the
// data term blends (by trust) towards the colour models' log-likelihood
// ratio bounded by the options' trustedColourBound plus trustedPriorWeight
// times the prior's log-odds. Probable labels change, certain ones stay.
// False when the colour models cannot be made.
bool fusedGraphCut(const cv::Mat& img, const cv::Rect& rect, const cv::Mat& prior, cv::Mat& labels,
                   int iterations, const MatteOptions& options, double trust = 0);

// The guided filter (He et al.) of a soft matte (CV_32FC1) under its photo
// (CV_8UC3, the same size): edges that follow the photo's. Regions of more
// than `fullResolutionPixels` use the fast guided filter (coefficients on a
// subsampled copy, applied at full resolution), so a phone photo's matte and
// each stroke's update stay interactive.
cv::Mat refineMatteEdges(const cv::Mat& bgr, const cv::Mat& soft, int radius, double eps,
                         long fullResolutionPixels = 2'000'000);

// Rasterises strokes into a CV_8UC1 label image of `size`: 0 none, 1
// include, 2 exclude (in painting order).
cv::Mat rasterizeStrokes(cv::Size size, const std::vector<Stroke>& strokes);

// Removes from each matte what the mattes in front of it cover (front first):
// m_k *= (1 - union of m_0..m_{k-1}).
void occludeFrontToBack(std::vector<cv::Mat>& mattes);

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
