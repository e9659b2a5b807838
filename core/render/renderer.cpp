#include "core/render/renderer.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "core/render/foreground.h"
#include "core/render/geometry.h"

namespace boxanim {

namespace {

constexpr int kInterBits = cv::INTER_BITS;          // 5: what remap's fixed-point maps use
constexpr int kInterTab = cv::INTER_TAB_SIZE;       // 32
constexpr float kMaxCoord = 30000.f;                // keeps fixed-point coordinates in short range

// Where output pixels sample a low-resolution field, matching cv::resize's
// INTER_LINEAR (pixel-centre alignment, clamped at the borders).
struct Axis {
    std::vector<int> i0, i1;
    std::vector<float> a;
};

Axis upsampleAxis(int outN, int lowN, int from, int count) {
    Axis ax;
    ax.i0.resize(count);
    ax.i1.resize(count);
    ax.a.resize(count);
    const double scale = static_cast<double>(lowN) / outN;
    for (int i = 0; i < count; ++i) {
        double g = (from + i + 0.5) * scale - 0.5;
        if (g < 0) g = 0;
        int i0 = static_cast<int>(std::floor(g));
        double a = g - i0;
        if (i0 >= lowN - 1) {
            i0 = lowN - 1;
            a = 0;
        }
        ax.i0[i] = i0;
        ax.i1[i] = std::min(i0 + 1, lowN - 1);
        ax.a[i] = static_cast<float>(a);
    }
    return ax;
}

// The two passes of bilinear upsampling: rows of the low-resolution field
// blended vertically, then sampled horizontally per output column.
inline void lerpRows(const float* f, int w, int y0, int y1, float a, float* out) {
    const float* r0 = f + static_cast<std::size_t>(y0) * w;
    const float* r1 = f + static_cast<std::size_t>(y1) * w;
    for (int x = 0; x < w; ++x) out[x] = r0[x] + a * (r1[x] - r0[x]);
}

inline float lerpAt(const float* row, const Axis& xs, int i) {
    const float a = row[xs.i0[i]], b = row[xs.i1[i]];
    return a + xs.a[i] * (b - a);
}

// Per-thread buffers of the frame size, reused across frames (views of them
// are taken per layer), so rendering does not fault in fresh pages per frame.
struct Scratch {
    cv::Mat map1, map2, vmap, warped;
};

Scratch& scratch(cv::Size size) {
    thread_local Scratch s;
    s.map1.create(size, CV_16SC2);
    s.map2.create(size, CV_16UC1);
    s.vmap.create(size, CV_32FC1);
    s.warped.create(size, CV_8UC4);
    return s;
}

// Linear blend between the two model keyframes around a timeline position.
struct KeyBlend {
    int j0 = 0, j1 = 0;
    float w = 0;
};

KeyBlend keyBlend(const MotionPlan& plan, double time) {
    KeyBlend kb;
    const int T = plan.keyframes;
    if (T <= 1 || time <= plan.keyTimes.front()) return kb;
    if (time >= plan.keyTimes.back()) {
        kb.j0 = kb.j1 = T - 1;
        return kb;
    }
    int j = 0;
    while (j + 1 < T && plan.keyTimes[j + 1] <= time) ++j;
    kb.j0 = j;
    kb.j1 = std::min(j + 1, T - 1);
    const double span = plan.keyTimes[kb.j1] - plan.keyTimes[j];
    kb.w = span > 0 ? static_cast<float>((time - plan.keyTimes[j]) / span) : 0.f;
    return kb;
}

// The per-frame low-resolution fields: residual flow and per-layer visibility.
struct LowFields {
    int w = 0, h = 0;
    std::vector<float> flowX, flowY;
    bool flowZero = true;
    float maxFlowX = 0, maxFlowY = 0;
    std::vector<std::vector<float>> vis;  // [layer][h*w]
    // The flow is the visible layer's (in its box units): the plate takes it
    // only where the background is visible, never an object's flow in 1x1 units.
    std::vector<float> bgFlowX, bgFlowY;
    bool bgFlowZero = true;
};

LowFields lowFields(const MotionPlan& plan, const KeyBlend& kb) {
    LowFields lf;
    lf.w = plan.width;
    lf.h = plan.height;
    const std::size_t n = plan.planeSize();
    lf.flowX.resize(n);
    lf.flowY.resize(n);
    const float w1 = kb.w, w0 = 1.f - kb.w;
    const float* fx0 = &plan.flow[(static_cast<std::size_t>(kb.j0) * 2 + 0) * n];
    const float* fy0 = &plan.flow[(static_cast<std::size_t>(kb.j0) * 2 + 1) * n];
    const float* fx1 = &plan.flow[(static_cast<std::size_t>(kb.j1) * 2 + 0) * n];
    const float* fy1 = &plan.flow[(static_cast<std::size_t>(kb.j1) * 2 + 1) * n];
    for (std::size_t i = 0; i < n; ++i) {
        const float fx = w0 * fx0[i] + w1 * fx1[i];
        const float fy = w0 * fy0[i] + w1 * fy1[i];
        lf.flowX[i] = std::isfinite(fx) ? fx : 0.f;
        lf.flowY[i] = std::isfinite(fy) ? fy : 0.f;
        lf.maxFlowX = std::max(lf.maxFlowX, std::abs(lf.flowX[i]));
        lf.maxFlowY = std::max(lf.maxFlowY, std::abs(lf.flowY[i]));
    }
    lf.flowZero = lf.maxFlowX == 0.f && lf.maxFlowY == 0.f;
    lf.vis.resize(plan.layers);
    for (int l = 0; l < plan.layers; ++l) {
        const float* l0 = &plan.logits[(static_cast<std::size_t>(kb.j0) * plan.layers + l) * n];
        const float* l1 = &plan.logits[(static_cast<std::size_t>(kb.j1) * plan.layers + l) * n];
        auto& v = lf.vis[l];
        v.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            const float logit = w0 * l0[i] + w1 * l1[i];
            const float vv = 0.5f * (logit + 1.f);
            v[i] = std::isfinite(vv) ? std::min(1.f, std::max(0.f, vv)) : 0.f;
        }
    }
    if (lf.flowZero) return lf;
    lf.bgFlowX.resize(n);
    lf.bgFlowY.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float v0 = plan.layers > 0 ? lf.vis[0][i] : 1.f;
        lf.bgFlowX[i] = lf.flowX[i] * v0;
        lf.bgFlowY[i] = lf.flowY[i] * v0;
        if (lf.bgFlowX[i] != 0.f || lf.bgFlowY[i] != 0.f) lf.bgFlowZero = false;
    }
    return lf;
}

