// Files: save -> reopen -> equal, relative image path, load errors leave the
// document untouched, re-link of a missing image, autosave + recovery.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QTest>
#include <clocale>
#include <QUndoStack>

#include "core/project/project_io.h"
#include "test_util.h"
#include "ui/commands.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

class TestFiles : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString autosaveDir_;

    // A project with two objects, a soft keyframe and a path, made through the UI.
    void build(Harness& h) {
        h.drag(QPointF(40, 40), QPointF(140, 120));
        h.drag(QPointF(200, 150), QPointF(300, 260));
        Document* doc = h.doc();
        const QString id = toQString(doc->project().objects[0].id);
        doc->undoStack()->push(new SetKeyframeCommand(
            doc, id, Keyframe{24, Box{0.5, 0.1, 0.7, 0.4}, BoxKind::Soft, Easing::EaseInOut}));
        MotionPath mp;
        mp.points = {{0.225, 0.266}, {0.4, 0.1}, {0.6, 0.25}};
        mp.from = 0;
        mp.to = 24;
        doc->undoStack()->push(new SetPathCommand(doc, id, mp));
        doc->undoStack()->push(new RenameObjectCommand(doc, id, QStringLiteral("Bällchen, 0,5")));
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        autosaveDir_ = tmp_.path() + QStringLiteral("/autosave");
    }

    void saveReopenEqual() {
        const QString dir = tmp_.path() + QStringLiteral("/a");
        QDir().mkpath(dir + QStringLiteral("/images"));
        const QString img = makeImage(dir + QStringLiteral("/images"));
        Harness h(autosaveDir_);
        QVERIFY(h.window->newFromImage(img));
        QCOMPARE(h.doc()->project().timeline.frames, 48);
        QCOMPARE(h.doc()->project().timeline.fps, 24);
        QCOMPARE(h.doc()->project().output.width, 400);
        QCOMPARE(h.doc()->project().output.height, 304);  // multiple of 8
        QVERIFY(!h.doc()->project().reference.sha256.empty());
        build(h);
        const QString file = dir + QStringLiteral("/proj.boxanim");
        QVERIFY(h.window->saveTo(file));
        QCOMPARE(h.doc()->project().reference.path, std::string("images/photo.png"));
        QCOMPARE(h.window->recentFiles().value(0), QFileInfo(file).absoluteFilePath());

        const Project onDisk = loadProject(file.toStdString());
        QVERIFY(onDisk == h.doc()->project());

        Harness h2(autosaveDir_);
        QVERIFY(h2.window->openFile(file));
        QVERIFY(h2.doc()->project() == h.doc()->project());
        QCOMPARE(h2.doc()->imagePath(), QFileInfo(img).absoluteFilePath());
        QVERIFY(!h2.window->isWindowModified());
        QVERIFY(h2.prompts->errors.isEmpty());
        QCOMPARE(h2.prompts->recoveryAsked, 0);
    }

    void germanLocaleRoundTrip() {
        // Shotcut #713: a comma-decimal locale must not leak into the file.
        // scripts/install-deps.sh generates de_DE.UTF-8: without it this fails.
        const char* old = std::setlocale(LC_ALL, nullptr);
        struct Restore {  // passed or failed, later tests run in the old locale
            std::string locale;
            ~Restore() {
                std::setlocale(LC_ALL, locale.c_str());
                QLocale::setDefault(QLocale::c());
            }
        } restore{old ? old : "C"};
        QVERIFY2(std::setlocale(LC_ALL, "de_DE.UTF-8"),
                 "de_DE.UTF-8 is not installed (scripts/install-deps.sh generates it)");
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        const QString dir = tmp_.path() + QStringLiteral("/de");
        QDir().mkpath(dir);
        Harness h(autosaveDir_);
        QVERIFY(h.window->newFromImage(makeImage(dir)));
        build(h);
        const QString file = dir + QStringLiteral("/de.boxanim");
        QVERIFY(h.window->saveTo(file));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("0.5"));     // the frame-24 box, written with a point
        QVERIFY(!text.contains("0,225"));  // the path's first x, not with a comma
        Harness h2(autosaveDir_);
        QVERIFY(h2.window->openFile(file));
        QVERIFY(h2.doc()->project() == h.doc()->project());
    }

    void badFileLeavesDocumentUntouched() {
        Harness h(autosaveDir_);
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("b.png"))));
        build(h);
        const Project before = h.doc()->project();
        const int steps = h.doc()->undoStack()->count();

        const QString bad = tmp_.path() + QStringLiteral("/bad.boxanim");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format":"boxanim-project","version":99,"id":"x"})");
        f.close();
        QVERIFY(!h.window->openFile(bad));
        QCOMPARE(h.prompts->errors.size(), 1);
        QVERIFY2(h.prompts->errors[0].contains(QStringLiteral("bad.boxanim")), qPrintable(h.prompts->errors[0]));
        QVERIFY(h.doc()->project() == before);
        QCOMPARE(h.doc()->undoStack()->count(), steps);
        QCOMPARE(h.prompts->saveAsked, 0);  // nothing asked before the file proved readable

        QVERIFY(!h.window->openFile(tmp_.path() + QStringLiteral("/missing.boxanim")));
        QVERIFY(!h.window->openFile(bad + QStringLiteral(".png")));  // unreadable image
        QCOMPARE(h.prompts->errors.size(), 3);
        QVERIFY(h.doc()->project() == before);
    }

    void unsavedChangesPrompt() {
        Harness h(autosaveDir_);
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("c.png"))));
        build(h);
        const Project before = h.doc()->project();
        h.prompts->save = Prompts::SaveChoice::Cancel;
        QVERIFY(!h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("c2.png"))));
        QCOMPARE(h.prompts->saveAsked, 1);
        QVERIFY(h.doc()->project() == before);
        QVERIFY(!h.window->close());
        QVERIFY(h.window->isVisible());
        h.prompts->save = Prompts::SaveChoice::Save;
        h.prompts->saveName = tmp_.path() + QStringLiteral("/c.boxanim");
        QVERIFY(h.window->close());
        QVERIFY(QFileInfo::exists(h.prompts->saveName));
    }

    void relinkMissingImage() {
        const QString dir = tmp_.path() + QStringLiteral("/r");
        QDir().mkpath(dir);
        const QString img = makeImage(dir, QStringLiteral("gone.png"));
        const QString file = dir + QStringLiteral("/r.boxanim");
        {
            Harness h(autosaveDir_);
            QVERIFY(h.window->newFromImage(img));
            build(h);
            QVERIFY(h.window->saveTo(file));
        }
        const QString moved = makeImage(tmp_.path(), QStringLiteral("moved.png"));
        QVERIFY(QFile::remove(img));

        // Skipping the re-link opens the project over a placeholder.
        Harness skip(autosaveDir_);
        QVERIFY(skip.window->openFile(file));
        QCOMPARE(skip.prompts->relinkAsked, 1);
        QVERIFY(skip.doc()->imageMissing());
        QVERIFY(!skip.doc()->image().isNull());
        QCOMPARE(int(skip.doc()->project().objects.size()), 2);

        // Re-linking points the project at the new file and marks it modified.
        Harness h(autosaveDir_);
        h.prompts->relink = moved;
        QVERIFY(h.window->openFile(file));
        QCOMPARE(h.prompts->relinkAsked, 1);
        QVERIFY(!h.doc()->imageMissing());
        QCOMPARE(h.doc()->imagePath(), QFileInfo(moved).absoluteFilePath());
        QVERIFY(h.window->isWindowModified());
        QVERIFY(h.window->save());
        QCOMPARE(h.doc()->project().reference.path, std::string("../moved.png"));
        Harness again(autosaveDir_);
        QVERIFY(again.window->openFile(file));
        QCOMPARE(again.prompts->relinkAsked, 0);
        QVERIFY(again.doc()->project() == h.doc()->project());
    }

    void autosaveAndRecover() {
        const QString dir = tmp_.path() + QStringLiteral("/s");
        QDir().mkpath(dir);
        const QString img = makeImage(dir);
        const QString file = dir + QStringLiteral("/s.boxanim");
        Project edited;
        std::string id;
        {
            Harness h(autosaveDir_);
            QCOMPARE(h.window->autosaveInterval(), 60000);
            QVERIFY(h.window->newFromImage(img));
            build(h);
            QVERIFY(h.window->saveTo(file));
            id = h.doc()->project().id;
            QVERIFY(!h.window->autosaveNow());  // clean: nothing to write
            QVERIFY(!QFileInfo::exists(h.window->autosave().fileFor(id)));
            h.doc()->undoStack()->push(new RenameObjectCommand(
                h.doc(), toQString(h.doc()->project().objects[1].id), QStringLiteral("late edit")));
            QVERIFY(h.window->autosaveNow());
            const QString copy = h.window->autosave().fileFor(id);
            QVERIFY(copy.startsWith(autosaveDir_));
            QVERIFY(QFileInfo(copy).size() > 0);
            // The copy is newer than the saved file; make that hold on file
            // systems with coarse time stamps too.
            QFile saved(file);
            QVERIFY(saved.open(QIODevice::ReadWrite));
            QVERIFY(saved.setFileTime(QFileInfo(copy).lastModified().addSecs(-10),
                                      QFileDevice::FileModificationTime));
            saved.close();
            const Project fromCopy = loadProject(copy.toStdString());
            QCOMPARE(fromCopy.objects[1].name, std::string("late edit"));
            edited = h.doc()->project();
            // The window goes away without a clean close: a crash, as far as
            // the autosave is concerned.
        }
        QVERIFY(QFileInfo::exists(Autosave(autosaveDir_).fileFor(id)));

        // "Not now" keeps the copy for later.
        {
            Harness later(autosaveDir_);
            later.prompts->recovery = Prompts::RecoveryChoice::Later;
            QVERIFY(later.window->openFile(file));
            QCOMPARE(later.prompts->recoveryAsked, 1);
            QCOMPARE(later.doc()->project().objects[1].name, std::string("Object 2"));
            QVERIFY(!later.window->autosaveNow());  // clean: the kept copy stays
            QVERIFY(later.window->close());
        }
        QVERIFY(QFileInfo::exists(Autosave(autosaveDir_).fileFor(id)));

        Harness h(autosaveDir_);
        QVERIFY(h.window->openFile(file));
        QCOMPARE(h.prompts->recoveryAsked, 1);
        QCOMPARE(h.doc()->project().objects[1].name, std::string("late edit"));
        QCOMPARE(h.doc()->filePath(), QFileInfo(file).absoluteFilePath());
        QVERIFY(h.window->isWindowModified());
        QCOMPARE(h.doc()->imagePath(), QFileInfo(img).absoluteFilePath());
        // Saving writes the recovered work and removes the copy.
        QVERIFY(h.window->save());
        QVERIFY(!QFileInfo::exists(h.window->autosave().fileFor(id)));
        QVERIFY(loadProject(file.toStdString()) == h.doc()->project());
        QCOMPARE(h.doc()->project().objects[1].name, edited.objects[1].name);
    }

    void autosaveTimerWritesAndCleanStateRemoves() {
        const QString dir = tmp_.path() + QStringLiteral("/timer");
        QDir().mkpath(dir);
        Harness h(dir + QStringLiteral("/as"), true);
        h.window->setAutosaveInterval(30);
        QVERIFY(h.window->newFromImage(makeImage(dir)));
        const QString copy = h.window->autosave().fileFor(h.doc()->project().id);
        QVERIFY(copy.startsWith(dir + QStringLiteral("/as/")));
        h.drag(QPointF(40, 40), QPointF(140, 120));
        QTRY_VERIFY(QFileInfo::exists(copy));
        QCOMPARE(int(loadProject(copy.toStdString()).objects.size()), 1);
        // Undoing back to the saved (clean) state drops the copy.
        h.doc()->undoStack()->undo();
        QTRY_VERIFY(!QFileInfo::exists(copy));
    }

    void staleAutosaveNotOffered() {
        const QString dir = tmp_.path() + QStringLiteral("/t");
        QDir().mkpath(dir);
        const QString file = dir + QStringLiteral("/t.boxanim");
        std::string id;
        QString copy;
        {
            Harness h(autosaveDir_);
            QVERIFY(h.window->newFromImage(makeImage(dir)));
            build(h);
            QVERIFY(h.window->autosaveNow());
            id = h.doc()->project().id;
            copy = h.window->autosave().fileFor(id);
            QTest::qWait(20);
            QVERIFY(h.window->saveTo(file));
            QVERIFY(!QFileInfo::exists(copy));  // a save removes the copy
            QVERIFY(h.window->saveTo(file));
        }
        // An older copy than the saved file (e.g. left by a crash before a
        // save elsewhere) is not offered.
        Autosave as(autosaveDir_);
        Project p = loadProject(file.toStdString());
        QVERIFY(as.write(p, file, dir + QStringLiteral("/photo.png")));
        QFile f(copy);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(QFileInfo(file).lastModified().addSecs(-60), QFileDevice::FileModificationTime));
        f.close();
        Harness h(autosaveDir_);
        QVERIFY(h.window->openFile(file));
        QCOMPARE(h.prompts->recoveryAsked, 0);
        QVERIFY(!h.window->offerRecovery());
    }

    void untitledRecoveredAtStart() {
        const QString dir = tmp_.path() + QStringLiteral("/u");
        QDir().mkpath(dir);
        for (const Autosave::Entry& e : Autosave(autosaveDir_).entries())
            Autosave(autosaveDir_).remove(e.projectId.toStdString());
        Project edited;
        {
            Harness h(autosaveDir_);
            QVERIFY(h.window->newFromImage(makeImage(dir)));
            build(h);
            QVERIFY(h.window->autosaveNow());
            edited = h.doc()->project();
        }
        Harness h(autosaveDir_);
        QVERIFY(h.window->offerRecovery());
        QCOMPARE(h.prompts->recoveryAsked, 1);
        QVERIFY(h.doc()->filePath().isEmpty());
        QCOMPARE(h.doc()->project().objects.size(), edited.objects.size());
        QVERIFY(h.doc()->project().objects == edited.objects);
        QVERIFY(h.window->isWindowModified());
        // A clean exit (discarding) removes the copy.
        h.prompts->save = Prompts::SaveChoice::Discard;
        QVERIFY(h.window->close());
        QVERIFY(Autosave(autosaveDir_).entries().isEmpty());
    }
};

QTEST_MAIN(TestFiles)
#include "test_files.moc"
