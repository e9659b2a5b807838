// FrameStore (issue 14 item 3): a clip's frames live in a nameless temporary
// file, so holding a long clip costs no memory per frame and leaves nothing on
// disk; frames read back byte for byte, from any thread.
#include <QtTest>

#include <QDir>
#include <QTemporaryDir>
#include <thread>

#include <opencv2/core.hpp>

#include "core/media/frame_store.h"

using namespace boxanim;

namespace {

cv::Mat frame(int i, cv::Size size) {
    cv::Mat f(size, CV_8UC3);
    cv::randu(f, cv::Scalar::all(0), cv::Scalar::all(256));
    f.at<cv::Vec3b>(0, 0) = cv::Vec3b(uchar(i), uchar(i >> 8), 7);
    return f;
}

// Resident set size of this process in bytes (Linux).
long residentBytes() {
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts[1].toLong() * 4096 : -1;
}

}  // namespace

class TestFrameStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void framesComeBackExactly() {
        FrameStore s;
        QVERIFY(s.empty());
        std::vector<cv::Mat> want;
        for (int i = 0; i < 12; ++i) {
            want.push_back(frame(i, {97, 61}));
            s.append(want.back());
        }
        QCOMPARE(s.size(), std::size_t(12));
        QCOMPARE(s.frameSize(), cv::Size(97, 61));
        QCOMPARE(s.bytes(), std::size_t(12 * 97 * 61 * 3));
        for (int i = 11; i >= 0; --i)
            QCOMPARE(cv::norm(s[std::size_t(i)], want[std::size_t(i)], cv::NORM_INF), 0.0);
        QCOMPARE(cv::norm(s.front(), want.front(), cv::NORM_INF), 0.0);
        QCOMPARE(cv::norm(s.back(), want.back(), cv::NORM_INF), 0.0);
        // A frame read back is a copy: writing to it changes nothing stored.
        cv::Mat f = s[3];
        f.setTo(0);
        QCOMPARE(cv::norm(s[3], want[3], cv::NORM_INF), 0.0);

        // A non-continuous view (a crop) is stored as its pixels.
        FrameStore c;
        const cv::Mat big = frame(1, {200, 100});
        c.append(big(cv::Rect(10, 10, 50, 40)));
        QCOMPARE(cv::norm(c[0], big(cv::Rect(10, 10, 50, 40)), cv::NORM_INF), 0.0);
    }

    void refusesMismatchedFramesAndIndices() {
        FrameStore s;
        s.append(frame(0, {32, 16}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.append(frame(1, {16, 32})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.append(cv::Mat(16, 32, CV_32FC3)));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, s[1]);
        QCOMPARE(s.size(), std::size_t(1));
    }

    void leavesNothingOnDisk() {
        QTemporaryDir dir;
        {
            FrameStore s(dir.path().toStdString());
            for (int i = 0; i < 4; ++i) s.append(frame(i, {64, 64}));
            QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
        }
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, FrameStore("/nonexistent-folder-for-frames"));
    }

    // 64 frames of 1024x768 (151 MB of pixels) held: memory grows by far less
    // than that (the frames are on disk, not in the process).
    void memoryDoesNotGrowWithTheFrameCount() {
        const cv::Mat f = frame(0, {1024, 768});
        FrameStore s;
        s.append(f);
        const long before = residentBytes();
        QVERIFY(before > 0);
        for (int i = 1; i < 64; ++i) s.append(f);
        const long grown = residentBytes() - before;
        qInfo("resident memory grew by %.1f MB for %.1f MB of frames", grown / 1e6, s.bytes() / 1e6);
        QVERIFY2(grown < 32l * 1024 * 1024, qPrintable(QString::number(grown)));
    }

    void readsFromManyThreads() {
        FrameStore s;
        std::vector<cv::Mat> want;
        for (int i = 0; i < 16; ++i) {
            want.push_back(frame(i, {80, 60}));
            s.append(want.back());
        }
        std::atomic<int> bad{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 4; ++t)
            readers.emplace_back([&, t] {
                for (int k = 0; k < 200; ++k) {
                    const std::size_t i = std::size_t((k * 7 + t) % 16);
                    if (cv::norm(s[i], want[i], cv::NORM_INF) != 0.0) ++bad;
                }
            });
        for (auto& r : readers) r.join();
        QCOMPARE(bad.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFrameStore)
#include "test_frame_store.moc"
