#include "ui/timeline.h"

#include <QActionGroup>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QUndoStack>
#include <algorithm>
#include <cmath>

#include "ui/commands.h"
#include "ui/document.h"
#include "ui/style.h"

namespace boxanim::ui {

namespace {
constexpr int kHeader = 150;
constexpr int kRuler = 26;
constexpr int kRow = 28;
constexpr int kPadLeft = 10;
constexpr int kPadRight = 14;
const QColor kPlayhead(0xe5, 0x39, 0x35);

QString easingLabel(Easing e) {
    switch (e) {
        case Easing::Linear: return QObject::tr("Linear");
        case Easing::EaseIn: return QObject::tr("Ease in");
        case Easing::EaseOut: return QObject::tr("Ease out");
        case Easing::EaseInOut: return QObject::tr("Ease in-out");
    }
    return {};
}
}  // namespace

TimelineView::TimelineView(Document* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    auto repaint = [this] { update(); };
    connect(doc_, &Document::changed, this, repaint);
    connect(doc_, &Document::selectionChanged, this, repaint);
    connect(doc_, &Document::currentFrameChanged, this, repaint);
    connect(doc_, &Document::documentReset, this, [this] {
        drag_ = Drag::None;
        updateGeometry();
        update();
    });
}

// Tall enough for every object a project can hold, so no row is ever cut off.
QSize TimelineView::sizeHint() const { return QSize(800, kRuler + kRow * kMaxObjects + 4); }
QSize TimelineView::minimumSizeHint() const { return QSize(kHeader + 200, kRuler + kRow * kMaxObjects + 4); }

double TimelineView::trackLeft() const { return kHeader + kPadLeft; }
double TimelineView::trackRight() const { return std::max(trackLeft() + 10.0, double(width() - kPadRight)); }
double TimelineView::cellWidth() const {
    return (trackRight() - trackLeft()) / std::max(1, doc_->project().timeline.frames);
}
int TimelineView::rowCount() const { return int(doc_->project().objects.size()); }

double TimelineView::frameX(int frame) const { return trackLeft() + (frame + 0.5) * cellWidth(); }

int TimelineView::frameAt(double x) const {
    const int frames = std::max(1, doc_->project().timeline.frames);
    return std::clamp(int(std::floor((x - trackLeft()) / cellWidth())), 0, frames - 1);
}

int TimelineView::rowTop(int row) const { return kRuler + row * kRow; }
QRectF TimelineView::rulerRect() const { return QRectF(0, 0, width(), kRuler); }

int TimelineView::rowAt(double y) const {
    if (y < kRuler) return -1;
    const int r = int((y - kRuler) / kRow);
    return r < rowCount() ? r : -1;
}

std::vector<TimelineView::Marker> TimelineView::markers() const {
    std::vector<Marker> out;
    const double size = std::clamp(cellWidth() * 0.9, 8.0, 13.0);
    const auto& objs = doc_->project().objects;
    for (int r = 0; r < int(objs.size()); ++r) {
        const double cy = rowTop(r) + kRow * 0.42;
        for (const Keyframe& k : objs[r].keyframes) {
            Marker m;
            m.row = r;
            m.frame = k.frame;
            m.kind = k.kind;
            m.rect = QRectF(frameX(k.frame) - size / 2, cy - size / 2, size, size);
            out.push_back(m);
        }
    }
    return out;
}

QRectF TimelineView::pathBar(int row) const {
    const auto& objs = doc_->project().objects;
    if (row < 0 || row >= int(objs.size()) || !objs[row].path) return {};
    const MotionPath& p = *objs[row].path;
    const double l = frameX(p.from), r = frameX(p.to);
    return QRectF(l, rowTop(row) + kRow - 8, std::max(2.0, r - l), 5);
}

const TimelineView::Marker* TimelineView::markerAt(const QPointF& pos,
                                           std::vector<Marker>& storage) const {
    storage = markers();
    const Marker* best = nullptr;
    double bestD = 1e9;
    for (const Marker& m : storage) {
        if (rowAt(pos.y()) != m.row) continue;
        const double d = std::abs(m.rect.center().x() - pos.x());
        if (d <= std::max(m.rect.width() / 2 + 2, 5.0) && d < bestD) {
            best = &m;
            bestD = d;
        }
    }
    return best;
}

int TimelineView::rulerStep() const {
    static const int steps[] = {1, 2, 5, 10, 12, 24, 25, 48, 50, 100, 120, 250, 500, 1000, 2500};
    const double cell = cellWidth();
    for (int s : steps)
        if (s * cell >= 44) return s;
    return 5000;
}

// ---------------------------------------------------------------- painting

void TimelineView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const Project& proj = doc_->project();
    const int frames = std::max(1, proj.timeline.frames);
    const int n = rowCount();
    const int current = doc_->currentFrame();
    const QString selected = doc_->selectedObjectId();

