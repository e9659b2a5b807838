#include "app/cli/bench.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/engine/engine.h"
#include "core/media/exporter.h"
#include "core/media/image_io.h"
#include "core/project/project_io.h"
#include "core/render/fill_bench.h"
#include "core/render/renderer.h"

namespace boxanim {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double peakRssMb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024.0;  // Linux reports KiB
}

// One end-to-end generation of the project with an engine, stage by stage.
nlohmann::json benchEngine(const std::string& projectPath, const std::string& engine,
                           const BenchOptions& o) {
    nlohmann::json row = {{"engine", engine}};
    auto t = Clock::now();
    const Project project = loadProject(projectPath);
    const cv::Mat image = loadReference(resolveReferencePath(project, projectPath));
    row["load_ms"] = msSince(t);

    GenerationRequest req = GenerationRequest::fromProject(project, image);
    req.engine = engine;
    req.device = o.device;
    req.steps = o.steps;
    req.modelsDir = o.modelsDir;
    req.wantPreviews = false;
    if (o.quick) {
        req.outWidth = 160;
        req.outHeight = 128;
        req.frames = 8;
    }
    t = Clock::now();
    GenerationResult r = generate(req);
    const double total = msSince(t);
    if (r.state != JobState::Finished) {
        row["error"] = r.message;
        return row;
    }
    row["device"] = r.device;
    row["matting_ms"] = r.times.matting;
    row["plate_ms"] = r.times.plate;
    row["plan_ms"] = r.times.plan;
    row["sampler_step_ms"] = r.times.samplerSteps;
    row["frames"] = r.frames.size();
    row["size"] = std::to_string(r.frames[0].cols) + "x" + std::to_string(r.frames[0].rows);
    row["render_ms_per_frame"] = r.times.render / r.frames.size();
    row["generate_ms"] = total;

    const std::string tmp = (fs::temp_directory_path() / "boxanim-bench.mp4").string();
    t = Clock::now();
    exportFrames(r.frames, tmp, r.fps);
    row["encode_mp4_ms"] = msSince(t);
    std::error_code ec;
    fs::remove(tmp, ec);
    row["peak_rss_mb"] = peakRssMb();
    return row;
}

void printRow(const nlohmann::json& row) {
    if (row.contains("error")) {
        std::printf("%-8s  failed: %s\n", row["engine"].get<std::string>().c_str(),
                    row["error"].get<std::string>().c_str());
        return;
    }
    double sampler = 0;
    for (double s : row["sampler_step_ms"]) sampler += s;
    std::printf("%-8s %-5s %8.1f %8.1f %8.1f %8.1f %10.2f %9.1f %8.1f  (%s, %d frames; %zu sampler "
                "steps %.1f ms)\n",
                row["engine"].get<std::string>().c_str(), row["device"].get<std::string>().c_str(),
                row["load_ms"].get<double>(), row["matting_ms"].get<double>(),
                row["plate_ms"].get<double>(), row["plan_ms"].get<double>(),
                row["render_ms_per_frame"].get<double>(), row["encode_mp4_ms"].get<double>(),
                row["peak_rss_mb"].get<double>(), row["size"].get<std::string>().c_str(),
                row["frames"].get<int>(), row["sampler_step_ms"].size(), sampler);
}

}  // namespace

int runBench(const BenchOptions& o) {
    if (o.fill) {
        // The clean plate's fill alone: speed on procedural images, quality on real photos.
        // With random scenes only their quality (the speed table does not depend on them).
        if (o.randomScenes == 0) {
            std::printf("Fill speed\n%s\n",
                        fillSpeedBenchmark({0.5, 0.786, 4.0}, {0.05, 0.15, 0.30}, o.repeats).c_str());
            std::fflush(stdout);
        }
        std::printf("Fill quality (in the hole; detail = mean |Laplacian| filled / true; "
                    "contrast = RMS of the sigma 2-8 band, filled / true)\n%s\n",
                    fillQualityBenchmark(o.outDir, o.repeats, o.seed, o.randomScenes, o.sceneSeed).c_str());
        if (!o.outDir.empty()) std::printf("plates and fill-strip.png written to %s\n", o.outDir.c_str());
        return 0;
    }
    const std::string project =
        o.project.empty() ? std::string(BOXANIM_SOURCE_DIR) + "/resources/examples/smarties-path.boxanim"
                          : o.project;
    nlohmann::json doc;
    doc["machine"] = {{"hardware_threads", std::thread::hardware_concurrency()}};
    doc["project"] = project;

    std::printf("End to end: %s\n", project.c_str());
    std::printf("%-8s %-5s %8s %8s %8s %8s %10s %9s %8s\n", "engine", "dev", "load", "matting",
                "plate", "plan", "render/fr", "encode", "peakMB");
    nlohmann::json rows = nlohmann::json::array();
    for (const char* engine : {"cutout", "boxflow"}) {
        nlohmann::json row = benchEngine(project, engine, o);
        printRow(row);
        rows.push_back(row);
    }
    doc["engines"] = rows;
    std::printf("(all times in ms)\n\n");

    const int w = o.quick ? 256 : 1024, h = o.quick ? 192 : 768, n = o.quick ? 4 : 48;
    const std::string render = renderBenchmark(w, h, n);
    std::printf("%s\n", render.c_str());
    doc["renderer"] = render;
    // The fill stage: the clean plate of a 1024x768 photo-like image with a 15% hole.
    const std::string fill = o.quick ? fillSpeedBenchmark({0.05}, {0.15}, 1) : fillSpeedBenchmark({0.786}, {0.15}, 3);
    std::printf("%s\n", fill.c_str());
    doc["fill"] = fill;
    const std::string exporter = exportBenchmark(fs::temp_directory_path().string(), w, h, n);
    std::printf("%s\n", exporter.c_str());
    doc["exporter"] = exporter;

    const std::string json = doc.dump(2);
    std::printf("JSON:\n%s\n", json.c_str());
    if (!o.jsonPath.empty()) writeFileAtomically(o.jsonPath, json + "\n");
    bool ok = true;
    for (const auto& r : rows) ok = ok && !r.contains("error");
    return ok ? 0 : 1;
}

}  // namespace boxanim
