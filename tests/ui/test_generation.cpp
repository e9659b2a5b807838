// Generation in the editor: the controller's worker thread, previews before
// the result, cancel, superseded jobs, the GUI heartbeat during a job, the
// panel's undoable settings, the player, the failure path of a missing or
// damaged model, and closing the window during a generation.
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <chrono>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "core/engine/engine.h"
#include "test_util.h"
#include "ui/commands.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/player.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {

QString modelsDir() { return QString::fromStdString(defaultModelsDir()); }
bool haveModel() { return QFileInfo::exists(modelsDir() + QStringLiteral("/manifest.json")); }

// A photo-like test image: a gradient with a red disc.
cv::Mat testImage(int w, int h) {
    cv::Mat img(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.at<cv::Vec3b>(y, x) =
                cv::Vec3b(uchar(60 + 120 * x / w), uchar(90 + 80 * y / h), 150);
    cv::circle(img, cv::Point(w / 4, h / 2), h / 6, cv::Scalar(40, 40, 220), cv::FILLED);
    return img;
}

// One object moving from the left to the right.
Project testProject(int w, int h, int frames, const std::string& engine, double toX = 0.6) {
    Project p;
    p.id = newId();
    p.timeline = {frames, 12};
    p.output = {w, h};
    Object o;
    o.id = newId();
    o.name = "disc";
    o.keyframes.push_back(
        {0, Box::fromCentre(0.25, 0.5, 0.4 * h / w, 0.4), BoxKind::Hard, Easing::Linear});
    o.keyframes.push_back(
        {frames - 1, Box::fromCentre(toX, 0.5, 0.4 * h / w, 0.4), BoxKind::Hard, Easing::Linear});
    p.objects.push_back(o);
    p.generation.engine = engine;
    p.generation.steps = 2;
    return p;
}

GenerationRequest testRequest(int w, int h, int frames, const std::string& engine,
                              double toX = 0.6) {
    GenerationRequest r =
        GenerationRequest::fromProject(testProject(w, h, frames, engine, toX), testImage(w, h));
    r.device = "cpu";
    r.previewLongSide = 96;
    return r;
}

// The ids of this process's threads (Linux: /proc/self/task).
QSet<QString> threadIds() {
    const QStringList ids = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    return QSet<QString>(ids.begin(), ids.end());
}

QString threadName(const QString& id) {
    QFile comm(QStringLiteral("/proc/self/task/%1/comm").arg(id));
    return comm.open(QIODevice::ReadOnly) ? QString::fromUtf8(comm.readAll()).trimmed() : QString();
}

// "id (name)" for each thread, for messages.
QString describe(const QSet<QString>& ids) {
    QStringList out;
    for (const QString& id : ids) out << QStringLiteral("%1 (%2)").arg(id, threadName(id));
    out.sort();
    return out.isEmpty() ? QStringLiteral("none") : out.join(QStringLiteral(", "));
}

bool waitEnded(QSignalSpy& ended, int ms) {
    QElapsedTimer t;
    t.start();
    while (ended.isEmpty() && t.elapsed() < ms)
        ended.wait(std::min<qint64>(200, ms - t.elapsed() + 1));
    return !ended.isEmpty();
}

// Opens a project made from a test image in the harness's window.
void openTestProject(Harness& h, const QString& dir, const std::string& engine, int frames = 12) {
    const QString img = makeImage(dir, QStringLiteral("photo.png"), QSize(320, 240));
    QVERIFY(h.window->newFromImage(img));
    Project p = testProject(320, 240, frames, engine);
    p.reference = h.doc()->project().reference;
    h.doc()->reset(p, QString(), img, QImage(img));
}

}  // namespace

