#include "core/render/matte.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc/edge_filter.hpp>

#include "core/render/geometry.h"

namespace boxanim {

namespace {

double workingScale(cv::Size size, int maxSide) {
    const int longSide = std::max(size.width, size.height);
    return longSide > maxSide ? static_cast<double>(maxSide) / longSide : 1.0;
}

}  // namespace

cv::Mat computeMatte(const cv::Mat& image, const Box& box, const MatteOptions& options) {
    if (image.empty() || image.type() != CV_8UC3)
        throw std::invalid_argument("computeMatte: expected a non-empty 8-bit BGR image");
    const cv::Size full = image.size();
    cv::Mat result = cv::Mat::zeros(full, CV_32FC1);
    if (!isValidBox(box)) return result;

    // Downscaled working copy.
    const double scale = workingScale(full, options.maxWorkingSide);
    cv::Mat small;
    if (scale < 1.0)
        cv::resize(image, small, cv::Size(), scale, scale, cv::INTER_AREA);
    else
        small = image;
    const cv::Size ws = small.size();

    // The init rectangle: the box grown by a small margin.
    const cv::Rect2d px = boxToPixels(box, ws);
    const double mx = std::max(2.0, options.boxMargin * px.width);
    const double my = std::max(2.0, options.boxMargin * px.height);
    cv::Rect rect(cv::Point(static_cast<int>(std::floor(px.x - mx)),
                            static_cast<int>(std::floor(px.y - my))),
                  cv::Point(static_cast<int>(std::ceil(px.x + px.width + mx)),
                            static_cast<int>(std::ceil(px.y + px.height + my))));
    rect &= cv::Rect(0, 0, ws.width, ws.height);
    if (rect.width < 2 || rect.height < 2) return result;

    cv::Mat mask(ws, CV_8UC1, cv::Scalar(cv::GC_BGD));
    cv::Mat fg;
    // grabCut fits 5-component colour models to the inside and the outside of
    // the rectangle: both need enough samples. A box (nearly) covering the
    // image, or a box of a few pixels, is taken whole.
    constexpr int kMinSamples = 64;
    const int inside = rect.area(), outside = ws.area() - rect.area();
    bool modelled = inside >= kMinSamples && outside >= kMinSamples;
    if (modelled) {
        try {
            cv::Mat bgModel, fgModel;
            cv::grabCut(small, mask, rect, bgModel, fgModel, options.iterations,
                        cv::GC_INIT_WITH_RECT);
        } catch (const cv::Exception&) {
            modelled = false;  // degenerate colour statistics (e.g. a flat image)
        }
    }
    if (!modelled) {
        fg = cv::Mat::zeros(ws, CV_8UC1);
        fg(rect).setTo(255);
    } else {
        fg = (mask == cv::GC_FGD) | (mask == cv::GC_PR_FGD);
        // Keep components of at least 5% of the largest one: drops speckles,
        // keeps an object made of a few separate parts.
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(fg, labels, stats, centroids, 8, CV_32S);
        int biggest = 0;
        for (int i = 1; i < n; ++i) biggest = std::max(biggest, stats.at<int>(i, cv::CC_STAT_AREA));
        if (biggest == 0) {
            // grabCut found nothing (a uniform box): fall back to the box itself.
            fg = cv::Mat::zeros(ws, CV_8UC1);
            fg(boxToPixelRect(box, ws)).setTo(255);
        } else {
            const int keep = std::max(1, biggest / 20);
            cv::Mat lut(1, n, CV_8UC1, cv::Scalar(0));
            for (int i = 1; i < n; ++i)
                if (stats.at<int>(i, cv::CC_STAT_AREA) >= keep) lut.at<uchar>(0, i) = 255;
            cv::Mat out(ws, CV_8UC1);
            for (int y = 0; y < ws.height; ++y) {
                const int* l = labels.ptr<int>(y);
                uchar* o = out.ptr<uchar>(y);
                for (int x = 0; x < ws.width; ++x) o[x] = lut.at<uchar>(0, l[x]);
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
    cv::Mat guide, refined;
    image(roi).convertTo(guide, CV_32FC3, 1.0 / 255.0);
    cv::ximgproc::guidedFilter(guide, soft(roi), refined, radius, options.guidedEps, -1);
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

std::vector<cv::Mat> computeMattes(const cv::Mat& image, const std::vector<Box>& boxes,
                                   const MatteOptions& options) {
    std::vector<cv::Mat> mattes;
    mattes.reserve(boxes.size());
    for (const Box& b : boxes) mattes.push_back(computeMatte(image, b, options));
    if (options.frontOccludes && mattes.size() > 1) {
        cv::Mat front = mattes[0].clone();  // union of everything in front so far
        for (std::size_t k = 1; k < mattes.size(); ++k) {
            cv::Mat keep = 1.0 - front;
            cv::multiply(mattes[k], keep, mattes[k]);
            cv::max(front, mattes[k], front);
        }
    }
    return mattes;
}

std::vector<cv::Mat> computeMattes(const cv::Mat& image, const Tracks& tracks,
                                   const MatteOptions& options) {
    std::vector<Box> boxes;
    for (const auto& track : tracks.boxes) boxes.push_back(track.empty() ? Box{} : track[0].box);
    return computeMattes(image, boxes, options);
}

}  // namespace boxanim
