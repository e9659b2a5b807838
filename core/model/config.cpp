#include "config.h"

#include <stdexcept>

namespace boxanim::model {

namespace {
Json intArray(const std::vector<int>& v) {
    Json a = Json::array();
    for (int x : v) a.push_back(Json(x));
    return a;
}
std::vector<int> readInts(const Json& j, const std::string& key, std::vector<int> fallback) {
    if (!j.contains(key)) return fallback;
    std::vector<int> out;
    for (const auto& v : j.at(key)) out.push_back(static_cast<int>(integerOf(v, key)));
    return out;
}
}  // namespace

Json BoxFlowConfig::toJson() const {
    Json j = Json::object();
    j["architecture"] = Json(architecture);
    j["channels"] = intArray(channels);
    j["res_blocks"] = Json(resBlocks);
    j["head_dim"] = Json(headDim);
    j["fourier_freqs"] = Json(fourierFreqs);
    j["token_dim"] = Json(tokenDim);
    j["embed_dim"] = Json(embedDim);
    j["max_objects"] = Json(maxObjects);
    j["spatial_attn_levels"] = intArray(spatialAttnLevels);
    j["temporal_attn_levels"] = intArray(temporalAttnLevels);
    j["box_attn_levels"] = intArray(boxAttnLevels);
    j["mid_block"] = Json(midBlock);
    j["flow_scale"] = Json(flowScale);
    return j;
}

BoxFlowConfig BoxFlowConfig::fromJson(const Json& j) {
    BoxFlowConfig c;
    if (j.contains("preset")) c = preset(j.at("preset").get<std::string>());
    c.architecture = j.value("architecture", c.architecture);
    c.channels = readInts(j, "channels", c.channels);
    c.resBlocks = j.value("res_blocks", c.resBlocks);
    c.headDim = j.value("head_dim", c.headDim);
    c.fourierFreqs = j.value("fourier_freqs", c.fourierFreqs);
    c.tokenDim = j.value("token_dim", c.tokenDim);
    c.embedDim = j.value("embed_dim", c.embedDim);
    c.maxObjects = j.value("max_objects", c.maxObjects);
    c.spatialAttnLevels = readInts(j, "spatial_attn_levels", c.spatialAttnLevels);
    c.temporalAttnLevels = readInts(j, "temporal_attn_levels", c.temporalAttnLevels);
    c.boxAttnLevels = readInts(j, "box_attn_levels", c.boxAttnLevels);
    c.midBlock = j.value("mid_block", c.midBlock);
    c.flowScale = j.value("flow_scale", c.flowScale);
    if (c.architecture != "boxflow-unet-v1")
        throw std::runtime_error("unknown architecture '" + c.architecture + "' (this build knows boxflow-unet-v1)");
    if (c.channels.empty() || c.resBlocks < 1 || c.headDim < 1 || c.fourierFreqs < 1 || c.tokenDim < 1 ||
        c.embedDim < 1 || c.maxObjects != kMaxObjects || !(c.flowScale > 0))
        throw std::runtime_error("invalid architecture config");
    for (int ch : c.channels)
        if (ch < 4 || ch % 4 != 0) throw std::runtime_error("channel widths must be positive multiples of 4");
    return c;
}

BoxFlowConfig BoxFlowConfig::preset(const std::string& name) {
    BoxFlowConfig c;
    if (name == "full") return c;
    if (name == "s") {
        c.channels = {32, 64, 96};
        c.resBlocks = 1;
        c.headDim = 64;
        c.tokenDim = 128;
        c.embedDim = 32;
        return c;
    }
    if (name == "tiny") {
        c.channels = {8, 16, 24};
        c.resBlocks = 1;
        c.headDim = 8;
        c.tokenDim = 16;
        c.embedDim = 8;
        return c;
    }
    throw std::runtime_error("unknown model preset '" + name + "' (full, s, tiny)");
}

}  // namespace boxanim::model
