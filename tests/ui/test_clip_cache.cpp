// The last clip kept with its project (issue 13, item 3): after generating,
// saving and reopening, Export works at once with the same frames; a project
// whose state differs from the clip's (another seed) finds none.
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <opencv2/core.hpp>

#include "core/project/project_io.h"
#include "test_util.h"
#include "ui/clip_cache.h"
#include "ui/commands.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/player.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
bool waitFor(QSignalSpy& spy, int ms) {
    QElapsedTimer t;
    t.start();
    while (spy.isEmpty() && t.elapsed() < ms) spy.wait(200);
    return !spy.isEmpty();
}

// A saved cutout project with one moving object; returns its path.
QString makeProject(Harness& h, const QString& dir) {
    const QString img = makeImage(dir, QStringLiteral("photo.png"), QSize(320, 240));
    if (!h.window->newFromImage(img)) return {};
    Project p = h.doc()->project();
    p.timeline = {10, 12};
    p.output = {320, 240};
    p.generation.engine = "cutout";
    Object o;
    o.id = newId();
    o.name = "disc";
    o.keyframes.push_back({0, Box{0.1, 0.2, 0.4, 0.6}, BoxKind::Hard, Easing::Linear});
    o.keyframes.push_back({9, Box{0.5, 0.3, 0.8, 0.7}, BoxKind::Hard, Easing::Linear});
    p.objects.push_back(o);
    h.doc()->reset(p, QString(), img, QImage(img));
    const QString path = dir + QStringLiteral("/clip.boxanim");
    return h.window->saveTo(path) ? path : QString();
}
}  // namespace

class TestClipCache : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void theClipComesBackOnReopen() {
        QTemporaryDir dir;
        ClipFrames original;
        QString path;
        {
            Harness h(dir.path());
            path = makeProject(h, dir.path());
            QVERIFY(!path.isEmpty());
            QSignalSpy ended(h.window->generationController(), &GenerationController::jobEnded);
            QSignalSpy stored(h.window->clipCache(), &ClipCache::clipStored);
            QVERIFY(h.window->generationPanel()->generate() > 0);
            QVERIFY(waitFor(ended, 120000));
            QVERIFY(h.window->player()->hasClip());
            original = h.window->player()->clip();
            QVERIFY(waitFor(stored, 60000));
            QVERIFY2(stored.first().at(2).toBool(), qPrintable(stored.first().at(3).toString()));
            QVERIFY(h.window->save());
        }
        // A new window (a new session) opens the project: the clip is back.
        Harness h(dir.path());
        QSignalSpy found(h.window->clipCache(), &ClipCache::clipFound);
        QVERIFY(!h.window->exportAction()->isEnabled() || h.window->player()->hasClip());
        QVERIFY(h.window->openProject(path));
        QVERIFY(waitFor(found, 60000));
        QTRY_VERIFY(h.window->player()->hasClip());
        QVERIFY(h.window->exportAction()->isEnabled());
        QVERIFY(!h.window->player()->clipStale());
        const ClipFrames back = h.window->player()->clip();
        QCOMPARE(back->size(), original->size());
        for (std::size_t i = 0; i < back->size(); ++i) {
            cv::Mat diff;
            cv::absdiff((*back)[i], (*original)[i], diff);
            QCOMPARE(cv::countNonZero(diff.reshape(1)), 0);  // lossless
        }
        QCOMPARE(h.window->player()->clipFps(), 12);
        // Only the newest clip of the project is kept.
        QCOMPARE(QDir(h.window->clipCache()->dir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);

        // The same project with another seed is another clip: none comes back.
        Project p = loadProject(path.toStdString());
        p.generation.seed += 1;
        saveProject(p, path.toStdString());
        Harness h2(dir.path());
        QSignalSpy found2(h2.window->clipCache(), &ClipCache::clipFound);
        QVERIFY(h2.window->openProject(path));
        h2.window->clipCache()->wait();
        QTest::qWait(100);
        QVERIFY(found2.isEmpty());
        QVERIFY(!h2.window->player()->hasClip());
        QVERIFY(!h2.window->exportAction()->isEnabled());
    }
};

QTEST_MAIN(TestClipCache)
#include "test_clip_cache.moc"
