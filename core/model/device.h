// Device selection and threading (DESIGN §1, §6).
#pragma once

#include <string>

#include <torch/torch.h>

namespace boxanim::model {

// "auto" (CUDA when available, else CPU), "cpu" or "cuda[:N]". Throws
// std::runtime_error for unknown names or CUDA requested but unavailable.
torch::Device resolveDevice(const std::string& name);

// at::set_num_threads(hardware_concurrency); on CUDA also enables TF32 matmuls.
void configureRuntime(torch::Device device);

}  // namespace boxanim::model
