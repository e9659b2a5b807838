#include "core/media/image_io.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fcntl.h>
#include <png.h>
#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>
#include <zlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/media/media_log.h"
#include "core/media/video_frame.h"

namespace boxanim {

namespace {

namespace fs = std::filesystem;

std::uint32_t be16(const std::string& b, std::size_t o) {
    return (std::uint8_t(b[o]) << 8) | std::uint8_t(b[o + 1]);
}
std::uint32_t be32(const std::string& b, std::size_t o) {
    return (be16(b, o) << 16) | be16(b, o + 2);
}
std::uint32_t le16(const std::string& b, std::size_t o) {
    return std::uint8_t(b[o]) | (std::uint8_t(b[o + 1]) << 8);
}
std::uint32_t le32(const std::string& b, std::size_t o) { return le16(b, o) | (le16(b, o + 2) << 16); }
std::uint32_t le24(const std::string& b, std::size_t o) {
    return le16(b, o) | (std::uint8_t(b[o + 2]) << 16);
}

// A TIFF structure (a TIFF file, or the payload of an EXIF block).
struct TiffInfo {
    int width = 0, height = 0, orientation = 1;
    bool ok = false;
};

TiffInfo parseTiff(const std::string& b, std::size_t base, std::size_t end) {
    TiffInfo info;
    if (end > b.size() || base + 8 > end) return info;
    const bool le = b[base] == 'I' && b[base + 1] == 'I';
    const bool beo = b[base] == 'M' && b[base + 1] == 'M';
    if (!le && !beo) return info;
    auto u16 = [&](std::size_t o) { return le ? le16(b, o) : be16(b, o); };
    auto u32 = [&](std::size_t o) { return le ? le32(b, o) : be32(b, o); };
    if (u16(base + 2) != 42) return info;
    const std::size_t ifd = base + u32(base + 4);
    if (ifd + 2 > end) return info;
    const std::uint32_t n = u16(ifd);
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::size_t e = ifd + 2 + 12 * i;
        if (e + 12 > end) break;
        const std::uint32_t tag = u16(e), type = u16(e + 2);
        // SHORT (3) sits in the first two bytes of the value field, LONG (4) in four.
        const std::uint32_t value = type == 3 ? u16(e + 8) : type == 4 ? u32(e + 8) : 0;
        if (tag == 256) info.width = static_cast<int>(value);
        if (tag == 257) info.height = static_cast<int>(value);
        if (tag == 274 && value >= 1 && value <= 8) info.orientation = static_cast<int>(value);
    }
    info.ok = true;
    return info;
}

[[noreturn]] void truncated(const std::string& name, const std::string& what) {
    throw MediaError(name, "truncated or damaged " + what + " file");
}

std::optional<ImageHeader> sniffPng(const std::string& b, const std::string& name) {
    ImageHeader h;
    h.format = "png";
    if (b.size() < 33) truncated(name, "PNG");
    if (b.compare(12, 4, "IHDR") != 0) throw MediaError(name, "PNG without an IHDR header");
    h.width = static_cast<int>(be32(b, 16));
    h.height = static_cast<int>(be32(b, 20));
    // Walk the chunks: each must fit in the file, and IEND must come.
    std::size_t o = 8;
    bool sawData = false, sawEnd = false;
    while (o + 12 <= b.size()) {
        const std::uint32_t len = be32(b, o);
        const std::string type = b.substr(o + 4, 4);
        if (static_cast<std::uint64_t>(o) + 12 + len > b.size()) break;
        if (type == "IDAT") sawData = true;
        if (type == "eXIf") {
            const TiffInfo t = parseTiff(b, o + 8, o + 8 + len);
            if (t.ok) h.orientation = t.orientation;
        }
        if (type == "IEND") {
            sawEnd = true;
            break;
        }
        o += 12 + len;
    }
    if (!sawData || !sawEnd) truncated(name, "PNG");
    return h;
}

std::optional<ImageHeader> sniffJpeg(const std::string& b, const std::string& name) {
    ImageHeader h;
    h.format = "jpeg";
    std::size_t o = 2;
    bool sawFrame = false, sawScan = false;
    while (o + 4 <= b.size()) {
        if (std::uint8_t(b[o]) != 0xFF) throw MediaError(name, "damaged JPEG file (bad marker)");
        const std::uint8_t marker = std::uint8_t(b[o + 1]);
        if (marker == 0xFF) {  // fill byte
            ++o;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            o += 2;
            continue;
        }
        const std::uint32_t len = be16(b, o + 2);
        if (len < 2 || o + 2 + len > b.size()) truncated(name, "JPEG");
        const std::size_t seg = o + 4;
        if (marker == 0xE1 && len >= 16 && b.compare(seg, 6, std::string("Exif\0\0", 6)) == 0) {
            const TiffInfo t = parseTiff(b, seg + 6, o + 2 + len);
            if (t.ok) h.orientation = t.orientation;
        }
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
            marker != 0xCC && len >= 7) {
            h.height = static_cast<int>(be16(b, seg + 1));
            h.width = static_cast<int>(be16(b, seg + 3));
            sawFrame = true;
        }
        if (marker == 0xDA) {
            sawScan = true;
            o += 2 + len;
            break;
        }
        o += 2 + len;
    }
    if (!sawFrame || !sawScan) truncated(name, "JPEG");
    // Entropy-coded data runs to the end-of-image marker; without one the
    // file was cut short (libjpeg would quietly fill the rest with grey).
    // Inside scans 0xFF is always followed by 0x00 (stuffing), a restart
    // marker or another segment, so the first FF D9 after the first scan
    // ends the image; anything after it (e.g. a motion photo's video) is
    // not ours to judge.
    bool sawEnd = false;
    for (std::size_t i = o; i + 1 < b.size();) {
        const void* hit = std::memchr(b.data() + i, 0xFF, b.size() - i - 1);
        if (!hit) break;
        i = static_cast<std::size_t>(static_cast<const char*>(hit) - b.data());
        if (std::uint8_t(b[i + 1]) == 0xD9) {
            sawEnd = true;
            break;
        }
        ++i;
    }
    if (!sawEnd) truncated(name, "JPEG");
    return h;
}

