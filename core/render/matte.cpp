#include "core/render/matte.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include <opencv2/imgproc.hpp>
#include <opencv2/imgproc/detail/gcgraph.hpp>
#include <opencv2/ximgproc/edge_filter.hpp>

#include "core/render/geometry.h"

namespace boxanim {

namespace {

double workingScale(cv::Size size, int maxSide) {
    const int longSide = std::max(size.width, size.height);
    return longSide > maxSide ? static_cast<double>(maxSide) / longSide : 1.0;
}

// The downscaled working copy's size (one rule for the rectangle and the copy).
cv::Size workingSize(cv::Size size, double scale) {
    if (scale >= 1.0) return size;
    return {std::max(1, static_cast<int>(std::lround(size.width * scale))),
            std::max(1, static_cast<int>(std::lround(size.height * scale)))};
}

// A cv::grabCut colour model (1x65 doubles: 5 weights, 5x3 means, 5x9
// covariances, OpenCV's layout) as a density.
class ColourGmm {
public:
    explicit ColourGmm(const cv::Mat& model) {
        const double* c = model.ptr<double>();
        for (int k = 0; k < 5; ++k) {
            w_[k] = c[k];
            for (int i = 0; i < 3; ++i) m_[k][i] = c[5 + 3 * k + i];
            cv::Matx33d cov(c + 20 + 9 * k);
            const double det = cv::determinant(cov);
            if (w_[k] > 0 && det > 1e-12) {
                const cv::Matx33d inv = cov.inv();
                for (int i = 0; i < 9; ++i) ic_[k][i] = inv.val[i];
                norm_[k] = w_[k] / std::sqrt(det);
            } else {
                norm_[k] = 0;
            }
        }
    }
    double operator()(const cv::Vec3b& v) const {
        double s = 0;
        for (int k = 0; k < 5; ++k) {
            if (norm_[k] <= 0) continue;
            const double d[3] = {v[0] - m_[k][0], v[1] - m_[k][1], v[2] - m_[k][2]};
            double q = 0;
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j) q += d[i] * ic_[k][3 * i + j] * d[j];
            s += norm_[k] * std::exp(-0.5 * q);
        }
        return s;
    }

private:
    double w_[5] = {}, m_[5][3] = {}, ic_[5][9] = {}, norm_[5] = {};
};

// One step of grabCut's model learning (OpenCV's assignGMMsComponents and
// learnGMMs): each pixel joins its label's most likely component (density
// without the weight, as OpenCV does), then weights, means and covariances
// are refitted, with OpenCV's white noise on a singular covariance.
void refitColourModels(const cv::Mat& img, const cv::Mat& labels, cv::Mat& fgModel,
                       cv::Mat& bgModel) {
    constexpr int K = 5;
    struct Model {
        double* c;
        double inv[K][9] = {}, norm[K] = {};
        double n[K] = {}, sum[K][3] = {}, prod[K][9] = {};
        explicit Model(cv::Mat& m) : c(m.ptr<double>()) {
            for (int k = 0; k < K; ++k) {
                if (c[k] <= 0) continue;
                const cv::Matx33d cov(c + 20 + 9 * k);
                const double det = cv::determinant(cov);
                if (det <= 0) continue;
                const cv::Matx33d i = cov.inv();
                for (int j = 0; j < 9; ++j) inv[k][j] = i.val[j];
                norm[k] = 1.0 / std::sqrt(det);
            }
        }
        void add(const cv::Vec3b& v) {
            const double x[3] = {double(v[0]), double(v[1]), double(v[2])};
            int best = 0;
            double bestP = 0;
            for (int k = 0; k < K; ++k) {
                if (norm[k] <= 0) continue;
                const double d[3] = {x[0] - c[5 + 3 * k], x[1] - c[6 + 3 * k], x[2] - c[7 + 3 * k]};
                double q = 0;
                for (int i = 0; i < 3; ++i)
                    for (int j = 0; j < 3; ++j) q += d[i] * inv[k][3 * i + j] * d[j];
                const double p = norm[k] * std::exp(-0.5 * q);
                if (p > bestP) bestP = p, best = k;
            }
            n[best] += 1;
            for (int i = 0; i < 3; ++i) {
                sum[best][i] += x[i];
                for (int j = 0; j < 3; ++j) prod[best][3 * i + j] += x[i] * x[j];
            }
        }
        void finish() {
            double total = 0;
            for (int k = 0; k < K; ++k) total += n[k];
            for (int k = 0; k < K; ++k) {
                if (n[k] == 0) {
                    c[k] = 0;
                    continue;
                }
                c[k] = n[k] / total;
                double* m = c + 5 + 3 * k;
                double* v = c + 20 + 9 * k;
                for (int i = 0; i < 3; ++i) m[i] = sum[k][i] / n[k];
                for (int i = 0; i < 3; ++i)
                    for (int j = 0; j < 3; ++j) v[3 * i + j] = prod[k][3 * i + j] / n[k] - m[i] * m[j];
                if (cv::determinant(cv::Matx33d(v)) <= std::numeric_limits<double>::epsilon())
                    v[0] += 0.01, v[4] += 0.01, v[8] += 0.01;
            }
        }
    } fg(fgModel), bg(bgModel);
    for (int y = 0; y < img.rows; ++y) {
        const cv::Vec3b* c = img.ptr<cv::Vec3b>(y);
        const uchar* l = labels.ptr<uchar>(y);
        for (int x = 0; x < img.cols; ++x)
            (l[x] == cv::GC_FGD || l[x] == cv::GC_PR_FGD ? fg : bg).add(c[x]);
    }
    fg.finish();
    bg.finish();
}

// grabCut's k-means start draws from OpenCV's thread-local RNG: a fixed
// state makes a matte a function of its inputs alone, whatever ran before on
// the thread (the editor's worker, the CLI, a test); the caller's state is
// restored.
class FixedRng {
public:
    FixedRng() : saved_(cv::theRNG().state) { cv::theRNG().state = 0x4d61747465ull; }
    ~FixedRng() { cv::theRNG().state = saved_; }
    FixedRng(const FixedRng&) = delete;
    FixedRng& operator=(const FixedRng&) = delete;

private:
    std::uint64_t saved_;
};

// How far the network's confident labels may outweigh colour: by how well
// its subject (the bounding box of its p >= priorThreshold pixels) fits
// `rect` (IoU), 0 below trustFitLow, 1 from trustFitHigh, linear
// between. A subject that fills the box is the boxed object (a motorcycle,
// whose red crate behind the fork colour alone would take); one that fills
// part of it is often something else (the butterfly printed on a mug).
double networkTrust(const cv::Mat& prior, const cv::Rect& rect, const MatteOptions& o) {
    if (prior.empty() || rect.area() == 0 || o.trustFitHigh <= o.trustFitLow) return 0;
    const cv::Rect subject = cv::boundingRect(prior >= o.priorThreshold);
    const double inter = (subject & rect).area();
    const double fit = inter / (subject.area() + rect.area() - inter);
    return std::clamp((fit - o.trustFitLow) / (o.trustFitHigh - o.trustFitLow), 0.0, 1.0);
}

}  // namespace

