#include "core/media/image_io.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

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

cv::Mat loadImage(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw MediaError(path, "no such file");
    if (fs::is_directory(path, ec)) throw MediaError(path, "is a directory, not an image");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw MediaError(path, std::string("cannot read: ") + std::strerror(errno));
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw MediaError(path, "read error");
    if (bytes.empty()) throw MediaError(path, "empty file, not an image");

    const std::optional<ImageHeader> header = sniffImage(bytes, path);
    if (!header)
        throw MediaError(path, "not a supported image (expected PNG, JPEG, WebP, BMP or TIFF)");
    const std::int64_t pixels = static_cast<std::int64_t>(header->width) * header->height;
    if (pixels > kMaxImagePixels) {
        std::ostringstream os;
        os << "image is " << header->width << "x" << header->height << " ("
           << (pixels + 500000) / 1000000 << " megapixels); the limit is "
           << kMaxImagePixels / 1000000 << " megapixels - downscale it first";
        throw MediaError(path, os.str());
    }
    cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, bytes.data());
    cv::Mat img;
    try {
        img = cv::imdecode(raw, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION);
    } catch (const cv::Exception& e) {
        throw MediaError(path, "cannot decode " + header->format + " image: " + e.err);
    }
    if (img.empty()) throw MediaError(path, "cannot decode " + header->format + " image (damaged?)");
    if (static_cast<std::int64_t>(img.cols) * img.rows > kMaxImagePixels)
        throw MediaError(path, "image is " + std::to_string(img.cols) + "x" +
                                   std::to_string(img.rows) + "; the limit is 100 megapixels");
    return applyExifOrientation(toBgr8(img), header->orientation);
}

cv::Mat loadVideoFrame(const std::string& path, int index) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw MediaError(path, "no such file");
    cv::VideoCapture cap(path, cv::CAP_FFMPEG);
    if (!cap.isOpened()) throw MediaError(path, "cannot open as a video");
    const double w = cap.get(cv::CAP_PROP_FRAME_WIDTH), h = cap.get(cv::CAP_PROP_FRAME_HEIGHT);
    if (w * h > static_cast<double>(kMaxImagePixels))
        throw MediaError(path, "video frames are over the 100 megapixel limit");
    cv::Mat frame;
    for (int i = 0; i <= std::max(0, index); ++i) {
        if (!cap.read(frame) || frame.empty())
            throw MediaError(path, index == 0 ? "video has no readable frame"
                                              : "video has no frame " + std::to_string(index));
    }
    if (frame.type() != CV_8UC3) {
        cv::Mat bgr;
        if (frame.channels() == 1)
            cv::cvtColor(frame, bgr, cv::COLOR_GRAY2BGR);
        else
            frame.convertTo(bgr, CV_8UC3);
        frame = bgr;
    }
    return frame.clone();
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

}  // namespace boxanim
