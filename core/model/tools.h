// The work behind boxanim-train's and boxanim-sample's sub-commands, kept in
// the library so that the executables stay thin and tests can call it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "trainer.h"

namespace boxanim::model {

// Writes `count` procedural clips as PNG strips DIR/clip_NN.png (rows: RGB
// frames with boxes, GT layers, GT flow, rigidly warped mattes; 2x nearest).
void dumpSamples(const std::string& dir, int count, const SynthOptions& options, std::uint64_t seed,
                 std::ostream& log);

// Takes a finished training run (DIR/ema.safetensors + DIR/summary.json),
// evaluates the EMA weights on the held-out set (4-step samples vs the cutout
// baseline), writes MODELS/NAME.safetensors as F16 and upserts the manifest
// entry with recipe and figures.
void exportModel(const std::string& runDir, const std::string& modelsDir, const std::string& name,
                 const std::string& description, const std::string& machine, std::ostream& log);

// Parameter count and timing of one network evaluation (T frames, W x H) on
// `device`, with a per-component breakdown on the CPU.
void benchForward(const BoxFlowConfig& cfg, int frames, int width, int height, const std::string& device,
                  int repeats, std::ostream& log);

// The procedural benchmark: `clips` held-out clips (fixed seed, never a
// training or validation seed) scored against their exact ground truth for
// model NAME at each step count, the cutout baseline (rigidly warped mattes,
// zero flow) and the static baseline (frame-0 mattes). Prints a Markdown
// table and, when jsonPath is set, writes the figures there.
void benchProcedural(const std::string& modelsDir, const std::string& name, const std::string& device, int clips,
                     const SynthOptions& options, const std::vector<int>& steps, const std::string& jsonPath,
                     std::ostream& log);

// Loads NAME from MODELS through the facade, samples a procedural clip and
// writes OUT.png (input + predicted layers/flow); prints the timing.
void sampleDemo(const std::string& modelsDir, const std::string& name, const std::string& device, int frames,
                int width, int height, int steps, std::uint64_t seed, const std::string& outPng, std::ostream& log);

}  // namespace boxanim::model
