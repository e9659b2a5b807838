#include "core/render/clean_plate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

namespace boxanim {

namespace {

// Telea diffusion at a working size of at most maxWorkingSide (the plate
// before multi-scale completion; kept for comparison).
cv::Mat diffusionFill(const cv::Mat& image, const cv::Mat& hole, const PlateOptions& options) {
    const int longSide = std::max(image.cols, image.rows);
    const double scale =
        longSide > options.maxWorkingSide ? static_cast<double>(options.maxWorkingSide) / longSide : 1.0;
    cv::Mat small, smallHole;
    if (scale < 1.0) {
        const cv::Size ws(std::max(1, static_cast<int>(std::lround(image.cols * scale))),
                          std::max(1, static_cast<int>(std::lround(image.rows * scale))));
        cv::resize(image, small, ws, 0, 0, cv::INTER_AREA);
        // Any coverage at all makes a working pixel part of the hole, and one
        // more pixel of margin keeps object colour blended in by the
        // downscale out of the known region.
        cv::Mat h;
        cv::resize(hole, h, ws, 0, 0, cv::INTER_AREA);
        smallHole = h > 0;
        cv::dilate(smallHole, smallHole, cv::Mat());
    } else {
        small = image;
        smallHole = hole;
    }
    cv::Mat filled;
    cv::inpaint(small, smallHole, filled, options.inpaintRadius, cv::INPAINT_TELEA);
    cv::Mat up;
    if (filled.size() != image.size())
        cv::resize(filled, up, image.size(), 0, 0, cv::INTER_LINEAR);
    else
        up = filled;
    return up;
}

// 64-bit multiply-xorshift hash over bytes (not cryptographic: it tells
// plates apart, it does not defend against crafted collisions).
struct Hasher {
    std::uint64_t h;
    explicit Hasher(std::uint64_t seed) : h(seed ^ 0x243F6A8885A308D3ull) {}
    static std::uint64_t mix(std::uint64_t x) {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDull;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53ull;
        return x ^ (x >> 33);
    }
    void word(std::uint64_t w) { h = mix(h ^ w) + 0x9E3779B97F4A7C15ull; }
    void bytes(const void* data, std::size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            word(w);
        }
        std::uint64_t tail = n;
        for (; i < n; ++i) tail = tail * 257 + p[i];
        word(tail);
    }
    void mat(const cv::Mat& m) {
        word(static_cast<std::uint64_t>(m.rows));
        word(static_cast<std::uint64_t>(m.cols));
        word(static_cast<std::uint64_t>(m.type()));
        const std::size_t rowBytes = m.cols * m.elemSize();
        for (int y = 0; y < m.rows; ++y) bytes(m.ptr(y), rowBytes);
    }
    void number(double d) {
        std::uint64_t w;
        std::memcpy(&w, &d, 8);
        word(w);
    }
};

}  // namespace

cv::Mat plateHole(cv::Size size, const std::vector<cv::Mat>& mattes, const PlateOptions& options) {
    cv::Mat hole = cv::Mat::zeros(size, CV_8UC1);
    for (const cv::Mat& m : mattes) {
        if (m.size() != size || m.type() != CV_32FC1)
            throw std::invalid_argument("plateHole: mattes must be CV_32FC1 of the image's size");
        hole |= (m > options.threshold);
    }
    int d = options.dilatePixels;
    if (d <= 0) d = std::max(3, static_cast<int>(std::lround(std::max(size.width, size.height) / 150.0)));
    cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * d + 1, 2 * d + 1));
    cv::dilate(hole, hole, kernel);
    return hole;
}

cv::Mat computeCleanPlate(const cv::Mat& image, const std::vector<cv::Mat>& mattes,
                          const PlateOptions& options) {
    if (image.empty() || image.type() != CV_8UC3)
        throw std::invalid_argument("computeCleanPlate: expected a non-empty 8-bit BGR image");
    cv::Mat plate = image.clone();
    if (mattes.empty()) return plate;
    const cv::Mat hole = plateHole(image.size(), mattes, options);
    if (cv::countNonZero(hole) == 0) return plate;
    if (options.method == PlateMethod::Diffusion) {
        diffusionFill(image, hole, options).copyTo(plate, hole);
        return plate;
    }
    // completeHole copies every pixel outside the hole from the image.
    return completeHole(image, hole, options.completion);
}

std::string plateCacheKey(const cv::Mat& image, const std::vector<cv::Mat>& mattes,
                          const PlateOptions& options) {
    char out[40];
    std::uint64_t parts[2];
    for (int k = 0; k < 2; ++k) {
        Hasher h(k == 0 ? 0x5851F42D4C957F2Dull : 0x14057B7EF767814Full);
        h.mat(image);
        h.word(mattes.size());
        for (const cv::Mat& m : mattes) h.mat(m);
        h.word(static_cast<std::uint64_t>(options.method));
        h.word(static_cast<std::uint64_t>(options.dilatePixels));
        h.number(options.threshold);
        const CompletionOptions& c = options.completion;
        if (options.method == PlateMethod::Completion) {
            for (int v : {c.patchSize, c.coarsestSide, c.searchSide, c.coarseEmIterations, c.fineEmIterations,
                          c.refineEmIterations, c.refineRadius, c.modeLevels, c.coarsestMaxSide, c.gradientIterations})
                h.word(static_cast<std::uint64_t>(v));
            h.word(c.seed);
            h.word(c.synthesisStart ? 1u : 0u);
            for (double v : {c.sourceReach, c.coarsestHoleRadius, c.borderGamma, c.textureGain,
                             c.modeBandwidth, c.detailTransfer, c.diffusionMaxDistance})
                h.number(v);
        } else {
            h.word(static_cast<std::uint64_t>(options.maxWorkingSide));
            h.number(options.inpaintRadius);
        }
        parts[k] = h.h;
    }
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(parts[0]),
                  static_cast<unsigned long long>(parts[1]));
    return out;
}

cv::Mat PlateCache::find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->first == key) {
            entries_.splice(entries_.begin(), entries_, it);
            return entries_.front().second;
        }
    return {};
}

void PlateCache::insert(const std::string& key, const cv::Mat& plate) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.remove_if([&](const auto& e) { return e.first == key; });
    entries_.emplace_front(key, plate);
    while (entries_.size() > std::max<std::size_t>(1, capacity_)) entries_.pop_back();
}

cv::Mat PlateCache::getOrCompute(const cv::Mat& image, const std::vector<cv::Mat>& mattes,
                                 const PlateOptions& options) {
    const std::string key = plateCacheKey(image, mattes, options);
    cv::Mat plate = find(key);
    if (!plate.empty()) return plate;
    // Computed outside the lock: a slow fill does not block other lookups.
    plate = computeCleanPlate(image, mattes, options);
    if (!plate.empty()) insert(key, plate);
    return plate;
}

std::size_t PlateCache::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

}  // namespace boxanim
