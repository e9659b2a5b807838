// IS-Net ("isnet-general-use", DIS: Qin et al., "Highly Accurate Dichotomous
// Image Segmentation", ECCV 2022) in LibTorch: the subject-mask network behind
// BoxAnim's mattes (DESIGN §6 Mattes). Our own port of the architecture;
// BatchNorm is folded into every convolution (as in the converted weights), so
// each REBNCONV is conv + ReLU. Any input size works (the ONNX export was
// fixed to 1024²). LibTorch only.
#pragma once

#include <string>

#include <torch/torch.h>

namespace boxanim::model {

// A 3x3 convolution (stride s, dilation d, padding d, bias) whose
// parameters start at zero: every one is overwritten by the weight file, and
// torch::nn::Conv2d's random initialisation of 44 M weights would cost most
// of a second each time the network loads.
struct IsNetConv3x3Impl : torch::nn::Module {
    IsNetConv3x3Impl(int cin, int cout, int stride, int dilation);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight, bias;
    int stride, dilation;
};
TORCH_MODULE(IsNetConv3x3);

// conv 3x3 (dilation d, padding d, bias) + ReLU; BatchNorm folded in.
struct IsNetConvImpl : torch::nn::Module {
    IsNetConvImpl(int cin, int cout, int dilation);
    torch::Tensor forward(const torch::Tensor& x);
    IsNetConv3x3 conv_s1{nullptr};
};
TORCH_MODULE(IsNetConv);

// Residual U-block of height `depth` (RSU-7/6/5/4): an encoder-decoder with
// 2x max-pooling between levels and one dilated conv at the bottom, output
// added to the input projection. `dilated` = RSU-4F: no pooling, dilations
// 1, 2, 4, 8 instead.
struct RsuImpl : torch::nn::Module {
    RsuImpl(int depth, int cin, int mid, int cout, bool dilated);
    torch::Tensor forward(const torch::Tensor& x);
    int depth;
    bool dilated;
    IsNetConv in{nullptr};
    std::vector<IsNetConv> enc;  // rebnconv1..rebnconvN
    std::vector<IsNetConv> dec;  // rebnconv1d..rebnconv(N-1)d, dec[i] = rebnconv(i+1)d
};
TORCH_MODULE(Rsu);

struct IsNetImpl : torch::nn::Module {
    IsNetImpl();
    // x: [B, 3, H, W], RGB as value/255 - 0.5 (any H, W >= 32). Returns the
    // subject probability [B, 1, H, W] (sigmoid of the finest side output d1).
    torch::Tensor forward(const torch::Tensor& x);

    IsNetConv3x3 conv_in{nullptr};
    Rsu stage1{nullptr}, stage2{nullptr}, stage3{nullptr}, stage4{nullptr}, stage5{nullptr},
        stage6{nullptr};
    Rsu stage5d{nullptr}, stage4d{nullptr}, stage3d{nullptr}, stage2d{nullptr}, stage1d{nullptr};
    // side1 gives the mask; side2..6 are the deep-supervision heads of
    // training, kept so the weight file loads strictly (not evaluated).
    IsNetConv3x3 side1{nullptr}, side2{nullptr}, side3{nullptr}, side4{nullptr}, side5{nullptr},
        side6{nullptr};
};
TORCH_MODULE(IsNet);

constexpr const char* kIsNetName = "isnet-general-use";
constexpr std::int64_t kIsNetParameters = 44017990;

// The manifest entry of a subject-mask model (models/manifest.json,
// "subject_masks": [...]).
struct IsNetEntry {
    std::string name;
    std::string file;       // relative to the models directory
    std::string sha256;     // of the converted weight file
    std::string dtype;      // F16
    std::int64_t parameters = 0;
    int inputSize = 512;    // the crop is resized to inputSize² before the network
    std::string licence;
};

struct LoadedIsNet {
    IsNetEntry entry;
    IsNet net{nullptr};  // on the CPU, eval mode
};

// Reads modelsDir/manifest.json's "subject_masks" entry `name`, checks the
// weight file's sha256, loads it strictly (every name and shape) and checks
// the parameter count. Throws std::runtime_error naming the file and what is
// wrong (missing file, checksum, tensor).
LoadedIsNet loadVerifiedIsNet(const std::string& modelsDir, const std::string& name = kIsNetName);

// Reads only the manifest entry (throws as above when absent).
IsNetEntry readIsNetEntry(const std::string& modelsDir, const std::string& name = kIsNetName);

}  // namespace boxanim::model
