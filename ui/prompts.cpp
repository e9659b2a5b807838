#include "ui/prompts.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <cstdio>

namespace boxanim::ui {

QString imageNameFilter() {
    QStringList globs;
    for (const QByteArray& f : QImageReader::supportedImageFormats())
        globs << QStringLiteral("*.") + QString::fromLatin1(f);
    return QObject::tr("Images (%1)").arg(globs.join(QLatin1Char(' ')));
}

QString projectNameFilter() { return QObject::tr("BoxAnim projects (*.boxanim)"); }

Prompts::SaveChoice Prompts::askSaveChanges(QWidget* parent, const QString& name) {
    QMessageBox box(QMessageBox::Warning, QObject::tr("Unsaved changes"),
                    QObject::tr("Save the changes to “%1” before closing it?").arg(name),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    box.setInformativeText(QObject::tr("Your changes are lost if you don't save them."));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
        case QMessageBox::Save: return SaveChoice::Save;
        case QMessageBox::Discard: return SaveChoice::Discard;
        default: return SaveChoice::Cancel;
    }
}

Prompts::RecoveryChoice Prompts::askRecover(QWidget* parent, const QString& name,
                                            const QDateTime& autosaved, const QDateTime& saved) {
    QMessageBox box(QMessageBox::Question, QObject::tr("Recover unsaved work?"),
                    QObject::tr("BoxAnim found unsaved changes to “%1” from %2.")
                        .arg(name, QLocale().toString(autosaved, QLocale::ShortFormat)),
                    QMessageBox::NoButton, parent);
    box.setInformativeText(
        saved.isValid()
            ? QObject::tr("They are newer than the saved file (%1). Recover them?")
                  .arg(QLocale().toString(saved, QLocale::ShortFormat))
            : QObject::tr("The project was never saved. Recover it?"));
    QPushButton* recover = box.addButton(QObject::tr("Recover"), QMessageBox::AcceptRole);
    QPushButton* discard = box.addButton(QObject::tr("Discard"), QMessageBox::DestructiveRole);
    box.addButton(QObject::tr("Not now"), QMessageBox::RejectRole);
    box.setDefaultButton(recover);
    box.exec();
    if (box.clickedButton() == recover) return RecoveryChoice::Recover;
    if (box.clickedButton() == discard) return RecoveryChoice::Discard;
    return RecoveryChoice::Later;
}

Prompts::FramesChoice Prompts::askLowerFrames(QWidget* parent, int from, int to,
                                              const QStringList& losses) {
    QMessageBox box(QMessageBox::Question, QObject::tr("Lower the frame count?"),
                    QObject::tr("Lowering Frames from %1 to %2 would remove:").arg(from).arg(to),
                    QMessageBox::NoButton, parent);
    box.setInformativeText(QStringLiteral("• ") + losses.join(QStringLiteral("\n• ")) +
                           QObject::tr("\n\nScaling moves every keyframe and path with the "
                                       "timeline instead, so nothing is lost."));
    QPushButton* scale = box.addButton(QObject::tr("Scale Keys to Fit"), QMessageBox::AcceptRole);
    QPushButton* remove = box.addButton(QObject::tr("Remove Them"), QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(scale);
    box.exec();
    if (box.clickedButton() == scale) return FramesChoice::ScaleKeys;
    if (box.clickedButton() == remove) return FramesChoice::Remove;
    return FramesChoice::Cancel;
}

void Prompts::showError(QWidget* parent, const QString& title, const QString& text) {
    QMessageBox::critical(parent, title, text);
}

QString Prompts::askRelink(QWidget* parent, const QString& missingPath) {
    QMessageBox box(QMessageBox::Warning, QObject::tr("Image not found"),
                    QObject::tr("The project's reference image was not found:\n%1")
                        .arg(QDir::toNativeSeparators(missingPath)),
                    QMessageBox::NoButton, parent);
    box.setInformativeText(QObject::tr("Locate the image to re-link it, or open the project "
                                       "without it (boxes stay editable)."));
    QPushButton* locate = box.addButton(QObject::tr("Locate…"), QMessageBox::AcceptRole);
    box.addButton(QObject::tr("Open without image"), QMessageBox::RejectRole);
    box.setDefaultButton(locate);
    box.exec();
    if (box.clickedButton() != locate) return {};
    return QFileDialog::getOpenFileName(parent, QObject::tr("Locate %1").arg(QFileInfo(missingPath).fileName()),
                                        QFileInfo(missingPath).absolutePath(), imageNameFilter());
}

bool Prompts::askRelinkDifferent(QWidget* parent, const QString& chosen, const QString& details) {
    QMessageBox box(QMessageBox::Warning, QObject::tr("A different image"),
                    QObject::tr("%1 is not the image this project was made with.")
                        .arg(QFileInfo(chosen).fileName()),
                    QMessageBox::NoButton, parent);
    box.setInformativeText(details);
    QPushButton* use = box.addButton(QObject::tr("Use It Anyway"), QMessageBox::AcceptRole);
    QPushButton* other = box.addButton(QObject::tr("Choose Another…"), QMessageBox::RejectRole);
    box.setDefaultButton(other);
    box.exec();
    return box.clickedButton() == use;
}

QString Prompts::openFileName(QWidget* parent, const QString& dir) {
    return QFileDialog::getOpenFileName(
        parent, QObject::tr("Open"), dir,
        projectNameFilter() + QStringLiteral(";;") + imageNameFilter());
}

QString Prompts::imageFileName(QWidget* parent, const QString& dir) {
    return QFileDialog::getOpenFileName(parent, QObject::tr("New from Image"), dir,
                                        imageNameFilter());
}

QString Prompts::saveFileName(QWidget* parent, const QString& suggested) {
    QString f = QFileDialog::getSaveFileName(parent, QObject::tr("Save Project"), suggested,
                                             projectNameFilter());
    if (!f.isEmpty() && QFileInfo(f).suffix().isEmpty()) f += QStringLiteral(".boxanim");
    return f;
}

void SilentPrompts::showError(QWidget*, const QString& title, const QString& text) {
    std::fprintf(stderr, "boxanim: %s: %s\n", qPrintable(title), qPrintable(text));
}

bool Prompts::askUseCutout(QWidget* parent, const QString& message) {
    QMessageBox box(QMessageBox::Warning, QObject::tr("The BoxFlow model could not be loaded"),
                    QObject::tr("Generation needs the BoxFlow model, and it could not be loaded."),
                    QMessageBox::NoButton, parent);
    box.setInformativeText(message + QStringLiteral("\n\n") +
                           QObject::tr("Reinstall the model files, or generate with the Cutout engine "
                                       "(classical, rigid motion) instead."));
    QPushButton* cutout = box.addButton(QObject::tr("Use Cutout"), QMessageBox::AcceptRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cutout);
    box.exec();
    return box.clickedButton() == cutout;
}

bool SilentPrompts::askUseCutout(QWidget*, const QString& message) {
    std::fprintf(stderr, "boxanim: the BoxFlow model could not be loaded: %s\n", qPrintable(message));
    return false;
}

}  // namespace boxanim::ui
