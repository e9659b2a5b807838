// What a generated clip depends on, as one hash: the project with everything
// that cannot change the frames left out (file path, ids, names, colours,
// the device), plus the reference image's checksum. Equal keys mean the
// clip is still the one the project would produce; an edit changes the key
// and undoing back to the state the clip came from restores it. Stable
// across runs (sha256 of a canonical JSON), so it can name a cache file.
#pragma once

#include <QImage>
#include <QString>

#include "core/project/project.h"

namespace boxanim::ui {

// `image` is used only when the project knows no sha256 of its reference.
QString clipDependencyKey(const Project& project, const QImage& image);

}  // namespace boxanim::ui
