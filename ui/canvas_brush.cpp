// The canvas's Include/Exclude brushes: a stroke is painted on the selected
// object's matte (DESIGN §6 Mattes) and lands as one AddStrokeCommand on
// release. Points are stored normalised to the reference image; the radius
// is a fraction of its longer side.
#include <QGraphicsPixmapItem>
#include <QPainter>
#include <QPainterPath>
#include <QUndoStack>
#include <algorithm>
#include <cmath>

#include "ui/canvas.h"
#include "ui/document.h"
#include "ui/stroke_commands.h"

namespace boxanim::ui {

void Canvas::setMatteOverlay(const QImage& overlay) {
    if (overlay.isNull()) {
        matteItem_->setPixmap(QPixmap());
        matteItem_->setVisible(false);
        return;
    }
    matteItem_->setPixmap(QPixmap::fromImage(overlay));
    const QSizeF img = doc_->imageSize();
    matteItem_->setTransform(
        QTransform::fromScale(img.width() / overlay.width(), img.height() / overlay.height()));
    matteItem_->setVisible(true);
}

bool Canvas::hasMatteOverlay() const { return matteItem_->isVisible(); }

void Canvas::setBrushRadius(double radius) {
    radius = std::clamp(radius, 0.002, 0.2);
    if (std::abs(radius - brushRadius_) < 1e-12) return;
    brushRadius_ = radius;
    viewport()->update();
    emit brushRadiusChanged(brushRadius_);
}

bool Canvas::beginStroke(const QPointF& v) {
    const Object* o = doc_->selectedObject();
    if (!o) {
        emit statusMessage(tr("Select an object first: strokes correct the selected object's matte"));
        return false;
    }
    const QSizeF size = doc_->imageSize();
    const QPointF px = toImage(v);
    if (!QRectF(QPointF(0, 0), size).contains(px)) return false;
    stroke_ = Stroke{tool_ == Tool::IncludeBrush ? StrokeMode::Include : StrokeMode::Exclude,
                     brushRadius_,
                     {{px.x() / size.width(), px.y() / size.height()}}};
    strokeObject_ = toQString(o->id);
    lastBrushView_ = v;
    viewport()->update();
    return true;
}

void Canvas::extendStroke(const QPointF& v) {
    if (!stroke_ || QLineF(v, lastBrushView_).length() < 2.0) return;
    const QSizeF size = doc_->imageSize();
    const QPointF px = toImage(v);
    stroke_->points.push_back({std::clamp(px.x() / size.width(), 0.0, 1.0),
                               std::clamp(px.y() / size.height(), 0.0, 1.0)});
    lastBrushView_ = v;
    viewport()->update();
}

void Canvas::finishStroke() {
    if (!stroke_) return;
    Stroke s = std::move(*stroke_);
    stroke_.reset();
    if (doc_->object(strokeObject_))
        doc_->undoStack()->push(new AddStrokeCommand(doc_, strokeObject_, std::move(s)));
    viewport()->update();
}

void Canvas::paintBrush(QPainter& p) {
    const QSizeF size = doc_->imageSize();
    const double rPx = brushRadius_ * std::max(size.width(), size.height());
    const double rView = rPx * zoom();
    auto colorFor = [](StrokeMode m) {
        return m == StrokeMode::Include ? QColor(60, 220, 90) : QColor(235, 60, 60);
    };
    // The selected object's strokes stay visible while a brush is active.
    if (isBrushTool()) {
        if (const Object* o = doc_->selectedObject()) {
            std::vector<const Stroke*> all;
            for (const Stroke& s : o->strokes) all.push_back(&s);
            if (stroke_) all.push_back(&*stroke_);
            for (const Stroke* s : all) {
                QColor c = colorFor(s->mode);
                c.setAlpha(110);
                const double w = 2.0 * s->radius * std::max(size.width(), size.height()) * zoom();
                QPainterPath path;
                for (std::size_t i = 0; i < s->points.size(); ++i) {
                    const QPointF q = toView(QPointF(s->points[i][0] * size.width(),
                                                     s->points[i][1] * size.height()));
                    if (i == 0) path.moveTo(q);
                    else path.lineTo(q);
                }
                if (s->points.size() == 1) path.lineTo(path.currentPosition() + QPointF(0.01, 0));
                p.setPen(QPen(c, std::max(1.0, w), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
                p.setBrush(Qt::NoBrush);
                p.drawPath(path);
            }
        }
        if (hoverView_.x() >= 0) {
            const QColor c = colorFor(tool_ == Tool::IncludeBrush ? StrokeMode::Include : StrokeMode::Exclude);
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(QColor(0, 0, 0, 170), 3));
            p.drawEllipse(hoverView_, rView, rView);
            p.setPen(QPen(c, 1.5));
            p.drawEllipse(hoverView_, rView, rView);
        }
    }
}

}  // namespace boxanim::ui