bool fusedGraphCut(const cv::Mat& img, const cv::Rect& rect, const cv::Mat& prior, cv::Mat& labels,
                   int iterations, const MatteOptions& options, double trust) {
    const double priorWeight = options.priorWeight;
    // grabCut's smoothness term (Rother et al. 2004): gamma 50, beta from the
    // mean squared colour difference of neighbours.
    constexpr double kGamma = 50.0, kLambda = 9.0 * kGamma;
    const int W = img.cols, H = img.rows;
    double beta = 0;
    long count = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const cv::Vec3d c = img.at<cv::Vec3b>(y, x);
            if (x > 0) { const cv::Vec3d d = c - cv::Vec3d(img.at<cv::Vec3b>(y, x - 1)); beta += d.dot(d); ++count; }
            if (y > 0) { const cv::Vec3d d = c - cv::Vec3d(img.at<cv::Vec3b>(y - 1, x)); beta += d.dot(d); ++count; }
        }
    beta = beta <= 1e-9 ? 0 : 1.0 / (2.0 * beta / count);
    for (int it = 0; it < iterations; ++it) {
        // One grabCut iteration learns the colour models from the current
        // labels (its own cut is not used).
        // OpenCV's k-means start (grabCut with no iterations), then one
        // assign-and-refit step: the models one grabCut iteration would cut
        // with, without paying for its cut.
        cv::Mat scratch = labels.clone(), bgModel, fgModel;
        try {
            cv::grabCut(img, scratch, rect, bgModel, fgModel, 0, cv::GC_INIT_WITH_MASK);
        } catch (const cv::Exception&) {
            return false;
        }
        refitColourModels(img, labels, fgModel, bgModel);
        const ColourGmm bg(bgModel), fgm(fgModel);
        cv::detail::GCGraph<double> g(static_cast<unsigned>(W * H), static_cast<unsigned>(8 * W * H));
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x) {
                const int v = g.addVtx();
                const uchar l = labels.at<uchar>(y, x);
                const cv::Vec3b c = img.at<cv::Vec3b>(y, x);
                double toFg, toBg;  // source (foreground) and sink capacities
                if (l == cv::GC_PR_BGD || l == cv::GC_PR_FGD) {
                    const double pf = std::max(1e-300, fgm(c)), pb = std::max(1e-300, bg(c));
                    const double pn = std::clamp(static_cast<double>(prior.at<float>(y, x)), 1e-3, 1.0 - 1e-3);
                    toFg = -std::log(pb) - priorWeight * std::log(1.0 - pn);
                    toBg = -std::log(pf) - priorWeight * std::log(pn);
                    const double m = std::min(toFg, toBg);
                    toFg -= m;
                    toBg -= m;
                    if (trust > 0) {
                        // Colour models are overconfident (pixels are not
                        // independent): bounded, a confident network can
                        // outvote a colour that only the box holds.
                        const double logOdds = std::log(pn) - std::log(1.0 - pn);
                        const double bound = options.trustedColourBound;
                        const double colour = std::log(pf) - std::log(pb);
                        const double d = (1.0 - trust) * (toFg - toBg) +
                                         trust * (std::clamp(colour, -bound, bound) +
                                                  options.trustedPriorWeight * logOdds);
                        toFg = std::max(0.0, d);
                        toBg = std::max(0.0, -d);
                    }
                } else if (l == cv::GC_BGD) {
                    toFg = 0;
                    toBg = kLambda;
                } else {
                    toFg = kLambda;
                    toBg = 0;
                }
                g.addTermWeights(v, toFg, toBg);
                const cv::Vec3d cd = c;
                auto edge = [&](int nx, int ny, double scale) {
                    const cv::Vec3d d = cd - cv::Vec3d(img.at<cv::Vec3b>(ny, nx));
                    const double wgt = scale * kGamma * std::exp(-beta * d.dot(d));
                    g.addEdges(v, ny * W + nx, wgt, wgt);
                };
                if (x > 0) edge(x - 1, y, 1.0);
                if (y > 0) edge(x, y - 1, 1.0);
                if (x > 0 && y > 0) edge(x - 1, y - 1, 1.0 / std::sqrt(2.0));
                if (x < W - 1 && y > 0) edge(x + 1, y - 1, 1.0 / std::sqrt(2.0));
            }
        g.maxFlow();
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x) {
                uchar& l = labels.at<uchar>(y, x);
                if (l == cv::GC_PR_BGD || l == cv::GC_PR_FGD)
                    l = g.inSourceSegment(y * W + x) ? cv::GC_PR_FGD : cv::GC_PR_BGD;
            }
    }
    return true;
}

