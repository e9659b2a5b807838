#include "core/render/fill_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/render/completion.h"

namespace boxanim {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

std::string findPhoto(const std::vector<std::string>& dirs, const std::string& file) {
    for (const std::string& d : dirs) {
        const fs::path p = fs::path(d) / file;
        if (fs::exists(p)) return p.string();
    }
    std::string where;
    for (const std::string& d : dirs) where += " " + d;
    throw std::runtime_error("fill benchmark: photo " + file + " not found in" + where +
                             " (install opencv-doc and python3-skimage: scripts/install-deps.sh)");
}

cv::Mat readColour(const std::string& path) {
    cv::Mat m = cv::imread(path, cv::IMREAD_COLOR);
    if (m.empty()) throw std::runtime_error("fill benchmark: cannot read " + path);
    return m;
}

// An object's exact alpha (CV_32FC1, values 0..1), cropped to its bounds.
// "dark:<file>": a dark silhouette on white (alpha = 1 - grey / 255);
// "alpha:<file>": the PNG's own alpha channel; "star": a five-pointed star.
cv::Mat silhouette(const std::vector<std::string>& dirs, const std::string& spec) {
    cv::Mat alpha;
    if (spec == "star") {
        const int S = 400, shift = 4;
        alpha = cv::Mat::zeros(S, S, CV_8UC1);
        std::vector<cv::Point> pts;
        for (int i = 0; i < 10; ++i) {
            const double a = -CV_PI / 2 + i * CV_PI / 5, rad = (i % 2 ? 0.42 : 1.0) * S / 2 * 0.98;
            pts.emplace_back(cvRound((S / 2 + rad * std::cos(a)) * (1 << shift)),
                             cvRound((S / 2 + rad * std::sin(a)) * (1 << shift)));
        }
        cv::fillPoly(alpha, std::vector<std::vector<cv::Point>>{pts}, cv::Scalar(255), cv::LINE_AA, shift);
    } else if (spec.rfind("dark:", 0) == 0) {
        cv::Mat grey = cv::imread(findPhoto(dirs, spec.substr(5)), cv::IMREAD_GRAYSCALE);
        if (grey.empty()) throw std::runtime_error("fill benchmark: cannot read " + spec);
        alpha = 255 - grey;
    } else if (spec.rfind("alpha:", 0) == 0) {
        cv::Mat rgba = cv::imread(findPhoto(dirs, spec.substr(6)), cv::IMREAD_UNCHANGED);
        if (rgba.empty() || rgba.channels() != 4) throw std::runtime_error("fill benchmark: no alpha in " + spec);
        cv::extractChannel(rgba, alpha, 3);
    } else {
        throw std::invalid_argument("fill benchmark: unknown silhouette " + spec);
    }
    // Faint values (JPEG-like noise in the white) are not part of the object.
    alpha.setTo(0, alpha < 8);
    const cv::Rect bounds = cv::boundingRect(alpha);
    cv::Mat f;
    alpha(bounds).convertTo(f, CV_32FC1, 1.0 / 255);
    return f;
}

struct SceneSpec {
    const char* name;
    const char* content;
    const char* photo;
    const char* object;
    double cx, cy, height;  // object centre and height, relative to the photo
    bool heldOut = false;   // added after the fill's parameters were chosen, to check them
};

// Object placements were chosen by looking at each photo: the object covers
// the content the scene is named for.
const SceneSpec kScenes[] = {
    {"clutter", "shelves, boxes, tools (clutter)", "motorcycle_left.png", "dark:horse.png", 0.80, 0.33, 0.50},
    {"wood", "wood grain of a table", "coffee.png", "dark:templ.png", 0.14, 0.52, 0.48},
    {"table", "fine grain of a desk", "stuff.jpg", "alpha:opencv-logo.png", 0.33, 0.62, 0.42},
    {"sky", "sky, clouds, birds", "home.jpg", "star", 0.22, 0.30, 0.42},
    {"gradient", "night-sky gradient", "rocket.jpg", "star", 0.70, 0.30, 0.40},
    {"edges", "facade: straight window edges", "building.jpg", "dark:horse.png", 0.56, 0.42, 0.42},
    {"bricks", "brick wall, window edges", "leuvenA.jpg", "dark:templ.png", 0.20, 0.42, 0.40},
    {"board", "circuit board (dense clutter)", "board.jpg", "alpha:opencv-logo.png", 0.52, 0.50, 0.40},
    // Held out (2026-12-02): chosen from a contact sheet of photos the first
    // eight do not use, before any of them was filled.
    {"fabric", "patterned fabric backdrop", "aloeL.jpg", "star", 0.15, 0.30, 0.35, true},
    {"stadium", "crowd, advertising boards, grass", "messi5.jpg", "dark:horse.png", 0.25, 0.55, 0.45, true},
    {"painting", "brush strokes of a painted sky", "starry_night.jpg", "alpha:opencv-logo.png", 0.55, 0.30, 0.35, true},
    {"lattice", "wooden lattice (regular structure)", "rubberwhale1.png", "star", 0.20, 0.20, 0.35, true},
    {"leaves", "leaves and bokeh", "squirrel_cls.jpg", "dark:templ.png", 0.25, 0.35, 0.40, true},
    {"cobbles", "cobblestones", "leuvenB.jpg", "dark:horse.png", 0.60, 0.80, 0.30, true},
    {"aerial", "aerial view of a town (dense clutter)", "aero3.jpg", "alpha:opencv-logo.png", 0.40, 0.65, 0.35, true},
    {"fruit", "fruit edges and peel", "fruits.jpg", "star", 0.55, 0.45, 0.45, true},
};

// A procedural photo-like image: multi-octave value noise, a grating and a
// few hard edges, deterministic for a seed.
cv::Mat proceduralImage(cv::Size size, int seed) {
    cv::RNG rng(static_cast<std::uint64_t>(seed));
    cv::Mat acc(size, CV_32FC3, cv::Scalar::all(0));
    for (int o = 0; o < 6; ++o) {
        const int cells = 4 << o;
        cv::Mat n(std::max(2, cells * size.height / size.width), cells, CV_32FC3);
        rng.fill(n, cv::RNG::UNIFORM, cv::Scalar::all(-1), cv::Scalar::all(1));
        cv::Mat up;
        cv::resize(n, up, size, 0, 0, cv::INTER_CUBIC);
        acc += up * (60.0 / (1 << o) + 6.0);
    }
    cv::Mat img;
    acc.convertTo(img, CV_8UC3, 1.0, 128.0);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            cv::Vec3b& p = img.at<cv::Vec3b>(y, x);
            p[1] = cv::saturate_cast<uchar>(p[1] + 25 * std::sin(0.09 * x + 0.04 * y));
        }
    for (int k = 0; k < 6; ++k) {
        const cv::Point a(rng.uniform(0, size.width), rng.uniform(0, size.height));
        const cv::Point b(rng.uniform(0, size.width), rng.uniform(0, size.height));
        cv::line(img, a, b, cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)),
                 std::max(2, size.width / 200), cv::LINE_AA);
    }
    return img;
}

