// Exemplar-based image completion (DESIGN §7): fills a hole with the photo's
// own texture. Written from the papers:
//   - C. Barnes, E. Shechtman, A. Finkelstein, D. B. Goldman, "PatchMatch: A
//     Randomized Correspondence Algorithm for Structural Image Editing",
//     SIGGRAPH 2009 - the nearest-neighbour field (NNF), random
//     initialisation, propagation and random search;
//   - Y. Wexler, E. Shechtman, M. Irani, "Space-Time Completion of Video",
//     PAMI 2007 - the coarse-to-fine EM: every pixel of the hole is the
//     weighted vote of the source patches matched to all target patches that
//     cover it, weights from patch similarity and from the distance to the
//     hole's border; the dominant mode of the candidate colours (mean
//     shift) at the finest level, their weighted mean below.
// Additions, each for a failure seen on real photos: a texture feature
// channel (Newson et al., "Video Inpainting of Complex Scenes", SIAM J.
// Imaging Sci. 2014) so flat sky cannot stand in for a textured facade; an
// onion-peel pass at the coarsest level that seeds the field from the
// border's matches, solved from two starts (a vote of those matches, and
// Efros-Leung synthesis) of which the lower final energy is kept, unless
// the voted one is a blank (much flatter than the hole's border); sources
// at the coarsest level only from near the hole (same scale, perspective and
// light, as GIMP's Resynthesizer samples a band around the selection); the
// pyramid's depth set by the hole's inscribed radius; a gradient-domain
// (Poisson) correction against seams between copies on smooth gradients; a
// final detail transfer that gives each pixel its match's own high-pass.
//
// Sources are only patches that lie wholly in the known region, so no hole
// pixel (an object, or anything else under the mask) is ever read. The result
// depends only on the inputs and the seed: the work is split into fixed row
// bands that never read each other's state during a pass, so the thread count
// and scheduling do not change a byte.
#pragma once

#include <atomic>
#include <cstdint>

#include <opencv2/core/mat.hpp>

namespace boxanim {

struct CompletionOptions {
    int patchSize = 7;            // odd; patch side in pixels at every level
    std::uint64_t seed = 1;       // random initialisation and search
    int coarsestSide = 40;        // the pyramid stops when the long side is at most this ...
    double coarsestHoleRadius = 10; // ... or before the hole's inscribed radius falls below this (pixels), 0: off,
    int coarsestMaxSide = 200;      // ... once the long side is at most this
    int searchSide = 1100;        // levels with a longer side only refine the upsampled field locally
    int coarseEmIterations = 8;   // EM iterations at the coarsest level ...
    int fineEmIterations = 2;     // ... falling linearly to this at the finest searched level
    int refineEmIterations = 1;   // EM iterations at levels above searchSide
    int refineRadius = 4;         // random-search radius at levels above searchSide
    double borderGamma = 1.3;     // vote confidence gamma^-(distance to the border), Wexler et al.
    double textureGain = 2.0;     // weight of the texture feature (mean gradient magnitude) in patch distances; 0: colour only
    double modeBandwidth = 16;    // mean-shift kernel (grey levels) for the vote's mode; <= 0: weighted mean
    double detailTransfer = 1.0;  // share of the vote's high-pass replaced by its match's (finest level); 0: off
    int gradientIterations = 20;  // Gauss-Seidel sweeps per level of the gradient-domain correction; 0: off
    double sourceReach = 1.0;     // at the coarsest level, sources only within this multiple of the hole's longer side of it; 0: anywhere
    bool synthesisStart = true;   // also solve the coarsest level from a synthesis start; kept by energy or against a blank (completion.cpp)
    int modeLevels = 1;           // the mode is used at this many of the finest levels, the mean below
    // Holes whose every pixel is within this distance of a known pixel (thin
    // slivers, a few pixels) are filled by Telea diffusion instead.
    double diffusionMaxDistance = 2.0;
    const std::atomic<bool>* cancel = nullptr;  // checked between passes; a cancelled call returns an empty Mat
};

// image: CV_8UC3; hole: CV_8UC1 of the same size, non-zero where unknown.
// Returns a copy of the image whose hole pixels are completed; every pixel
// outside the hole is the input's own. Without any usable source patch (the
// hole covers nearly everything) it falls back to Telea diffusion.
cv::Mat completeHole(const cv::Mat& image, const cv::Mat& hole, const CompletionOptions& options = {});

}  // namespace boxanim
