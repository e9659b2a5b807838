#include "core/render/clean_plate.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

namespace boxanim {

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
    const cv::Rect bounds = cv::boundingRect(hole);
    if (bounds.empty()) return plate;

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
    up.copyTo(plate, hole);
    return plate;
}

}  // namespace boxanim
