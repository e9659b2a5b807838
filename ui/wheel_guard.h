// Wheel events change a field only when it has keyboard focus. Scrolling a
// panel with the wheel used to land on a combo box or spin box under the
// cursor and change it (one undo step per notch). guardWheel() makes every
// spin box, combo box and slider under `root` take focus by click or Tab
// only, and passes the wheel of an unfocused one on to its parent (the
// scroll area scrolls). Call it after the panel's widgets exist.
#pragma once

class QWidget;

namespace boxanim::ui {

void guardWheel(QWidget* root);

}  // namespace boxanim::ui
