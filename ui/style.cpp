#include "ui/style.h"

#include <QPainter>
#include <QPixmap>

static void boxanimInitQrc() { Q_INIT_RESOURCE(boxanim); }

namespace boxanim::ui {

QColor objectColor(const Object& obj) {
    QColor c(QString::fromStdString(obj.color));
    return c.isValid() ? c : QColor(0xe6, 0x19, 0x4b);
}

QColor contrastingText(const QColor& bg) {
    // Relative luminance (sRGB, approximate) decides between black and white.
    const double l = 0.2126 * bg.redF() + 0.7152 * bg.greenF() + 0.0722 * bg.blueF();
    return l > 0.55 ? QColor(0x10, 0x10, 0x10) : QColor(Qt::white);
}

QColor haloFor(const QColor& line) {
    const double l = 0.2126 * line.redF() + 0.7152 * line.greenF() + 0.0722 * line.blueF();
    return l < 0.25 ? QColor(255, 255, 255, 170) : QColor(0, 0, 0, 150);
}

QIcon swatchIcon(const QColor& color, int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(0, 0, 0, 160), 1));
    p.setBrush(color);
    p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3);
    return QIcon(pm);
}

QIcon appIcon(const QString& name) { return QIcon(QStringLiteral(":/icons/%1.svg").arg(name)); }

void initResources() {
    static bool done = false;
    if (!done) {
        boxanimInitQrc();
        done = true;
    }
}

}  // namespace boxanim::ui
