#include "tracks.h"

#include <algorithm>
#include <cmath>

namespace boxanim {

namespace {

double lerp(double a, double b, double t) { return a + (b - a) * t; }

// Centre and log-size interpolation (sizes scale multiplicatively).
Box interpolateBox(const Box& a, const Box& b, double t) {
    const double cx = lerp(a.cx(), b.cx(), t), cy = lerp(a.cy(), b.cy(), t);
    const double w = std::exp(lerp(std::log(a.width()), std::log(b.width()), t));
    const double h = std::exp(lerp(std::log(a.height()), std::log(b.height()), t));
    return Box::fromCentre(cx, cy, w, h);
}

Box relax(const Box& b, double margin) {
    const double dx = margin * b.width(), dy = margin * b.height();
    return {b.x1 - dx, b.y1 - dy, b.x2 + dx, b.y2 + dy};
}

}  // namespace

double softRelaxation(int distance, int frames, double variety) {
    if (distance <= 0) return 0.0;
    // Full relaxation (30% of the box size per side at variety 1) is reached a
    // quarter of the timeline (at least 4 frames) away from the nearest keyframe.
    const double reach = std::max(4.0, 0.25 * frames);
    return std::clamp(variety, 0.0, 1.0) * 0.3 * std::min(1.0, distance / reach);
}

std::vector<std::array<double, 2>> pathPolyline(const MotionPath& path, int samplesPerSegment) {
    const auto& p = path.points;
    std::vector<std::array<double, 2>> out;
    if (p.empty()) return out;
    if (p.size() == 1) return {p[0]};
    samplesPerSegment = std::max(1, samplesPerSegment);
    const int n = static_cast<int>(p.size());
    auto at = [&](int i) { return p[static_cast<std::size_t>(std::clamp(i, 0, n - 1))]; };
    for (int i = 0; i + 1 < n; ++i) {
        const auto p0 = at(i - 1), p1 = at(i), p2 = at(i + 1), p3 = at(i + 2);
        for (int s = 0; s < samplesPerSegment; ++s) {
            const double t = static_cast<double>(s) / samplesPerSegment, t2 = t * t, t3 = t2 * t;
            std::array<double, 2> q;
            for (int c = 0; c < 2; ++c)
                q[c] = 0.5 * (2 * p1[c] + (-p0[c] + p2[c]) * t +
                              (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * t2 +
                              (-p0[c] + 3 * p1[c] - 3 * p2[c] + p3[c]) * t3);
            out.push_back(q);
        }
    }
    out.push_back(p.back());
    return out;
}

std::array<double, 2> pathPointAt(const MotionPath& path, double u) {
    const auto poly = pathPolyline(path);
    if (poly.empty()) return {0.0, 0.0};
    if (poly.size() == 1) return poly[0];
    std::vector<double> cum(poly.size(), 0.0);
    for (std::size_t i = 1; i < poly.size(); ++i)
        cum[i] = cum[i - 1] + std::hypot(poly[i][0] - poly[i - 1][0], poly[i][1] - poly[i - 1][1]);
    const double total = cum.back();
    if (total <= 0.0) return poly[0];
    const double target = std::clamp(u, 0.0, 1.0) * total;
    auto it = std::upper_bound(cum.begin(), cum.end(), target);
    if (it == cum.end()) return poly.back();
    const std::size_t i = static_cast<std::size_t>(it - cum.begin());
    const double seg = cum[i] - cum[i - 1];
    const double t = seg > 0 ? (target - cum[i - 1]) / seg : 0.0;
    return {lerp(poly[i - 1][0], poly[i][0], t), lerp(poly[i - 1][1], poly[i][1], t)};
}

std::vector<TrackSample> expandObjectTrack(const Object& object, int frames,
                                           const TrackOptions& options) {
    std::vector<TrackSample> track(static_cast<std::size_t>(std::max(0, frames)));
    const auto& kfs = object.keyframes;  // sorted by frame
    if (kfs.empty() || frames <= 0) return track;

    for (int t = 0; t < frames; ++t) {
        TrackSample& s = track[static_cast<std::size_t>(t)];
        // Keyframes around t: prev has frame <= t, next has frame >= t.
        auto nextIt = std::lower_bound(kfs.begin(), kfs.end(), t,
                                       [](const Keyframe& k, int f) { return k.frame < f; });
        if (nextIt != kfs.end() && nextIt->frame == t) {
            s.box = nextIt->box;
            s.kind = nextIt->kind;
            continue;
        }
        const Keyframe* prev = nextIt == kfs.begin() ? nullptr : &*(nextIt - 1);
        const Keyframe* next = nextIt == kfs.end() ? nullptr : &*nextIt;

        int distance = 0;
        Box box;
        if (prev && next) {
            const double u = applyEasing(next->easing, double(t - prev->frame) / (next->frame - prev->frame));
            box = interpolateBox(prev->box, next->box, u);
            distance = std::min(t - prev->frame, next->frame - t);
        } else if (prev) {  // after the last keyframe: hold
            box = prev->box;
            distance = t - prev->frame;
        } else {  // before the first keyframe (only in unfinished edits): hold
            box = next->box;
            distance = next->frame - t;
        }

        const MotionPath* path = object.path ? &*object.path : nullptr;
        if (path && path->points.size() >= 2 && t >= path->from && t <= path->to &&
            path->to > path->from) {
            const double u = applyEasing(path->easing, double(t - path->from) / (path->to - path->from));
            const auto c = pathPointAt(*path, u);
            box = Box::fromCentre(c[0], c[1], box.width(), box.height());
        }
        s.box = relax(box, softRelaxation(distance, frames, options.variety));
        s.kind = BoxKind::Soft;
    }
    return track;
}

Tracks expandTracks(const Project& project, const TrackOptions& options) {
    Tracks tracks;
    tracks.frames = project.timeline.frames;
    for (const Object& o : project.objects) {
        tracks.objectIds.push_back(o.id);
        tracks.boxes.push_back(expandObjectTrack(o, project.timeline.frames, options));
    }
    return tracks;
}

}  // namespace boxanim
