#include "core/render/foreground.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace boxanim {

namespace {

// Pixels whose F and B must be solved for: alpha strictly between 0 and 1, or
// a 4-neighbour with another alpha. Elsewhere alpha is 0 or 1 all around, and
// the compositing equation alone fixes one of F, B (the other never reaches
// the output, and the neighbours' solves only read it from the coarser level).
cv::Mat activePixels(const cv::Mat& a) {
    cv::Mat active(a.size(), CV_8UC1);
    for (int y = 0; y < a.rows; ++y) {
        const float* row = a.ptr<float>(y);
        const float* up = a.ptr<float>(std::max(0, y - 1));
        const float* down = a.ptr<float>(std::min(a.rows - 1, y + 1));
        uchar* out = active.ptr<uchar>(y);
        for (int x = 0; x < a.cols; ++x) {
            const float v = row[x];
            const float left = row[std::max(0, x - 1)], right = row[std::min(a.cols - 1, x + 1)];
            out[x] = (v > 0.f && v < 1.f) || left != v || right != v || up[x] != v || down[x] != v;
        }
    }
    return active;
}

}  // namespace

cv::Mat estimateForeground(const cv::Mat& bgr, const cv::Mat& alpha, const ForegroundOptions& o) {
    cv::Mat f, b;
    estimateForegroundBackground(bgr, alpha, f, b, o);
    return f;
}

void estimateForegroundBackground(const cv::Mat& bgr, const cv::Mat& alphaIn, cv::Mat& foreground,
                                  cv::Mat& background, const ForegroundOptions& o) {
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw std::invalid_argument("estimateForeground: expected a non-empty 8-bit BGR image");
    if (alphaIn.size() != bgr.size() || (alphaIn.type() != CV_8UC1 && alphaIn.type() != CV_32FC1))
        throw std::invalid_argument("estimateForeground: alpha must be CV_8UC1 or CV_32FC1 of the image's size");
    cv::Mat alpha;
    if (alphaIn.type() == CV_8UC1) alphaIn.convertTo(alpha, CV_32FC1, 1.0 / 255.0);
    else alpha = cv::min(cv::max(alphaIn, 0.0), 1.0);
    cv::Mat image;
    bgr.convertTo(image, CV_32FC3, 1.0 / 255.0);

    const int W = bgr.cols, H = bgr.rows;
    const int levels = static_cast<int>(std::ceil(std::log2(std::max(W, H))));
    // The coarsest level is one pixel of the mean colour, for F and B alike.
    const cv::Scalar mean = cv::mean(image);
    cv::Mat F(1, 1, CV_32FC3, mean), B(1, 1, CV_32FC3, mean);
    const float reg = static_cast<float>(o.regularization), gw = static_cast<float>(o.gradientWeight);
    static const int kDx[4] = {-1, 1, 0, 0}, kDy[4] = {0, 0, -1, 1};

    for (int l = 0; l <= levels; ++l) {
        // Sides grow geometrically from 1 to the image's (Germer et al.).
        const double t = levels > 0 ? static_cast<double>(l) / levels : 1.0;
        const int w = std::max(1, static_cast<int>(std::lround(std::pow(W, t))));
        const int h = std::max(1, static_cast<int>(std::lround(std::pow(H, t))));
        cv::Mat I, a;
        if (w == W && h == H) {
            I = image;
            a = alpha;
        } else {
            cv::resize(image, I, cv::Size(w, h), 0, 0, cv::INTER_NEAREST);
            cv::resize(alpha, a, cv::Size(w, h), 0, 0, cv::INTER_NEAREST);
        }
        cv::resize(F, F, cv::Size(w, h), 0, 0, cv::INTER_NEAREST);
        cv::resize(B, B, cv::Size(w, h), 0, 0, cv::INTER_NEAREST);
        const cv::Mat active = activePixels(a);
        // Outside the active set the exact solution: F = I where opaque, B = I where clear.
        for (int y = 0; y < h; ++y) {
            const uchar* act = active.ptr<uchar>(y);
            const float* av = a.ptr<float>(y);
            const cv::Vec3f* iv = I.ptr<cv::Vec3f>(y);
            cv::Vec3f* fv = F.ptr<cv::Vec3f>(y);
            cv::Vec3f* bv = B.ptr<cv::Vec3f>(y);
            for (int x = 0; x < w; ++x) {
                if (act[x]) continue;
                if (av[x] >= 1.f) fv[x] = iv[x];
                else bv[x] = iv[x];
            }
        }
        const int iterations = (w <= o.smallSize && h <= o.smallSize) ? o.smallIterations : o.bigIterations;
        for (int it = 0; it < iterations; ++it)
            for (int y = 0; y < h; ++y) {
                const uchar* act = active.ptr<uchar>(y);
                for (int x = 0; x < w; ++x) {
                    if (!act[x]) continue;
                    const float a0 = a.at<float>(y, x), a1 = 1.f - a0;
                    // Normal equations of (a0 F + a1 B - I)^2 + sum_n d_n ((F - F_n)^2 + (B - B_n)^2).
                    float m00 = a0 * a0, m01 = a0 * a1, m11 = a1 * a1;
                    const cv::Vec3f& iv = I.at<cv::Vec3f>(y, x);
                    cv::Vec3f r0 = a0 * iv, r1 = a1 * iv;
                    for (int e = 0; e < 4; ++e) {
                        const int nx = x + kDx[e], ny = y + kDy[e];
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                        const float d = reg + gw * std::abs(a0 - a.at<float>(ny, nx));
                        m00 += d;
                        m11 += d;
                        r0 += d * F.at<cv::Vec3f>(ny, nx);
                        r1 += d * B.at<cv::Vec3f>(ny, nx);
                    }
                    cv::Vec3f& fv = F.at<cv::Vec3f>(y, x);
                    cv::Vec3f& bv = B.at<cv::Vec3f>(y, x);
                    // Opaque or clear, the compositing equation fixes F (or B)
                    // exactly; the other layer is only smoothed from the neighbours.
                    if (a0 >= 1.f || a0 <= 0.f) {
                        const float sum = m11 - a1 * a1;  // the neighbours' total weight
                        if (a0 >= 1.f) {
                            fv = iv;
                            if (sum > 0.f) bv = r1 * (1.f / sum);
                        } else {
                            bv = iv;
                            if (sum > 0.f) fv = r0 * (1.f / sum);
                        }
                        continue;
                    }
                    const float det = m00 * m11 - m01 * m01;
                    if (det <= 1e-12f) continue;  // a lone pixel: nothing to tell F from B
                    const float inv = 1.f / det;
                    for (int c = 0; c < 3; ++c) {
                        fv[c] = std::clamp(inv * (m11 * r0[c] - m01 * r1[c]), 0.f, 1.f);
                        bv[c] = std::clamp(inv * (m00 * r1[c] - m01 * r0[c]), 0.f, 1.f);
                    }
                }
            }
    }
    F.convertTo(foreground, CV_8UC3, 255.0);
    B.convertTo(background, CV_8UC3, 255.0);
}

