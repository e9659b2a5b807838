// Track expansion (DESIGN §5): keyframes + paths -> per-frame box and kind for
// every object. One implementation for the UI, the engines and the evaluator.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "project.h"

namespace boxanim {

struct TrackSample {
    Box box;
    BoxKind kind = BoxKind::None;
};

struct Tracks {
    int frames = 0;
    std::vector<std::string> objectIds;          // same order as Project::objects
    std::vector<std::vector<TrackSample>> boxes;  // [object][frame]
    const TrackSample& at(int object, int frame) const { return boxes[object][frame]; }
};

struct TrackOptions {
    double variety = 0.5;  // scales the soft relaxation margin
};

// Expands every object over 0..frames-1. Objects without keyframes get
// BoxKind::None everywhere. Deterministic.
Tracks expandTracks(const Project& project, const TrackOptions& options = {});
std::vector<TrackSample> expandObjectTrack(const Object& object, int frames,
                                           const TrackOptions& options = {});

// The relaxation margin added on each side of an interpolated soft box, as a
// fraction of the box's size, for a frame `distance` frames from the nearest
// keyframe.
double softRelaxation(int distance, int frames, double variety);

// The motion path as a smooth curve: a centripetal-free uniform Catmull-Rom
// spline through the points, sampled `samplesPerSegment` times per segment.
// The UI draws this polyline and the expansion places box centres on it.
std::vector<std::array<double, 2>> pathPolyline(const MotionPath& path, int samplesPerSegment = 16);

// The point at arc-length fraction u (0..1) along pathPolyline(path).
std::array<double, 2> pathPointAt(const MotionPath& path, double u);

}  // namespace boxanim
