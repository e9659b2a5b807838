// The open document: the Project value, its undo stack, the reference image,
// and the editing state every view shares (selection, playhead). Views read
// from here and change the project only by pushing commands (commands.h).
#pragma once

#include <QImage>
#include <QObject>
#include <QRectF>
#include <QString>
#include <QUndoStack>
#include <optional>

#include "core/project/project.h"
#include "core/project/tracks.h"

namespace boxanim::ui {

class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(QObject* parent = nullptr);

    const Project& project() const { return project_; }
    QUndoStack* undoStack() { return &undo_; }
    const QUndoStack* undoStack() const { return &undo_; }

    // Replaces the whole document (new / open / recover). Clears the undo
    // history and marks it clean. `imagePath` is absolute; `image` may be a
    // placeholder when the file is missing (then imageMissing() is true).
    void reset(Project project, const QString& filePath, const QString& imagePath, QImage image,
               bool imageMissing = false);
    bool isEmpty() const { return image_.isNull(); }

    QString filePath() const { return filePath_; }
    void setFilePath(const QString& path);
    QString displayName() const;  // file name or "Untitled"
    QString imagePath() const { return imagePath_; }
    bool imageMissing() const { return imageMissing_; }
    const QImage& image() const { return image_; }
    QSizeF imageSize() const { return QSizeF(image_.size()); }
    // After a save: the reference as written (relative path). No undo entry.
    void setSavedReference(const Reference& ref);
    // Re-link: the document becomes modified (not clean) without an undo entry.
    void relinkImage(const QString& absPath, const QImage& image, const std::string& sha256);

    // Normalised box <-> rectangle in reference-image pixels.
    QRectF toPixels(const Box& box) const;
    Box fromPixels(const QRectF& rect) const;

    // Editing state (not part of the project, not undoable).
    QString selectedObjectId() const { return selected_; }
    const Object* selectedObject() const;
    void setSelectedObjectId(const QString& id);
    int currentFrame() const { return frame_; }
    void setCurrentFrame(int frame);
    int selectedPathNode() const { return pathNode_; }
    void setSelectedPathNode(int index);

    // Expanded tracks (cached). `display` uses no relaxation margin (the box
    // a keyframe there would get); `relaxed` uses the project's variety.
    const Tracks& displayTracks() const;
    const Tracks& relaxedTracks() const;

    int objectIndex(const QString& id) const;
    const Object* object(const QString& id) const;
    // Kind a new keyframe at `frame` gets when made by editing an interpolated box.
    BoxKind kindForNewKeyframe(const Object& obj, int frame) const;
    // The keyframe that gives `obj` the pixel box `px` at `frame` (the existing
    // one edited, or a new one of kindForNewKeyframe); nullopt when nothing changes.
    std::optional<Keyframe> keyframeWithBox(const Object& obj, int frame, const QRectF& px) const;

    // Increases with every content change (autosave writes only new states).
    quint64 revision() const { return revision_; }

    // Drag sessions: commands pushed with the same non-zero session merge.
    int newSession() { return ++session_; }

    // --- primitives for commands only (no undo entry) ---
    void insertObject(int index, const Object& obj);
    void removeObject(const QString& id);
    void replaceObject(const Object& obj);  // by id
    void moveObject(const QString& id, int toIndex);
    void setSettings(const boxanim::Timeline& timeline, const OutputSize& output,
                     const std::vector<Object>& objects);
    void setGenerationSettings(const GenerationSettings& settings);

signals:
    void documentReset();
    void changed();  // any project content change
    void selectionChanged();
    void currentFrameChanged(int frame);
    void filePathChanged();
    void imageChanged();

private:
    void touch();

    Project project_;
    QUndoStack undo_;
    QString filePath_;
    QString imagePath_;
    QImage image_;
    bool imageMissing_ = false;
    QString selected_;
    int frame_ = 0;
    int pathNode_ = -1;
    int session_ = 0;
    quint64 revision_ = 0;
    mutable std::optional<Tracks> display_, relaxed_;
};

QString toQString(const std::string& s);
std::string toStd(const QString& s);

}  // namespace boxanim::ui
