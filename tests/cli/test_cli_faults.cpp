// boxanim-cli against bad input and faults (issue 14): exit codes and one-line
// messages naming the file, unusable references caught by `info` exactly as
// by `render`, signals, litter, strict numbers.
#include <QtTest>

#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

namespace {

const QString kCli = QStringLiteral(BOXANIM_BIN_DIR "/boxanim-cli");
const QString kImage = QStringLiteral(BOXANIM_SOURCE_DIR "/resources/examples/smarties.png");

struct Run {
    int code = -1;
    bool crashed = false;
    QString out, err;
};

Run runCli(const QStringList& args, int timeoutMs = 60000) {
    QProcess p;
    p.start(kCli, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, true, {}, "timed out"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            p.exitStatus() != QProcess::NormalExit, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

QString projectJson(const QString& image, const QString& objects = {}, const QString& extra = {}) {
    const QString objs = objects.isEmpty()
        ? QString(R"([{"id":"o1","name":"candy","keyframes":[{"frame":0,"box":[0.43,0.51,0.56,0.67],"kind":"hard"},{"frame":11,"box":[0.2,0.2,0.33,0.36],"kind":"hard"}]}])")
        : objects;
    return QString(R"({"format":"boxanim-project","version":1,"id":"p1",
      "reference":{"path":"%1"},"timeline":{"frames":12,"fps":12},
      "output":{"width":160,"height":128},"objects":%2,
      "generation":{"engine":"cutout"%3}})")
        .arg(image, objs, extra);
}

// Lines of text, without empty ones.
QStringList lines(const QString& s) { return s.split('\n', Qt::SkipEmptyParts); }

// Whether process `pid` has a handler for SIGTERM (SigCgt in /proc/PID/status).
bool catchesSigterm(qint64 pid) {
    QFile f(QString("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return false;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("SigCgt:")) return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> (SIGTERM - 1)) & 1;
    return false;
}

pid_t deadPid() {
    const pid_t child = fork();
    if (child == 0) _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    return child;
}

}  // namespace

class TestCliFaults : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }

    // info and render both answer 2 with one line naming the project and the image.
    void expectUnusableReference(const QString& image, const QString& why) {
        const QString project = path("ref.boxanim");
        writeFile(project, projectJson(image).toUtf8());
        QElapsedTimer t;
        t.start();
        const Run info = runCli({"info", project}, 20000);
        QVERIFY2(!info.crashed, qPrintable(image + ": info " + info.err));
        QCOMPARE(info.code, 2);
        QCOMPARE(lines(info.err).size(), 1);
        QVERIFY2(info.err.contains(project) && info.err.contains(why), qPrintable(info.err));
        const Run render = runCli({"render", project, "-o", path("ref.mp4")}, 20000);
        QVERIFY2(!render.crashed, qPrintable(image + ": render " + render.err));
        QCOMPARE(render.code, 2);
        QCOMPARE(lines(render.err).size(), 1);
        QVERIFY2(render.err.contains(project) && render.err.contains(why), qPrintable(render.err));
        QVERIFY2(!render.err.contains("libpng") && !render.err.contains("moov"), qPrintable(render.err));
        QVERIFY(t.elapsed() < 20000);
        QVERIFY(!QFile::exists(path("ref.mp4")));
    }

    QStringList litter() const {
        return QDir(dir_.path()).entryList({".*part-*", ".*old-*"}, QDir::AllEntries | QDir::Hidden);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(QFile::copy(kImage, path("img.png")));
        writeFile(path("good.boxanim"), projectJson("img.png").toUtf8());
    }

    // Items 1, 2, 7, 8: every unusable reference, through info and render.
    void fifoReference() {
        QCOMPARE(mkfifo(qPrintable(path("fifo.png")), 0644), 0);
        expectUnusableReference("fifo.png", "fifo.png: is a named pipe (FIFO)");
    }
    void devZeroReference() { expectUnusableReference("/dev/zero", "/dev/zero: is a character device"); }
    void devNullReference() { expectUnusableReference("/dev/null", "/dev/null: is a character device"); }
    void folderReference() {
        QDir(dir_.path()).mkdir("folder.png");
        expectUnusableReference("folder.png", "is a directory");
    }
    void textReference() {
        writeFile(path("notes.png"), "these are not pixels\n");
        expectUnusableReference("notes.png", "notes.png: not a supported image");
    }
    void truncatedReference() {
        QFile f(kImage);
        QVERIFY(f.open(QIODevice::ReadOnly));
        writeFile(path("half.png"), f.read(f.size() / 3));
        expectUnusableReference("half.png", "half.png: truncated or damaged PNG");
    }
    void sparse3GiBReference() {
        QVERIFY(QFile::copy(kImage, path("big.png")));
        QCOMPARE(::truncate(qPrintable(path("big.png")), 3LL << 30), 0);
        expectUnusableReference("big.png", "big.png: file is 3072 MiB");
    }
    void fakeVideoReference() {
        writeFile(path("fake.mp4"), QByteArray(5000, 'x'));
        expectUnusableReference("fake.mp4", "fake.mp4: cannot open as a video");
    }

    // Item 6: bad projects are exit 2 with one line naming the project.
    void zeroObjects() {
        writeFile(path("empty.boxanim"), projectJson("img.png", "[]").toUtf8());
        const Run r = runCli({"render", path("empty.boxanim"), "-o", path("empty.mp4")});
        QCOMPARE(r.code, 2);
        QCOMPARE(lines(r.err).size(), 1);
        QVERIFY2(r.err.contains(path("empty.boxanim") + ": /objects: the project has no objects"), qPrintable(r.err));
    }
    void unknownModel() {
        writeFile(path("model.boxanim"),
                  projectJson("img.png", {}, R"(,"model":"no-such-model")").replace("cutout", "boxflow").toUtf8());
        const Run r = runCli({"render", path("model.boxanim"), "-o", path("model.mp4")});
        QCOMPARE(r.code, 2);
        QCOMPARE(lines(r.err).size(), 1);
        QVERIFY2(r.err.contains("/generation/model: unknown model \"no-such-model\""), qPrintable(r.err));
    }
    void outputIsDevNull() {
        const Run r = runCli({"render", path("good.boxanim"), "-o", "/dev/null"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("/dev/null") && r.err.contains("exists and is not a directory"), qPrintable(r.err));
    }
    void outputInProc() {
        const Run r = runCli({"render", path("good.boxanim"), "-o", "/proc/o.mp4"});
        QCOMPARE(r.code, 2);
        QCOMPARE(lines(r.err).size(), 1);
        QVERIFY2(r.err.contains("/proc/o.mp4") && !r.err.contains("does not exist"), qPrintable(r.err));
    }

    // Item 5: an existing folder named like a video is not a PNG sequence,
    // unless asked for with --format png.
    void videoNamedFolder() {
        QDir(dir_.path()).mkdir("isdir.mp4");
        Run r = runCli({"render", path("good.boxanim"), "-o", path("isdir.mp4")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("a folder of that name exists"), qPrintable(r.err));
        QCOMPARE(QDir(path("isdir.mp4")).entryList(QDir::Files).size(), 0);
        r = runCli({"render", path("good.boxanim"), "-o", path("isdir.mp4"), "--format", "png", "--frames", "3"});
        QCOMPARE(r.code, 0);
        QCOMPARE(QDir(path("isdir.mp4")).entryList(QDir::Files).size(), 3);
        r = runCli({"render", path("good.boxanim"), "-o", path("x.mp4"), "--format", "avi"});
        QCOMPARE(r.code, 2);
    }

    // Item 9: numbers are plain digits.
    void strictNumbers() {
        for (const QString& seed : {QString("+5"), QString(" 5"), QString("5 "), QString("0x5"), QString("-1"), QString("")}) {
            const Run r = runCli({"render", path("good.boxanim"), "-o", path("s.gif"), "--seed", seed});
            QVERIFY2(r.code == 2, qPrintable("--seed \"" + seed + "\" accepted"));
            QVERIFY(r.err.contains("--seed"));
        }
        const Run r = runCli({"render", path("good.boxanim"), "-o", path("s.gif"), "--frames", "+3"});
        QCOMPARE(r.code, 2);
        QVERIFY(!QFile::exists(path("s.gif")));
    }

    // Item 4: SIGTERM right at the start, and while encoding: exit 1, no litter.
    void sigtermAtStart() {
        // From the moment the process catches SIGTERM (its .preinit_array,
        // before the libraries' static initialisers), and a little later.
        for (int delayMs : {0, 100, 400}) {
            QProcess p;
            p.start(kCli, {"render", path("good.boxanim"), "-o", path("t.mp4")});
            QVERIFY(p.waitForStarted());
            QElapsedTimer t;
            t.start();
            while (!catchesSigterm(p.processId()) && t.elapsed() < 10000) QThread::usleep(200);
            QVERIFY(catchesSigterm(p.processId()));
            if (delayMs) QThread::msleep(delayMs);
            ::kill(static_cast<pid_t>(p.processId()), SIGTERM);
            QVERIFY(p.waitForFinished(60000));
            QVERIFY2(p.exitStatus() == QProcess::NormalExit,
                     qPrintable(QString("killed by the signal after %1 ms").arg(delayMs)));
            QCOMPARE(p.exitCode(), 1);
            QVERIFY(!QFile::exists(path("t.mp4")));
            QVERIFY2(litter().isEmpty(), qPrintable(litter().join(' ')));
        }
    }
    void sigtermWhileEncoding() {
        writeFile(path("long.boxanim"),
                  projectJson("img.png").replace(R"("frames":12)", R"("frames":400)")
                      .replace(R"(11,"box")", R"(399,"box")").toUtf8());
        QProcess p;
        p.start(kCli, {"render", path("long.boxanim"), "-o", path("long.mp4"), "--size", "640x512"});
        QVERIFY(p.waitForStarted());
        // Wait until the temporary output holds encoded frames, then terminate.
        QElapsedTimer t;
        t.start();
        auto encoding = [&] {
            const QStringList l = litter();
            return !l.isEmpty() && QFileInfo(path(l.first())).size() > 20000;
        };
        while (!encoding() && t.elapsed() < 120000 && p.state() == QProcess::Running) QThread::msleep(20);
        QVERIFY2(encoding(), "no temporary output with frames appeared");
        QVERIFY(litter().first().contains(QString("part-%1-").arg(p.processId())));
        ::kill(static_cast<pid_t>(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(!QFile::exists(path("long.mp4")));
        QVERIFY2(litter().isEmpty(), qPrintable(litter().join(' ')));
    }
    // A SIGKILLed run's temporary is removed by the next run to the same name.
    void staleTemporaryRemoved() {
        const QString stale = path(QString(".k.gif.part-%1-0123abcd.gif").arg(deadPid()));
        writeFile(stale, "partial");
        const Run r = runCli({"render", path("good.boxanim"), "-o", path("k.gif"), "--frames", "2"});
        QCOMPARE(r.code, 0);
        QVERIFY(!QFile::exists(stale));
        QVERIFY(litter().isEmpty());
    }

    // Item 7: --verbose is accepted anywhere.
    void verboseFlag() {
        const Run r = runCli({"--verbose", "info", path("good.boxanim")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("\"usable\": true"));
    }
};

QTEST_GUILESS_MAIN(TestCliFaults)
#include "test_cli_faults.moc"
