// `boxanim --screenshot OUT.png [PROJECT]` writes a 1280x800 PNG of the window:
// the photo where the editor says it is, and with --generate the preview on it.
#include <QColor>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

class TestScreenshot : public QObject {
    Q_OBJECT

    // Runs the editor's --screenshot; *image gets the PNG, *photo where the
    // photo lies in it (printed by the editor; empty without a photo).
    void shoot(const QStringList& extra, const QString& out, QImage* image = nullptr, QRect* photo = nullptr) {
        QProcess p;
        // The mattes overlay tints the objects; these checks look at the photo.
        QStringList args{QStringLiteral("--screenshot"), out, QStringLiteral("--no-mattes")};
        args << extra;
        p.start(QStringLiteral(BOXANIM_EDITOR), args);
        QVERIFY(p.waitForFinished(180000));
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                 p.readAllStandardError().constData());
        QImage img(out);
        QVERIFY(!img.isNull());
        QCOMPARE(img.size(), QSize(1280, 800));
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 50, "the screenshot looks blank");
        const QString stdoutText = QString::fromUtf8(p.readAllStandardOutput());
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("photo at (-?\\d+) (-?\\d+) (\\d+) (\\d+)")).match(stdoutText);
        if (photo) {
            QVERIFY2(m.hasMatch(), qPrintable(stdoutText));
            *photo = QRect(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt(),
                           m.captured(4).toInt());
            QVERIFY(QRect(QPoint(), img.size()).contains(*photo));
        }
        if (image) *image = img.convertToFormat(QImage::Format_RGB32);
    }

    // Share of "candy green" pixels in a normalised box of the photo, inner
    // half only (away from box outlines).
    static double greenShare(const QImage& shot, const QRect& photo, QRectF box) {
        box = QRectF(box.x() + box.width() / 4, box.y() + box.height() / 4, box.width() / 2, box.height() / 2);
        int green = 0, n = 0;
        for (int y = int(photo.y() + box.top() * photo.height()); y < photo.y() + box.bottom() * photo.height(); ++y)
            for (int x = int(photo.x() + box.left() * photo.width()); x < photo.x() + box.right() * photo.width(); ++x) {
                const QColor c(shot.pixel(x, y));
                green += c.green() > 150 && c.red() < 120 && c.blue() < 170;
                ++n;
            }
        return n ? double(green) / n : 0.0;
    }

    // Mean absolute difference (0..255, over RGB) between the screenshot and
    // the photo scaled to where it is shown, over a normalised region.
    static double photoDifference(const QImage& shot, const QRect& photo, const QRectF& region) {
        const QImage scaled = QImage(QStringLiteral(BOXANIM_EXAMPLES "/smarties.png"))
                                  .scaled(photo.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                                  .convertToFormat(QImage::Format_RGB32);
        double sum = 0;
        int n = 0;
        for (int y = int(region.top() * photo.height()); y < region.bottom() * photo.height(); ++y)
            for (int x = int(region.left() * photo.width()); x < region.right() * photo.width(); ++x) {
                const QColor a(shot.pixel(photo.x() + x, photo.y() + y)), b(scaled.pixel(x, y));
                sum += std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
                n += 3;
            }
        return n ? sum / n : 255.0;
    }

    // The green candy's frame-0 box and a corner of the photo no object or
    // box reaches (red, orange and brown candies) in smarties-path.boxanim.
    const QRectF kCandyAtZero{0.584, 0.253, 0.133, 0.154};
    const QRectF kStillCorner{0.0, 0.55, 0.5, 0.45};

private slots:
    void emptyWindow() {
        QTemporaryDir tmp;
        shoot({}, tmp.path() + QStringLiteral("/empty.png"));
    }

    // The example project: the canvas shows the photo (the green candy at
    // its frame-0 place), fitted where the editor says.
    void exampleProject() {
        QTemporaryDir tmp;
        const QString project = QStringLiteral(BOXANIM_EXAMPLES "/smarties-path.boxanim");
        QVERIFY2(QFile::exists(project), qPrintable(project));
        QImage shot;
        QRect photo;
        shoot({project}, tmp.path() + QStringLiteral("/example.png"), &shot, &photo);
        const double green = greenShare(shot, photo, kCandyAtZero);
        const double diff = photoDifference(shot, photo, kStillCorner);
        std::printf("example: photo at %d,%d %dx%d; candy green %.2f; still corner differs by %.2f\n", photo.x(),
                    photo.y(), photo.width(), photo.height(), green, diff);
        QVERIFY2(green > 0.7, qPrintable(QString::number(green)));
        QVERIFY2(diff < 5.0, qPrintable(QString::number(diff)));
    }

    // --generate 1: the window is captured once the first preview is on the
    // canvas (the example switched to the cutout engine, which needs no model).
    // At frame 30 the preview shows the candy moved away from its frame-0 place
    // (plate there, not the photo's candy) and the rest of the photo unchanged.
    void generating() {
        QTemporaryDir tmp;
        const QString dir = QStringLiteral(BOXANIM_EXAMPLES);
        QVERIFY2(QFile::exists(dir + QStringLiteral("/smarties-path.boxanim")), qPrintable(dir));
        QFile in(dir + QStringLiteral("/smarties-path.boxanim"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray json = in.readAll();
        json.replace("\"engine\": \"boxflow\"", "\"engine\": \"cutout\"");
        QVERIFY(json.contains("\"cutout\""));
        QVERIFY(QFile::copy(dir + QStringLiteral("/smarties.png"), tmp.filePath(QStringLiteral("smarties.png"))));
        QFile out(tmp.filePath(QStringLiteral("cut.boxanim")));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(json);
        out.close();
        const QStringList frame30{QStringLiteral("--frame"), QStringLiteral("30"), out.fileName()};
        QImage still, preview;
        QRect photo, photo2;
        shoot(frame30, tmp.path() + QStringLiteral("/still.png"), &still, &photo);
        shoot(QStringList{QStringLiteral("--generate"), QStringLiteral("1")} + frame30,
              tmp.path() + QStringLiteral("/generating.png"), &preview, &photo2);
        QCOMPARE(photo2, photo);
        const double greenStill = greenShare(still, photo, kCandyAtZero);
        const double greenPreview = greenShare(preview, photo, kCandyAtZero);
        const double diff = photoDifference(preview, photo, kStillCorner);
        std::printf("frame 30: candy green at its frame-0 place %.2f without a preview, %.2f with; "
                    "still corner differs by %.2f\n", greenStill, greenPreview, diff);
        QVERIFY2(greenStill > 0.7, qPrintable(QString::number(greenStill)));
        QVERIFY2(greenPreview < 0.1, "the canvas does not show the preview (the candy has not left)");
        QVERIFY2(diff < 8.0, "the preview is not this photo's render");
    }

    void badProjectFails() {
        QTemporaryDir tmp;
        QProcess p;
        p.start(QStringLiteral(BOXANIM_EDITOR),
                {QStringLiteral("--screenshot"), tmp.path() + QStringLiteral("/x.png"),
                 tmp.path() + QStringLiteral("/nope.boxanim")});
        QVERIFY(p.waitForFinished(180000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("nope.boxanim"));
    }
};

QTEST_GUILESS_MAIN(TestScreenshot)
#include "test_screenshot.moc"
