// The timeline: playhead by click/drag and keys, keyframes dragged in time
// (one undo step), and a layout that holds at 48 and 240 frames.
#include <QTest>
#include <QUndoStack>

#include "test_util.h"
#include "ui/style.h"
#include "ui/commands.h"
#include "ui/timeline.h"

using namespace boxanim;
using namespace boxanim::ui;
using namespace boxanim::ui::test;

class TestTimeline : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void playheadAndKeyframeDrag() {
        Harness h(tmp_.path() + QStringLiteral("/as"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path())));
        h.drag(QPointF(40, 40), QPointF(140, 120));
        Document* doc = h.doc();
        const QString id = toQString(doc->project().objects[0].id);
        doc->undoStack()->push(new SetKeyframeCommand(
            doc, id, Keyframe{10, Box{0.5, 0.1, 0.7, 0.4}, BoxKind::Hard, Easing::Linear}));
        TimelineView* tl = h.window->timeline();

        // Click and drag in the ruler move the playhead.
        QTest::mouseClick(tl, Qt::LeftButton, {}, QPoint(int(tl->frameX(7)), 8));
        QCOMPARE(doc->currentFrame(), 7);
        QTest::mousePress(tl, Qt::LeftButton, {}, QPoint(int(tl->frameX(3)), 8));
        QTest::mouseMove(tl, QPoint(int(tl->frameX(40)), 8));
        QTest::mouseRelease(tl, Qt::LeftButton, {}, QPoint(int(tl->frameX(40)), 8));
        QCOMPARE(doc->currentFrame(), 40);

        // Keys.
        tl->setFocus();
        QTest::keyClick(tl, Qt::Key_Right);
        QCOMPARE(doc->currentFrame(), 41);
        QTest::keyClick(tl, Qt::Key_Left);
        QTest::keyClick(tl, Qt::Key_Left);
        QCOMPARE(doc->currentFrame(), 39);
        QTest::keyClick(tl, Qt::Key_End);
        QCOMPARE(doc->currentFrame(), 47);
        QTest::keyClick(tl, Qt::Key_Right);
        QCOMPARE(doc->currentFrame(), 47);
        QTest::keyClick(tl, Qt::Key_Home);
        QCOMPARE(doc->currentFrame(), 0);

        // Drag the frame-10 keyframe to frame 25: one undo step.
        const int steps = doc->undoStack()->count();
        QPointF m;
        for (const auto& mk : tl->markers())
            if (mk.frame == 10) m = mk.rect.center();
        QVERIFY(!m.isNull());
        QTest::mousePress(tl, Qt::LeftButton, {}, m.toPoint());
        QCOMPARE(doc->currentFrame(), 10);
        for (int f = 12; f <= 25; f += 3)
            QTest::mouseMove(tl, QPoint(int(tl->frameX(f)), int(m.y())));
        QTest::mouseMove(tl, QPoint(int(tl->frameX(25)), int(m.y())));
        QTest::mouseRelease(tl, Qt::LeftButton, {}, QPoint(int(tl->frameX(25)), int(m.y())));
        const Object& o = doc->project().objects[0];
        QVERIFY(o.keyframeAt(25));
        QVERIFY(!o.keyframeAt(10));
        QCOMPARE(doc->undoStack()->count(), steps + 1);
        QCOMPARE(doc->currentFrame(), 25);
        doc->undoStack()->undo();
        QVERIFY(doc->project().objects[0].keyframeAt(10));

        // The frame-0 keyframe does not move (it defines the object).
        QPointF m0;
        for (const auto& mk : tl->markers())
            if (mk.frame == 0) m0 = mk.rect.center();
        QTest::mousePress(tl, Qt::LeftButton, {}, m0.toPoint());
        QTest::mouseMove(tl, QPoint(int(tl->frameX(5)), int(m0.y())));
        QTest::mouseRelease(tl, Qt::LeftButton, {}, QPoint(int(tl->frameX(5)), int(m0.y())));
        QVERIFY(doc->project().objects[0].keyframeAt(0));

        // The playhead shows the box at that frame: the Delete action removes
        // the keyframe under the playhead (not the object).
        doc->setCurrentFrame(10);
        h.window->deleteAction()->trigger();
        QVERIFY(!doc->project().objects[0].keyframeAt(10));
        QCOMPARE(int(doc->project().objects.size()), 1);
    }

    void layoutAt48And240Frames_data() {
        QTest::addColumn<int>("frames");
        QTest::newRow("48") << 48;
        QTest::newRow("240") << 240;
    }

    void layoutAt48And240Frames() {
        QFETCH(int, frames);
        Harness h(tmp_.path() + QStringLiteral("/as2"));
        QVERIFY(h.window->newFromImage(makeImage(tmp_.path(), QStringLiteral("l.png"))));
        h.drag(QPointF(40, 40), QPointF(140, 120));
        Document* doc = h.doc();
        doc->undoStack()->push(new ProjectSettingsCommand(doc, boxanim::Timeline{frames, 24}, doc->project().output));
        const QString id = toQString(doc->project().objects[0].id);
        for (int f : {1, frames / 2, frames - 1})
            doc->undoStack()->push(new SetKeyframeCommand(
                doc, id, Keyframe{f, Box{0.5, 0.1, 0.7, 0.4}, BoxKind::Soft, Easing::Linear}));
        TimelineView* tl = h.window->timeline();
        QVERIFY(tl->width() > 600);
        for (int f = 0; f < frames; ++f) {
            QCOMPARE(tl->frameAt(tl->frameX(f)), f);
            QVERIFY(tl->frameX(f) < tl->width());
        }
        const auto markers = tl->markers();
        QCOMPARE(int(markers.size()), 4);
        for (const auto& mk : markers) {
            QVERIFY(tl->rect().contains(mk.rect.toRect()));
            QVERIFY(mk.rect.width() >= 8);  // big enough to grab
        }
        // Neighbouring keyframes (0 and 1) are both reachable by clicking.
        QTest::mouseClick(tl, Qt::LeftButton, {}, markers[1].rect.center().toPoint());
        QCOMPARE(doc->currentFrame(), 1);
        QTest::mouseClick(tl, Qt::LeftButton, {}, markers[0].rect.center().toPoint());
        QCOMPARE(doc->currentFrame(), 0);
        // Every marker is painted where markers() says, in the object's
        // colour: hard filled, soft hollow (the colour on its band, not in
        // its middle), at this density too.
        QImage img(tl->size(), QImage::Format_ARGB32);
        img.fill(Qt::transparent);
        tl->render(&img);
        const QColor colour = objectColor(doc->project().objects[0]);
        auto close = [&](QPointF at) {
            const QColor got(img.pixel(at.toPoint()));
            return std::abs(got.red() - colour.red()) < 40 && std::abs(got.green() - colour.green()) < 40 &&
                   std::abs(got.blue() - colour.blue()) < 40;
        };
        for (const auto& mk : markers) {
            const QPointF ctr = mk.rect.center();
            const double half = mk.rect.width() / 2;
            const QString at = QStringLiteral("marker at frame %1").arg(mk.frame);
            if (mk.kind == BoxKind::Hard) {
                QVERIFY2(close(ctr), qPrintable(at + QStringLiteral(": not filled")));
            } else {
                bool band = false;  // somewhere on the band between the two outlines
                for (double d = 0.5 * half; d <= half && !band; d += 0.5)
                    for (const QPointF dir : {QPointF(0, -1), QPointF(0, 1), QPointF(-1, 0), QPointF(1, 0)})
                        band = band || close(ctr + d * dir);
                QVERIFY2(band, qPrintable(at + QStringLiteral(": no band")));
                QVERIFY2(!close(ctr), qPrintable(at + QStringLiteral(": not hollow")));
            }
        }
    }
};

QTEST_MAIN(TestTimeline)
#include "test_timeline.moc"
