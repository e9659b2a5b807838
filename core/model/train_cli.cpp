// The command line of boxanim-train (DESIGN §6, §9); app/train/train_main.cpp only calls it.
#include "cli.h"

#include <cstring>
#include <iostream>
#include <string>

#include "json.h"
#include "manifest.h"
#include "reference_io.h"
#include "tools.h"
#include "trainer.h"

namespace {

const char* kUsage =
    "usage:\n"
    "  boxanim-train --config FILE [--device auto|cpu|cuda] [--out DIR] [--resume CKPT] [--max-minutes M] [--threads N]\n"
    "  boxanim-train --smoke [--device cpu|cuda] [--out DIR]      tiny model, a few dozen steps; exit 1 if the loss does not fall\n"
    "  boxanim-train --dump-samples DIR [--count N] [--frames T] [--size WxH] [--progress P] [--seed S]\n"
    "  boxanim-train --export RUN_DIR --name NAME [--models-dir DIR] [--description TEXT] [--machine TEXT]\n"
    "  boxanim-train --bench [--preset full|s|tiny] [--frames T] [--size WxH] [--device D] [--repeats N]\n"
    "  boxanim-train --bench-procedural NAME [--models-dir DIR] [--count N] [--frames T] [--size WxH]\n"
    "                [--steps 1,4,8] [--device D] [--json FILE]   held-out procedural scenes vs exact ground truth\n"
    "  boxanim-train --dump-io FILE [--models-dir DIR] [--name boxflow-s] [--frames T] [--size WxH] [--seed S]\n"
    "                [--steps N]   CPU forward + N-step sample of a shipped model, for bench/python_reference.py\n"
    "  boxanim-train --time-model NAME [--models-dir DIR] [--frames T] [--size WxH] [--steps N] [--repeats R]\n"
    "                [--device D] [--threads N] [--seed S]   forward and N-step sample times as one JSON line\n";

int badArgs(const std::string& msg) {
    std::cerr << "boxanim-train: " << msg << "\n" << kUsage;
    return 2;
}

bool parseSize(const std::string& s, int* w, int* h) {
    auto x = s.find('x');
    if (x == std::string::npos) return false;
    try {
        *w = std::stoi(s.substr(0, x));
        *h = std::stoi(s.substr(x + 1));
    } catch (...) {
        return false;
    }
    return *w > 0 && *h > 0;
}

// "1,4,8" -> {1, 4, 8}; each a sampler step count 1..8.
bool parseIntList(const std::string& s, std::vector<int>* out) {
    out->clear();
    std::size_t pos = 0;
    while (pos <= s.size()) {
        const auto comma = s.find(',', pos);
        const std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        try {
            std::size_t used = 0;
            const int v = std::stoi(item, &used);
            if (used != item.size() || v < 1 || v > 8) return false;
            out->push_back(v);
        } catch (...) {
            return false;
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return !out->empty();
}

}  // namespace

namespace boxanim::model {

int trainMain(int argc, char** argv) {
    std::string mode, config, device, out, resume, dumpDir, exportDir, name, modelsDir = "models", description, machine;
    std::string preset = "full", size, stepsList = "1,4,8", jsonOut, ioPath;
    int threads = -1;
    bool stepsGiven = false;
    int count = 0, frames = 0, repeats = 5;  // count 0: the mode's default
    double progress = 0.5, maxMinutes = -1;
    std::uint64_t seed = 1;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        try {
            if (a == "--config") { mode = "train"; config = next(); }
            else if (a == "--smoke") mode = "smoke";
            else if (a == "--dump-samples") { mode = "dump"; dumpDir = next(); }
            else if (a == "--export") { mode = "export"; exportDir = next(); }
            else if (a == "--bench") mode = "bench";
            else if (a == "--bench-procedural") { mode = "bench-procedural"; name = next(); }
            else if (a == "--dump-io") { mode = "dump-io"; ioPath = next(); }
            else if (a == "--time-model") { mode = "time-model"; name = next(); }
            else if (a == "--steps") { stepsList = next(); stepsGiven = true; }
            else if (a == "--json") jsonOut = next();
            else if (a == "--device") device = next();
            else if (a == "--out") out = next();
            else if (a == "--resume") resume = next();
            else if (a == "--threads") threads = std::stoi(next());
            else if (a == "--max-minutes") maxMinutes = std::stod(next());
            else if (a == "--count") count = std::stoi(next());
            else if (a == "--frames") frames = std::stoi(next());
            else if (a == "--size") size = next();
            else if (a == "--progress") progress = std::stod(next());
            else if (a == "--seed") seed = std::stoull(next());
            else if (a == "--name") name = next();
            else if (a == "--models-dir") modelsDir = next();
            else if (a == "--description") description = next();
            else if (a == "--machine") machine = next();
            else if (a == "--preset") preset = next();
            else if (a == "--repeats") repeats = std::stoi(next());
            else if (a == "--help" || a == "-h") { std::cout << kUsage; return 0; }
            else return badArgs("unknown argument '" + a + "'");
        } catch (const std::exception& e) {
            return badArgs(e.what());
        }
    }
    try {
        if (mode == "train" || mode == "smoke") {
            TrainConfig cfg;
            if (mode == "smoke") cfg = TrainConfig::smoke();
            else {
                try {
                    cfg = TrainConfig::fromJson(Json::parse(readTextFile(config)));
                } catch (const std::exception& e) {
                    std::string m = e.what();
                    return badArgs(m.rfind(config, 0) == 0 ? m : config + ": " + m);
                }
            }
            if (!device.empty()) cfg.device = device;
            if (!out.empty()) cfg.outDir = out;
            if (maxMinutes >= 0) cfg.maxMinutes = maxMinutes;
            if (threads >= 0) cfg.threads = threads;
            TrainResult r = train(cfg, resume, std::cout);
            if (mode == "smoke") {
                const bool ok = r.valLast < 0.9 * r.valFirst && r.lastLoss < r.firstLoss;
                std::cout << (ok ? "smoke: PASS" : "smoke: FAIL") << " (validation " << r.valFirst << " -> " << r.valLast
                          << ", training " << r.firstLoss << " -> " << r.lastLoss << ")\n";
                return ok ? 0 : 1;
            }
            return 0;
        }
        if (mode == "dump") {
            SynthOptions o;
            if (frames) o.frames = frames;
            if (!size.empty() && !parseSize(size, &o.width, &o.height)) return badArgs("bad --size '" + size + "'");
            o.progress = progress;
            dumpSamples(dumpDir, count ? count : 6, o, seed, std::cout);
            return 0;
        }
        if (mode == "export") {
            if (name.empty()) return badArgs("--export needs --name");
            exportModel(exportDir, modelsDir, name, description, machine, std::cout);
            return 0;
        }
        if (mode == "bench-procedural") {
            SynthOptions o;
            o.frames = frames ? frames : 16;
            o.progress = 0.5;
            if (!size.empty() && !parseSize(size, &o.width, &o.height)) return badArgs("bad --size '" + size + "'");
            std::vector<int> steps;
            if (!parseIntList(stepsList, &steps)) return badArgs("bad --steps '" + stepsList + "' (e.g. 1,4,8; each 1..8)");
            benchProcedural(modelsDir, name, device.empty() ? "cpu" : device, count ? count : 50, o, steps, jsonOut,
                            std::cout);
            return 0;
        }
        if (mode == "dump-io" || mode == "time-model") {
            ReferenceIoOptions o;
            o.modelsDir = modelsDir;
            if (!name.empty()) o.name = name;
            o.frames = frames ? frames : (mode == "dump-io" ? 8 : 16);
            if (!size.empty() && !parseSize(size, &o.width, &o.height)) return badArgs("bad --size '" + size + "'");
            o.seed = seed;
            std::vector<int> steps;
            if (stepsGiven) {
                if (!parseIntList(stepsList, &steps) || steps.size() != 1)
                    return badArgs("bad --steps '" + stepsList + "' (one count, 1..8)");
                o.steps = steps[0];
            }
            if (mode == "dump-io") dumpReferenceIo(ioPath, o, std::cout);
            else timeReferenceModel(o, device.empty() ? "cpu" : device, repeats, threads > 0 ? threads : 0, std::cout);
            return 0;
        }
        if (mode == "bench") {
            int w = 64, h = 48;
            if (!size.empty() && !parseSize(size, &w, &h)) return badArgs("bad --size '" + size + "'");
            benchForward(BoxFlowConfig::preset(preset), frames ? frames : 16, w, h, device.empty() ? "cpu" : device,
                         repeats, std::cout);
            return 0;
        }
        return badArgs("nothing to do");
    } catch (const std::exception& e) {
        std::cerr << "boxanim-train: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace boxanim::model
