#include "core/render/completion.h"

#include <algorithm>
#include <cmath>
#include <climits>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace boxanim {

namespace {

// Work is split into this many row bands whatever the thread count, so the
// result never depends on how many threads run them or in which order.
constexpr int kBands = 16;

// Counter-based random numbers (splitmix64): the stream of a pixel depends
// only on (seed, level, pass, pixel), never on the order pixels are visited.
struct Rng {
    std::uint64_t s;
    Rng(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
        s = seed * 0x9E3779B97F4A7C15ull ^ (a + 1) * 0xC2B2AE3D27D4EB4Full ^
            (b + 1) * 0x165667B19E3779F9ull ^ (c + 1) * 0xD6E8FEB86659FD93ull;
        next();
    }
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n).
    int below(int n) { return static_cast<int>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32); }
};

// Channels per pixel: B, G, R and a texture feature T (Newson et al.,
// "Video Inpainting of Complex Scenes", 2014: local mean gradient
// magnitude). T is averaged down the pyramid like colour, so a coarse pixel
// still knows whether the region it stands for is textured or flat, and a
// flat source (sky, a wall) cannot stand in for a textured one whose mean
// colour it shares. T is completed in the hole like colour; only B, G, R are
// output.
constexpr int kC = 4;

// One pyramid level. Images are padded by the patch radius (and one more
// column on the right, for 16-byte loads) so a target patch at the image edge
// reads replicated pixels instead of branching.
struct Level {
    int W = 0, H = 0;
    cv::Mat padded;   // CV_8UC4, (H + 2r) x (W + 2r + 1)
    cv::Mat img;      // the interior of `padded`
    cv::Mat hole;     // CV_8UC1, 1 = unknown
    cv::Mat valid;    // CV_8UC1, 1 = a source patch centre (patch inside the image and wholly known)
    cv::Mat target;   // CV_8UC1, 1 = a patch centre whose patch overlaps the hole
    cv::Rect tbox;    // bounding box of `target`
    cv::Rect hbox;    // bounding box of `hole`
    cv::Mat conf;     // CV_32FC1, gamma^-(distance to the nearest known pixel); 1 on known pixels
    std::vector<cv::Point> sources;
    cv::Mat nnf;      // CV_32SC2, source centre per target centre
    cv::Mat cost;     // CV_32SC1, SSD of the match at the last pass
};

void refreshPadding(Level& L, int r) {
    const int W = L.W, H = L.H;
    for (int y = 0; y < H; ++y) {
        uchar* row = L.padded.ptr<uchar>(y + r);
        const uchar* first = row + kC * r;
        const uchar* last = row + kC * (r + W - 1);
        for (int i = 0; i < r; ++i) std::memcpy(row + kC * i, first, kC);
        for (int i = 0; i < r + 1; ++i) std::memcpy(row + kC * (r + W + i), last, kC);
    }
    const std::size_t bytes = kC * static_cast<std::size_t>(W + 2 * r + 1);
    for (int i = 0; i < r; ++i) {
        std::memcpy(L.padded.ptr<uchar>(i), L.padded.ptr<uchar>(r), bytes);
        std::memcpy(L.padded.ptr<uchar>(r + H + i), L.padded.ptr<uchar>(r + H - 1), bytes);
    }
}

void allocate(Level& L, int r) {
    L.padded.create(L.H + 2 * r, L.W + 2 * r + 1, CV_8UC4);
    L.img = L.padded(cv::Rect(r, r, L.W, L.H));
}