    p.fillRect(rect(), pal.base());
    // Ruler.
    p.fillRect(QRectF(0, 0, width(), kRuler), pal.window().color().darker(108));
    p.setPen(pal.mid().color());
    p.drawLine(QPointF(0, kRuler - 0.5), QPointF(width(), kRuler - 0.5));
    p.setPen(pal.windowText().color());
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() * 0.85));
    p.setFont(small);
    p.drawText(QRectF(8, 0, kHeader - 8, kRuler), Qt::AlignVCenter | Qt::AlignLeft,
               tr("%1 frames · %2 fps").arg(frames).arg(proj.timeline.fps));

    const double cell = cellWidth();
    const int step = rulerStep();
    const int fps = std::max(1, proj.timeline.fps);
    for (int f = 0; f < frames; ++f) {
        const double x = frameX(f);
        const bool label = f % step == 0;
        const bool second = f % fps == 0;
        if (!label && !second && cell < 3) continue;
        const double h = label ? 9 : second ? 7 : 4;
        p.setPen(second ? pal.windowText().color() : pal.mid().color());
        p.drawLine(QPointF(x, kRuler - h), QPointF(x, kRuler - 1));
        if (label) {
            p.setPen(pal.windowText().color());
            p.drawText(QRectF(x - 30, 1, 60, kRuler - 10), Qt::AlignCenter, QString::number(f));
        }
    }

    // Rows.
    for (int r = 0; r < std::max(n, 1); ++r) {
        const QRectF row(0, rowTop(r), width(), kRow);
        p.fillRect(row, r % 2 ? pal.alternateBase() : pal.base());
    }
    if (n == 0) {
        p.setPen(pal.placeholderText().color());
        p.setFont(font());
        p.drawText(QRectF(trackLeft(), kRuler, trackRight() - trackLeft(), kRow),
                   Qt::AlignCenter,
                   doc_->isEmpty() ? tr("Open an image to start")
                                   : tr("No objects yet: draw a box on the image at frame 0"));
    }
    // Second grid lines across the rows.
    p.setPen(QPen(pal.mid().color(), 0.5, Qt::DotLine));
    for (int f = 0; f < frames; f += fps)
        p.drawLine(QPointF(frameX(f), kRuler), QPointF(frameX(f), rowTop(std::max(n, 1))));

    // Object headers, interpolation spans and path bars.
    p.setFont(font());
    for (int r = 0; r < n; ++r) {
        const Object& o = proj.objects[r];
        const QColor c = objectColor(o);
        const bool sel = toQString(o.id) == selected;
        const QRectF header(0, rowTop(r), kHeader, kRow);
        if (sel) {
            QColor hl = pal.highlight().color();
            hl.setAlpha(60);
            p.fillRect(QRectF(0, rowTop(r), width(), kRow), hl);
        }
        p.setPen(QPen(QColor(0, 0, 0, 140), 1));
        p.setBrush(c);
        p.drawRoundedRect(QRectF(8, rowTop(r) + kRow / 2.0 - 6, 12, 12), 3, 3);
        p.setPen(pal.text().color());
        QFont f = font();
        f.setBold(sel);
        p.setFont(f);
        p.drawText(header.adjusted(26, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   QFontMetrics(f).elidedText(toQString(o.name), Qt::ElideRight, kHeader - 32));
        if (o.keyframes.size() > 1) {
            QColor lc = c;
            lc.setAlpha(110);
            p.setPen(QPen(lc, 2));
            const double y = rowTop(r) + kRow * 0.42;
            p.drawLine(QPointF(frameX(o.keyframes.front().frame), y),
                       QPointF(frameX(o.keyframes.back().frame), y));
        }
        const QRectF bar = pathBar(r);
        if (!bar.isEmpty()) {
            QColor bc = c;
            bc.setAlpha(190);
            p.setPen(QPen(QColor(0, 0, 0, 120), 0.8));
            p.setBrush(bc);
            p.drawRoundedRect(bar, 2, 2);
        }
    }
    p.setPen(pal.mid().color());
    p.drawLine(QPointF(kHeader + 0.5, kRuler), QPointF(kHeader + 0.5, height()));

    // Keyframe markers: hard filled, soft hollow.
    for (const Marker& m : markers()) {
        const Object& o = proj.objects[m.row];
        const QColor c = objectColor(o);
        const QPointF ctr = m.rect.center();
        const double h = m.rect.width() / 2;
        QPainterPath diamond;
        diamond.moveTo(ctr.x(), ctr.y() - h);
        diamond.lineTo(ctr.x() + h, ctr.y());
        diamond.lineTo(ctr.x(), ctr.y() + h);
        diamond.lineTo(ctr.x() - h, ctr.y());
        diamond.closeSubpath();
        const bool active = m.frame == current && toQString(o.id) == selected;
        const QColor edge = active ? pal.text().color() : QColor(0, 0, 0, 170);
        p.setPen(QPen(edge, active ? 2 : 1));
        p.setBrush(c);
        p.drawPath(diamond);
        if (m.kind == BoxKind::Soft) {
            // Hollow: a coloured band around an empty middle, outlined inside
            // too, so it reads as hollow even for white or very light colours.
            const double in = h * 0.5;
            QPainterPath hole;
            hole.moveTo(ctr.x(), ctr.y() - in);
            hole.lineTo(ctr.x() + in, ctr.y());
            hole.lineTo(ctr.x(), ctr.y() + in);
            hole.lineTo(ctr.x() - in, ctr.y());
            hole.closeSubpath();
            p.setPen(QPen(QColor(0, 0, 0, 150), 1));
            p.setBrush(pal.base());
            p.drawPath(hole);
        }
    }

    // Playhead.
    const double px = frameX(current);
    p.setPen(QPen(kPlayhead, 1.5));
    p.drawLine(QPointF(px, kRuler - 2), QPointF(px, height()));
    const QString label = QString::number(current);
    const QFontMetricsF fm(small);
    const double lw = fm.horizontalAdvance(label) + 10;
    QRectF tag(px - lw / 2, 2, lw, kRuler - 6);
    if (tag.left() < trackLeft() - 8) tag.moveLeft(trackLeft() - 8);
    if (tag.right() > width() - 1) tag.moveRight(width() - 1);
    p.setPen(Qt::NoPen);
    p.setBrush(kPlayhead);
    p.drawRoundedRect(tag, 3, 3);
    p.setPen(Qt::white);
    p.setFont(small);
    p.drawText(tag, Qt::AlignCenter, label);

    if (hasFocus()) {
        p.setPen(QPen(pal.highlight().color(), 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
    }
}

bool TimelineView::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        std::vector<Marker> storage;
        if (const Marker* m = markerAt(he->pos(), storage)) {
            const Object& o = doc_->project().objects[m->row];
            const Keyframe* k = o.keyframeAt(m->frame);
            QToolTip::showText(he->globalPos(),
                               tr("%1 · frame %2 · %3 · %4")
                                   .arg(toQString(o.name))
                                   .arg(m->frame)
                                   .arg(m->kind == BoxKind::Hard ? tr("hard") : tr("soft"))
                                   .arg(k ? easingLabel(k->easing) : QString()),
                               this);
        } else {
            QToolTip::hideText();
            e->ignore();
        }
        return true;
    }
    return QWidget::event(e);
}

