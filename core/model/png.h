// Minimal PNG writer (8-bit RGB, stored deflate blocks, CRC-32, Adler-32) for
// inspection strips; no zlib dependency.
#pragma once

#include <cstdint>
#include <string>

namespace boxanim::model {

// rgb: height * width * 3 bytes, row-major. Throws std::runtime_error naming the file.
void writePng(const std::string& path, int width, int height, const std::uint8_t* rgb);

}  // namespace boxanim::model
