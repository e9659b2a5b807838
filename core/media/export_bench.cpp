// exportBenchmark(): encoder throughput for `boxanim-cli bench` and
// docs/BENCHMARKS.md.
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/media/exporter.h"

namespace boxanim {

std::string exportBenchmark(const std::string& folder, int width, int height, int frames) {
    namespace fs = std::filesystem;
    // A textured picture panning slowly: a fair load for the encoders.
    cv::Mat base(height * 2, width * 2, CV_8UC3);
    cv::randu(base, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::GaussianBlur(base, base, cv::Size(0, 0), 2.5);
    std::vector<cv::Mat> clip;
    for (int i = 0; i < frames; ++i) {
        const int dx = static_cast<int>(std::lround(width * 0.5 * i / std::max(1, frames - 1)));
        clip.push_back(base(cv::Rect(dx, height / 4, width, height)).clone());
    }
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(1);
    os << "export " << width << "x" << height << ", " << frames << " frames:";
    for (ExportFormat f : {ExportFormat::Mp4, ExportFormat::WebM, ExportFormat::Gif,
                           ExportFormat::PngSequence}) {
        const std::string name = std::string("boxanim-bench.") + toString(f);
        const fs::path out = fs::path(folder) / (f == ExportFormat::PngSequence ? "boxanim-bench-png" : name);
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        Exporter ex(out.string(), f, {width, height}, 24);
        for (const cv::Mat& frame : clip) ex.addFrame(frame);
        ex.finish();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpuMs = 1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC / frames;
        std::error_code ec;
        fs::remove_all(out, ec);
        os << " " << toString(f) << " " << frames / s << " fps (cpu " << cpuMs << " ms/frame);";
    }
    os << "\n";
    return os.str();
}

}  // namespace boxanim
