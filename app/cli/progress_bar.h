// Terminal progress for long CLI jobs: a redrawn bar on a TTY, plain lines otherwise.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace boxanim {

class ProgressBar {
public:
    explicit ProgressBar(std::FILE* out);
    void update(const std::string& stage, double fraction);
    void finish(const std::string& message);
    // Erases a drawn bar (a TTY) so that an error message stands on its own line.
    void clear();

private:
    std::FILE* out_;
    bool tty_;
    std::string lastStage_;
    int lastPercent_ = -1;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace boxanim
