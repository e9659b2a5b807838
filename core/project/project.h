// The BoxAnim document: objects with keyframed boxes and motion paths over a
// reference image (DESIGN §4). Plain values, no Qt, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace boxanim {

enum class BoxKind { None, Soft, Hard };
enum class Easing { Linear, EaseIn, EaseOut, EaseInOut };

const char* toString(BoxKind kind);
const char* toString(Easing easing);
std::optional<BoxKind> boxKindFromString(const std::string& s);
std::optional<Easing> easingFromString(const std::string& s);
double applyEasing(Easing easing, double t);  // t in [0,1] -> [0,1]

// [x1, y1, x2, y2] normalised to the reference image, origin top-left.
struct Box {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    double width() const { return x2 - x1; }
    double height() const { return y2 - y1; }
    double cx() const { return 0.5 * (x1 + x2); }
    double cy() const { return 0.5 * (y1 + y2); }
    static Box fromCentre(double cx, double cy, double w, double h) {
        return {cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h};
    }
    bool operator==(const Box& o) const {
        return x1 == o.x1 && y1 == o.y1 && x2 == o.x2 && y2 == o.y2;
    }
    bool operator!=(const Box& o) const { return !(*this == o); }
};

struct Keyframe {
    int frame = 0;
    Box box;
    BoxKind kind = BoxKind::Hard;
    Easing easing = Easing::Linear;  // easing of the segment that ends at this keyframe
    bool operator==(const Keyframe& o) const {
        return frame == o.frame && box == o.box && kind == o.kind && easing == o.easing;
    }
};

struct MotionPath {
    std::vector<std::array<double, 2>> points;  // normalised centre positions
    int from = 0;
    int to = 0;
    Easing easing = Easing::Linear;
    bool operator==(const MotionPath& o) const {
        return points == o.points && from == o.from && to == o.to && easing == o.easing;
    }
};

enum class StrokeMode { Include, Exclude };
const char* toString(StrokeMode mode);
std::optional<StrokeMode> strokeModeFromString(const std::string& s);

// A matte correction painted on the reference image (format version 2): the
// brush marks certain foreground (include) or background (exclude). Points
// are normalised to the reference image; radius is a fraction of the image's
// longer side.
struct Stroke {
    StrokeMode mode = StrokeMode::Include;
    double radius = 0.01;
    std::vector<std::array<double, 2>> points;
    bool operator==(const Stroke& o) const {
        return mode == o.mode && radius == o.radius && points == o.points;
    }
    bool operator!=(const Stroke& o) const { return !(*this == o); }
};

constexpr double kMaxStrokeRadius = 0.5;

// Version 2 lets boxes after frame 0 leave the image (objects enter and
// leave the frame); coordinates stay inside this sane range.
constexpr double kBoxCoordMin = -4.0;
constexpr double kBoxCoordMax = 5.0;

struct Object {
    std::string id;
    std::string name;
    std::string color = "#e6194b";
    std::vector<Keyframe> keyframes;  // kept sorted by frame, one per frame
    std::optional<MotionPath> path;
    std::vector<Stroke> strokes;  // matte corrections, in painting order

    const Keyframe* keyframeAt(int frame) const;
    // Inserts or replaces the keyframe at kf.frame, keeping the list sorted.
    void setKeyframe(const Keyframe& kf);
    bool removeKeyframe(int frame);
    bool operator==(const Object& o) const {
        return id == o.id && name == o.name && color == o.color && keyframes == o.keyframes &&
               path == o.path && strokes == o.strokes;
    }
};

struct Reference {
    std::string path;    // relative to the project file where possible
    std::string sha256;  // of the image file's bytes; empty if unknown
    bool operator==(const Reference& o) const { return path == o.path && sha256 == o.sha256; }
};

struct Timeline {
    int frames = 48;
    int fps = 24;
    bool operator==(const Timeline& o) const { return frames == o.frames && fps == o.fps; }
};

struct OutputSize {
    int width = 1024;
    int height = 768;
    bool operator==(const OutputSize& o) const { return width == o.width && height == o.height; }
};

struct GenerationSettings {
    // cutout: on the benchmark (docs/BENCHMARKS.md, "BoxFlow against cutout")
    // boxflow-s is not better than the rigid engine anywhere a user sees.
    std::string engine = "cutout";
    std::string model = "boxflow-s";
    std::uint64_t seed = 1234;
    int steps = 4;
    double variety = 0.5;
    std::string device = "auto";
    bool operator==(const GenerationSettings& o) const {
        return engine == o.engine && model == o.model && seed == o.seed && steps == o.steps &&
               variety == o.variety && device == o.device;
    }
};

constexpr int kMaxObjects = 4;     // the model's layer budget: background + 4
constexpr int kMaxFrames = 10000;  // anything above is refused as absurd

struct Project {
    std::string id;
    Reference reference;
    Timeline timeline;
    OutputSize output;
    std::vector<Object> objects;  // front-to-back order is the depth order
    GenerationSettings generation;

    Object* findObject(const std::string& id);
    const Object* findObject(const std::string& id) const;
    bool operator==(const Project& o) const {
        return id == o.id && reference == o.reference && timeline == o.timeline &&
               output == o.output && objects == o.objects && generation == o.generation;
    }
    bool operator!=(const Project& o) const { return !(*this == o); }
};

// A new random id in QUuid's textual form without braces (8-4-4-4-12 hex).
std::string newId();

// Distinct default colours for new objects (index wraps).
const char* defaultObjectColor(int index);

}  // namespace boxanim
