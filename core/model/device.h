// Device selection and threading (DESIGN §1, §6).
#pragma once

#include <string>

#include <torch/torch.h>

namespace boxanim::model {

// "auto" (CUDA when available, else CPU), "cpu" or "cuda[:N]". Throws
// std::runtime_error for unknown names or CUDA requested but unavailable.
torch::Device resolveDevice(const std::string& name);

// at::set_num_threads(hardware_concurrency) unless `threads` > 0; on CUDA
// also enables TF32 matmuls.
// `threads` > 0 overrides the thread count (e.g. on a machine shared with
// other jobs, where fewer threads than cores avoids OpenMP barrier stalls).
void configureRuntime(torch::Device device, int threads = 0);

}  // namespace boxanim::model
