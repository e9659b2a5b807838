// What an engine decides and the renderer realises (DESIGN §6): per model
// keyframe, layer logits and a residual backward flow at a low working
// resolution, plus each object's box over the timeline. Plain data: the
// cutout engine fills it with OpenCV, the boxflow engine from a tensor.
#pragma once

#include <vector>

#include "core/project/project.h"

namespace boxanim {

struct MotionPlan {
    int keyframes = 0;      // T model keyframes
    int width = 0;          // working resolution (long side 64 by default)
    int height = 0;
    int layers = 0;         // 1 (background) + objects
    int timelineFrames = 0; // frames of the project timeline the plan spans

    // Timeline position (0..timelineFrames-1, fractional) of each model keyframe.
    std::vector<double> keyTimes;
    // [T][layers][height][width]: layer logits in [-1, 1]. Layer 0 is the
    // background, layer k>=1 is Project::objects[k-1]. +1 where that object's
    // (slightly dilated) matte is present and not hidden by an object in front,
    // -1 elsewhere. The renderer uses visibility v_k = clamp((logit+1)/2, 0, 1)
    // and alpha_k = warped matte_k * v_k; depth order is the project's object
    // order (front to back).
    std::vector<float> logits;
    // [T][2][height][width]: residual backward flow (dx, dy) in normalised image
    // coordinates divided by the frame-0 box size of the layer visible there
    // (the whole image, size 1x1, for the background). For an output pixel p
    // (normalised coordinates) on layer k at model keyframe t, the frame-0
    // source position is A_kt^-1(p) + (dx * w_k0, dy * h_k0), where A_kt maps
    // boxes[k-1][0] onto boxes[k-1][frame] (axis-aligned scale + translation;
    // identity for the background).
    std::vector<float> flow;
    // [object][timelineFrames]: the object's box at every timeline frame. The
    // analytic motion of object k at frame t maps boxes[k][0] onto boxes[k][t].
    std::vector<std::vector<Box>> boxes;

    std::size_t planeSize() const { return static_cast<std::size_t>(width) * height; }
    float& logit(int t, int layer, int y, int x) {
        return logits[((static_cast<std::size_t>(t) * layers + layer) * height + y) * width + x];
    }
    float logit(int t, int layer, int y, int x) const {
        return logits[((static_cast<std::size_t>(t) * layers + layer) * height + y) * width + x];
    }
    float& flowAt(int t, int c, int y, int x) {
        return flow[((static_cast<std::size_t>(t) * 2 + c) * height + y) * width + x];
    }
    float flowAt(int t, int c, int y, int x) const {
        return flow[((static_cast<std::size_t>(t) * 2 + c) * height + y) * width + x];
    }
    // The layer with the largest logit at a pixel (0: background; ties go to
    // the lower layer).
    int visibleLayer(int t, int y, int x) const {
        int visible = 0;
        for (int l = 1; l < layers; ++l)
            if (logit(t, l, y, x) > logit(t, visible, y, x)) visible = l;
        return visible;
    }
    void allocate(int T, int w, int h, int nLayers, int frames) {
        keyframes = T; width = w; height = h; layers = nLayers; timelineFrames = frames;
        keyTimes.assign(T, 0.0);
        logits.assign(static_cast<std::size_t>(T) * nLayers * w * h, 0.f);
        flow.assign(static_cast<std::size_t>(T) * 2 * w * h, 0.f);
        boxes.assign(nLayers > 0 ? nLayers - 1 : 0, std::vector<Box>(frames));
    }
};

// Working resolution for an image aspect: long side `longSide`, sides multiples of 8.
inline void workingSize(int imageWidth, int imageHeight, int longSide, int* w, int* h) {
    auto round8 = [](double v) { int r = static_cast<int>(v / 8.0 + 0.5) * 8; return r < 8 ? 8 : r; };
    if (imageWidth >= imageHeight) {
        *w = longSide;
        *h = round8(static_cast<double>(longSide) * imageHeight / imageWidth);
    } else {
        *h = longSide;
        *w = round8(static_cast<double>(longSide) * imageWidth / imageHeight);
    }
}

}  // namespace boxanim
