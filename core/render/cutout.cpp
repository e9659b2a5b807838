#include "core/render/cutout.h"

#include <algorithm>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "core/render/geometry.h"

namespace boxanim {

std::vector<std::vector<Box>> planBoxes(const Tracks& tracks) {
    std::vector<std::vector<Box>> out;
    out.reserve(tracks.boxes.size());
    for (const auto& track : tracks.boxes) {
        std::vector<Box> boxes(tracks.frames);
        for (int f = 0; f < tracks.frames; ++f)
            boxes[f] = f < static_cast<int>(track.size()) ? track[f].box : Box{};
        out.push_back(holdInvalidBoxes(std::move(boxes)));
    }
    return out;
}

MotionPlan buildCutoutPlan(const Tracks& tracks, const std::vector<cv::Mat>& mattes,
                           const CutoutOptions& options) {
    const int objects = static_cast<int>(tracks.boxes.size());
    if (static_cast<int>(mattes.size()) != objects)
        throw std::invalid_argument("buildCutoutPlan: " + std::to_string(mattes.size()) +
                                    " mattes for " + std::to_string(objects) + " objects");
    if (tracks.frames < 1) throw std::invalid_argument("buildCutoutPlan: empty timeline");
    if (objects > 0 && mattes[0].empty())
        throw std::invalid_argument("buildCutoutPlan: empty matte");
    cv::Size imageSize = objects > 0 ? mattes[0].size() : cv::Size(64, 64);
    for (const cv::Mat& m : mattes)
        if (m.size() != imageSize || m.type() != CV_32FC1)
            throw std::invalid_argument("buildCutoutPlan: mattes must be CV_32FC1 of one size");

    int w = 0, h = 0;
    workingSize(imageSize.width, imageSize.height, std::max(8, options.workingLongSide), &w, &h);
    const bool given = !options.keyTimes.empty();
    const int T = given ? static_cast<int>(options.keyTimes.size())
                        : std::max(1, std::min(options.keyframes, tracks.frames));
    MotionPlan plan;
    plan.allocate(T, w, h, objects + 1, tracks.frames);
    for (int t = 0; t < T; ++t)
        plan.keyTimes[t] = given ? options.keyTimes[t]
                           : T > 1 ? static_cast<double>(t) * (tracks.frames - 1) / (T - 1)
                                   : 0.0;
    plan.boxes = planBoxes(tracks);

    const cv::Size ws(w, h);
    std::vector<cv::Mat> low(objects);
    for (int k = 0; k < objects; ++k) cv::resize(mattes[k], low[k], ws, 0, 0, cv::INTER_AREA);
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));

    for (int t = 0; t < T; ++t) {
        const double time = plan.keyTimes[t];
        cv::Mat occluded = cv::Mat::zeros(ws, CV_8UC1);  // covered by objects in front
        cv::Mat anyObject = cv::Mat::zeros(ws, CV_8UC1);
        for (int k = 0; k < objects; ++k) {  // front to back
            const BoxAffine a = boxAffine(plan.boxes[k][0], sampleBox(plan.boxes[k], time));
            cv::Mat warped;
            cv::warpAffine(low[k], warped, boxAffinePixels(a, ws), ws, cv::INTER_LINEAR,
                           cv::BORDER_CONSTANT, cv::Scalar(0));
            cv::Mat dilated;
            cv::dilate(warped, dilated, kernel);
            const cv::Mat present = dilated > options.presence;
            const cv::Mat solid = warped > 0.5f;
            cv::Mat core;
            cv::erode(solid, core, kernel);
            for (int y = 0; y < h; ++y) {
                const uchar* p = present.ptr<uchar>(y);
                const uchar* o = occluded.ptr<uchar>(y);
                for (int x = 0; x < w; ++x)
                    plan.logit(t, k + 1, y, x) = (p[x] && !o[x]) ? 1.f : -1.f;
            }
            occluded |= core;
            anyObject |= solid;
        }
        for (int y = 0; y < h; ++y) {
            const uchar* a = anyObject.ptr<uchar>(y);
            for (int x = 0; x < w; ++x) plan.logit(t, 0, y, x) = a[x] ? -1.f : 1.f;
        }
    }
    // plan.flow stays zero: the cutout engine's motion is purely the box affine.
    return plan;
}

Tracks cutoutTracks(const Project& project) {
    TrackOptions options;
    options.variety = 0.0;
    return expandTracks(project, options);
}

MotionPlan buildCutoutPlan(const Project& project, const std::vector<cv::Mat>& mattes,
                           const CutoutOptions& options) {
    return buildCutoutPlan(cutoutTracks(project), mattes, options);
}

}  // namespace boxanim