// A source coordinate in remap's fixed point (1/32 px), as cv::convertMaps
// computes it for CV_16SC2 + CV_16UC1 maps.
inline int toFixed(float v) {
    return cvRound(std::min(kMaxCoord, std::max(-kMaxCoord, v)) * kInterTab);
}

inline void fixedPoint(float sx, float sy, short* m1, ushort* m2) {
    const int ix = toFixed(sx);
    const int iy = toFixed(sy);
    m1[0] = static_cast<short>(ix >> kInterBits);
    m1[1] = static_cast<short>(iy >> kInterBits);
    *m2 = static_cast<ushort>((iy & (kInterTab - 1)) * kInterTab + (ix & (kInterTab - 1)));
}

cv::Mat resampleTo(const cv::Mat& m, cv::Size size) {
    if (m.size() == size) return m;
    cv::Mat out;
    const bool down = size.width < m.cols || size.height < m.rows;
    cv::resize(m, out, size, 0, 0, down ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}

}  // namespace

double outputFrameTime(int index, int frameCount, int timelineFrames) {
    if (frameCount <= 1 || timelineFrames <= 1) return 0.0;
    return static_cast<double>(index) * (timelineFrames - 1) / (frameCount - 1);
}

void validatePlan(const MotionPlan& plan, int objects) {
    auto fail = [](const std::string& what) {
        throw std::invalid_argument("invalid motion plan: " + what);
    };
    if (plan.keyframes < 1) fail("no model keyframes");
    if (plan.width < 1 || plan.height < 1) fail("empty working resolution");
    if (plan.timelineFrames < 1) fail("timeline has no frames");
    if (plan.layers != objects + 1)
        fail("has " + std::to_string(plan.layers) + " layers for " + std::to_string(objects) +
             " objects (expected objects + 1)");
    const std::size_t n = plan.planeSize();
    if (plan.keyTimes.size() != static_cast<std::size_t>(plan.keyframes))
        fail("keyTimes has " + std::to_string(plan.keyTimes.size()) + " entries, expected " +
             std::to_string(plan.keyframes));
    for (std::size_t i = 0; i < plan.keyTimes.size(); ++i) {
        if (!std::isfinite(plan.keyTimes[i])) fail("keyTimes contains a non-finite value");
        if (i > 0 && plan.keyTimes[i] < plan.keyTimes[i - 1]) fail("keyTimes are not ascending");
    }
    if (plan.logits.size() != n * plan.keyframes * plan.layers) fail("logits have the wrong size");
    if (plan.flow.size() != n * plan.keyframes * 2) fail("flow has the wrong size");
    if (plan.boxes.size() != static_cast<std::size_t>(objects))
        fail("boxes has " + std::to_string(plan.boxes.size()) + " tracks for " +
             std::to_string(objects) + " objects");
    for (const auto& track : plan.boxes)
        if (track.size() != static_cast<std::size_t>(plan.timelineFrames))
            fail("a box track does not span the timeline");
}