cv::Mat greyLaplacian(const cv::Mat& bgr) {
    cv::Mat grey, lap;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Laplacian(grey, lap, CV_32F, 1);
    return cv::abs(lap);
}

// The grey mid band, Gaussian(sigma 2) - Gaussian(sigma 8): what an eye
// reads as contrast at the scale of shapes and edges, between the grain the
// Laplacian sees and the hole's own scale.
cv::Mat greyMidBand(const cv::Mat& bgr) {
    cv::Mat grey, fine, coarse;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    grey.convertTo(grey, CV_32F);
    cv::GaussianBlur(grey, fine, cv::Size(0, 0), 2.0, 2.0, cv::BORDER_REFLECT);
    cv::GaussianBlur(grey, coarse, cv::Size(0, 0), 8.0, 8.0, cv::BORDER_REFLECT);
    return fine - coarse;
}

// A crop around the hole (with margin) at a fixed height, for the strip.
cv::Mat stripTile(const cv::Mat& img, const cv::Rect& crop, int height) {
    cv::Mat t;
    const double s = static_cast<double>(height) / crop.height;
    cv::resize(img(crop), t, cv::Size(std::max(1, cvRound(crop.width * s)), height), 0, 0, cv::INTER_AREA);
    return t;
}

}  // namespace

