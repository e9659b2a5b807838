#include "ui/canvas.h"

#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QUndoStack>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "ui/commands.h"
#include "ui/document.h"
#include "ui/style.h"

namespace boxanim::ui {

namespace {
constexpr double kHandleSize = 9.0;      // px on screen
constexpr double kHandleHit = 7.0;       // px on screen, half extent
constexpr double kNodeRadius = 5.5;      // px on screen
constexpr double kClickSlop = 4.0;       // smaller drags count as clicks
constexpr double kMinBoxPx = 2.0;        // image px
constexpr double kMinHitPx = 14.0;
// Boxes after frame 0 may leave the image (format v2): the canvas is a work
// area this much of the image's size beyond each edge; fitting the window
// shows a smaller part of it around the image.
constexpr double kWorkMargin = 0.5;
constexpr double kFitMargin = 0.1;       // px on screen: a small box is at least this easy to grab

// Where the handles of a box drawn at `vr` (view px) sit: on its edges, or
// pushed outwards when the box is too small to show three handles a side,
// so a small box stays visible and its inside still grabs it.
QRectF handleFrame(const QRectF& vr) {
    const double need = 3.0 * kHandleSize, push = kHandleSize / 2 + 2;
    const double dx = vr.width() < need ? push : 0, dy = vr.height() < need ? push : 0;
    return vr.adjusted(-dx, -dy, dx, dy);
}

// The area that grabs a box: the box, a little margin, at least kMinHitPx square.
QRectF hitArea(const QRectF& vr) {
    QRectF r = vr.adjusted(-3, -3, 3, 3);
    if (r.width() < kMinHitPx) r.adjust(-(kMinHitPx - r.width()) / 2, 0, (kMinHitPx - r.width()) / 2, 0);
    if (r.height() < kMinHitPx) r.adjust(0, -(kMinHitPx - r.height()) / 2, 0, (kMinHitPx - r.height()) / 2);
    return r;
}

QPointF handlePoint(const QRectF& r, int h) {
    switch (h) {
        case 0: return r.topLeft();
        case 1: return QPointF(r.center().x(), r.top());
        case 2: return r.topRight();
        case 3: return QPointF(r.right(), r.center().y());
        case 4: return r.bottomRight();
        case 5: return QPointF(r.center().x(), r.bottom());
        case 6: return r.bottomLeft();
        default: return QPointF(r.left(), r.center().y());
    }
}

Qt::CursorShape handleCursor(int h) {
    switch (h) {
        case 0: case 4: return Qt::SizeFDiagCursor;
        case 2: case 6: return Qt::SizeBDiagCursor;
        case 1: case 5: return Qt::SizeVerCursor;
        default: return Qt::SizeHorCursor;
    }
}
}  // namespace

Canvas::Canvas(Document* doc, QWidget* parent)
    : QGraphicsView(parent), doc_(doc), scene_(new QGraphicsScene(this)) {
    setScene(scene_);
    imageItem_ = scene_->addPixmap(QPixmap());
    imageItem_->setTransformationMode(Qt::SmoothTransformation);
    overlayItem_ = scene_->addPixmap(QPixmap());
    overlayItem_->setTransformationMode(Qt::SmoothTransformation);
    overlayItem_->setZValue(1);
    overlayItem_->setVisible(false);
    matteItem_ = scene_->addPixmap(QPixmap());
    matteItem_->setZValue(0.5);  // over the photo, under a generated frame
    matteItem_->setVisible(false);
    setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);  // keyboard zoom: the centre
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setDragMode(QGraphicsView::NoDrag);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
    setAcceptDrops(false);  // the main window takes dropped files
    viewport()->setAcceptDrops(false);
    viewport()->setMouseTracking(true);
    setMinimumSize(200, 150);

    connect(doc_, &Document::imageChanged, this, &Canvas::onImageChanged);
    auto repaint = [this] { viewport()->update(); };
    connect(doc_, &Document::changed, this, repaint);
    connect(doc_, &Document::selectionChanged, this, repaint);
    connect(doc_, &Document::currentFrameChanged, this, repaint);
    connect(doc_, &Document::documentReset, this, [this] {
        setOverlayImage(QImage());
        setMatteOverlay(QImage());
        stroke_.reset();
        drag_ = Drag::None;
    });
    onImageChanged();
}

void Canvas::setTool(Tool tool) {
    if (tool == tool_) return;
    tool_ = tool;
    drag_ = Drag::None;
    updateHoverCursor(mapFromGlobal(QCursor::pos()));
    viewport()->update();
    emit toolChanged(tool_);
}

double Canvas::zoom() const { return transform().m11(); }

void Canvas::setOverlayImage(const QImage& frame) {
    if (frame.isNull()) {
        overlayItem_->setPixmap(QPixmap());
        overlayItem_->setVisible(false);
        return;
    }
    overlayItem_->setPixmap(QPixmap::fromImage(frame));
    const QSizeF img = doc_->imageSize();
    overlayItem_->setTransform(QTransform::fromScale(img.width() / frame.width(),
                                                     img.height() / frame.height()));
    overlayItem_->setVisible(true);
}