// Level 0 from the photo: B, G, R and T, where T is the mean (over a 5x5
// window) of |dI/dx| + |dI/dy| of the grey image, computed from known pixels
// only (one-sided differences at the hole's border), times `gain`.
Level firstLevel(const cv::Mat& image, const cv::Mat& hole01, int r, double gain) {
    Level L;
    L.W = image.cols;
    L.H = image.rows;
    allocate(L, r);
    L.hole = hole01;
    // Every pixel's value depends only on its neighbourhood: the rows are
    // computed in parallel (a photo-sized pass per step), with the same bytes.
    auto rows = [&](const std::function<void(int)>& row) {
        cv::parallel_for_(cv::Range(0, L.H), [&](const cv::Range& range) {
            for (int y = range.start; y < range.end; ++y) row(y);
        });
    };
    cv::Mat grey(L.H, L.W, CV_32FC1), known(L.H, L.W, CV_32FC1);
    rows([&](int y) {
        const cv::Vec3b* in = image.ptr<cv::Vec3b>(y);
        const uchar* h = hole01.ptr<uchar>(y);
        float* g = grey.ptr<float>(y);
        float* k = known.ptr<float>(y);
        for (int x = 0; x < L.W; ++x) {
            g[x] = 0.25f * (in[x][0] + 2.f * in[x][1] + in[x][2]);
            k[x] = h[x] ? 0.f : 1.f;
        }
    });
    auto diff = [](float prev, bool hasPrev, float here, float next, bool hasNext) {
        if (hasPrev && hasNext) return 0.5f * std::abs(next - prev);
        if (hasNext) return std::abs(next - here);
        if (hasPrev) return std::abs(here - prev);
        return 0.f;
    };
    cv::Mat mag = cv::Mat::zeros(L.H, L.W, CV_32FC1);
    rows([&](int y) {
        const float* g = grey.ptr<float>(y);
        const float* k = known.ptr<float>(y);
        const float* gu = grey.ptr<float>(std::max(0, y - 1));
        const float* ku = y > 0 ? known.ptr<float>(y - 1) : nullptr;
        const float* gd = grey.ptr<float>(std::min(L.H - 1, y + 1));
        const float* kd = y + 1 < L.H ? known.ptr<float>(y + 1) : nullptr;
        float* m = mag.ptr<float>(y);
        for (int x = 0; x < L.W; ++x) {
            if (k[x] == 0.f) continue;
            const bool l = x > 0 && k[x - 1] > 0.f, rr = x + 1 < L.W && k[x + 1] > 0.f;
            const bool u = ku && ku[x] > 0.f, d = kd && kd[x] > 0.f;
            m[x] = diff(l ? g[x - 1] : 0.f, l, g[x], rr ? g[x + 1] : 0.f, rr) +
                   diff(u ? gu[x] : 0.f, u, g[x], d ? gd[x] : 0.f, d);
        }
    });
    cv::Mat sumMag, sumKnown;
    cv::boxFilter(mag, sumMag, CV_32F, cv::Size(5, 5), cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
    cv::boxFilter(known, sumKnown, CV_32F, cv::Size(5, 5), cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
    rows([&](int y) {
        const cv::Vec3b* in = image.ptr<cv::Vec3b>(y);
        const uchar* h = hole01.ptr<uchar>(y);
        const float* sm = sumMag.ptr<float>(y);
        const float* sk = sumKnown.ptr<float>(y);
        cv::Vec4b* out = L.img.ptr<cv::Vec4b>(y);
        for (int x = 0; x < L.W; ++x) {
            const float t = h[x] || sk[x] <= 0.f ? 0.f : static_cast<float>(gain) * sm[x] / sk[x];
            out[x] = cv::Vec4b(in[x][0], in[x][1], in[x][2], cv::saturate_cast<uchar>(t));
        }
    });
    return L;
}

// The distance of each pixel of `box` (set to the hole's bounding box and a
// one-pixel ring, within the image) to the nearest known pixel
// (cv::distanceTransform, DIST_L2, 3x3 mask). Any path from the hole to a
// known pixel outside the box crosses the ring's known pixels first, so
// these are the values of the whole image's transform at a fraction of its
// cost on a large photo; outside the box every pixel is known (distance 0).
cv::Mat holeDistance(const cv::Mat& hole, cv::Rect& box) {
    const cv::Rect h = cv::boundingRect(hole);
    box = cv::Rect(h.x - 1, h.y - 1, h.width + 2, h.height + 2) & cv::Rect(0, 0, hole.cols, hole.rows);
    cv::Mat dist;
    if (h.area() > 0) cv::distanceTransform(hole(box), dist, cv::DIST_L2, 3);
    else box = cv::Rect();
    return dist;
}

// Masks, confidence and source list of a level whose image and hole are set.
void prepareLevel(Level& L, int r, double gamma) {
    const cv::Mat square = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * r + 1, 2 * r + 1));
    cv::Mat known = L.hole == 0;
    cv::erode(known, L.valid, square, cv::Point(-1, -1), 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    L.valid = L.valid / 255;
    cv::dilate(L.hole, L.target, square, cv::Point(-1, -1), 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    L.tbox = cv::boundingRect(L.target);
    L.hbox = cv::boundingRect(L.hole);
    L.sources.clear();
    // Reserved: growing a photo-sized list by doubling copies it and faults
    // in pages it then drops.
    L.sources.reserve(static_cast<std::size_t>(cv::countNonZero(L.valid)));
    for (int y = 0; y < L.H; ++y) {
        const uchar* v = L.valid.ptr<uchar>(y);
        for (int x = 0; x < L.W; ++x)
            if (v[x]) L.sources.emplace_back(x, y);
    }
    cv::Rect box;
    const cv::Mat dist = holeDistance(L.hole, box);
    L.conf.create(L.H, L.W, CV_32FC1);
    L.conf.setTo(1.f);  // gamma^-0 on every known pixel
    const float lg = static_cast<float>(std::log(gamma));
    for (int y = 0; y < box.height; ++y) {
        const float* d = dist.ptr<float>(y);
        float* c = L.conf.ptr<float>(box.y + y) + box.x;
        for (int x = 0; x < box.width; ++x) c[x] = std::exp(-lg * d[x]);
    }
}

// Keeps as sources only the patches within `reach` times the hole's longer
// side of the hole (the coarsest level, where each part of the hole chooses
// the region it copies). Far regions of the same mean colour are often the
// same material at another scale or angle: a patterned cloth on the floor,
// foreshortened into stripes, filled a hole in the same cloth on the wall
// with streaks; distant, finer cobbles patched the near street. Keeps all
// sources when too few would remain.
void keepNearSources(Level& L, double reach) {
    if (reach <= 0) return;
    cv::Mat known = L.hole == 0, distance;
    cv::distanceTransform(known, distance, cv::DIST_L2, 3);
    const float limit = static_cast<float>(reach * std::max(L.hbox.width, L.hbox.height));
    cv::Mat near = L.valid.clone();
    near.setTo(0, distance > limit);
    std::vector<cv::Point> kept;
    cv::findNonZero(near, kept);
    if (kept.size() < 64) return;
    L.valid = near;
    // findNonZero lists row by row, left to right: the order prepareLevel uses.
    L.sources = std::move(kept);
}

// The next coarser level: every coarse pixel averages its (up to) 2x2 fine
// pixels and is unknown when any of them is, so known coarse pixels carry no
// hole colour.
Level downsample(const Level& F, int r) {
    Level C;
    C.W = (F.W + 1) / 2;
    C.H = (F.H + 1) / 2;
    allocate(C, r);
    C.hole.create(C.H, C.W, CV_8UC1);
    for (int y = 0; y < C.H; ++y) {
        const int y0 = 2 * y, y1 = std::min(2 * y + 1, F.H - 1);
        const cv::Vec4b* a = F.img.ptr<cv::Vec4b>(y0);
        const cv::Vec4b* b = F.img.ptr<cv::Vec4b>(y1);
        const uchar* ha = F.hole.ptr<uchar>(y0);
        const uchar* hb = F.hole.ptr<uchar>(y1);
        cv::Vec4b* out = C.img.ptr<cv::Vec4b>(y);
        uchar* ho = C.hole.ptr<uchar>(y);
        for (int x = 0; x < C.W; ++x) {
            const int x0 = 2 * x, x1 = std::min(2 * x + 1, F.W - 1);
            for (int c = 0; c < kC; ++c)
                out[x][c] = static_cast<uchar>((a[x0][c] + a[x1][c] + b[x0][c] + b[x1][c] + 2) / 4);
            ho[x] = (ha[x0] | ha[x1] | hb[x0] | hb[x1]) ? 1 : 0;
        }
    }
    return C;
}

// A starting guess of the coarsest level, in onion-peel order (ring by
// ring from the border inwards). Every unknown pixel is matched against its
// already-known neighbourhood (SSD over the known pixels only; a spread of
// sources, the neighbours' continuations, a local refinement): the matches
// seed the hole's field. Its colour is then either the mean of its known
// 8-neighbours (smooth) or the match's centre (Efros-Leung synthesis); see
// the coarsest level in runPyramid for how the two are used.
void onionFill(Level& L, int r, std::uint64_t seed, int globalCandidates, long pairBudget, bool smooth) {
    cv::Mat unknown = L.hole.clone();
    cv::Mat filled = cv::Mat::zeros(L.H, L.W, CV_8UC1);  // pixels given a match by this fill
    const int nSources = static_cast<int>(L.sources.size());
    // At most ~`pairBudget` global candidate tests in all (a fine coarsest level, thin holes).
    const int holeCount = std::max(1, cv::countNonZero(L.hole));
    const int perPixel = std::clamp(static_cast<int>(pairBudget / holeCount), 16, globalCandidates);
    const int stride = std::max(1, nSources / perPixel);
    std::vector<cv::Point> ring;
    std::vector<std::pair<int, int>> offsets;
    for (;;) {
        ring.clear();
        for (int y = 0; y < L.H; ++y)
            for (int x = 0; x < L.W; ++x) {
                if (!unknown.at<uchar>(y, x)) continue;
                bool edge = false;
                for (int dy = -1; dy <= 1 && !edge; ++dy)
                    for (int dx = -1; dx <= 1 && !edge; ++dx) {
                        const int yy = y + dy, xx = x + dx;
                        edge = yy >= 0 && yy < L.H && xx >= 0 && xx < L.W && !unknown.at<uchar>(yy, xx);
                    }
                if (edge) ring.emplace_back(x, y);
            }
        if (ring.empty()) break;
        for (const cv::Point& p : ring) {
            offsets.clear();
            for (int dy = -r; dy <= r; ++dy)
                for (int dx = -r; dx <= r; ++dx) {
                    const int yy = p.y + dy, xx = p.x + dx;
                    if (yy >= 0 && yy < L.H && xx >= 0 && xx < L.W && !unknown.at<uchar>(yy, xx))
                        offsets.emplace_back(dx, dy);
                }
            long best = LONG_MAX;
            cv::Point bestQ = L.sources.front();
            auto tryQ = [&](cv::Point q) {
                if (q.x < r || q.y < r || q.x >= L.W - r || q.y >= L.H - r || !L.valid.at<uchar>(q)) return;
                long ssd = 0;
                for (const auto& [dx, dy] : offsets) {
                    const cv::Vec4b& a = L.img.at<cv::Vec4b>(p.y + dy, p.x + dx);
                    const cv::Vec4b& b = L.img.at<cv::Vec4b>(q.y + dy, q.x + dx);
                    for (int c = 0; c < kC; ++c) ssd += (a[c] - b[c]) * (a[c] - b[c]);
                    if (ssd >= best) return;
                }
                best = ssd;
                bestQ = q;
            };
            // A spread of sources over the whole image (a different subset per pixel) ...
            Rng rng(seed, 7, static_cast<std::uint64_t>(p.y), static_cast<std::uint64_t>(p.x));
            for (int i = rng.below(stride); i < nSources; i += stride) tryQ(L.sources[i]);
            // ... the continuations of the neighbours filled before ...
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int yy = p.y + dy, xx = p.x + dx;
                    if ((dx || dy) && yy >= 0 && yy < L.H && xx >= 0 && xx < L.W && filled.at<uchar>(yy, xx)) {
                        const cv::Vec2i n = L.nnf.at<cv::Vec2i>(yy, xx);
                        tryQ(cv::Point(n[0] - dx, n[1] - dy));
                    }
                }
            // ... and a local refinement around the best.
            for (int rad : {3, 1}) {
                const cv::Point c = bestQ;
                for (int dy = -rad; dy <= rad; ++dy)
                    for (int dx = -rad; dx <= rad; ++dx)
                        if (dx || dy) tryQ(c + cv::Point(dx, dy));
            }
            if (smooth) {
                // Diffusion start: the mean of the known 8-neighbours.
                cv::Vec4i sum(0, 0, 0, 0);
                int n = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int yy = p.y + dy, xx = p.x + dx;
                        if (yy < 0 || yy >= L.H || xx < 0 || xx >= L.W || unknown.at<uchar>(yy, xx)) continue;
                        const cv::Vec4b& c = L.img.at<cv::Vec4b>(yy, xx);
                        for (int ch = 0; ch < kC; ++ch) sum[ch] += c[ch];
                        ++n;
                    }
                cv::Vec4b v;
                for (int ch = 0; ch < kC; ++ch) v[ch] = static_cast<uchar>((sum[ch] + n / 2) / std::max(1, n));
                L.img.at<cv::Vec4b>(p) = v;
            } else {
                L.img.at<cv::Vec4b>(p) = L.img.at<cv::Vec4b>(bestQ);
            }
            L.nnf.at<cv::Vec2i>(p) = cv::Vec2i(bestQ.x, bestQ.y);
            unknown.at<uchar>(p) = 0;
            filled.at<uchar>(p) = 1;
        }
    }
}

