#include "cli.h"

namespace {

// SIGINT/SIGTERM handlers before anything else runs (issue 14 item 4): an
// entry in the executable's .preinit_array runs before the initialisers of
// every shared library - LibTorch's, OpenCV's, Qt's static constructors take
// about a second here - so a signal is handled from the end of the dynamic
// loader's relocation (~50 ms) on, not only once main() is reached.
void installEarly(int, char**, char**) { boxanim::installSignalHandlers(); }
__attribute__((section(".preinit_array"), used)) void (*const kInstallEarly)(int, char**, char**) =
    installEarly;

}  // namespace

int main(int argc, char** argv) {
    boxanim::installSignalHandlers();  // again: harmless, and the contract of main
    return boxanim::runCli(std::vector<std::string>(argv + 1, argv + argc));
}