FillScore scoreFill(const cv::Mat& plate, const cv::Mat& truth, const cv::Mat& hole) {
    FillScore s;
    double se = 0;
    std::size_t n = 0;
    const cv::Mat lf = greyLaplacian(plate), lt = greyLaplacian(truth);
    const cv::Mat bf = greyMidBand(plate), bt = greyMidBand(truth);
    double df = 0, dt = 0, cf = 0, ct = 0;
    for (int y = 0; y < hole.rows; ++y) {
        const uchar* h = hole.ptr<uchar>(y);
        const cv::Vec3b* a = plate.ptr<cv::Vec3b>(y);
        const cv::Vec3b* b = truth.ptr<cv::Vec3b>(y);
        for (int x = 0; x < hole.cols; ++x) {
            if (!h[x]) continue;
            for (int c = 0; c < 3; ++c) {
                const double d = static_cast<double>(a[x][c]) - b[x][c];
                se += d * d;
            }
            n += 3;
            df += lf.at<float>(y, x);
            dt += lt.at<float>(y, x);
            cf += bf.at<float>(y, x) * bf.at<float>(y, x);
            ct += bt.at<float>(y, x) * bt.at<float>(y, x);
        }
    }
    const double mse = n ? se / static_cast<double>(n) : 0.0;
    s.psnr = mse > 0 ? 10.0 * std::log10(255.0 * 255.0 / mse) : 99.0;
    s.detailRatio = dt > 0 ? df / dt : 0.0;
    s.contrastRatio = ct > 0 ? std::sqrt(cf / ct) : 0.0;
    return s;
}

namespace {

std::vector<std::string> photoDirsOrDefault(const std::vector<std::string>& photoDirs) {
    return photoDirs.empty() ? std::vector<std::string>{"/usr/share/doc/opencv-doc/examples/data",
                                                        "/usr/lib/python3/dist-packages/skimage/data"}
                             : photoDirs;
}

// The photo of `spec` with its object pasted (the dog photo stretched over the
// object's box, composited with the exact alpha).
FillScene composeScene(const std::vector<std::string>& dirs, const cv::Mat& objectTexture, const SceneSpec& spec) {
    FillScene s;
    s.name = spec.name;
    s.content = spec.content;
    s.photo = spec.photo;
    s.heldOut = spec.heldOut;
    s.truth = readColour(findPhoto(dirs, spec.photo));
    const cv::Size size = s.truth.size();
    const cv::Mat shape = silhouette(dirs, spec.object);
    const int h = std::max(8, cvRound(spec.height * size.height));
    const int w = std::max(8, cvRound(h * static_cast<double>(shape.cols) / shape.rows));
    cv::Mat a;
    cv::resize(shape, a, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    const int x0 = cvRound(spec.cx * size.width - w / 2.0), y0 = cvRound(spec.cy * size.height - h / 2.0);
    const cv::Rect box = cv::Rect(x0, y0, w, h) & cv::Rect(cv::Point(), size);
    s.matte = cv::Mat::zeros(size, CV_32FC1);
    a(cv::Rect(box.x - x0, box.y - y0, box.width, box.height)).copyTo(s.matte(box));
    cv::Mat tex;
    cv::resize(objectTexture, tex, box.size(), 0, 0, cv::INTER_AREA);
    s.image = s.truth.clone();
    for (int y = 0; y < box.height; ++y)
        for (int x = 0; x < box.width; ++x) {
            const float al = s.matte.at<float>(box.y + y, box.x + x);
            cv::Vec3b& p = s.image.at<cv::Vec3b>(box.y + y, box.x + x);
            const cv::Vec3b& o = tex.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c) p[c] = cv::saturate_cast<uchar>(al * o[c] + (1 - al) * p[c]);
        }
    return s;
}

// Photos the random scenes draw from: every real colour photo of the two
// packages at least 400 px wide (the sixteen scenes' own photos among them),
// and three grey texture photos.
const char* const kRandomPhotos[] = {
    "motorcycle_left.png", "coffee.png", "stuff.jpg", "home.jpg", "rocket.jpg", "building.jpg",
    "leuvenA.jpg", "board.jpg", "aloeL.jpg", "messi5.jpg", "starry_night.jpg", "rubberwhale1.png",
    "squirrel_cls.jpg", "leuvenB.jpg", "aero3.jpg", "fruits.jpg", "ela_original.jpg", "apple.jpg",
    "graf1.png", "butterfly.jpg", "orange.jpg", "baboon.jpg", "chelsea.png", "astronaut.png",
    "smarties.png", "aero1.jpg", "licenseplate_motion.jpg", "left.jpg", "gravel.png", "grass.png",
    "brick.png",
};
const char* const kRandomObjects[] = {"star", "dark:horse.png", "dark:templ.png", "alpha:opencv-logo.png"};

}  // namespace