#if defined(__SSE2__)
// SSD of one 7-pixel row (28 bytes; the 4 bytes after it are loaded and masked off).
inline int rowSsd7(const uchar* a, const uchar* b) {
    const __m128i z = _mm_setzero_si128();
    const __m128i mask = _mm_set_epi32(0, -1, -1, -1);
    const __m128i a0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
    const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
    const __m128i a1 = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + 16)), mask);
    const __m128i b1 = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16)), mask);
    const __m128i d0 = _mm_sub_epi16(_mm_unpacklo_epi8(a0, z), _mm_unpacklo_epi8(b0, z));
    const __m128i d1 = _mm_sub_epi16(_mm_unpackhi_epi8(a0, z), _mm_unpackhi_epi8(b0, z));
    const __m128i d2 = _mm_sub_epi16(_mm_unpacklo_epi8(a1, z), _mm_unpacklo_epi8(b1, z));
    const __m128i d3 = _mm_sub_epi16(_mm_unpackhi_epi8(a1, z), _mm_unpackhi_epi8(b1, z));
    __m128i s = _mm_add_epi32(_mm_add_epi32(_mm_madd_epi16(d0, d0), _mm_madd_epi16(d1, d1)),
                              _mm_add_epi32(_mm_madd_epi16(d2, d2), _mm_madd_epi16(d3, d3)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}
#endif

// Sum of squared differences of two P x P patches (top-left pointers into the
// same padded image), stopping once it reaches `bound`. P = 0: dynP.
template <int P>
inline int patchSsd(const uchar* a, const uchar* b, std::size_t step, int bound, int dynP) {
    const int n = P > 0 ? P : dynP;
#if defined(__SSE2__)
    if constexpr (P == 7) {
        int sum = 0;
        for (int row = 0; row < 7; ++row, a += step, b += step) {
            sum += rowSsd7(a, b);
            if (sum >= bound) return sum;
        }
        return sum;
    }
#endif
    int sum = 0;
    for (int row = 0; row < n; ++row, a += step, b += step) {
        for (int i = 0; i < kC * n; ++i) {
            const int d = a[i] - b[i];
            sum += d * d;
        }
        if (sum >= bound) return sum;
    }
    return sum;
}

struct Pass {
    int level = 0;
    int index = 0;      // pass counter across the whole run (scan direction, band offset, random stream)
    int maxRadius = 0;  // random-search start radius
};

// Splits rows [y0, y1) into kBands + 1 bands shifted by a pass-dependent
// offset, so band edges (where propagation stops) move between passes.
std::vector<cv::Range> bands(int y0, int y1, int passIndex) {
    const int rows = y1 - y0;
    const int h = std::max(1, (rows + kBands - 1) / kBands);
    const int offset = (passIndex * (h / 2 + 1)) % h;
    std::vector<cv::Range> out;
    int start = y0;
    for (int b = 0; start < y1; ++b) {
        const int end = std::min(y1, y0 + offset + b * h);
        if (end > start) out.emplace_back(start, end);
        start = std::max(start, end);
        if (b > kBands + 2) {
            out.emplace_back(start, y1);
            break;
        }
    }
    return out;
}

template <int P>
class Matcher {
public:
    Matcher(Level& L, std::uint64_t seed, int dynP) : L_(L), seed_(seed), P_(P > 0 ? P : dynP), r_(P_ / 2) {}

    int cost(int tx, int ty, int sx, int sy, int bound) const {
        // Top-left corner of a patch centred at (x, y) in the padded image is (x, y).
        const std::size_t step = L_.padded.step;
        const uchar* base = L_.padded.data;
        const uchar* a = base + ty * step + kC * tx;
        const uchar* b = base + sy * step + kC * sx;
        return patchSsd<P>(a, b, step, bound, P_);
    }

    // One PatchMatch pass (propagation + random search) over rows [y0, y1).
    void pass(const Pass& ps, int y0, int y1) const {
        const bool reverse = ps.index % 2 == 1;
        const int step = reverse ? -1 : 1;
        const int xs = L_.tbox.x, xe = L_.tbox.x + L_.tbox.width;
        const int W = L_.W, r = r_;
        for (int yi = 0; yi < y1 - y0; ++yi) {
            const int y = reverse ? y1 - 1 - yi : y0 + yi;
            const uchar* tgt = L_.target.ptr<uchar>(y);
            cv::Vec2i* nnf = L_.nnf.ptr<cv::Vec2i>(y);
            int* cst = L_.cost.ptr<int>(y);
            const int ny = y - step;  // the row already visited in this pass
            const bool hasRow = ny >= y0 && ny < y1;
            const uchar* tgtN = hasRow ? L_.target.ptr<uchar>(ny) : nullptr;
            const cv::Vec2i* nnfN = hasRow ? L_.nnf.ptr<cv::Vec2i>(ny) : nullptr;
            for (int xi = 0; xi < xe - xs; ++xi) {
                const int x = reverse ? xe - 1 - xi : xs + xi;
                if (!tgt[x]) continue;
                cv::Vec2i best = nnf[x];
                int bc = cost(x, y, best[0], best[1], INT32_MAX);
                auto tryCandidate = [&](int sx, int sy) {
                    if (sx < r || sy < r || sx >= W - r || sy >= L_.H - r) return;
                    if (sx == best[0] && sy == best[1]) return;
                    if (!L_.valid.ptr<uchar>(sy)[sx]) return;
                    const int c = cost(x, y, sx, sy, bc);
                    if (c < bc) {
                        bc = c;
                        best = cv::Vec2i(sx, sy);
                    }
                };
                // Propagation from the neighbours visited earlier in this pass.
                const int nx = x - step;
                if (nx >= xs && nx < xe && tgt[nx]) tryCandidate(nnf[nx][0] + step, nnf[nx][1]);
                if (hasRow && tgtN[x]) tryCandidate(nnfN[x][0], nnfN[x][1] + step);
                // Random search in exponentially shrinking windows.
                Rng rng(seed_, static_cast<std::uint64_t>(ps.level), static_cast<std::uint64_t>(ps.index),
                        static_cast<std::uint64_t>(y) * static_cast<std::uint64_t>(W) + x);
                for (int R = ps.maxRadius; R >= 1; R /= 2) {
                    const int sx = best[0] + rng.below(2 * R + 1) - R;
                    const int sy = best[1] + rng.below(2 * R + 1) - R;
                    tryCandidate(std::clamp(sx, r, W - r - 1), std::clamp(sy, r, L_.H - r - 1));
                }
                nnf[x] = best;
                cst[x] = bc;
            }
        }
    }

private:
    Level& L_;
    std::uint64_t seed_;
    int P_, r_;
};

// The vote (Wexler et al.'s M-step): each hole pixel is decided by the
// colours that the matched source patches of all target patches covering it
// put there, weighted. A plain weighted mean blurs wherever the overlapping
// matches disagree, so, as Wexler et al. do, the colour is the dominant mode
// of those candidates: a few mean-shift steps (Gaussian kernel of `bandwidth`
// grey levels) from the weighted mean. bandwidth <= 0: the mean. Sources lie
// in the known region, which never changes, so hole pixels are written in
// place.
void voteRows(Level& L, const cv::Mat& weight, int r, float bandwidth, int y0, int y1) {
    const int xs = L.hbox.x, xe = L.hbox.x + L.hbox.width;
    const int maxCandidates = (2 * r + 1) * (2 * r + 1);
    std::vector<float> cw(static_cast<std::size_t>(maxCandidates));
    std::vector<cv::Vec4f> cc(static_cast<std::size_t>(maxCandidates));
    const float inv2h2 = bandwidth > 0 ? 0.5f / (bandwidth * bandwidth) : 0.f;
    const float inv4h2 = 0.5f * inv2h2;
    for (int y = y0; y < y1; ++y) {
        const uchar* h = L.hole.ptr<uchar>(y);
        cv::Vec4b* out = L.img.ptr<cv::Vec4b>(y);
        for (int x = xs; x < xe; ++x) {
            if (!h[x]) continue;
            int n = 0;
            cv::Vec4f acc(0, 0, 0, 0);
            float wsum = 0;
            for (int dy = -r; dy <= r; ++dy) {
                const int py = y - dy;
                if (py < 0 || py >= L.H) continue;
                const cv::Vec2i* nnf = L.nnf.ptr<cv::Vec2i>(py);
                const float* w = weight.ptr<float>(py);
                for (int dx = -r; dx <= r; ++dx) {
                    const int px = x - dx;
                    if (px < 0 || px >= L.W) continue;
                    const float wp = w[px];
                    if (wp <= 0.f) continue;
                    const cv::Vec4b& s = L.img.ptr<cv::Vec4b>(nnf[px][1] + dy)[nnf[px][0] + dx];
                    const cv::Vec4f c(s[0], s[1], s[2], s[3]);
                    acc += wp * c;
                    wsum += wp;
                    cw[n] = wp;
                    cc[n] = c;
                    ++n;
                }
            }
            if (wsum <= 0.f) continue;
            cv::Vec4f m = acc * (1.f / wsum);
            if (inv2h2 > 0.f)
                // Epanechnikov kernel of radius 2 * bandwidth (no exp per candidate).
                for (int step = 0; step < 3; ++step) {
                    cv::Vec4f a(0, 0, 0, 0);
                    float ws = 0;
                    for (int i = 0; i < n; ++i) {
                        const float d0 = cc[i][0] - m[0], d1 = cc[i][1] - m[1], d2 = cc[i][2] - m[2];
                        const float k = cw[i] * std::max(0.f, 1.f - (d0 * d0 + d1 * d1 + d2 * d2) * inv4h2);
                        a += k * cc[i];
                        ws += k;
                    }
                    if (ws <= 0.f) {
                        // The mean sits between modes: start from the strongest candidate.
                        int top = 0;
                        for (int i = 1; i < n; ++i)
                            if (cw[i] > cw[top]) top = i;
                        m = cc[top];
                        continue;
                    }
                    m = a * (1.f / ws);
                }
            out[x] = cv::Vec4b(cv::saturate_cast<uchar>(m[0]), cv::saturate_cast<uchar>(m[1]),
                               cv::saturate_cast<uchar>(m[2]), cv::saturate_cast<uchar>(m[3]));
        }
    }
}

// Vote weights: border confidence times patch similarity exp(-d / 2 sigma^2),
// sigma^2 the 75th percentile of the match costs (Wexler et al.). Without
// costs (right after upsampling) the confidence alone.
cv::Mat voteWeights(const Level& L, bool useCost) {
    cv::Mat w = cv::Mat::zeros(L.H, L.W, CV_32FC1);
    double sigma2 = 1.0;
    if (useCost) {
        std::vector<int> costs;
        costs.reserve(static_cast<std::size_t>(L.tbox.area()));
        for (int y = L.tbox.y; y < L.tbox.y + L.tbox.height; ++y) {
            const uchar* t = L.target.ptr<uchar>(y);
            const int* c = L.cost.ptr<int>(y);
            for (int x = L.tbox.x; x < L.tbox.x + L.tbox.width; ++x)
                if (t[x]) costs.push_back(c[x]);
        }
        if (!costs.empty()) {
            auto q = costs.begin() + static_cast<std::ptrdiff_t>(costs.size() * 3 / 4);
            std::nth_element(costs.begin(), q, costs.end());
            sigma2 = std::max(1.0, static_cast<double>(*q));
        }
    }
    const float k = static_cast<float>(-0.5 / sigma2);
    for (int y = L.tbox.y; y < L.tbox.y + L.tbox.height; ++y) {
        const uchar* t = L.target.ptr<uchar>(y);
        const int* c = L.cost.ptr<int>(y);
        const float* cf = L.conf.ptr<float>(y);
        float* o = w.ptr<float>(y);
        for (int x = L.tbox.x; x < L.tbox.x + L.tbox.width; ++x)
            // The floor keeps every hole pixel voted on when all its matches are poor.
            if (t[x]) o[x] = useCost ? cf[x] * std::max(1e-6f, std::exp(k * static_cast<float>(c[x]))) : cf[x];
    }
    return w;
}

void parallelRows(int y0, int y1, int passIndex, const std::function<void(int, int)>& body) {
    const std::vector<cv::Range> bs = bands(y0, y1, passIndex);
    cv::parallel_for_(cv::Range(0, static_cast<int>(bs.size())), [&](const cv::Range& range) {
        for (int b = range.start; b < range.end; ++b) body(bs[b].start, bs[b].end);
    });
}

void randomField(Level& L, std::uint64_t seed, int levelIndex) {
    L.nnf.create(L.H, L.W, CV_32SC2);
    L.nnf.setTo(cv::Scalar::all(-1));
    L.cost.create(L.H, L.W, CV_32SC1);
    L.cost.setTo(cv::Scalar::all(INT32_MAX));
    const int n = static_cast<int>(L.sources.size());
    for (int y = L.tbox.y; y < L.tbox.y + L.tbox.height; ++y)
        for (int x = L.tbox.x; x < L.tbox.x + L.tbox.width; ++x)
            if (L.target.at<uchar>(y, x)) {
                Rng rng(seed, 1000 + levelIndex, 0, static_cast<std::uint64_t>(y) * L.W + x);
                const cv::Point s = L.sources[rng.below(n)];
                L.nnf.at<cv::Vec2i>(y, x) = cv::Vec2i(s.x, s.y);
            }
}

// The field of a finer level from the coarser one: a source twice as far,
// plus the pixel's offset within its 2x2 block. Entries that land on an
// invalid source start at a random valid one; the passes then repair them.
void upsampleField(Level& F, const Level& C, std::uint64_t seed, int levelIndex, int r) {
    F.nnf.create(F.H, F.W, CV_32SC2);
    F.nnf.setTo(cv::Scalar::all(-1));
    F.cost.create(F.H, F.W, CV_32SC1);
    F.cost.setTo(cv::Scalar::all(INT32_MAX));
    const int n = static_cast<int>(F.sources.size());
    for (int y = F.tbox.y; y < F.tbox.y + F.tbox.height; ++y)
        for (int x = F.tbox.x; x < F.tbox.x + F.tbox.width; ++x) {
            if (!F.target.at<uchar>(y, x)) continue;
            const int cx = std::min(x / 2, C.W - 1), cy = std::min(y / 2, C.H - 1);
            const cv::Vec2i cs = C.nnf.at<cv::Vec2i>(cy, cx);
            int sx = -1, sy = -1;
            if (cs[0] >= 0) {
                sx = std::clamp(2 * cs[0] + (x - 2 * cx), r, F.W - r - 1);
                sy = std::clamp(2 * cs[1] + (y - 2 * cy), r, F.H - r - 1);
            }
            if (sx < 0 || !F.valid.at<uchar>(sy, sx)) {
                Rng rng(seed, 1000 + levelIndex, 1, static_cast<std::uint64_t>(y) * F.W + x);
                const cv::Point s = F.sources[rng.below(n)];
                sx = s.x;
                sy = s.y;
            }
            F.nnf.at<cv::Vec2i>(y, x) = cv::Vec2i(sx, sy);
        }
}

// Mean match cost over the target patches: the EM energy (Wexler et al.'s
// global coherence) of the level's current solution.
double fieldEnergy(const Level& L) {
    double sum = 0;
    long n = 0;
    for (int y = L.tbox.y; y < L.tbox.y + L.tbox.height; ++y) {
        const uchar* t = L.target.ptr<uchar>(y);
        const int* c = L.cost.ptr<int>(y);
        for (int x = L.tbox.x; x < L.tbox.x + L.tbox.width; ++x)
            if (t[x]) {
                sum += c[x];
                ++n;
            }
    }
    return n ? sum / static_cast<double>(n) : 0.0;
}

// Mean of the texture channel over the hole.
double holeTexture(const Level& L) { return cv::mean(L.img, L.hole)[3]; }

// Mean of the texture channel over the known pixels within `width` of the hole.
double borderTexture(const Level& L, int width) {
    cv::Mat band;
    cv::dilate(L.hole, band, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * width + 1, 2 * width + 1)));
    band.setTo(0, L.hole);
    return cv::mean(L.img, band)[3];
}

