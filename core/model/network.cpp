#include "network.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

namespace boxanim::model {

constexpr double kPi = 3.14159265358979323846;

namespace {

int groupsFor(int c) {
    for (int g : {32, 16, 8, 4, 2})
        if (c % g == 0 && c / g >= 2) return g;
    return 1;
}

torch::nn::GroupNorm groupNorm(int c) { return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groupsFor(c), c)); }

void zeroInit(torch::nn::Linear& l) {
    torch::NoGradGuard g;
    l->weight.zero_();
    if (l->bias.defined()) l->bias.zero_();
}
void zeroInit(torch::nn::Conv2d& c) {
    torch::NoGradGuard g;
    c->weight.zero_();
    if (c->bias.defined()) c->bias.zero_();
}

// q [N, Lq, C], k/v [N, Lk, C] -> [N, Lq, C]. Plain matmul + softmax so that
// it compiles against libtorch 1.13 (no public SDPA) and 2.x alike.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int heads) {
    const auto N = q.size(0), Lq = q.size(1), Lk = k.size(1), C = q.size(2);
    const auto d = C / heads;
    auto qh = q.reshape({N, Lq, heads, d}).transpose(1, 2);
    auto kh = k.reshape({N, Lk, heads, d}).transpose(1, 2);
    auto vh = v.reshape({N, Lk, heads, d}).transpose(1, 2);
    auto scores = torch::matmul(qh, kh.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(d)));
    auto w = torch::softmax(scores, -1);
    return torch::matmul(w, vh).transpose(1, 2).reshape({N, Lq, C});
}

bool gProfiling = false;
std::mutex gProfileMutex;
std::map<std::string, double> gProfile;

struct Timed {
    const char* name;
    std::chrono::steady_clock::time_point t0;
    explicit Timed(const char* n) : name(n) { if (gProfiling) t0 = std::chrono::steady_clock::now(); }
    ~Timed() {
        if (!gProfiling) return;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::lock_guard<std::mutex> lock(gProfileMutex);
        gProfile[name] += s;
    }
};

int headsFor(int c, int headDim) { return std::max(1, c / headDim); }

torch::Tensor timestepEmbedding(const torch::Tensor& t, int dim) {
    // sinusoidal embedding of 1000 * t, as in DDPM/LDM
    const int half = dim / 2;
    auto freqs = torch::exp(-std::log(10000.0) *
                            torch::arange(half, torch::TensorOptions().dtype(torch::kFloat32).device(t.device())) /
                            static_cast<double>(half));
    auto args = (t.to(torch::kFloat32) * 1000.0).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::cos(args), torch::sin(args)}, 1);
}

}  // namespace

torch::Tensor fourierFeatures(const torch::Tensor& boxes, int freqs) {
    auto scale = torch::pow(2.0, torch::arange(freqs, boxes.options().dtype(torch::kFloat32))) * kPi;  // [F]
    auto args = boxes.to(torch::kFloat32).unsqueeze(-1) * scale;                                    // [..., 4, F]
    auto f = torch::cat({torch::sin(args), torch::cos(args)}, -1);                                   // [..., 4, 2F]
    return f.flatten(-2);                                                                             // [..., 8F]
}

torch::Tensor framePositionFeatures(int64_t frames, torch::Device device) {
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    auto p = frames > 1 ? torch::arange(frames, opts) / static_cast<double>(frames - 1) : torch::zeros({1}, opts);
    auto scale = torch::pow(2.0, torch::arange(kFramePosFeatures / 2, opts)) * kPi;
    auto args = p.unsqueeze(1) * scale.unsqueeze(0);
    return torch::cat({torch::sin(args), torch::cos(args)}, 1);  // [T, 16]
}

// ---------------------------------------------------------------- tokens

BoxTokenEncoderImpl::BoxTokenEncoderImpl(const BoxFlowConfig& cfg) : freqs(cfg.fourierFreqs) {
    slot = register_module("slot", torch::nn::Embedding(cfg.maxObjects, cfg.embedDim));
    kind = register_module("kind", torch::nn::Embedding(3, cfg.embedDim));
    const int in = 8 * cfg.fourierFreqs + 2 * cfg.embedDim;
    fc1 = register_module("fc1", torch::nn::Linear(in, cfg.tokenDim));
    fc2 = register_module("fc2", torch::nn::Linear(cfg.tokenDim, cfg.tokenDim));
}

