// boxanim-cli as a user runs it: exit codes, one-line messages, no partial files.
#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include "core/media/exporter.h"
#include "core/media/image_io.h"
#include "core/project/project_io.h"

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
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString projectJson(const QString& objects, int frames = 12, const QString& image = "img.png") {
    return QString(R"({"format":"boxanim-project","version":1,"id":"p1",
      "reference":{"path":"%1"},"timeline":{"frames":%2,"fps":12},
      "output":{"width":200,"height":160},"objects":%3,
      "generation":{"engine":"cutout"}})")
        .arg(image)
        .arg(frames)
        .arg(objects);
}

QString oneObject(const QString& keyframes) {
    return QString(R"([{"id":"o1","name":"candy","keyframes":%1}])").arg(keyframes);
}

const QString kGoodKeys =
    R"([{"frame":0,"box":[0.43,0.51,0.56,0.67],"kind":"hard"},{"frame":11,"box":[0.2,0.2,0.33,0.36],"kind":"hard"}])";

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

quint32 crc32(const QByteArray& data) {
    quint32 c = 0xFFFFFFFFu;
    for (unsigned char b : data) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

// A PNG whose header claims width x height, followed by no pixel data.
QByteArray pngHeaderOnly(quint32 width, quint32 height) {
    QByteArray ihdr("IHDR");
    auto be32 = [](QByteArray& a, quint32 v) {
        a.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
    };
    be32(ihdr, width);
    be32(ihdr, height);
    ihdr.append(char(8)).append(char(2)).append(char(0)).append(char(0)).append(char(0));
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    be32(png, 13);
    png.append(ihdr);
    be32(png, crc32(ihdr));
    return png;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }

    // Writes a project, renders it, and checks the failure contract.
    void expectBadInput(const QString& project, const QString& expectInMessage,
                        const QString& outName = "out.gif") {
        writeFile(path("p.boxanim"), project.toUtf8());
        const QString out = path(outName);
        QFile::remove(out);
        Run r = runCli({"render", path("p.boxanim"), "-o", out, "--engine", "cutout"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expectInMessage), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);  // one line
        QVERIFY(!QFile::exists(out));
        // Nothing half-written beside it either.
        QCOMPARE(QDir(dir_.path()).entryList({"*.tmp*", ".*tmp*"}, QDir::Files | QDir::Hidden).size(), 0);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(QFile::copy(kImage, path("img.png")));
    }

    void rendersACutoutClip() {
        writeFile(path("good.boxanim"), projectJson(oneObject(kGoodKeys)).toUtf8());
        Run r = runCli({"render", path("good.boxanim"), "-o", path("good.gif"), "--frames", "9",
                        "--fps", "10", "--size", "160x128"});
        QCOMPARE(r.code, 0);
        const boxanim::VideoInfo info = boxanim::probeVideo(path("good.gif").toStdString());
        QCOMPARE(info.frames, 9);
        QCOMPARE(info.width, 160);
        QCOMPARE(info.height, 128);
    }

    void newAndInfo() {
        Run r = runCli({"new", path("img.png"), "-o", path("new.boxanim")});
        QCOMPARE(r.code, 0);
        // The new project loads, points at the image (relative path, its
        // sha256), has the image's aspect, a timeline and no objects yet.
        const boxanim::Project made = boxanim::loadProject(path("new.boxanim").toStdString());
        QCOMPARE(QString::fromStdString(
                     boxanim::resolveReferencePath(made, path("new.boxanim").toStdString())),
                 QFileInfo(path("img.png")).absoluteFilePath());
        QFile img(path("img.png"));
        QVERIFY(img.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromStdString(made.reference.sha256),
                 QString::fromLatin1(QCryptographicHash::hash(img.readAll(), QCryptographicHash::Sha256).toHex()));
        const cv::Mat pixels = boxanim::loadImage(path("img.png").toStdString());
        QVERIFY(made.output.width > 0 && made.output.height > 0);
        QVERIFY(std::abs(double(made.output.width) / made.output.height - double(pixels.cols) / pixels.rows) < 0.01);
        QVERIFY(made.timeline.frames > 1 && made.timeline.fps > 0);
        QVERIFY(made.objects.empty());
        QVERIFY(!made.id.empty());
        writeFile(path("info.boxanim"), projectJson(oneObject(kGoodKeys)).toUtf8());
        r = runCli({"info", path("info.boxanim")});
        QCOMPARE(r.code, 0);
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8());
        const QJsonArray track = doc["objects"][0]["track"].toArray();
        QCOMPARE(track.size(), 12);
        QCOMPARE(track[0]["kind"].toString(), QString("hard"));
        QCOMPARE(track[5]["kind"].toString(), QString("soft"));
        QCOMPARE(track[11]["box"][0].toDouble(), 0.2);
    }

    void corruptJson() { expectBadInput("{\"format\": \"boxanim-project\", ", "not valid JSON"); }
    void truncatedJson() {
        const QString full = projectJson(oneObject(kGoodKeys));
        expectBadInput(full.left(full.size() - 20), "not valid JSON");
    }
    void missingImage() {
        expectBadInput(projectJson(oneObject(kGoodKeys), 12, "gone.png"), "gone.png");
    }
    void truncatedImage() {
        QFile f(kImage);
        QVERIFY(f.open(QIODevice::ReadOnly));
        writeFile(path("half.png"), f.read(f.size() / 3));
        expectBadInput(projectJson(oneObject(kGoodKeys), 12, "half.png"), "half.png");
    }
    void notAnImage() {
        writeFile(path("notes.png"), "these are not pixels\n");
        expectBadInput(projectJson(oneObject(kGoodKeys), 12, "notes.png"), "notes.png");
    }
    void hugeImage() {
        writeFile(path("huge.png"), pngHeaderOnly(12000, 9000));
        expectBadInput(projectJson(oneObject(kGoodKeys), 12, "huge.png"), "huge.png");
    }
    void zeroAreaBox() {
        expectBadInput(projectJson(oneObject(R"([{"frame":0,"box":[0.4,0.5,0.4,0.6],"kind":"hard"}])")),
                       "/objects/0/keyframes/0/box");
    }
    void invertedBox() {
        expectBadInput(projectJson(oneObject(R"([{"frame":0,"box":[0.6,0.5,0.4,0.6],"kind":"hard"}])")),
                       "inverted");
    }
    void keyframeOutsideTimeline() {
        expectBadInput(
            projectJson(oneObject(R"([{"frame":0,"box":[0.4,0.5,0.5,0.6],"kind":"hard"},{"frame":30,"box":[0.4,0.5,0.5,0.6],"kind":"soft"}])")),
            "/objects/0/keyframes/1/frame");
    }
    void noHardBoxAtFrameZero() {
        expectBadInput(projectJson(oneObject(R"([{"frame":0,"box":[0.4,0.5,0.5,0.6],"kind":"soft"}])")),
                       "no hard box at frame 0");
    }
    void framesZero() { expectBadInput(projectJson("[]", 0), "/timeline/frames"); }
    void framesAbsurd() { expectBadInput(projectJson("[]", 20000), "/timeline/frames"); }
    void unwritableOutput() {
        expectBadInput(projectJson(oneObject(kGoodKeys)), "does not exist", "no/such/dir/out.mp4");
    }
    void unknownFormat() {
        expectBadInput(projectJson(oneObject(kGoodKeys)), "unknown output format", "out.avi");
    }
    void badArguments() {
        writeFile(path("args.boxanim"), projectJson(oneObject(kGoodKeys)).toUtf8());
        for (const QStringList& args :
             {QStringList{"render", path("args.boxanim"), "-o", path("a.gif"), "--steps", "99"},
              QStringList{"render", path("args.boxanim"), "-o", path("a.gif"), "--engine", "magic"},
              QStringList{"render", path("args.boxanim"), "-o", path("a.gif"), "--bogus"},
              QStringList{"render", path("args.boxanim")}, QStringList{"frobnicate"}, QStringList{}}) {
            Run r = runCli(args);
            QCOMPARE(r.code, 2);
            QVERIFY(!QFile::exists(path("a.gif")));
        }
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
