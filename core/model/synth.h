// Procedural training clips with exact ground truth (DESIGN §6 trainer), built
// with tensor ops on the training device, and the conditioning builders that
// inference shares with training (so both see identical inputs).
//
// Ground truth follows core/render/motion_plan.h exactly:
//  * layer logits [5]: layer 0 background, layer k >= 1 object slot k-1
//    (slots are in depth order, slot 0 in front). +1 where the object's matte,
//    dilated by one pixel (3x3 max), is > 0.5 and no object in front has
//    matte > 0.5 there; -1 elsewhere. Background: +1 where no object layer is +1.
//  * flow [2]: residual backward flow of the layer visible at the pixel (the
//    front-most object with logit +1, else the background): the frame-0 source
//    position minus A_kt^-1(p), divided by the frame-0 box size (1x1 for the
//    background), where A_kt maps the reference box at frame 0 onto the
//    reference box at frame t (see referenceBoxes()).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace boxanim::model {

struct SynthOptions {
    int frames = 8;
    int width = 64;
    int height = 48;
    double progress = 0.0;     // curriculum 0..1: mostly hard boxes -> mostly soft
    double cameraProb = 0.3;   // share of clips with a camera pan/zoom
    bool renderFrames = false; // also composite every frame's RGB (for inspection)
};

struct SynthBatch {
    torch::Tensor target;    // [B, T, 7, H, W]: 5 layer logits (±1) + 2 residual flow
    torch::Tensor cond;      // [B, T, 15, H, W]: see buildCond()
    torch::Tensor boxes;     // [B, T, 4, 4] conditioning boxes (x1, y1, x2, y2); zero where kind none
    torch::Tensor kinds;     // [B, T, 4] int64 TokenKind
    torch::Tensor refBoxes;  // [B, T, 4, 4] reference boxes of the affine maps
    torch::Tensor trueBoxes; // [B, T, 4, 4] exact keyframed boxes
    torch::Tensor frames;    // [B, T, 3, H, W] composited RGB (only with renderFrames)
};

// How a procedural object deforms, a function of its box track alone (no
// random phase), so that what the boxes say determines it (issue 12 item 4).
// Per frame, in the frame's box:
//  * lean: follow-through under horizontal acceleration, a shear that moves the
//    top against the acceleration (share of the box width from top to bottom);
//  * stretch along the direction of motion (dirX, dirY in pixels, unit) with
//    speed, squeezing across it: 1 + stretch along, 1 / (1 + stretch) across;
//  * turn: rotation (radians) towards the path's tangent as the heading changes.
// Each follows its target with a lag (time constant kDeformLag of the clip),
// so the object overshoots a little when its box stops. All zero at frame 0 and
// for a box that does not move; bounded by kMaxLean, kMaxStretch, kMaxTurn.
struct MotionDeformation {
    std::vector<double> lean, stretch, dirX, dirY, turn;
};
constexpr double kMaxLean = 0.08, kMaxStretch = 0.08, kMaxTurn = 0.25, kDeformLag = 0.08;
// boxes: normalised (x1, y1, x2, y2) per frame; width, height: frame pixels.
MotionDeformation motionDeformation(const std::vector<std::array<double, 4>>& boxes, int width, int height);

// Deterministic in (seed, options); random numbers are drawn on the CPU, then
// the clips are built on `device`.
SynthBatch generateBatch(int batch, std::uint64_t seed, const SynthOptions& options, torch::Device device);

// --- conditioning shared with inference -----------------------------------

// Reference boxes for the affine maps: the given box where kind != none; for
// kind-none frames the box linearly interpolated between the neighbouring
// frames that have one (held after the last). boxes [B, T, M, 4], kinds
// [B, T, M]. Frame 0 must have a box for every present object; slots with no
// box at all stay zero.
torch::Tensor referenceBoxes(const torch::Tensor& boxes, const torch::Tensor& kinds);

// Rigidly warps frame-0 mattes [B, M, H, W] with the maps refBoxes[:, 0] ->
// refBoxes[:, t] (axis-aligned scale + translation): -> [B, T, M, H, W].
// Slots with a degenerate box give zeros.
torch::Tensor warpMattes(const torch::Tensor& mattes0, const torch::Tensor& refBoxes);

// Box raster [B, T, M, H, W]: 1 inside hard boxes, 0.5 inside soft, 0 else
// (a pixel is inside when its centre is).
torch::Tensor boxRaster(const torch::Tensor& boxes, const torch::Tensor& kinds, int height, int width);

// cond [B, T, 15, H, W] = [frame-0 RGB (3, in [0, 1]) ; frame-0 mattes (4) ;
// warped mattes (4) ; box raster (4)], the first two repeated per frame.
torch::Tensor buildCond(const torch::Tensor& rgb0, const torch::Tensor& mattes0, const torch::Tensor& warped,
                        const torch::Tensor& raster);

// Strip image for inspection: rows = RGB frames with boxes drawn (green hard,
// yellow soft), GT layers as colours, flow as colours, warped mattes; one
// column per frame. Returns uint8 [H', W', 3] on the CPU for clip `b`.
torch::Tensor clipStrip(const SynthBatch& batch, int b, const torch::Tensor& prediction = {});

}  // namespace boxanim::model