std::optional<ImageHeader> sniffWebp(const std::string& b, const std::string& name) {
    ImageHeader h;
    h.format = "webp";
    const std::uint64_t riff = le32(b, 4);
    if (riff + 8 > b.size()) truncated(name, "WebP");
    std::size_t o = 12;
    bool sized = false;
    while (o + 8 <= b.size()) {
        const std::string type = b.substr(o, 4);
        const std::uint32_t len = le32(b, o + 4);
        const std::size_t d = o + 8;
        if (d + len > b.size()) truncated(name, "WebP");
        if (type == "VP8X" && len >= 10) {
            h.width = static_cast<int>(le24(b, d + 4) + 1);
            h.height = static_cast<int>(le24(b, d + 7) + 1);
            sized = true;
        } else if (type == "VP8L" && len >= 5 && !sized) {
            const std::uint32_t bits = le32(b, d + 1);
            h.width = static_cast<int>((bits & 0x3FFF) + 1);
            h.height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
            sized = true;
        } else if (type == "VP8 " && len >= 10 && !sized) {
            h.width = static_cast<int>(le16(b, d + 6) & 0x3FFF);
            h.height = static_cast<int>(le16(b, d + 8) & 0x3FFF);
            sized = true;
        } else if (type == "EXIF") {
            std::size_t t = d;
            if (len >= 6 && b.compare(d, 6, std::string("Exif\0\0", 6)) == 0) t += 6;
            const TiffInfo ti = parseTiff(b, t, d + len);
            if (ti.ok) h.orientation = ti.orientation;
        }
        o = d + len + (len & 1);
    }
    if (!sized) truncated(name, "WebP");
    return h;
}

std::optional<ImageHeader> sniffBmp(const std::string& b, const std::string& name) {
    ImageHeader h;
    h.format = "bmp";
    if (b.size() < 26) truncated(name, "BMP");
    const std::uint32_t fileSize = le32(b, 2), headerSize = le32(b, 14);
    if (headerSize == 12) {
        h.width = static_cast<int>(le16(b, 18));
        h.height = static_cast<int>(le16(b, 20));
    } else {
        h.width = static_cast<int>(le32(b, 18));
        h.height = std::abs(static_cast<int>(le32(b, 22)));
    }
    if (fileSize > b.size()) truncated(name, "BMP");
    return h;
}

std::string fileKind(mode_t mode) {
    if (S_ISDIR(mode)) return "is a directory";
    if (S_ISFIFO(mode)) return "is a named pipe (FIFO)";
    if (S_ISCHR(mode)) return "is a character device";
    if (S_ISBLK(mode)) return "is a block device";
    if (S_ISSOCK(mode)) return "is a socket";
    return "is not a regular file";
}

