// core/media against hostile files (issue 14 items 1, 2, 4, 5, 7, 8): nothing
// that is not a regular file is opened for reading, sizes and header
// dimensions are checked before the pixels are read, the libraries print
// nothing on stderr, dead writers' temporary files are removed.
#include <QtTest>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <png.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/media/exporter.h"
#include "core/media/image_io.h"
#include "core/media/media_log.h"

using namespace boxanim;
namespace fs = std::filesystem;

namespace {

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string encode(const char* ext, const cv::Mat& img) {
    std::vector<uchar> buf;
    if (!cv::imencode(ext, img, buf)) return {};
    return std::string(buf.begin(), buf.end());
}

std::uint32_t crc32(const std::string& data) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char ch : data) {
        c ^= ch;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

std::string be32(std::uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
    return s;
}

std::string pngChunk(const std::string& type, const std::string& data) {
    return be32(static_cast<std::uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}

cv::Mat gradient(int w, int h) {
    cv::Mat img(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(3 * x), uchar(5 * y), uchar(x ^ y));
    return img;
}

// Runs `f` with fd 2 redirected to a file; returns what was written there.
std::string captureStderr(const std::function<void()>& f) {
    std::fflush(stderr);
    char name[] = "/tmp/boxanim-stderr-XXXXXX";
    const int fd = mkstemp(name);
    const int saved = dup(2);
    dup2(fd, 2);
    try {
        f();
    } catch (...) {
    }
    std::fflush(stderr);
    dup2(saved, 2);
    ::close(saved);
    ::close(fd);
    std::ifstream in(name, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(name);
    return text;
}

// The MediaError message of f(), or "accepted".
QString refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const MediaError& e) {
        return QString::fromStdString(e.what());
    }
    return "accepted";
}

double seconds(const std::function<void()>& f) {
    const auto t = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// A pid that certainly belongs to no process: a child that has been reaped.
pid_t deadPid() {
    const pid_t child = fork();
    if (child == 0) _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    return child;
}

}  // namespace

class TestMediaFaults : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string file(const char* name) { return dir_.filePath(name).toStdString(); }

private slots:
    // Item 1: a FIFO is refused before it is opened for reading (which
    // would block until a writer appears - forever here).
    void refusesFifoWithoutBlocking() {
        const std::string fifo = file("fifo.png");
        QCOMPARE(mkfifo(fifo.c_str(), 0644), 0);
        QString why;
        const double s = seconds([&] { why = refusal([&] { loadImage(fifo); }); });
        QVERIFY2(why.contains("fifo.png: is a named pipe (FIFO)"), qPrintable(why));
        QVERIFY(s < 2.0);
        QVERIFY(refusal([&] { probeImage(fifo); }).contains("named pipe"));
        const std::string fifoVideo = file("fifo.mp4");
        QCOMPARE(mkfifo(fifoVideo.c_str(), 0644), 0);
        QVERIFY(refusal([&] { loadReference(fifoVideo); }).contains("named pipe"));
        QVERIFY(refusal([&] { probeReference(fifoVideo); }).contains("named pipe"));
    }

    void refusesDevicesAndFolders() {
        QVERIFY(refusal([] { loadImage("/dev/zero"); }).startsWith("/dev/zero: is a character device"));
        QVERIFY(refusal([] { probeImage("/dev/null"); }).startsWith("/dev/null: is a character device"));
        QVERIFY(refusal([&] { probeReference(dir_.path().toStdString()); }).contains("is a directory"));
        QVERIFY(refusal([&] { probeImage(file("missing.png")); }).contains("no such file"));
    }

    // Item 2: a 64x64 PNG extended to 3 GiB (sparse: no disk used) is refused
    // from its size alone, at once.
    void refusesOversizedFileFromItsSize() {
        const std::string path = file("big.png");
        writeBytes(path, encode(".png", gradient(64, 64)));
        QCOMPARE(::truncate(path.c_str(), 3LL << 30), 0);
        QString why;
        const double s = seconds([&] { why = refusal([&] { loadImage(path); }); });
        QVERIFY2(why.contains("big.png: file is 3072 MiB; the limit for an image is 512 MiB"), qPrintable(why));
        QVERIFY(s < 1.0);
        QVERIFY(refusal([&] { probeReference(path); }).contains("512 MiB"));
    }

    // Item 2: the header's size is checked before the rest of the file is
    // read: a 20000x20000 PNG whose IDAT is 300 MB of zeros (sparse) is
    // refused after reading 256 KiB.
    void refusesHugeDimensionsBeforeReading() {
        const std::string ihdr = be32(20000) + be32(20000) + std::string("\x08\x02\0\0\0", 5);
        const std::string path = file("huge.png");
        writeBytes(path, std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr));
        QCOMPARE(::truncate(path.c_str(), 300LL << 20), 0);
        QString why;
        const double s = seconds([&] { why = refusal([&] { probeImage(path); }); });
        QVERIFY2(why.contains("20000x20000") && why.contains("100 megapixels"), qPrintable(why));
        QVERIFY2(s < 0.5, qPrintable(QString::number(s)));
    }

    // Item 8: probeImage finds everything loadImage would refuse, without decoding.
    void probeChecksStructure() {
        const std::string png = encode(".png", gradient(120, 90));
        writeBytes(file("cut.png"), png.substr(0, png.size() / 2));
        QVERIFY(refusal([&] { probeImage(file("cut.png")); }).contains("truncated or damaged PNG"));
        writeBytes(file("text.png"), "not a picture\n");
        QVERIFY(refusal([&] { probeImage(file("text.png")); }).contains("not a supported image"));
        writeBytes(file("ok.png"), png);
        const ImageHeader h = probeImage(file("ok.png"));
        QCOMPARE(h.width, 120);
        QCOMPARE(h.height, 90);
        const ReferenceInfo r = probeReference(file("ok.png"));
        QVERIFY(!r.video);
        QCOMPARE(r.width, 120);
    }

    // Item 7: a PNG with valid chunk CRCs but broken deflate data - libpng
    // would print "libpng error: ..." - fails with one MediaError, stderr stays empty.
    void damagedPngIsQuiet() {
        std::string png = encode(".png", gradient(64, 48));
        // Overwrite the IDAT payload with junk and fix up its CRC.
        const std::size_t idat = png.find("IDAT");
        QVERIFY(idat != std::string::npos);
        const std::uint32_t len = (std::uint8_t(png[idat - 4]) << 24) | (std::uint8_t(png[idat - 3]) << 16) |
                                  (std::uint8_t(png[idat - 2]) << 8) | std::uint8_t(png[idat - 1]);
        for (std::uint32_t i = 2; i < len; ++i) png[idat + 4 + i] = static_cast<char>(0xA5 ^ i);
        const std::string crc = be32(crc32(png.substr(idat, 4 + len)));
        png.replace(idat + 4 + len, 4, crc);
        const std::string path = file("damaged.png");
        writeBytes(path, png);
        QString why;
        const std::string err = captureStderr([&] { why = refusal([&] { loadImage(path); }); });
        QVERIFY2(why.startsWith(QString::fromStdString(path) + ": truncated or damaged PNG file ("), qPrintable(why));
        QVERIFY2(err.empty(), err.c_str());
        // probeImage (what `info` runs) finds it too, without decoding.
        QVERIFY(refusal([&] { probeImage(path); }).contains("damaged PNG file (compressed data"));
    }

    // libjpeg's "Corrupt JPEG data" warnings stay off stderr; the picture it
    // recovers is used (as OpenCV's reader would), and it matches OpenCV's
    // decoding of an intact file exactly.
    void damagedJpegIsQuiet() {
        const std::string jpg = encode(".jpg", gradient(160, 120));
        const std::string path = file("intact.jpg");
        writeBytes(path, jpg);
        const cv::Mat mine = loadImage(path);
        QCOMPARE(cv::norm(mine, cv::imread(path, cv::IMREAD_COLOR), cv::NORM_INF), 0.0);
        std::string bad = jpg;
        const std::size_t sos = bad.find("\xFF\xDA");
        QVERIFY(sos != std::string::npos);
        for (std::size_t i = sos + 200; i < sos + 260 && i + 2 < bad.size(); ++i) bad[i] = 0x11;
        writeBytes(file("bad.jpg"), bad);
        cv::Mat img;
        const std::string err = captureStderr([&] { img = loadImage(file("bad.jpg")); });
        QVERIFY2(err.empty(), err.c_str());
        QCOMPARE(img.size(), cv::Size(160, 120));
    }

    // The inflate check accepts every layout, interlaced ones included.
    void probeAcceptsEveryPngLayout() {
        const cv::Mat bgr = gradient(37, 23);
        cv::Mat grey, deep, bgra;
        cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
        cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
        bgr.convertTo(deep, CV_16UC3, 257.0);
        for (const cv::Mat& m : {bgr, grey, deep, bgra}) {
            writeBytes(file("layout.png"), encode(".png", m));
            QCOMPARE(probeImage(file("layout.png")).width, 37);
        }
        // libpng writes palette and interlaced files; a 1-bit interlaced one:
        const std::string path = file("adam7.png");
        FILE* f = std::fopen(path.c_str(), "wb");
        png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
        png_infop info = png_create_info_struct(png);
        png_init_io(png, f);
        png_set_IHDR(png, info, 29, 13, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_ADAM7,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        std::vector<png_byte> row(4, 0x5A);
        std::vector<png_bytep> rows(13, row.data());
        png_write_image(png, rows.data());
        png_write_end(png, nullptr);
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        QCOMPARE(probeImage(path).width, 29);
        QCOMPARE(loadImage(path).size(), cv::Size(29, 13));
    }

    // Item 7: a text file named .mp4 - FFmpeg would print its own lines.
    void fakeVideoIsQuiet() {
        const std::string path = file("fake.mp4");
        writeBytes(path, std::string(4096, 'x'));
        QString why;
        const std::string err = captureStderr([&] { why = refusal([&] { loadReference(path); }); });
        QVERIFY2(why.startsWith(QString::fromStdString(path) + ": cannot open as a video"), qPrintable(why));
        QVERIFY2(err.empty(), err.c_str());
        QVERIFY(refusal([&] { probeReference(path); }).contains("cannot open as a video"));
    }

    // Our libpng reader decodes what OpenCV decodes, for every PNG layout.
    void pngDecodingMatchesOpenCv() {
        const cv::Mat bgr = gradient(37, 23);
        cv::Mat grey, deep;
        cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
        bgr.convertTo(deep, CV_16UC3, 257.0);
        for (const cv::Mat& m : {bgr, grey, deep}) {
            const std::string path = file("layout.png");
            writeBytes(path, encode(".png", m));
            const cv::Mat mine = loadImage(path);
            const cv::Mat theirs = cv::imread(path, cv::IMREAD_COLOR);
            QCOMPARE(mine.type(), CV_8UC3);
            QCOMPARE(mine.size(), theirs.size());
            QCOMPARE(cv::norm(mine, theirs, cv::NORM_INF), 0.0);
        }
    }

    void videoReferenceFirstFrame() {
        const std::string path = file("clip.mp4");
        std::vector<cv::Mat> frames;
        for (int i = 0; i < 3; ++i) frames.push_back(cv::Mat(48, 64, CV_8UC3, cv::Scalar(40 * i, 200, 90)));
        exportFrames(frames, path, 10);
        const ReferenceInfo r = probeReference(path);
        QVERIFY(r.video);
        QCOMPARE(r.width, 64);
        QCOMPARE(r.height, 48);
        const cv::Mat first = loadReference(path);
        QCOMPARE(first.size(), cv::Size(64, 48));
        QVERIFY(std::abs(first.at<cv::Vec3b>(24, 32)[1] - 200) < 8);
        const cv::Mat third = loadVideoFrame(path, 2);
        QVERIFY(std::abs(third.at<cv::Vec3b>(24, 32)[0] - 80) < 8);
        QVERIFY(refusal([&] { loadVideoFrame(path, 7); }).contains("no frame 7"));
    }

    // Item 5: "out.mp4" that is a folder is a video path; the exporter refuses it.
    void videoExtensionNeverMeansFolder() {
        const std::string folder = file("isdir.mp4");
        fs::create_directory(folder);
        QCOMPARE(exportFormatFromPath(folder), std::optional(ExportFormat::Mp4));
        QVERIFY(refusal([&] { Exporter e(folder, cv::Size(32, 32), 10); }).contains("is a directory"));
        QVERIFY(fs::is_empty(folder));
        QCOMPARE(exportFormatFromPath(file("frames.d")), std::nullopt);
        fs::create_directory(file("frames.d"));
        QCOMPARE(exportFormatFromPath(file("frames.d")), std::optional(ExportFormat::PngSequence));
        QCOMPARE(exportFormatFromName("PNG"), std::optional(ExportFormat::PngSequence));
        QCOMPARE(exportFormatFromName("avi"), std::nullopt);
    }

    // Item 4: temporaries carry the writer's pid; a dead writer's are removed
    // by the next export of the same name, a live writer's stay.
    void removesDeadWritersTemporaries() {
        const std::string out = file("o.mp4");
        const std::string dead = file(qPrintable(QString(".o.mp4.part-%1-0123abcd.mp4").arg(deadPid())));
        const std::string deadDir = file(qPrintable(QString(".o.mp4.old-%1-0123abcd").arg(deadPid())));
        const std::string live = file(".o.mp4.part-1-89abcdef.mp4");  // pid 1 is alive
        const std::string other = file(qPrintable(QString(".p.mp4.part-%1-0123abcd.mp4").arg(deadPid())));
        for (const auto& p : {dead, live, other}) writeBytes(p, "partial");
        fs::create_directory(deadDir);
        {
            Exporter e(out, cv::Size(32, 32), 10);
            // Our own temporary carries our pid.
            bool ours = false;
            for (const auto& entry : fs::directory_iterator(dir_.path().toStdString()))
                ours |= entry.path().filename().string().rfind(
                            ".o.mp4.part-" + std::to_string(getpid()) + "-", 0) == 0;
            QVERIFY(ours);
            e.addFrame(cv::Mat(32, 32, CV_8UC3, cv::Scalar::all(9)));
            e.finish();
        }
        QVERIFY(!fs::exists(dead));
        QVERIFY(!fs::exists(deadDir));
        QVERIFY(fs::exists(live));
        QVERIFY(fs::exists(other));
        QVERIFY(fs::exists(out));
    }

    // An exporter into a folder that exists but accepts no files says so.
    void unwritableFolderReason() {
        const QString why = refusal([] { Exporter e("/proc/o.mp4", cv::Size(32, 32), 10); });
        QVERIFY2(!why.contains("does not exist"), qPrintable(why));
        QVERIFY2(why.startsWith("/proc/o.mp4: cannot write"), qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(TestMediaFaults)
#include "test_media_faults.moc"