// ---------------------------------------------------------------- interaction

void TimelineView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const QPointF pos = event->position();
    if (doc_->isEmpty()) return;
    std::vector<Marker> storage;
    if (const Marker* m = markerAt(pos, storage)) {
        const Object& o = doc_->project().objects[m->row];
        doc_->setSelectedObjectId(toQString(o.id));
        doc_->setCurrentFrame(m->frame);
        if (m->frame != 0) {
            drag_ = Drag::Keyframe;
            dragObject_ = toQString(o.id);
            dragFrame_ = m->frame;
            session_ = doc_->newSession();
        } else {
            drag_ = Drag::Playhead;
        }
        return;
    }
    if (pos.x() < kHeader && pos.y() >= kRuler) {
        const int r = rowAt(pos.y());
        doc_->setSelectedObjectId(r >= 0 ? toQString(doc_->project().objects[r].id) : QString());
        return;
    }
    if (pos.y() >= kRuler) {
        const int r = rowAt(pos.y());
        if (r >= 0) doc_->setSelectedObjectId(toQString(doc_->project().objects[r].id));
    }
    drag_ = Drag::Playhead;
    doc_->setCurrentFrame(frameAt(pos.x()));
}

void TimelineView::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    if (drag_ == Drag::Playhead) {
        doc_->setCurrentFrame(frameAt(pos.x()));
    } else if (drag_ == Drag::Keyframe) {
        const Object* o = doc_->object(dragObject_);
        const int target = frameAt(pos.x());
        if (!o || target == dragFrame_) return;
        if (target == 0 || o->keyframeAt(target)) return;  // frame 0 and taken frames stay put
        doc_->undoStack()->push(
            new MoveKeyframeCommand(doc_, dragObject_, dragFrame_, target, session_));
        dragFrame_ = target;
        doc_->setCurrentFrame(target);
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent*) {
    drag_ = Drag::None;
    session_ = 0;
}

