#include "core/engine/boxflow_plan.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <opencv2/core.hpp>

#include "core/render/cutout.h"
#include "core/render/geometry.h"

namespace boxanim {

namespace {

constexpr int kSlots = 4;       // object slots of the model
constexpr int kGrid = 3;        // control points per side of the non-rigid remainder
constexpr int kMinPixels = 12;  // fewer model pixels: that keyframe adds no motion of its own

// One object's motion at one model keyframe, in units of its frame-0 box and
// relative to its rigid box: an output point at box coordinates q shows the
// source point q + shift + linear (q - 0.5) + grid(q).
struct KeyMotion {
    cv::Vec2d shift{0, 0};
    cv::Matx22d linear = cv::Matx22d::zeros();
    std::array<cv::Vec2d, kGrid * kGrid> grid{};
};

KeyMotion blend(const KeyMotion& a, const KeyMotion& b, double w) {
    KeyMotion m;
    m.shift = a.shift * (1 - w) + b.shift * w;
    m.linear = a.linear * (1 - w) + b.linear * w;
    for (std::size_t i = 0; i < m.grid.size(); ++i) m.grid[i] = a.grid[i] * (1 - w) + b.grid[i] * w;
    return m;
}

// Bilinear weights of the control points around q (clamped to the box).
struct GridCell {
    int i[4];
    double w[4];
};

GridCell gridCell(double qx, double qy) {
    const double gx = std::clamp(qx, 0.0, 1.0) * (kGrid - 1);
    const double gy = std::clamp(qy, 0.0, 1.0) * (kGrid - 1);
    const int x0 = std::min(static_cast<int>(gx), kGrid - 2);
    const int y0 = std::min(static_cast<int>(gy), kGrid - 2);
    const double ax = gx - x0, ay = gy - y0;
    return {{y0 * kGrid + x0, y0 * kGrid + x0 + 1, (y0 + 1) * kGrid + x0, (y0 + 1) * kGrid + x0 + 1},
            {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay}};
}

cv::Vec2d gridAt(const KeyMotion& m, double qx, double qy) {
    const GridCell c = gridCell(qx, qy);
    cv::Vec2d v(0, 0);
    for (int j = 0; j < 4; ++j) v += m.grid[c.i[j]] * c.w[j];
    return v;
}

Box sampleRefBox(const model::SampleOutput& s, int t, int k) {
    const float* b = &s.referenceBoxes[(static_cast<std::size_t>(t) * kSlots + k) * 4];
    return {b[0], b[1], b[2], b[3]};
}

// The model's backward map for object k at keyframe t, fitted over the pixels
// where the model shows that object: least squares for shift + linear, then a
// ridge-regularised bilinear control grid for what the affine part leaves.
KeyMotion fitKeyMotion(const model::SampleOutput& s, int t, int k, int objects, const Box& b0,
                       const Box& rigid) {
    KeyMotion m;
    const Box ref0 = sampleRefBox(s, 0, k), refT = sampleRefBox(s, t, k);
    if (!isValidBox(ref0) || !isValidBox(refT) || !isValidBox(b0) || !isValidBox(rigid)) return m;
    const BoxAffine inv = boxAffine(ref0, refT).inverse();
    std::vector<cv::Vec2d> qs, disp;
    for (int y = 0; y < s.height; ++y)
        for (int x = 0; x < s.width; ++x) {
            int visible = 0;
            for (int l = 1; l <= objects; ++l)
                if (s.at(t, l, y, x) > s.at(t, visible, y, x)) visible = l;
            if (visible != k + 1) continue;
            const double px = (x + 0.5) / s.width, py = (y + 0.5) / s.height;
            const double sx = inv.sx * px + inv.tx + s.at(t, 5, y, x) * ref0.width();
            const double sy = inv.sy * py + inv.ty + s.at(t, 6, y, x) * ref0.height();
            const cv::Vec2d u((sx - b0.x1) / b0.width(), (sy - b0.y1) / b0.height());
            const cv::Vec2d q((px - rigid.x1) / rigid.width(), (py - rigid.y1) / rigid.height());
            // Pixels whose source is far off the object are the model's noise.
            if (!std::isfinite(u[0]) || !std::isfinite(u[1]) || u[0] < -0.25 || u[0] > 1.25 ||
                u[1] < -0.25 || u[1] > 1.25)
                continue;
            qs.push_back(q);
            disp.push_back(u - q);
        }
    const int n = static_cast<int>(qs.size());
    if (n < kMinPixels) return m;

    cv::Matx33d ata = cv::Matx33d::zeros();
    cv::Matx32d atb = cv::Matx32d::zeros();
    for (int i = 0; i < n; ++i) {
        const cv::Vec3d a(1, qs[i][0] - 0.5, qs[i][1] - 0.5);
        ata += a * a.t();
        for (int c = 0; c < 2; ++c)
            for (int r = 0; r < 3; ++r) atb(r, c) += a[r] * disp[i][c];
    }
    cv::Matx32d coef;
    if (!cv::solve(ata, atb, coef, cv::DECOMP_SVD)) return m;
    for (int c = 0; c < 2; ++c) {
        m.shift[c] = coef(0, c);
        m.linear(c, 0) = coef(1, c);
        m.linear(c, 1) = coef(2, c);
    }

    constexpr int N = kGrid * kGrid;
    cv::Matx<double, N, N> gtg = cv::Matx<double, N, N>::eye();  // ridge: unseen points stay 0
    cv::Matx<double, N, 2> gtr = cv::Matx<double, N, 2>::zeros();
    for (int i = 0; i < n; ++i) {
        const cv::Vec2d d = qs[i] - cv::Vec2d(0.5, 0.5);
        const cv::Vec2d r = disp[i] - m.shift - m.linear * d;
        const GridCell c = gridCell(qs[i][0], qs[i][1]);
        for (int a = 0; a < 4; ++a) {
            for (int b = 0; b < 4; ++b) gtg(c.i[a], c.i[b]) += c.w[a] * c.w[b];
            for (int ch = 0; ch < 2; ++ch) gtr(c.i[a], ch) += c.w[a] * r[ch];
        }
    }
    cv::Matx<double, N, 2> g;
    if (cv::solve(gtg, gtr, g, cv::DECOMP_CHOLESKY))
        for (int i = 0; i < N; ++i) m.grid[i] = cv::Vec2d(g(i, 0), g(i, 1));
    return m;
}

// [1 2 1] / 4 over the keyframes, twice: the sample's keyframe-to-keyframe
// jitter is not motion anyone asked for.
std::vector<KeyMotion> smoothOverTime(std::vector<KeyMotion> seq) {
    for (int pass = 0; pass < 2 && seq.size() > 2; ++pass) {
        const std::vector<KeyMotion> in = seq;
        for (std::size_t j = 0; j < seq.size(); ++j) {
            const KeyMotion& prev = in[j > 0 ? j - 1 : j];
            const KeyMotion& next = in[j + 1 < in.size() ? j + 1 : j];
            seq[j] = blend(blend(prev, next, 0.5), in[j], 0.5);
        }
    }
    return seq;
}

// `seq` at a timeline position between its keyframes' `times` (held outside them).
template <class T, class Blend>
T atTime(const std::vector<T>& seq, const std::vector<double>& times, double time, Blend blendFn) {
    if (seq.empty()) return T{};
    if (time <= times.front()) return seq.front();
    for (std::size_t j = 0; j + 1 < seq.size(); ++j)
        if (time <= times[j + 1]) {
            const double span = times[j + 1] - times[j];
            return blendFn(seq[j], seq[j + 1], span > 0 ? (time - times[j]) / span : 0.0);
        }
    return seq.back();
}

// 0 at a hard frame of the object, rising smoothly to 1 `ramp` frames away.
double hardFade(const std::vector<int>& hardFrames, double time, double ramp) {
    double dist = 1e9;
    for (int f : hardFrames) dist = std::min(dist, std::abs(time - f));
    const double a = std::clamp(dist / ramp, 0.0, 1.0);
    return a * a * (3 - 2 * a);
}

// The offset nearest `wanted` within [lo, hi] (the room the soft box leaves); 0 without room.
double clampInto(double wanted, double lo, double hi) { return lo <= hi ? std::clamp(wanted, lo, hi) : 0.0; }

}  // namespace

MotionPlan boxflowPlan(const model::SampleOutput& sample, const std::vector<double>& sampleTimes,
                       const Tracks& softTracks, const Tracks& rigidTracks,
                       const std::vector<cv::Mat>& mattes, double variety,
                       const DeformationBounds& bounds) {
    const int objects = static_cast<int>(rigidTracks.boxes.size());
    const int F = rigidTracks.frames;
    const int T = sample.frames;
    if (softTracks.frames != F || softTracks.boxes.size() != rigidTracks.boxes.size())
        throw std::invalid_argument("boxflowPlan: soft and rigid tracks differ in shape");
    if (T < 1 || static_cast<int>(sampleTimes.size()) != T)
        throw std::invalid_argument("boxflowPlan: the sample has no keyframes or no times for them");
    if (sample.data.size() != static_cast<std::size_t>(T) * 7 * sample.width * sample.height ||
        sample.referenceBoxes.size() != static_cast<std::size_t>(T) * kSlots * 4)
        throw std::invalid_argument("boxflowPlan: the sample's buffers do not match its size");
    variety = std::clamp(std::isfinite(variety) ? variety : 0.0, 0.0, 1.0);
    const int modelled = std::min(objects, kSlots);
    const std::vector<std::vector<Box>> rigid = planBoxes(rigidTracks);
    const double ramp = std::max(1.0, 1.5 * (F - 1) / std::max(1, T - 1));

    std::vector<std::vector<int>> hardFrames(objects);
    for (int k = 0; k < objects; ++k)
        for (int f = 0; f < F; ++f)
            if (rigidTracks.at(k, f).kind == BoxKind::Hard) hardFrames[k].push_back(f);

    // The model's motion per object and keyframe, then where each box goes.
    std::vector<std::vector<KeyMotion>> motion(modelled);
    Tracks moved = rigidTracks;
    for (int k = 0; k < modelled; ++k) {
        motion[k].resize(T);
        for (int t = 1; t < T; ++t)  // keyframe 0 is the photo itself
            motion[k][t] = fitKeyMotion(sample, t, k, modelled, rigid[k][0],
                                        sampleBox(rigid[k], sampleTimes[t]));
        motion[k] = smoothOverTime(std::move(motion[k]));
        // Where the model puts the box centre, in image units: the output
        // point whose source is the centre, q - 0.5 = -(I + linear)^-1 shift.
        std::vector<cv::Vec2d> offsets(T);
        for (int t = 0; t < T; ++t) {
            const cv::Matx22d a = cv::Matx22d::eye() + motion[k][t].linear;
            cv::Vec2d d = -(a.inv() * motion[k][t].shift);
            if (!std::isfinite(d[0]) || !std::isfinite(d[1])) d = cv::Vec2d(0, 0);
            const Box b = sampleBox(rigid[k], sampleTimes[t]);
            offsets[t] = cv::Vec2d(d[0] * b.width(), d[1] * b.height());
        }
        for (int f = 0; f < F; ++f) {
            const TrackSample& soft = softTracks.at(k, f);
            TrackSample& s = moved.boxes[k][f];
            if (soft.kind != BoxKind::Soft || !isValidBox(soft.box) || !isValidBox(rigid[k][f])) continue;
            const cv::Vec2d want = atTime(offsets, sampleTimes, f, [](const cv::Vec2d& a, const cv::Vec2d& b,
                                                                    double w) { return a * (1 - w) + b * w; });
            const Box& r = rigid[k][f];
            const double dx = clampInto(want[0], soft.box.x1 - r.x1, soft.box.x2 - r.x2);
            const double dy = clampInto(want[1], soft.box.y1 - r.y1, soft.box.y2 - r.y2);
            s.box = {r.x1 + dx, r.y1 + dy, r.x2 + dx, r.y2 + dy};
        }
    }

    // Plan keyframes: the model's, plus every hard frame, where the residual
    // flow must be exactly zero (the renderer interpolates it between keyframes).
    CutoutOptions options;
    options.keyTimes = sampleTimes;
    for (const auto& frames : hardFrames)
        for (int f : frames) options.keyTimes.push_back(f);
    std::sort(options.keyTimes.begin(), options.keyTimes.end());
    options.keyTimes.erase(std::unique(options.keyTimes.begin(), options.keyTimes.end(),
                                       [](double a, double b) { return std::abs(a - b) < 1e-6; }),
                           options.keyTimes.end());
    options.workingLongSide = std::max(sample.width, sample.height);
    MotionPlan plan = buildCutoutPlan(moved, mattes, options);

    const double linearBound = bounds.linear * variety, gridBound = bounds.nonRigid * variety;
    for (int t = 0; t < plan.keyframes; ++t) {
        const double time = plan.keyTimes[t];
        for (int k = 0; k < modelled; ++k) {
            const double fade = hardFade(hardFrames[k], time, ramp);
            if (fade <= 0 || variety <= 0) continue;
            KeyMotion m = atTime(motion[k], sampleTimes, time, blend);
            for (int i = 0; i < 2; ++i)
                for (int j = 0; j < 2; ++j)
                    m.linear(i, j) = fade * std::clamp(m.linear(i, j), -linearBound, linearBound);
            for (cv::Vec2d& g : m.grid) {
                const double len = cv::norm(g);
                g *= fade * (len > gridBound ? gridBound / len : 1.0);
            }
            const Box b = sampleBox(plan.boxes[k], time);
            if (!isValidBox(b)) continue;
            for (int y = 0; y < plan.height; ++y)
                for (int x = 0; x < plan.width; ++x) {
                    if (plan.visibleLayer(t, y, x) != k + 1) continue;
                    const double qx = ((x + 0.5) / plan.width - b.x1) / b.width();
                    const double qy = ((y + 0.5) / plan.height - b.y1) / b.height();
                    const cv::Vec2d flow = m.linear * cv::Vec2d(qx - 0.5, qy - 0.5) + gridAt(m, qx, qy);
                    plan.flowAt(t, 0, y, x) = static_cast<float>(flow[0]);
                    plan.flowAt(t, 1, y, x) = static_cast<float>(flow[1]);
                }
        }
    }
    return plan;
}

}  // namespace boxanim
