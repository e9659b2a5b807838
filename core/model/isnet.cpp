#include "isnet.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "loader.h"
#include "network.h"      // parameterCount
#include "safetensors.h"

namespace boxanim::model {

namespace F = torch::nn::functional;

namespace {

torch::Tensor pool(const torch::Tensor& x) {
    return F::max_pool2d(x, F::MaxPool2dFuncOptions(2).stride(2).ceil_mode(true));
}

// Bilinear, half-pixel centres (PyTorch align_corners=false = ONNX half_pixel).
torch::Tensor upsampleLike(const torch::Tensor& x, const torch::Tensor& like) {
    if (x.size(2) == like.size(2) && x.size(3) == like.size(3)) return x;
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{like.size(2), like.size(3)})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
}

}  // namespace

IsNetConv3x3Impl::IsNetConv3x3Impl(int cin, int cout, int stride_, int dilation_)
    : stride(stride_), dilation(dilation_) {
    weight = register_parameter("weight", torch::zeros({cout, cin, 3, 3}));
    bias = register_parameter("bias", torch::zeros({cout}));
}

torch::Tensor IsNetConv3x3Impl::forward(const torch::Tensor& x) {
    return F::conv2d(x, weight,
                     F::Conv2dFuncOptions().bias(bias).stride(stride).padding(dilation).dilation(dilation));
}

IsNetConvImpl::IsNetConvImpl(int cin, int cout, int dilation) {
    conv_s1 = register_module("conv_s1", IsNetConv3x3(cin, cout, 1, dilation));
}

torch::Tensor IsNetConvImpl::forward(const torch::Tensor& x) { return torch::relu(conv_s1(x)); }

RsuImpl::RsuImpl(int depth_, int cin, int mid, int cout, bool dilated_)
    : depth(depth_), dilated(dilated_) {
    in = register_module("rebnconvin", IsNetConv(cin, cout, 1));
    for (int i = 1; i <= depth; ++i) {
        int d = 1;
        if (dilated) d = 1 << (i - 1);          // 1, 2, 4, 8
        else if (i == depth) d = 2;             // the bottom conv of an RSU
        enc.push_back(register_module("rebnconv" + std::to_string(i),
                                      IsNetConv(i == 1 ? cout : mid, mid, d)));
    }
    for (int i = 1; i < depth; ++i) {
        const int d = dilated ? 1 << (i - 1) : 1;
        dec.push_back(register_module("rebnconv" + std::to_string(i) + "d",
                                      IsNetConv(2 * mid, i == 1 ? cout : mid, d)));
    }
}

torch::Tensor RsuImpl::forward(const torch::Tensor& x) {
    const torch::Tensor hxin = in(x);
    std::vector<torch::Tensor> h(static_cast<std::size_t>(depth) + 1);
    h[1] = enc[0](hxin);
    for (int i = 2; i <= depth; ++i) {
        // Pools between levels 1..depth-1; the bottom conv sees the level above unpooled.
        const bool pooled = !dilated && i < depth;
        h[i] = enc[i - 1](pooled ? pool(h[i - 1]) : h[i - 1]);
    }
    torch::Tensor d = dec[depth - 2](torch::cat({h[depth], h[depth - 1]}, 1));
    for (int i = depth - 2; i >= 1; --i) {
        if (!dilated) d = upsampleLike(d, h[i]);
        d = dec[i - 1](torch::cat({d, h[i]}, 1));
    }
    return d + hxin;
}

IsNetImpl::IsNetImpl() {
    conv_in = register_module("conv_in", IsNetConv3x3(3, 64, 2, 1));
    stage1 = register_module("stage1", Rsu(7, 64, 32, 64, false));
    stage2 = register_module("stage2", Rsu(6, 64, 32, 128, false));
    stage3 = register_module("stage3", Rsu(5, 128, 64, 256, false));
    stage4 = register_module("stage4", Rsu(4, 256, 128, 512, false));
    stage5 = register_module("stage5", Rsu(4, 512, 256, 512, true));
    stage6 = register_module("stage6", Rsu(4, 512, 256, 512, true));
    stage5d = register_module("stage5d", Rsu(4, 1024, 256, 512, true));
    stage4d = register_module("stage4d", Rsu(4, 1024, 128, 256, false));
    stage3d = register_module("stage3d", Rsu(5, 512, 64, 128, false));
    stage2d = register_module("stage2d", Rsu(6, 256, 32, 64, false));
    stage1d = register_module("stage1d", Rsu(7, 128, 16, 64, false));
    side1 = register_module("side1", IsNetConv3x3(64, 1, 1, 1));
    side2 = register_module("side2", IsNetConv3x3(64, 1, 1, 1));
    side3 = register_module("side3", IsNetConv3x3(128, 1, 1, 1));
    side4 = register_module("side4", IsNetConv3x3(256, 1, 1, 1));
    side5 = register_module("side5", IsNetConv3x3(512, 1, 1, 1));
    side6 = register_module("side6", IsNetConv3x3(512, 1, 1, 1));
}

