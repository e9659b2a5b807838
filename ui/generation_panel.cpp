#include "ui/generation_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <climits>

#include "ui/clip_key.h"
#include "ui/commands.h"
#include "ui/document.h"
#include "ui/generation_controller.h"
#include "ui/player.h"
#include "ui/style.h"
#include "ui/wheel_guard.h"

namespace boxanim::ui {

namespace {
enum Control { kEngine, kSeed, kSteps, kVariety, kDevice };
constexpr int kProgressMax = 1000;

QString seconds(qint64 ms) { return QString::number(ms / 1000.0, 'f', 1) + QStringLiteral(" s"); }
}  // namespace

GenerationPanel::GenerationPanel(Document* doc, GenerationController* controller, Player* player,
                                 QWidget* parent)
    : QWidget(parent), doc_(doc), controller_(controller), player_(player) {
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    engine_ = new QComboBox(this);
    engine_->addItem(tr("BoxFlow (learned)"), QStringLiteral("boxflow"));
    engine_->addItem(tr("Cutout (rigid, default)"), QStringLiteral("cutout"));
    engine_->setToolTip(
        tr("Cutout (the default) moves the matted objects rigidly along their boxes; "
           "BoxFlow lets the box-conditioned model choose the path inside soft boxes "
           "and a small deformation (bounded by Variety)"));
    form->addRow(tr("&Engine"), engine_);

    seed_ = new QSpinBox(this);
    seed_->setRange(0, INT_MAX);
    seed_->setToolTip(tr("The same seed and settings give the same clip"));
    randomSeed_ = new QToolButton(this);
    randomSeed_->setText(tr("Random"));
    randomSeed_->setToolTip(tr("Pick a new random seed"));
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(seed_, 1);
    seedRow->addWidget(randomSeed_);
    auto* seedLabel = new QLabel(tr("&Seed"), this);
    seedLabel->setBuddy(seed_);
    form->addRow(seedLabel, seedRow);

    steps_ = new QSpinBox(this);
    steps_->setRange(1, 8);
    steps_->setToolTip(tr("Sampler steps: 1 is enough when every box is hard; more give variety"));
    form->addRow(tr("S&teps"), steps_);

    variety_ = new QDoubleSpinBox(this);
    variety_->setRange(0.0, 1.0);
    variety_->setSingleStep(0.05);
    variety_->setDecimals(2);
    variety_->setToolTip(tr("How much room soft boxes and in-between frames leave (0 = tight)"));
    form->addRow(tr("&Variety"), variety_);

    device_ = new QComboBox(this);
    device_->addItem(tr("Auto"), QStringLiteral("auto"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    device_->setToolTip(tr("Where BoxFlow samples; Auto uses a CUDA GPU when there is one"));
    form->addRow(tr("&Device"), device_);

    generate_ = new QPushButton(tr("&Generate"), this);
    generate_->setToolTip(tr("Generate the clip (Ctrl+Return); previews stream into the canvas"));
    generate_->setDefault(true);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setToolTip(tr("Stop the generation (Esc)"));
    cancel_->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(generate_, 1);
    buttons->addWidget(cancel_);

    progress_ = new QProgressBar(this);
    progress_->setRange(0, kProgressMax);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    progress_->setFormat(tr("Idle"));
    stage_ = new QLabel(this);
    stage_->setWordWrap(true);
    stage_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    stage_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // Room for three lines whatever it says, so nothing below or above moves
    // between idle, running and done.
    stage_->setMinimumHeight(3 * stage_->fontMetrics().lineSpacing() + 2);

    play_ = new QPushButton(tr("Play"), this);
    play_->setToolTip(tr("Play or pause the clip (Space)"));
    play_->setCheckable(true);
    loop_ = new QCheckBox(tr("Loop"), this);
    loop_->setChecked(player_->loop());
    showClip_ = new QCheckBox(tr("Show clip"), this);
    showClip_->setToolTip(tr("Show the generated frames instead of the boxes (C)"));
    auto* playRow = new QHBoxLayout;
    playRow->addWidget(play_);
    playRow->addWidget(loop_);
    playRow->addWidget(showClip_);
    playRow->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(progress_);
    layout->addWidget(stage_);
    layout->addLayout(playRow);
    layout->addStretch(1);

    ticker_ = new QTimer(this);
    ticker_->setInterval(250);
    connect(ticker_, &QTimer::timeout, this, &GenerationPanel::updateElapsed);

    auto settings = [this] { return doc_->project().generation; };
    connect(engine_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, settings] {
        if (syncing_) return;
        GenerationSettings s = settings();
        s.engine = toStd(engine_->currentData().toString());
        pushSettings(s, kEngine, tr("Change engine"));
    });
    connect(seed_, qOverload<int>(&QSpinBox::valueChanged), this, [this, settings](int v) {
        if (syncing_) return;
        GenerationSettings s = settings();
        s.seed = static_cast<std::uint64_t>(v);
        pushSettings(s, kSeed, tr("Change seed"));
    });
    connect(randomSeed_, &QToolButton::clicked, this, &GenerationPanel::randomizeSeed);
    connect(steps_, qOverload<int>(&QSpinBox::valueChanged), this, [this, settings](int v) {
        if (syncing_) return;
        GenerationSettings s = settings();
        s.steps = v;
        pushSettings(s, kSteps, tr("Change steps"));
    });
    connect(variety_, qOverload<double>(&QDoubleSpinBox::valueChanged), this,
            [this, settings](double v) {
                if (syncing_) return;
                GenerationSettings s = settings();
                s.variety = v;
                pushSettings(s, kVariety, tr("Change variety"));
            });
    connect(device_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, settings] {
        if (syncing_) return;
        GenerationSettings s = settings();
        s.device = toStd(device_->currentData().toString());
        pushSettings(s, kDevice, tr("Change device"));
    });
    connect(generate_, &QPushButton::clicked, this, [this] { generate(); });
    connect(cancel_, &QPushButton::clicked, this, &GenerationPanel::cancel);
    connect(play_, &QPushButton::clicked, player_, &Player::togglePlay);
    connect(player_, &Player::playingChanged, play_, [this](bool p) {
        play_->setChecked(p);
        play_->setText(p ? tr("Pause") : tr("Play"));
    });
    connect(loop_, &QCheckBox::toggled, player_, &Player::setLoop);
    connect(showClip_, &QCheckBox::toggled, player_, &Player::setClipShown);
    connect(player_, &Player::clipShownChanged, showClip_, &QCheckBox::setChecked);
    // Play and the clip view need frames: a clip or the previews of a running job.
    auto updatePlayer = [this] {
        const bool frames = player_->hasClip() || player_->showingPreview();
        play_->setEnabled(frames);
        showClip_->setEnabled(frames);
    };
    connect(player_, &Player::clipChanged, this, updatePlayer);
    connect(player_, &Player::previewChanged, this, updatePlayer);
    connect(player_, &Player::staleChanged, this, &GenerationPanel::showClipState);
    updatePlayer();

    connect(controller_, &GenerationController::progress, this, &GenerationPanel::onProgress);
    connect(controller_, &GenerationController::previewReady, this,
            [this](quint64, int step, int steps) {
                player_->setPreview(controller_->previewFrames());
                stage_->setText(tr("Preview of step %1 of %2 on the canvas").arg(step).arg(steps));
            });
    connect(controller_, &GenerationController::jobEnded, this, &GenerationPanel::onEnded);
    connect(controller_, &GenerationController::runningChanged, this,
            &GenerationPanel::updateRunning);

    connect(doc_, &Document::changed, this, &GenerationPanel::syncFromProject);
    connect(doc_, &Document::documentReset, this, [this] {
        lastControl_ = -1;
        controller_->discard();  // the old document's clip must not arrive in the new one
        doneFormat_.clear();
        doneStage_.clear();
        progress_->setValue(0);
        progress_->setFormat(tr("Idle"));
        stage_->clear();
        syncFromProject();
    });
    guardWheel(this);
    syncFromProject();
}

void GenerationPanel::syncFromProject() {
    const GenerationSettings& g = doc_->project().generation;
    syncing_ = true;
    const int e = engine_->findData(toQString(g.engine));
    engine_->setCurrentIndex(e >= 0 ? e : 0);
    seed_->setValue(static_cast<int>(std::min<std::uint64_t>(g.seed, INT_MAX)));
    steps_->setValue(g.steps);
    variety_->setValue(g.variety);
    const int d = device_->findData(toQString(g.device));
    device_->setCurrentIndex(d >= 0 ? d : 0);
    syncing_ = false;
    const bool has = !doc_->isEmpty();
    for (QWidget* w :
         std::initializer_list<QWidget*>{engine_, seed_, randomSeed_, steps_, variety_, device_})
        w->setEnabled(has);
    const bool objects = !doc_->project().objects.empty();
    generate_->setEnabled(has && !doc_->imageMissing() && objects);
    generate_->setToolTip(has && !objects ? noObjectsText()
                                          : tr("Generate the clip (Ctrl+Return); previews "
                                               "stream into the canvas"));
    // Say it where the button is, not only in the status bar.
    if (!controller_->isRunning() && !player_->hasClip()) {
        if (has && !objects)
            stage_->setText(noObjectsText());
        else if (stage_->text() == noObjectsText())
            stage_->clear();
    }
}

QString GenerationPanel::noObjectsText() const {
    return tr("Draw a box around an object first (Hard Box tool, B): there is nothing to animate.");
}

void GenerationPanel::pushSettings(const GenerationSettings& s, int control, const QString& text) {
    if (doc_->isEmpty() || s == doc_->project().generation) return;
    // Repeated edits of one control (spin-box arrows) merge into one undo step.
    if (control != lastControl_ || control == kEngine || control == kDevice) {
        session_ = doc_->newSession();
        lastControl_ = control;
    }
    doc_->undoStack()->push(new GenerationSettingsCommand(doc_, s, session_, text));
}

void GenerationPanel::randomizeSeed() {
    if (doc_->isEmpty()) return;
    GenerationSettings s = doc_->project().generation;
    s.seed = QRandomGenerator::global()->bounded(INT_MAX);
    lastControl_ = -1;
    pushSettings(s, -2, tr("Random seed"));
}

GenerationRequest GenerationPanel::snapshotRequest() const {
    if (doc_->isEmpty() || doc_->imageMissing()) return {};
    const QImage& img = doc_->image();
    if (img.cacheKey() != imageKey_) {
        imageMat_ = toMat(img);
        imageKey_ = img.cacheKey();
    }
    // A copy of the project; the image is our own converted copy, which nobody
    // writes to (a new image gets a new Mat), so jobs share it read-only.
    GenerationRequest r = GenerationRequest::fromProject(doc_->project(), imageMat_);
    r.modelsDir = toStd(modelsDir_);
    return r;
}

quint64 GenerationPanel::generate() {
    if (doc_->isEmpty()) {
        emit statusMessage(tr("Open an image first."));
        return 0;
    }
    if (doc_->imageMissing()) {
        emit statusMessage(tr("The reference image is missing: re-link it to generate."));
        return 0;
    }
    if (doc_->project().objects.empty()) {
        stage_->setText(noObjectsText());
        emit statusMessage(noObjectsText());
        return 0;
    }
    GenerationRequest r = snapshotRequest();
    r.previewLongSide = 320;
    stageText_ = tr("starting");
    progress_->setValue(0);
    stage_->setText(tr("Starting…"));  // the last run's line is old news
    clock_.start();
    const QString key = clipDependencyKey(r.project, doc_->image());
    const quint64 id = controller_->start(std::move(r));
    keyJob_ = id;
    jobKey_ = key;
    player_->setClipShown(true);  // previews stream in over the photo
    updateElapsed();
    return id;
}

void GenerationPanel::cancel() {
    if (!controller_->isRunning()) return;
    controller_->cancel();
    stageText_ = tr("cancelling");
    updateElapsed();
}

void GenerationPanel::onProgress(quint64, const QString& stage, double fraction, qint64) {
    stageText_ = stage;
    // Short of 100% until the job has ended with its frames.
    progress_->setValue(std::min(kProgressMax - 1, int(fraction * kProgressMax)));
    updateElapsed();
}

void GenerationPanel::updateElapsed() {
    if (!controller_->isRunning()) return;
    progress_->setFormat(tr("%1 · %2").arg(stageText_, seconds(clock_.elapsed())));
}

void GenerationPanel::onEnded(quint64) {
    const GenerationOutcome& o = controller_->outcome();
    player_->setPreview({});
    switch (o.state) {
        case JobState::Finished:
            doneFormat_ = tr("Done · %1").arg(seconds(qint64(o.elapsedMs)));
            doneStage_ = tr("%1 frames by %2 on %3. Space plays them.")
                             .arg(o.frames ? int(o.frames->size()) : 0)
                             .arg(o.engine, o.device.isEmpty() ? QStringLiteral("cpu") : o.device);
            if (!o.notices.isEmpty())  // e.g. the GPU ran out of memory and the CPU finished
                doneStage_ += QLatin1Char('\n') + o.notices.join(QLatin1Char('\n'));
            progress_->setValue(kProgressMax);
            player_->setClip(o.frames, o.fps, o.jobId == keyJob_ ? jobKey_ : QString());
            player_->setClipShown(true);
            showClipState();
            break;
        case JobState::Cancelled:
            progress_->setValue(0);
            progress_->setFormat(tr("Cancelled"));
            stage_->setText(tr("Generation cancelled."));
            break;
        default:
            progress_->setValue(0);
            progress_->setFormat(tr("Failed"));
            stage_->setText(o.message);
            break;
    }
}

// The finished clip's line: "Done", or "Out of date" while the project
// differs from the state the clip was generated from.
void GenerationPanel::showClipState() {
    if (controller_->isRunning() || !player_->hasClip() || doneFormat_.isEmpty()) return;
    if (player_->clipStale()) {
        progress_->setFormat(tr("Out of date"));
        stage_->setText(tr("The project changed since this clip was generated: Generate "
                           "(Ctrl+Return) to update it. Undoing back makes it current again."));
    } else {
        progress_->setFormat(doneFormat_);
        stage_->setText(doneStage_);
    }
}

void GenerationPanel::updateRunning(bool running) {
    cancel_->setEnabled(running);
    if (running)
        ticker_->start();
    else
        ticker_->stop();
}

}  // namespace boxanim::ui
