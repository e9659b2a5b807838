#include "device.h"

#include <stdexcept>
#include <thread>

namespace boxanim::model {

torch::Device resolveDevice(const std::string& name) {
    if (name.empty() || name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    if (name == "cpu") return torch::Device(torch::kCPU);
    if (name.compare(0, 4, "cuda") == 0) {
        if (!torch::cuda::is_available())
            throw std::runtime_error("device '" + name + "' requested but CUDA is not available in this build/machine");
        return torch::Device(name);
    }
    throw std::runtime_error("unknown device '" + name + "' (auto, cpu, cuda)");
}

void configureRuntime(torch::Device device, int threads) {
    const unsigned n = threads > 0 ? static_cast<unsigned>(threads) : std::thread::hardware_concurrency();
    if (n > 0) at::set_num_threads(static_cast<int>(n));
    if (device.is_cuda()) {
        // TF32 for matmul/conv on Ampere+ (not run in this session: no GPU here)
        at::globalContext().setFloat32MatmulPrecision("high");
        at::globalContext().setAllowTF32CuDNN(true);
        at::globalContext().setBenchmarkCuDNN(true);
    }
}

}  // namespace boxanim::model