bool Canvas::hasOverlayImage() const { return overlayItem_->isVisible(); }

void Canvas::setBoxesVisible(bool visible) {
    if (visible == boxesVisible_) return;
    boxesVisible_ = visible;
    viewport()->update();
    emit boxesVisibleChanged(visible);
}

void Canvas::setOverlayNote(const QString& note) {
    if (note == overlayNote_) return;
    overlayNote_ = note;
    viewport()->update();
}

void Canvas::paintOverlayNote(QPainter& p) {
    if (overlayNote_.isEmpty() || !hasOverlayImage()) return;
    QFont f = font();
    f.setBold(true);
    p.setFont(f);
    const QFontMetricsF fm(f);
    const QRectF vp = viewport()->rect();
    const double w = std::min(vp.width() - 16, fm.horizontalAdvance(overlayNote_) + 20);
    const QRectF pill(vp.center().x() - w / 2, 8, w, fm.height() + 10);
    p.setPen(QPen(QColor(0, 0, 0, 160), 1));
    p.setBrush(QColor(0xf0, 0xb4, 0x29, 235));
    p.drawRoundedRect(pill, 4, 4);
    p.setPen(QColor(0x1e, 0x1e, 0x1e));
    p.drawText(pill.adjusted(8, 0, -8, 0), Qt::AlignCenter,
               fm.elidedText(overlayNote_, Qt::ElideRight, pill.width() - 16));
}

bool Canvas::event(QEvent* event) {
    // Space (pan) and Esc (end a rubber band or a path) belong to the canvas
    // while it has focus, even where a window action has the same key.
    if (event->type() == QEvent::ShortcutOverride) {
        auto* ke = static_cast<QKeyEvent*>(event);
        if ((ke->key() == Qt::Key_Space && ke->modifiers() == Qt::NoModifier) ||
            (ke->key() == Qt::Key_Escape && (drag_ == Drag::Rubber || tool_ == Tool::Path))) {
            event->accept();
            return true;
        }
    }
    return QGraphicsView::event(event);
}

QPointF Canvas::toView(const QPointF& px) const { return viewportTransform().map(px); }

QPointF Canvas::toImage(const QPointF& v) const {
    return viewportTransform().inverted().map(v);
}

QRectF Canvas::imageRect() const { return QRectF(QPointF(0, 0), doc_->imageSize()); }

QRectF Canvas::workRect() const {
    const QRectF r = imageRect();
    return r.adjusted(-kWorkMargin * r.width(), -kWorkMargin * r.height(), kWorkMargin * r.width(),
                      kWorkMargin * r.height());
}

QRectF Canvas::viewRect(const QRectF& r) const {
    return QRectF(toView(r.topLeft()), toView(r.bottomRight())).normalized();
}

void Canvas::onImageChanged() {
    imageItem_->setPixmap(QPixmap::fromImage(doc_->image()));
    scene_->setSceneRect(imageRect().isEmpty() ? QRectF(0, 0, 1, 1) : workRect());
    fit_ = true;
    zoomToFit();
}

// ---------------------------------------------------------------- zoom

void Canvas::setZoom(double z) {
    z = std::clamp(z, 0.02, 32.0);
    const double factor = z / zoom();
    if (std::abs(factor - 1.0) < 1e-9) return;
    scale(factor, factor);
    viewport()->update();
    emit zoomChanged(zoom());
}

void Canvas::zoomIn() {
    fit_ = false;
    setZoom(zoom() * 1.25);
}

void Canvas::zoomOut() {
    fit_ = false;
    setZoom(zoom() / 1.25);
}

void Canvas::zoomActual() {
    fit_ = false;
    setZoom(1.0);
}

void Canvas::zoomToFit() {
    fit_ = true;
    if (doc_->isEmpty()) {
        resetTransform();
        emit zoomChanged(1.0);
        return;
    }
    const QSizeF vp = QSizeF(viewport()->size()) - QSizeF(24, 24);
    const QSizeF img = doc_->imageSize() * (1.0 + 2 * kFitMargin);  // with a rim to draw into
    if (vp.width() <= 0 || vp.height() <= 0) return;
    const double z = std::min(vp.width() / img.width(), vp.height() / img.height());
    resetTransform();
    scale(z, z);
    centerOn(imageRect().center());
    viewport()->update();
    emit zoomChanged(zoom());
}

void Canvas::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (fit_) zoomToFit();
}

void Canvas::wheelEvent(QWheelEvent* event) {
    if (doc_->isEmpty()) return;
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) return;
    fit_ = false;
    // Keep the image point under the cursor where it is (as far as the
    // scroll range allows).
    const QPointF pos = event->position();
    const QPointF anchor = toImage(pos);
    setTransformationAnchor(QGraphicsView::NoAnchor);
    setZoom(zoom() * std::pow(1.15, steps));
    const QPointF drift = toView(anchor) - pos;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + int(std::round(drift.x())));
    verticalScrollBar()->setValue(verticalScrollBar()->value() + int(std::round(drift.y())));
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    event->accept();
}

