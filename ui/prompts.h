// Every question the editor asks the user goes through this interface, so
// tests (and --screenshot) can answer without dialogs.
#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

class QWidget;

namespace boxanim::ui {

class Prompts {
public:
    enum class SaveChoice { Save, Discard, Cancel };
    enum class RecoveryChoice { Recover, Discard, Later };
    enum class FramesChoice { ScaleKeys, Remove, Cancel };

    virtual ~Prompts() = default;
    virtual SaveChoice askSaveChanges(QWidget* parent, const QString& documentName);
    virtual RecoveryChoice askRecover(QWidget* parent, const QString& documentName,
                                      const QDateTime& autosaved, const QDateTime& saved);
    virtual void showError(QWidget* parent, const QString& title, const QString& text);
    // The reference image is missing: returns the new image path, or empty to skip.
    virtual QString askRelink(QWidget* parent, const QString& missingPath);
    // The image chosen to re-link is not the one the project was made with
    // (its sha256 differs); `details` says what changes. True uses it anyway,
    // false goes back to choosing.
    virtual bool askRelinkDifferent(QWidget* parent, const QString& chosenPath, const QString& details);
    virtual QString openFileName(QWidget* parent, const QString& dir);
    virtual QString imageFileName(QWidget* parent, const QString& dir);
    virtual QString saveFileName(QWidget* parent, const QString& suggested);
    // Generation failed because the model could not be loaded (`message`
    // names the file): true switches the project to the cutout engine.
    virtual bool askUseCutout(QWidget* parent, const QString& message);
    // Lowering the frame count would lose `losses` (one line each): scale the
    // keys and paths with the timeline, remove what falls off, or cancel.
    virtual FramesChoice askLowerFrames(QWidget* parent, int from, int to, const QStringList& losses);
};

// For --screenshot and batch use: never asks, prints errors to stderr.
class SilentPrompts : public Prompts {
public:
    SaveChoice askSaveChanges(QWidget*, const QString&) override { return SaveChoice::Discard; }
    RecoveryChoice askRecover(QWidget*, const QString&, const QDateTime&,
                              const QDateTime&) override {
        return RecoveryChoice::Later;
    }
    void showError(QWidget*, const QString& title, const QString& text) override;
    QString askRelink(QWidget*, const QString&) override { return {}; }
    bool askRelinkDifferent(QWidget*, const QString&, const QString&) override { return false; }
    QString openFileName(QWidget*, const QString&) override { return {}; }
    QString imageFileName(QWidget*, const QString&) override { return {}; }
    QString saveFileName(QWidget*, const QString&) override { return {}; }
    bool askUseCutout(QWidget*, const QString& message) override;
    FramesChoice askLowerFrames(QWidget*, int, int, const QStringList&) override {
        return FramesChoice::ScaleKeys;  // loses nothing
    }
};

// File-dialog name filters shared by the editor.
QString imageNameFilter();
QString projectNameFilter();

}  // namespace boxanim::ui