torch::Tensor BoxTokenEncoderImpl::forward(const torch::Tensor& boxes, const torch::Tensor& kinds) {
    const auto M = boxes.size(-2);
    auto ff = fourierFeatures(boxes, freqs);  // [B, T, M, 8F]
    auto slots = torch::arange(M, kinds.options().dtype(torch::kLong));
    auto se = slot->forward(slots).view({1, 1, M, -1}).expand({ff.size(0), ff.size(1), M, -1});
    auto ke = kind->forward(kinds.to(torch::kLong));
    auto h = torch::cat({ff, se, ke}, -1);
    return fc2->forward(torch::silu(fc1->forward(h)));
}

// ---------------------------------------------------------------- blocks

ResBlockImpl::ResBlockImpl(int cin, int cout, int tembDim) {
    norm1 = register_module("norm1", groupNorm(cin));
    conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(cin, cout, 3).padding(1)));
    emb = register_module("emb", torch::nn::Linear(tembDim, cout));
    norm2 = register_module("norm2", groupNorm(cout));
    conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(cout, cout, 3).padding(1)));
    zeroInit(conv2);
    if (cin != cout) skip = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(cin, cout, 1)));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
    auto h = conv1->forward(torch::silu(norm1->forward(x)));
    h = h + emb->forward(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
    h = conv2->forward(torch::silu(norm2->forward(h)));
    return (skip ? skip->forward(x) : x) + h;
}

TemporalConvImpl::TemporalConvImpl(int c) {
    norm = register_module("norm", groupNorm(c));
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(c, c, {3, 1}).padding({1, 0})));
    zeroInit(conv);
}

torch::Tensor TemporalConvImpl::forward(const torch::Tensor& x, int64_t batch, int64_t frames) {
    const auto C = x.size(1), H = x.size(2), W = x.size(3);
    auto h = torch::silu(norm->forward(x));
    h = h.view({batch, frames, C, H * W}).permute({0, 2, 1, 3});  // [B, C, T, HW]
    h = conv->forward(h).permute({0, 2, 1, 3}).reshape({batch * frames, C, H, W});
    return x + h;
}

SpatialAttnImpl::SpatialAttnImpl(int c, int headDim) : heads(headsFor(c, headDim)) {
    norm = register_module("norm", groupNorm(c));
    qkv = register_module("qkv", torch::nn::Linear(c, 3 * c));
    proj = register_module("proj", torch::nn::Linear(c, c));
    zeroInit(proj);
}

torch::Tensor SpatialAttnImpl::forward(const torch::Tensor& x) {
    const auto N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    auto h = norm->forward(x).flatten(2).transpose(1, 2);  // [N, HW, C]
    auto qkvs = qkv->forward(h).chunk(3, -1);
    auto a = proj->forward(attention(qkvs[0], qkvs[1], qkvs[2], heads));
    return x + a.transpose(1, 2).reshape({N, C, H, W});
}

TemporalAttnImpl::TemporalAttnImpl(int c, int headDim) : heads(headsFor(c, headDim)) {
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c})));
    pos = register_module("pos", torch::nn::Linear(kFramePosFeatures, c));
    qkv = register_module("qkv", torch::nn::Linear(c, 3 * c));
    proj = register_module("proj", torch::nn::Linear(c, c));
    zeroInit(proj);
}

torch::Tensor TemporalAttnImpl::forward(const torch::Tensor& x, const BlockContext& ctx) {
    const auto B = ctx.batch, T = ctx.frames, C = x.size(1), H = x.size(2), W = x.size(3);
    auto h = x.view({B, T, C, H * W}).permute({0, 3, 1, 2}).reshape({B * H * W, T, C});
    auto hn = norm->forward(h) + pos->forward(ctx.framePos).unsqueeze(0);  // [BHW, T, C]
    auto qkvs = qkv->forward(hn).chunk(3, -1);
    auto a = proj->forward(attention(qkvs[0], qkvs[1], qkvs[2], heads));
    a = a.view({B, H * W, T, C}).permute({0, 2, 3, 1}).reshape({B * T, C, H, W});
    return x + a;
}

GatedBoxAttnImpl::GatedBoxAttnImpl(int c, int tokenDim, int headDim) : heads(headsFor(c, headDim)) {
    tokenProj = register_module("token_proj", torch::nn::Linear(tokenDim, c));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c})));
    qkv = register_module("qkv", torch::nn::Linear(c, 3 * c));
    proj = register_module("proj", torch::nn::Linear(c, c));
    gate = register_parameter("gate", torch::zeros({1}));
}