// ---------------------------------------------------------------- geometry

bool Canvas::currentBox(int index, QRectF* px, BoxKind* kind, bool* isKeyframe) const {
    const Project& p = doc_->project();
    if (index < 0 || index >= int(p.objects.size())) return false;
    const int frame = doc_->currentFrame();
    const Object& o = p.objects[index];
    if (const Keyframe* k = o.keyframeAt(frame)) {
        *px = doc_->toPixels(k->box);
        *kind = k->kind;
        *isKeyframe = true;
        return true;
    }
    const Tracks& t = doc_->displayTracks();
    if (index >= int(t.boxes.size()) || frame >= int(t.boxes[index].size())) return false;
    const TrackSample& s = t.at(index, frame);
    if (s.kind == BoxKind::None) return false;
    *px = doc_->toPixels(s.box);
    *kind = BoxKind::Soft;  // interpolated or path-generated boxes are soft
    *isKeyframe = false;
    return true;
}

int Canvas::handleAt(const QPointF& v) const {
    const int sel = doc_->objectIndex(doc_->selectedObjectId());
    QRectF px;
    BoxKind kind;
    bool isKey;
    if (!currentBox(sel, &px, &kind, &isKey)) return -1;
    const QRectF vr = handleFrame(viewRect(px));
    for (int h = 0; h < 8; ++h) {
        const QPointF d = handlePoint(vr, h) - v;
        if (std::abs(d.x()) <= kHandleHit && std::abs(d.y()) <= kHandleHit) return h;
    }
    return -1;
}

int Canvas::objectAt(const QPointF& v) const {
    const int n = int(doc_->project().objects.size());
    const int sel = doc_->objectIndex(doc_->selectedObjectId());
    auto hit = [&](int i) {
        QRectF px;
        BoxKind kind;
        bool isKey;
        return currentBox(i, &px, &kind, &isKey) && hitArea(viewRect(px)).contains(v);
    };
    if (sel >= 0 && hit(sel)) return sel;
    for (int i = 0; i < n; ++i)  // index 0 is the front
        if (hit(i)) return i;
    return -1;
}

int Canvas::pathNodeAt(const QPointF& v) const {
    const Object* o = doc_->selectedObject();
    if (!o || !o->path) return -1;
    const QSizeF s = doc_->imageSize();
    for (int i = int(o->path->points.size()) - 1; i >= 0; --i) {
        const auto& pt = o->path->points[i];
        const QPointF pv = toView(QPointF(pt[0] * s.width(), pt[1] * s.height()));
        if (QLineF(pv, v).length() <= kNodeRadius + 3) return i;
    }
    return -1;
}

QPointF Canvas::clampToWork(const QPointF& px) const {
    const QRectF w = workRect();
    return QPointF(std::clamp(px.x(), w.left(), w.right()), std::clamp(px.y(), w.top(), w.bottom()));
}

QRectF Canvas::resizedRect(const QPointF& mouseImg, bool keepAspect) const {
    const QRectF b = dragBase_;
    const QPointF m = clampToWork(mouseImg);
    double l = b.left(), t = b.top(), r = b.right(), bt = b.bottom();
    const int h = dragHandle_;
    const bool corner = (h % 2) == 0;
    if (keepAspect && b.width() > 0 && b.height() > 0) {
        const double aspect = b.width() / b.height();
        if (corner) {
            const QPointF anchor = handlePoint(b, (h + 4) % 8);
            double w = std::abs(m.x() - anchor.x()), hh = std::abs(m.y() - anchor.y());
            if (w / std::max(hh, 1e-9) > aspect)
                hh = w / aspect;
            else
                w = hh * aspect;
            const double sx = m.x() >= anchor.x() ? 1 : -1, sy = m.y() >= anchor.y() ? 1 : -1;
            QRectF out = QRectF(anchor, QPointF(anchor.x() + sx * w, anchor.y() + sy * hh)).normalized();
            // Shrink uniformly about the anchor if it leaves the work area.
            const QRectF img = workRect();
            double k = 1.0;
            if (out.left() < img.left()) k = std::min(k, (anchor.x() - img.left()) / out.width());
            if (out.right() > img.right()) k = std::min(k, (img.right() - anchor.x()) / out.width());
            if (out.top() < img.top()) k = std::min(k, (anchor.y() - img.top()) / out.height());
            if (out.bottom() > img.bottom()) k = std::min(k, (img.bottom() - anchor.y()) / out.height());
            if (k < 1.0) {
                w *= k;
                hh *= k;
                out = QRectF(anchor, QPointF(anchor.x() + sx * w, anchor.y() + sy * hh)).normalized();
            }
            return out;
        }
        if (h == 1 || h == 5) {
            const double nh = h == 1 ? std::abs(bt - m.y()) : std::abs(m.y() - t);
            const double nw = nh * aspect;
            QRectF out(b.center().x() - nw / 2, h == 1 ? std::min(m.y(), bt) : std::min(t, m.y()), nw,
                       nh);
            return out.intersected(workRect());
        }
        const double nw = h == 7 ? std::abs(r - m.x()) : std::abs(m.x() - l);
        const double nh = nw / aspect;
        QRectF out(h == 7 ? std::min(m.x(), r) : std::min(l, m.x()), b.center().y() - nh / 2, nw, nh);
        return out.intersected(workRect());
    }
    if (h == 0 || h == 6 || h == 7) l = m.x();
    if (h == 2 || h == 3 || h == 4) r = m.x();
    if (h == 0 || h == 1 || h == 2) t = m.y();
    if (h == 4 || h == 5 || h == 6) bt = m.y();
    return QRectF(QPointF(l, t), QPointF(r, bt)).normalized();
}