void TimelineView::contextMenuEvent(QContextMenuEvent* event) {
    std::vector<Marker> storage;
    const QPointF pos = event->pos();
    QMenu menu(this);
    if (const Marker* m = markerAt(pos, storage)) {
        const Object o = doc_->project().objects[m->row];
        const QString id = toQString(o.id);
        const Keyframe kf = *o.keyframeAt(m->frame);
        doc_->setSelectedObjectId(id);
        doc_->setCurrentFrame(kf.frame);
        QAction* del = menu.addAction(tr("Delete keyframe"), this, [this, id, kf] {
            doc_->undoStack()->push(new RemoveKeyframeCommand(doc_, id, kf.frame));
        });
        del->setEnabled(kf.frame != 0);
        if (kf.frame == 0) del->setToolTip(tr("Frame 0 holds the object's defining hard box"));
        menu.addSeparator();
        QAction* hard = menu.addAction(tr("Hard box"), this, [this, id, kf] {
            Keyframe k = kf;
            k.kind = BoxKind::Hard;
            doc_->undoStack()->push(new SetKeyframeCommand(doc_, id, k, 0, tr("Make keyframe hard")));
        });
        QAction* soft = menu.addAction(tr("Soft box"), this, [this, id, kf] {
            Keyframe k = kf;
            k.kind = BoxKind::Soft;
            doc_->undoStack()->push(new SetKeyframeCommand(doc_, id, k, 0, tr("Make keyframe soft")));
        });
        hard->setCheckable(true);
        soft->setCheckable(true);
        hard->setChecked(kf.kind == BoxKind::Hard);
        soft->setChecked(kf.kind == BoxKind::Soft);
        soft->setEnabled(kf.frame != 0);
        QMenu* easing = menu.addMenu(tr("Easing into this keyframe"));
        easing->setEnabled(kf.frame != 0);
        for (Easing e : {Easing::Linear, Easing::EaseIn, Easing::EaseOut, Easing::EaseInOut}) {
            QAction* a = easing->addAction(easingLabel(e), this, [this, id, kf, e] {
                Keyframe k = kf;
                k.easing = e;
                doc_->undoStack()->push(new SetKeyframeCommand(doc_, id, k, 0, tr("Set easing")));
            });
            a->setCheckable(true);
            a->setChecked(kf.easing == e);
        }
    } else {
        const int r = rowAt(pos.y());
        if (r < 0 || pathBar(r).adjusted(-3, -4, 3, 4).contains(pos) == false) return;
        const QString id = toQString(doc_->project().objects[r].id);
        doc_->setSelectedObjectId(id);
        menu.addAction(tr("Delete motion path"), this, [this, id] {
            doc_->undoStack()->push(new SetPathCommand(doc_, id, std::nullopt));
        });
    }
    menu.exec(event->globalPos());
}

void TimelineView::keyPressEvent(QKeyEvent* event) {
    const int frames = doc_->project().timeline.frames;
    switch (event->key()) {
        case Qt::Key_Left: doc_->setCurrentFrame(doc_->currentFrame() - 1); return;
        case Qt::Key_Right: doc_->setCurrentFrame(doc_->currentFrame() + 1); return;
        case Qt::Key_Home: doc_->setCurrentFrame(0); return;
        case Qt::Key_End: doc_->setCurrentFrame(frames - 1); return;
        default: QWidget::keyPressEvent(event);
    }
}

}  // namespace boxanim::ui
