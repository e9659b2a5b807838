// The clean plate (DESIGN §7): the reference image with every object removed,
// computed once per set of mattes. The hole is the union of the dilated
// mattes; it is filled by exemplar-based completion (completion.h:
// multi-scale PatchMatch with Wexler et al.'s EM voting) so the vacated region
// carries the photo's own texture. Every pixel outside the hole is the
// photo's own. Telea diffusion (the old plate) remains selectable for
// comparison and is used by the completion itself for holes a few pixels wide.
//
// computeCleanPlate is a pure function of its inputs (no globals, safe to call
// from a worker thread); plateCacheKey names those inputs so a caller (the
// editor's background worker, the engine) can keep plates in a PlateCache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/render/completion.h"

namespace boxanim {

enum class PlateMethod {
    Completion,  // multi-scale PatchMatch completion (default)
    Diffusion,   // cv::inpaint Telea at maxWorkingSide (the plate before issue 11)
};

struct PlateOptions {
    PlateMethod method = PlateMethod::Completion;
    int dilatePixels = 0;      // hole grows by this many full-res pixels; 0 = automatic
    double threshold = 0.02;   // matte values above this are part of the hole
    CompletionOptions completion;  // seed, patch size, pyramid schedule, cancel token
    int maxWorkingSide = 512;  // Diffusion: inpainting resolution (long side)
    double inpaintRadius = 5;  // Diffusion: Telea neighbourhood, in working-resolution pixels
};

// The hole the plate fills: CV_8UC1 (255 inside), full resolution.
cv::Mat plateHole(cv::Size size, const std::vector<cv::Mat>& mattes,
                  const PlateOptions& options = {});

// image: CV_8UC3; mattes: CV_32FC1 of the image's size. Without mattes, the
// plate is a copy of the image. Deterministic for options.completion.seed.
// Returns an empty Mat only when options.completion.cancel was set.
cv::Mat computeCleanPlate(const cv::Mat& image, const std::vector<cv::Mat>& mattes,
                          const PlateOptions& options = {});

// A key that changes whenever anything the plate depends on changes: the
// image's and mattes' sizes, types and bytes, and every option that affects
// the result (not the cancel token). 16 hex digits per 64-bit hash, two hashes.
std::string plateCacheKey(const cv::Mat& image, const std::vector<cv::Mat>& mattes,
                          const PlateOptions& options = {});

// A small thread-safe least-recently-used cache of plates by plateCacheKey.
// Plates are returned as shared (reference-counted) Mats: treat them as
// read-only.
class PlateCache {
public:
    explicit PlateCache(std::size_t capacity = 4) : capacity_(capacity) {}
    // The cached plate, or an empty Mat.
    cv::Mat find(const std::string& key);
    void insert(const std::string& key, const cv::Mat& plate);
    // The cached plate, or computeCleanPlate's (stored unless cancelled).
    cv::Mat getOrCompute(const cv::Mat& image, const std::vector<cv::Mat>& mattes,
                         const PlateOptions& options = {});
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::size_t capacity_;
    std::list<std::pair<std::string, cv::Mat>> entries_;  // most recent first
};

}  // namespace boxanim