void refitRimAlpha(const cv::Mat& bgr, const cv::Mat& F, const cv::Mat& Best, cv::Mat& alpha,
                   const RimRefitOptions& o) {
    if (bgr.empty() || bgr.type() != CV_8UC3 || F.type() != CV_8UC3 || Best.type() != CV_8UC3 ||
        alpha.type() != CV_8UC1 || F.size() != bgr.size() || Best.size() != bgr.size() || alpha.size() != bgr.size())
        throw std::invalid_argument("refitRimAlpha: expected an 8-bit BGR image, F and B, and an 8-bit alpha, of one size");
    // The clear side's colour near every pixel and its spread: the
    // Gaussian-weighted mean and mean square of the clear pixels around
    // (normalised convolution). (The opaque side's, used for F likewise,
    // took dark parts of objects for a dark background: an astronaut's
    // helmet lost its rim against a night sky.)
    cv::Mat clear, weight;
    cv::Mat(alpha == 0).convertTo(clear, CV_32FC1, 1.0 / 255.0);
    cv::GaussianBlur(clear, weight, cv::Size(0, 0), o.sigma);
    const cv::Mat norm = 1.0 / cv::max(weight, 1e-6f);
    std::vector<cv::Mat> mean(3), square(3);
    {
        cv::Mat image;
        bgr.convertTo(image, CV_32FC3);
        cv::split(image, mean);
    }
    for (int c = 0; c < 3; ++c) {
        square[c] = mean[c].mul(mean[c]).mul(clear);
        mean[c] = mean[c].mul(clear);
        cv::GaussianBlur(mean[c], mean[c], cv::Size(0, 0), o.sigma);
        cv::GaussianBlur(square[c], square[c], cv::Size(0, 0), o.sigma);
        mean[c] = mean[c].mul(norm);
        square[c] = square[c].mul(norm);
    }
    const float minSq = static_cast<float>(o.minContrast * o.minContrast);
    const float k = static_cast<float>(o.spreadFactor);
    for (int y = 0; y < bgr.rows; ++y) {
        const cv::Vec3b* iv = bgr.ptr<cv::Vec3b>(y);
        const cv::Vec3b* fv = F.ptr<cv::Vec3b>(y);
        const cv::Vec3b* bv = Best.ptr<cv::Vec3b>(y);
        uchar* av = alpha.ptr<uchar>(y);
        for (int x = 0; x < bgr.cols; ++x) {
            if (av[x] == 0 || av[x] == 255) continue;
            const cv::Vec3f f = fv[x];
            // The clear side's own colour nearby where F stands out from it
            // by more than its texture varies; else the estimated B.
            cv::Vec3f b = bv[x];
            if (weight.at<float>(y, x) >= 1e-3f) {
                const cv::Vec3f m(mean[0].at<float>(y, x), mean[1].at<float>(y, x), mean[2].at<float>(y, x));
                float variance = 0;
                for (int c = 0; c < 3; ++c) variance += square[c].at<float>(y, x) - m[c] * m[c];
                const cv::Vec3f dm = f - m;
                if (dm.dot(dm) >= k * k * std::max(0.f, variance)) b = m;
            }
            const cv::Vec3f d = f - b;
            const float n2 = d.dot(d);
            if (n2 <= minSq) continue;  // F and B alike: the photo cannot tell them apart
            const float a = (cv::Vec3f(iv[x]) - b).dot(d) / n2;
            av[x] = cv::saturate_cast<uchar>(255.f * std::clamp(a, 0.f, 1.f));
        }
    }
}

}  // namespace boxanim
