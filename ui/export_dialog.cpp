#include "ui/export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMetaObject>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>
#include <opencv2/imgproc.hpp>

#include "core/media/exporter.h"
#include "ui/wheel_guard.h"

namespace boxanim::ui {

namespace {
const char* kLastFolderKey = "export/lastFolder";

QString suffixFor(ExportDialog::Format f) {
    switch (f) {
        case ExportDialog::Mp4:
            return QStringLiteral(".mp4");
        case ExportDialog::WebM:
            return QStringLiteral(".webm");
        case ExportDialog::Gif:
            return QStringLiteral(".gif");
        case ExportDialog::PngSequence:
            return QString();
    }
    return {};
}

ExportFormat toExportFormat(ExportDialog::Format f) {
    switch (f) {
        case ExportDialog::Mp4:
            return ExportFormat::Mp4;
        case ExportDialog::WebM:
            return ExportFormat::WebM;
        case ExportDialog::Gif:
            return ExportFormat::Gif;
        case ExportDialog::PngSequence:
            return ExportFormat::PngSequence;
    }
    return ExportFormat::Mp4;
}

// The path without a known video suffix (a PNG sequence is a folder).
QString stem(const QString& path) {
    for (const char* s : {".mp4", ".webm", ".gif"})
        if (path.endsWith(QLatin1String(s), Qt::CaseInsensitive))
            return path.left(path.size() - int(qstrlen(s)));
    return path;
}
}  // namespace

QString ExportDialog::lastFolder() {
    const QString f = QSettings().value(QLatin1String(kLastFolderKey)).toString();
    if (!f.isEmpty() && QFileInfo(f).isDir()) return f;
    const QString movies = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
    return !movies.isEmpty() && QFileInfo(movies).isDir() ? movies : QDir::homePath();
}

ExportDialog::ExportDialog(ClipFrames frames, int fps,
                           const QString& baseName, QWidget* parent)
    : QDialog(parent), frames_(std::move(frames)) {
    setWindowTitle(tr("Export Clip"));
    auto* form = new QFormLayout;

    format_ = new QComboBox(this);
    format_->addItem(tr("MP4 video (H.264)"), Mp4);
    format_->addItem(tr("WebM video (VP9)"), WebM);
    format_->addItem(tr("Animated GIF"), Gif);
    format_->addItem(tr("PNG sequence (a folder)"), PngSequence);
    form->addRow(tr("&Format"), format_);

    path_ = new QLineEdit(this);
    auto* browse = new QToolButton(this);
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose where to save"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browse);
    auto* pathLabel = new QLabel(tr("&Save to"), this);
    pathLabel->setBuddy(path_);
    form->addRow(pathLabel, pathRow);

    const cv::Size size = frames_ && !frames_->empty() ? frames_->front().size() : cv::Size(16, 16);
    original_ = new QRadioButton(tr("Original (%1 × %2)").arg(size.width).arg(size.height), this);
    original_->setChecked(true);
    scaled_ = new QRadioButton(tr("Scaled to width"), this);
    width_ = new QSpinBox(this);
    width_->setRange(16, 8192);
    width_->setSingleStep(16);
    width_->setValue(std::max(16, size.width / 2));
    width_->setEnabled(false);
    sizeLabel_ = new QLabel(this);
    auto* scaleRow = new QHBoxLayout;
    scaleRow->addWidget(scaled_);
    scaleRow->addWidget(width_);
    scaleRow->addWidget(sizeLabel_, 1);
    auto* sizeBox = new QVBoxLayout;
    sizeBox->addWidget(original_);
    sizeBox->addLayout(scaleRow);
    sizeNote_ = new QLabel(this);
    sizeNote_->setWordWrap(true);
    sizeNote_->setVisible(false);
    sizeBox->addWidget(sizeNote_);
    form->addRow(tr("Size"), sizeBox);

    fps_ = new QSpinBox(this);
    fps_->setRange(1, 120);
    fps_->setValue(std::clamp(fps, 1, 120));
    fps_->setSuffix(tr(" fps"));
    form->addRow(tr("F&rame rate"), fps_);

    progress_ = new QProgressBar(this);
    progress_->setRange(0, frames_ ? int(frames_->size()) : 0);
    progress_->setValue(0);
    status_ = new QLabel(tr("%1 frames").arg(frames_ ? int(frames_->size()) : 0), this);
    status_->setWordWrap(true);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    exportBtn_ = buttons_->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    exportBtn_->setDefault(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(buttons_);

    path_->setText(
        QDir(lastFolder())
            .filePath((baseName.isEmpty() ? QStringLiteral("clip") : baseName) + suffixFor(Mp4)));
    connect(browse, &QToolButton::clicked, this, &ExportDialog::browse);
    connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &ExportDialog::formatChanged);
    connect(scaled_, &QRadioButton::toggled, width_, &QSpinBox::setEnabled);
    connect(scaled_, &QRadioButton::toggled, this, &ExportDialog::updateSizeLabel);
    connect(width_, qOverload<int>(&QSpinBox::valueChanged), this, &ExportDialog::updateSizeLabel);
    connect(exportBtn_, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(buttons_, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    updateSizeLabel();
    guardWheel(this);
    resize(520, sizeHint().height());
}

ExportDialog::~ExportDialog() {
    cancel_ = true;
    join();
}

void ExportDialog::join() {
    if (worker_.joinable()) worker_.join();
}

void ExportDialog::setFormat(Format f) { format_->setCurrentIndex(format_->findData(f)); }
ExportDialog::Format ExportDialog::format() const { return Format(format_->currentData().toInt()); }
void ExportDialog::setPath(const QString& path) { path_->setText(path); }
QString ExportDialog::path() const { return path_->text().trimmed(); }
void ExportDialog::setFps(int fps) { fps_->setValue(fps); }
int ExportDialog::fps() const { return fps_->value(); }

void ExportDialog::setScaled(bool scaled, int width) {
    (scaled ? scaled_ : original_)->setChecked(true);
    if (width > 0) width_->setValue(width);
}

QSize ExportDialog::outputSize() const {
    if (!frames_ || frames_->empty()) return {};
    const cv::Size s = frames_->front().size();
    if (!scaled_->isChecked()) return QSize(s.width, s.height);
    const int w = width_->value();
    int h = std::max(2, int(std::lround(double(s.height) * w / s.width)));
    // Scaling for H.264 may as well pick even sides than pad one pixel;
    // the other formats keep the height the aspect gives.
    if (format() == Mp4) return QSize(w + w % 2, h + h % 2);
    return QSize(w, h);
}

QSize ExportDialog::encodedSize() const {
    const QSize s = outputSize();
    if (s.isEmpty()) return s;
    const cv::Size e = boxanim::encodedSize(toExportFormat(format()), cv::Size(s.width(), s.height()));
    return QSize(e.width, e.height);
}

QString ExportDialog::sizeNote() const {
    const QSize s = outputSize(), e = encodedSize();
    if (s == e) return {};
    return tr("MP4 (H.264) stores colour at half resolution (4:2:0), which needs even sides: "
              "%1 × %2 is written as %3 × %4, the last %5 repeated. WebM, GIF and PNG keep "
              "%1 × %2 exactly.")
        .arg(s.width())
        .arg(s.height())
        .arg(e.width())
        .arg(e.height())
        .arg(s.width() != e.width() && s.height() != e.height() ? tr("column and row")
             : s.width() != e.width()                          ? tr("column")
                                                               : tr("row"));
}

void ExportDialog::updateSizeLabel() {
    const QSize s = outputSize();
    sizeLabel_->setText(scaled_->isChecked() ? tr("→ %1 × %2").arg(s.width()).arg(s.height())
                                             : QString());
    const QString note = sizeNote();
    sizeNote_->setText(note);
    sizeNote_->setVisible(!note.isEmpty());
}

void ExportDialog::formatChanged() {  // the size note depends on the format
    const QString p = stem(path());
    setPath(p + suffixFor(format()));
    updateSizeLabel();
}

void ExportDialog::browse() {
    QString chosen;
    if (format() == PngSequence) {
        chosen = QFileDialog::getExistingDirectory(this, tr("Folder for the PNG sequence"),
                                                   QFileInfo(path()).absolutePath());
        if (!chosen.isEmpty()) chosen = QDir(chosen).filePath(QFileInfo(path()).fileName());
    } else {
        chosen = QFileDialog::getSaveFileName(this, tr("Export Clip"), path(),
                                              tr("Clip (*%1)").arg(suffixFor(format())));
    }
    if (!chosen.isEmpty()) setPath(chosen);
}

bool ExportDialog::startExport() {
    if (isRunning()) return false;
    join();
    const QString target = path();
    if (!frames_ || frames_->empty()) {
        status_->setText(tr("There is no clip to export."));
        return false;
    }
    if (target.isEmpty()) {
        status_->setText(tr("Choose where to save the clip."));
        return false;
    }
    const QFileInfo info(target);
    if (!info.absoluteDir().exists()) {
        status_->setText(
            tr("The folder %1 does not exist.").arg(QDir::toNativeSeparators(info.absolutePath())));
        return false;
    }
    QSettings().setValue(QLatin1String(kLastFolderKey), info.absolutePath());

    const QSize qs = outputSize();
    const cv::Size size(qs.width(), qs.height());
    const ExportFormat fmt = toExportFormat(format());
    const int fps = fps_->value();
    const std::string file = target.toStdString();
    auto frames = frames_;
    cancel_ = false;
    running_ = true;
    progress_->setRange(0, int(frames->size()));
    progress_->setValue(0);
    status_->setText(tr("Exporting…"));
    exportBtn_->setEnabled(false);
    for (QWidget* w :
         std::initializer_list<QWidget*>{format_, path_, original_, scaled_, width_, fps_})
        w->setEnabled(false);

    worker_ = std::thread([this, frames, size, fmt, fps, file] {
        bool ok = false;
        QString message;
        try {
            Exporter exporter(file, fmt, size, fps);
            int done = 0;
            cv::Mat scaled;
            for (std::size_t i = 0; i < frames->size(); ++i) {
                if (cancel_) break;
                const cv::Mat f = (*frames)[i];  // read back from disk
                if (f.size() != size) {
                    cv::resize(f, scaled, size, 0, 0, cv::INTER_AREA);
                    exporter.addFrame(scaled);
                } else {
                    exporter.addFrame(f);
                }
                ++done;
                QMetaObject::invokeMethod(
                    this, [this, done] { onFrameWritten(done); }, Qt::QueuedConnection);
            }
            if (!cancel_)
                QMetaObject::invokeMethod(
                    this, [this] { onFinishing(); }, Qt::QueuedConnection);
            if (cancel_) {
                exporter.abort();  // the destination stays as it was
                message = tr("Export cancelled; nothing was written.");
            } else {
                exporter.finish();
                ok = true;
                message =
                    tr("Exported %1 frames to %2").arg(done).arg(QString::fromStdString(file));
            }
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, ok, message] { onDone(ok, message); }, Qt::QueuedConnection);
    });
    return true;
}

// Short of 100% until the file is finished: the last frame in is not the end
// (a GIF's palette and encoding take a while after it).
void ExportDialog::onFrameWritten(int done) {
    const int n = frames_ ? int(frames_->size()) : 0;
    progress_->setValue(std::min(done, std::max(0, n - 1)));
    status_->setText(tr("Exporting… frame %1 of %2").arg(done).arg(n));
}

void ExportDialog::onFinishing() {
    if (!running_) return;
    progress_->setRange(0, 0);  // busy: the encoder has the frames
    status_->setText(format() == Gif ? tr("Finishing the GIF: building its palette and encoding…")
                                     : tr("Finishing the file…"));
    emit finishing();
}

void ExportDialog::onDone(bool ok, const QString& message) {
    join();
    running_ = false;
    status_->setText(message);
    exportBtn_->setEnabled(true);
    for (QWidget* w : std::initializer_list<QWidget*>{format_, path_, original_, scaled_, fps_})
        w->setEnabled(true);
    width_->setEnabled(scaled_->isChecked());
    progress_->setRange(0, frames_ ? int(frames_->size()) : 0);
    progress_->setValue(ok ? progress_->maximum() : 0);
    emit exportFinished(ok, message);
    if (ok) accept();
}

void ExportDialog::cancelExport() { cancel_ = true; }

void ExportDialog::reject() {
    if (isRunning()) {  // first Cancel stops the export; the dialog stays to say so
        cancelExport();
        return;
    }
    QDialog::reject();
}

}  // namespace boxanim::ui
