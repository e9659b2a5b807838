// Every undo command: undo -> redo round trip restores the exact project;
// drags merge into one step; the window's modified mark follows the stack.
#include <QTest>
#include <QUndoStack>
#include <functional>

#include "test_util.h"
#include "ui/commands.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

namespace {
Project sampleProject() {
    Project p;
    p.id = newId();
    p.reference.path = "/nonexistent/photo.png";
    p.timeline = boxanim::Timeline{48, 24};
    p.output = OutputSize{400, 304};
    for (int i = 0; i < 3; ++i) {
        Object o;
        o.id = newId();
        o.name = "obj" + std::to_string(i);
        o.color = defaultObjectColor(i);
        o.keyframes.push_back(Keyframe{0, Box{0.1 + 0.2 * i, 0.1, 0.25 + 0.2 * i, 0.3}, BoxKind::Hard, Easing::Linear});
        o.keyframes.push_back(Keyframe{30, Box{0.2, 0.5, 0.4, 0.8}, BoxKind::Soft, Easing::EaseInOut});
        if (i == 1) {
            MotionPath mp;
            mp.points = {{0.2, 0.2}, {0.5, 0.3}, {0.7, 0.7}};
            mp.from = 0;
            mp.to = 40;
            o.path = mp;
        }
        p.objects.push_back(o);
    }
    return p;
}

QImage image() {
    QImage img(400, 300, QImage::Format_RGB32);
    img.fill(Qt::gray);
    return img;
}
}  // namespace

class TestCommands : public QObject {
    Q_OBJECT

    // Pushes the command made by `make`, then checks undo gives the old
    // project and redo the new one, twice over.
    void roundTrip(Document& doc, const std::function<QUndoCommand*()>& make) {
        const Project before = doc.project();
        doc.undoStack()->push(make());
        const Project after = doc.project();
        QVERIFY2(after != before, "the command changed nothing");
        for (int i = 0; i < 2; ++i) {
            doc.undoStack()->undo();
            QVERIFY(doc.project() == before);
            doc.undoStack()->redo();
            QVERIFY(doc.project() == after);
        }
    }

private slots:
    void everyCommandRoundTrips() {
        Document doc;
        doc.reset(sampleProject(), QString(), QStringLiteral("/nonexistent/photo.png"), image());
        const QString id0 = toQString(doc.project().objects[0].id);
        const QString id1 = toQString(doc.project().objects[1].id);

        Object added;
        added.id = newId();
        added.name = "new";
        added.keyframes.push_back(Keyframe{0, Box{0.4, 0.4, 0.6, 0.6}, BoxKind::Hard, Easing::Linear});
        roundTrip(doc, [&] { return new AddObjectCommand(&doc, added, 1); });
        QCOMPARE(doc.project().objects[1].id, added.id);
        QCOMPARE(doc.selectedObjectId(), toQString(added.id));
        roundTrip(doc, [&] { return new DeleteObjectCommand(&doc, toQString(added.id)); });
        roundTrip(doc, [&] { return new RenameObjectCommand(&doc, id0, QStringLiteral("cat")); });
        QCOMPARE(doc.project().objects[0].name, std::string("cat"));
        roundTrip(doc, [&] { return new RecolorObjectCommand(&doc, id0, QStringLiteral("#123456")); });
        roundTrip(doc, [&] { return new ReorderObjectCommand(&doc, id0, 2); });
        QCOMPARE(doc.project().objects[2].id, toStd(id0));
        // Keyframes: add, replace, remove, move.
        roundTrip(doc, [&] {
            return new SetKeyframeCommand(&doc, id0, Keyframe{12, Box{0.3, 0.3, 0.5, 0.5}, BoxKind::Soft, Easing::EaseIn});
        });
        roundTrip(doc, [&] {
            return new SetKeyframeCommand(&doc, id0, Keyframe{30, Box{0.3, 0.3, 0.5, 0.5}, BoxKind::Hard, Easing::Linear});
        });
        roundTrip(doc, [&] { return new RemoveKeyframeCommand(&doc, id0, 30); });
        roundTrip(doc, [&] { return new MoveKeyframeCommand(&doc, id1, 30, 35); });
        QVERIFY(doc.object(id1)->keyframeAt(35));
        QVERIFY(!doc.object(id1)->keyframeAt(30));
        // Paths: edit, remove, create.
        MotionPath mp = *doc.object(id1)->path;
        mp.points.push_back({0.9, 0.1});
        roundTrip(doc, [&] { return new SetPathCommand(&doc, id1, mp); });
        roundTrip(doc, [&] { return new SetPathCommand(&doc, id1, std::nullopt); });
        roundTrip(doc, [&] { return new SetPathCommand(&doc, id0, mp); });
        // Settings: shrinking the timeline drops keyframes past the end; undo restores them.
        roundTrip(doc, [&] {
            return new ProjectSettingsCommand(&doc, boxanim::Timeline{20, 12}, OutputSize{320, 240});
        });
        QCOMPARE(doc.project().timeline.frames, 20);
        for (const Object& o : doc.project().objects) {
            for (const Keyframe& k : o.keyframes) QVERIFY(k.frame < 20);
            if (o.path) QVERIFY(o.path->to <= 19);
        }
        doc.undoStack()->undo();
        QCOMPARE(doc.project().timeline.frames, 48);
        QVERIFY(doc.object(id1)->keyframeAt(35));
    }

