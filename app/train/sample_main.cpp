// boxanim-sample: samples a procedural clip with a shipped BoxFlow model.
#include "core/model/cli.h"

int main(int argc, char** argv) { return boxanim::model::sampleMain(argc, argv); }
