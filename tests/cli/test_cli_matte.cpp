// `boxanim-cli matte PROJECT -o DIR`: one 8-bit grey PNG per object, named by
// its id, at the reference image's size; strokes included; bad input -> 2.
#include <QtTest>

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

namespace {

const QString kCli = QStringLiteral(BOXANIM_BIN_DIR "/boxanim-cli");
const QString kImage = QStringLiteral(BOXANIM_SOURCE_DIR "/resources/examples/smarties.png");

struct Run {
    int code = -1;
    QString out, err;
};

Run runCli(const QStringList& args) {
    QProcess p;
    p.start(kCli, args);
    p.waitForFinished(240000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

// smarties.png is 413x356; two candies with boxes around them, the second
// with an exclude stroke over its centre.
QByteArray project(const QString& image) {
    return QString(R"({"format":"boxanim-project","version":2,"id":"p1",
      "reference":{"path":"%1"},"timeline":{"frames":12,"fps":12},
      "output":{"width":413,"height":356},
      "objects":[
        {"id":"candy-a","keyframes":[{"frame":0,"box":[0.43,0.51,0.56,0.67],"kind":"hard"}]},
        {"id":"candy-b","keyframes":[{"frame":0,"box":[0.02,0.62,0.17,0.80],"kind":"hard"}],
         "strokes":[{"mode":"exclude","radius":0.03,"points":[[0.095,0.71]]}]}],
      "generation":{"engine":"cutout"}})")
        .arg(image)
        .toUtf8();
}

}  // namespace

class TestCliMatte : public QObject {
    Q_OBJECT
private slots:
    void writesOnePngPerObject() {
        QTemporaryDir dir;
        const QString proj = dir.filePath("p.boxanim");
        QFile f(proj);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(project(kImage));
        f.close();
        const QString out = dir.filePath("mattes");
        const Run r = runCli({"matte", proj, "-o", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* id : {"candy-a", "candy-b"}) {
            QImage m(out + "/" + id + ".png");
            QVERIFY2(!m.isNull(), id);
            QCOMPARE(m.size(), QSize(413, 356));
            QCOMPARE(m.format(), QImage::Format_Grayscale8);
            QVERIFY(r.out.contains(QString(id) + ".png"));
        }
        const QImage a(out + "/candy-a.png"), b(out + "/candy-b.png");
        // Each candy is taken inside its box, nothing far outside.
        QVERIFY(qGray(a.pixel(int(0.495 * 413), int(0.59 * 356))) > 200);
        QCOMPARE(qGray(a.pixel(5, 5)), 0);
        // The exclude stroke removes the second candy's centre.
        QVERIFY(qGray(b.pixel(int(0.095 * 413), int(0.71 * 356))) < 30);
        QCOMPARE(qGray(b.pixel(int(0.495 * 413), int(0.59 * 356))), 0);
    }

    void badInputExitsWithTwo() {
        QTemporaryDir dir;
        const Run noArgs = runCli({"matte"});
        QCOMPARE(noArgs.code, 2);
        QVERIFY(noArgs.err.contains("matte: expected PROJECT -o DIR"));
        const Run missing = runCli({"matte", dir.filePath("none.boxanim"), "-o", dir.filePath("o")});
        QCOMPARE(missing.code, 2);
        QVERIFY(missing.err.contains("does not exist"));
        QFile f(dir.filePath("p.boxanim"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(project(kImage));
        f.close();
        const Run both = runCli({"matte", dir.filePath("p.boxanim"), "-o", dir.filePath("o"),
                                 "--grabcut-only", "--network-only"});
        QCOMPARE(both.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliMatte)
#include "test_cli_matte.moc"
