// Loading the reference picture (DESIGN §1, issue 2 item 5): PNG, JPEG, WebP,
// BMP and TIFF honouring the EXIF orientation, or one frame of a video file.
// Every failure is a MediaError naming the file: missing, unreadable,
// truncated, not an image, or over the size limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <opencv2/core/mat.hpp>

#include "core/media/media_error.h"

namespace boxanim {

constexpr std::int64_t kMaxImagePixels = 100'000'000;  // 100 megapixels

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

// Turns a stored image upright for an EXIF orientation (1..8; others: as is).
cv::Mat applyExifOrientation(const cv::Mat& image, int orientation);

// Loads an image as CV_8UC3 BGR, upright (16-bit samples scaled to 8 bits,
// grey expanded, transparency flattened over white). Checks the header first: an image
// over kMaxImagePixels is refused before its pixels are decoded. Throws
// MediaError naming the file.
cv::Mat loadImage(const std::string& path);

// Frame `index` (0 = first) of a video file as CV_8UC3 BGR. Throws MediaError.
cv::Mat loadVideoFrame(const std::string& path, int index = 0);

// True for file names that loadReference() reads as video
// (.mp4 .m4v .mov .mkv .webm .avi .gif, case-insensitive).
bool isVideoPath(const std::string& path);

// An image, or the first frame of a video (by extension).
cv::Mat loadReference(const std::string& path);

}  // namespace boxanim
