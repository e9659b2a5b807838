// boxanim-cli: the headless front end (DESIGN §9). All logic lives here so
// the executable stays a one-line main and tests can link it.
#pragma once

#include <string>
#include <vector>

namespace boxanim {

// Exit codes: 0 ok, 1 runtime failure, 2 bad arguments or bad input file.
enum ExitCode { kExitOk = 0, kExitRuntime = 1, kExitBadInput = 2 };

// Runs one command. `--verbose` anywhere lets libav/libpng/OpenCV print
// their own diagnostics (silenced otherwise).
int runCli(const std::vector<std::string>& args);

// SIGINT and SIGTERM cancel a render (its temporary output is removed) and
// end the process with exit code 1. main() calls this before anything else.
void installSignalHandlers();

}  // namespace boxanim
