// core/media image loading: formats, EXIF orientation, and the refusals.
#include <QtTest>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/media/image_io.h"

using namespace boxanim;

namespace {

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string encode(const char* ext, const cv::Mat& img) {
    std::vector<uchar> buf;
    if (!cv::imencode(ext, img, buf)) return {};
    return std::string(buf.begin(), buf.end());
}

// 64x32: left half red, right half blue, so any rotation or flip is visible.
cv::Mat halves() {
    cv::Mat img(32, 64, CV_8UC3, cv::Scalar(255, 0, 0));
    img(cv::Rect(0, 0, 32, 32)).setTo(cv::Scalar(0, 0, 255));
    return img;
}

// A big-endian TIFF block with one IFD0 entry: Orientation (0x0112, SHORT) = o.
std::string exifTiff(int orientation) {
    std::string t("MM\0*\0\0\0\x08", 8);
    t += std::string("\0\x01", 2);                                 // one entry
    t += std::string("\x01\x12\0\x03\0\0\0\x01", 8);              // tag, SHORT, count 1
    t += static_cast<char>(0);
    t += static_cast<char>(orientation);
    t += std::string("\0\0", 2);                                   // value padding
    t += std::string("\0\0\0\0", 4);                               // no next IFD
    return t;
}

// A JPEG with an APP1 Exif segment spliced in right after SOI.
std::string jpegWithOrientation(const cv::Mat& img, int orientation) {
    const std::string jpg = encode(".jpg", img);
    const std::string payload = std::string("Exif\0\0", 6) + exifTiff(orientation);
    const std::size_t len = payload.size() + 2;
    std::string app1("\xFF\xE1", 2);
    app1 += static_cast<char>(len >> 8);
    app1 += static_cast<char>(len & 0xFF);
    app1 += payload;
    return jpg.substr(0, 2) + app1 + jpg.substr(2);
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

}  // namespace

class TestImageIo : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string file(const char* name) { return dir_.filePath(name).toStdString(); }

private slots:
    void roundTripsEveryFormat_data() {
        QTest::addColumn<QString>("ext");
        QTest::addColumn<QString>("format");
        QTest::newRow("png") << ".png" << "png";
        QTest::newRow("jpeg") << ".jpg" << "jpeg";
        QTest::newRow("webp") << ".webp" << "webp";
        QTest::newRow("bmp") << ".bmp" << "bmp";
        QTest::newRow("tiff") << ".tiff" << "tiff";
    }
    void roundTripsEveryFormat() {
        QFETCH(QString, ext);
        QFETCH(QString, format);
        cv::Mat img(45, 71, CV_8UC3);
        for (int y = 0; y < img.rows; ++y)
            for (int x = 0; x < img.cols; ++x)
                img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(3 * x), uchar(5 * y), 128);
        const std::string bytes = encode(ext.toStdString().c_str(), img);
        QVERIFY(!bytes.empty());
        const std::string path = file(qPrintable("img" + ext));
        writeBytes(path, bytes);
        const auto header = sniffImage(bytes, path);
        QVERIFY(header.has_value());
        QCOMPARE(QString::fromStdString(header->format), format);
        QCOMPARE(header->width, 71);
        QCOMPARE(header->height, 45);
        const cv::Mat loaded = loadImage(path);
        QCOMPARE(loaded.type(), CV_8UC3);
        QCOMPARE(loaded.size(), img.size());
        // Every channel (a swapped or dropped channel shows in B or R, not only
        // in B): lossless formats exact, lossy JPEG/WebP within a few levels.
        cv::Mat diff;
        cv::absdiff(loaded, img, diff);
        const cv::Scalar perChannel = cv::mean(diff);
        const bool lossy = format == QLatin1String("jpeg") || format == QLatin1String("webp");
        for (int c = 0; c < 3; ++c)
            QVERIFY2(lossy ? perChannel[c] < 6.0 : perChannel[c] == 0.0,
                     qPrintable(QStringLiteral("channel %1: mean abs difference %2").arg(c).arg(perChannel[c])));
        QVERIFY(isVideoPath("clip.MP4") && !isVideoPath(path));
        QCOMPARE(loadReference(path).size(), img.size());
    }

    void flattensTransparencyAndDepth() {
        cv::Mat rgba(10, 20, CV_8UC4, cv::Scalar(0, 0, 255, 255));  // opaque red
        rgba(cv::Rect(10, 0, 10, 10)).setTo(cv::Scalar(0, 0, 0, 0));  // transparent right half
        const std::string path = file("sticker.png");
        writeBytes(path, encode(".png", rgba));
        const cv::Mat img = loadImage(path);
        QCOMPARE(img.type(), CV_8UC3);
        QCOMPARE(img.at<cv::Vec3b>(5, 2), cv::Vec3b(0, 0, 255));
        QCOMPARE(img.at<cv::Vec3b>(5, 15), cv::Vec3b(255, 255, 255));
        cv::Mat deep(8, 8, CV_16UC1, cv::Scalar(65535));
        writeBytes(file("deep.png"), encode(".png", deep));
        QCOMPARE(loadImage(file("deep.png")).at<cv::Vec3b>(3, 3), cv::Vec3b(255, 255, 255));
    }

    void exifOrientationJpeg() {
        const std::string path = file("rotated.jpg");
        writeBytes(path, jpegWithOrientation(halves(), 6));  // stored 64x32, "rotate 90 CW"
        const auto header = sniffImage(readBytes(path), path);
        QVERIFY(header);
        QCOMPARE(header->orientation, 6);
        const cv::Mat img = loadImage(path);
        QCOMPARE(img.cols, 32);
        QCOMPARE(img.rows, 64);
        // Rotated clockwise: the stored left (red) half is now on top.
        const cv::Vec3b top = img.at<cv::Vec3b>(8, 16), bottom = img.at<cv::Vec3b>(56, 16);
        QVERIFY(top[2] > 200 && top[0] < 60);
        QVERIFY(bottom[0] > 200 && bottom[2] < 60);
        // OpenCV 4.6's own imread (IMREAD_COLOR) applies JPEG EXIF orientation
        // the same way; we parse it ourselves so PNG/WebP/TIFF get it too.
        const cv::Mat cvImg = cv::imread(path, cv::IMREAD_COLOR);
        QCOMPARE(cvImg.size(), img.size());
        cv::Mat diff;
        cv::absdiff(cvImg, img, diff);
        QCOMPARE(cv::countNonZero(diff.reshape(1)), 0);
        // Data after the end of the image (a motion photo's video) is fine.
        writeBytes(path, jpegWithOrientation(halves(), 6) + std::string(3 << 20, '\x5a'));
        QCOMPARE(loadImage(path).size(), cv::Size(32, 64));
        // Orientation 3 (180 degrees): red moves to the right.
        writeBytes(path, jpegWithOrientation(halves(), 3));
        const cv::Mat flipped = loadImage(path);
        QCOMPARE(flipped.size(), cv::Size(64, 32));
        QVERIFY(flipped.at<cv::Vec3b>(16, 56)[2] > 200);
    }

    void exifOrientationPng() {
        // A PNG with an eXIf chunk (orientation 8, "rotate 90 CCW") after IHDR.
        const std::string png = encode(".png", halves());
        const std::size_t afterIhdr = 8 + 25;
        const std::string withExif =
            png.substr(0, afterIhdr) + pngChunk("eXIf", exifTiff(8)) + png.substr(afterIhdr);
        const std::string path = file("rotated.png");
        writeBytes(path, withExif);
        const cv::Mat img = loadImage(path);
        QCOMPARE(img.size(), cv::Size(32, 64));
        // Counter-clockwise: the stored left (red) half is now at the bottom.
        QVERIFY(img.at<cv::Vec3b>(56, 16)[2] > 200);
        QVERIFY(img.at<cv::Vec3b>(8, 16)[0] > 200);
    }

    void refusesTruncatedAndNonImages_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated png") << "cut.png" << "truncated";
        QTest::newRow("truncated jpeg") << "cut.jpg" << "truncated";
        QTest::newRow("text") << "notes.png" << "not a supported image";
        QTest::newRow("empty") << "empty.jpg" << "empty file";
        QTest::newRow("missing") << "missing.png" << "no such file";
    }
    void refusesTruncatedAndNonImages() {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const std::string path = file(qPrintable(name));
        cv::Mat img(120, 160, CV_8UC3);
        cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
        if (name == "cut.png") {
            const std::string b = encode(".png", img);
            writeBytes(path, b.substr(0, b.size() / 2));
        } else if (name == "cut.jpg") {
            const std::string b = encode(".jpg", img);
            writeBytes(path, b.substr(0, b.size() * 2 / 3));
        } else if (name == "notes.png") {
            writeBytes(path, "This is a text file, not a picture.\n");
        } else if (name == "empty.jpg") {
            writeBytes(path, "");
        }
        try {
            loadImage(path);
            QFAIL("loadImage accepted a bad file");
        } catch (const MediaError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.startsWith(QString::fromStdString(path) + ": "), qPrintable(what));
            QVERIFY2(what.contains(expected), qPrintable(what));
            QCOMPARE(QString::fromStdString(e.file()), QString::fromStdString(path));
        }
    }

    void committedFixtures() {
        const std::string dir = BOXANIM_TEST_DATA "/images/";
        const cv::Mat img = loadImage(dir + "exif-orientation-6.jpg");
        QCOMPARE(img.size(), cv::Size(32, 64));
        QVERIFY(img.at<cv::Vec3b>(8, 16)[2] > 180);   // red on top
        QVERIFY(img.at<cv::Vec3b>(56, 16)[0] > 180);  // blue below
        const std::pair<const char*, const char*> bad[] = {
            {"truncated.png", "truncated or damaged PNG file"},
            {"truncated.jpg", "truncated or damaged JPEG file"},
            {"not-an-image.png", "not a supported image"}};
        for (const auto& [name, message] : bad) {
            const std::string path = dir + name;
            try {
                loadImage(path);
                QFAIL(name);
            } catch (const MediaError& e) {
                QVERIFY(QString(e.what()).startsWith(QString::fromStdString(path + ": " + message)));
            }
        }
    }

    void refusesOver100Megapixels() {
        // A PNG whose header claims 20000x20000 (400 MP): refused from the
        // header, without decoding (the pixel data here is bogus).
        std::string ihdr = be32(20000) + be32(20000) + std::string("\x08\x02\0\0\0", 5);
        const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) +
                                pngChunk("IDAT", std::string(16, '\0')) + pngChunk("IEND", "");
        const std::string path = file("huge.png");
        writeBytes(path, png);
        try {
            loadImage(path);
            QFAIL("a 400 megapixel image was accepted");
        } catch (const MediaError& e) {
            const QString what = e.what();
            QVERIFY2(what.contains("20000x20000") && what.contains("100 megapixels"),
                     qPrintable(what));
        }
    }

    void orientationTransforms() {
        cv::Mat m = (cv::Mat_<uchar>(2, 3) << 1, 2, 3, 4, 5, 6);
        auto at = [](const cv::Mat& x, int r, int c) { return int(x.at<uchar>(r, c)); };
        QCOMPARE(at(applyExifOrientation(m, 2), 0, 0), 3);
        QCOMPARE(at(applyExifOrientation(m, 3), 0, 0), 6);
        QCOMPARE(at(applyExifOrientation(m, 4), 0, 0), 4);
        QCOMPARE(at(applyExifOrientation(m, 5), 0, 1), 4);  // transpose
        QCOMPARE(at(applyExifOrientation(m, 6), 0, 0), 4);  // 90 CW: bottom-left to top-left
        QCOMPARE(at(applyExifOrientation(m, 7), 0, 0), 6);  // transverse
        QCOMPARE(at(applyExifOrientation(m, 8), 0, 0), 3);  // 90 CCW: top-right to top-left
        QCOMPARE(applyExifOrientation(m, 6).size(), cv::Size(2, 3));
        QCOMPARE(at(applyExifOrientation(m, 1), 1, 2), 6);
    }
};

QTEST_APPLESS_MAIN(TestImageIo)
#include "test_image_io.moc"
