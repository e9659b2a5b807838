// A generated clip's frames kept outside memory (issue 14 item 3): one
// nameless temporary file of raw frames (O_TMPFILE where the file system has
// it, else a file unlinked at once), so a clip of any length costs the
// process one frame at a time, and nothing is left on disk when the process
// ends, however it ends. Frames are appended by one writer (the generation
// worker) and then read by any number of threads (player, export, cache):
// reads are positional (pread) and share no state.
//
// Reads return fresh cv::Mat copies; the interface follows std::vector so a
// clip reads like one: size(), empty(), front(), operator[].
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace boxanim {

class FrameStore {
public:
    // The file goes into `dir` (empty: $TMPDIR, else /tmp). Throws
    // std::runtime_error naming the folder when no file can be made there.
    explicit FrameStore(const std::string& dir = {});
    ~FrameStore();
    FrameStore(const FrameStore&) = delete;
    FrameStore& operator=(const FrameStore&) = delete;

    // A store holding copies of `frames` (in the system's temporary folder).
    static std::shared_ptr<FrameStore> fromFrames(const std::vector<cv::Mat>& frames);

    // Appends one frame: every frame has the first one's size and type
    // (8-bit, 1-4 channels). Throws std::invalid_argument on a mismatch and
    // std::runtime_error when the disk is full (the message names the folder).
    void append(const cv::Mat& frame);

    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    cv::Size frameSize() const { return size_; }
    int frameType() const { return type_; }
    // Frame i (a copy). Throws std::out_of_range past the end.
    cv::Mat operator[](std::size_t i) const;
    cv::Mat front() const { return (*this)[0]; }
    cv::Mat back() const { return (*this)[count_ - 1]; }

    // Bytes held on disk.
    std::size_t bytes() const { return count_ * frameBytes_; }

private:
    int fd_ = -1;
    std::string dir_;
    std::size_t count_ = 0;
    std::size_t frameBytes_ = 0;
    cv::Size size_;
    int type_ = -1;
};

// A clip as the editor keeps it: shared, read-only.
using ClipFrames = std::shared_ptr<const FrameStore>;

}  // namespace boxanim