// A deep copy (the image views its own padded buffer).
Level copyLevel(const Level& L, int r) {
    Level c = L;
    c.padded = L.padded.clone();
    c.img = c.padded(cv::Rect(r, r, L.W, L.H));
    c.nnf = L.nnf.clone();
    c.cost = L.cost.clone();
    return c;
}

template <int P>
bool runPyramid(std::vector<Level>& levels, const CompletionOptions& o, int dynP) {
    const int r = (P > 0 ? P : dynP) / 2;
    const int coarsest = static_cast<int>(levels.size()) - 1;
    int searched = 0;
    for (const Level& L : levels) searched += std::max(L.W, L.H) <= o.searchSide ? 1 : 0;
    int passIndex = 0;
    auto cancelled = [&] { return o.cancel && o.cancel->load(std::memory_order_relaxed); };

    for (int l = coarsest; l >= 0; --l) {
        Level& L = levels[l];
        // The mode (sharp) at the finest levels, the mean (stable) below them.
        const float bandwidth = l < o.modeLevels ? static_cast<float>(o.modeBandwidth) : 0.f;
        const bool search = std::max(L.W, L.H) <= o.searchSide;
        int em = o.refineEmIterations;
        if (search) {
            // Searched levels are counted from the coarsest (0) to the finest (searched - 1).
            const int k = coarsest - l;
            const double t = searched > 1 ? static_cast<double>(k) / (searched - 1) : 1.0;
            em = static_cast<int>(std::lround(o.coarseEmIterations + t * (o.fineEmIterations - o.coarseEmIterations)));
        }
        auto runEm = [&](int firstPass) {
            const Matcher<P> matcher(L, o.seed, dynP);
            for (int it = 0; it < em; ++it) {
                if (cancelled()) return false;
                Pass ps;
                ps.level = l;
                ps.index = firstPass + it;
                ps.maxRadius = search ? std::max(L.W, L.H) : o.refineRadius;
                parallelRows(L.tbox.y, L.tbox.y + L.tbox.height, ps.index,
                             [&](int y0, int y1) { matcher.pass(ps, y0, y1); });
                const cv::Mat w = voteWeights(L, true);
                parallelRows(L.hbox.y, L.hbox.y + L.hbox.height, ps.index,
                             [&](int y0, int y1) { voteRows(L, w, r, bandwidth, y0, y1); });
                refreshPadding(L, r);
            }
            return true;
        };
        if (l == coarsest) {
            // Two starts. The voted start: the onion matches over a diffused
            // guess, each hole pixel the vote of the matches of the hole
            // patches covering it (structure where the matches agree, a blend
            // where they do not). It does not grow an object out of the
            // removed one's shadow (a candy on the white table of the example
            // project, a blot from a saucer's shadow), which the greedy
            // synthesis start can; but from it the EM can settle on a blank
            // where the synthesis start continues a regular structure (a
            // facade's window grid). The synthesis is kept when its EM ends
            // with the lower energy, or when the voted solution is a blank
            // (its texture under half the border's) and the synthesis is not:
            // a blank's flat inside matches flat sources so well that its
            // energy can be the lower one. docs/BENCHMARKS.md has the figures.
            randomField(L, o.seed, l);
            onionFill(L, r, o.seed, 400, 2'000'000, true);
            cv::Mat w = cv::Mat::zeros(L.H, L.W, CV_32FC1);
            L.conf.copyTo(w, L.hole);
            voteRows(L, w, r, 0.f, 0, L.H);
            refreshPadding(L, r);
            if (o.synthesisStart) {
                Level voted = copyLevel(L, r);
                randomField(L, o.seed, l);
                onionFill(L, r, o.seed, 400, 2'000'000, false);
                refreshPadding(L, r);
                if (!runEm(passIndex)) return false;
                const double synthesised = fieldEnergy(L);
                std::swap(L, voted);
                if (!runEm(passIndex)) return false;
                const double border = borderTexture(L, 2 * r + 1);
                const bool votedBlank = holeTexture(L) < 0.5 * border && holeTexture(voted) >= 0.5 * border;
                if (synthesised < fieldEnergy(L) || votedBlank) std::swap(L, voted);
            } else if (!runEm(passIndex)) {
                return false;
            }
        } else {
            upsampleField(L, levels[l + 1], o.seed, l, r);
            const cv::Mat w = voteWeights(L, false);
            parallelRows(L.hbox.y, L.hbox.y + L.hbox.height, passIndex,
                         [&](int y0, int y1) { voteRows(L, w, r, bandwidth, y0, y1); });
            refreshPadding(L, r);
            if (!runEm(passIndex)) return false;
        }
        passIndex += em;
    }
    return true;
}

