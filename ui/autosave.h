// Autosave and crash recovery (STYLE: Shotcut autosavefile, Kdenlive): a
// recovery copy per project id in the user's app-data folder, removed on a
// save or a clean exit, offered on the next start only when it is newer than
// the saved file. The copy references the image by absolute path so it loads
// from anywhere; a sidecar remembers where the project itself lives.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

#include "core/project/project.h"

namespace boxanim::ui {

class Autosave {
public:
    // `dir` empty: QStandardPaths::AppDataLocation + "/autosave".
    explicit Autosave(const QString& dir = {});

    struct Entry {
        QString file;         // the recovery copy (.boxanim)
        QString projectId;
        QString projectPath;  // where the project was saved; empty if never saved
        QDateTime time;       // when the copy was written
        // True when there is no saved file or the copy is newer than it.
        bool newerThanSaved() const;
        QDateTime savedTime() const;  // invalid if no saved file
    };

    QString dir() const { return dir_; }
    QString fileFor(const std::string& projectId) const;
    // Writes the copy atomically. `imagePath` is absolute. Throws nothing;
    // returns false with a message on failure.
    bool write(const Project& project, const QString& projectPath, const QString& imagePath,
               QString* error = nullptr) const;
    void remove(const std::string& projectId) const;
    std::optional<Entry> entryFor(const std::string& projectId) const;
    QList<Entry> entries() const;  // newest first

private:
    QString dir_;
};

}  // namespace boxanim::ui