torch::Tensor IsNetImpl::forward(const torch::Tensor& x) {
    TORCH_CHECK(x.dim() == 4 && x.size(1) == 3, "IsNet: expected [B, 3, H, W], got ", x.sizes());
    TORCH_CHECK(x.size(2) >= 32 && x.size(3) >= 32, "IsNet: input sides must be at least 32");
    const torch::Tensor hxin = conv_in(x);
    const torch::Tensor hx1 = stage1(hxin);
    const torch::Tensor hx2 = stage2(pool(hx1));
    const torch::Tensor hx3 = stage3(pool(hx2));
    const torch::Tensor hx4 = stage4(pool(hx3));
    const torch::Tensor hx5 = stage5(pool(hx4));
    const torch::Tensor hx6 = stage6(pool(hx5));
    torch::Tensor d = stage5d(torch::cat({upsampleLike(hx6, hx5), hx5}, 1));
    d = stage4d(torch::cat({upsampleLike(d, hx4), hx4}, 1));
    d = stage3d(torch::cat({upsampleLike(d, hx3), hx3}, 1));
    d = stage2d(torch::cat({upsampleLike(d, hx2), hx2}, 1));
    d = stage1d(torch::cat({upsampleLike(d, hx1), hx1}, 1));
    return torch::sigmoid(upsampleLike(side1(d), x));
}

namespace {

std::string readText(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(path + ": cannot open for reading");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

IsNetEntry readIsNetEntry(const std::string& modelsDir, const std::string& name) {
    namespace fs = std::filesystem;
    const std::string manifestPath = (fs::path(modelsDir) / "manifest.json").string();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(readText(manifestPath));
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(manifestPath + ": not valid JSON (" + e.what() + ")");
    }
    if (!doc.is_object() || !doc.contains("subject_masks") || !doc["subject_masks"].is_array())
        throw std::runtime_error(manifestPath + ": no \"subject_masks\" list (run scripts/install-deps.sh)");
    for (const auto& e : doc["subject_masks"]) {
        if (!e.is_object() || e.value("name", "") != name) continue;
        try {
            IsNetEntry out;
            out.name = name;
            out.file = e.at("file").get<std::string>();
            out.sha256 = e.at("sha256").get<std::string>();
            out.dtype = e.value("dtype", "F16");
            out.parameters = e.value("parameters", std::int64_t(0));
            out.inputSize = e.value("input_size", 512);
            out.licence = e.value("licence", "");
            if (e.value("architecture", "") != "isnet-dis")
                throw std::runtime_error("architecture must be \"isnet-dis\"");
            if (out.inputSize < 32 || out.inputSize > 2048 || out.inputSize % 32 != 0)
                throw std::runtime_error("input_size must be a multiple of 32 in 32..2048");
            return out;
        } catch (const std::exception& ex) {
            throw std::runtime_error(manifestPath + ": subject_masks entry '" + name + "': " + ex.what());
        }
    }
    throw std::runtime_error(manifestPath + ": no subject-mask model named '" + name + "'");
}

LoadedIsNet loadVerifiedIsNet(const std::string& modelsDir, const std::string& name) {
    namespace fs = std::filesystem;
    LoadedIsNet out;
    out.entry = readIsNetEntry(modelsDir, name);
    const std::string file = (fs::path(modelsDir) / out.entry.file).string();
    if (!fs::exists(file))
        throw std::runtime_error(file + ": weight file of '" + name +
                                 "' not found (scripts/install-deps.sh makes it)");
    auto weights = readVerifiedWeights(file, out.entry.sha256, name);
    out.net = IsNet();
    loadIntoModule(*out.net, weights);  // strict: every name and shape
    const int64_t n = parameterCount(*out.net);
    if (n != kIsNetParameters || (out.entry.parameters != 0 && out.entry.parameters != n))
        throw std::runtime_error(file + ": manifest says " + std::to_string(out.entry.parameters) +
                                 " parameters, the architecture has " + std::to_string(n));
    out.net->eval();
    return out;
}

}  // namespace boxanim::model
