// Re-linking a missing image (issue 13, item 8): the project stores its
// image's sha256; a chosen image with another checksum is named as a
// different image, with what changes (size, aspect), before it is used. The
// same image moved elsewhere re-links without a question.
#include <QFile>
#include <QTemporaryDir>

#include "test_util.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

class TestRelink : public QObject {
    Q_OBJECT
private slots:
    void aDifferentImageIsNamedAsSuch() {
        QTemporaryDir dir;
        QString project;
        const QString photo = makeImage(dir.path(), QStringLiteral("coffee.png"), QSize(400, 300));
        {
            Harness h(dir.path());
            QVERIFY(h.window->newFromImage(photo));
            h.drag(QPointF(50, 50), QPointF(150, 130));
            project = dir.filePath(QStringLiteral("coffee.boxanim"));
            QVERIFY(h.window->saveTo(project));
        }
        // The image goes missing; the user points at another photo (wider).
        QVERIFY(QFile::rename(photo, dir.filePath(QStringLiteral("moved-away.png"))));
        const QString other = makeImage(dir.path(), QStringLiteral("chelsea.png"), QSize(600, 300));
        Harness h(dir.path());
        h.prompts->relink = other;
        h.prompts->relinkDifferent = true;
        QVERIFY(h.window->openProject(project));
        QCOMPARE(h.prompts->relinkAsked, 1);
        QCOMPARE(h.prompts->relinkDifferentAsked.size(), 1);
        const QString said = h.prompts->relinkDifferentAsked.front();
        QVERIFY2(said.contains(QLatin1String("sha256")) && said.contains(QString::fromUtf8("600 × 300")) &&
                     said.contains(QLatin1String("aspect 2.00")) && said.contains(QLatin1String("wider")),
                 qPrintable(said));
        QCOMPARE(h.doc()->imagePath(), other);
        QVERIFY(!h.doc()->imageMissing());
    }

    void theSameImageMovedElsewhereNeedsNoQuestion() {
        QTemporaryDir dir;
        QString project;
        const QString photo = makeImage(dir.path(), QStringLiteral("coffee.png"), QSize(400, 300));
        {
            Harness h(dir.path());
            QVERIFY(h.window->newFromImage(photo));
            h.drag(QPointF(50, 50), QPointF(150, 130));
            project = dir.filePath(QStringLiteral("coffee.boxanim"));
            QVERIFY(h.window->saveTo(project));
        }
        const QString moved = dir.filePath(QStringLiteral("moved.png"));
        QVERIFY(QFile::rename(photo, moved));
        Harness h(dir.path());
        h.prompts->relink = moved;
        QVERIFY(h.window->openProject(project));
        QCOMPARE(h.prompts->relinkAsked, 1);
        QVERIFY(h.prompts->relinkDifferentAsked.isEmpty());
        QCOMPARE(h.doc()->imagePath(), moved);
    }

    void decliningGoesBackToChoosing() {
        QTemporaryDir dir;
        QString project;
        const QString photo = makeImage(dir.path(), QStringLiteral("coffee.png"), QSize(400, 300));
        {
            Harness h(dir.path());
            QVERIFY(h.window->newFromImage(photo));
            h.drag(QPointF(50, 50), QPointF(150, 130));
            project = dir.filePath(QStringLiteral("coffee.boxanim"));
            QVERIFY(h.window->saveTo(project));
        }
        QVERIFY(QFile::remove(photo));
        const QString other = makeImage(dir.path(), QStringLiteral("chelsea.png"), QSize(600, 300));
        Harness h(dir.path());
        h.prompts->relink = other;
        h.prompts->relinkDifferent = false;
        // The scripted user keeps choosing the same wrong image: after the
        // first refusal the next pick returns nothing (see below), so the
        // project opens without its image.
        int picks = 0;
        struct OncePrompts : ScriptedPrompts {
            using ScriptedPrompts::ScriptedPrompts;
            int* picks = nullptr;
            QString askRelink(QWidget* w, const QString& p) override {
                return (*picks)++ == 0 ? ScriptedPrompts::askRelink(w, p) : QString();
            }
        };
        auto prompts = std::make_unique<OncePrompts>(h.prompts);
        prompts->picks = &picks;
        h.window->setPrompts(std::move(prompts));
        QVERIFY(h.window->openProject(project));
        QCOMPARE(picks, 2);
        QCOMPARE(h.prompts->relinkDifferentAsked.size(), 1);
        QVERIFY(h.doc()->imageMissing());
    }
};

QTEST_MAIN(TestRelink)
#include "test_relink.moc"
