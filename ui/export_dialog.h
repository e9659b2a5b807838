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
    ExportDialog(std::shared_ptr<const std::vector<cv::Mat>> frames, int fps,
                 const QString& baseName, QWidget* parent = nullptr);
    ~ExportDialog() override;  // cancels a running export and joins

    void setFormat(Format f);
    Format format() const;
    void setPath(const QString& path);
    QString path() const;
    void setScaled(bool scaled, int width = 0);  // height follows the aspect
    QSize outputSize() const;
    void setFps(int fps);
    int fps() const;
    bool isRunning() const { return worker_.joinable() && running_; }
    QProgressBar* progressBar() const { return progress_; }
    QPushButton* exportButton() const { return exportBtn_; }

    static QString lastFolder();

public slots:
    // Starts the export (returns false and says why when the settings are bad).
    bool startExport();
    void cancelExport();
    void reject() override;

signals:
    // The export ended: ok, or the reason (cancelled, encoder or write error).
    void exportFinished(bool ok, const QString& message);

private:
    void browse();
    void formatChanged();
    void updateSizeLabel();
    void onFrameWritten(int done);
    void onDone(bool ok, const QString& message);
    void join();

    std::shared_ptr<const std::vector<cv::Mat>> frames_;
    QComboBox* format_;
    QLineEdit* path_;
    QRadioButton* original_;
    QRadioButton* scaled_;
    QSpinBox* width_;
    QLabel* sizeLabel_;
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