torch::Tensor GatedBoxAttnImpl::forward(const torch::Tensor& x, const torch::Tensor& tokens) {
    const auto N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    auto v = x.flatten(2).transpose(1, 2);  // [N, HW, C]
    auto seq = tokens.defined() ? torch::cat({v, tokenProj->forward(tokens)}, 1) : v;
    auto qkvs = qkv->forward(norm->forward(seq)).chunk(3, -1);
    auto q = qkvs[0].narrow(1, 0, H * W);  // only the visual part is kept
    auto a = proj->forward(attention(q, qkvs[1], qkvs[2], heads));
    return x + torch::tanh(gate) * a.transpose(1, 2).reshape({N, C, H, W});
}

STBlockImpl::STBlockImpl(int cin, int cout, const BoxFlowConfig& cfg, bool spatial, bool temporal, bool box) {
    res = register_module("res", ResBlock(cin, cout, cfg.timeEmbDim()));
    tconv = register_module("tconv", TemporalConv(cout));
    if (spatial) sattn = register_module("sattn", SpatialAttn(cout, cfg.headDim));
    if (temporal) tattn = register_module("tattn", TemporalAttn(cout, cfg.headDim));
    if (box) battn = register_module("battn", GatedBoxAttn(cout, cfg.tokenDim, cfg.headDim));
}

torch::Tensor STBlockImpl::forward(torch::Tensor x, const BlockContext& ctx) {
    { Timed tm("res"); x = res->forward(x, ctx.temb); }
    { Timed tm("tconv"); x = tconv->forward(x, ctx.batch, ctx.frames); }
    if (sattn) { Timed tm("sattn"); x = sattn->forward(x); }
    if (tattn) { Timed tm("tattn"); x = tattn->forward(x, ctx); }
    if (battn) { Timed tm("battn"); x = battn->forward(x, ctx.tokens); }
    return x;
}

// ---------------------------------------------------------------- network

namespace {
bool has(const std::vector<int>& v, int level) { return std::find(v.begin(), v.end(), level) != v.end(); }
}  // namespace

BoxFlowNetImpl::BoxFlowNetImpl(const BoxFlowConfig& c) : cfg(c) {
    const int L = cfg.levels();
    const int c0 = cfg.channels[0];
    tokenEncoder = register_module("tokens", BoxTokenEncoder(cfg));
    time1 = register_module("time1", torch::nn::Linear(c0, cfg.timeEmbDim()));
    time2 = register_module("time2", torch::nn::Linear(cfg.timeEmbDim(), cfg.timeEmbDim()));
    convIn = register_module("conv_in", torch::nn::Conv2d(
                                            torch::nn::Conv2dOptions(kTargetChannels + kCondChannels, c0, 3).padding(1)));
    down = register_module("down", torch::nn::ModuleList());
    downsample = register_module("downsample", torch::nn::ModuleList());
    mid = register_module("mid", torch::nn::ModuleList());
    up = register_module("up", torch::nn::ModuleList());
    upsample = register_module("upsample", torch::nn::ModuleList());
    auto block = [&](int cin, int cout, int level) {
        return STBlock(cin, cout, cfg, has(cfg.spatialAttnLevels, level), has(cfg.temporalAttnLevels, level),
                       has(cfg.boxAttnLevels, level));
    };
    int ch = c0;
    for (int l = 0; l < L; ++l) {
        for (int i = 0; i < cfg.resBlocks; ++i) {
            down->push_back(block(ch, cfg.channels[l], l));
            ch = cfg.channels[l];
        }
        if (l + 1 < L)
            downsample->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, ch, 3).stride(2).padding(1)));
    }
    if (cfg.midBlock) {
        mid->push_back(block(ch, ch, L - 1));
    }
    for (int l = L - 1; l >= 0; --l) {
        for (int i = 0; i < cfg.resBlocks; ++i) {
            const int cin = i == 0 ? ch + cfg.channels[l] : ch;  // first block takes the skip
            up->push_back(block(cin, cfg.channels[l], l));
            ch = cfg.channels[l];
        }
        if (l > 0) upsample->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, ch, 3).padding(1)));
    }
    normOut = register_module("norm_out", groupNorm(ch));
    convOut = register_module("conv_out", torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, kTargetChannels, 3).padding(1)));
}

