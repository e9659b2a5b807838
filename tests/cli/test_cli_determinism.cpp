// A seed gives byte-identical frames on one machine (issue 14 item 11): the
// default engine renders smarties-roll twice with --seed 7, and the decoded
// frames (a PNG sequence, and an MP4 decoded frame by frame) must be equal.
#include <QtTest>

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/media/exporter.h"
#include "core/media/image_io.h"

namespace {

const QString kCli = QStringLiteral(BOXANIM_BIN_DIR "/boxanim-cli");
const QString kProject = QStringLiteral(BOXANIM_SOURCE_DIR "/resources/examples/smarties-roll.boxanim");

int render(const QString& out) {
    QProcess p;
    p.start(kCli, {"render", kProject, "-o", out, "--seed", "7", "--frames", "16", "--size", "208x178"});
    p.waitForFinished(600000);
    if (p.exitStatus() != QProcess::NormalExit) return -1;
    if (p.exitCode() != 0) qWarning("%s", p.readAllStandardError().constData());
    return p.exitCode();
}

}  // namespace

class TestCliDeterminism : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void sameSeedSameFrames() {
        QVERIFY(dir_.isValid());
        const QString a = dir_.filePath("a"), b = dir_.filePath("b");
        QCOMPARE(render(a), 0);
        QCOMPARE(render(b), 0);
        const QStringList frames = QDir(a).entryList({"frame_*.png"}, QDir::Files, QDir::Name);
        QCOMPARE(frames.size(), 16);
        for (const QString& f : frames) {
            const cv::Mat x = cv::imread((a + "/" + f).toStdString(), cv::IMREAD_UNCHANGED);
            const cv::Mat y = cv::imread((b + "/" + f).toStdString(), cv::IMREAD_UNCHANGED);
            QVERIFY(!x.empty() && x.size() == y.size());
            QVERIFY2(cv::norm(x, y, cv::NORM_INF) == 0.0, qPrintable(f + " differs"));
        }
    }

    void sameSeedSameVideo() {
        const QString a = dir_.filePath("a.mp4"), b = dir_.filePath("b.mp4");
        QCOMPARE(render(a), 0);
        QCOMPARE(render(b), 0);
        for (int i = 0; i < 16; i += 5) {
            const cv::Mat x = boxanim::loadVideoFrame(a.toStdString(), i);
            const cv::Mat y = boxanim::loadVideoFrame(b.toStdString(), i);
            QVERIFY2(cv::norm(x, y, cv::NORM_INF) == 0.0, qPrintable(QString("frame %1 differs").arg(i)));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliDeterminism)
#include "test_cli_determinism.moc"
