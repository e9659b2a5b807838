#include "core/media/media_log.h"

#include <atomic>

#include <opencv2/core/utils/logger.hpp>

extern "C" {
#include <libavutil/log.h>
}

namespace boxanim {

namespace {
std::atomic<bool> gVerbose{false};
}

void setMediaVerbose(bool verbose) {
    gVerbose.store(verbose);
    applyAvLogLevel();
}

bool mediaVerbose() { return gVerbose.load(); }

void applyAvLogLevel() { av_log_set_level(gVerbose.load() ? AV_LOG_INFO : AV_LOG_QUIET); }

QuietOpenCvLog::QuietOpenCvLog() {
    if (gVerbose.load()) return;
    previous_ = static_cast<int>(
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT));
}

QuietOpenCvLog::~QuietOpenCvLog() {
    if (previous_ >= 0)
        cv::utils::logging::setLogLevel(static_cast<cv::utils::logging::LogLevel>(previous_));
}

}  // namespace boxanim
