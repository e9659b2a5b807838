// core/media export: every format read back (libavformat, and ffprobe, which
// scripts/install-deps.sh installs) for frame count, size and fps; odd sizes; failures leave
// nothing behind.
#include <QtTest>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/media/exporter.h"
#include "core/media/image_io.h"

using namespace boxanim;
namespace fs = std::filesystem;

namespace {

// Smooth moving gradients with a bright square that moves: easy on the
// encoders, and every frame differs.
std::vector<cv::Mat> makeFrames(int n, cv::Size size) {
    std::vector<cv::Mat> frames;
    for (int i = 0; i < n; ++i) {
        cv::Mat f(size, CV_8UC3);
        for (int y = 0; y < size.height; ++y)
            for (int x = 0; x < size.width; ++x)
                f.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar((x * 255) / size.width),
                                                  uchar((y * 255) / size.height), uchar(20 * i));
        const int s = std::max(4, size.height / 4);
        cv::rectangle(f, cv::Rect((i * 7) % std::max(1, size.width - s), size.height / 3, s, s),
                      cv::Scalar(250, 250, 250), cv::FILLED);
        frames.push_back(f);
    }
    return frames;
}

struct Probe {
    int frames = -1, width = -1, height = -1;
    QString rate;
};

// ffprobe's view of the first video stream; empty when ffprobe is missing or
// fails (scripts/install-deps.sh installs it: the callers fail then).
std::optional<Probe> ffprobe(const QString& input, const QStringList& extra = {}) {
    const QString exe = QStandardPaths::findExecutable("ffprobe");
    if (exe.isEmpty()) return std::nullopt;
    QProcess p;
    QStringList args{"-v", "error"};
    args << extra
         << QStringList{"-count_frames", "-select_streams", "v:0", "-show_entries",
                        "stream=nb_read_frames,width,height,r_frame_rate", "-of",
                        "default=noprint_wrappers=1", input};
    p.start(exe, args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return std::nullopt;
    Probe r;
    for (const QString& line : QString::fromUtf8(p.readAllStandardOutput()).split('\n')) {
        const QString key = line.section('=', 0, 0), value = line.section('=', 1).trimmed();
        if (key == "nb_read_frames") r.frames = value.toInt();
        if (key == "width") r.width = value.toInt();
        if (key == "height") r.height = value.toInt();
        if (key == "r_frame_rate") r.rate = value;
    }
    return r;
}

QStringList entries(const QString& dir) {
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

double meanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat d;
    cv::absdiff(a, b, d);
    return cv::mean(d.reshape(1))[0];
}

// Compared after a small blur: dithering (GIF) trades per-pixel error for
// the right local average.
double blurredDiff(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat ba, bb;
    cv::GaussianBlur(a, ba, cv::Size(5, 5), 0);
    cv::GaussianBlur(b, bb, cv::Size(5, 5), 0);
    return meanAbsDiff(ba, bb);
}

}  // namespace

class TestExporter : public QObject {
    Q_OBJECT

private slots:
    void formatFromPath() {
        QCOMPARE(exportFormatFromPath("a/b.mp4"), std::optional(ExportFormat::Mp4));
        QCOMPARE(exportFormatFromPath("B.WEBM"), std::optional(ExportFormat::WebM));
        QCOMPARE(exportFormatFromPath("x.gif"), std::optional(ExportFormat::Gif));
        QCOMPARE(exportFormatFromPath("frames/"), std::optional(ExportFormat::PngSequence));
        QCOMPARE(exportFormatFromPath("frames"), std::optional(ExportFormat::PngSequence));
        QVERIFY(!exportFormatFromPath("x.avi"));
        QVERIFY(!exportFormatFromPath("x.png"));
        QVERIFY(!exportFormatFromPath(""));
        QCOMPARE(encodedSize(ExportFormat::Mp4, {161, 121}), cv::Size(162, 122));
        QCOMPARE(encodedSize(ExportFormat::WebM, {161, 121}), cv::Size(161, 121));
        QCOMPARE(QString(toString(ExportFormat::PngSequence)), QString("png"));
    }