class TestGeneration : public QObject {
    Q_OBJECT
private slots:
    // The shipped model (models/manifest.json) is part of the repository: a
    // missing one fails here rather than skipping the boxflow cases.
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(haveModel(), qPrintable(modelsDir() + QStringLiteral("/manifest.json is missing")));
    }

    void controllerDeliversPreviewsThenResult_data() {
        QTest::addColumn<QString>("engine");
        QTest::newRow("cutout") << QStringLiteral("cutout");
        QTest::newRow("boxflow") << QStringLiteral("boxflow");
    }
    void controllerDeliversPreviewsThenResult() {
        QFETCH(QString, engine);
        GenerationController c;
        QStringList order;
        connect(&c, &GenerationController::previewReady, this,
                [&](quint64, int step, int) { order << QStringLiteral("preview %1").arg(step); });
        connect(&c, &GenerationController::jobEnded, this,
                [&] { order << QStringLiteral("ended"); });
        QSignalSpy previews(&c, &GenerationController::previewReady);
        QSignalSpy progress(&c, &GenerationController::progress);
        QSignalSpy ended(&c, &GenerationController::jobEnded);
        const quint64 id = c.start(testRequest(160, 120, 10, engine.toStdString()));
        QVERIFY(id > 0);
        QVERIFY(c.isRunning());
        QVERIFY(waitEnded(ended, 300000));
        QCOMPARE(c.outcome().state, JobState::Finished);
        QVERIFY2(c.outcome().message.isEmpty(), qPrintable(c.outcome().message));
        QCOMPARE(ended.first().at(0).toULongLong(), id);
        QVERIFY(!previews.isEmpty());
        QCOMPARE(order.last(), QStringLiteral("ended"));
        QVERIFY(order.first().startsWith(QLatin1String("preview")));
        // Previews: one per timeline frame at preview resolution.
        QCOMPARE(c.previewFrames().size(), 10);
        QCOMPARE(c.previewFrames().front().width(), 96);
        // Progress never reaches 1 before the frames: every figure < 1 except a final "done".
        for (const QList<QVariant>& p : progress) {
            if (p.at(2).toDouble() >= 1.0) QCOMPARE(p.at(1).toString(), QStringLiteral("done"));
        }
        QVERIFY(c.outcome().frames);
        QCOMPARE(int(c.outcome().frames->size()), 10);
        QCOMPARE(c.outcome().frames->front().cols, 160);
        QCOMPARE(c.outcome().frames->front().rows, 120);
        QCOMPARE(c.outcome().engine, engine);
        QVERIFY(!c.isRunning());
    }

    void supersededJobsFramesAreDropped() {
        GenerationController c;
        QList<quint64> previewJobs, endedJobs;
        connect(&c, &GenerationController::previewReady, this,
                [&](quint64 job, int, int) { previewJobs << job; });
        connect(&c, &GenerationController::jobEnded, this, [&](quint64 job) { endedJobs << job; });
        QSignalSpy ended(&c, &GenerationController::jobEnded);
        const quint64 a = c.start(testRequest(160, 120, 8, "cutout", 0.7));
        // The GUI thread is busy while job A runs to the end: its previews and
        // result wait in the event queue when job B supersedes it.
        std::this_thread::sleep_for(std::chrono::seconds(3));
        const quint64 b = c.start(testRequest(160, 120, 8, "cutout", 0.4));
        QVERIFY(b != a);
        QVERIFY(waitEnded(ended, 120000));
        QTest::qWait(100);
        QCOMPARE(endedJobs, QList<quint64>{b});
        QVERIFY(!previewJobs.isEmpty());
        for (quint64 j : previewJobs) QCOMPARE(j, b);
        QVERIFY2(c.droppedUpdates() >= 2, "job A's preview and result should have been dropped");
        QCOMPARE(c.outcome().jobId, b);
        QCOMPARE(c.outcome().state, JobState::Finished);
    }

    void startingAgainCancelsTheRunningJob() {
        GenerationController c;
        QSignalSpy ended(&c, &GenerationController::jobEnded);
        QSignalSpy previews(&c, &GenerationController::previewReady);
        GenerationRequest r = testRequest(320, 240, 24, "boxflow");
        r.steps = 8;
        c.start(r);
        QVERIFY(previews.wait(300000));
        const quint64 b = c.start(testRequest(160, 120, 8, "cutout"));
        QVERIFY(waitEnded(ended, 300000));
        QCOMPARE(ended.size(), 1);
        QCOMPARE(ended.first().at(0).toULongLong(), b);
        QCOMPARE(c.outcome().state, JobState::Finished);
        QCOMPARE(c.outcome().engine, QStringLiteral("cutout"));
    }

    void cancelEndsCancelledAndLeavesTheProjectUnchanged_data() {
        QTest::addColumn<QString>("engine");
        QTest::newRow("cutout") << QStringLiteral("cutout");
        QTest::newRow("boxflow") << QStringLiteral("boxflow");
    }
    void cancelEndsCancelledAndLeavesTheProjectUnchanged() {
        QFETCH(QString, engine);
        QTemporaryDir dir;
        Harness h(dir.path());
        openTestProject(h, dir.path(), engine.toStdString(), 24);
        {
            Project p = h.doc()->project();
            p.generation.steps = 4;
            h.doc()->reset(p, QString(), h.doc()->imagePath(), h.doc()->image());
        }
        const Project before = h.doc()->project();
        const int undoCount = h.doc()->undoStack()->count();
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QElapsedTimer sinceCancel;
        // Cancel at the first sampler step for boxflow (mid-sampling), at the
        // first progress report for cutout.
        const QString cancelAt =
            engine == QLatin1String("boxflow") ? QStringLiteral("sampling 1/") : QString();
        bool cancelled = false;
        QStringList afterCancel;
        connect(c, &GenerationController::progress, this,
                [&](quint64, const QString& stage, double, qint64) {
                    if (cancelled) afterCancel << stage;
                    if (!cancelled && stage.startsWith(cancelAt)) {
                        cancelled = true;
                        sinceCancel.start();
                        QTest::keyClick(h.window.get(), Qt::Key_Escape);  // the Cancel action
                    }
                });
        QVERIFY(h.window->generationPanel()->generate() > 0);
        QVERIFY(waitEnded(ended, 300000));
        QVERIFY(cancelled);
        QCOMPARE(c->outcome().state, JobState::Cancelled);
        // Within one sampler step: step 2 may finish, step 3 never starts.
        for (const QString& st : afterCancel)
            QVERIFY2(!st.startsWith(QLatin1String("sampling 3/")) &&
                         !st.startsWith(QLatin1String("sampling 4/")) && st != QLatin1String("rendering"),
                     qPrintable(afterCancel.join(QLatin1String(", "))));
        std::printf("cancel (%s) took effect after %lld ms\n", qPrintable(engine),
                    static_cast<long long>(sinceCancel.elapsed()));
        QVERIFY(h.doc()->project() == before);
        QCOMPARE(h.doc()->undoStack()->count(), undoCount);
        QVERIFY(!h.window->player()->hasClip());
        QVERIFY(!h.window->exportAction()->isEnabled());
        QCOMPARE(h.window->generationPanel()->progressBar()->format(), QStringLiteral("Cancelled"));
    }

    void editingDuringGenerationWorksOnTheSnapshot() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openTestProject(h, dir.path(), "cutout", 12);
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QVERIFY(h.window->generationPanel()->generate() > 0);
        // Edit at once: delete the only object while the job runs on its copy.
        const QString id = toQString(h.doc()->project().objects.front().id);
        h.doc()->undoStack()->push(new DeleteObjectCommand(h.doc(), id));
        QVERIFY(waitEnded(ended, 120000));
        QCOMPARE(c->outcome().state, JobState::Finished);
        QVERIFY(h.doc()->project().objects.empty());
        QVERIFY(h.window->player()->hasClip());
    }

    void aNewDocumentDropsTheOldDocumentsJob() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openTestProject(h, dir.path(), "cutout", 12);
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QVERIFY(h.window->generationPanel()->generate() > 0);
        // Let the job finish while the GUI thread is busy, then open another image.
        std::this_thread::sleep_for(std::chrono::seconds(2));
        QVERIFY(h.window->newFromImage(makeImage(dir.path(), QStringLiteral("other.png"))));
        QVERIFY(!c->isRunning());
        QTest::qWait(300);
        QVERIFY(ended.isEmpty());
        QVERIFY(!h.window->player()->hasClip());
        QVERIFY(!h.canvas()->hasOverlayImage());
        QVERIFY(c->droppedUpdates() >= 1);
    }

    void guiKeepsRespondingDuringGeneration_data() {
        QTest::addColumn<QString>("engine");
        QTest::newRow("cutout") << QStringLiteral("cutout");
        QTest::newRow("boxflow") << QStringLiteral("boxflow");
    }
    void guiKeepsRespondingDuringGeneration() {
        QFETCH(QString, engine);
        QTemporaryDir dir;
        Harness h(dir.path());
        const QString img = makeImage(dir.path(), QStringLiteral("big.png"), QSize(1024, 768));
        QVERIFY(h.window->newFromImage(img));
        Project p = testProject(1024, 768, 48, engine.toStdString());
        p.reference = h.doc()->project().reference;
        h.doc()->reset(p, QString(), img, QImage(img));
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QSignalSpy previews(c, &GenerationController::previewReady);

        QElapsedTimer clock;
        qint64 last = 0, worst = 0;
        int beats = 0;
        QTimer heartbeat;
        heartbeat.setInterval(10);
        heartbeat.setTimerType(Qt::PreciseTimer);
        connect(&heartbeat, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            worst = std::max(worst, now - last);
            last = now;
            ++beats;
        });
        clock.start();
        heartbeat.start();
        QVERIFY(h.window->generationPanel()->generate() > 0);
        QVERIFY(waitEnded(ended, 300000));
        heartbeat.stop();
        const qint64 span = clock.elapsed();
        QCOMPARE(c->outcome().state, JobState::Finished);
        std::printf(
            "heartbeat (%s, 1024x768, 48 frames, %d previews): %d beats over %lld ms, "
            "worst gap %lld ms\n",
            qPrintable(engine), int(previews.size()), beats, static_cast<long long>(span),
            static_cast<long long>(worst));
        // A 10 ms heartbeat: measured worst gaps 27-80 ms with a load average
        // of 11 on 2 shared cores, 82-88% of the beats on time. Work on the
        // GUI thread (a full-size frame conversion, a blocking wait) shows as
        // gaps of hundreds of ms and a collapsed beat rate.
        QVERIFY2(worst < 250, qPrintable(QStringLiteral("worst gap %1 ms").arg(worst)));
        QVERIFY2(beats >= span / 10 / 2, qPrintable(QStringLiteral("%1 beats in %2 ms").arg(beats).arg(span)));
    }

    void previewsStreamIntoTheCanvasAndThePlayerPlays() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openTestProject(h, dir.path(), "cutout", 12);
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        bool overlayDuringPreview = false;
        connect(c, &GenerationController::previewReady, this, [&] {
            overlayDuringPreview =
                h.canvas()->hasOverlayImage() && h.window->player()->showingPreview();
        });
        QTest::keyClick(h.window.get(), Qt::Key_Return, Qt::ControlModifier);  // Generate
        QVERIFY(waitEnded(ended, 120000));
        QCOMPARE(c->outcome().state, JobState::Finished);
        QVERIFY(overlayDuringPreview);
        Player* player = h.window->player();
        QVERIFY(player->hasClip());
        QVERIFY(player->clipShown());
        QVERIFY(h.canvas()->boxesVisible());  // drawn over the clip (issue 13)
        QVERIFY(h.window->exportAction()->isEnabled());
        QCOMPARE(h.window->generationPanel()->progressBar()->value(),
                 h.window->generationPanel()->progressBar()->maximum());
        // Frame stepping moves the overlay to that frame's image.
        h.doc()->setCurrentFrame(0);
        const QImage f0 = player->currentImage();
        QCOMPARE(f0.size(), QSize(320, 240));
        QTest::keyClick(h.window.get(), Qt::Key_Right);
        QCOMPARE(h.doc()->currentFrame(), 1);
        QVERIFY(player->currentImage() != f0);
        // Space plays at the project's fps (12) and loops.
        h.canvas()->setFocus();
        QTest::keyClick(h.canvas(), Qt::Key_Space);
        QVERIFY(player->isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(h.doc()->currentFrame() == 11, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(h.doc()->currentFrame() < 11, 5000);  // looped
        QTest::keyClick(h.canvas(), Qt::Key_Space);
        QVERIFY(!player->isPlaying());
        // The toggle between the clip and the boxes.
        h.window->showClipAction()->trigger();
        QVERIFY(!player->clipShown());
        QVERIFY(h.canvas()->boxesVisible());
        QVERIFY(!h.canvas()->hasOverlayImage());
        QTest::keyClick(h.window.get(), Qt::Key_C);
        QVERIFY(player->clipShown());
        QVERIFY(h.canvas()->hasOverlayImage());
    }

    void settingsAreUndoableProjectValues() {
        QTemporaryDir dir;
        Harness h(dir.path());
        openTestProject(h, dir.path(), "boxflow");
        GenerationPanel* panel = h.window->generationPanel();
        QUndoStack* undo = h.doc()->undoStack();
        const GenerationSettings before = h.doc()->project().generation;
        panel->stepsBox()->stepUp();
        panel->stepsBox()->stepUp();
        QCOMPARE(h.doc()->project().generation.steps, before.steps + 2);
        QCOMPARE(undo->count(), 1);  // one control's edits merge
        panel->engineBox()->setCurrentIndex(panel->engineBox()->findData(QStringLiteral("cutout")));
        QCOMPARE(h.doc()->project().generation.engine, std::string("cutout"));
        panel->varietyBox()->setValue(0.25);
        panel->deviceBox()->setCurrentIndex(panel->deviceBox()->findData(QStringLiteral("cpu")));
        const auto seed = h.doc()->project().generation.seed;
        for (int i = 0; i < 5 && h.doc()->project().generation.seed == seed; ++i)
            panel->randomSeedButton()->click();
        QVERIFY(h.doc()->project().generation.seed != seed);
        const GenerationSettings after = h.doc()->project().generation;
        QCOMPARE(after.variety, 0.25);
        QCOMPARE(after.device, std::string("cpu"));
        while (undo->canUndo()) undo->undo();
        QVERIFY(h.doc()->project().generation == before);
        QCOMPARE(panel->stepsBox()->value(), before.steps);  // the panel follows undo
        QCOMPARE(panel->engineBox()->currentData().toString(), QStringLiteral("boxflow"));
        while (undo->canRedo()) undo->redo();
        QVERIFY(h.doc()->project().generation == after);
        QCOMPARE(panel->varietyBox()->value(), 0.25);
    }

    void missingModelExplainsAndOffersCutout() {
        QTemporaryDir dir, empty;
        Harness h(dir.path());
        openTestProject(h, dir.path(), "boxflow");
        h.prompts->useCutout = true;
        h.window->generationPanel()->setModelsDir(empty.path());
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QVERIFY(h.window->generationPanel()->generate() > 0);
        QVERIFY(waitEnded(ended, 60000));
        QCOMPARE(c->outcome().state, JobState::Failed);
        QVERIFY(c->outcome().modelProblem());
        QCOMPARE(h.prompts->cutoutAsked.size(), 1);
        QVERIFY2(h.prompts->cutoutAsked.first().contains(QStringLiteral("manifest.json")),
                 qPrintable(h.prompts->cutoutAsked.first()));
        // Accepting switched the project to cutout (undoably) and generated again.
        QCOMPARE(h.doc()->project().generation.engine, std::string("cutout"));
        QVERIFY(c->isRunning());
        QVERIFY(waitEnded(ended, 120000) && ended.size() >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(!c->isRunning(), 120000);
        QCOMPARE(c->outcome().state, JobState::Finished);
        QCOMPARE(c->outcome().engine, QStringLiteral("cutout"));
        QVERIFY(h.prompts->errors.isEmpty());
    }

    void damagedWeightFileExplainsAndOffersCutout() {
        QTemporaryDir dir, models;
        // A copy of models/ with bytes flipped in the middle of BoxFlow's
        // weight file (the subject-mask weights beside it stay intact: their
        // loader falls back to grabCut by design, and the message under test
        // is BoxFlow's).
        QString damaged;
        for (const QFileInfo& f : QDir(modelsDir()).entryInfoList(QDir::Files)) {
            const QString to = models.filePath(f.fileName());
            QVERIFY(QFile::copy(f.absoluteFilePath(), to));
            if (f.suffix() != QLatin1String("safetensors") || !f.fileName().startsWith(QLatin1String("boxflow")))
                continue;
            QFile w(to);
            QVERIFY(w.open(QIODevice::ReadWrite));
            QVERIFY(w.seek(w.size() / 2));
            QByteArray b = w.read(16);
            for (char& ch : b) ch = char(~ch);
            QVERIFY(w.seek(w.size() / 2));
            w.write(b);
            damaged = f.fileName();
        }
        QVERIFY(!damaged.isEmpty());
        Harness h(dir.path());
        openTestProject(h, dir.path(), "boxflow");
        h.prompts->useCutout = false;  // decline: nothing else happens
        h.window->generationPanel()->setModelsDir(models.path());
        auto* c = h.window->generationController();
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QVERIFY(h.window->generationPanel()->generate() > 0);
        QVERIFY(waitEnded(ended, 120000));
        QCOMPARE(c->outcome().state, JobState::Failed);
        QCOMPARE(h.prompts->cutoutAsked.size(), 1);
        QVERIFY2(h.prompts->cutoutAsked.first().contains(damaged),
                 qPrintable(h.prompts->cutoutAsked.first()));
        QCOMPARE(h.doc()->project().generation.engine, std::string("boxflow"));
        QVERIFY(!c->isRunning());
        QVERIFY(!h.window->player()->hasClip());
    }

    void closingDuringGenerationCancelsAndExits() {
        QTemporaryDir dir;
        auto h = std::make_unique<Harness>(dir.path());
        openTestProject(*h, dir.path(), "boxflow", 48);
        auto* c = h->window->generationController();
        QSignalSpy progress(c, &GenerationController::progress);
        QVERIFY(h->window->generationPanel()->generate() > 0);
        QVERIFY(progress.wait(60000));
        QVERIFY(c->isRunning());
        QElapsedTimer t;
        t.start();
        QVERIFY(h->window->close());
        h.reset();  // joins the worker
        std::printf("closed during a generation in %lld ms\n", static_cast<long long>(t.elapsed()));
        // Measured 290-350 ms with a load average of 11 on 2 shared cores; the
        // job stops within one sampler step or one rendered frame.
        QVERIFY2(t.elapsed() < 3000, qPrintable(QStringLiteral("%1 ms").arg(t.elapsed())));
        QVERIFY(!c->isRunning());
    }

    // `boxanim --screenshot --generate` destroys the window mid-generation
    // without closing it: the worker must be joined before the widgets go.
    // Every thread the window started (the controller's worker among them) is
    // gone when its destructor returns, although a job was running.
    void destroyingTheWindowDuringGenerationJoinsTheWorker() {
        QTemporaryDir dir;
        const QSet<QString> before = threadIds();
        auto h = std::make_unique<Harness>(dir.path());
        // Qt's global pool threads (background mattes) are Qt's to expire.
        QSet<QString> windowThreads;
        for (const QString& id : threadIds() - before)
            if (threadName(id) != QLatin1String("Thread (pooled)")) windowThreads.insert(id);
        QVERIFY2(!windowThreads.isEmpty(), "the window started no worker thread");
        openTestProject(*h, dir.path(), "boxflow", 48);
        auto* c = h->window->generationController();
        QSignalSpy progress(c, &GenerationController::progress);
        QVERIFY(h->window->generationPanel()->generate() > 0);
        QVERIFY(progress.wait(60000));
        QVERIFY(c->isRunning());
        QCOMPARE(c->state(), JobState::Running);
        QElapsedTimer t;
        t.start();
        h.reset();
        const QSet<QString> alive = threadIds() & windowThreads;
        std::printf("window destroyed during a generation in %lld ms; its threads %s, alive after: %s\n",
                    static_cast<long long>(t.elapsed()), qPrintable(describe(windowThreads)),
                    qPrintable(describe(alive)));
        QVERIFY2(alive.isEmpty(), qPrintable(QStringLiteral("threads outlived the window: ") + describe(alive)));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QStringLiteral("%1 ms").arg(t.elapsed())));
        QCoreApplication::processEvents();  // late queued results must find nobody
    }
};

QTEST_MAIN(TestGeneration)
#include "test_generation.moc"
