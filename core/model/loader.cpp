#include "loader.h"

#include <filesystem>
#include <stdexcept>

#include "safetensors.h"
#include "core/util/sha256.h"

namespace boxanim::model {

SafetensorsFile readVerifiedWeights(const std::string& file, const std::string& sha256,
                                    const std::string& name) {
    namespace fs = std::filesystem;
    if (!fs::exists(file)) throw std::runtime_error(file + ": weight file of model '" + name + "' not found");
    const std::string sum = sha256File(file);
    if (sum != sha256)
        throw std::runtime_error(file + ": sha256 mismatch (manifest says " + sha256 + ", file has " + sum +
                                 "): the file is corrupt or was replaced");
    return readSafetensors(file);
}

LoadedNetwork loadVerifiedNetwork(const std::string& modelsDir, const std::string& name) {
    namespace fs = std::filesystem;
    const std::string manifestPath = (fs::path(modelsDir) / "manifest.json").string();
    auto manifest = Manifest::load(manifestPath);
    const ModelEntry* e = manifest.find(name);
    if (!e) {
        std::string known;
        for (const auto& m : manifest.models) known += (known.empty() ? "" : ", ") + m.name;
        throw std::runtime_error(manifestPath + ": no model named '" + name + "' (available: " + known + ")");
    }
    const std::string file = (fs::path(modelsDir) / e->file).string();
    auto weights = readVerifiedWeights(file, e->sha256, name);
    BoxFlowNet net(e->config);
    loadIntoModule(*net, weights);  // strict: names and shapes
    // A weight file can carry NaN or infinity with a valid checksum (the
    // manifest recomputed after the damage); such a model samples NaN and the
    // renderer would quietly drop every object. Refuse it here, by name.
    {
        torch::NoGradGuard noGrad;
        for (const auto& p : net->named_parameters())
            if (!torch::isfinite(p.value()).all().item<bool>())
                throw std::runtime_error(file + ": tensor '" + p.key() +
                                         "' holds non-finite values (NaN or infinity): the weights are damaged");
        for (const auto& b : net->named_buffers())
            if (b.value().is_floating_point() && !torch::isfinite(b.value()).all().item<bool>())
                throw std::runtime_error(file + ": buffer '" + b.key() +
                                         "' holds non-finite values (NaN or infinity): the weights are damaged");
    }
    const int64_t n = parameterCount(*net);
    if (e->parameters != 0 && e->parameters != n)
        throw std::runtime_error(file + ": manifest says " + std::to_string(e->parameters) +
                                 " parameters, the architecture has " + std::to_string(n));
    net->eval();
    return {*e, net};
}

}  // namespace boxanim::model
