#include "ui/clip_key.h"

#include "core/project/project_io.h"
#include "core/util/sha256.h"

namespace boxanim::ui {

QString clipDependencyKey(const Project& project, const QImage& image) {
    Project p = project;
    p.id.clear();
    p.reference.path.clear();
    if (p.reference.sha256.empty() && !image.isNull()) {
        const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
        Sha256 h;
        for (int y = 0; y < rgb.height(); ++y)
            h.update(rgb.constScanLine(y), std::size_t(rgb.width()) * 4);
        p.reference.sha256 = "pixels:" + h.hexDigest();
    }
    for (Object& o : p.objects) {
        o.id.clear();
        o.name.clear();
        o.color.clear();
    }
    p.generation.device.clear();  // a seed gives the same clip on the CPU and CUDA
    const std::string json = projectToJson(p);
    return QString::fromStdString(sha256Hex(json.data(), json.size()));
}

}  // namespace boxanim::ui
