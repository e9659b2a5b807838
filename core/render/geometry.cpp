#include "core/render/geometry.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core/mat.hpp>

namespace boxanim {

bool isValidBox(const Box& b) {
    return std::isfinite(b.x1) && std::isfinite(b.y1) && std::isfinite(b.x2) &&
           std::isfinite(b.y2) && b.x2 > b.x1 && b.y2 > b.y1;
}

cv::Rect2d boxToPixels(const Box& b, cv::Size size) {
    return {b.x1 * size.width, b.y1 * size.height, b.width() * size.width,
            b.height() * size.height};
}

cv::Rect boxToPixelRect(const Box& b, cv::Size size) {
    const int x1 = static_cast<int>(std::floor(b.x1 * size.width));
    const int y1 = static_cast<int>(std::floor(b.y1 * size.height));
    const int x2 = static_cast<int>(std::ceil(b.x2 * size.width));
    const int y2 = static_cast<int>(std::ceil(b.y2 * size.height));
    return cv::Rect(cv::Point(x1, y1), cv::Point(x2, y2)) & cv::Rect(0, 0, size.width, size.height);
}

Box sampleBox(const std::vector<Box>& track, double time) {
    if (track.empty()) return {0, 0, 1, 1};
    const int last = static_cast<int>(track.size()) - 1;
    if (!(time > 0)) return track.front();
    if (time >= last) return track.back();
    const int f0 = static_cast<int>(std::floor(time));
    const int f1 = std::min(f0 + 1, last);
    const double a = time - f0;
    const Box& b0 = track[f0];
    const Box& b1 = track[f1];
    if (a == 0.0 || !isValidBox(b0) || !isValidBox(b1)) return a < 0.5 ? b0 : b1;
    const double cx = (1 - a) * b0.cx() + a * b1.cx();
    const double cy = (1 - a) * b0.cy() + a * b1.cy();
    const double w = std::exp((1 - a) * std::log(b0.width()) + a * std::log(b1.width()));
    const double h = std::exp((1 - a) * std::log(b0.height()) + a * std::log(b1.height()));
    return Box::fromCentre(cx, cy, w, h);
}

BoxAffine boxAffine(const Box& from, const Box& to) {
    if (!isValidBox(from) || !isValidBox(to)) return {};
    BoxAffine a;
    a.sx = to.width() / from.width();
    a.sy = to.height() / from.height();
    a.tx = to.cx() - a.sx * from.cx();
    a.ty = to.cy() - a.sy * from.cy();
    return a;
}

cv::Mat boxAffinePixels(const BoxAffine& a, cv::Size size) {
    // Pixel index x has normalised centre u = (x + 0.5) / W.
    // x' = W * (sx * (x + 0.5) / W + tx) - 0.5 = sx * x + (0.5 * sx + W * tx - 0.5).
    cv::Mat m = (cv::Mat_<double>(2, 3) << a.sx, 0.0, 0.5 * a.sx + size.width * a.tx - 0.5,  //
                 0.0, a.sy, 0.5 * a.sy + size.height * a.ty - 0.5);
    return m;
}

std::vector<Box> holdInvalidBoxes(std::vector<Box> track) {
    int firstValid = -1;
    for (int i = 0; i < static_cast<int>(track.size()); ++i) {
        if (isValidBox(track[i])) {
            firstValid = i;
            break;
        }
    }
    if (firstValid < 0) {
        std::fill(track.begin(), track.end(), Box{0, 0, 1, 1});
        return track;
    }
    for (int i = 0; i < firstValid; ++i) track[i] = track[firstValid];
    for (std::size_t i = firstValid + 1; i < track.size(); ++i) {
        if (!isValidBox(track[i])) track[i] = track[i - 1];
    }
    return track;
}

}  // namespace boxanim
