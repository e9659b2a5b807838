// SHA-256 (FIPS 180-4): weight-file checksums (core/model) and the reference
// image's checksum (core/project). Plain C++ so both can share it without
// core/model depending on anything but LibTorch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace boxanim {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    std::string hexDigest();  // finalises; lower-case hex, 64 characters

private:
    void block(const std::uint8_t* p);
    std::uint32_t h_[8];
    std::uint8_t buf_[64];
    std::size_t bufLen_ = 0;
    std::uint64_t total_ = 0;
};

std::string sha256Hex(const void* data, std::size_t size);
// Throws std::runtime_error naming the file when it cannot be read.
std::string sha256File(const std::string& path);

}  // namespace boxanim