    void everyFormat_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("fps");
        QTest::addColumn<int>("frames");
        QTest::addColumn<QString>("codec");
        QTest::newRow("mp4") << "out.mp4" << 160 << 120 << 24 << 13 << "h264";
        QTest::newRow("mp4 odd size") << "odd.mp4" << 161 << 121 << 30 << 7 << "h264";
        QTest::newRow("webm") << "out.webm" << 160 << 120 << 30 << 10 << "vp9";
        QTest::newRow("webm odd size") << "odd.webm" << 99 << 75 << 12 << 5 << "vp9";
        QTest::newRow("gif") << "out.gif" << 96 << 64 << 20 << 8 << "gif";
        QTest::newRow("png sequence") << "frames" << 64 << 48 << 24 << 5 << "png";
    }

    void everyFormat() {
        QFETCH(QString, name);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, fps);
        QFETCH(int, frames);
        QFETCH(QString, codec);
        QTemporaryDir dir;
        const std::string path = dir.filePath(name).toStdString();
        const auto input = makeFrames(frames, {width, height});
        {
            Exporter ex(path, {width, height}, fps);
            for (const auto& f : input) ex.addFrame(f);
            QCOMPARE(ex.framesWritten(), frames);
            // Nothing at the destination until finish().
            QVERIFY(!fs::exists(path));
            ex.finish();
            QVERIFY(ex.finished());
        }
        // Exactly the output, no temporaries.
        QCOMPARE(entries(dir.path()), QStringList{name});
        const cv::Size enc = encodedSize(*exportFormatFromPath(path), {width, height});

        if (codec == "png") {
            const QStringList files = entries(dir.filePath(name));
            QCOMPARE(files.size(), frames);
            QCOMPARE(files.first(), QString("frame_00000.png"));
            QCOMPARE(files.last(), QString("frame_%1.png").arg(frames - 1, 5, 10, QChar('0')));
            for (int i = 0; i < frames; ++i) {
                const cv::Mat f = cv::imread(dir.filePath(files[i]).toStdString().insert(
                    dir.path().size() + 1, name.toStdString() + "/"));
                QCOMPARE(f.size(), cv::Size(width, height));
                QCOMPARE(meanAbsDiff(f, input[i]), 0.0);  // lossless
            }
            const auto fp = ffprobe(dir.filePath(name + "/frame_%05d.png"),
                                    {"-framerate", QString::number(fps)});
            QVERIFY2(fp, "ffprobe is missing or failed (scripts/install-deps.sh installs ffmpeg)");
            QCOMPARE(fp->frames, frames);
            QCOMPARE(fp->width, width);
            QCOMPARE(fp->rate, QString("%1/1").arg(fps));
            return;
        }

        const VideoInfo info = probeVideo(path);
        QCOMPARE(QString::fromStdString(info.codec), codec);
        QCOMPARE(info.frames, frames);
        QCOMPARE(info.width, enc.width);
        QCOMPARE(info.height, enc.height);
        QCOMPARE(info.fpsNum / info.fpsDen, fps);
        QCOMPARE(info.fpsNum % info.fpsDen, 0);
        if (codec != "gif") QCOMPARE(QString::fromStdString(info.pixelFormat), QString("yuv420p"));

        const auto fp = ffprobe(QString::fromStdString(path));
        QVERIFY2(fp, "ffprobe is missing or failed (scripts/install-deps.sh installs ffmpeg)");
        QCOMPARE(fp->frames, frames);
        QCOMPARE(fp->width, enc.width);
        QCOMPARE(fp->height, enc.height);
        QCOMPARE(fp->rate, QString("%1/1").arg(fps));

        // The pictures survive: first and last frame close to the input (the
        // padding of an odd MP4 is cropped off for the comparison).
        const cv::Rect crop(0, 0, width, height);
        const cv::Mat first = loadVideoFrame(path, 0);
        const cv::Mat last = loadVideoFrame(path, frames - 1);
        QCOMPARE(first.size(), enc);
        const double d0 = blurredDiff(first(crop), input.front());
        const double d1 = blurredDiff(last(crop), input.back());
        qInfo("mean abs error (blurred) first %.2f last %.2f, unblurred first %.2f", d0, d1,
              meanAbsDiff(first(crop), input.front()));
        // GIF: 255 colours for a clip of 3-D gradients (~50k colours) costs a few levels.
        const double tol = codec == "gif" ? 8.0 : 4.0;
        QVERIFY(d0 < tol);
        QVERIFY(d1 < tol);
        if (enc != cv::Size(width, height)) {
            // The extra column repeats the last one.
            QVERIFY(meanAbsDiff(first.col(width), first.col(width - 1)) < 4.0);
        }
    }

    void unwritablePathThrowsAndLeavesNothing_data() {
        QTest::addColumn<QString>("relative");
        QTest::newRow("mp4 in missing folder") << "missing/out.mp4";
        QTest::newRow("webm under a file") << "file.txt/out.webm";
        QTest::newRow("gif in missing folder") << "missing/out.gif";
        QTest::newRow("png dir under a file") << "file.txt/frames";
        QTest::newRow("png dir in missing folder") << "missing/deeper/frames";
    }
    void unwritablePathThrowsAndLeavesNothing() {
        QFETCH(QString, relative);
        QTemporaryDir dir;
        QFile marker(dir.filePath("file.txt"));
        QVERIFY(marker.open(QIODevice::WriteOnly));
        marker.write("x");
        marker.close();
        const std::string path = dir.filePath(relative).toStdString();
        try {
            Exporter ex(path, {64, 48}, 24);
            QFAIL("an unwritable path was accepted");
        } catch (const MediaError& e) {
            const QString what = e.what();
            QVERIFY2(what.startsWith(QString::fromStdString(path) + ": cannot write"), qPrintable(what));
        }
        QCOMPARE(entries(dir.path()), QStringList{"file.txt"});
    }

    void abandonedExportLeavesNothing() {
        QTemporaryDir dir;
        const auto frames = makeFrames(3, {64, 48});
        for (const char* name : {"a.mp4", "a.webm", "a.gif", "seq"}) {
            Exporter ex(dir.filePath(name).toStdString(), {64, 48}, 24);
            ex.addFrame(frames[0]);
            ex.addFrame(frames[1]);
            QCOMPARE(entries(dir.path()).size(), 1);  // the hidden temporary
        }  // destroyed without finish()
        QCOMPARE(entries(dir.path()), QStringList{});
        // Finishing without frames is an error and leaves nothing either.
        {
            Exporter empty(dir.filePath("empty.webm").toStdString(), {64, 48}, 24);
            QVERIFY_THROWS_EXCEPTION(MediaError, empty.finish());
        }
        QCOMPARE(entries(dir.path()), QStringList{});
        // A wrong frame size is refused, the export can still finish.
        Exporter ex(dir.filePath("b.mp4").toStdString(), {64, 48}, 24);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ex.addFrame(cv::Mat(10, 10, CV_8UC3)));
        ex.addFrame(frames[2]);
        ex.finish();
        QCOMPARE(probeVideo(dir.filePath("b.mp4").toStdString()).frames, 1);
    }

    void existingOutputIsReplacedWhole() {
        QTemporaryDir dir;
        const std::string mp4 = dir.filePath("clip.mp4").toStdString();
        exportFrames(makeFrames(5, {64, 48}), mp4, 24);
        exportFrames(makeFrames(3, {80, 60}), mp4, 24);
        QCOMPARE(probeVideo(mp4).frames, 3);
        QCOMPARE(probeVideo(mp4).width, 80);
        // A PNG folder from an earlier export is replaced (5 frames -> 2).
        const std::string seq = dir.filePath("seq").toStdString();
        exportFrames(makeFrames(5, {32, 24}), seq, 24);
        exportFrames(makeFrames(2, {32, 24}), seq, 24);
        QCOMPARE(entries(QString::fromStdString(seq)).size(), 2);
        // A folder with other files in it is not ours to replace.
        QFile other(dir.filePath("seq/notes.txt"));
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.close();
        QVERIFY_THROWS_EXCEPTION(MediaError, Exporter(seq, {32, 24}, 24));
        QCOMPARE(entries(QString::fromStdString(seq)).size(), 3);
        QCOMPARE(entries(dir.path()), (QStringList{"clip.mp4", "seq"}));
    }

    void referenceFrameFromVideo() {
        QTemporaryDir dir;
        const std::string mp4 = dir.filePath("ref.mp4").toStdString();
        const auto frames = makeFrames(6, {96, 64});
        exportFrames(frames, mp4, 24);
        const cv::Mat f0 = loadReference(mp4);
        QCOMPARE(f0.size(), cv::Size(96, 64));
        QVERIFY(meanAbsDiff(f0, frames[0]) < 5.0);
        QVERIFY(meanAbsDiff(loadVideoFrame(mp4, 4), frames[4]) < 5.0);
        QVERIFY_THROWS_EXCEPTION(MediaError, loadVideoFrame(mp4, 6));
        QVERIFY_THROWS_EXCEPTION(MediaError, loadVideoFrame(dir.filePath("none.mp4").toStdString()));
    }
};

QTEST_APPLESS_MAIN(TestExporter)
#include "test_exporter.moc"
