// What the media libraries may print (issue 14 item 7). libav, libpng,
// libjpeg and OpenCV all write their own diagnostics to stderr; on BoxAnim's
// paths every failure already comes back as one MediaError line naming the
// file, so their chatter is silenced unless someone asks for it
// (`boxanim-cli --verbose`).
#pragma once

namespace boxanim {

// Off by default. Process-wide (the libraries' levels are global).
void setMediaVerbose(bool verbose);
bool mediaVerbose();

// Applies the level to libav (QUIET, or INFO when verbose). Called by every
// core/media entry point that touches libav, so a library that reset the
// level (OpenCV's videoio sets ERROR on first use) does not win.
void applyAvLogLevel();

// Lowers OpenCV's own log level (imdecode warnings) for the scope unless verbose.
class QuietOpenCvLog {
public:
    QuietOpenCvLog();
    ~QuietOpenCvLog();
    QuietOpenCvLog(const QuietOpenCvLog&) = delete;
    QuietOpenCvLog& operator=(const QuietOpenCvLog&) = delete;

private:
    int previous_ = -1;
};

}  // namespace boxanim
