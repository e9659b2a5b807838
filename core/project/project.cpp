#include "project.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace boxanim {

const char* toString(BoxKind kind) {
    switch (kind) {
        case BoxKind::Hard: return "hard";
        case BoxKind::Soft: return "soft";
        case BoxKind::None: return "none";
    }
    return "none";
}

const char* toString(Easing easing) {
    switch (easing) {
        case Easing::Linear: return "linear";
        case Easing::EaseIn: return "ease-in";
        case Easing::EaseOut: return "ease-out";
        case Easing::EaseInOut: return "ease-in-out";
    }
    return "linear";
}

const char* toString(StrokeMode mode) {
    return mode == StrokeMode::Exclude ? "exclude" : "include";
}

std::optional<StrokeMode> strokeModeFromString(const std::string& s) {
    if (s == "include") return StrokeMode::Include;
    if (s == "exclude") return StrokeMode::Exclude;
    return std::nullopt;
}

std::optional<BoxKind> boxKindFromString(const std::string& s) {
    if (s == "hard") return BoxKind::Hard;
    if (s == "soft") return BoxKind::Soft;
    if (s == "none") return BoxKind::None;
    return std::nullopt;
}

std::optional<Easing> easingFromString(const std::string& s) {
    if (s == "linear") return Easing::Linear;
    if (s == "ease-in") return Easing::EaseIn;
    if (s == "ease-out") return Easing::EaseOut;
    if (s == "ease-in-out") return Easing::EaseInOut;
    return std::nullopt;
}

double applyEasing(Easing easing, double t) {
    t = std::clamp(t, 0.0, 1.0);
    switch (easing) {
        case Easing::Linear: return t;
        case Easing::EaseIn: return t * t;
        case Easing::EaseOut: return t * (2.0 - t);
        case Easing::EaseInOut: return t * t * (3.0 - 2.0 * t);  // smoothstep
    }
    return t;
}

const Keyframe* Object::keyframeAt(int frame) const {
    for (const Keyframe& kf : keyframes)
        if (kf.frame == frame) return &kf;
    return nullptr;
}

void Object::setKeyframe(const Keyframe& kf) {
    auto it = std::lower_bound(keyframes.begin(), keyframes.end(), kf.frame,
                               [](const Keyframe& a, int f) { return a.frame < f; });
    if (it != keyframes.end() && it->frame == kf.frame)
        *it = kf;
    else
        keyframes.insert(it, kf);
}

bool Object::removeKeyframe(int frame) {
    auto it = std::find_if(keyframes.begin(), keyframes.end(),
                           [frame](const Keyframe& k) { return k.frame == frame; });
    if (it == keyframes.end()) return false;
    keyframes.erase(it);
    return true;
}

Object* Project::findObject(const std::string& objectId) {
    for (Object& o : objects)
        if (o.id == objectId) return &o;
    return nullptr;
}

const Object* Project::findObject(const std::string& objectId) const {
    for (const Object& o : objects)
        if (o.id == objectId) return &o;
    return nullptr;
}

std::string newId() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uint64_t a = rng(), b = rng();
    // RFC 4122 version 4, variant 1 (as QUuid::createUuid()).
    a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
    b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                  static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xFFFF),
                  static_cast<unsigned>(a & 0xFFFF), static_cast<unsigned>(b >> 48),
                  static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
    return buf;
}

const char* defaultObjectColor(int index) {
    // Sasha Trubetskoy's distinct colours, the ones that read on dark and light photos.
    static const char* kColors[] = {"#e6194b", "#3cb44b", "#4363d8", "#f58231",
                                    "#911eb4", "#42d4f4", "#f032e6", "#bfef45"};
    const int n = sizeof(kColors) / sizeof(kColors[0]);
    return kColors[((index % n) + n) % n];
}

}  // namespace boxanim
