// `boxanim-cli bench`: time per stage, peak memory, renderer and exporter
// throughput; printed as a table and as JSON (docs/BENCHMARKS.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace boxanim {

struct BenchOptions {
    std::string project;          // empty: the example project
    std::string device = "auto";
    std::string modelsDir;        // empty: defaultModelsDir()
    int steps = 4;
    bool quick = false;           // tiny sizes, for the CTest case
    std::string jsonPath;         // also write the JSON here
    bool fill = false;            // only the clean-plate fill benchmark (speed table, quality on real photos)
    std::string outDir;           // fill: write the per-scene plates and the before/after strip here
    int repeats = 3;              // fill: timings are the median of this many runs
    std::uint64_t seed = 1;       // fill: the completion's seed on the quality scenes
    int randomScenes = 0;         // fill: score this many random scenes instead of the sixteen
    std::uint64_t sceneSeed = 1;  // fill: the random scenes' seed
};

int runBench(const BenchOptions& options);

}  // namespace boxanim
