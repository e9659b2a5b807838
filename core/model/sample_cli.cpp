// The command line of boxanim-sample; app/train/sample_main.cpp only calls it.
#include "cli.h"

#include <iostream>
#include <string>

#include <cstdlib>

#include "boxflow.h"
#include "tools.h"

namespace boxanim::model {

int sampleMain(int argc, char** argv) {
    std::string models = BoxFlowModel::defaultModelsDir(), name = "boxflow-s", device = "auto", outPng;
    int frames = 16, width = 64, height = 48, steps = 4;
    unsigned long long seed = 1234;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) { std::cerr << "boxanim-sample: " << a << " needs a value\n"; std::exit(2); }
            return argv[++i];
        };
        try {
            if (a == "--models-dir") models = next();
            else if (a == "--model") name = next();
            else if (a == "--device") device = next();
            else if (a == "--out") outPng = next();
            else if (a == "--frames") frames = std::stoi(next());
            else if (a == "--width") width = std::stoi(next());
            else if (a == "--height") height = std::stoi(next());
            else if (a == "--steps") steps = std::stoi(next());
            else if (a == "--seed") seed = std::stoull(next());
            else {
                std::cerr << "usage: boxanim-sample [--models-dir DIR] [--model NAME] [--device auto|cpu|cuda] [--frames T]\n"
                             "                      [--width W] [--height H] [--steps N] [--seed S] [--out STRIP.png]\n";
                return 2;
            }
        } catch (const std::exception& e) {
            std::cerr << "boxanim-sample: bad value for " << a << ": " << e.what() << "\n";
            return 2;
        }
    }
    try {
        sampleDemo(models, name, device, frames, width, height, steps, seed, outPng, std::cout);
    } catch (const std::exception& e) {
        std::cerr << "boxanim-sample: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace boxanim::model