// Gradient-domain correction (as in Darabi et al., "Image Melding", 2012):
// copied patches agree with their neighbours in colour only up to the
// patches' own offsets, which shows as seams where the photo is a smooth
// gradient (sky, a lit wall). Inside the hole, the colours f = v + c are made
// to have, in the least-squares sense, the steps that the sources of both
// neighbours show (the mean of the two) where the copies continue each other,
// and no step across a seam between unrelated copies; at the border the vote's own
// step is kept (the vote already blends into the border, and fitting there
// would bleed every border mismatch into the hole as a glow). The correction
// c solves a Poisson equation, coarse to fine over the same pyramid
// (restricted residuals, symmetric Gauss-Seidel at every level, the coarser
// solution as the start): sequential, so deterministic.
void gradientCorrect(std::vector<Level>& levels, int coarseIterations, int fineIterations, float seamTolerance) {
    const int K = static_cast<int>(levels.size());
    Level& L0 = levels[0];
    static const int kDx[4] = {1, -1, 0, 0}, kDy[4] = {0, 0, 1, -1};
    // Residuals and corrections live on each level's hole box (hole pixels
    // read and write only hole pixels; a hole pixel's coarse parent is a hole
    // pixel too), so a large photo's small hole costs its box, not the photo.
    std::vector<cv::Mat> res(K), cor(K);
    auto at = [&](std::vector<cv::Mat>& m, int k, int x, int y) -> cv::Vec3f& {
        return m[k].at<cv::Vec3f>(y - levels[k].hbox.y, x - levels[k].hbox.x);
    };
    res[0] = cv::Mat::zeros(L0.hbox.size(), CV_32FC3);
    auto colour = [&](int x, int y) {
        const cv::Vec4b& p = L0.img.at<cv::Vec4b>(y, x);
        return cv::Vec3f(p[0], p[1], p[2]);
    };
    for (int y = L0.hbox.y; y < L0.hbox.y + L0.hbox.height; ++y)
        for (int x = L0.hbox.x; x < L0.hbox.x + L0.hbox.width; ++x) {
            if (!L0.hole.at<uchar>(y, x)) continue;
            const cv::Vec2i s = L0.nnf.at<cv::Vec2i>(y, x);
            const cv::Vec3f v = colour(x, y);
            cv::Vec3f acc(0, 0, 0);
            for (int e = 0; e < 4; ++e) {
                const int qx = x + kDx[e], qy = y + kDy[e];
                if (qx < 0 || qy < 0 || qx >= L0.W || qy >= L0.H) continue;
                // Where both ends copy the same source region (coherent), the
                // target difference is the source's (s +- e is inside the
                // source patch, so known); across a seam between two copies,
                // none: the seam is smoothed away.
                // Next to a known pixel the vote's step is kept (the vote
                // already blends into the border; a Poisson fit there would
                // bleed every border mismatch into the hole as a glow).
                if (!L0.hole.at<uchar>(qy, qx)) continue;
                // Where the two copies continue each other (x's source
                // predicts q's colour, and q's x's), the step both sources
                // show; across a seam between unrelated copies, none: the
                // seam is smoothed away. s + e and t - e lie in source
                // patches, so they are known.
                const cv::Vec2i t = L0.nnf.at<cv::Vec2i>(qy, qx);
                const cv::Vec3f sx = colour(s[0], s[1]), sq = colour(s[0] + kDx[e], s[1] + kDy[e]);
                const cv::Vec3f tx = colour(t[0] - kDx[e], t[1] - kDy[e]), tq = colour(t[0], t[1]);
                const cv::Vec3f mismatch = (sq - tq) + (sx - tx);
                const float m = std::abs(mismatch[0]) + std::abs(mismatch[1]) + std::abs(mismatch[2]);
                const cv::Vec3f d = m <= seamTolerance ? 0.5f * ((sx - sq) + (tx - tq)) : cv::Vec3f(0, 0, 0);
                acc += d - (v - colour(qx, qy));
            }
            at(res, 0, x, y) = acc;
        }
    for (int k = 1; k < K; ++k) {
        const Level& F = levels[k - 1];
        res[k] = cv::Mat::zeros(levels[k].hbox.size(), CV_32FC3);
        for (int y = F.hbox.y; y < F.hbox.y + F.hbox.height; ++y)
            for (int x = F.hbox.x; x < F.hbox.x + F.hbox.width; ++x)
                if (F.hole.at<uchar>(y, x)) at(res, k, x / 2, y / 2) += at(res, k - 1, x, y);
    }
    for (int k = K - 1; k >= 0; --k) {
        const Level& L = levels[k];
        const cv::Rect box = L.hbox;
        cor[k] = cv::Mat::zeros(box.size(), CV_32FC3);
        if (k < K - 1)
            for (int y = box.y; y < box.y + box.height; ++y)
                for (int x = box.x; x < box.x + box.width; ++x)
                    if (L.hole.at<uchar>(y, x)) at(cor, k, x, y) = at(cor, k + 1, x / 2, y / 2);
        const int iterations = k == K - 1 ? coarseIterations : fineIterations;
        for (int it = 0; it < iterations; ++it)
            for (int yi = 0; yi < box.height; ++yi) {
                // Alternate the sweep direction (symmetric Gauss-Seidel).
                const int y = it % 2 ? box.y + box.height - 1 - yi : box.y + yi;
                const uchar* h = L.hole.ptr<uchar>(y);
                cv::Vec3f* c = cor[k].ptr<cv::Vec3f>(y - box.y);  // indexed x - box.x
                const cv::Vec3f* rr = res[k].ptr<cv::Vec3f>(y - box.y);
                for (int xi = 0; xi < box.width; ++xi) {
                    const int x = it % 2 ? box.x + box.width - 1 - xi : box.x + xi;
                    if (!h[x]) continue;
                    cv::Vec3f sum = rr[x - box.x];
                    int n = 0;
                    for (int e = 0; e < 4; ++e) {
                        const int qx = x + kDx[e], qy = y + kDy[e];
                        if (qx < 0 || qy < 0 || qx >= L.W || qy >= L.H) continue;
                        ++n;
                        if (L.hole.at<uchar>(qy, qx)) sum += at(cor, k, qx, qy);
                    }
                    if (n) c[x - box.x] = sum * (1.f / n);
                }
            }
    }
    for (int y = L0.hbox.y; y < L0.hbox.y + L0.hbox.height; ++y)
        for (int x = L0.hbox.x; x < L0.hbox.x + L0.hbox.width; ++x) {
            if (!L0.hole.at<uchar>(y, x)) continue;
            cv::Vec4b& p = L0.img.at<cv::Vec4b>(y, x);
            const cv::Vec3f& c = at(cor, 0, x, y);
            for (int ch = 0; ch < 3; ++ch) p[ch] = cv::saturate_cast<uchar>(p[ch] + c[ch]);
        }
}

