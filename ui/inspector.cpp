#include "ui/inspector.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/commands.h"
#include "ui/document.h"
#include "ui/wheel_guard.h"

namespace boxanim::ui {

namespace {
QDoubleSpinBox* pixelSpin(QWidget* parent) {
    auto* s = new QDoubleSpinBox(parent);
    s->setDecimals(1);
    s->setSuffix(QStringLiteral(" px"));
    s->setKeyboardTracking(false);
    s->setRange(0, 100000);
    s->setAccelerated(true);
    return s;
}

QSpinBox* intSpin(QWidget* parent, int lo, int hi, const QString& suffix = {}) {
    auto* s = new QSpinBox(parent);
    s->setRange(lo, hi);
    s->setKeyboardTracking(false);
    s->setSuffix(suffix);
    return s;
}

void fillEasing(QComboBox* c) {
    c->addItem(QObject::tr("Linear"), int(Easing::Linear));
    c->addItem(QObject::tr("Ease in"), int(Easing::EaseIn));
    c->addItem(QObject::tr("Ease out"), int(Easing::EaseOut));
    c->addItem(QObject::tr("Ease in-out"), int(Easing::EaseInOut));
}
}  // namespace

Inspector::Inspector(Document* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    boxGroup_ = new QGroupBox(tr("Box at playhead"), this);
    // Wrapped hints sit above the forms: QFormLayout rows clip wrapped labels.
    auto* bv = new QVBoxLayout(boxGroup_);
    boxTitle_ = new QLabel(boxGroup_);
    boxTitle_->setWordWrap(true);
    bv->addWidget(boxTitle_);
    auto* bf = new QFormLayout;
    bv->addLayout(bf);
    x_ = pixelSpin(boxGroup_);
    y_ = pixelSpin(boxGroup_);
    w_ = pixelSpin(boxGroup_);
    h_ = pixelSpin(boxGroup_);
    auto* xy = new QHBoxLayout;
    xy->addWidget(x_);
    xy->addWidget(y_);
    auto* wh = new QHBoxLayout;
    wh->addWidget(w_);
    wh->addWidget(h_);
    bf->addRow(tr("x, y"), xy);
    bf->addRow(tr("w, h"), wh);
    kind_ = new QComboBox(boxGroup_);
    kind_->addItem(tr("Hard (pin exactly)"), int(BoxKind::Hard));
    kind_->addItem(tr("Soft (stay inside)"), int(BoxKind::Soft));
    bf->addRow(tr("Kind"), kind_);
    easing_ = new QComboBox(boxGroup_);
    fillEasing(easing_);
    easing_->setToolTip(tr("Easing of the motion into this keyframe"));
    bf->addRow(tr("Easing"), easing_);
    layout->addWidget(boxGroup_);

    pathGroup_ = new QGroupBox(tr("Motion path"), this);
    auto* pv = new QVBoxLayout(pathGroup_);
    pathInfo_ = new QLabel(pathGroup_);
    pathInfo_->setWordWrap(true);
    pv->addWidget(pathInfo_);
    auto* pf = new QFormLayout;
    pv->addLayout(pf);
    pathFrom_ = intSpin(pathGroup_, 0, kMaxFrames - 1);
    pathTo_ = intSpin(pathGroup_, 0, kMaxFrames - 1);
    auto* span = new QHBoxLayout;
    span->addWidget(pathFrom_);
    span->addWidget(new QLabel(QStringLiteral("–"), pathGroup_));
    span->addWidget(pathTo_);
    pf->addRow(tr("Frames"), span);
    pathEasing_ = new QComboBox(pathGroup_);
    fillEasing(pathEasing_);
    pf->addRow(tr("Easing"), pathEasing_);
    pathRemove_ = new QPushButton(tr("Remove path"), pathGroup_);
    pf->addRow(pathRemove_);
    layout->addWidget(pathGroup_);

    projectGroup_ = new QGroupBox(tr("Project"), this);
    auto* jv = new QVBoxLayout(projectGroup_);
    imageInfo_ = new QLabel(projectGroup_);
    imageInfo_->setWordWrap(true);
    imageInfo_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    jv->addWidget(imageInfo_);
    layout->addWidget(projectGroup_);
    layout->addStretch(1);

    for (QDoubleSpinBox* s : {x_, y_, w_, h_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &Inspector::boxEdited);
    connect(kind_, &QComboBox::activated, this, &Inspector::kindEdited);
    connect(easing_, &QComboBox::activated, this, &Inspector::easingEdited);
    connect(pathFrom_, &QSpinBox::valueChanged, this, &Inspector::pathEdited);
    connect(pathTo_, &QSpinBox::valueChanged, this, &Inspector::pathEdited);
    connect(pathEasing_, &QComboBox::activated, this, &Inspector::pathEdited);
    connect(pathRemove_, &QPushButton::clicked, this, [this] {
        if (const Object* o = doc_->selectedObject(); o && o->path)
            doc_->undoStack()->push(new SetPathCommand(doc_, toQString(o->id), std::nullopt));
    });

    connect(doc_, &Document::changed, this, &Inspector::refresh);
    connect(doc_, &Document::selectionChanged, this, &Inspector::refresh);
    connect(doc_, &Document::currentFrameChanged, this, &Inspector::refresh);
    connect(doc_, &Document::imageChanged, this, &Inspector::refresh);
    guardWheel(this);  // scrolling the inspector must not change its fields
    refresh();
}

void Inspector::refresh() {
    updating_ = true;
    const Project& p = doc_->project();
    const Object* o = doc_->selectedObject();
    const int frame = doc_->currentFrame();
    const QSizeF img = doc_->imageSize();

    // Box.
    const Keyframe* kf = o ? o->keyframeAt(frame) : nullptr;
    boxGroup_->setEnabled(o != nullptr);
    // Boxes may leave the image (objects enter and leave the frame), within
    // the format's range: negative coordinates are fine.
    x_->setRange(kBoxCoordMin * img.width(), kBoxCoordMax * img.width());
    y_->setRange(kBoxCoordMin * img.height(), kBoxCoordMax * img.height());
    w_->setRange(0, std::max(1.0, (kBoxCoordMax - kBoxCoordMin) * img.width()));
    h_->setRange(0, std::max(1.0, (kBoxCoordMax - kBoxCoordMin) * img.height()));
    if (!o) {
        boxTitle_->setText(tr("Select an object to edit its box."));
        for (QDoubleSpinBox* s : {x_, y_, w_, h_}) s->setValue(0);
        setKindShown(int(BoxKind::Hard));
    } else {
        const int idx = doc_->objectIndex(toQString(o->id));
        const TrackSample& s = doc_->displayTracks().at(idx, frame);
        const Box box = kf ? kf->box : s.box;
        const QRectF r = doc_->toPixels(box);
        x_->setValue(r.x());
        y_->setValue(r.y());
        w_->setValue(r.width());
        h_->setValue(r.height());
        boxTitle_->setText(kf ? tr("<b>%1</b> · keyframe at frame %2").arg(toQString(o->name).toHtmlEscaped()).arg(frame)
                              : tr("<b>%1</b> · frame %2: %3 (an edit adds a keyframe)")
                                    .arg(toQString(o->name).toHtmlEscaped())
                                    .arg(frame)
                                    .arg(betweenText(*o, frame)));
        setKindShown(kf ? int(kf->kind) : kInterpolated);
        easing_->setCurrentIndex(easing_->findData(int(kf ? kf->easing : Easing::Linear)));
    }
    kind_->setEnabled(kf && frame != 0);
    kind_->setToolTip(frame == 0 ? tr("Frame 0 boxes are always hard: they select the object")
                                 : tr("Hard pins the object exactly; soft keeps it inside"));
    easing_->setEnabled(kf && frame != 0);

    // Path.
    const bool hasPath = o && o->path;
    pathGroup_->setEnabled(hasPath);
    const int last = std::max(1, p.timeline.frames - 1);
    pathFrom_->setMaximum(last);
    pathTo_->setMaximum(last);
    if (hasPath) {
        pathInfo_->setText(tr("%1 points · drag them on the canvas; Delete removes the "
                              "selected one.").arg(o->path->points.size()) +
                           QLatin1Char(' ') + pathRuleText(*o));
        pathFrom_->setValue(o->path->from);
        pathTo_->setValue(o->path->to);
        pathEasing_->setCurrentIndex(pathEasing_->findData(int(o->path->easing)));
    } else {
        pathInfo_->setText(o ? tr("No path. Pick the Motion path tool (P) and click on the image.")
                             : tr("Select an object."));
    }

    // Project.
    projectGroup_->setEnabled(!doc_->isEmpty());
    if (doc_->isEmpty()) {
        imageInfo_->setText(tr("No image"));
    } else {
        const QString name = QFileInfo(doc_->imagePath()).fileName();
        imageInfo_->setText(doc_->imageMissing()
                                ? tr("<b>Image missing:</b> %1").arg(name.toHtmlEscaped())
                                : tr("%1 (%2 × %3)").arg(name.toHtmlEscaped())
                                      .arg(doc_->image().width())
                                      .arg(doc_->image().height()));
    }
    updating_ = false;
}

// Frames without a keyframe of their own: where their box comes from.
QString Inspector::betweenText(const Object& o, int frame) const {
    const Keyframe* prev = nullptr;
    const Keyframe* next = nullptr;
    for (const Keyframe& k : o.keyframes) {
        if (k.frame < frame) prev = &k;
        if (k.frame > frame && !next) next = &k;
    }
    if (o.path && o.path->points.size() >= 2 && frame >= o.path->from && frame <= o.path->to)
        return tr("on the motion path (frames %1–%2), a soft box").arg(o.path->from).arg(o.path->to);
    auto kindName = [](const Keyframe& k) { return k.kind == BoxKind::Hard ? tr("hard") : tr("soft"); };
    if (prev && next)
        return tr("between the %1 key at %2 and the %3 key at %4: an interpolated soft box, "
                  "with room that grows away from the keys")
            .arg(kindName(*prev))
            .arg(prev->frame)
            .arg(kindName(*next))
            .arg(next->frame);
    if (prev) return tr("after the last key (%1): it holds, soft").arg(prev->frame);
    return tr("interpolated, soft");
}

// Which wins where an object has both keyframes and a motion path: the
// rule of the shared track expansion (core/project/tracks), said plainly.
QString Inspector::pathRuleText(const Object& o) const {
    const MotionPath& p = *o.path;
    QStringList inside;
    for (const Keyframe& k : o.keyframes)
        if (k.frame > p.from && k.frame < p.to) inside << QString::number(k.frame);
    QString text = tr("Frames %1–%2 follow the path (their size comes from the keyframes "
                      "around); the canvas draws where the engines put the box.")
                       .arg(p.from)
                       .arg(p.to);
    if (!inside.isEmpty())
        text += QLatin1Char(' ') +
                tr("Keyframes win at their own frames: at %1 the box sits on its keyframe, "
                   "off the path if it is elsewhere.")
                    .arg(inside.join(QStringLiteral(", ")));
    const bool before = !o.keyframes.empty() && o.keyframes.front().frame < p.from;
    const bool after = !o.keyframes.empty() && o.keyframes.back().frame > p.to;
    if (p.from > 0 || after || before)
        text += QLatin1Char(' ') + tr("Outside the span the box moves between its keyframes.");
    return text;
}

// The kind combo: Hard or Soft at a keyframe; "Interpolated" elsewhere (an
// in-between frame has no kind of its own to choose).
void Inspector::setKindShown(int kind) {
    const int extra = kind_->findData(kInterpolated);
    if (kind == kInterpolated) {
        if (extra < 0) kind_->addItem(tr("Interpolated (soft)"), kInterpolated);
    } else if (extra >= 0) {
        kind_->removeItem(extra);
    }
    kind_->setCurrentIndex(kind_->findData(kind));
}

void Inspector::boxEdited() {
    if (updating_) return;
    const Object* o = doc_->selectedObject();
    if (!o) return;
    const int frame = doc_->currentFrame();
    const QSizeF img = doc_->imageSize();
    QRectF r(x_->value(), y_->value(), std::max(1.0, w_->value()), std::max(1.0, h_->value()));
    // The box may leave the image after frame 0, never the format's range;
    // a frame-0 box picks the object, so it must overlap the image.
    const QRectF range(QPointF(kBoxCoordMin * img.width(), kBoxCoordMin * img.height()),
                       QPointF(kBoxCoordMax * img.width(), kBoxCoordMax * img.height()));
    r = r.intersected(range);
    if (r.width() <= 0 || r.height() <= 0 ||
        (frame == 0 && !r.intersects(QRectF(QPointF(0, 0), img)))) {
        refresh();
        return;
    }
    const auto kf = doc_->keyframeWithBox(*o, frame, r);
    if (!kf) return;
    doc_->undoStack()->push(
        new SetKeyframeCommand(doc_, toQString(o->id), *kf, 0, tr("Edit box")));
}

void Inspector::kindEdited() {
    const Object* o = doc_->selectedObject();
    if (!o || updating_) return;
    const Keyframe* k = o->keyframeAt(doc_->currentFrame());
    if (!k || k->frame == 0) return;
    Keyframe kf = *k;
    kf.kind = BoxKind(kind_->currentData().toInt());
    if (kf == *k) return;
    doc_->undoStack()->push(new SetKeyframeCommand(
        doc_, toQString(o->id), kf, 0,
        kf.kind == BoxKind::Hard ? tr("Make keyframe hard") : tr("Make keyframe soft")));
}

void Inspector::easingEdited() {
    const Object* o = doc_->selectedObject();
    if (!o || updating_) return;
    const Keyframe* k = o->keyframeAt(doc_->currentFrame());
    if (!k || k->frame == 0) return;
    Keyframe kf = *k;
    kf.easing = Easing(easing_->currentData().toInt());
    if (kf == *k) return;
    doc_->undoStack()->push(new SetKeyframeCommand(doc_, toQString(o->id), kf, 0, tr("Set easing")));
}

void Inspector::pathEdited() {
    const Object* o = doc_->selectedObject();
    if (!o || !o->path || updating_) return;
    MotionPath path = *o->path;
    path.from = pathFrom_->value();
    path.to = pathTo_->value();
    path.easing = Easing(pathEasing_->currentData().toInt());
    if (path.to <= path.from) {  // keep a valid span: move the other end
        if (sender() == pathFrom_)
            path.to = std::min(path.from + 1, doc_->project().timeline.frames - 1);
        else
            path.from = std::max(0, path.to - 1);
        if (path.to <= path.from) {
            refresh();
            return;
        }
    }
    if (path == *o->path) return;
    doc_->undoStack()->push(
        new SetPathCommand(doc_, toQString(o->id), path, 0, tr("Edit motion path")));
}

}  // namespace boxanim::ui