    void dragsMergeIntoOneStep() {
        Document doc;
        doc.reset(sampleProject(), QString(), QStringLiteral("/x.png"), image());
        const QString id = toQString(doc.project().objects[0].id);
        const Project start = doc.project();
        const int s = doc.newSession();
        for (int i = 1; i <= 10; ++i)
            doc.undoStack()->push(new SetKeyframeCommand(
                &doc, id, Keyframe{0, Box{0.01 * i, 0.1, 0.3 + 0.01 * i, 0.3}, BoxKind::Hard, Easing::Linear}, s));
        QCOMPARE(doc.undoStack()->count(), 1);
        QCOMPARE(doc.object(id)->keyframes[0].box.x1, 0.1);
        // A new session is a new step.
        doc.undoStack()->push(new SetKeyframeCommand(
            &doc, id, Keyframe{0, Box{0.5, 0.1, 0.7, 0.3}, BoxKind::Hard, Easing::Linear}, doc.newSession()));
        QCOMPARE(doc.undoStack()->count(), 2);
        doc.undoStack()->undo();
        doc.undoStack()->undo();
        QVERIFY(doc.project() == start);

        // Timeline drags: 30 -> 31 -> 32 -> 33 is one move.
        const int m = doc.newSession();
        for (int f = 30; f < 33; ++f) doc.undoStack()->push(new MoveKeyframeCommand(&doc, id, f, f + 1, m));
        QCOMPARE(doc.undoStack()->count(), 1);
        QVERIFY(doc.object(id)->keyframeAt(33));
        doc.undoStack()->undo();
        QVERIFY(doc.project() == start);

        // Path node drags.
        const QString id1 = toQString(doc.project().objects[1].id);
        const int p = doc.newSession();
        MotionPath mp = *doc.object(id1)->path;
        for (int i = 0; i < 5; ++i) {
            mp.points[1] = {0.5 + 0.01 * i, 0.3};
            doc.undoStack()->push(new SetPathCommand(&doc, id1, mp, p));
        }
        QCOMPARE(doc.undoStack()->count(), 1);
        doc.undoStack()->undo();
        QVERIFY(doc.project() == start);
    }

    void modifiedMarkFollowsSaveAndUndo() {
        QTemporaryDir tmp;
        Harness h(tmp.path() + QStringLiteral("/autosave"));
        QVERIFY(h.window->newFromImage(makeImage(tmp.path())));
        QVERIFY(!h.window->isWindowModified());
        QVERIFY(h.window->windowTitle().startsWith(QStringLiteral("Untitled")));
        h.drag(QPointF(50, 50), QPointF(150, 150));
        QVERIFY(h.window->isWindowModified());
        const QString file = tmp.path() + QStringLiteral("/p.boxanim");
        QVERIFY(h.window->saveTo(file));
        QVERIFY(!h.window->isWindowModified());
        QVERIFY(h.window->windowTitle().startsWith(QStringLiteral("p.boxanim")));
        h.window->undoAction()->trigger();
        QVERIFY(h.window->isWindowModified());
        h.window->redoAction()->trigger();
        QVERIFY(!h.window->isWindowModified());
        h.window->toolAction(Canvas::Tool::Select)->trigger();
        h.drag(QPointF(100, 100), QPointF(120, 110));  // move
        QVERIFY(h.window->isWindowModified());
        h.window->undoAction()->trigger();
        QVERIFY(!h.window->isWindowModified());
    }
};

QTEST_MAIN(TestCommands)
#include "test_commands.moc"
