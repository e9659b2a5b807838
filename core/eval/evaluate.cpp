#include "core/eval/evaluate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/tracking.hpp>
#include <opencv2/video/tracking.hpp>
#include <opencv2/videoio.hpp>

#include "core/project/tracks.h"

namespace boxanim {

namespace fs = std::filesystem;

double iou(const cv::Rect2d& a, const cv::Rect2d& b) {
    const double inter = (a & b).area();
    const double uni = a.area() + b.area() - inter;
    return uni > 0 ? inter / uni : 0.0;
}

namespace {

cv::Rect2d toPixels(const Box& b, cv::Size size) {
    return {b.x1 * size.width, b.y1 * size.height, b.width() * size.width, b.height() * size.height};
}

// Normalised cross-correlation of two crops at a common size, in [-1, 1].
double ncc(const cv::Mat& frameA, const cv::Rect2d& ra, const cv::Mat& frameB, const cv::Rect2d& rb) {
    const cv::Rect bounds(0, 0, frameA.cols, frameA.rows);
    const cv::Rect ia = cv::Rect(ra) & bounds, ib = cv::Rect(rb) & cv::Rect(0, 0, frameB.cols, frameB.rows);
    if (ia.area() < 4 || ib.area() < 4) return 0.0;
    cv::Mat a, b;
    cv::cvtColor(frameA(ia), a, cv::COLOR_BGR2GRAY);
    cv::cvtColor(frameB(ib), b, cv::COLOR_BGR2GRAY);
    cv::resize(a, a, cv::Size(48, 48), 0, 0, cv::INTER_AREA);
    cv::resize(b, b, cv::Size(48, 48), 0, 0, cv::INTER_AREA);
    a.convertTo(a, CV_32F);
    b.convertTo(b, CV_32F);
    cv::Scalar ma, sa, mb, sb;
    cv::meanStdDev(a, ma, sa);
    cv::meanStdDev(b, mb, sb);
    if (sa[0] < 1e-3 || sb[0] < 1e-3) return sa[0] < 1e-3 && sb[0] < 1e-3 ? 1.0 : 0.0;
    const double cov = cv::mean((a - ma[0]).mul(b - mb[0]))[0];
    return cov / (sa[0] * sb[0]);
}

cv::Mat grey(const cv::Mat& bgr) {
    cv::Mat g;
    cv::cvtColor(bgr, g, cv::COLOR_BGR2GRAY);
    return g;
}

// RMS distance of `to` from the least-squares affine image of `from`.
double affineResidual(const std::vector<cv::Point2f>& from, const std::vector<cv::Point2f>& to) {
    cv::Matx33d ata = cv::Matx33d::zeros();
    cv::Matx32d atb = cv::Matx32d::zeros();
    for (std::size_t i = 0; i < from.size(); ++i) {
        const cv::Vec3d a(from[i].x, from[i].y, 1.0);
        ata += a * a.t();
        for (int r = 0; r < 3; ++r) {
            atb(r, 0) += a[r] * to[i].x;
            atb(r, 1) += a[r] * to[i].y;
        }
    }
    cv::Matx32d m;
    if (!cv::solve(ata, atb, m, cv::DECOMP_SVD)) return 0.0;
    double sum = 0;
    for (std::size_t i = 0; i < from.size(); ++i) {
        const double x = m(0, 0) * from[i].x + m(1, 0) * from[i].y + m(2, 0);
        const double y = m(0, 1) * from[i].x + m(1, 1) * from[i].y + m(2, 1);
        sum += (x - to[i].x) * (x - to[i].x) + (y - to[i].y) * (y - to[i].y);
    }
    return std::sqrt(sum / from.size());
}

// Features inside the central 80% of the frame-0 box, tracked from frame 0 to
// every frame (not counted in a frame where the backward track misses it by
// more than 2 px). A box also holds background: at the frame where the box has
// moved most, features nearer their box-predicted position than their start
// are the object's, the rest are dropped. Per frame, the object features' residual
// after their best affine map, over the expected box's diagonal.
double distortionOf(const std::vector<cv::Mat>& greys, const cv::Rect2d& start,
                    const std::vector<cv::Rect2d>& expected) {
    constexpr std::size_t kMinPoints = 6;
    const int N = static_cast<int>(greys.size());
    cv::Mat mask = cv::Mat::zeros(greys[0].size(), CV_8UC1);
    const cv::Rect inner = cv::Rect(cv::Rect2d(start.x + 0.1 * start.width, start.y + 0.1 * start.height,
                                               0.8 * start.width, 0.8 * start.height)) &
                           cv::Rect(cv::Point(), greys[0].size());
    if (inner.area() < 16) return -1;
    mask(inner).setTo(255);
    std::vector<cv::Point2f> origin;
    cv::goodFeaturesToTrack(greys[0], origin, 80, 0.01, 3, mask);
    const std::size_t P = origin.size();
    if (P < kMinPoints) return -1;

    std::vector<std::vector<cv::Point2f>> at(N, origin);  // [frame][feature]
    std::vector<std::vector<bool>> valid(N, std::vector<bool>(P, true));
    const cv::Size win(21, 21);
    const cv::TermCriteria stop(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 30, 0.01);
    for (int i = 1; i < N; ++i) {
        // From frame 0 itself (no drift builds up), starting at the last positions.
        std::vector<cv::Point2f> back;
        std::vector<uchar> ok, okBack;
        std::vector<float> err;
        at[i] = at[i - 1];
        cv::calcOpticalFlowPyrLK(greys[0], greys[i], origin, at[i], ok, err, win, 3, stop,
                                 cv::OPTFLOW_USE_INITIAL_FLOW);
        // The backward track starts from the features' median displacement
        // undone, so it checks each feature without being handed its answer.
        std::vector<float> dx(P), dy(P);
        for (std::size_t j = 0; j < P; ++j) dx[j] = at[i][j].x - origin[j].x, dy[j] = at[i][j].y - origin[j].y;
        std::nth_element(dx.begin(), dx.begin() + P / 2, dx.end());
        std::nth_element(dy.begin(), dy.begin() + P / 2, dy.end());
        back.resize(P);
        for (std::size_t j = 0; j < P; ++j) back[j] = at[i][j] - cv::Point2f(dx[P / 2], dy[P / 2]);
        cv::calcOpticalFlowPyrLK(greys[i], greys[0], at[i], back, okBack, err, win, 3, stop,
                                 cv::OPTFLOW_USE_INITIAL_FLOW);
        for (std::size_t j = 0; j < P; ++j)
            valid[i][j] = ok[j] && okBack[j] && cv::norm(back[j] - origin[j]) <= 2.0;
    }

    auto centre = [](const cv::Rect2d& r) { return cv::Point2d(r.x + r.width / 2, r.y + r.height / 2); };
    // Per feature, the valid frame where its box moved most decides.
    std::vector<bool> object(P, true);
    for (std::size_t j = 0; j < P; ++j) {
        int m = 0;
        for (int i = 1; i < N; ++i)
            if (valid[i][j] && cv::norm(centre(expected[i]) - centre(expected[0])) >
                                   cv::norm(centre(expected[m]) - centre(expected[0])))
                m = i;
        if (cv::norm(centre(expected[m]) - centre(expected[0])) <= 2.0 || expected[0].area() <= 0) continue;
        const cv::Rect2d& a = expected[0];
        const cv::Rect2d& b = expected[m];
        const cv::Point2d p0 = origin[j];
        const cv::Point2d predicted(b.x + (p0.x - a.x) * b.width / a.width,
                                    b.y + (p0.y - a.y) * b.height / a.height);
        const cv::Point2d pm = at[m][j];
        object[j] = cv::norm(pm - predicted) < cv::norm(pm - p0);
    }

    double sum = 0;
    int counted = 0;
    for (int i = 1; i < N; ++i) {
        std::vector<cv::Point2f> from, to;
        for (std::size_t j = 0; j < P; ++j)
            if (object[j] && valid[i][j]) {
                from.push_back(origin[j]);
                to.push_back(at[i][j]);
            }
        const double diag = std::hypot(expected[i].width, expected[i].height);
        if (from.size() < kMinPoints || diag <= 0) continue;
        sum += affineResidual(from, to) / diag;
        ++counted;
    }
    return counted > 0 ? sum / counted : -1;
}

}  // namespace

std::vector<cv::Mat> readClip(const std::string& path) {
    std::vector<cv::Mat> frames;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(path, ec))
            // Only regular files: a FIFO named like a frame would block the read.
            if (e.path().extension() == ".png" && e.is_regular_file(ec)) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            cv::Mat m = cv::imread(f.string(), cv::IMREAD_COLOR);
            if (m.empty()) throw std::runtime_error(f.string() + ": cannot read PNG frame");
            frames.push_back(m);
        }
    } else {
        if (!fs::exists(path, ec)) throw std::runtime_error(path + ": file does not exist");
        // Opening a FIFO or a device would block or read forever.
        if (!fs::is_regular_file(path, ec))
            throw std::runtime_error(path + ": not a regular file (expected a video file or a folder of PNGs)");
        cv::VideoCapture cap(path, cv::CAP_FFMPEG);
        if (!cap.isOpened()) throw std::runtime_error(path + ": cannot open as a video");
        cv::Mat f;
        while (cap.read(f)) frames.push_back(f.clone());
    }
    if (frames.empty()) throw std::runtime_error(path + ": no frames");
    return frames;
}

