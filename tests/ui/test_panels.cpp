// Objects panel, inspector, timeline context menu and dropping files on the
// window, driven the way a user drives them.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDockWidget>
#include <QSettings>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMimeData>
#include <QSpinBox>
#include <QTimer>
#include <QUndoStack>
#include <QUrl>

#include "test_util.h"
#include "ui/commands.h"
#include "ui/inspector.h"
#include "ui/project_bar.h"
#include "ui/objectspanel.h"
#include "ui/timeline.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
// Triggers the action named `text` in the next popup menu (menus block in exec()).
void triggerInNextMenu(const QString& text, bool* found) {
    QTimer::singleShot(0, [text, found] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        if (!menu) return;
        std::function<QAction*(QMenu*)> find = [&](QMenu* m) -> QAction* {
            for (QAction* a : m->actions()) {
                if (a->menu())
                    if (QAction* x = find(a->menu())) return x;
                if (a->text() == text) return a;
            }
            return nullptr;
        };
        if (QAction* a = find(menu)) {
            *found = a->isEnabled();
            menu->close();
            if (a->isEnabled()) a->trigger();
        } else {
            menu->close();
        }
    });
}
}  // namespace

class TestPanels : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void objectsPanel() {
        Harness h(tmp_.path() + QStringLiteral("/as"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path())));
        ObjectsPanel* panel = h.window->objectsPanel();
        Document* doc = h.doc();
        panel->addObject();
        panel->addObject();
        QCOMPARE(int(doc->project().objects.size()), 2);
        QCOMPARE(panel->list()->count(), 2);
        QCOMPARE(panel->list()->currentRow(), 1);  // the new one is selected
        const std::string second = doc->project().objects[1].id;

        // Rename through the list's inline editor.
        QListWidgetItem* item = panel->list()->item(1);
        item->setText(QStringLiteral("kite"));
        QCOMPARE(doc->project().objects[1].name, std::string("kite"));
        QCOMPARE(doc->undoStack()->undoText(), QStringLiteral("Rename object"));

        // Reorder: move towards the front.
        panel->moveUp();
        QCOMPARE(doc->project().objects[0].id, second);
        QCOMPARE(panel->list()->item(0)->text(), QStringLiteral("kite"));
        QCOMPARE(panel->list()->currentRow(), 0);

        // Selecting in the list selects in the document.
        panel->list()->setCurrentRow(1);
        QCOMPARE(doc->selectedObjectId(), toQString(doc->project().objects[1].id));

        panel->deleteObject();
        QCOMPARE(int(doc->project().objects.size()), 1);
        QCOMPARE(panel->list()->count(), 1);

        // At most kMaxObjects.
        for (int i = 0; i < 6; ++i) panel->addObject();
        QCOMPARE(int(doc->project().objects.size()), kMaxObjects);

        // Undo everything: back to no objects.
        while (doc->undoStack()->canUndo()) doc->undoStack()->undo();
        QCOMPARE(panel->list()->count(), 0);
    }

    void inspectorEditsInPixels() {
        Harness h(tmp_.path() + QStringLiteral("/as2"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("i.png"))));
        h.drag(QPointF(40, 50), QPointF(140, 150));
        Document* doc = h.doc();
        Inspector* ins = h.window->inspector();
        QCOMPARE(qRound(ins->xSpin()->value()), 40);
        QCOMPARE(qRound(ins->ySpin()->value()), 50);
        QCOMPARE(qRound(ins->wSpin()->value()), 100);
        QCOMPARE(qRound(ins->hSpin()->value()), 100);
        QVERIFY(!ins->kindCombo()->isEnabled());  // frame 0 is always hard

        ins->xSpin()->setValue(60);
        const Object& o = doc->project().objects[0];
        QCOMPARE(doc->toPixels(o.keyframes[0].box).left(), 60.0);
        QCOMPARE(qRound(doc->toPixels(o.keyframes[0].box).width()), 100);

        // At an interpolated frame, an edit adds a keyframe there.
        doc->setCurrentFrame(12);
        QCOMPARE(qRound(ins->xSpin()->value()), 60);  // the held box
        ins->wSpin()->setValue(150);
        const Keyframe* k = doc->project().objects[0].keyframeAt(12);
        QVERIFY(k);
        QCOMPARE(qRound(doc->toPixels(k->box).width()), 150);
        QVERIFY(ins->kindCombo()->isEnabled());
        ins->kindCombo()->setCurrentIndex(ins->kindCombo()->findData(int(BoxKind::Soft)));
        emit ins->kindCombo()->activated(ins->kindCombo()->currentIndex());
        QCOMPARE(doc->project().objects[0].keyframeAt(12)->kind, BoxKind::Soft);
        ins->easingCombo()->setCurrentIndex(ins->easingCombo()->findData(int(Easing::EaseOut)));
        emit ins->easingCombo()->activated(ins->easingCombo()->currentIndex());
        QCOMPARE(doc->project().objects[0].keyframeAt(12)->easing, Easing::EaseOut);

        // Project settings.
        h.window->projectBar()->framesSpin()->setValue(10);  // asked; the script removes
        QCOMPARE(doc->project().timeline.frames, 10);
        QVERIFY(!doc->project().objects[0].keyframeAt(12));  // past the end now
        QCOMPARE(doc->currentFrame(), 9);
        doc->undoStack()->undo();
        QCOMPARE(doc->project().timeline.frames, 48);
        QVERIFY(doc->project().objects[0].keyframeAt(12));
        h.window->projectBar()->fpsSpin()->setValue(30);
        h.window->projectBar()->outWidthSpin()->setValue(320);
        QCOMPARE(doc->project().timeline.fps, 30);
        QCOMPARE(doc->project().output.width, 320);
    }

    void timelineContextMenu() {
        Harness h(tmp_.path() + QStringLiteral("/as3"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("m.png"))));
        h.drag(QPointF(40, 50), QPointF(140, 150));
        Document* doc = h.doc();
        const QString id = toQString(doc->project().objects[0].id);
        doc->undoStack()->push(new SetKeyframeCommand(
            doc, id, Keyframe{20, Box{0.5, 0.5, 0.7, 0.7}, BoxKind::Hard, Easing::Linear}));
        TimelineView* tl = h.window->timeline();
        QPoint at;
        for (const auto& m : tl->markers())
            if (m.frame == 20) at = m.rect.center().toPoint();

        auto menuAt = [&](const QString& action) {
            bool found = false;
            triggerInNextMenu(action, &found);
            QContextMenuEvent ev(QContextMenuEvent::Mouse, at, tl->mapToGlobal(at));
            QApplication::sendEvent(tl, &ev);
            return found;
        };
        QVERIFY(menuAt(QStringLiteral("Soft box")));
        QCOMPARE(doc->object(id)->keyframeAt(20)->kind, BoxKind::Soft);
        QVERIFY(menuAt(QStringLiteral("Ease in-out")));
        QCOMPARE(doc->object(id)->keyframeAt(20)->easing, Easing::EaseInOut);
        QVERIFY(menuAt(QStringLiteral("Delete keyframe")));
        QVERIFY(!doc->object(id)->keyframeAt(20));
        // Frame 0 cannot be deleted or made soft.
        for (const auto& m : tl->markers())
            if (m.frame == 0) at = m.rect.center().toPoint();
        QVERIFY(!menuAt(QStringLiteral("Delete keyframe")));
        QVERIFY(!menuAt(QStringLiteral("Soft box")));
        QVERIFY(doc->object(id)->keyframeAt(0));
    }

    void settingsRemembered() {
        QCoreApplication::setOrganizationName(QStringLiteral("BoxAnimTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_ui_panels"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           tmp_.path() + QStringLiteral("/settings"));
        const QString img = makeImage(tmp_.path(), QStringLiteral("recent.png"));
        const QString file = tmp_.path() + QStringLiteral("/recent.boxanim");
        MainWindowOptions o;
        o.autosave = false;
        o.autosaveDir = tmp_.path() + QStringLiteral("/as5");
        {
            MainWindow w(o);
            w.setPrompts(std::make_unique<ScriptedPrompts>(std::make_shared<ScriptedPrompts::State>()));
            w.resize(1100, 700);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.newFromImage(img));
            QVERIFY(w.saveTo(file));
            w.findChild<QDockWidget*>(QStringLiteral("inspectorDock"))->hide();
            QVERIFY(w.close());
        }
        MainWindow w2(o);
        QCOMPARE(w2.recentFiles().value(0), QFileInfo(file).absoluteFilePath());
        w2.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w2));
        QVERIFY(!w2.findChild<QDockWidget*>(QStringLiteral("inspectorDock"))->isVisible());
        QVERIFY(w2.findChild<QDockWidget*>(QStringLiteral("objectsDock"))->isVisible());
        QCOMPARE(w2.size(), QSize(1100, 700));
    }

    void dropFilesOnWindow() {
        Harness h(tmp_.path() + QStringLiteral("/as4"));
        const QString img = makeImage(tmp_.path(), QStringLiteral("dropped.png"));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(img)});
        const QPoint pos = h.window->rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(h.window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(h.window.get(), &drop);
        QTRY_VERIFY(!h.doc()->isEmpty());
        QCOMPARE(h.doc()->imagePath(), QFileInfo(img).absoluteFilePath());

        // A dropped project opens too.
        h.drag(QPointF(40, 50), QPointF(140, 150));
        const QString file = tmp_.path() + QStringLiteral("/dropped.boxanim");
        QVERIFY(h.window->saveTo(file));
        Harness h2(tmp_.path() + QStringLiteral("/as4"));
        QMimeData mime2;
        mime2.setUrls({QUrl::fromLocalFile(file)});
        QDragEnterEvent enter2(pos, Qt::CopyAction, &mime2, Qt::LeftButton, {});
        QApplication::sendEvent(h2.window.get(), &enter2);
        QVERIFY(enter2.isAccepted());
        QDropEvent drop2(QPointF(pos), Qt::CopyAction, &mime2, Qt::LeftButton, {});
        QApplication::sendEvent(h2.window.get(), &drop2);
        QTRY_COMPARE(h2.doc()->filePath(), QFileInfo(file).absoluteFilePath());
        QVERIFY(h2.doc()->project() == h.doc()->project());
    }
};

QTEST_MAIN(TestPanels)
#include "test_panels.moc"
