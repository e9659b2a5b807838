// The C++ half of bench/python_reference.py: a dump of one forward pass (and
// one Euler sample) of a shipped model on deterministic inputs, which the
// Python port must reproduce, and a timing of the same network and shapes
// for the side-by-side speed ratio.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace boxanim::model {

struct ReferenceIoOptions {
    std::string modelsDir = "models";
    std::string name = "boxflow-s";
    int frames = 8;
    int width = 64;
    int height = 48;
    int steps = 4;  // Euler steps of the dumped sample
    std::uint64_t seed = 1;
};

// Writes PATH (safetensors, F32): inputs x, cond, t, boxes, kinds (as float),
// noise; outputs v (forward with box tokens), v_no_tokens (boxes undefined)
// and sample (fromModelSpace of an options.steps Euler sample from noise).
// Runs on the CPU in eval mode. Metadata names the model and the step count.
void dumpReferenceIo(const std::string& path, const ReferenceIoOptions& options, std::ostream& log);

// Times one forward pass and one options.steps Euler sample of the shipped
// model on the inputs dumpReferenceIo builds (same seed, same shapes) on
// `device`; `repeats` timed runs after one warm-up, medians. Prints one JSON
// line {"forward_ms", "sample_ms", ...} to `out`.
void timeReferenceModel(const ReferenceIoOptions& options, const std::string& device, int repeats, int threads,
                        std::ostream& out);

}  // namespace boxanim::model
