// boxanim-cli: the headless front end (DESIGN §9). All logic lives here so
// the executable stays a one-line main and tests can link it.
#pragma once

#include <string>
#include <vector>

namespace boxanim {

// Exit codes: 0 ok, 1 runtime failure, 2 bad arguments or bad input file.
enum ExitCode { kExitOk = 0, kExitRuntime = 1, kExitBadInput = 2 };

int runCli(const std::vector<std::string>& args);

}  // namespace boxanim