// ---------------------------------------------------------------- editing

void Canvas::applyBoxDrag(const QRectF& pxIn) {
    const Object* o = doc_->selectedObject();
    if (!o) return;
    QRectF px = pxIn.normalized().intersected(workRect());
    if (px.width() < kMinBoxPx || px.height() < kMinBoxPx) return;
    // Frame 0 selects the object: its box must overlap the image.
    if (doc_->currentFrame() == 0 && !px.intersects(imageRect())) return;
    const auto kf = doc_->keyframeWithBox(*o, doc_->currentFrame(), px);
    if (!kf) return;
    doc_->undoStack()->push(new SetKeyframeCommand(
        doc_, doc_->selectedObjectId(), *kf, session_,
        drag_ == Drag::Move ? tr("Move box") : tr("Resize box")));
}

static QString uniqueName(const Project& p) {
    for (int n = int(p.objects.size()) + 1;; ++n) {
        const std::string name = "Object " + std::to_string(n);
        bool used = false;
        for (const Object& o : p.objects) used = used || o.name == name;
        if (!used) return QString::fromStdString(name);
    }
}

static std::string unusedColor(const Project& p) {
    for (int i = 0; i < 32; ++i) {
        const std::string c = defaultObjectColor(i);
        bool used = false;
        for (const Object& o : p.objects) used = used || o.color == c;
        if (!used) return c;
    }
    return defaultObjectColor(int(p.objects.size()));
}

void Canvas::finishRubber(const QPointF& endView) {
    const QRectF px =
        QRectF(clampToWork(toImage(pressView_)), clampToWork(toImage(endView))).normalized();
    const QRectF vr = viewRect(px);
    if (vr.width() < kClickSlop || vr.height() < kClickSlop || px.width() < kMinBoxPx ||
        px.height() < kMinBoxPx) {
        // A click: select whatever is under it.
        const int hit = objectAt(endView);
        doc_->setSelectedObjectId(
            hit >= 0 ? toQString(doc_->project().objects[hit].id) : QString());
        // A drag too small (or too thin) for a box: say so rather than drop it silently.
        if (QLineF(pressView_, endView).length() >= kClickSlop || hit < 0) {
            const QString size = tr("%1 × %2 px").arg(qRound(px.width())).arg(qRound(px.height()));
            emit statusMessage(
                QLineF(pressView_, endView).length() >= kClickSlop
                    ? tr("No box: %1 is too small (a box needs at least %2 screen px and %3 image "
                         "px a side). Drag further, or zoom in (Ctrl++) for a small object.")
                          .arg(size)
                          .arg(int(kClickSlop))
                          .arg(int(kMinBoxPx))
                    : tr("Drag to draw a box (a click selects)."));
        }
        return;
    }
    const Project& p = doc_->project();
    const int frame = doc_->currentFrame();
    const Object* sel = doc_->selectedObject();
    if (frame == 0 && !px.intersects(imageRect())) {
        emit statusMessage(tr("No box: a frame-0 box picks the object, so it must overlap the image. "
                              "Boxes at later frames may leave it."));
        return;
    }
    if (frame == 0) {
        if (int(p.objects.size()) >= kMaxObjects) {
            emit statusMessage(tr("A project holds at most %1 objects; delete one first.")
                                   .arg(kMaxObjects));
            return;
        }
        Object o;
        o.id = newId();
        o.name = toStd(uniqueName(p));
        o.color = unusedColor(p);
        Keyframe kf;
        kf.frame = 0;
        kf.box = doc_->fromPixels(px);
        kf.kind = BoxKind::Hard;
        o.keyframes.push_back(kf);
        doc_->undoStack()->push(new AddObjectCommand(doc_, o, int(p.objects.size())));
        if (tool_ == Tool::SoftBox)
            emit statusMessage(tr("Frame 0 boxes are always hard: they pick the object. "
                                  "Move the playhead to add soft keyframes."));
        else
            emit statusMessage(tr("Added %1. Move the playhead and draw again to key its motion.")
                                   .arg(toQString(o.name)));
        return;
    }
    if (!sel) {
        emit statusMessage(tr("Select an object first (or go to frame 0 to add a new one)."));
        return;
    }
    Keyframe kf;
    kf.frame = frame;
    kf.box = doc_->fromPixels(px);
    kf.kind = tool_ == Tool::SoftBox ? BoxKind::Soft : BoxKind::Hard;
    if (const Keyframe* k = sel->keyframeAt(frame)) kf.easing = k->easing;
    doc_->undoStack()->push(new SetKeyframeCommand(
        doc_, doc_->selectedObjectId(), kf, 0,
        kf.kind == BoxKind::Soft ? tr("Add soft keyframe") : tr("Add hard keyframe")));
}

