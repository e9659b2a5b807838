// Loads a shipped model by name: manifest entry, weight file present, sha256,
// strict tensor names and shapes, parameter count. Shared by the facade
// (BoxFlowModel) and the tools that need the network itself (benchmarks).
#pragma once

#include <string>

#include "manifest.h"
#include "network.h"

namespace boxanim::model {

struct LoadedNetwork {
    ModelEntry entry;
    BoxFlowNet net{nullptr};  // on the CPU, in eval mode
};

// Throws std::runtime_error naming the manifest or weight file and what is wrong.
LoadedNetwork loadVerifiedNetwork(const std::string& modelsDir, const std::string& name);

}  // namespace boxanim::model
