// The BoxFlow network (DESIGN §6): box token encoder and the factorised
// space-time U-Net. LibTorch types: include only from core/model sources and
// tests, never from a header that Qt's moc reads (use boxflow.h there).
#pragma once

#include <torch/torch.h>

#include "config.h"

namespace boxanim::model {

// Fourier features of boxes [..., 4] (x1, y1, x2, y2 normalised) -> [..., 8 * freqs].
// Layout per coordinate i (0..3): sin(2^k * pi * c_i) for k = 0..freqs-1, then
// cos(2^k * pi * c_i) for k = 0..freqs-1; coordinates follow each other.
torch::Tensor fourierFeatures(const torch::Tensor& boxes, int freqs);

// Sinusoidal features of a normalised frame position p in [0, 1] (p = t/(T-1)):
// [sin(2^k pi p), cos(2^k pi p)] for k = 0..7 -> 16 values. Independent of T.
torch::Tensor framePositionFeatures(int64_t frames, torch::Device device);
constexpr int kFramePosFeatures = 16;

// One token per (frame, object): MLP([fourier(box); slot embedding; kind embedding]).
struct BoxTokenEncoderImpl : torch::nn::Module {
    explicit BoxTokenEncoderImpl(const BoxFlowConfig& cfg);
    // boxes [B, T, M, 4] float, kinds [B, T, M] int64 (TokenKind) -> [B, T, M, tokenDim]
    torch::Tensor forward(const torch::Tensor& boxes, const torch::Tensor& kinds);

    int freqs;
    torch::nn::Embedding slot{nullptr}, kind{nullptr};
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(BoxTokenEncoder);

// Per-call context shared by all blocks.
struct BlockContext {
    int64_t batch = 1;
    int64_t frames = 1;
    torch::Tensor temb;      // [B*T, timeEmbDim]
    torch::Tensor tokens;    // [B*T, M, tokenDim] or undefined (no box attention input)
    torch::Tensor framePos;  // [T, kFramePosFeatures]
};

struct ResBlockImpl : torch::nn::Module {
    ResBlockImpl(int cin, int cout, int tembDim);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb);
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
    torch::nn::Linear emb{nullptr};
};
TORCH_MODULE(ResBlock);

// Residual 1-D convolution over time (kernel 3), zero-initialised: identity at start.
struct TemporalConvImpl : torch::nn::Module {
    explicit TemporalConvImpl(int c);
    torch::Tensor forward(const torch::Tensor& x, int64_t batch, int64_t frames);
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d conv{nullptr};  // kernel (3, 1) over [B, C, T, H*W]
};
TORCH_MODULE(TemporalConv);

struct SpatialAttnImpl : torch::nn::Module {
    SpatialAttnImpl(int c, int headDim);
    torch::Tensor forward(const torch::Tensor& x);
    int heads;
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Linear qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(SpatialAttn);

struct TemporalAttnImpl : torch::nn::Module {
    TemporalAttnImpl(int c, int headDim);
    torch::Tensor forward(const torch::Tensor& x, const BlockContext& ctx);
    int heads;
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear pos{nullptr}, qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(TemporalAttn);

// GLIGEN gated self-attention: x + tanh(gate) * SelfAttn(LN([x; tokens]))[visual].
struct GatedBoxAttnImpl : torch::nn::Module {
    GatedBoxAttnImpl(int c, int tokenDim, int headDim);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tokens);
    int heads;
    torch::nn::Linear tokenProj{nullptr}, qkv{nullptr}, proj{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    torch::Tensor gate;
};
TORCH_MODULE(GatedBoxAttn);

// ResBlock, temporal conv, then the level's attention layers.
struct STBlockImpl : torch::nn::Module {
    STBlockImpl(int cin, int cout, const BoxFlowConfig& cfg, bool spatial, bool temporal, bool box);
    torch::Tensor forward(torch::Tensor x, const BlockContext& ctx);
    ResBlock res{nullptr};
    TemporalConv tconv{nullptr};
    SpatialAttn sattn{nullptr};
    TemporalAttn tattn{nullptr};
    GatedBoxAttn battn{nullptr};
};
TORCH_MODULE(STBlock);

struct BoxFlowNetImpl : torch::nn::Module {
    explicit BoxFlowNetImpl(const BoxFlowConfig& cfg);

    // x [B, T, 7, H, W] noisy target, cond [B, T, 15, H, W], t [B] in [0, 1]
    // (1 = pure noise), boxes [B, T, M, 4], kinds [B, T, M] int64. boxes may
    // be undefined: then no tokens enter the gated attention. tokenKeep [B]
    // (optional, 0/1) zeroes the tokens of dropped samples (training).
    // Returns the velocity [B, T, 7, H, W]. H and W must be multiples of
    // config().sideMultiple().
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond, const torch::Tensor& t,
                          const torch::Tensor& boxes, const torch::Tensor& kinds,
                          const torch::Tensor& tokenKeep = {});

    const BoxFlowConfig& config() const { return cfg; }
    std::vector<torch::Tensor> gates();  // every GatedBoxAttn gate

    BoxFlowConfig cfg;
    BoxTokenEncoder tokenEncoder{nullptr};
    torch::nn::Linear time1{nullptr}, time2{nullptr};
    torch::nn::Conv2d convIn{nullptr}, convOut{nullptr};
    torch::nn::GroupNorm normOut{nullptr};
    torch::nn::ModuleList down{nullptr}, downsample{nullptr}, mid{nullptr}, up{nullptr}, upsample{nullptr};
};
TORCH_MODULE(BoxFlowNet);

// Between the ground-truth target [.., 7, H, W] (flow in box units) and the
// space the network denoises in (flow times config.flowScale); dim -3 is the
// channel.
torch::Tensor toModelSpace(const torch::Tensor& target, const BoxFlowConfig& cfg);
torch::Tensor fromModelSpace(const torch::Tensor& x, const BoxFlowConfig& cfg);

int64_t parameterCount(const torch::nn::Module& m);

// Optional per-component timing of forward passes (CPU: ops are synchronous).
// Components: conv_in_out, res, tconv, sattn, tattn, battn, tokens, resample.
void setProfiling(bool on);
std::vector<std::pair<std::string, double>> profileSeconds();  // accumulated since reset
void resetProfile();

}  // namespace boxanim::model
