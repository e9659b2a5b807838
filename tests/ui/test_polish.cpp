// Polish a new user noticed (issue 13, item 10): the Generate button stays
// put between states; the stage line of the last run goes when a new one
// starts; Generate with no objects says why in the panel, not only in the
// status bar; at 1280 x 800 the inspector shows the whole motion-path group.
#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "core/project/project_io.h"
#include "test_util.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/inspector.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
QString example(const char* name) {
    return QStringLiteral(BOXANIM_EXAMPLES "/") + QLatin1String(name);
}

bool waitEnded(QSignalSpy& ended, int ms) {
    QElapsedTimer t;
    t.start();
    while (ended.isEmpty() && t.elapsed() < ms) ended.wait(200);
    return !ended.isEmpty();
}

void useCutout(Harness& h) {
    Project p = h.doc()->project();
    p.generation.engine = "cutout";
    h.doc()->reset(p, h.doc()->filePath(), h.doc()->imagePath(), h.doc()->image());
    if (!p.objects.empty()) h.doc()->setSelectedObjectId(toQString(p.objects.front().id));
}

// The Generate button's place in the window.
QRect generatePlace(Harness& h) {
    QPushButton* b = h.window->generationPanel()->generateButton();
    return QRect(b->mapTo(h.window.get(), QPoint(0, 0)), b->size());
}
}  // namespace

class TestPolish : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void theGenerateButtonStaysPutAndOldNewsGoes() {
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->openProject(example("smarties-roll.boxanim")));
        useCutout(h);
        QApplication::processEvents();
        const QRect idle = generatePlace(h);
        auto* c = h.window->generationController();
        GenerationPanel* panel = h.window->generationPanel();
        QList<QRect> during;
        connect(c, &GenerationController::previewReady, this, [&] { during << generatePlace(h); });
        QSignalSpy ended(c, &GenerationController::jobEnded);
        QVERIFY(panel->generate() > 0);
        QVERIFY(waitEnded(ended, 120000));
        QApplication::processEvents();
        QVERIFY2(c->outcome().state == JobState::Finished, qPrintable(c->outcome().message));
        QVERIFY(!during.isEmpty());
        for (const QRect& r : during) QCOMPARE(r, idle);
        QCOMPARE(generatePlace(h), idle);
        QVERIFY(panel->stageLabel()->text().contains(QLatin1String("Space plays them")));

        // A new run: the old run's line goes at once.
        QString stageAtStart;
        connect(c, &GenerationController::started, this, [&] { stageAtStart = panel->stageLabel()->text(); });
        ended.clear();
        QVERIFY(panel->generate() > 0);
        QVERIFY(!panel->stageLabel()->text().contains(QLatin1String("Space plays them")));
        QVERIFY(waitEnded(ended, 120000));
        QVERIFY(!stageAtStart.contains(QLatin1String("Space plays them")));
        QCOMPARE(generatePlace(h), idle);
    }

    void generateWithNoObjectsSaysWhyInThePanel() {
        QTemporaryDir dir;
        Harness h(dir.path());
        QVERIFY(h.window->newFromImage(makeImage(dir.path())));
        GenerationPanel* panel = h.window->generationPanel();
        QVERIFY(!panel->generateButton()->isEnabled());
        QVERIFY(panel->generateButton()->toolTip().contains(QLatin1String("Draw a box")));
        QVERIFY2(panel->stageLabel()->text().contains(QLatin1String("Draw a box")),
                 qPrintable(panel->stageLabel()->text()));
        QTest::keyClick(h.window.get(), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(!h.window->generationController()->isRunning());
        // Drawing one enables it and the hint goes.
        h.drag(QPointF(50, 50), QPointF(150, 130));
        QVERIFY(panel->generateButton()->isEnabled());
        QVERIFY(!panel->stageLabel()->text().contains(QLatin1String("Draw a box")));
    }

    void theInspectorFitsAt1280x800() {
        QTemporaryDir dir;
        Harness h(dir.path());  // 1280 x 800
        QVERIFY(h.window->openProject(example("smarties-path.boxanim")));
        QApplication::processEvents();
        Inspector* in = h.window->inspector();
        QScrollArea* scroll = nullptr;
        for (QWidget* w = in; w && !scroll; w = w->parentWidget()) scroll = qobject_cast<QScrollArea*>(w);
        QVERIFY(scroll);
        auto* remove = in->findChild<QPushButton*>();
        QVERIFY(remove);
        QCOMPARE(remove->text(), QStringLiteral("Remove path"));
        const QRect inView(remove->mapTo(scroll->viewport(), QPoint(0, 0)), remove->size());
        QVERIFY2(scroll->viewport()->rect().contains(inView),
                 qPrintable(QStringLiteral("viewport %1 px high, Remove path at %2..%3")
                                .arg(scroll->viewport()->height())
                                .arg(inView.top())
                                .arg(inView.bottom())));
        QCOMPARE(scroll->verticalScrollBar()->maximum(), 0);
    }
};

QTEST_MAIN(TestPolish)
#include "test_polish.moc"
