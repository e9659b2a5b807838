#include "ui/objectspanel.h"

#include <QColorDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/commands.h"
#include "ui/document.h"
#include "ui/style.h"

namespace boxanim::ui {

ObjectsPanel::ObjectsPanel(Document* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    list_ = new QListWidget(this);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    list_->setToolTip(tr("Front to back: the top object is in front (the depth order used "
                         "when rendering). Double-click a name to rename it."));
    list_->setIconSize(QSize(14, 14));
    // Room for every object a project can hold, no more.
    list_->setMinimumHeight(list_->fontMetrics().height() * 3);
    list_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    layout->addWidget(list_, 1);

    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(2);
    auto mk = [&](const QString& text, const QString& tip, auto slot) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, this, slot);
        buttons->addWidget(b);
        return b;
    };
    add_ = mk(tr("Add"), tr("Add an object with a box in the middle of the image"),
              &ObjectsPanel::addObject);
    rename_ = mk(tr("Rename"), tr("Rename the selected object (F2)"), &ObjectsPanel::renameObject);
    color_ = mk(tr("Colour…"), tr("Change the selected object's colour"),
                &ObjectsPanel::recolorObject);
    up_ = mk(tr("▲"), tr("Move the selected object towards the front"), &ObjectsPanel::moveUp);
    down_ = mk(tr("▼"), tr("Move the selected object towards the back"), &ObjectsPanel::moveDown);
    del_ = mk(tr("Delete"), tr("Delete the selected object"), &ObjectsPanel::deleteObject);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    connect(doc_, &Document::changed, this, &ObjectsPanel::rebuild);
    connect(doc_, &Document::documentReset, this, &ObjectsPanel::rebuild);
    connect(doc_, &Document::selectionChanged, this, &ObjectsPanel::syncSelection);
    connect(list_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (updating_) return;
        doc_->setSelectedObjectId(item ? item->data(Qt::UserRole).toString() : QString());
    });
    connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (updating_) return;
        const QString id = item->data(Qt::UserRole).toString();
        const Object* o = doc_->object(id);
        const QString name = item->text().trimmed();
        if (!o || name.isEmpty() || toStd(name) == o->name) {
            rebuild();
            return;
        }
        doc_->undoStack()->push(new RenameObjectCommand(doc_, id, name));
    });
    rebuild();
}

QSize ObjectsPanel::sizeHint() const {
    const int rows = kMaxObjects + 1;
    return QSize(260, list_->fontMetrics().height() * rows + 2 * rows + 48);
}

void ObjectsPanel::rebuild() {
    updating_ = true;
    const auto& objs = doc_->project().objects;
    while (list_->count() > int(objs.size())) delete list_->takeItem(list_->count() - 1);
    for (int i = 0; i < int(objs.size()); ++i) {
        QListWidgetItem* item = list_->item(i);
        if (!item) {
            item = new QListWidgetItem(list_);
            item->setFlags(item->flags() | Qt::ItemIsEditable);
        }
        const Object& o = objs[i];
        item->setText(toQString(o.name));
        item->setIcon(swatchIcon(objectColor(o)));
        item->setData(Qt::UserRole, toQString(o.id));
        item->setToolTip(tr("%1 · %2 keyframes%3")
                             .arg(toQString(o.name))
                             .arg(o.keyframes.size())
                             .arg(o.path ? tr(" · motion path") : QString()));
    }
    updating_ = false;
    syncSelection();
}

void ObjectsPanel::syncSelection() {
    updating_ = true;
    const int idx = doc_->objectIndex(doc_->selectedObjectId());
    if (idx < 0)
        list_->setCurrentRow(-1);
    else if (list_->currentRow() != idx)
        list_->setCurrentRow(idx);
    if (idx < 0) list_->clearSelection();
    updating_ = false;
    updateButtons();
}

void ObjectsPanel::updateButtons() {
    const int idx = doc_->objectIndex(doc_->selectedObjectId());
    const int n = int(doc_->project().objects.size());
    add_->setEnabled(!doc_->isEmpty() && n < kMaxObjects);
    add_->setToolTip(n < kMaxObjects ? tr("Add an object with a box in the middle of the image")
                                     : tr("A project holds at most %1 objects").arg(kMaxObjects));
    del_->setEnabled(idx >= 0);
    rename_->setEnabled(idx >= 0);
    color_->setEnabled(idx >= 0);
    up_->setEnabled(idx > 0);
    down_->setEnabled(idx >= 0 && idx < n - 1);
}

void ObjectsPanel::addObject() {
    const Project& p = doc_->project();
    if (doc_->isEmpty() || int(p.objects.size()) >= kMaxObjects) return;
    Object o;
    o.id = newId();
    for (int n = int(p.objects.size()) + 1;; ++n) {
        const std::string name = "Object " + std::to_string(n);
        bool used = false;
        for (const Object& x : p.objects) used = used || x.name == name;
        if (!used) {
            o.name = name;
            break;
        }
    }
    o.color = defaultObjectColor(int(p.objects.size()));
    for (int i = 0; i < 32; ++i) {
        bool used = false;
        for (const Object& x : p.objects) used = used || x.color == defaultObjectColor(i);
        if (!used) {
            o.color = defaultObjectColor(i);
            break;
        }
    }
    Keyframe kf;
    kf.frame = 0;
    kf.kind = BoxKind::Hard;
    kf.box = Box{0.35, 0.35, 0.65, 0.65};
    o.keyframes.push_back(kf);
    doc_->undoStack()->push(new AddObjectCommand(doc_, o, int(p.objects.size())));
}

void ObjectsPanel::deleteObject() {
    const QString id = doc_->selectedObjectId();
    if (doc_->object(id)) doc_->undoStack()->push(new DeleteObjectCommand(doc_, id));
}

void ObjectsPanel::renameObject() {
    const int idx = doc_->objectIndex(doc_->selectedObjectId());
    if (idx >= 0) list_->editItem(list_->item(idx));
}

void ObjectsPanel::recolorObject() {
    const Object* o = doc_->selectedObject();
    if (!o) return;
    const QString id = toQString(o->id);
    const QColor c = QColorDialog::getColor(objectColor(*o), this, tr("Object colour"));
    if (c.isValid() && toStd(c.name()) != doc_->object(id)->color)
        doc_->undoStack()->push(new RecolorObjectCommand(doc_, id, c.name()));
}

void ObjectsPanel::moveUp() {
    const QString id = doc_->selectedObjectId();
    const int idx = doc_->objectIndex(id);
    if (idx > 0) doc_->undoStack()->push(new ReorderObjectCommand(doc_, id, idx - 1));
}

void ObjectsPanel::moveDown() {
    const QString id = doc_->selectedObjectId();
    const int idx = doc_->objectIndex(id);
    if (idx >= 0 && idx < int(doc_->project().objects.size()) - 1)
        doc_->undoStack()->push(new ReorderObjectCommand(doc_, id, idx + 1));
}

}  // namespace boxanim::ui
