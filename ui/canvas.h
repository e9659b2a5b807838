// The canvas: the reference image in a QGraphicsView (scene units = image
// pixels) with the boxes, handles, onion skin, trajectory and motion path
// painted on top in viewport coordinates, so handles keep their screen size
// at any zoom. Every edit goes through a command on the document's stack.
#pragma once

#include <QGraphicsView>
#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <optional>

#include "core/project/project.h"

class QGraphicsPixmapItem;

namespace boxanim::ui {

class Document;

class Canvas : public QGraphicsView {
    Q_OBJECT
public:
    // IncludeBrush / ExcludeBrush paint matte strokes on the selected object.
    enum class Tool { Select, HardBox, SoftBox, Path, IncludeBrush, ExcludeBrush };
    Q_ENUM(Tool)

    explicit Canvas(Document* doc, QWidget* parent = nullptr);

    Tool tool() const { return tool_; }
    void setTool(Tool tool);
    double zoom() const;
    bool fitMode() const { return fit_; }

    // A generated frame shown over the reference image (scaled to it); a null
    // image removes it. The generation panel feeds this for the playhead frame.
    void setOverlayImage(const QImage& frame);
    bool hasOverlayImage() const;
    // The mattes overlay (tinted regions with outlines, reference size; null
    // hides it), drawn over the photo under the boxes (MatteOverlay feeds it).
    void setMatteOverlay(const QImage& overlay);
    bool hasMatteOverlay() const;
    // Brush radius as a fraction of the image's longer side ([ and ] change it).
    double brushRadius() const { return brushRadius_; }
    void setBrushRadius(double radius);
    // One line shown over the overlay (e.g. "clip out of date"); empty: none.
    void setOverlayNote(const QString& note);
    QString overlayNote() const { return overlayNote_; }
    // The user's boxes, paths and handles, over the photo or over the clip;
    // the user hides them with View > Show Boxes (H).
    void setBoxesVisible(bool visible);
    bool boxesVisible() const { return boxesVisible_; }

    // Viewport <-> reference-image pixel mapping (floating point).
    QPointF toView(const QPointF& imagePx) const;
    QPointF toImage(const QPointF& viewPt) const;

public slots:
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomActual();

signals:
    void toolChanged(Canvas::Tool tool);
    void boxesVisibleChanged(bool visible);
    void zoomChanged(double zoom);
    void cursorMoved(const QPointF& imagePx, bool insideImage);
    void statusMessage(const QString& text);
    // Space pressed and released without panning (the player's play/pause).
    void spaceTapped();
    void brushRadiusChanged(double radius);

protected:
    bool event(QEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    enum class Drag { None, Pan, Rubber, Move, Resize, Node, Brush };

    void onImageChanged();
    void setZoom(double z);
    QRectF imageRect() const;
    QRectF viewRect(const QRectF& imageRect) const;
    // Box of object `index` at the current frame in image pixels; false if none.
    bool currentBox(int index, QRectF* px, BoxKind* kind, bool* isKeyframe) const;
    int handleAt(const QPointF& viewPt) const;       // of the selected object, -1 if none
    int objectAt(const QPointF& viewPt) const;       // topmost box hit, -1 if none
    int pathNodeAt(const QPointF& viewPt) const;     // node of the selected object's path
    // The area boxes may use: the image and kWorkMargin of its size around it.
    QRectF workRect() const;
    QPointF clampToWork(const QPointF& px) const;
    QRectF resizedRect(const QPointF& mouseImg, bool keepAspect) const;
    void applyBoxDrag(const QRectF& px);
    void finishRubber(const QPointF& endView);
    void addPathPoint(const QPointF& imagePx);
    void updateHoverCursor(const QPointF& viewPt);
    void paintObject(QPainter& p, int index);
    void paintSelectedExtras(QPainter& p);
    void paintOtherPaths(QPainter& p);
    // Centres of object `index`'s expanded track (the engines' boxes) over
    // frames from..to, in view px.
    QPolygonF trajectory(int index, int from, int to) const;
    void paintLabel(QPainter& p, const QRectF& vr, const QString& text, const QColor& color);
    void paintOverlayNote(QPainter& p);
    // Brush tools (canvas_brush.cpp).
    bool isBrushTool() const { return tool_ == Tool::IncludeBrush || tool_ == Tool::ExcludeBrush; }
    bool beginStroke(const QPointF& viewPt);
    void extendStroke(const QPointF& viewPt);
    void finishStroke();
    void paintBrush(QPainter& p);

    Document* doc_;
    QGraphicsScene* scene_;
    QGraphicsPixmapItem* imageItem_;
    QGraphicsPixmapItem* overlayItem_;
    QGraphicsPixmapItem* matteItem_;
    Tool tool_ = Tool::Select;
    bool fit_ = true;
    bool spaceHeld_ = false;
    bool spacePanned_ = false;
    bool boxesVisible_ = true;
    QString overlayNote_;

    Drag drag_ = Drag::None;
    QPointF pressView_;
    QPointF lastPanPos_;
    QRectF dragBase_;  // image px
    QPointF dragOffset_;  // image px: grabbed handle minus the box point it moves
    int dragHandle_ = -1;
    int dragNode_ = -1;
    int session_ = 0;
    bool dragMoved_ = false;
    QPointF rubberEnd_;  // view
    double brushRadius_ = 0.012;
    std::optional<Stroke> stroke_;  // being painted (normalised points)
    QString strokeObject_;
    QPointF lastBrushView_;
    QPointF hoverView_{-1, -1};
};

}  // namespace boxanim::ui