std::vector<FillScene> fillScenes(const std::vector<std::string>& photoDirs) {
    const std::vector<std::string> dirs = photoDirsOrDefault(photoDirs);
    const cv::Mat objectTexture = readColour(findPhoto(dirs, "chicky_512.png"));
    std::vector<FillScene> out;
    for (const SceneSpec& spec : kScenes) out.push_back(composeScene(dirs, objectTexture, spec));
    return out;
}

std::vector<FillScene> randomFillScenes(int count, std::uint64_t sceneSeed, const std::vector<std::string>& photoDirs) {
    const std::vector<std::string> dirs = photoDirsOrDefault(photoDirs);
    const cv::Mat objectTexture = readColour(findPhoto(dirs, "chicky_512.png"));
    cv::RNG rng(sceneSeed * 0x9E3779B97F4A7C15ull + 1);
    constexpr int nPhotos = static_cast<int>(sizeof(kRandomPhotos) / sizeof(kRandomPhotos[0]));
    constexpr int nObjects = static_cast<int>(sizeof(kRandomObjects) / sizeof(kRandomObjects[0]));
    std::vector<FillScene> out;
    for (int i = 0; i < count; ++i) {
        char name[16], content[96];
        std::snprintf(name, sizeof name, "r%02d", i + 1);
        const char* photo = kRandomPhotos[rng.uniform(0, nPhotos)];
        const char* object = kRandomObjects[rng.uniform(0, nObjects)];
        const double cx = rng.uniform(0.15, 0.85), cy = rng.uniform(0.2, 0.8), height = rng.uniform(0.25, 0.45);
        std::snprintf(content, sizeof content, "%s at (%.2f, %.2f), %.0f%% high", object, cx, cy, 100 * height);
        const SceneSpec spec{name, content, photo, object, cx, cy, height, true};
        out.push_back(composeScene(dirs, objectTexture, spec));
    }
    return out;
}

