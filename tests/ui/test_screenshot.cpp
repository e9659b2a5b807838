// `boxanim --screenshot OUT.png [PROJECT]` writes a non-empty 1280x800 PNG.
#include <QColor>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

class TestScreenshot : public QObject {
    Q_OBJECT

    void shoot(const QStringList& extra, const QString& out) {
        QProcess p;
        QStringList args{QStringLiteral("--screenshot"), out};
        args << extra;
        p.start(QStringLiteral(BOXANIM_EDITOR), args);
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                 p.readAllStandardError().constData());
        QImage img(out);
        QVERIFY(!img.isNull());
        QCOMPARE(img.size(), QSize(1280, 800));
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 50, "the screenshot looks blank");
    }

private slots:
    void emptyWindow() {
        QTemporaryDir tmp;
        shoot({}, tmp.path() + QStringLiteral("/empty.png"));
    }

    void exampleProject() {
        QTemporaryDir tmp;
        const QString project = QStringLiteral(BOXANIM_EXAMPLES "/smarties-path.boxanim");
        if (!QFile::exists(project)) QSKIP("example project not present");
        shoot({project}, tmp.path() + QStringLiteral("/example.png"));
    }

    // --generate 1: the window is captured once the first preview is on the
    // canvas (the example switched to the cutout engine, which needs no model).
    void generating() {
        QTemporaryDir tmp;
        const QString dir = QStringLiteral(BOXANIM_EXAMPLES);
        if (!QFile::exists(dir + QStringLiteral("/smarties-path.boxanim"))) QSKIP("example project not present");
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
        shoot({QStringLiteral("--generate"), QStringLiteral("1"), QStringLiteral("--frame"),
               QStringLiteral("30"), out.fileName()},
              tmp.path() + QStringLiteral("/generating.png"));
    }

    void badProjectFails() {
        QTemporaryDir tmp;
        QProcess p;
        p.start(QStringLiteral(BOXANIM_EDITOR),
                {QStringLiteral("--screenshot"), tmp.path() + QStringLiteral("/x.png"),
                 tmp.path() + QStringLiteral("/nope.boxanim")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("nope.boxanim"));
    }
};

QTEST_GUILESS_MAIN(TestScreenshot)
#include "test_screenshot.moc"
