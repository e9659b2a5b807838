// Loading the reference picture (DESIGN §1, issue 2 item 5): PNG, JPEG, WebP,
// BMP and TIFF honouring the EXIF orientation, or one frame of a video file.
// Every failure is a MediaError naming the file: missing, unreadable,
// truncated, not an image, or over the size limit.
//
// Order of the checks (issue 14 items 1, 2, 8), cheapest first, each before
// anything that could block or allocate much:
//  1. the path names a regular file (stat, then open with O_NONBLOCK and
//     fstat again): a directory, FIFO, device or socket is refused before a
//     read could block or run forever (/dev/zero);
//  2. its size is at most kMaxImageFileBytes (images; a video is read
//     lazily by libav and has no byte limit);
//  3. the header's dimensions (read from the first 256 KiB) are at most
//     kMaxImagePixels;
//  4. the whole file is read and its structure walked (PNG chunks up to
//     IEND, JPEG segments up to EOI, ...) - with, in probeImage() (what
//     `boxanim-cli info` runs), a PNG's compressed data inflated into a
//     small scratch buffer and checked against the header's size;
//  5. only then are the pixels decoded (PNG with our own libpng reader whose
//     warnings and errors become the MediaError, no stderr text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <opencv2/core/mat.hpp>

#include "core/media/media_error.h"

namespace boxanim {

constexpr std::int64_t kMaxImagePixels = 100'000'000;  // 100 megapixels
// The largest image file read: 512 MiB (a 100-megapixel 16-bit RGB TIFF
// without compression is 600 MB; photos are a few MB). Larger files are
// refused from their size alone, before a byte is read.
constexpr std::int64_t kMaxImageFileBytes = std::int64_t(512) << 20;

struct ImageHeader {
    std::string format;   // "png", "jpeg", "webp", "bmp", "tiff"
    int width = 0;        // as stored, before the orientation is applied
    int height = 0;
    int orientation = 1;  // EXIF orientation 1..8 (1 = as stored)
};

// Reads format, stored size and EXIF orientation from a file's bytes without
// decoding the pixels. Returns nothing for bytes that are none of the five
// formats; throws MediaError (with `name`) for a recognised but truncated or
// malformed header.
std::optional<ImageHeader> sniffImage(const std::string& bytes, const std::string& name);

// Checks an image file exactly as loadImage() does (regular file, size,
// header dimensions, complete structure) without decoding its pixels.
// Returns the header; throws MediaError naming the file.
ImageHeader probeImage(const std::string& path);

// What a reference file holds, checked without decoding: an image via
// probeImage(), a video (isVideoPath) via libav's demuxer (a video stream
// with a size within kMaxImagePixels). Throws MediaError naming the file.
struct ReferenceInfo {
    bool video = false;
    std::string format;  // "png", ... or the demuxer's name ("mov,mp4,m4a,3gp,3g2,mj2")
    int width = 0, height = 0;  // upright
};
ReferenceInfo probeReference(const std::string& path);

// Throws MediaError unless `path` names a regular file (following symlinks):
// "no such file", "is a directory", "is a named pipe (FIFO)", "is a device".
void requireRegularFile(const std::string& path, const char* what = "an image file");

// Turns a stored image upright for an EXIF orientation (1..8; others: as is).
cv::Mat applyExifOrientation(const cv::Mat& image, int orientation);

// Loads an image as CV_8UC3 BGR, upright (16-bit samples scaled to 8 bits,
// grey expanded, transparency flattened over white). Checks the header first: an image
// over kMaxImagePixels is refused before its pixels are decoded. Throws
// MediaError naming the file.
cv::Mat loadImage(const std::string& path);

// Frame `index` (0 = first) of a video file as CV_8UC3 BGR, decoded with
// libav (quietly; see media_log.h). Throws MediaError.
cv::Mat loadVideoFrame(const std::string& path, int index = 0);

// True for file names that loadReference() reads as video
// (.mp4 .m4v .mov .mkv .webm .avi .gif, case-insensitive).
bool isVideoPath(const std::string& path);

// An image, or the first frame of a video (by extension).
cv::Mat loadReference(const std::string& path);

}  // namespace boxanim