void Canvas::addPathPoint(const QPointF& imagePx) {
    const Object* o = doc_->selectedObject();
    if (!o) {
        emit statusMessage(tr("Select an object, then click to lay out its motion path."));
        return;
    }
    if (doc_->project().timeline.frames < 2) {
        emit statusMessage(tr("A motion path needs a timeline of at least 2 frames."));
        return;
    }
    const QSizeF s = doc_->imageSize();
    const QPointF c = clampToWork(imagePx);
    const std::array<double, 2> pt{c.x() / s.width(), c.y() / s.height()};
    MotionPath path;
    QString text = tr("Add path point");
    if (o->path) {
        path = *o->path;
    } else {
        const int frames = doc_->project().timeline.frames;
        path.from = std::min(doc_->currentFrame(), frames - 2);
        path.to = frames - 1;
        // The path starts at the object's centre at the first frame of the path.
        const int idx = doc_->objectIndex(doc_->selectedObjectId());
        const TrackSample& smp = doc_->displayTracks().at(idx, path.from);
        path.points.push_back({smp.box.cx(), smp.box.cy()});
        text = tr("Start motion path");
    }
    path.points.push_back(pt);
    doc_->undoStack()->push(new SetPathCommand(doc_, doc_->selectedObjectId(), path, 0, text));
    doc_->setSelectedPathNode(int(path.points.size()) - 1);
    emit statusMessage(tr("Path: %1 points. Click to add more, double-click or Enter to finish.")
                           .arg(path.points.size()));
}

// ---------------------------------------------------------------- mouse