void checkPixels(const std::string& name, std::int64_t width, std::int64_t height) {
    const std::int64_t pixels = width * height;
    if (pixels <= kMaxImagePixels) return;
    std::ostringstream os;
    os << "image is " << width << "x" << height << " (" << (pixels + 500000) / 1000000
       << " megapixels); the limit is " << kMaxImagePixels / 1000000
       << " megapixels - downscale it first";
    throw MediaError(name, os.str());
}

// Width and height from the first bytes of a file, when they are there;
// nothing otherwise (the full sniff decides then).
std::optional<std::pair<std::int64_t, std::int64_t>> headerDimensions(std::string_view v) {
    const std::string b(v);  // the prefix only (at most 256 KiB)
    if (b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 && b.compare(12, 4, "IHDR") == 0)
        return std::make_pair<std::int64_t, std::int64_t>(be32(b, 16), be32(b, 20));
    if (b.size() >= 26 && b[0] == 'B' && b[1] == 'M') {
        if (le32(b, 14) == 12) return std::make_pair<std::int64_t, std::int64_t>(le16(b, 18), le16(b, 20));
        return std::make_pair<std::int64_t, std::int64_t>(
            std::abs(static_cast<std::int64_t>(static_cast<std::int32_t>(le32(b, 18)))),
            std::abs(static_cast<std::int64_t>(static_cast<std::int32_t>(le32(b, 22)))));
    }
    if (b.size() >= 4 && std::uint8_t(b[0]) == 0xFF && std::uint8_t(b[1]) == 0xD8) {
        for (std::size_t o = 2; o + 9 <= b.size();) {
            if (std::uint8_t(b[o]) != 0xFF) return std::nullopt;
            const std::uint8_t m = std::uint8_t(b[o + 1]);
            if (m == 0xFF) { ++o; continue; }
            if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { o += 2; continue; }
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
                return std::make_pair<std::int64_t, std::int64_t>(be16(b, o + 7), be16(b, o + 5));
            if (m == 0xDA) return std::nullopt;
            o += 2 + be16(b, o + 2);
        }
        return std::nullopt;
    }
    // WebP and TIFF: the full sniff is cheap enough on the prefix when it succeeds.
    try {
        if (b.size() >= 12 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
            std::size_t o = 12;
            while (o + 8 <= b.size()) {
                const std::string type = b.substr(o, 4);
                const std::uint32_t len = le32(b, o + 4);
                const std::size_t d = o + 8;
                if (type == "VP8X" && d + 10 <= b.size())
                    return std::make_pair<std::int64_t, std::int64_t>(le24(b, d + 4) + 1, le24(b, d + 7) + 1);
                if (type == "VP8L" && d + 5 <= b.size()) {
                    const std::uint32_t bits = le32(b, d + 1);
                    return std::make_pair<std::int64_t, std::int64_t>((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
                }
                if (type == "VP8 " && d + 10 <= b.size())
                    return std::make_pair<std::int64_t, std::int64_t>(le16(b, d + 6) & 0x3FFF, le16(b, d + 8) & 0x3FFF);
                o = d + len + (len & 1);
            }
        }
        if (b.size() >= 8 && (b.compare(0, 4, std::string("II*\0", 4)) == 0 ||
                              b.compare(0, 4, std::string("MM\0*", 4)) == 0)) {
            const TiffInfo t = parseTiff(b, 0, b.size());
            if (t.ok && t.width > 0 && t.height > 0)
                return std::make_pair<std::int64_t, std::int64_t>(t.width, t.height);
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

// Any decoded layout to 8-bit BGR: deeper samples scaled down, grey
// expanded, and transparency flattened over white (a sticker on a page).
cv::Mat toBgr8(cv::Mat img) {
    if (img.depth() == CV_16U) {
        img.convertTo(img, CV_8U, 1.0 / 257.0);
    } else if (img.depth() == CV_32F || img.depth() == CV_64F) {
        img.convertTo(img, CV_8U, 255.0);
    } else if (img.depth() != CV_8U) {
        img.convertTo(img, CV_8U);
    }
    switch (img.channels()) {
        case 1: cv::cvtColor(img, img, cv::COLOR_GRAY2BGR); break;
        case 2: {
            std::vector<cv::Mat> ch;
            cv::split(img, ch);
            cv::Mat bgra;
            cv::merge(std::vector<cv::Mat>{ch[0], ch[0], ch[0], ch[1]}, bgra);
            img = bgra;
            [[fallthrough]];
        }
        case 4: {
            cv::Mat out(img.size(), CV_8UC3);
            for (int y = 0; y < img.rows; ++y) {
                const uchar* s = img.ptr<uchar>(y);
                uchar* d = out.ptr<uchar>(y);
                for (int x = 0; x < img.cols; ++x, s += 4, d += 3) {
                    const int a = s[3];
                    for (int c = 0; c < 3; ++c) d[c] = static_cast<uchar>((s[c] * a + 255 * (255 - a) + 127) / 255);
                }
            }
            img = out;
            break;
        }
        default: break;
    }
    return img;
}

}  // namespace

std::optional<ImageHeader> sniffImage(const std::string& b, const std::string& name) {
    std::optional<ImageHeader> h;
    if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
        h = sniffPng(b, name);
    } else if (b.size() >= 3 && std::uint8_t(b[0]) == 0xFF && std::uint8_t(b[1]) == 0xD8 &&
               std::uint8_t(b[2]) == 0xFF) {
        h = sniffJpeg(b, name);
    } else if (b.size() >= 12 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
        h = sniffWebp(b, name);
    } else if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') {
        h = sniffBmp(b, name);
    } else if (b.size() >= 8 && (b.compare(0, 4, std::string("II*\0", 4)) == 0 ||
                                 b.compare(0, 4, std::string("MM\0*", 4)) == 0)) {
        const TiffInfo t = parseTiff(b, 0, b.size());
        if (!t.ok || t.width <= 0 || t.height <= 0) truncated(name, "TIFF");
        h = ImageHeader{"tiff", t.width, t.height, t.orientation};
    }
    if (h && (h->width <= 0 || h->height <= 0))
        throw MediaError(name, "image header gives an empty size " + std::to_string(h->width) +
                                   "x" + std::to_string(h->height));
    return h;
}

cv::Mat applyExifOrientation(const cv::Mat& image, int orientation) {
    cv::Mat out;
    switch (orientation) {
        case 2: cv::flip(image, out, 1); break;
        case 3: cv::flip(image, out, -1); break;
        case 4: cv::flip(image, out, 0); break;
        case 5: cv::transpose(image, out); break;
        case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); break;
        case 7: cv::transpose(image, out); cv::flip(out, out, -1); break;
        case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
        default: out = image; break;
    }
    return out;
}

void requireRegularFile(const std::string& path, const char* what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT) throw MediaError(path, "no such file");
        throw MediaError(path, std::string("cannot read: ") + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) throw MediaError(path, fileKind(st.st_mode) + ", not " + what);
}

