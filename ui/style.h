// Small shared helpers for colours and icons.
#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

#include "core/project/project.h"

namespace boxanim::ui {

QColor objectColor(const Object& obj);                 // falls back to a default if invalid
QColor contrastingText(const QColor& background);      // black or white, whichever reads better
// A translucent outline of the opposite lightness, drawn under a coloured line.
QColor haloFor(const QColor& line);
QIcon swatchIcon(const QColor& color, int size = 14);
QIcon appIcon(const QString& name);                    // ":/icons/<name>.svg"
void initResources();                                  // registers the compiled .qrc

}  // namespace boxanim::ui
