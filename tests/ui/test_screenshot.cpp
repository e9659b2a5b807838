// `boxanim --screenshot OUT.png [PROJECT]` writes a non-empty 1280x800 PNG.
#include <QColor>
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
