// Loads a shipped model by name: manifest entry, weight file present, sha256,
// strict tensor names and shapes, parameter count. Shared by the facade
// (BoxFlowModel) and the tools that need the network itself (benchmarks).
#pragma once

#include <string>

#include "manifest.h"
#include "network.h"
#include "safetensors.h"

namespace boxanim::model {

struct LoadedNetwork {
    ModelEntry entry;
    BoxFlowNet net{nullptr};  // on the CPU, in eval mode
};

// The weight file `file` of model `name`: present, its sha256 equal to the
// manifest's, the safetensors layout valid. Shared by every verified loader
// (BoxFlow here, IS-Net in isnet.cpp). Throws naming the file.
SafetensorsFile readVerifiedWeights(const std::string& file, const std::string& sha256,
                                    const std::string& name);

// Throws std::runtime_error naming the manifest or weight file and what is wrong.
LoadedNetwork loadVerifiedNetwork(const std::string& modelsDir, const std::string& name);

}  // namespace boxanim::model
