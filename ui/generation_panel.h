// The Generate panel: engine, seed (with a randomise button), steps, variety
// and device - stored in the project through GenerationSettingsCommand - the
// Generate and Cancel buttons, and a progress bar with the stage and the
// elapsed time that stays short of 100% until the frames exist. The player's
// play / loop / clip-view controls sit underneath.
#pragma once

#include <QElapsedTimer>
#include <QWidget>

#include "core/engine/engine.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;
class QToolButton;

namespace boxanim::ui {

class Document;
class GenerationController;
class Player;

class GenerationPanel : public QWidget {
    Q_OBJECT
public:
    GenerationPanel(Document* doc, GenerationController* controller, Player* player,
                    QWidget* parent = nullptr);

    // The request Generate would send now: a snapshot of the project and the
    // loaded reference image. Empty image when there is nothing to generate.
    GenerationRequest snapshotRequest() const;
    // Where boxflow looks for models (empty: defaultModelsDir()).
    void setModelsDir(const QString& dir) { modelsDir_ = dir; }

    QComboBox* engineBox() const { return engine_; }
    QSpinBox* seedBox() const { return seed_; }
    QToolButton* randomSeedButton() const { return randomSeed_; }
    QSpinBox* stepsBox() const { return steps_; }
    QDoubleSpinBox* varietyBox() const { return variety_; }
    QComboBox* deviceBox() const { return device_; }
    QPushButton* generateButton() const { return generate_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* stageLabel() const { return stage_; }

public slots:
    // Starts a job (superseding a running one). Returns the job id, 0 when
    // there is nothing to generate (the reason goes to statusMessage).
    quint64 generate();
    void cancel();
    void randomizeSeed();
    void syncFromProject();

signals:
    void statusMessage(const QString& text);

private:
    void pushSettings(const GenerationSettings& s, int control, const QString& text);
    void onProgress(quint64 job, const QString& stage, double fraction, qint64 elapsedMs);
    void onEnded(quint64 job);
    void updateRunning(bool running);
    void updateElapsed();
    void showClipState();
    QString noObjectsText() const;

    Document* doc_;
    GenerationController* controller_;
    Player* player_;
    QString modelsDir_;
    QComboBox* engine_;
    QSpinBox* seed_;
    QToolButton* randomSeed_;
    QSpinBox* steps_;
    QDoubleSpinBox* variety_;
    QComboBox* device_;
    QPushButton* generate_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* stage_;
    QPushButton* play_;
    QCheckBox* loop_;
    QCheckBox* showClip_;
    QTimer* ticker_;
    QElapsedTimer clock_;
    QString stageText_;
    // The clip-dependency key of the running job's snapshot (clip_key.h).
    quint64 keyJob_ = 0;
    QString jobKey_;
    // What the panel said when the shown clip finished (restored when an
    // undo makes the clip current again).
    QString doneFormat_, doneStage_;
    int lastControl_ = -1;
    int session_ = 0;
    bool syncing_ = false;
    // Reference image converted once per loaded image.
    mutable qint64 imageKey_ = -1;
    mutable cv::Mat imageMat_;
};

}  // namespace boxanim::ui