cv::Rect priorCropRect(cv::Size size, const Box& box, const MatteOptions& options) {
    if (!isValidBox(box) || size.area() == 0) return {};
    const cv::Rect2d px = boxToPixels(box, size);
    const double mx = options.priorPad * px.width, my = options.priorPad * px.height;
    cv::Rect r(cv::Point(static_cast<int>(std::floor(px.x - mx)), static_cast<int>(std::floor(px.y - my))),
               cv::Point(static_cast<int>(std::ceil(px.x + px.width + mx)),
                         static_cast<int>(std::ceil(px.y + px.height + my))));
    r &= cv::Rect(0, 0, size.width, size.height);
    return r.width >= 2 && r.height >= 2 ? r : cv::Rect();
}

cv::Mat rasterizeStrokes(cv::Size size, const std::vector<Stroke>& strokes) {
    cv::Mat labels = cv::Mat::zeros(size, CV_8UC1);
    const double longSide = std::max(size.width, size.height);
    for (const Stroke& s : strokes) {
        const uchar value = s.mode == StrokeMode::Include ? 1 : 2;
        const int r = std::max(1, static_cast<int>(std::lround(s.radius * longSide)));
        // Fixed-point coordinates (4 fractional bits) keep sub-pixel positions.
        constexpr int kShift = 4;
        auto pt = [&](const std::array<double, 2>& p) {
            return cv::Point(static_cast<int>(std::lround(p[0] * size.width * (1 << kShift))),
                             static_cast<int>(std::lround(p[1] * size.height * (1 << kShift))));
        };
        if (s.points.size() == 1) {
            cv::circle(labels, pt(s.points[0]), r << kShift, cv::Scalar(value), cv::FILLED,
                       cv::LINE_8, kShift);
            continue;
        }
        for (std::size_t i = 1; i < s.points.size(); ++i)
            cv::line(labels, pt(s.points[i - 1]), pt(s.points[i]), cv::Scalar(value), 2 * r + 1,
                     cv::LINE_8, kShift);
        // Round caps and joints.
        for (const auto& p : s.points)
            cv::circle(labels, pt(p), r << kShift, cv::Scalar(value), cv::FILLED, cv::LINE_8, kShift);
    }
    return labels;
}

