// Shared helpers for the editor tests: scripted prompts, a test image, a window.
#pragma once

#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "ui/canvas.h"
#include "ui/document.h"
#include "ui/mainwindow.h"
#include "ui/prompts.h"

namespace boxanim::ui::test {

// Answers every question from scripted values and records what was asked.
class ScriptedPrompts : public Prompts {
public:
    struct State {
        SaveChoice save = SaveChoice::Discard;
        RecoveryChoice recovery = RecoveryChoice::Recover;
        QString relink;
        QString saveName;
        QStringList errors;
        int saveAsked = 0;
        int recoveryAsked = 0;
        int relinkAsked = 0;
        bool useCutout = false;
        QStringList cutoutAsked;  // the messages the cutout question showed
        FramesChoice frames = FramesChoice::Remove;
        bool relinkDifferent = true;  // use a re-linked image whose checksum differs
        QStringList relinkDifferentAsked;  // what that question said
        QStringList framesAsked;  // the losses the lower-frames question listed
    };
    explicit ScriptedPrompts(std::shared_ptr<State> s) : s_(std::move(s)) {}
    SaveChoice askSaveChanges(QWidget*, const QString&) override {
        ++s_->saveAsked;
        return s_->save;
    }
    RecoveryChoice askRecover(QWidget*, const QString&, const QDateTime&, const QDateTime&) override {
        ++s_->recoveryAsked;
        return s_->recovery;
    }
    void showError(QWidget*, const QString& title, const QString& text) override {
        s_->errors << title + QStringLiteral(": ") + text;
    }
    QString askRelink(QWidget*, const QString&) override {
        ++s_->relinkAsked;
        return s_->relink;
    }
    QString openFileName(QWidget*, const QString&) override { return {}; }
    QString imageFileName(QWidget*, const QString&) override { return {}; }
    QString saveFileName(QWidget*, const QString&) override { return s_->saveName; }
    bool askUseCutout(QWidget*, const QString& message) override {
        s_->cutoutAsked << message;
        return s_->useCutout;
    }
    bool askRelinkDifferent(QWidget*, const QString&, const QString& details) override {
        s_->relinkDifferentAsked << details;
        return s_->relinkDifferent;
    }
    FramesChoice askLowerFrames(QWidget*, int, int, const QStringList& losses) override {
        s_->framesAsked << losses.join(QLatin1Char('\n'));
        return s_->frames;
    }

private:
    std::shared_ptr<State> s_;
};

// A 400x300 test photo: a gradient with a few shapes.
inline QString makeImage(const QString& dir, const QString& name = QStringLiteral("photo.png"),
                         QSize size = QSize(400, 300)) {
    QImage img(size, QImage::Format_RGB32);
    QPainter p(&img);
    QLinearGradient g(0, 0, size.width(), size.height());
    g.setColorAt(0, QColor(30, 60, 90));
    g.setColorAt(1, QColor(230, 220, 200));
    p.fillRect(img.rect(), g);
    p.setBrush(QColor(200, 40, 40));
    p.drawEllipse(QRect(60, 70, 80, 60));
    p.end();
    const QString path = dir + QLatin1Char('/') + name;
    img.save(path);
    return path;
}

struct Harness {
    std::shared_ptr<ScriptedPrompts::State> prompts = std::make_shared<ScriptedPrompts::State>();
    std::unique_ptr<MainWindow> window;
    // `mattes`: run the matte worker (IS-Net + grabCut per box change); off
    // unless a test is about mattes, so the other editor tests stay fast.
    explicit Harness(const QString& autosaveDir, bool autosaveTimer = false, bool mattes = false) {
        MainWindowOptions o;
        o.persistentSettings = false;
        o.autosave = autosaveTimer;
        o.mattes = mattes;
        o.autosaveDir = autosaveDir;
        o.clipCacheDir = autosaveDir + QStringLiteral("/clips");
        window = std::make_unique<MainWindow>(o);
        window->setPrompts(std::make_unique<ScriptedPrompts>(prompts));
        window->resize(1280, 800);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get())) qWarning("window not exposed");
    }
    Document* doc() const { return window->document(); }
    Canvas* canvas() const { return window->canvas(); }
    QPoint view(const QPointF& imagePx) const { return canvas()->toView(imagePx).toPoint(); }
    // A left-button drag in image pixels on the canvas viewport.
    void drag(const QPointF& from, const QPointF& to, Qt::KeyboardModifiers mods = {}) const {
        QWidget* vp = canvas()->viewport();
        const QPoint a = view(from), b = view(to);
        QTest::mousePress(vp, Qt::LeftButton, mods, a);
        // QTest::mouseMove carries no modifiers; send the moves ourselves.
        for (const QPoint& p : {(a + b) / 2, b}) {
            QMouseEvent me(QEvent::MouseMove, QPointF(p), vp->mapToGlobal(QPointF(p)),
                           Qt::NoButton, Qt::LeftButton, mods);
            QApplication::sendEvent(vp, &me);
        }
        QTest::mouseRelease(vp, Qt::LeftButton, mods, b);
    }
    void click(const QPointF& at) const {
        QTest::mouseClick(canvas()->viewport(), Qt::LeftButton, {}, view(at));
    }
};

inline QRectF framePixels(const Document* doc, const Object& o, int frame) {
    const Keyframe* k = o.keyframeAt(frame);
    return k ? doc->toPixels(k->box) : QRectF();
}

}  // namespace boxanim::ui::test