namespace {

// Reads an image file under the checks 1-3 of the header comment: regular
// file, at most kMaxImageFileBytes, header dimensions within kMaxImagePixels.
std::string readImageFile(const std::string& path) {
    requireRegularFile(path);
    // O_NONBLOCK: should the path have become a FIFO since the stat, the open
    // returns at once and fstat tells.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw MediaError(path, std::string("cannot read: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw MediaError(path, std::string("cannot read: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw MediaError(path, fileKind(st.st_mode) + ", not an image file");
    if (st.st_size > kMaxImageFileBytes) {
        std::ostringstream os;
        os << "file is " << (st.st_size >> 20) << " MiB; the limit for an image is "
           << (kMaxImageFileBytes >> 20) << " MiB";
        throw MediaError(path, os.str());
    }
    if (st.st_size == 0) throw MediaError(path, "empty file, not an image");
    const auto size = static_cast<std::size_t>(st.st_size);
    std::string bytes;
    std::size_t got = 0;
    auto readUpTo = [&](std::size_t want) {
        while (got < want) {
            const ssize_t n = ::read(fd, bytes.data() + got, want - got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw MediaError(path, std::string("read error: ") + std::strerror(errno));
            if (n == 0) break;  // shrank since fstat
            got += static_cast<std::size_t>(n);
        }
    };
    // The header first: an image too large to decode is refused before the
    // rest of the file is read (or even its buffer allocated).
    bytes.resize(std::min<std::size_t>(size, 256 << 10));
    readUpTo(bytes.size());
    if (const auto dims = headerDimensions(std::string_view(bytes.data(), got)))
        checkPixels(path, dims->first, dims->second);
    if (got == bytes.size() && size > bytes.size()) {
        bytes.resize(size);
        readUpTo(size);
    }
    bytes.resize(got);
    if (bytes.empty()) throw MediaError(path, "empty file, not an image");
    return bytes;
}

ImageHeader checkedHeader(const std::string& bytes, const std::string& path) {
    const std::optional<ImageHeader> header = sniffImage(bytes, path);
    if (!header)
        throw MediaError(path, "not a supported image (expected PNG, JPEG, WebP, BMP or TIFF)");
    checkPixels(path, header->width, header->height);
    return *header;
}

// libpng through its full API with our own error and warning handlers: its
// messages end up in the MediaError instead of on stderr.
struct PngSource {
    const std::string* bytes = nullptr;
    std::size_t pos = 0;
    std::string error;
};

extern "C" void pngOnError(png_structp png, png_const_charp message) {
    auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
    src->error = message ? message : "unknown error";
    png_longjmp(png, 1);
}
extern "C" void pngOnWarning(png_structp, png_const_charp) {}
extern "C" void pngOnRead(png_structp png, png_bytep out, png_size_t n) {
    auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
    if (n > src->bytes->size() - src->pos) png_error(png, "unexpected end of file");
    std::memcpy(out, src->bytes->data() + src->pos, n);
    src->pos += n;
}

cv::Mat decodePng(const std::string& bytes, const std::string& path) {
    PngSource src;
    src.bytes = &bytes;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, pngOnError, pngOnWarning);
    if (!png) throw MediaError(path, "out of memory decoding PNG");
    png_infop info = png_create_info_struct(png);
    cv::Mat img;
    std::vector<png_bytep> rows;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
        throw MediaError(path, "truncated or damaged PNG file (" +
                                   (src.error.empty() ? std::string("out of memory") : src.error) +
                                   ")");
    }
    png_set_read_fn(png, &src, pngOnRead);
    png_read_info(png, info);
    const png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    const int depth = png_get_bit_depth(png, info), type = png_get_color_type(png, info);
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_scale_16(png);  // rounds v / 257, as before
    png_set_bgr(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const int channels = png_get_channels(png, info);
    img.create(static_cast<int>(h), static_cast<int>(w), CV_8UC(channels));
    rows.resize(h);
    for (png_uint_32 y = 0; y < h; ++y) rows[y] = img.ptr<png_byte>(static_cast<int>(y));
    png_read_image(png, rows.data());
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    return img;
}

// PNG only: inflates the IDAT stream into a 64 KiB scratch buffer and
// checks it ends where the header says (rows x (1 + row bytes), per Adam7
// pass when interlaced). Finds damaged compressed data - what decoding would
// find - without allocating the image.
void verifyPngData(const std::string& b, const std::string& path) {
    const std::uint32_t w = be32(b, 16), h = be32(b, 20);
    const int depth = std::uint8_t(b[24]), type = std::uint8_t(b[25]), interlace = std::uint8_t(b[28]);
    const int channels = type == 0 ? 1 : type == 2 ? 3 : type == 3 ? 1 : type == 4 ? 2 : type == 6 ? 4 : 0;
    if (channels == 0 || (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16))
        throw MediaError(path, "damaged PNG file (bad colour type or bit depth)");
    const std::uint64_t bpp = static_cast<std::uint64_t>(channels) * depth;  // bits per pixel
    auto rawSize = [&](std::uint64_t pw, std::uint64_t ph) -> std::uint64_t {
        return pw == 0 || ph == 0 ? 0 : ph * (1 + (pw * bpp + 7) / 8);
    };
    std::uint64_t expected = 0;
    if (interlace == 0) {
        expected = rawSize(w, h);
    } else {
        static const int x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1};
        static const int dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
        for (int p = 0; p < 7; ++p)
            expected += rawSize((w + dx[p] - 1 - x0[p]) / dx[p], (h + dy[p] - 1 - y0[p]) / dy[p]);
    }
    z_stream z{};
    if (inflateInit(&z) != Z_OK) throw MediaError(path, "out of memory checking PNG data");
    struct End {
        z_stream* z;
        ~End() { inflateEnd(z); }
    } end{&z};
    std::vector<unsigned char> scratch(64 << 10);
    std::uint64_t produced = 0;
    int rc = Z_OK;
    for (std::size_t o = 8; o + 12 <= b.size() && rc != Z_STREAM_END;) {
        const std::uint32_t len = be32(b, o);
        if (b.compare(o + 4, 4, "IEND") == 0) break;
        if (b.compare(o + 4, 4, "IDAT") == 0) {
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(b.data() + o + 8));
            z.avail_in = len;
            while (z.avail_in > 0 && rc != Z_STREAM_END) {
                z.next_out = scratch.data();
                z.avail_out = static_cast<uInt>(scratch.size());
                rc = inflate(&z, Z_NO_FLUSH);
                produced += scratch.size() - z.avail_out;
                if (rc != Z_OK && rc != Z_STREAM_END)
                    throw MediaError(path, std::string("damaged PNG file (compressed data: ") +
                                               (z.msg ? z.msg : "inflate failed") + ")");
                if (produced > expected) break;
            }
        }
        o += 12 + static_cast<std::size_t>(len);
    }
    if (produced != expected || rc != Z_STREAM_END)
        throw MediaError(path, "truncated or damaged PNG file (pixel data is " + std::to_string(produced) +
                                   " bytes, the header needs " + std::to_string(expected) + ")");
}