Renderer::Renderer(const cv::Mat& image, const std::vector<cv::Mat>& mattes, const cv::Mat& plate,
                   cv::Size outputSize) {
    if (image.empty() || image.type() != CV_8UC3)
        throw std::invalid_argument("Renderer: expected a non-empty 8-bit BGR image");
    if (plate.size() != image.size() || plate.type() != CV_8UC3)
        throw std::invalid_argument("Renderer: the clean plate must match the image");
    size_ = outputSize.empty() ? image.size() : outputSize;
    const cv::Mat img = resampleTo(image, size_);
    plate_ = resampleTo(plate, size_).clone();
    for (const cv::Mat& m0 : mattes)
        if (m0.size() != image.size() || m0.type() != CV_32FC1)
            throw std::invalid_argument("Renderer: mattes must be CV_32FC1 of the image's size");
    std::vector<cv::Mat> mattes8(mattes.size());
    cv::Mat coverCount = cv::Mat::zeros(size_, CV_8UC1);  // how many objects' mattes reach each pixel
    for (std::size_t k = 0; k < mattes.size(); ++k) {
        resampleTo(mattes[k], size_).convertTo(mattes8[k], CV_8UC1, 255.0);
        cv::add(coverCount, cv::Mat(mattes8[k] > 0) / 255, coverCount);
    }
    for (cv::Mat& m8 : mattes8) {
        Layer layer;
        cv::Rect r = cv::boundingRect(m8);
        if (r.empty()) {
            layers_.push_back(layer);
            continue;
        }
        r = cv::Rect(r.x - 1, r.y - 1, r.width + 2, r.height + 2) &
            cv::Rect(0, 0, size_.width, size_.height);
        layer.rect = r;
        layer.patch.create(r.size(), CV_8UC4);
        // The object's own colours in its soft rim, not the photo's mix with
        // what lay behind it, and the rim's alpha refitted to them
        // (core/render/foreground.h); a margin of context.
        const cv::Rect ctx = cv::Rect(r.x - 8, r.y - 8, r.width + 16, r.height + 16) &
                             cv::Rect(0, 0, size_.width, size_.height);
        cv::Mat fg, behind;
        estimateForegroundBackground(img(ctx), m8(ctx), fg, behind);
        const cv::Mat covered = m8(ctx) > 0;
        cv::Mat rimAlpha = m8(ctx);  // a view: the refit writes the layer's matte
        refitRimAlpha(img(ctx), fg, behind, rimAlpha);
        // Rim pixels the refit found to be background are the photo's own
        // background: the plate shows them, not the fill's guess (unless
        // another object's matte reaches them: they may be that object).
        // The estimated B itself stays out of the plate: written into its
        // rim, it drew the object's outline where the object had stood.
        img(ctx).copyTo(plate_(ctx), covered & (rimAlpha == 0) & (coverCount(ctx) == 1));
        // F again under the refitted alpha: under the softer one it overshot
        // to explain pixels that were background.
        fg = estimateForeground(img(ctx), rimAlpha);
        for (int y = 0; y < r.height; ++y) {
            const uchar* src = fg.ptr<uchar>(r.y - ctx.y + y) + 3 * (r.x - ctx.x);
            const uchar* a = m8.ptr<uchar>(r.y + y) + r.x;
            uchar* dst = layer.patch.ptr<uchar>(y);
            for (int x = 0; x < r.width; ++x) {
                const int al = a[x];
                for (int c = 0; c < 3; ++c) dst[4 * x + c] = static_cast<uchar>((src[3 * x + c] * al + 127) / 255);
                dst[4 * x + 3] = static_cast<uchar>(al);
            }
        }
        layers_.push_back(std::move(layer));
    }
}

cv::Mat Renderer::renderAt(const MotionPlan& plan, double time) const {
    cv::Mat out;
    renderAt(plan, time, out);
    return out;
}

