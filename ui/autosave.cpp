#include "ui/autosave.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <algorithm>
#include <cctype>

#include "core/project/project_io.h"

namespace boxanim::ui {

namespace {
QString sidecarFor(const QString& file) {
    return file.left(file.size() - int(QStringLiteral(".boxanim").size())) +
           QStringLiteral(".json");
}

bool safeId(const std::string& id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}
}  // namespace

Autosave::Autosave(const QString& dir)
    : dir_(dir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                               QStringLiteral("/autosave")
                         : dir) {}

QString Autosave::fileFor(const std::string& projectId) const {
    return dir_ + QLatin1Char('/') + QString::fromStdString(projectId) +
           QStringLiteral(".boxanim");
}

bool Autosave::write(const Project& project, const QString& projectPath, const QString& imagePath,
                     QString* error) const {
    if (!safeId(project.id)) {
        if (error) *error = QStringLiteral("project id is not usable as a file name");
        return false;
    }
    if (!QDir().mkpath(dir_)) {
        if (error) *error = QStringLiteral("cannot create %1").arg(dir_);
        return false;
    }
    Project copy = project;
    copy.reference.path = QDir::fromNativeSeparators(QFileInfo(imagePath).absoluteFilePath()).toStdString();
    const QString file = fileFor(project.id);
    try {
        QJsonObject meta;
        meta[QStringLiteral("projectPath")] =
            projectPath.isEmpty() ? QString() : QFileInfo(projectPath).absoluteFilePath();
        QSaveFile side(sidecarFor(file));
        if (!side.open(QIODevice::WriteOnly) ||
            side.write(QJsonDocument(meta).toJson()) < 0 || !side.commit()) {
            if (error) *error = side.errorString();
            return false;
        }
        writeFileAtomically(file.toStdString(), projectToJson(copy));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

void Autosave::remove(const std::string& projectId) const {
    if (!safeId(projectId)) return;
    const QString file = fileFor(projectId);
    QFile::remove(file);
    QFile::remove(sidecarFor(file));
}

std::optional<Autosave::Entry> Autosave::entryFor(const std::string& projectId) const {
    if (!safeId(projectId)) return std::nullopt;
    const QString file = fileFor(projectId);
    const QFileInfo fi(file);
    if (!fi.exists()) return std::nullopt;
    Entry e;
    e.file = file;
    e.projectId = QString::fromStdString(projectId);
    e.time = fi.lastModified();
    QFile side(sidecarFor(file));
    if (side.open(QIODevice::ReadOnly))
        e.projectPath =
            QJsonDocument::fromJson(side.readAll()).object().value(QStringLiteral("projectPath")).toString();
    return e;
}

QList<Autosave::Entry> Autosave::entries() const {
    QList<Entry> out;
    const QFileInfoList files =
        QDir(dir_).entryInfoList({QStringLiteral("*.boxanim")}, QDir::Files, QDir::Time);
    for (const QFileInfo& fi : files)
        if (auto e = entryFor(fi.completeBaseName().toStdString())) out << *e;
    return out;
}

QDateTime Autosave::Entry::savedTime() const {
    if (projectPath.isEmpty()) return {};
    const QFileInfo fi(projectPath);
    return fi.exists() ? fi.lastModified() : QDateTime();
}

bool Autosave::Entry::newerThanSaved() const {
    const QDateTime saved = savedTime();
    return !saved.isValid() || time > saved;
}

}  // namespace boxanim::ui
