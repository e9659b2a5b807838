// Architecture configuration of the BoxFlow network (DESIGN §6). Plain values,
// no LibTorch: the manifest, the trainer config and the facade share it.
#pragma once

#include <string>
#include <vector>

#include "json.h"

namespace boxanim::model {

constexpr int kTargetChannels = 7;  // 5 layer logits (±1) + 2 residual flow
constexpr int kLayers = 5;          // background + kMaxObjects
constexpr int kMaxObjects = 4;
constexpr int kCondChannels = 15;   // frame-0 RGB 3, frame-0 mattes 4, warped mattes 4, box raster 4

// Box kinds as the network sees them (the kind embedding's index).
enum class TokenKind : int { None = 0, Soft = 1, Hard = 2 };

struct BoxFlowConfig {
    std::string architecture = "boxflow-unet-v1";
    std::vector<int> channels = {64, 128, 192};  // per level; level i works at (64 >> i) px for 64 px input
    int resBlocks = 2;                            // residual blocks per level (down path)
    int headDim = 64;                             // attention heads = max(1, C / headDim)
    int fourierFreqs = 8;                         // box Fourier features: 4 coords x freqs x (sin, cos)
    int tokenDim = 256;                           // box token width
    int embedDim = 64;                            // slot and kind embedding width
    int maxObjects = kMaxObjects;
    std::vector<int> spatialAttnLevels = {2};     // spatial self-attention (16x16 at 64 px)
    std::vector<int> temporalAttnLevels = {1, 2}; // temporal self-attention (32x32, 16x16)
    std::vector<int> boxAttnLevels = {1, 2};      // GLIGEN gated box attention (32x32, 16x16)
    bool midBlock = true;                         // res + attn + res at the lowest level
    // The diffusion target's residual flow channels are this many times the
    // flow (box units): the flow is small (~0.05) and would otherwise drown in
    // unit-variance noise. 1 for weights trained before this existed.
    double flowScale = 1.0;

    int levels() const { return static_cast<int>(channels.size()); }
    int timeEmbDim() const { return 4 * channels.front(); }
    // The downsampling factor: input sides must be multiples of this.
    int sideMultiple() const { return 1 << (levels() - 1); }

    Json toJson() const;
    static BoxFlowConfig fromJson(const Json& j);  // missing keys keep the defaults

    // Named presets: "full" (DESIGN §6, about 9M parameters), "s" (the CPU-
    // trainable boxflow-s), "tiny" (smoke tests).
    static BoxFlowConfig preset(const std::string& name);
};

}  // namespace boxanim::model
