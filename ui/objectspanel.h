// The objects list: colour swatch and name per object in front-to-back
// (depth) order; add, rename, recolour, delete, reorder.
#pragma once

#include <QWidget>

class QListWidget;
class QListWidgetItem;
class QToolButton;

namespace boxanim::ui {

class Document;

class ObjectsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ObjectsPanel(Document* doc, QWidget* parent = nullptr);
    QListWidget* list() const { return list_; }
    QSize sizeHint() const override;

public slots:
    void addObject();     // a centred default box at frame 0
    void deleteObject();  // the selected one
    void renameObject();  // inline editor
    void recolorObject(); // colour dialog
    void moveUp();
    void moveDown();

private:
    void rebuild();
    void syncSelection();
    void updateButtons();

    Document* doc_;
    QListWidget* list_;
    QToolButton *add_, *del_, *rename_, *color_, *up_, *down_;
    bool updating_ = false;
};

}  // namespace boxanim::ui