std::vector<torch::Tensor> BoxFlowNetImpl::gates() {
    std::vector<torch::Tensor> out;
    for (const auto& p : named_parameters(true))
        if (p.key().size() >= 11 && p.key().compare(p.key().size() - 11, 11, ".battn.gate") == 0)
            out.push_back(p.value());
    return out;
}

torch::Tensor BoxFlowNetImpl::forward(const torch::Tensor& x, const torch::Tensor& cond, const torch::Tensor& t,
                                      const torch::Tensor& boxes, const torch::Tensor& kinds,
                                      const torch::Tensor& tokenKeep) {
    TORCH_CHECK(x.dim() == 5 && x.size(2) == kTargetChannels, "BoxFlowNet: x must be [B, T, 7, H, W]");
    TORCH_CHECK(cond.dim() == 5 && cond.size(2) == kCondChannels, "BoxFlowNet: cond must be [B, T, 15, H, W]");
    const auto B = x.size(0), T = x.size(1), H = x.size(3), W = x.size(4);
    const int m = cfg.sideMultiple();
    TORCH_CHECK(H % m == 0 && W % m == 0, "BoxFlowNet: sides must be multiples of ", m, ", got ", W, "x", H);
    BlockContext ctx;
    ctx.batch = B;
    ctx.frames = T;
    auto temb = time2->forward(torch::silu(time1->forward(timestepEmbedding(t, cfg.channels[0]))));  // [B, D]
    ctx.temb = temb.repeat_interleave(T, 0);
    ctx.framePos = framePositionFeatures(T, x.device());
    if (boxes.defined()) {
        Timed tm("tokens");
        auto tok = tokenEncoder->forward(boxes, kinds);  // [B, T, M, D]
        if (tokenKeep.defined()) tok = tok * tokenKeep.view({B, 1, 1, 1}).to(tok.dtype());
        ctx.tokens = tok.reshape({B * T, tok.size(2), tok.size(3)});
    }
    torch::Tensor h;
    { Timed tm("conv_in_out"); h = convIn->forward(torch::cat({x, cond}, 2).reshape({B * T, kTargetChannels + kCondChannels, H, W})); }
    const int L = cfg.levels();
    std::vector<torch::Tensor> skips;
    std::size_t bi = 0;
    for (int l = 0; l < L; ++l) {
        for (int i = 0; i < cfg.resBlocks; ++i) h = down[bi++]->as<STBlockImpl>()->forward(h, ctx);
        skips.push_back(h);
        if (l + 1 < L) { Timed tm("resample"); h = downsample[l]->as<torch::nn::Conv2dImpl>()->forward(h); }
    }
    for (const auto& b : *mid) h = b->as<STBlockImpl>()->forward(h, ctx);
    bi = 0;
    std::size_t ui = 0;
    for (int l = L - 1; l >= 0; --l) {
        for (int i = 0; i < cfg.resBlocks; ++i) {
            if (i == 0) h = torch::cat({h, skips[l]}, 1);
            h = up[bi++]->as<STBlockImpl>()->forward(h, ctx);
        }
        if (l > 0) {
            Timed tm("resample");
            h = h.repeat_interleave(2, 2).repeat_interleave(2, 3);
            h = upsample[ui++]->as<torch::nn::Conv2dImpl>()->forward(h);
        }
    }
    { Timed tm("conv_in_out"); h = convOut->forward(torch::silu(normOut->forward(h))); }
    return h.view({B, T, kTargetChannels, H, W});
}

void setProfiling(bool on) { gProfiling = on; }
void resetProfile() {
    std::lock_guard<std::mutex> lock(gProfileMutex);
    gProfile.clear();
}
std::vector<std::pair<std::string, double>> profileSeconds() {
    std::lock_guard<std::mutex> lock(gProfileMutex);
    return {gProfile.begin(), gProfile.end()};
}

int64_t parameterCount(const torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters(true)) n += p.numel();
    return n;
}

namespace {
torch::Tensor scaleFlow(const torch::Tensor& x, double s) {
    if (s == 1.0) return x;
    return torch::cat({x.narrow(-3, 0, kLayers), x.narrow(-3, kLayers, 2) * s}, -3);
}
}  // namespace

torch::Tensor toModelSpace(const torch::Tensor& target, const BoxFlowConfig& cfg) {
    return scaleFlow(target, cfg.flowScale);
}

torch::Tensor fromModelSpace(const torch::Tensor& x, const BoxFlowConfig& cfg) {
    return scaleFlow(x, 1.0 / cfg.flowScale);
}

}  // namespace boxanim::model
