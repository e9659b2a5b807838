// Export the generated clip: MP4, WebM, GIF or a PNG sequence, at the
// original or a scaled size and a chosen fps. Encoding runs on a worker
// thread with a progress bar; core/media's Exporter writes to a temporary
// file and renames it into place only when complete, so a cancelled or failed
// export leaves an existing file as it was. The last folder is remembered
// (QSettings "export/lastFolder").
#pragma once

#include <QDialog>
#include <atomic>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <thread>
#include <vector>

#include "core/media/frame_store.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace boxanim::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum Format { Mp4, WebM, Gif, PngSequence };

    // `frames`: the clip (BGR, all the same size); `baseName` suggests the file name.
    ExportDialog(ClipFrames frames, int fps,
                 const QString& baseName, QWidget* parent = nullptr);
    ~ExportDialog() override;  // cancels a running export and joins

    void setFormat(Format f);
    Format format() const;
    void setPath(const QString& path);
    QString path() const;
    void setScaled(bool scaled, int width = 0);  // height follows the aspect
    // The size asked for: the clip's, or scaled (MP4 picks even sides when
    // scaling; WebM, GIF and PNG keep the aspect's exact height).
    QSize outputSize() const;
    // The size in the file: H.264 (MP4, 4:2:0) rounds an odd side up by one.
    QSize encodedSize() const;
    // Says why the file's size differs from the one asked for; empty when it does not.
    QString sizeNote() const;
    void setFps(int fps);
    int fps() const;
    bool isRunning() const { return worker_.joinable() && running_; }
    QProgressBar* progressBar() const { return progress_; }
    QPushButton* exportButton() const { return exportBtn_; }
    QLabel* statusLabel() const { return status_; }

    static QString lastFolder();

public slots:
    // Starts the export (returns false and says why when the settings are bad).
    bool startExport();
    void cancelExport();
    void reject() override;

signals:
    // The export ended: ok, or the reason (cancelled, encoder or write error).
    void exportFinished(bool ok, const QString& message);
    // Every frame is in; the file is being finished (GIF: palette and encoding).
    void finishing();

private:
    void browse();
    void formatChanged();
    void updateSizeLabel();
    void onFrameWritten(int done);
    void onFinishing();
    void onDone(bool ok, const QString& message);
    void join();

    ClipFrames frames_;
    QComboBox* format_;
    QLineEdit* path_;
    QRadioButton* original_;
    QRadioButton* scaled_;
    QSpinBox* width_;
    QLabel* sizeLabel_;
    QLabel* sizeNote_;
    QSpinBox* fps_;
    QProgressBar* progress_;
    QLabel* status_;
    QPushButton* exportBtn_;
    QDialogButtonBox* buttons_;
    std::thread worker_;
    std::atomic<bool> cancel_{false};
    bool running_ = false;
};

}  // namespace boxanim::ui