ClipScore evaluateClip(const Project& project, const std::vector<cv::Mat>& frames) {
    ClipScore score;
    if (frames.empty()) throw std::invalid_argument("evaluateClip: no frames");
    const int N = static_cast<int>(frames.size()), F = project.timeline.frames;
    const cv::Size size = frames[0].size();
    score.frames = N;
    score.width = size.width;
    score.height = size.height;
    const double diag = std::hypot(size.width, size.height);

    const Tracks soft = expandTracks(project, {project.generation.variety});
    const Tracks exact = expandTracks(project, {0.0});
    auto frameOf = [&](int i) {
        const double t = N > 1 ? double(i) * (F - 1) / (N - 1) : 0.0;
        return std::clamp(static_cast<int>(t + 0.5), 0, F - 1);
    };

    // Background: pixels outside every expected box of every frame.
    cv::Mat background(size, CV_8UC1, cv::Scalar(255));
    for (std::size_t k = 0; k < project.objects.size(); ++k)
        for (int f = 0; f < F; ++f) {
            cv::Rect2d r = toPixels(soft.at(int(k), f).box, size);
            r.x -= 2; r.y -= 2; r.width += 4; r.height += 4;  // anti-aliased rims
            cv::rectangle(background, cv::Rect(r), cv::Scalar(0), cv::FILLED);
        }

    std::vector<cv::Mat> greys;
    greys.reserve(frames.size());
    for (const cv::Mat& f : frames) greys.push_back(grey(f));

    for (std::size_t k = 0; k < project.objects.size(); ++k) {
        ObjectScore os;
        os.id = project.objects[k].id;
        os.name = project.objects[k].name;
        const cv::Rect2d start = toPixels(exact.at(int(k), 0).box, size);
        cv::Ptr<cv::TrackerCSRT> tracker = cv::TrackerCSRT::create();
        tracker->init(frames[0], cv::Rect(start));
        os.tracked.push_back(start);
        cv::Rect2d last = start;
        double iouSum = 0, contSum = 0, centreSum = 0, idSum = 0;
        int contHits = 0, offFrames = 0, idFrames = 0;
        for (int i = 1; i < N; ++i) {
            cv::Rect found;
            // A lost track keeps its last position: that is what a viewer would see too.
            if (tracker->update(frames[i], found) && found.area() > 0) last = cv::Rect2d(found);
            os.tracked.push_back(last);
            const int f = frameOf(i);
            const TrackSample& s = soft.at(int(k), f);
            // A box may lie partly or wholly outside the image (format v2):
            // what can be measured is its visible part; a wholly outside
            // object is not in the clip, and its frame measures nothing.
            const cv::Rect2d image(0, 0, size.width, size.height);
            const cv::Rect2d whole = toPixels(exact.at(int(k), f).box, size);
            const cv::Rect2d expected = whole & image;
            if (expected.area() <= 0) {
                ++offFrames;
                continue;
            }
            const bool partly = expected.area() < whole.area() * 0.999;
            if (s.kind == BoxKind::Hard) {
                iouSum += iou(last & image, expected);
                ++os.hardFrames;
            } else if (s.kind == BoxKind::Soft) {
                const cv::Rect2d region = toPixels(s.box, size) & image;
                const double c = last.area() > 0 ? (last & region).area() / last.area() : 0.0;
                contSum += c;
                contHits += c >= 0.9;
                ++os.softFrames;
            }
            const double dx = (last.x + last.width / 2) - (expected.x + expected.width / 2);
            const double dy = (last.y + last.height / 2) - (expected.y + expected.height / 2);
            centreSum += std::hypot(dx, dy) / diag;
            // A crop of a partly visible object is not the object: identity
            // compares whole views only.
            if (!partly) {
                idSum += ncc(frames[0], start, frames[i], last);
                ++idFrames;
            }
        }
        const int moving = std::max(1, N - 1 - offFrames);
        os.meanIoUHard = os.hardFrames ? iouSum / os.hardFrames : 0.0;
        os.containment = os.softFrames ? contSum / os.softFrames : 0.0;
        os.containmentRate = os.softFrames ? double(contHits) / os.softFrames : 0.0;
        os.centreError = centreSum / moving;
        os.identity = idFrames > 0 ? idSum / idFrames : 1.0;
        std::vector<cv::Rect2d> expected(N);
        for (int i = 0; i < N; ++i) expected[i] = toPixels(exact.at(int(k), frameOf(i)).box, size);
        os.distortion = distortionOf(greys, start, expected);
        double jerkSum = 0;
        for (int i = 0; i + 3 < N; ++i) {
            auto centre = [&](int j) {
                const cv::Rect2d& r = os.tracked[j];
                return cv::Point2d(r.x + r.width / 2, r.y + r.height / 2);
            };
            jerkSum += cv::norm(centre(i + 3) - 3 * centre(i + 2) + 3 * centre(i + 1) - centre(i)) / diag;
        }
        os.jerk = N > 3 ? jerkSum / (N - 3) : 0.0;
        score.objects.push_back(os);
    }

    int nHard = 0, nSoft = 0, nDistortion = 0;
    double distortionSum = 0;
    for (const ObjectScore& o : score.objects) {
        if (o.distortion >= 0) { distortionSum += o.distortion; ++nDistortion; }
        score.jerk += o.jerk;
        if (o.hardFrames) { score.meanIoUHard += o.meanIoUHard; ++nHard; }
        if (o.softFrames) {
            score.containment += o.containment;
            score.containmentRate += o.containmentRate;
            ++nSoft;
        }
        score.centreError += o.centreError;
        score.identity += o.identity;
    }
    const double nObj = std::max<std::size_t>(1, score.objects.size());
    score.hasHard = nHard > 0;
    score.hasSoft = nSoft > 0;
    if (nHard) score.meanIoUHard /= nHard;
    if (nSoft) { score.containment /= nSoft; score.containmentRate /= nSoft; }
    score.centreError /= nObj;
    score.identity /= nObj;
    score.jerk /= nObj;
    score.distortion = nDistortion ? distortionSum / nDistortion : -1;

    if (cv::countNonZero(background) > 0 && N > 1) {
        double sum = 0;
        cv::Mat diff;
        for (int i = 1; i < N; ++i) {
            cv::absdiff(frames[i], frames[0], diff);
            const cv::Scalar m = cv::mean(diff, background);
            sum += (m[0] + m[1] + m[2]) / 3.0;
        }
        score.backgroundChange = sum / (N - 1);
    }
    return score;
}

}  // namespace boxanim
