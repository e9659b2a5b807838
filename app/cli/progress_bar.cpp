#include "progress_bar.h"

#include <unistd.h>

#include <algorithm>

namespace boxanim {

ProgressBar::ProgressBar(std::FILE* out)
    : out_(out), tty_(isatty(fileno(out)) != 0), start_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(const std::string& stage, double fraction) {
    const int percent = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100.0);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (tty_) {
        if (percent == lastPercent_ && stage == lastStage_) return;
        constexpr int kWidth = 30;
        const int filled = percent * kWidth / 100;
        std::fprintf(out_, "\r[%s%s] %3d%%  %-24s %6.1fs", std::string(filled, '#').c_str(),
                     std::string(kWidth - filled, '.').c_str(), percent, stage.c_str(), secs);
        std::fflush(out_);
    } else if (stage != lastStage_) {  // one line per stage keeps logs readable
        std::fprintf(out_, "%3d%% %s (%.1fs)\n", percent, stage.c_str(), secs);
        std::fflush(out_);
    }
    lastPercent_ = percent;
    lastStage_ = stage;
}

void ProgressBar::clear() {
    if (tty_ && lastPercent_ >= 0) {
        std::fprintf(out_, "\r\033[K");
        std::fflush(out_);
    }
}

void ProgressBar::finish(const std::string& message) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (tty_) std::fprintf(out_, "\r\033[K");
    std::fprintf(out_, "%s (%.1fs)\n", message.c_str(), secs);
    std::fflush(out_);
}

}  // namespace boxanim