void occludeFrontToBack(std::vector<cv::Mat>& mattes) {
    if (mattes.size() < 2) return;
    cv::Mat front = mattes[0].clone();  // union of everything in front so far
    for (std::size_t k = 1; k < mattes.size(); ++k) {
        cv::Mat keep = 1.0 - front;
        cv::multiply(mattes[k], keep, mattes[k]);
        cv::max(front, mattes[k], front);
    }
}

cv::Mat computeMatte(const cv::Mat& image, const Box& box, const MatteOptions& options) {
    return computeMatte(image, box, {}, MattePrior{}, options);
}

cv::Rect matteWorkingRect(cv::Size image, const Box& box, const std::vector<Stroke>& strokes,
                          const MatteOptions& options) {
    if (!isValidBox(box) || image.area() == 0) return {};
    const cv::Size ws = workingSize(image, workingScale(image, options.maxWorkingSide));
    // The init rectangle: the box grown by a small margin.
    const cv::Rect2d px = boxToPixels(box, ws);
    const double mx = std::max(2.0, options.boxMargin * px.width);
    const double my = std::max(2.0, options.boxMargin * px.height);
    cv::Rect rect(cv::Point(static_cast<int>(std::floor(px.x - mx)),
                            static_cast<int>(std::floor(px.y - my))),
                  cv::Point(static_cast<int>(std::ceil(px.x + px.width + mx)),
                            static_cast<int>(std::ceil(px.y + px.height + my))));
    rect &= cv::Rect(0, 0, ws.width, ws.height);
    // Include strokes may reach outside the box (a part the box cut off):
    // the rectangle grows to them.
    bool anyInclude = false;
    for (const Stroke& s : strokes) anyInclude = anyInclude || s.mode == StrokeMode::Include;
    if (anyInclude && rect.area() > 0) {
        const cv::Mat includeMask = rasterizeStrokes(ws, strokes) == 1;
        if (cv::countNonZero(includeMask) > 0) {
            const cv::Rect inc = cv::boundingRect(includeMask);
            rect |= cv::Rect(inc.x - 2, inc.y - 2, inc.width + 4, inc.height + 4);
            rect &= cv::Rect(0, 0, ws.width, ws.height);
        }
    }
    return rect.width >= 2 && rect.height >= 2 ? rect : cv::Rect();
}

