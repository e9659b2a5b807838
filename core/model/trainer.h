// The BoxFlow training loop (DESIGN §6): rectified flow with logit-normal
// timesteps, MSE on velocity, box tokens dropped 10% of the time; AdamW with
// warmup + cosine decay, EMA, gradient clipping, periodic checkpoints in the
// safetensors layout, resume, validation on a fixed held-out procedural set.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "config.h"
#include "network.h"
#include "synth.h"

namespace boxanim::model {

struct TrainConfig {
    BoxFlowConfig model = BoxFlowConfig::preset("s");
    std::string device = "auto";
    int steps = 2000;
    int batch = 2;
    std::vector<int> frames = {8};  // a clip's frame count is drawn from this list
    int width = 64;
    int height = 48;
    double lr = 3e-4;
    double minLrFraction = 0.05;  // cosine decays to lr * this
    int warmupSteps = 100;
    double weightDecay = 0.01;
    double beta1 = 0.9, beta2 = 0.999;
    double emaDecay = 0.999;
    double gradClip = 1.0;
    double tokenDrop = 0.1;
    double cameraProb = 0.3;
    int valClips = 16;
    int valFrames = 8;
    int valEvery = 100;
    int logEvery = 10;
    double checkpointMinutes = 5.0;
    double maxMinutes = 0.0;  // stop early after this much wall time (0: no limit)
    std::uint64_t seed = 1;
    int threads = 0;          // 0: one per hardware thread
    bool bf16 = true;         // autocast to bf16 on CUDA (ignored on the CPU)
    std::string outDir = "train-out";

    Json toJson() const;
    static TrainConfig fromJson(const Json& j);  // missing keys keep the defaults
    static TrainConfig smoke();                   // tiny, a few dozen CPU steps
};

struct ValidationFigures {
    double loss = 0;           // velocity MSE at fixed t and noise
    double layerAccuracy = 0;  // sampled: argmax layer == GT argmax, all pixels
    double objectIoU = 0;      // sampled: IoU of each object's pixels with GT, pooled over objects and frames
    double objectFlowEpe = 0;  // sampled: residual flow end-point error on object pixels (box units)
    double cutoutLayerAccuracy = 0;  // baseline: layers from the rigidly warped mattes, zero flow
    double cutoutObjectIoU = 0;
    double cutoutObjectFlowEpe = 0;
    double staticLayerAccuracy = 0;  // baseline: frame-0 mattes on every frame (nothing moves)
    double staticObjectIoU = 0;
};

struct TrainResult {
    int stepsDone = 0;
    double seconds = 0;
    double firstLoss = 0;  // mean training loss over the first logEvery steps
    double lastLoss = 0;   // mean over the last logEvery steps
    double valFirst = 0;   // validation loss of the raw model before training (or at resume)
    double valLast = 0;    // validation loss of the raw model at the end
    double emaValLast = 0; // validation loss of the EMA model at the end
    std::vector<std::pair<int, double>> valHistory;  // (step, EMA validation loss)
};

// Fixed held-out validation set (seed independent of the training seed).
struct ValidationSet {
    SynthBatch clips;
    torch::Tensor t;      // [N]
    torch::Tensor noise;  // [N, T, 7, H, W]
};
ValidationSet makeValidationSet(const TrainConfig& cfg, torch::Device device);
// `clips` held-out clips from `seed` with fixed t and noise (the validation set
// and the procedural benchmark are both built by this).
ValidationSet makeHeldOutSet(int clips, const SynthOptions& options, std::uint64_t seed, std::uint64_t noiseSeed,
                             torch::Device device);
double validationLoss(BoxFlowNet& net, const ValidationSet& val, int chunk = 4);
ValidationFigures evaluate(BoxFlowNet& net, const ValidationSet& val, int steps = 4);

// Trains (or resumes from a checkpoint file) and writes into cfg.outDir:
// train.log, checkpoint.safetensors (model, EMA, optimiser state),
// ema.safetensors (final EMA weights, F32) and summary.json.
TrainResult train(const TrainConfig& cfg, const std::string& resumeFrom, std::ostream& log);

}  // namespace boxanim::model
