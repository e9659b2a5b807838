// Foreground colours of a soft matte. Where a matte is soft (an object's
// anti-aliased, blurred or hairy rim) the photo's pixel is a mix
// I = alpha F + (1 - alpha) B of the object's colour F and the background's
// B. Moving the photo's pixel with the object drags B along: a fringe of the
// old background (and, premultiplied once more, a dark rim) around the object
// wherever it goes. The renderer composites alpha F instead.
//
// Written from P. Germer, T. Uelwer, S. Conrad, S. Harmeling, "Fast
// Multi-Level Foreground Estimation", ICPR 2020: per pixel and channel the
// 2x2 least-squares system of the compositing equation plus smoothness of F
// and B towards the 4-neighbours (weighted by regularisation + |alpha step|),
// solved coarse to fine (nearest-neighbour levels whose sides grow
// geometrically), a few Gauss-Seidel sweeps per level. Pixels far from any
// alpha step, fully opaque or fully transparent, have the exact solution
// (F = I, or B = I) and are not swept, so the cost follows the soft rim's
// length, not the object's area. Sequential, so deterministic.
#pragma once

#include <opencv2/core/mat.hpp>

namespace boxanim {

struct ForegroundOptions {
    double regularization = 1e-5;  // smoothness of F and B where alpha is flat (colours in 0..1)
    double gradientWeight = 1.0;   // smoothness added across alpha steps
    int smallIterations = 10;      // sweeps at levels of at most smallSize per side ...
    int bigIterations = 2;         // ... and at the larger ones
    int smallSize = 32;
};

// bgr: CV_8UC3; alpha: CV_8UC1 (0..255) or CV_32FC1 (0..1) of the same size.
// Returns F as CV_8UC3: the photo itself wherever alpha is 1 and no
// neighbour's alpha differs; an estimate of the object's own colour in the
// soft rim; a smooth continuation of it where alpha is 0.
cv::Mat estimateForeground(const cv::Mat& bgr, const cv::Mat& alpha, const ForegroundOptions& options = {});
// Both layers: F as above and B (CV_8UC3), the photo where alpha is 0 and an
// estimate of what lies behind the object elsewhere.
void estimateForegroundBackground(const cv::Mat& bgr, const cv::Mat& alpha, cv::Mat& foreground,
                                  cv::Mat& background, const ForegroundOptions& options = {});

struct RimRefitOptions {
    double minContrast = 30.0;  // F and B closer than this (RGB distance, grey levels): alpha kept
    double sigma = 4.0;         // Gaussian (px) over which the clear side's colour is averaged
    double spreadFactor = 3.0;  // that colour is used where |F - it| >= this x its local spread
};

// Refits a soft rim's alpha to the photo: where 0 < alpha < 255, the alpha
// whose blend of B and F is nearest to the pixel (its projection onto the
// line from B to F: one step of alternating between the layers and alpha, as
// Bayesian matting does; Chuang et al., CVPR 2001). B is the clear side's
// own colour nearby (Gaussian-weighted mean of the alpha = 0 pixels) where
// the object stands out from it by more than its texture varies, else the
// estimated background. A matte softened past a crisp edge (a guided
// filter's radius over a flat background) then stops painting the object's
// colour around it as a glow. Unchanged where F and B are too alike.
// bgr, foreground, background: CV_8UC3; alpha: CV_8UC1, all one size (alpha
// may be a view into a larger matte).
void refitRimAlpha(const cv::Mat& bgr, const cv::Mat& foreground, const cv::Mat& background, cv::Mat& alpha,
                   const RimRefitOptions& options = {});

}  // namespace boxanim