// libjpeg(-turbo) with our own error manager: its warnings ("Corrupt JPEG
// data: ...") are not printed - a warning leaves a decodable picture, as
// OpenCV's reader would - and its errors become the MediaError.
struct JpegErrors {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

extern "C" void jpegOnError(j_common_ptr c) {
    auto* e = reinterpret_cast<JpegErrors*>(c->err);
    (*c->err->format_message)(c, e->message);
    std::longjmp(e->jump, 1);
}
extern "C" void jpegOnMessage(j_common_ptr) {}

// Nothing for CMYK/YCCK files (OpenCV's reader converts those).
std::optional<cv::Mat> decodeJpeg(const std::string& bytes, const std::string& path) {
    jpeg_decompress_struct cinfo{};
    JpegErrors err{};
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpegOnError;
    err.pub.output_message = jpegOnMessage;
    cv::Mat img;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        throw MediaError(path, std::string("truncated or damaged JPEG file (") + err.message + ")");
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&cinfo);
        return std::nullopt;
    }
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_EXT_BGR;
    jpeg_start_decompress(&cinfo);
    img.create(static_cast<int>(cinfo.output_height), static_cast<int>(cinfo.output_width),
               CV_8UC(cinfo.output_components));
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = img.ptr<JSAMPLE>(static_cast<int>(cinfo.output_scanline));
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return img;
}

}  // namespace