std::string fillQualityBenchmark(const std::string& outDir, int repeats, std::uint64_t seed, int randomScenes,
                                 std::uint64_t sceneSeed) {
    const std::vector<FillScene> scenes =
        randomScenes > 0 ? randomFillScenes(randomScenes, sceneSeed) : fillScenes();
    if (!outDir.empty()) fs::create_directories(outDir);
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(2);
    os << "| scene | covers | photo | size | hole | Telea PSNR | fill PSNR | Telea detail | fill detail | Telea ms "
          "| fill ms | Telea contrast | fill contrast |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    // Per group (0: the scenes the parameters were chosen on, 1: held out), per method.
    double sumDetail[2][2] = {}, sumPsnr[2][2] = {}, sumContrast[2][2] = {}, worstGap[2] = {1e9, 1e9};
    int count[2] = {0, 0};
    std::vector<std::vector<cv::Mat>> strip[2];
    const int tileH = 120;
    for (const FillScene& s : scenes) {
        const cv::Mat hole = plateHole(s.image.size(), {s.matte});
        FillScore score[2];
        cv::Mat plates[2];
        for (int m = 0; m < 2; ++m) {
            PlateOptions po;
            po.method = m == 0 ? PlateMethod::Diffusion : PlateMethod::Completion;
            po.completion.seed = seed;
            std::vector<double> times;
            for (int k = 0; k < std::max(1, repeats); ++k) {
                const auto t = Clock::now();
                plates[m] = computeCleanPlate(s.image, {s.matte}, po);
                times.push_back(msSince(t));
            }
            score[m] = scoreFill(plates[m], s.truth, hole);
            score[m].ms = median(times);
            sumDetail[s.heldOut][m] += score[m].detailRatio;
            sumPsnr[s.heldOut][m] += score[m].psnr;
            sumContrast[s.heldOut][m] += score[m].contrastRatio;
        }
        ++count[s.heldOut];
        worstGap[s.heldOut] = std::min(worstGap[s.heldOut], score[1].psnr - score[0].psnr);
        const double share = static_cast<double>(cv::countNonZero(hole)) / hole.total();
        // Random scenes are all held out: no mark needed.
        const char* mark = s.heldOut && randomScenes == 0 ? "*held out:* " : "";
        os << "| " << mark << s.name << " | " << s.content << " | " << s.photo << " | " << s.truth.cols << "x"
           << s.truth.rows << " | " << 100 * share << "% | " << score[0].psnr << " | " << score[1].psnr << " | "
           << score[0].detailRatio << " | " << score[1].detailRatio << " | " << score[0].ms << " | "
           << score[1].ms << " | " << score[0].contrastRatio << " | " << score[1].contrastRatio << " |\n";
        if (!outDir.empty()) {
            const fs::path d(outDir);
            cv::Mat outlined = s.image.clone();
            std::vector<std::vector<cv::Point>> contours;
            cv::findContours(hole.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
            cv::drawContours(outlined, contours, -1, cv::Scalar(0, 255, 255), std::max(1, s.image.cols / 300),
                             cv::LINE_AA);
            cv::imwrite((d / (s.name + "-input.png")).string(), outlined);
            cv::imwrite((d / (s.name + "-telea.png")).string(), plates[0]);
            cv::imwrite((d / (s.name + "-fill.png")).string(), plates[1]);
            cv::imwrite((d / (s.name + "-truth.png")).string(), s.truth);
            // The hole itself, so a fill can be rerun on truth + hole outside the bench.
            cv::imwrite((d / (s.name + "-hole.png")).string(), hole);
            const cv::Rect hb = cv::boundingRect(hole);
            const int margin = std::max(hb.width, hb.height) / 6;
            const cv::Rect crop =
                cv::Rect(hb.x - margin, hb.y - margin, hb.width + 2 * margin, hb.height + 2 * margin) &
                cv::Rect(cv::Point(), s.image.size());
            strip[s.heldOut].push_back({stripTile(outlined, crop, tileH), stripTile(plates[0], crop, tileH),
                             stripTile(plates[1], crop, tileH), stripTile(s.truth, crop, tileH)});
        }
    }
    const char* groupName[2] = {"first eight", randomScenes > 0 ? "random scenes" : "held out"};
    for (int g = 0; g < 2; ++g) {
        if (!count[g]) continue;
        const double n = count[g];
        os << "| **mean, " << groupName[g] << "** | | | | | " << sumPsnr[g][0] / n << " | " << sumPsnr[g][1] / n
           << " | " << sumDetail[g][0] / n << " | " << sumDetail[g][1] / n << " | | | " << sumContrast[g][0] / n
           << " | " << sumContrast[g][1] / n << " |\n";
    }
    os << "\n";
    for (int g = 0; g < 2; ++g)
        if (count[g]) os << "worst PSNR gap (fill - Telea), " << groupName[g] << ": " << worstGap[g] << " dB\n";
    os << cv::getNumThreads() << " OpenCV threads, " << std::thread::hardware_concurrency()
       << " hardware threads\n";
    for (int g = 0; g < 2 && !outDir.empty(); ++g) {
        if (strip[g].empty()) continue;
        // Columns: scenes; rows: input with the hole outlined, Telea, fill, truth.
        std::vector<cv::Mat> rows(4);
        for (int r = 0; r < 4; ++r) {
            std::vector<cv::Mat> tiles;
            for (const auto& col : strip[g]) {
                tiles.push_back(col[r]);
                tiles.push_back(cv::Mat(tileH, 4, CV_8UC3, cv::Scalar::all(255)));
            }
            cv::hconcat(tiles, rows[r]);
        }
        std::vector<cv::Mat> withGaps;
        for (int r = 0; r < 4; ++r) {
            withGaps.push_back(rows[r]);
            if (r < 3) withGaps.push_back(cv::Mat(4, rows[r].cols, CV_8UC3, cv::Scalar::all(255)));
        }
        cv::Mat all;
        cv::vconcat(withGaps, all);
        cv::imwrite((fs::path(outDir) / (g ? "fill-strip-held-out.png" : "fill-strip.png")).string(), all);
    }
    return os.str();
}

std::string fillSpeedBenchmark(const std::vector<double>& megapixels, const std::vector<double>& holeShares,
                               int repeats, const CompletionOptions& options) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(0);
    os << "fill (completeHole) wall ms (process CPU ms, all threads), median of " << repeats
       << "; procedural 4:3 images, elliptical hole; "
       << cv::getNumThreads() << " OpenCV threads, " << std::thread::hardware_concurrency()
       << " hardware threads\n\n| size |";
    for (double s : holeShares) os << " hole " << cvRound(100 * s) << "% |";
    os << "\n|---|";
    for (std::size_t i = 0; i < holeShares.size(); ++i) os << "---|";
    os << "\n";
    for (double mp : megapixels) {
        const int W = static_cast<int>(std::lround(std::sqrt(mp * 1e6 * 4.0 / 3.0)));
        const int H = static_cast<int>(std::lround(W * 0.75));
        const cv::Mat img = proceduralImage(cv::Size(W, H), 7);
        os << "| " << W << "x" << H << " (" << std::setprecision(2) << W * H / 1e6 << " MP) |" << std::setprecision(0);
        for (double share : holeShares) {
            const double b = std::sqrt(share * W * H / (1.3 * CV_PI));
            cv::Mat hole = cv::Mat::zeros(H, W, CV_8UC1);
            cv::ellipse(hole, cv::Point(W * 9 / 20, H / 2), cv::Size(cvRound(1.3 * b), cvRound(b)), 0, 0, 360,
                        cv::Scalar(255), cv::FILLED);
            std::vector<double> times, cpu;
            for (int k = 0; k < std::max(1, repeats); ++k) {
                const auto t = Clock::now();
                const std::clock_t c = std::clock();
                const cv::Mat out = completeHole(img, hole, options);
                cpu.push_back(1000.0 * static_cast<double>(std::clock() - c) / CLOCKS_PER_SEC);
                times.push_back(msSince(t));
            }
            os << " " << median(times) << " (cpu " << median(cpu) << ") |";
        }
        os << "\n";
    }
    return os.str();
}

}  // namespace boxanim
