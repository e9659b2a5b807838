#include "cli.h"

int main(int argc, char** argv) {
    return boxanim::runCli(std::vector<std::string>(argv + 1, argv + argc));
}
