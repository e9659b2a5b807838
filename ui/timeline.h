// The timeline: a frame ruler, one row per object with its keyframes (hard
// filled, soft hollow) and motion-path span, and the playhead. Custom painted;
// the markers it paints come from markers(), which tests read as well.
#pragma once

#include <QRectF>
#include <QWidget>
#include <vector>

#include "core/project/project.h"

namespace boxanim::ui {

class Document;

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(Document* doc, QWidget* parent = nullptr);

    struct Marker {
        int row = 0;  // object index
        int frame = 0;
        BoxKind kind = BoxKind::Hard;
        QRectF rect;  // widget coordinates
    };
    std::vector<Marker> markers() const;
    QRectF pathBar(int row) const;  // empty if the object has no path

    double frameX(int frame) const;  // centre of the frame's cell
    int frameAt(double x) const;
    int rowTop(int row) const;
    QRectF rulerRect() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void statusMessage(const QString& text);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    enum class Drag { None, Playhead, Keyframe };
    double trackLeft() const;
    double trackRight() const;
    double cellWidth() const;
    int rowCount() const;
    int rowAt(double y) const;  // -1 in the ruler or below the rows
    const Marker* markerAt(const QPointF& pos, std::vector<Marker>& storage) const;
    int rulerStep() const;  // frames between labels

    Document* doc_;
    Drag drag_ = Drag::None;
    QString dragObject_;
    int dragFrame_ = -1;
    int session_ = 0;
};

}  // namespace boxanim::ui
