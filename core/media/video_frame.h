// Inside core/media: a reference frame from a video file with libav, quietly
// (no demuxer or decoder text on stderr; errors come back as MediaError).
// loadVideoFrame() is declared in image_io.h.
#pragma once

#include <string>

#include "core/media/image_io.h"

namespace boxanim {

// Opens the container and finds its video stream without decoding a frame:
// regular file, a video stream, a size within kMaxImagePixels.
ReferenceInfo probeVideoReference(const std::string& path);

}  // namespace boxanim