void Canvas::mousePressEvent(QMouseEvent* event) {
    const QPointF v = event->position();
    pressView_ = v;
    dragMoved_ = false;
    if (event->button() == Qt::MiddleButton ||
        (event->button() == Qt::LeftButton && spaceHeld_)) {
        if (spaceHeld_) spacePanned_ = true;
        drag_ = Drag::Pan;
        lastPanPos_ = v;
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    if (event->button() != Qt::LeftButton || doc_->isEmpty()) {
        event->ignore();
        return;
    }
    setFocus(Qt::MouseFocusReason);
    session_ = doc_->newSession();
    if (isBrushTool()) {
        if (beginStroke(v)) drag_ = Drag::Brush;
        return;
    }

    if (tool_ == Tool::Select || tool_ == Tool::Path) {
        const int node = pathNodeAt(v);
        if (node >= 0) {
            drag_ = Drag::Node;
            dragNode_ = node;
            doc_->setSelectedPathNode(node);
            return;
        }
    }
    const int handle = handleAt(v);
    if (handle >= 0 && tool_ != Tool::Path) {
        QRectF px;
        BoxKind kind;
        bool isKey;
        currentBox(doc_->objectIndex(doc_->selectedObjectId()), &px, &kind, &isKey);
        drag_ = Drag::Resize;
        dragHandle_ = handle;
        dragBase_ = px;
        // A small box's handles sit outside it: grabbing one must not jump the edge.
        const QRectF vr = viewRect(px);
        dragOffset_ = toImage(handlePoint(handleFrame(vr), handle)) - toImage(handlePoint(vr, handle));
        return;
    }
    if (tool_ == Tool::Path) {
        addPathPoint(toImage(v));
        drag_ = Drag::None;
        return;
    }
    if (tool_ == Tool::Select) {
        const int hit = objectAt(v);
        if (hit >= 0) {
            doc_->setSelectedObjectId(toQString(doc_->project().objects[hit].id));
            doc_->setSelectedPathNode(-1);
            QRectF px;
            BoxKind kind;
            bool isKey;
            currentBox(hit, &px, &kind, &isKey);
            drag_ = Drag::Move;
            dragBase_ = px;
        } else {
            doc_->setSelectedObjectId(QString());
            drag_ = Drag::None;
        }
        return;
    }
    drag_ = Drag::Rubber;
    rubberEnd_ = v;
}

void Canvas::mouseMoveEvent(QMouseEvent* event) {
    const QPointF v = event->position();
    const QPointF img = toImage(v);
    emit cursorMoved(img, imageRect().contains(img));
    if (QLineF(v, pressView_).length() >= kClickSlop) dragMoved_ = true;
    if (isBrushTool()) {
        hoverView_ = v;
        viewport()->update();
    }
    switch (drag_) {
        case Drag::None:
            updateHoverCursor(v);
            return;
        case Drag::Brush:
            extendStroke(v);
            return;
        case Drag::Pan: {
            const QPointF d = v - lastPanPos_;
            lastPanPos_ = v;
            horizontalScrollBar()->setValue(horizontalScrollBar()->value() - int(std::round(d.x())));
            verticalScrollBar()->setValue(verticalScrollBar()->value() - int(std::round(d.y())));
            return;
        }
        case Drag::Rubber:
            rubberEnd_ = v;
            viewport()->update();
            return;
        case Drag::Move: {
            if (!dragMoved_) return;
            QPointF d = img - toImage(pressView_);
            QRectF r = dragBase_.translated(d);
            // A box keeps its size past the image's edge (objects enter and
            // leave the frame); the work area bounds it; at frame 0 it keeps
            // at least a pixel of overlap with the image.
            const QRectF bound = doc_->currentFrame() == 0
                                     ? imageRect().adjusted(1 - r.width(), 1 - r.height(), r.width() - 1,
                                                            r.height() - 1)
                                     : workRect();
            if (r.left() < bound.left()) r.moveLeft(bound.left());
            if (r.top() < bound.top()) r.moveTop(bound.top());
            if (r.right() > bound.right()) r.moveRight(bound.right());
            if (r.bottom() > bound.bottom()) r.moveBottom(bound.bottom());
            applyBoxDrag(r);
            return;
        }
        case Drag::Resize:
            applyBoxDrag(resizedRect(img - dragOffset_, event->modifiers() & Qt::ShiftModifier));
            return;
        case Drag::Node: {
            const Object* o = doc_->selectedObject();
            if (!o || !o->path || dragNode_ >= int(o->path->points.size()) || !dragMoved_) return;
            MotionPath path = *o->path;
            const QPointF c = clampToWork(img);
            const QSizeF s = doc_->imageSize();
            path.points[dragNode_] = {c.x() / s.width(), c.y() / s.height()};
            doc_->undoStack()->push(new SetPathCommand(doc_, doc_->selectedObjectId(), path,
                                                       session_, tr("Move path point")));
            return;
        }
    }
}

void Canvas::mouseReleaseEvent(QMouseEvent* event) {
    const QPointF v = event->position();
    const Drag d = drag_;
    drag_ = Drag::None;
    if (d == Drag::Pan) {
        updateHoverCursor(v);
        return;
    }
    if (d == Drag::Rubber) finishRubber(v);
    if (d == Drag::Brush) finishStroke();
    session_ = 0;
    updateHoverCursor(v);
    viewport()->update();
}

void Canvas::mouseDoubleClickEvent(QMouseEvent* event) {
    if (tool_ == Tool::Path && event->button() == Qt::LeftButton) {
        setTool(Tool::Select);
        emit statusMessage(tr("Motion path finished. Drag its points to adjust it."));
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void Canvas::updateHoverCursor(const QPointF& v) {
    if (spaceHeld_) {
        viewport()->setCursor(Qt::OpenHandCursor);
        return;
    }
    if (doc_->isEmpty()) {
        viewport()->unsetCursor();
        return;
    }
    if (isBrushTool()) {
        viewport()->setCursor(Qt::CrossCursor);
        return;
    }
    if ((tool_ == Tool::Select || tool_ == Tool::Path) && pathNodeAt(v) >= 0) {
        viewport()->setCursor(Qt::PointingHandCursor);
        return;
    }
    if (tool_ != Tool::Path) {
        const int h = handleAt(v);
        if (h >= 0) {
            viewport()->setCursor(handleCursor(h));
            return;
        }
    }
    if (tool_ == Tool::Select) {
        viewport()->setCursor(objectAt(v) >= 0 ? Qt::SizeAllCursor : Qt::ArrowCursor);
        return;
    }
    viewport()->setCursor(Qt::CrossCursor);
}

// ---------------------------------------------------------------- keys

void Canvas::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = true;
        spacePanned_ = false;
        viewport()->setCursor(Qt::OpenHandCursor);
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        if (drag_ == Drag::Rubber) {
            drag_ = Drag::None;
            viewport()->update();
            return;
        }
        if (tool_ == Tool::Path) {
            setTool(Tool::Select);
            return;
        }
    }
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && tool_ == Tool::Path) {
        setTool(Tool::Select);
        emit statusMessage(tr("Motion path finished."));
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void Canvas::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        const bool tapped = spaceHeld_ && !spacePanned_;
        spaceHeld_ = false;
        updateHoverCursor(mapFromGlobal(QCursor::pos()));
        if (tapped) emit spaceTapped();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void Canvas::focusOutEvent(QFocusEvent* event) {
    spaceHeld_ = false;
    QGraphicsView::focusOutEvent(event);
}

// ---------------------------------------------------------------- painting

void Canvas::drawBackground(QPainter* painter, const QRectF& rect) {
    painter->fillRect(rect, QColor(0x2a, 0x2c, 0x30));
    if (!doc_->isEmpty()) {
        // The work area around the image, where boxes after frame 0 may go.
        painter->fillRect(workRect(), QColor(0x34, 0x37, 0x3c));
        painter->save();
        painter->setPen(QPen(QColor(0x70, 0x74, 0x7a), 0, Qt::DashLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(imageRect());
        painter->restore();
        return;
    }
    painter->save();
    painter->resetTransform();
    const QRect r = viewport()->rect();
    painter->setPen(QColor(0xc8, 0xcc, 0xd2));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    painter->setFont(f);
    painter->drawText(r.adjusted(20, 0, -20, -30), Qt::AlignCenter | Qt::TextWordWrap,
                      tr("Open an image to start (File ▸ New from Image…, Ctrl+N)\n"
                         "or a project (Ctrl+O). You can also drop either here."));
    painter->restore();
}

void Canvas::paintLabel(QPainter& p, const QRectF& vr, const QString& text, const QColor& color) {
    QFont f = font();
    f.setBold(true);
    p.setFont(f);
    const QFontMetricsF fm(f);
    const double w = fm.horizontalAdvance(text) + 10, h = fm.height() + 4;
    QRectF pill(vr.left() - 1, vr.top() - h - 2, w, h);
    if (pill.top() < 0) pill.moveTop(vr.top() + 3);  // no room above: inside the box
    if (pill.left() < 0) pill.moveLeft(0);
    p.setPen(QPen(QColor(0, 0, 0, 150), 1));
    QColor bg = color;
    bg.setAlpha(235);
    p.setBrush(bg);
    p.drawRoundedRect(pill, 3, 3);
    p.setPen(contrastingText(color));
    p.drawText(pill, Qt::AlignCenter, text);
}

void Canvas::paintObject(QPainter& p, int index) {
    QRectF px;
    BoxKind kind;
    bool isKey;
    if (!currentBox(index, &px, &kind, &isKey)) return;
    const Object& o = doc_->project().objects[index];
    const bool selected = toQString(o.id) == doc_->selectedObjectId();
    const QColor color = objectColor(o);
    const QRectF vr = viewRect(px);

    if (kind == BoxKind::Hard) {
        QColor fill = color;
        fill.setAlpha(selected ? 40 : 24);
        p.fillRect(vr, fill);
    }
    const double width = selected ? 2.5 : 2.0;
    // A halo of the opposite lightness under the coloured line keeps the box
    // readable on dark and on light photos alike.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(haloFor(color), width + 2.0));
    p.drawRect(vr);
    QPen pen(color, width);
    if (kind == BoxKind::Soft) {
        pen.setStyle(Qt::CustomDashLine);
        pen.setDashPattern({4, 3});
        pen.setColor(isKey ? color : color.lighter(115));
    }
    p.setPen(pen);
    p.drawRect(vr);

    QString label = toQString(o.name);
    if (selected && !isKey) label += tr(" · interpolated");
    paintLabel(p, vr, label, color);

    if (selected) {
        p.setPen(QPen(QColor(0, 0, 0, 200), 1));
        p.setBrush(Qt::white);
        for (int h = 0; h < 8; ++h) {
            const QPointF c = handlePoint(handleFrame(vr), h);
            p.drawRect(QRectF(c.x() - kHandleSize / 2, c.y() - kHandleSize / 2, kHandleSize,
                              kHandleSize));
        }
    }
}

void Canvas::paintSelectedExtras(QPainter& p) {
    const int sel = doc_->objectIndex(doc_->selectedObjectId());
    if (sel < 0) return;
    const Object& o = doc_->project().objects[sel];
    const QColor color = objectColor(o);
    const int frame = doc_->currentFrame();
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.85));
    p.setFont(small);

    // Onion skin: the other keyframes, faint.
    for (const Keyframe& k : o.keyframes) {
        if (k.frame == frame) continue;
        const QRectF vr = viewRect(doc_->toPixels(k.box));
        QColor c = color;
        c.setAlpha(110);
        QPen pen(c, 1.3);
        if (k.kind == BoxKind::Soft) pen.setStyle(Qt::DashLine);
        p.setBrush(Qt::NoBrush);
        p.setPen(pen);
        p.drawRect(vr);
        const QString num = QString::number(k.frame);
        const QRectF tag(vr.left() + 2, vr.top() + 2, p.fontMetrics().horizontalAdvance(num) + 6,
                         p.fontMetrics().height());
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0, 0, 0, 120));
        p.drawRoundedRect(tag, 2, 2);
        p.setPen(QColor(255, 255, 255, 220));
        p.drawText(tag, Qt::AlignCenter, num);
    }

    // Motion path: one trajectory only, the one the engines use. The band
    // marks the frames the path leads (its span, keyframes excepted: they win
    // at their own frames), drawn along the expanded track rather than along
    // the bare path curve; the path's points are its handles.
    QPolygonF pathNodes;
    if (o.path && !o.path->points.empty()) {
        const QSizeF s = doc_->imageSize();
        for (const auto& pt : o.path->points)
            pathNodes << toView(QPointF(pt[0] * s.width(), pt[1] * s.height()));
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(QColor(255, 255, 255, 110), 8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(trajectory(sel, o.path->from, o.path->to));
    }

    // Trajectory: centres of the expanded track (the engines' function).
    const Tracks& t = doc_->displayTracks();
    if (sel < int(t.boxes.size())) {
        QPolygonF line;
        std::vector<std::pair<QPointF, int>> ticks;
        for (int f = 0; f < int(t.boxes[sel].size()); ++f) {
            const TrackSample& s = t.at(sel, f);
            if (s.kind == BoxKind::None) continue;
            const QRectF px = doc_->toPixels(s.box);
            const QPointF c = toView(px.center());
            line << c;
            ticks.emplace_back(c, f);
        }
        if (line.size() > 1) {
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(haloFor(color), 3.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.drawPolyline(line);
            p.setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.drawPolyline(line);
            // Frame ticks; thinned out when frames crowd together.
            double total = 0;
            for (int i = 1; i < line.size(); ++i) total += QLineF(line[i - 1], line[i]).length();
            const double perFrame = total / std::max(1, int(line.size()) - 1);
            const int every = perFrame >= 6 ? 1 : perFrame >= 2 ? 4 : 12;
            for (const auto& [pt, f] : ticks) {
                const bool key = o.keyframeAt(f) != nullptr;
                if (f == frame) {
                    p.setBrush(Qt::NoBrush);
                    p.setPen(QPen(QColor(0, 0, 0, 170), 4));
                    p.drawEllipse(pt, 5, 5);
                    p.setPen(QPen(Qt::white, 2));
                    p.drawEllipse(pt, 5, 5);
                } else if (key) {
                    p.setPen(QPen(QColor(0, 0, 0, 180), 1));
                    p.setBrush(color);
                    p.drawEllipse(pt, 3.5, 3.5);
                } else if (f % every == 0) {
                    p.setPen(QPen(QColor(0, 0, 0, 150), 0.8));
                    p.setBrush(QColor(255, 255, 255, 230));
                    p.drawEllipse(pt, 1.8, 1.8);
                }
            }
        }
    }

    // Motion path nodes on top of everything else.
    for (int i = 0; i < pathNodes.size(); ++i) {
        const bool selNode = i == doc_->selectedPathNode();
        p.setPen(QPen(QColor(0, 0, 0, 200), 1.5));
        p.setBrush(selNode ? color : QColor(Qt::white));
        p.drawEllipse(pathNodes[i], kNodeRadius, kNodeRadius);
    }
}

QPolygonF Canvas::trajectory(int index, int from, int to) const {
    QPolygonF line;
    const Tracks& t = doc_->displayTracks();
    if (index < 0 || index >= int(t.boxes.size())) return line;
    const int last = std::min(to, int(t.boxes[index].size()) - 1);
    for (int f = std::max(0, from); f <= last; ++f) {
        const TrackSample& s = t.at(index, f);
        if (s.kind != BoxKind::None) line << toView(doc_->toPixels(s.box).center());
    }
    return line;
}

void Canvas::paintOtherPaths(QPainter& p) {
    const auto& objects = doc_->project().objects;
    for (int i = 0; i < int(objects.size()); ++i) {
        const Object& o = objects[i];
        if (!o.path || toQString(o.id) == doc_->selectedObjectId()) continue;
        // Where the object goes over the path's span (the engines' track).
        const QPolygonF curve = trajectory(i, o.path->from, o.path->to);
        QColor c = objectColor(o);
        c.setAlpha(170);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(haloFor(c), 2.6));
        p.drawPolyline(curve);
        p.setPen(QPen(c, 1.2, Qt::DashLine));
        p.drawPolyline(curve);
    }
}

void Canvas::drawForeground(QPainter* painter, const QRectF&) {
    if (doc_->isEmpty()) return;
    QPainter& p = *painter;
    p.save();
    p.resetTransform();
    p.setRenderHint(QPainter::Antialiasing, true);
    if (!boxesVisible_) {
        paintOverlayNote(p);
        p.restore();
        return;
    }

    const int n = int(doc_->project().objects.size());
    const int sel = doc_->objectIndex(doc_->selectedObjectId());
    paintOtherPaths(p);
    for (int i = n - 1; i >= 0; --i)  // back to front; the selected one last
        if (i != sel) paintObject(p, i);
    paintSelectedExtras(p);
    if (sel >= 0) paintObject(p, sel);

    paintBrush(p);
    if (drag_ == Drag::Rubber) {
        const QRectF px =
            QRectF(clampToWork(toImage(pressView_)), clampToWork(toImage(rubberEnd_))).normalized();
        const QRectF vr = viewRect(px);
        const bool soft = tool_ == Tool::SoftBox && doc_->currentFrame() != 0;
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(QColor(0, 0, 0, 160), 3));
        p.drawRect(vr);
        QPen pen(QColor(255, 255, 255), 1.5);
        if (soft) pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.drawRect(vr);
        paintLabel(p, vr,
                   QStringLiteral("%1 × %2 px").arg(qRound(px.width())).arg(qRound(px.height())),
                   QColor(40, 40, 40));
    }
    paintOverlayNote(p);
    p.restore();
}

}  // namespace boxanim::ui
