// Video and image-sequence export with libav (issue 2 item 5): MP4 (H.264,
// libx264, yuv420p), WebM (VP9, libvpx-vp9, yuv420p), GIF (palettegen +
// paletteuse filter graph) and a PNG sequence (frame_00000.png ... in a
// directory). Exact frame count, size and fps.
//
// Streaming: open an Exporter, addFrame() as frames arrive, finish(). Output
// goes to a temporary file (or directory) ".NAME.part-PID-XXXXXXXX" beside
// the destination and is renamed into place only by a successful finish();
// the destructor of an unfinished Exporter (an exception, a cancel) removes
// it. Opening an Exporter removes such temporaries of the same NAME whose
// process PID is gone (a writer killed by SIGKILL). An unwritable
// destination throws MediaError naming the path when the Exporter is opened.
//
// Odd sizes: H.264 in yuv420p needs even sides, so MP4 pads an odd width or
// height by one pixel, repeating the last column / row (the picture is never
// resampled; encodedSize() says what was written). VP9, GIF and PNG keep the
// exact size.
//
// GIF stores delays in 1/100 s: fps that divide 100 (10, 20, 25, 50) are exact,
// others (24, 30) alternate delays so the average rate matches.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/media/media_error.h"

namespace boxanim {

enum class ExportFormat { Mp4, WebM, Gif, PngSequence };

const char* toString(ExportFormat format);  // "mp4", "webm", "gif", "png"

// By extension (case-insensitive): .mp4, .webm, .gif - also when a folder of
// that name exists (writing it then fails: a folder is never silently filled
// with frames for "out.mp4"). A path that ends in '/', has no extension, or
// names an existing directory with another extension is a PNG sequence
// directory. Anything else (e.g. ".avi", ".png"): nothing.
std::optional<ExportFormat> exportFormatFromPath(const std::string& path);
// "mp4", "webm", "gif", "png" (case-insensitive), for an explicit --format.
std::optional<ExportFormat> exportFormatFromName(const std::string& name);

// The size actually encoded for a requested size (MP4 rounds odd sides up).
cv::Size encodedSize(ExportFormat format, cv::Size size);

struct ExportOptions {
    int quality = -1;           // CRF; -1 = default (x264: 20, VP9: 32)
    std::string x264Preset = "veryfast";
    bool gifLoop = true;        // loop forever (else play once)
};

class Exporter {
public:
    // size: the frames' size; fps > 0. Throws MediaError (path) when the
    // destination cannot be written, std::invalid_argument on bad size/fps.
    Exporter(const std::string& path, ExportFormat format, cv::Size size, int fps,
             const ExportOptions& options = {});
    // Format from the path's extension; throws MediaError when it has none we know.
    Exporter(const std::string& path, cv::Size size, int fps, const ExportOptions& options = {});
    ~Exporter();  // aborts (removes the temporary output) unless finish() succeeded
    Exporter(const Exporter&) = delete;
    Exporter& operator=(const Exporter&) = delete;

    // A CV_8UC3 BGR frame of the size given at open (CV_8UC4 and CV_8UC1 are
    // converted). Throws MediaError on encoder or write failures.
    void addFrame(const cv::Mat& frame);
    // Flushes, closes and renames into place. Throws MediaError on failure,
    // including "no frames to write" (the temporary output is removed and the
    // destination left as it was).
    void finish();
    // Drops everything written so far. Safe to call more than once.
    void abort();

    const std::string& path() const;
    ExportFormat format() const;
    cv::Size size() const;          // the frames' size
    cv::Size encodedSize() const;   // the size in the file
    int fps() const;
    int framesWritten() const;
    bool finished() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Convenience: all frames at once. Throws like Exporter.
void exportFrames(const std::vector<cv::Mat>& frames, const std::string& path, int fps,
                  const ExportOptions& options = {});

// What a video file holds, read back with libavformat + libavcodec (every
// frame decoded and counted) - for tests and `boxanim-cli eval`.
struct VideoInfo {
    std::string codec;     // e.g. "h264", "vp9", "gif"
    std::string pixelFormat;
    int width = 0, height = 0;
    int frames = 0;        // decoded frames
    int fpsNum = 0, fpsDen = 1;  // the stream's r_frame_rate
    double duration = 0;   // seconds, from the container (0 if unknown)
};
VideoInfo probeVideo(const std::string& path);

// Encodes a synthetic panning clip in every format into `folder` (files are
// removed again) and reports frames per second of each, one line.
std::string exportBenchmark(const std::string& folder, int width = 1024, int height = 768,
                            int frames = 48);

}  // namespace boxanim