cv::Mat telea(const cv::Mat& image, const cv::Mat& hole) {
    cv::Mat out;
    cv::inpaint(image, hole, out, 3.0, cv::INPAINT_TELEA);
    return out;
}

}  // namespace

cv::Mat completeHole(const cv::Mat& image, const cv::Mat& holeIn, const CompletionOptions& o) {
    if (image.empty() || image.type() != CV_8UC3)
        throw std::invalid_argument("completeHole: expected a non-empty 8-bit BGR image");
    if (holeIn.size() != image.size() || holeIn.type() != CV_8UC1)
        throw std::invalid_argument("completeHole: the hole must be CV_8UC1 of the image's size");
    if (o.patchSize < 3 || o.patchSize % 2 == 0)
        throw std::invalid_argument("completeHole: the patch size must be odd and at least 3");
    cv::Mat hole = holeIn != 0;
    if (cv::countNonZero(hole) == 0) return image.clone();

    // Thin holes: diffusion is exact enough and far cheaper.
    double maxDist = 0;
    {
        cv::Rect box;
        cv::minMaxLoc(holeDistance(hole, box), nullptr, &maxDist);
        if (maxDist <= o.diffusionMaxDistance) return telea(image, hole);
    }

    const int P = o.patchSize, r = P / 2;
    std::vector<Level> levels;
    {
        Level L0 = firstLevel(image, hole / 255, r, o.textureGain);
        prepareLevel(L0, r, o.borderGamma);
        if (L0.sources.empty()) return telea(image, hole);
        levels.push_back(std::move(L0));
    }
    // Halve until the long side reaches coarsestSide, while a level keeps
    // enough room for patches and some source patches.
    while (std::max(levels.back().W, levels.back().H) > o.coarsestSide) {
        const Level& F = levels.back();
        if (o.coarsestHoleRadius > 0 && maxDist / (1 << levels.size()) < o.coarsestHoleRadius &&
            std::max(F.W, F.H) <= o.coarsestMaxSide)
            break;
        if (std::min((F.W + 1) / 2, (F.H + 1) / 2) < 2 * P) break;
        Level C = downsample(F, r);
        prepareLevel(C, r, o.borderGamma);
        if (C.sources.size() < 16 || cv::countNonZero(C.hole) == 0) break;
        levels.push_back(std::move(C));
    }

    keepNearSources(levels.back(), o.sourceReach);

    const bool ok = P == 7 ? runPyramid<7>(levels, o, P)
                  : P == 5 ? runPyramid<5>(levels, o, P)
                  : P == 9 ? runPyramid<9>(levels, o, P)
                           : runPyramid<0>(levels, o, P);
    if (!ok) return {};
    if (o.gradientIterations > 0) gradientCorrect(levels, 8 * o.gradientIterations, o.gradientIterations, 6.f);
    cv::Mat out = image.clone();
    const Level& L0 = levels[0];
    // Detail transfer: the vote averages overlapping matches and with them the
    // photo's finest grain (sensor noise, film grain, fibre). In each hole
    // pixel the vote's own high-pass is replaced (by the fraction `gain`) with
    // that of the pixel its match points at; high-pass = image minus its
    // Gaussian blur (sigma 1, support 7 px). Sources are read only at patch
    // centres, whose whole patch is known; where the vote already copies its
    // match exactly, nothing changes.
    cv::Mat blurred;
    if (o.detailTransfer > 0) {
        cv::Mat bgra = L0.img.clone();
        cv::GaussianBlur(bgra, blurred, cv::Size(2 * r + 1, 2 * r + 1), 1.0, 1.0, cv::BORDER_REPLICATE);
    }
    const float gain = static_cast<float>(o.detailTransfer);
    for (int y = L0.hbox.y; y < L0.hbox.y + L0.hbox.height; ++y) {
        const uchar* h = L0.hole.ptr<uchar>(y);
        const cv::Vec4b* in = L0.img.ptr<cv::Vec4b>(y);
        const cv::Vec2i* nnf = L0.nnf.ptr<cv::Vec2i>(y);
        cv::Vec3b* o3 = out.ptr<cv::Vec3b>(y);
        for (int x = L0.hbox.x; x < L0.hbox.x + L0.hbox.width; ++x) {
            if (!h[x]) continue;
            if (blurred.empty()) {
                o3[x] = cv::Vec3b(in[x][0], in[x][1], in[x][2]);
                continue;
            }
            const cv::Vec4b& s = L0.img.at<cv::Vec4b>(nnf[x][1], nnf[x][0]);
            const cv::Vec4b& bs = blurred.at<cv::Vec4b>(nnf[x][1], nnf[x][0]);
            const cv::Vec4b& bv = blurred.at<cv::Vec4b>(y, x);
            for (int c = 0; c < 3; ++c) {
                const float highSource = static_cast<float>(s[c]) - bs[c];
                const float highVote = static_cast<float>(in[x][c]) - bv[c];
                o3[x][c] = cv::saturate_cast<uchar>(in[x][c] + gain * (highSource - highVote));
            }
        }
    }
    return out;
}

}  // namespace boxanim

