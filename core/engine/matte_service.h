// The matte service (DESIGN §6 Mattes): every object's frame-0 matte, made
// the same way for the editor's overlay, Generate, previews and
// `boxanim-cli matte` — IS-Net on the padded hard-box crop as grabCut's
// prior, the user's strokes as certain labels, guided-filter edges
// (core/render/matte.h) — and cached by its inputs (image content, box,
// strokes), so a stroke re-runs grabCut with the cached prior and Generate
// reuses what the editor already made. No Qt and no torch types here; the
// network lives behind the pimpl. Thread-safe: any number of workers may call
// it at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/project/project.h"
#include "core/render/matte.h"

namespace boxanim {

// How a matte is made: the combination (default), or one of its parts alone
// (for benchmarks: grabCut with the strokes but no prior; the network's
// probability in the padded box, no grabCut).
enum class MatteMode { Combined, GrabCutOnly, NetworkOnly };

class MatteService {
public:
    // modelsDir: where models/manifest.json and the IS-Net weights are
    // (empty: defaultModelsDir()). Nothing is loaded until first needed.
    explicit MatteService(std::string modelsDir = {});
    ~MatteService();
    MatteService(const MatteService&) = delete;
    MatteService& operator=(const MatteService&) = delete;

    // One process-wide service per models directory, shared by the editor,
    // the generation worker and the CLI so they share the cache.
    static std::shared_ptr<MatteService> shared(const std::string& modelsDir = {});

    // A key for an image's content (size, type and a hash of its pixels).
    static std::string imageKey(const cv::Mat& image);

    // Uses the learned prior when its weights load (default true); false:
    // grabCut alone (benchmarks, or a user who turned it off).
    void setUseNetwork(bool use);  // false: MatteMode::GrabCutOnly
    void setMode(MatteMode mode);
    bool usesNetwork() const;  // the mode is not GrabCutOnly
    // The square side the crop is resized to before the network; 0: the
    // manifest's input_size.
    void setInputSize(int side);
    int inputSize();

    // True when IS-Net's weights loaded (tries once). When false, notice()
    // says why in one line, and mattes come from grabCut alone.
    bool networkAvailable();
    std::string notice();

    // The learned prior of `box` (cached per image and box). Empty
    // probability when the network is off or unavailable.
    MattePrior prior(const cv::Mat& image, const std::string& key, const Box& box);

    // The combined matte of one object (cached per image, box and strokes):
    // CV_32FC1, image size, [0, 1]. `key` may be empty (computed).
    cv::Mat matte(const cv::Mat& image, const std::string& key, const Box& box,
                  const std::vector<Stroke>& strokes);

    // Every object's matte from its frame-0 box and strokes, front occluding
    // back (project order is depth order). `notices` receives the one-line
    // notice when the network is unavailable.
    std::vector<cv::Mat> mattes(const cv::Mat& image, const Project& project,
                                std::vector<std::string>* notices = nullptr);

    // Seconds the last network run took (0 if none ran yet) and how many
    // runs there were; for benchmarks and tests of the cache.
    double lastNetworkSeconds() const;
    int networkRuns() const;
    // How many stroke-free cuts were made (prepareMatte): a stroke on a box
    // whose cut is cached makes none.
    int cutsPrepared() const;

    void clearCache();

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

}  // namespace boxanim