void Renderer::renderAt(const MotionPlan& plan, double time, cv::Mat& out) const {
    const int objects = objectCount();
    validatePlan(plan, objects);
    if (!std::isfinite(time)) time = 0;
    time = std::min(std::max(time, 0.0), static_cast<double>(plan.timelineFrames - 1));
    out.create(size_, CV_8UC3);
    const int W = size_.width, H = size_.height;
    const LowFields lf = lowFields(plan, keyBlend(plan, time));

    // Background: the clean plate pulled by its residual flow (1x1 units).
    if (lf.bgFlowZero) {
        plate_.copyTo(out);
    } else {
        const Axis xs = upsampleAxis(W, lf.w, 0, W);
        const Axis ys = upsampleAxis(H, lf.h, 0, H);
        Scratch& sc = scratch(size_);
        cv::Mat& map1 = sc.map1;
        cv::Mat& map2 = sc.map2;
        const int lw = lf.w;
        cv::parallel_for_(cv::Range(0, H), [&](const cv::Range& rows) {
            std::vector<float> fxRow(lw), fyRow(lw);
            for (int y = rows.start; y < rows.end; ++y) {
                short* m1 = map1.ptr<short>(y);
                ushort* m2 = map2.ptr<ushort>(y);
                lerpRows(lf.bgFlowX.data(), lw, ys.i0[y], ys.i1[y], ys.a[y], fxRow.data());
                lerpRows(lf.bgFlowY.data(), lw, ys.i0[y], ys.i1[y], ys.a[y], fyRow.data());
                for (int x = 0; x < W; ++x)
                    fixedPoint(x + lerpAt(fxRow.data(), xs, x) * W,
                               y + lerpAt(fyRow.data(), xs, x) * H, m1 + 2 * x, m2 + x);
            }
        });
        cv::remap(plate_, out, map1, map2, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    }

    // Objects, back to front: the last project object first.
    for (int k = objects - 1; k >= 0; --k) {
        const Layer& layer = layers_[k];
        if (layer.patch.empty()) continue;
        const std::vector<Box>& track = plan.boxes[k];
        const Box b0 = track[0];
        const Box bt = sampleBox(track, time);
        const bool valid = isValidBox(b0) && isValidBox(bt);
        const BoxAffine fwd = valid ? boxAffine(b0, bt) : BoxAffine{};
        const cv::Mat fwdPx = boxAffinePixels(fwd, size_);
        const cv::Mat invPx = boxAffinePixels(fwd.inverse(), size_);
        const double ax = invPx.at<double>(0, 0), bx = invPx.at<double>(0, 2);
        const double ay = invPx.at<double>(1, 1), by = invPx.at<double>(1, 2);
        const float fsx = static_cast<float>((valid ? b0.width() : 1.0) * W);
        const float fsy = static_cast<float>((valid ? b0.height() : 1.0) * H);

        // Output region the patch can reach: its forward image, grown by the
        // largest residual displacement (in source pixels, scaled forward).
        const double gx = lf.maxFlowX * fsx + 1.0, gy = lf.maxFlowY * fsy + 1.0;
        const cv::Rect& pr = layer.rect;
        const double sx0 = pr.x - gx, sx1 = pr.x + pr.width + gx;
        const double sy0 = pr.y - gy, sy1 = pr.y + pr.height + gy;
        const double fa = fwdPx.at<double>(0, 0), fb = fwdPx.at<double>(0, 2);
        const double fc = fwdPx.at<double>(1, 1), fd = fwdPx.at<double>(1, 2);
        cv::Rect roi(cv::Point(static_cast<int>(std::floor(fa * sx0 + fb)) - 1,
                               static_cast<int>(std::floor(fc * sy0 + fd)) - 1),
                     cv::Point(static_cast<int>(std::ceil(fa * sx1 + fb)) + 2,
                               static_cast<int>(std::ceil(fc * sy1 + fd)) + 2));
        roi &= cv::Rect(0, 0, W, H);
        if (roi.empty()) continue;

        const Axis xs = upsampleAxis(W, lf.w, roi.x, roi.width);
        const Axis ys = upsampleAxis(H, lf.h, roi.y, roi.height);
        const float* vis = lf.vis[k + 1].data();
        Scratch& sc = scratch(size_);
        cv::Mat map1 = sc.map1(cv::Rect(cv::Point(), roi.size()));
        cv::Mat map2 = sc.map2(cv::Rect(cv::Point(), roi.size()));
        cv::Mat vmap = sc.vmap(cv::Rect(cv::Point(), roi.size()));
        cv::Mat warped = sc.warped(cv::Rect(cv::Point(), roi.size()));
        const bool useFlow = !lf.flowZero;
        // Without flow the map is separable: fixed-point x per column, y per row.
        std::vector<int> ixTab(roi.width);
        for (int c = 0; c < roi.width; ++c)
            ixTab[c] = toFixed(static_cast<float>(ax * (roi.x + c) + bx - pr.x));
        const int lw = lf.w;
        cv::parallel_for_(cv::Range(0, roi.height), [&](const cv::Range& rows) {
            std::vector<float> visRow(lw), fxRow(useFlow ? lw : 0), fyRow(useFlow ? lw : 0);
            for (int r = rows.start; r < rows.end; ++r) {
                const int y = roi.y + r;
                short* m1 = map1.ptr<short>(r);
                ushort* m2 = map2.ptr<ushort>(r);
                float* vv = vmap.ptr<float>(r);
                const float sy = static_cast<float>(ay * y + by - pr.y);
                // Vertical pass of the bilinear upsampling, once per row.
                lerpRows(vis, lw, ys.i0[r], ys.i1[r], ys.a[r], visRow.data());
                for (int c = 0; c < roi.width; ++c) vv[c] = lerpAt(visRow.data(), xs, c);
                if (!useFlow) {
                    const int iy = toFixed(sy);
                    const short yi = static_cast<short>(iy >> kInterBits);
                    const int yf = (iy & (kInterTab - 1)) * kInterTab;
                    for (int c = 0; c < roi.width; ++c) {
                        m1[2 * c] = static_cast<short>(ixTab[c] >> kInterBits);
                        m1[2 * c + 1] = yi;
                        m2[c] = static_cast<ushort>(yf + (ixTab[c] & (kInterTab - 1)));
                    }
                    continue;
                }
                lerpRows(lf.flowX.data(), lw, ys.i0[r], ys.i1[r], ys.a[r], fxRow.data());
                lerpRows(lf.flowY.data(), lw, ys.i0[r], ys.i1[r], ys.a[r], fyRow.data());
                for (int c = 0; c < roi.width; ++c) {
                    const float sx = static_cast<float>(ax * (roi.x + c) + bx - pr.x) +
                                     fsx * lerpAt(fxRow.data(), xs, c);
                    fixedPoint(sx, sy + fsy * lerpAt(fyRow.data(), xs, c), m1 + 2 * c, m2 + c);
                }
            }
        });
        cv::remap(layer.patch, warped, map1, map2, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                  cv::Scalar::all(0));

        cv::Mat dst = out(roi);
        cv::parallel_for_(cv::Range(0, roi.height), [&](const cv::Range& rows) {
            for (int r = rows.start; r < rows.end; ++r) {
                uchar* o = dst.ptr<uchar>(r);
                const uchar* p = warped.ptr<uchar>(r);
                const float* vv = vmap.ptr<float>(r);
                for (int c = 0; c < roi.width; ++c, o += 3, p += 4) {
                    const float v = vv[c];
                    if (p[3] == 0 || v <= 0.f) continue;
                    if (p[3] == 255 && v >= 1.f) {
                        o[0] = p[0], o[1] = p[1], o[2] = p[2];
                        continue;
                    }
                    const float keep = 1.f - p[3] * (1.f / 255.f) * v;
                    o[0] = static_cast<uchar>(p[0] * v + o[0] * keep + 0.5f);
                    o[1] = static_cast<uchar>(p[1] * v + o[1] * keep + 0.5f);
                    o[2] = static_cast<uchar>(p[2] * v + o[2] * keep + 0.5f);
                }
            }
        });
    }
}

bool Renderer::render(const MotionPlan& plan, int frameCount, const FrameCallback& onFrame) const {
    validatePlan(plan, objectCount());
    for (int i = 0; i < frameCount; ++i) {
        cv::Mat frame;
        renderAt(plan, outputFrameTime(i, frameCount, plan.timelineFrames), frame);
        if (onFrame && !onFrame(i, frame)) return false;
    }
    return true;
}

std::vector<cv::Mat> Renderer::renderAll(const MotionPlan& plan, int frameCount) const {
    std::vector<cv::Mat> frames;
    frames.reserve(std::max(0, frameCount));
    render(plan, frameCount, [&](int, const cv::Mat& f) {
        frames.push_back(f);
        return true;
    });
    return frames;
}

}  // namespace boxanim
