// The export dialog: MP4 / WebM / GIF / PNG sequence at the original or a
// scaled size and a chosen fps, written off the GUI thread; the file read back
// with boxanim::probeVideo has the frame count and size asked for; a cancelled
// export leaves an existing file as it was; the last folder is remembered.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <opencv2/imgproc.hpp>

#include "core/media/exporter.h"
#include "test_util.h"
#include "ui/export_dialog.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/player.h"

using namespace boxanim;
using namespace boxanim::ui;

namespace {
ClipFrames clip(int n, int w, int h) {
    auto v = std::make_shared<std::vector<cv::Mat>>();
    for (int i = 0; i < n; ++i) {
        cv::Mat f(h, w, CV_8UC3, cv::Scalar(40, 80, 120));
        cv::rectangle(f, cv::Rect(i * (w - 20) / std::max(1, n - 1), h / 3, 20, h / 3),
                      cv::Scalar(30, 30, 230), cv::FILLED);
        v->push_back(f);
    }
    return FrameStore::fromFrames(*v);
}

bool runExport(ExportDialog& d, bool* ok = nullptr) {
    QSignalSpy done(&d, &ExportDialog::exportFinished);
    if (!d.startExport()) return false;
    if (!done.wait(120000)) return false;
    if (ok) *ok = done.first().at(0).toBool();
    return true;
}
}  // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void exportsEveryFormat_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("scaled");
        QTest::newRow("mp4 original") << int(ExportDialog::Mp4) << "clip.mp4" << false;
        QTest::newRow("mp4 scaled") << int(ExportDialog::Mp4) << "small.mp4" << true;
        QTest::newRow("webm") << int(ExportDialog::WebM) << "clip.webm" << false;
        QTest::newRow("gif scaled") << int(ExportDialog::Gif) << "clip.gif" << true;
    }
    void exportsEveryFormat() {
        QFETCH(int, format);
        QFETCH(QString, name);
        QFETCH(bool, scaled);
        QTemporaryDir dir;
        ExportDialog d(clip(14, 200, 150), 24, QStringLiteral("clip"));
        d.setFormat(ExportDialog::Format(format));
        d.setPath(dir.filePath(name));
        d.setScaled(scaled, 100);
        d.setFps(12);
        const QSize expect =
            scaled ? QSize(100, 76) : QSize(200, 150);  // 75 rounded to even for video
        const QSize size = d.outputSize();
        if (format == ExportDialog::Gif && scaled)
            QCOMPARE(size, QSize(100, 75));
        else
            QCOMPARE(size, expect);
        bool ok = false;
        QVERIFY(runExport(d, &ok));
        QVERIFY(ok);
        QCOMPARE(d.progressBar()->value(), 14);
        const VideoInfo info = probeVideo(dir.filePath(name).toStdString());
        QCOMPARE(info.frames, 14);
        QCOMPARE(info.width, size.width());
        QCOMPARE(info.height, size.height());
        // Every format at the chosen 12 fps, GIF included (its 1/100 s delays
        // alternate 8 and 9 so the rate averages exactly 12).
        QCOMPARE(info.fpsDen > 0 ? info.fpsNum % info.fpsDen : -1, 0);
        QCOMPARE(info.fpsNum / info.fpsDen, 12);
        QCOMPARE(ExportDialog::lastFolder(), dir.path());
        // No temporary left: the exporter's are hidden (.name.part-...), so list those too.
        const QStringList left =
            QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
        QCOMPARE(left, QStringList{name});
    }

    void pngSequence() {
        QTemporaryDir dir;
        ExportDialog d(clip(5, 64, 48), 24, QStringLiteral("clip"));
        d.setFormat(ExportDialog::PngSequence);
        QVERIFY(!d.path().endsWith(QLatin1String(".mp4")));
        d.setPath(dir.filePath(QStringLiteral("frames")));
        bool ok = false;
        QVERIFY(runExport(d, &ok));
        QVERIFY(ok);
        const QStringList pngs =
            QDir(dir.filePath(QStringLiteral("frames"))).entryList({"*.png"}, QDir::Files);
        QCOMPARE(pngs.size(), 5);
        QImage first(dir.filePath(QStringLiteral("frames/")) + pngs.first());
        QCOMPARE(first.size(), QSize(64, 48));
    }

    void cancelledExportKeepsTheOldFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("keep.webm"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("old contents");
        }
        ExportDialog d(clip(200, 640, 480), 24, QStringLiteral("keep"));
        d.setFormat(ExportDialog::WebM);
        d.setPath(path);
        QSignalSpy done(&d, &ExportDialog::exportFinished);
        QVERIFY(d.startExport());
        QVERIFY(d.isRunning());
        d.reject();  // Cancel while running stops the export
        QVERIFY(done.wait(120000));
        QCOMPARE(done.first().at(0).toBool(), false);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("old contents"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System |
                                            QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("keep.webm")});  // no hidden temporary either
    }

    void exportFromTheEditorAfterGenerating() {
        QTemporaryDir dir;
        test::Harness h(dir.path());
        QVERIFY(!h.window->exportAction()->isEnabled());
        QVERIFY(h.window->createExportDialog() == nullptr);
        const QString img =
            test::makeImage(dir.path(), QStringLiteral("photo.png"), QSize(320, 240));
        QVERIFY(h.window->newFromImage(img));
        h.drag(QPointF(60, 70), QPointF(140, 130));  // a hard box: an object
        QCOMPARE(int(h.doc()->project().objects.size()), 1);
        h.window->generationPanel()->engineBox()->setCurrentIndex(
            h.window->generationPanel()->engineBox()->findData(QStringLiteral("cutout")));
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QVERIFY(h.window->generationPanel()->generate() > 0);
        QVERIFY(ended.wait(120000));
        QCOMPARE(c->outcome().state, JobState::Finished);
        QVERIFY(h.window->exportAction()->isEnabled());
        std::unique_ptr<ExportDialog> d(h.window->createExportDialog());
        QVERIFY(d);
        d->setFormat(ExportDialog::Mp4);
        d->setPath(dir.filePath(QStringLiteral("out.mp4")));
        bool ok = false;
        QVERIFY(runExport(*d, &ok));
        QVERIFY(ok);
        const Project& p = h.doc()->project();
        const VideoInfo info = probeVideo(dir.filePath(QStringLiteral("out.mp4")).toStdString());
        QCOMPARE(info.frames, p.timeline.frames);
        QCOMPARE(info.width, p.output.width);
        QCOMPARE(info.height, p.output.height);
    }
};

QTEST_MAIN(TestExportDialog)
#include "test_export_dialog.moc"
