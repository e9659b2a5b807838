// boxanim-train: trains, inspects, exports and benchmarks the BoxFlow model.
#include "core/model/cli.h"

int main(int argc, char** argv) { return boxanim::model::trainMain(argc, argv); }
