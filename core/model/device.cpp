#include "device.h"

#include <dlfcn.h>
#include <malloc.h>

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
    // Determinism (issue 14 item 11): Debian's libtorch calls the pthread
    // build of OpenBLAS, which runs its own thread pool beside libtorch's
    // OpenMP threads; how a GEMM is split over that pool (and so the order
    // of its sums) depends on run-time state such as concurrent callers from
    // those OpenMP threads. Seen as: the same seed rarely gave ±1 in a few
    // rendered bytes per frame, in runs that also took one more 32 MB BLAS
    // buffer. libtorch already parallelises around the BLAS calls, so
    // OpenBLAS gets one thread and every GEMM takes the same path. (Looked
    // up at run time: pip torch on the GPU machine uses MKL instead.)
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
#ifdef __GLIBC__
    // A CPU forward allocates each layer's output anew and frees it soon
    // after. glibc serves blocks over 32 MB (IS-Net's at 512²: up to 64 MB)
    // with a fresh mmap and returns them at free, and gives back the heap's
    // free top above 128 KB, so every layer page-faults its output in again:
    // a fifth of a matte's time here. Blocks stay on the heap and up to
    // 256 MB of free top is kept for the next layer: a warm IS-Net forward
    // takes 0.80-0.82 s instead of 1.02-1.09 s on 2 cores, resident memory
    // +24 MB (docs/BENCHMARKS.md, Mattes).
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    if (device.is_cuda()) {
        // TF32 for matmul/conv on Ampere+ (not run in this session: no GPU here)
        at::globalContext().setFloat32MatmulPrecision("high");
        at::globalContext().setAllowTF32CuDNN(true);
        at::globalContext().setBenchmarkCuDNN(true);
    }
}

}  // namespace boxanim::model