namespace {

// The learned prior at working resolution (CV_32FC1 of base.working, 0
// where unknown); empty when there is none or it finds (almost) nothing in
// the rectangle.
cv::Mat priorAtWorkingSize(const MattePrior& prior, const MatteBase& base, const MatteOptions& options) {
    const cv::Size full = base.full, ws = base.working;
    const cv::Rect rect = base.rect;
    const double scale = base.scale;
    cv::Mat priorWs;
    if (!prior.probability.empty() && prior.crop.area() > 0 &&
        prior.probability.size() == prior.crop.size() &&
        (prior.crop & cv::Rect(0, 0, full.width, full.height)) == prior.crop) {
        cv::Rect crop(cv::Point(static_cast<int>(std::lround(prior.crop.x * scale)),
                                static_cast<int>(std::lround(prior.crop.y * scale))),
                      cv::Point(static_cast<int>(std::lround(prior.crop.br().x * scale)),
                                static_cast<int>(std::lround(prior.crop.br().y * scale))));
        crop &= cv::Rect(0, 0, ws.width, ws.height);
        if ((rect & crop).area() > 0) {
            priorWs = cv::Mat::zeros(ws, CV_32FC1);
            cv::Mat p;
            cv::resize(prior.probability, p, crop.size(), 0, 0,
                       scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
            p.copyTo(priorWs(crop));
            // A prior that finds (almost) nothing in the box says nothing about it.
            if (cv::countNonZero(priorWs(rect) >= options.priorThreshold) <
                std::max(16, rect.area() / 200))
                priorWs.release();
        }
    }
    return priorWs;
}

}  // namespace

MatteBase prepareMatte(const cv::Mat& image, const Box& box, const std::vector<Stroke>& strokes,
                       const std::function<MattePrior()>& priorSource, const MatteOptions& options) {
    if (image.empty() || image.type() != CV_8UC3)
        throw std::invalid_argument("computeMatte: expected a non-empty 8-bit BGR image");
    const FixedRng rng;
    MatteBase base;
    base.full = image.size();
    base.box = box;
    base.rect = matteWorkingRect(image.size(), box, strokes, options);
    if (base.rect.area() == 0) return base;

    // Downscaled working copy.
    const cv::Size full = image.size();
    const double scale = workingScale(full, options.maxWorkingSide);
    base.scale = scale;
    cv::Mat small;
    if (scale < 1.0)
        cv::resize(image, small, workingSize(full, scale), 0, 0, cv::INTER_AREA);
    else
        small = image;
    const cv::Size ws = small.size();
    base.working = ws;
    const cv::Rect rect = base.rect;

    // grabCut fits 5-component colour models to the foreground and background
    // labels: both need enough samples. A box (nearly) covering the image, or
    // a box of a few pixels, is taken whole.
    constexpr int kMinSamples = 64;
    // The cuts see the box and a band around it (half the box's longer side,
    // at least 16 px): the background colour model comes from the object's
    // surroundings, and a stroke costs in proportion to the box, not the photo.
    const int band = std::max(16, std::max(rect.width, rect.height) / 2);
    base.region =
        cv::Rect(rect.x - band, rect.y - band, rect.width + 2 * band, rect.height + 2 * band) &
        cv::Rect(0, 0, ws.width, ws.height);
    base.image = small(base.region).clone();
    const cv::Rect rectR = rect - base.region.tl();
    if (rect.area() < kMinSamples || base.region.area() - rect.area() < kMinSamples) return base;

    // Step 1, colour alone: grabCut from the rectangle (everything inside
    // probable foreground).
    cv::Mat maskR(base.region.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
    maskR(rectR).setTo(cv::GC_PR_FGD);
    try {
        cv::Mat bgModel, fgModel;
        cv::grabCut(base.image, maskR, rectR, bgModel, fgModel, options.iterations,
                    cv::GC_INIT_WITH_MASK);
    } catch (const cv::Exception&) {
        return base;  // degenerate colour statistics (e.g. a flat image): not modelled
    }
    const cv::Mat priorWs = priorAtWorkingSize(priorSource(), base, options);
    if (!priorWs.empty()) base.prior = priorWs(base.region).clone();
    // Step 2, colour and the learned prior together: start from what either
    // takes (probable foreground), the rest of the box probable background,
    // and cut with the network's log-probability added to the colour models'
    // (fusedGraphCut). Where colour is decisive it wins; where it is
    // ambiguous the network decides.
    if (!base.prior.empty()) {
        cv::Mat labels(base.region.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
        labels(rectR).setTo(cv::GC_PR_BGD);
        cv::Mat either = (maskR == cv::GC_PR_FGD) | (base.prior >= options.priorThreshold);
        cv::Mat inRect = cv::Mat::zeros(base.region.size(), CV_8UC1);
        inRect(rectR).setTo(255);
        labels.setTo(cv::GC_PR_FGD, either & inRect);
        // Measured against the init rectangle (the box grown by boxMargin):
        // a subject exactly the box's size fits it at about 0.89, one that
        // spills a little past the box (as the network's masks do) at more.
        base.networkTrust = networkTrust(base.prior, rectR, options);
        if (fusedGraphCut(base.image, rectR, base.prior, labels, options.fusedIterations, options,
                          base.networkTrust))
            maskR = labels;
    }
    base.labels = maskR;
    return base;
}

MatteBase prepareMatte(const cv::Mat& image, const Box& box, const std::vector<Stroke>& strokes,
                       const MattePrior& prior, const MatteOptions& options) {
    return prepareMatte(image, box, strokes, [&prior] { return prior; }, options);
}

cv::Mat strokeCut(const MatteBase& base, const std::vector<Stroke>& strokes,
                  const MatteOptions& options, const cv::Mat& from, std::size_t fromCount) {
    if (base.labels.empty()) return {};
    if (from.empty()) fromCount = 0;
    fromCount = std::min(fromCount, strokes.size());
    cv::Mat labels = (from.empty() ? base.labels : from).clone();
    const cv::Rect rectR = base.rect - base.region.tl();
    // One edit at a time, as a user makes them (GrabCut's user editing): a
    // stroke's cuts start from what the strokes before it left, not from the
    // stroke-free cut, whose colour models can be poor enough that a late dab
    // flips a part the earlier strokes had fixed (docs/BENCHMARKS.md, Mattes).
    for (std::size_t k = fromCount; k < strokes.size(); ++k) {
        const FixedRng rng;  // every step from the same state: editor == CLI
        const cv::Mat painted = rasterizeStrokes(base.working, {strokes[k]})(base.region);
        labels.setTo(cv::GC_FGD, painted == 1);
        labels.setTo(cv::GC_BGD, painted == 2);
        if (!base.prior.empty()) {
            fusedGraphCut(base.image, rectR, base.prior, labels, options.strokeIterations, options,
                          base.networkTrust);
        } else {
            try {
                cv::Mat bgModel, fgModel;
                cv::grabCut(base.image, labels, rectR, bgModel, fgModel, options.strokeIterations,
                            cv::GC_INIT_WITH_MASK);
            } catch (const cv::Exception&) {
                // Degenerate colour statistics: the strokes alone correct the cut.
            }
        }
    }
    return labels;
}

cv::Mat finishMatte(const cv::Mat& image, const MatteBase& base, const std::vector<Stroke>& strokes,
                    const MatteOptions& options) {
    return finishMatte(image, base, strokes, strokeCut(base, strokes, options), options);
}

cv::Mat finishMatte(const cv::Mat& image, const MatteBase& base, const std::vector<Stroke>& strokes,
                    const cv::Mat& cutLabels, const MatteOptions& options) {
    if (image.empty() || image.type() != CV_8UC3 || image.size() != base.full)
        throw std::invalid_argument("finishMatte: expected the image the base was made from");
    const FixedRng rng;
    const cv::Size full = base.full;
    cv::Mat result = cv::Mat::zeros(full, CV_32FC1);
    if (base.rect.area() == 0) return result;
    const cv::Size ws = base.working;
    const cv::Rect rect = base.rect;
    const double scale = base.scale;

    // The user's strokes: certain labels.
    const cv::Mat strokeLabels = strokes.empty() ? cv::Mat() : rasterizeStrokes(ws, strokes);
    cv::Mat includeMask, excludeMask;
    if (!strokeLabels.empty()) {
        includeMask = strokeLabels == 1;
        excludeMask = strokeLabels == 2;
    }

    cv::Mat fg;
    if (base.labels.empty()) {
        fg = cv::Mat::zeros(ws, CV_8UC1);
        fg(rect).setTo(255);
        if (!strokeLabels.empty()) {
            fg.setTo(255, includeMask);
            fg.setTo(0, excludeMask);
        }
    } else {
        // The strokes' cut (strokeCut); without strokes the stroke-free cut.
        const cv::Mat labels = cutLabels.empty() ? base.labels : cutLabels;
        if (labels.size() != base.labels.size())
            throw std::invalid_argument("finishMatte: labels of another base");
        fg = cv::Mat::zeros(ws, CV_8UC1);
        cv::Mat fgR = fg(base.region);
        fgR.setTo(255, (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD));
        // Keep components of at least 5% of the largest one, and every
        // component the user marked: drops speckles, keeps an object made of
        // a few separate parts.
        cv::Mat comp, stats, centroids;
        const int n = cv::connectedComponentsWithStats(fg, comp, stats, centroids, 8, CV_32S);
        int biggest = 0;
        for (int i = 1; i < n; ++i) biggest = std::max(biggest, stats.at<int>(i, cv::CC_STAT_AREA));
        if (biggest == 0) {
            // grabCut found nothing (a uniform box): fall back to the box itself.
            fg = cv::Mat::zeros(ws, CV_8UC1);
            fg(boxToPixelRect(base.box, ws)).setTo(255);
            if (!strokeLabels.empty()) fg.setTo(0, excludeMask);
        } else {
            const int keep = std::max(1, biggest / 20);
            std::vector<uchar> lut(static_cast<std::size_t>(n), 0);
            for (int i = 1; i < n; ++i)
                if (stats.at<int>(i, cv::CC_STAT_AREA) >= keep) lut[static_cast<std::size_t>(i)] = 255;
            if (!includeMask.empty()) {
                for (int y = 0; y < ws.height; ++y) {
                    const int* l = comp.ptr<int>(y);
                    const uchar* inc = includeMask.ptr<uchar>(y);
                    for (int x = 0; x < ws.width; ++x)
                        if (inc[x] && l[x] > 0) lut[static_cast<std::size_t>(l[x])] = 255;
                }
            }
            cv::Mat out(ws, CV_8UC1);
            for (int y = 0; y < ws.height; ++y) {
                const int* l = comp.ptr<int>(y);
                uchar* o = out.ptr<uchar>(y);
                for (int x = 0; x < ws.width; ++x) o[x] = lut[static_cast<std::size_t>(l[x])];
            }
            fg = out;
        }
    }

    // Upsample the hard mask and refine it against the full-resolution image.
    cv::Mat soft;
    fg.convertTo(soft, CV_32FC1, 1.0 / 255.0);
    if (soft.size() != full) cv::resize(soft, soft, full, 0, 0, cv::INTER_LINEAR);
    int radius = options.guidedRadius;
    if (radius <= 0) {
        radius = std::max(2, static_cast<int>(std::lround(2.0 / scale)));
    }
    // Only the neighbourhood of the (grown) box can be non-zero: filter there.
    const double inv = 1.0 / scale;
    cv::Rect roi(cv::Point(static_cast<int>(std::floor(rect.x * inv)) - 2 * radius,
                           static_cast<int>(std::floor(rect.y * inv)) - 2 * radius),
                 cv::Point(static_cast<int>(std::ceil((rect.x + rect.width) * inv)) + 2 * radius,
                           static_cast<int>(std::ceil((rect.y + rect.height) * inv)) + 2 * radius));
    roi &= cv::Rect(0, 0, full.width, full.height);
    cv::Mat refined = refineMatteEdges(image(roi), soft(roi), radius, options.guidedEps);
    cv::min(cv::max(refined, 0.0), 1.0, refined);
    // Clean near-zero / near-one noise so the matte has crisp empty space and a
    // solid inside.
    cv::Mat lowMask = refined < 0.02f;
    refined.setTo(0.0f, lowMask);
    cv::Mat highMask = refined > 0.98f;
    refined.setTo(1.0f, highMask);
    refined.copyTo(result(roi));
    return result;
}

cv::Mat refineMatteEdges(const cv::Mat& bgr, const cv::Mat& soft, int radius, double eps,
                         long fullResolutionPixels) {
    CV_Assert(bgr.type() == CV_8UC3 && soft.type() == CV_32FC1 && bgr.size() == soft.size());
    const long area = static_cast<long>(bgr.total());
    if (area <= fullResolutionPixels) {
        cv::Mat guide, refined;
        bgr.convertTo(guide, CV_32FC3, 1.0 / 255.0);
        cv::ximgproc::guidedFilter(guide, soft, refined, radius, eps, -1);
        return refined;
    }
    // He and Sun's fast guided filter (2015): the local linear model's
    // coefficients on a copy s times smaller, upsampled and applied to the
    // full-resolution guide, so the edges still follow the photo's own pixels.
    // The coefficients vary at the scale of the radius, not of the pixels: a
    // quarter-megapixel copy keeps them and is cheap to solve.
    constexpr double kCoefficientPixels = 250'000;
    const int s = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(area) / kCoefficientPixels)));
    const cv::Size small(std::max(1, bgr.cols / s), std::max(1, bgr.rows / s));
    cv::Mat I, p;
    cv::resize(bgr, I, small, 0, 0, cv::INTER_AREA);
    I.convertTo(I, CV_32FC3, 1.0 / 255.0);
    cv::resize(soft, p, small, 0, 0, cv::INTER_AREA);
    const int r = std::max(1, static_cast<int>(std::lround(static_cast<double>(radius) / s)));
    auto mean = [r](const cv::Mat& x) {
        cv::Mat m;
        cv::boxFilter(x, m, CV_32F, cv::Size(2 * r + 1, 2 * r + 1), cv::Point(-1, -1), true, cv::BORDER_REFLECT);
        return m;
    };
    std::vector<cv::Mat> c(3);
    cv::split(I, c);
    const cv::Mat mp = mean(p);
    cv::Mat mI[3], covIp[3], var[3][3];
    for (int i = 0; i < 3; ++i) {
        mI[i] = mean(c[i]);
        covIp[i] = mean(c[i].mul(p)) - mI[i].mul(mp);
    }
    for (int i = 0; i < 3; ++i)
        for (int j = i; j < 3; ++j) var[i][j] = mean(c[i].mul(c[j])) - mI[i].mul(mI[j]);
    cv::Mat a(small, CV_32FC3), b(small, CV_32FC1);
    cv::parallel_for_(cv::Range(0, small.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y)
            for (int x = 0; x < small.width; ++x) {
                cv::Matx33f S;
                for (int i = 0; i < 3; ++i)
                    for (int j = i; j < 3; ++j) S(i, j) = S(j, i) = var[i][j].at<float>(y, x);
                for (int i = 0; i < 3; ++i) S(i, i) += static_cast<float>(eps);
                const cv::Vec3f cip(covIp[0].at<float>(y, x), covIp[1].at<float>(y, x), covIp[2].at<float>(y, x));
                const cv::Vec3f ak = S.inv(cv::DECOMP_CHOLESKY) * cip;
                a.at<cv::Vec3f>(y, x) = ak;
                b.at<float>(y, x) = mp.at<float>(y, x) - ak[0] * mI[0].at<float>(y, x) -
                                    ak[1] * mI[1].at<float>(y, x) - ak[2] * mI[2].at<float>(y, x);
            }
    });
    cv::Mat ma = mean(a), mb = mean(b);
    cv::resize(ma, ma, bgr.size(), 0, 0, cv::INTER_LINEAR);
    cv::resize(mb, mb, bgr.size(), 0, 0, cv::INTER_LINEAR);
    cv::Mat out(bgr.size(), CV_32FC1);
    cv::parallel_for_(cv::Range(0, bgr.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const cv::Vec3b* g = bgr.ptr<cv::Vec3b>(y);
            const cv::Vec3f* ay = ma.ptr<cv::Vec3f>(y);
            const float* by = mb.ptr<float>(y);
            float* o = out.ptr<float>(y);
            for (int x = 0; x < bgr.cols; ++x)
                o[x] = (ay[x][0] * g[x][0] + ay[x][1] * g[x][1] + ay[x][2] * g[x][2]) * (1.f / 255.f) + by[x];
        }
    });
    return out;
}

cv::Mat computeMatte(const cv::Mat& image, const Box& box, const std::vector<Stroke>& strokes,
                     const MattePrior& prior, const MatteOptions& options) {
    return finishMatte(image, prepareMatte(image, box, strokes, prior, options), strokes, options);
}

std::vector<cv::Mat> computeMattes(const cv::Mat& image, const std::vector<Box>& boxes,
                                   const MatteOptions& options) {
    std::vector<cv::Mat> mattes;
    mattes.reserve(boxes.size());
    for (const Box& b : boxes) mattes.push_back(computeMatte(image, b, options));
    if (options.frontOccludes) occludeFrontToBack(mattes);
    return mattes;
}

std::vector<cv::Mat> computeMattes(const cv::Mat& image, const Tracks& tracks,
                                   const MatteOptions& options) {
    std::vector<Box> boxes;
    for (const auto& track : tracks.boxes) boxes.push_back(track.empty() ? Box{} : track[0].box);
    return computeMattes(image, boxes, options);
}

}  // namespace boxanim
