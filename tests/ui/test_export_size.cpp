// Output size and the end of an export (issue 13, items 11 and 10): H.264's
// 4:2:0 colour needs even sides, and the dialog says so when an odd size is
// padded; WebM, GIF and PNG get exactly the size asked for, scaled or not;
// the progress bar stays short of 100% while a GIF is still being finished.
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <opencv2/imgproc.hpp>

#include "core/media/exporter.h"
#include "ui/export_dialog.h"

using namespace boxanim;
using namespace boxanim::ui;

namespace {
ClipFrames clip(int n, int w, int h) {
    auto v = std::make_shared<std::vector<cv::Mat>>();
    for (int i = 0; i < n; ++i) {
        cv::Mat f(h, w, CV_8UC3, cv::Scalar(40, 80, 120));
        cv::circle(f, cv::Point(20 + i * 10, h / 2), 15, cv::Scalar(30, 30, 230), cv::FILLED);
        v->push_back(f);
    }
    return FrameStore::fromFrames(*v);
}

bool runExport(ExportDialog& d) {
    QSignalSpy done(&d, &ExportDialog::exportFinished);
    if (!d.startExport()) return false;
    if (!done.wait(120000)) return false;
    return done.first().at(0).toBool();
}
}  // namespace

class TestExportSize : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void exactSizesWhereTheFormatAllows_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("scaleTo");  // 0: the original size
        QTest::addColumn<QSize>("asked");
        QTest::addColumn<QSize>("written");
        // The example project's 413 x 356.
        QTest::newRow("mp4 odd") << int(ExportDialog::Mp4) << "c.mp4" << 0 << QSize(413, 356) << QSize(414, 356);
        QTest::newRow("webm odd") << int(ExportDialog::WebM) << "c.webm" << 0 << QSize(413, 356) << QSize(413, 356);
        QTest::newRow("gif odd") << int(ExportDialog::Gif) << "c.gif" << 0 << QSize(413, 356) << QSize(413, 356);
        // Scaled to 101 wide: 356 * 101 / 413 = 87.06 -> 87.
        QTest::newRow("webm scaled odd") << int(ExportDialog::WebM) << "s.webm" << 101 << QSize(101, 87) << QSize(101, 87);
        QTest::newRow("gif scaled odd") << int(ExportDialog::Gif) << "s.gif" << 101 << QSize(101, 87) << QSize(101, 87);
        QTest::newRow("mp4 scaled") << int(ExportDialog::Mp4) << "s.mp4" << 101 << QSize(102, 88) << QSize(102, 88);
    }
    void exactSizesWhereTheFormatAllows() {
        QFETCH(int, format);
        QFETCH(QString, name);
        QFETCH(int, scaleTo);
        QFETCH(QSize, asked);
        QFETCH(QSize, written);
        QTemporaryDir dir;
        ExportDialog d(clip(4, 413, 356), 12, QStringLiteral("c"));
        d.setFormat(ExportDialog::Format(format));
        d.setPath(dir.filePath(name));
        d.setScaled(scaleTo > 0, scaleTo);
        QCOMPARE(d.outputSize(), asked);
        QCOMPARE(d.encodedSize(), written);
        if (asked != written) {
            const QString note = d.sizeNote();
            QVERIFY2(note.contains(QLatin1String("even")) && note.contains(QLatin1String("4:2:0")) &&
                         note.contains(QString::fromUtf8("413 × 356")) &&
                         note.contains(QString::fromUtf8("414 × 356")),
                     qPrintable(note));
            // Shown in the dialog.
            bool shown = false;
            for (QLabel* l : d.findChildren<QLabel*>()) shown = shown || (l->text() == note && !l->isHidden());
            QVERIFY(shown);
        } else {
            QVERIFY(d.sizeNote().isEmpty());
        }
        QVERIFY(runExport(d));
        const VideoInfo info = probeVideo(dir.filePath(name).toStdString());
        QCOMPARE(QSize(info.width, info.height), written);
        QCOMPARE(info.frames, 4);
    }

    void pngSequenceKeepsAnOddScaledSize() {
        QTemporaryDir dir;
        ExportDialog d(clip(3, 413, 356), 12, QStringLiteral("c"));
        d.setFormat(ExportDialog::PngSequence);
        d.setPath(dir.filePath(QStringLiteral("frames")));
        d.setScaled(true, 101);
        QVERIFY(d.sizeNote().isEmpty());
        QVERIFY(runExport(d));
        const QStringList files = QDir(dir.filePath(QStringLiteral("frames"))).entryList(QDir::Files);
        QCOMPARE(files.size(), 3);
        QCOMPARE(QImage(dir.filePath(QStringLiteral("frames/") + files.front())).size(), QSize(101, 87));
    }

    // The GIF used to sit at "100% Exporting…" while its palette was built.
    void aGifStaysShortOfDoneUntilItIsWritten() {
        QTemporaryDir dir;
        const int n = 12;
        ExportDialog d(clip(n, 320, 240), 12, QStringLiteral("g"));
        d.setFormat(ExportDialog::Gif);
        d.setPath(dir.filePath(QStringLiteral("g.gif")));
        QStringList order;
        int fullBeforeDone = 0;
        connect(d.progressBar(), &QProgressBar::valueChanged, this, [&](int v) {
            if (order.isEmpty())  // frames still going in
                fullBeforeDone += v >= n;
        });
        QString finishingText;
        connect(&d, &ExportDialog::finishing, this, [&] {
            order << QStringLiteral("finishing");
            finishingText = d.statusLabel()->text();
            QCOMPARE(d.progressBar()->maximum(), 0);  // busy, not 100%
        });
        connect(&d, &ExportDialog::exportFinished, this, [&] { order << QStringLiteral("finished"); });
        QVERIFY(runExport(d));
        QCOMPARE(order, (QStringList{QStringLiteral("finishing"), QStringLiteral("finished")}));
        QVERIFY2(finishingText.contains(QLatin1String("palette")), qPrintable(finishingText));
        QCOMPARE(fullBeforeDone, 0);
        QCOMPARE(d.progressBar()->value(), n);  // and 100% once written
        QCOMPARE(d.progressBar()->maximum(), n);
    }
};

QTEST_MAIN(TestExportSize)
#include "test_export_size.moc"
