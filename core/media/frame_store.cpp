#include "core/media/frame_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace boxanim {

namespace {

std::string tempDir(const std::string& dir) {
    if (!dir.empty()) return dir;
    const char* env = std::getenv("TMPDIR");
    return env && *env ? env : "/tmp";
}

// A file with no name in `dir`: O_TMPFILE, else mkstemp + unlink.
int namelessFile(const std::string& dir) {
#ifdef O_TMPFILE
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
#endif
    std::string path = dir + "/.boxanim-frames-XXXXXX";
    std::vector<char> buf(path.begin(), path.end());
    buf.push_back('\0');
    int fd2 = ::mkstemp(buf.data());
    if (fd2 < 0) return -1;
    ::unlink(buf.data());
    ::fcntl(fd2, F_SETFD, FD_CLOEXEC);
    return fd2;
}

// Runs io(done, left, offset) - a pread or pwrite of the rest - until all
// `bytes` moved; short transfers continue, EINTR retries, a failure (or a
// transfer of nothing: `stuck` as the reason) throws `what`: reason.
template <class Io>
void wholly(Io io, std::size_t bytes, off_t offset, int stuck, const std::string& what) {
    std::size_t done = 0;
    while (done < bytes) {
        const ssize_t n = io(done, bytes - done, offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(what + ": " + std::strerror(n < 0 ? errno : stuck));
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

FrameStore::FrameStore(const std::string& dir) : dir_(tempDir(dir)) {
    fd_ = namelessFile(dir_);
    if (fd_ < 0)
        throw std::runtime_error("cannot keep the clip's frames in " + dir_ + ": " + std::strerror(errno));
}

FrameStore::~FrameStore() {
    if (fd_ >= 0) ::close(fd_);
}

std::shared_ptr<FrameStore> FrameStore::fromFrames(const std::vector<cv::Mat>& frames) {
    auto store = std::make_shared<FrameStore>();
    for (const cv::Mat& f : frames) store->append(f);
    return store;
}

void FrameStore::append(const cv::Mat& frame) {
    if (frame.empty() || frame.depth() != CV_8U)
        throw std::invalid_argument("FrameStore: expected a non-empty 8-bit frame");
    if (count_ == 0) {
        size_ = frame.size();
        type_ = frame.type();
        frameBytes_ = frame.total() * frame.elemSize();
    } else if (frame.size() != size_ || frame.type() != type_) {
        throw std::invalid_argument("FrameStore: every frame must have the first frame's size and type");
    }
    const cv::Mat c = frame.isContinuous() ? frame : frame.clone();
    wholly(
        [&](std::size_t done, std::size_t left, off_t at) {
            return ::pwrite(fd_, c.data + done, left, at);
        },
        frameBytes_, static_cast<off_t>(count_ * frameBytes_), ENOSPC,
        "cannot keep the clip's frames in " + dir_);
    ++count_;
}

cv::Mat FrameStore::operator[](std::size_t i) const {
    if (i >= count_) throw std::out_of_range("FrameStore: frame " + std::to_string(i) + " of " +
                                             std::to_string(count_));
    cv::Mat m(size_, type_);
    wholly(
        [&](std::size_t done, std::size_t left, off_t at) {
            return ::pread(fd_, m.data + done, left, at);
        },
        frameBytes_, static_cast<off_t>(i * frameBytes_), EIO,
        "cannot read the clip's frames back from " + dir_);
    return m;
}

}  // namespace boxanim