ImageHeader probeImage(const std::string& path) {
    const std::string bytes = readImageFile(path);
    const ImageHeader header = checkedHeader(bytes, path);
    if (header.format == "png") verifyPngData(bytes, path);
    return header;
}

cv::Mat loadImage(const std::string& path) {
    const std::string bytes = readImageFile(path);
    const ImageHeader header = checkedHeader(bytes, path);
    cv::Mat img;
    if (header.format == "png") {
        img = decodePng(bytes, path);
    } else if (header.format == "jpeg" && (img = decodeJpeg(bytes, path).value_or(cv::Mat())).data) {
        // decoded quietly by libjpeg
    } else {
        cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
        QuietOpenCvLog quiet;
        try {
            img = cv::imdecode(raw, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION);
        } catch (const cv::Exception& e) {
            throw MediaError(path, "cannot decode " + header.format + " image: " + e.err);
        }
    }
    if (img.empty()) throw MediaError(path, "cannot decode " + header.format + " image (damaged?)");
    checkPixels(path, img.cols, img.rows);
    return applyExifOrientation(toBgr8(img), header.orientation);
}

bool isVideoPath(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* v : {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".gif"})
        if (ext == v) return true;
    return false;
}

cv::Mat loadReference(const std::string& path) {
    return isVideoPath(path) ? loadVideoFrame(path, 0) : loadImage(path);
}

ReferenceInfo probeReference(const std::string& path) {
    if (isVideoPath(path)) return probeVideoReference(path);
    const ImageHeader h = probeImage(path);
    const bool swap = h.orientation >= 5 && h.orientation <= 8;
    return ReferenceInfo{false, h.format, swap ? h.height : h.width, swap ? h.width : h.height};
}

}  // namespace boxanim
