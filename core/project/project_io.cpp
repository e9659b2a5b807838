#include "project_io.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace boxanim {

namespace fs = std::filesystem;
using nlohmann::json;

ProjectError::ProjectError(std::string file, std::string pointer, std::string message)
    : std::runtime_error(file + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " +
                         message),
      file_(std::move(file)),
      pointer_(std::move(pointer)),
      message_(std::move(message)) {}

namespace {

// Reads one JSON value while tracking its JSON pointer, so every error names
// the exact field and what was expected.
class Reader {
public:
    Reader(const json& v, std::string file, std::string ptr = "")
        : v_(v), file_(std::move(file)), ptr_(std::move(ptr)) {}

    [[noreturn]] void fail(const std::string& msg) const { throw ProjectError(file_, ptr_, msg); }
    const std::string& pointer() const { return ptr_; }
    const json& value() const { return v_; }

    bool has(const char* key) const { return v_.is_object() && v_.contains(key); }
    Reader operator[](const char* key) const {
        if (!v_.is_object()) fail("expected an object");
        auto it = v_.find(key);
        if (it == v_.end()) throw ProjectError(file_, ptr_ + "/" + key, "missing required field");
        return Reader(*it, file_, ptr_ + "/" + key);
    }
    Reader item(std::size_t i) const {
        return Reader(v_.at(i), file_, ptr_ + "/" + std::to_string(i));
    }
    std::size_t arraySize() const {
        if (!v_.is_array()) fail("expected an array");
        return v_.size();
    }
    void requireObject() const {
        if (!v_.is_object()) fail("expected an object");
    }
    // Leniency, decided (docs/FORMAT.md "Strings"): U+0000 is refused in
    // every string - paths and names are C strings further down, and a NUL
    // would silently cut them short.
    std::string str() const {
        if (!v_.is_string()) fail("expected a string");
        std::string s = v_.get<std::string>();
        if (s.find('\0') != std::string::npos) fail("string contains U+0000 (a NUL character)");
        return s;
    }
    // Ids and names also refuse the other control characters (U+0001..U+001F,
    // U+007F): they appear in one-line messages and labels.
    std::string text() const {
        std::string s = str();
        for (unsigned char c : s)
            if (c < 0x20 || c == 0x7F)
                fail("string contains a control character (U+" + hex4(c) + ")");
        return s;
    }
    double num() const {
        if (!v_.is_number()) fail("expected a number");
        double d = v_.get<double>();
        if (!std::isfinite(d)) fail("expected a finite number");
        return d;
    }
    long long integer(long long lo, long long hi) const {
        if (!v_.is_number_integer() && !v_.is_number_unsigned()) {
            if (v_.is_number_float()) {
                double d = v_.get<double>();
                if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
                    return checkRange(static_cast<long long>(d), lo, hi);
                }
            }
            fail("expected an integer");
        }
        if (v_.is_number_unsigned() && v_.get<unsigned long long>() > 9000000000000000000ull)
            fail("expected an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
        return checkRange(v_.get<long long>(), lo, hi);
    }
    std::uint64_t uint64() const {
        if (v_.is_number_unsigned()) return v_.get<std::uint64_t>();
        if (v_.is_number_integer() && v_.get<long long>() >= 0)
            return static_cast<std::uint64_t>(v_.get<long long>());
        fail("expected a non-negative integer");
    }

private:
    static std::string hex4(unsigned c) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04X", c);
        return buf;
    }
    long long checkRange(long long x, long long lo, long long hi) const {
        if (x < lo || x > hi)
            fail("expected an integer between " + std::to_string(lo) + " and " +
                 std::to_string(hi) + ", got " + std::to_string(x));
        return x;
    }
    const json& v_;
    std::string file_, ptr_;
};

bool isColor(const std::string& s) {
    if (s.size() != 7 || s[0] != '#') return false;
    for (std::size_t i = 1; i < 7; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

// Version 2: boxes may lie partly or wholly outside the image (objects enter
// and leave the frame) within [kBoxCoordMin, kBoxCoordMax]; a frame-0 hard
// box must still overlap the image (checked once the kind is known).
Box readBox(const Reader& r) {
    if (r.arraySize() != 4) r.fail("expected an array of 4 numbers [x1, y1, x2, y2]");
    double c[4];
    for (std::size_t i = 0; i < 4; ++i) {
        c[i] = r.item(i).num();
        if (c[i] < kBoxCoordMin || c[i] > kBoxCoordMax)
            r.item(i).fail("expected a coordinate between -4 and 5 (normalised to the image, "
                           "0..1 is inside it)");
    }
    if (c[2] <= c[0]) r.fail("box is inverted or has zero width (x2 must be greater than x1)");
    if (c[3] <= c[1]) r.fail("box is inverted or has zero height (y2 must be greater than y1)");
    return {c[0], c[1], c[2], c[3]};
}

bool overlapsImage(const Box& b) { return b.x1 < 1.0 && b.x2 > 0.0 && b.y1 < 1.0 && b.y2 > 0.0; }

// A point normalised to the image; `lo`/`hi` bound each coordinate.
std::array<double, 2> readPoint(const Reader& pt, double lo, double hi, const char* range) {
    if (pt.arraySize() != 2) pt.fail("expected a point [x, y]");
    double x = pt.item(0).num(), y = pt.item(1).num();
    if (x < lo || x > hi || y < lo || y > hi)
        pt.fail(std::string("expected coordinates between ") + range +
                " (normalised to the image)");
    return {x, y};
}

Stroke readStroke(const Reader& r) {
    r.requireObject();
    Stroke s;
    auto mode = strokeModeFromString(r["mode"].str());
    if (!mode) r["mode"].fail("expected \"include\" or \"exclude\"");
    s.mode = *mode;
    s.radius = r["radius"].num();
    if (!(s.radius > 0.0) || s.radius > kMaxStrokeRadius)
        r["radius"].fail("expected a radius greater than 0 and at most 0.5 (a fraction of the "
                         "image's longer side)");
    Reader pts = r["points"];
    const std::size_t n = pts.arraySize();
    if (n < 1) pts.fail("expected at least 1 point");
    for (std::size_t j = 0; j < n; ++j) s.points.push_back(readPoint(pts.item(j), 0.0, 1.0, "0 and 1"));
    return s;
}

Easing readEasing(const Reader& r) {
    auto e = easingFromString(r.str());
    if (!e) r.fail("expected one of \"linear\", \"ease-in\", \"ease-out\", \"ease-in-out\"");
    return *e;
}

// Version 1 -> 2: every object gains an (empty) list of matte strokes. The
// box rules only widened, so every valid v1 box stays valid.
void migrateV1toV2(json& doc) {
    if (!doc.contains("objects") || !doc["objects"].is_array()) return;  // parse() reports it
    for (json& o : doc["objects"])
        if (o.is_object() && !o.contains("strokes")) o["strokes"] = json::array();
}

// Migrations: each turns version N into N+1 in place.
using Migration = std::function<void(json&)>;
const std::vector<Migration>& migrations() {
    static const std::vector<Migration> kMigrations = {migrateV1toV2};  // index i: v(i+1) -> v(i+2)
    return kMigrations;
}

void migrate(json& doc, int fromVersion) {
    for (int v = fromVersion; v < kProjectFormatVersion; ++v) {
        migrations().at(static_cast<std::size_t>(v - 1))(doc);
        doc["version"] = v + 1;
    }
}

Project parse(const json& doc, const std::string& file) {
    Reader root(doc, file);
    root.requireObject();
    if (root["format"].str() != "boxanim-project")
        root["format"].fail("expected \"boxanim-project\" (this is not a BoxAnim project file)");
    Project p;
    p.id = root["id"].text();
    if (p.id.empty()) root["id"].fail("expected a non-empty id");

    Reader ref = root["reference"];
    p.reference.path = ref["path"].str();
    if (p.reference.path.empty()) ref["path"].fail("expected the path of the reference image");
    if (ref.has("sha256")) p.reference.sha256 = ref["sha256"].str();

    Reader tl = root["timeline"];
    p.timeline.frames = static_cast<int>(tl["frames"].integer(1, kMaxFrames));
    p.timeline.fps = static_cast<int>(tl["fps"].integer(1, 240));

    Reader out = root["output"];
    p.output.width = static_cast<int>(out["width"].integer(16, 8192));
    p.output.height = static_cast<int>(out["height"].integer(16, 8192));

    Reader objs = root["objects"];
    const std::size_t nObj = objs.arraySize();
    if (nObj > static_cast<std::size_t>(kMaxObjects))
        objs.fail("at most " + std::to_string(kMaxObjects) + " objects are supported, got " +
                  std::to_string(nObj));
    for (std::size_t i = 0; i < nObj; ++i) {
        Reader o = objs.item(i);
        o.requireObject();
        Object obj;
        obj.id = o["id"].text();
        if (obj.id.empty()) o["id"].fail("expected a non-empty id");
        obj.name = o.has("name") ? o["name"].text() : std::string();
        if (o.has("color")) {
            obj.color = o["color"].str();
            if (!isColor(obj.color)) o["color"].fail("expected a colour as \"#rrggbb\"");
        }
        Reader kfs = o["keyframes"];
        const std::size_t nKf = kfs.arraySize();
        for (std::size_t j = 0; j < nKf; ++j) {
            Reader k = kfs.item(j);
            k.requireObject();
            Keyframe kf;
            kf.frame = static_cast<int>(k["frame"].integer(0, p.timeline.frames - 1));
            kf.box = readBox(k["box"]);
            auto kind = boxKindFromString(k["kind"].str());
            if (!kind || *kind == BoxKind::None)
                k["kind"].fail("expected \"hard\" or \"soft\"");
            kf.kind = *kind;
            if (kf.frame == 0 && kf.kind == BoxKind::Hard && !overlapsImage(kf.box))
                k["box"].fail("a frame-0 hard box must overlap the image (it selects the object)");
            if (k.has("easing")) kf.easing = readEasing(k["easing"]);
            if (obj.keyframeAt(kf.frame))
                k["frame"].fail("duplicate keyframe at frame " + std::to_string(kf.frame));
            obj.setKeyframe(kf);
        }
        if (o.has("path") && !o["path"].value().is_null()) {
            Reader pr = o["path"];
            MotionPath path;
            Reader pts = pr["points"];
            const std::size_t nPts = pts.arraySize();
            if (nPts < 2) pts.fail("expected at least 2 points");
            // Box centres follow the path, so it may leave the image as boxes may.
            for (std::size_t j = 0; j < nPts; ++j)
                path.points.push_back(readPoint(pts.item(j), kBoxCoordMin, kBoxCoordMax, "-4 and 5"));
            path.from = static_cast<int>(pr["from"].integer(0, p.timeline.frames - 1));
            path.to = static_cast<int>(pr["to"].integer(0, p.timeline.frames - 1));
            if (path.to <= path.from) pr["to"].fail("expected \"to\" after \"from\"");
            if (pr.has("easing")) path.easing = readEasing(pr["easing"]);
            obj.path = path;
        }
        if (o.has("strokes")) {
            Reader sr = o["strokes"];
            const std::size_t nS = sr.arraySize();
            for (std::size_t j = 0; j < nS; ++j) obj.strokes.push_back(readStroke(sr.item(j)));
        }
        p.objects.push_back(std::move(obj));
    }

    if (root.has("generation")) {
        Reader g = root["generation"];
        g.requireObject();
        if (g.has("engine")) {
            p.generation.engine = g["engine"].str();
            if (p.generation.engine != "boxflow" && p.generation.engine != "cutout")
                g["engine"].fail("expected \"boxflow\" or \"cutout\"");
        }
        if (g.has("model")) p.generation.model = g["model"].str();
        if (g.has("seed")) p.generation.seed = g["seed"].uint64();
        if (g.has("steps")) p.generation.steps = static_cast<int>(g["steps"].integer(1, 8));
        if (g.has("variety")) {
            p.generation.variety = g["variety"].num();
            if (p.generation.variety < 0 || p.generation.variety > 1)
                g["variety"].fail("expected a number between 0 and 1");
        }
        if (g.has("device")) {
            p.generation.device = g["device"].str();
            if (p.generation.device != "auto" && p.generation.device != "cpu" &&
                p.generation.device != "cuda")
                g["device"].fail("expected \"auto\", \"cpu\" or \"cuda\"");
        }
    }
    validateProject(p, file);
    return p;
}

json boxJson(const Box& b) { return json::array({b.x1, b.y1, b.x2, b.y2}); }

}  // namespace

void validateProject(const Project& p, const std::string& file) {
    std::set<std::string> ids;
    for (std::size_t i = 0; i < p.objects.size(); ++i) {
        const Object& o = p.objects[i];
        const std::string ptr = "/objects/" + std::to_string(i);
        if (!ids.insert(o.id).second)
            throw ProjectError(file, ptr + "/id", "duplicate object id \"" + o.id + "\"");
        const Keyframe* first = o.keyframeAt(0);
        if (!first || first->kind != BoxKind::Hard)
            throw ProjectError(file, ptr + "/keyframes",
                               "no hard box at frame 0 (every object needs one: it selects the "
                               "object in the reference image)");
        for (std::size_t j = 0; j < o.keyframes.size(); ++j) {
            const Keyframe& k = o.keyframes[j];
            const std::string kp = ptr + "/keyframes/" + std::to_string(j);
            if (k.frame < 0 || k.frame >= p.timeline.frames)
                throw ProjectError(file, kp + "/frame",
                                   "keyframe at frame " + std::to_string(k.frame) +
                                       " is outside the timeline (0.." +
                                       std::to_string(p.timeline.frames - 1) + ")");
            if (!(k.box.x2 > k.box.x1) || !(k.box.y2 > k.box.y1))
                throw ProjectError(file, kp + "/box", "box is inverted or has zero area");
            const double c[4] = {k.box.x1, k.box.y1, k.box.x2, k.box.y2};
            for (double v : c)
                if (!std::isfinite(v) || v < kBoxCoordMin || v > kBoxCoordMax)
                    throw ProjectError(file, kp + "/box",
                                       "expected coordinates between -4 and 5 (normalised to the "
                                       "image, 0..1 is inside it)");
            if (k.frame == 0 && k.kind == BoxKind::Hard && !overlapsImage(k.box))
                throw ProjectError(file, kp + "/box",
                                   "a frame-0 hard box must overlap the image (it selects the "
                                   "object)");
        }
        for (std::size_t j = 0; j < o.strokes.size(); ++j) {
            const Stroke& s = o.strokes[j];
            const std::string sp = ptr + "/strokes/" + std::to_string(j);
            if (!(s.radius > 0.0) || s.radius > kMaxStrokeRadius)
                throw ProjectError(file, sp + "/radius",
                                   "expected a radius greater than 0 and at most 0.5");
            if (s.points.empty())
                throw ProjectError(file, sp + "/points", "expected at least 1 point");
            for (const auto& pt : s.points)
                if (!(pt[0] >= 0.0 && pt[0] <= 1.0 && pt[1] >= 0.0 && pt[1] <= 1.0))
                    throw ProjectError(file, sp + "/points",
                                       "expected coordinates between 0 and 1 (normalised to the "
                                       "image)");
        }
        if (o.path && (o.path->to >= p.timeline.frames || o.path->from < 0))
            throw ProjectError(file, ptr + "/path", "path lies outside the timeline");
    }
}

Project projectFromJson(const std::string& text, const std::string& fileName) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {  // syntax errors and numbers that overflow a double
        // e.byte is the position where parsing stopped; keep nlohmann's reason short.
        std::string what = e.what();
        auto pos = what.find("parse error");
        throw ProjectError(fileName, "",
                           "not valid JSON (" + (pos == std::string::npos ? what : what.substr(pos)) +
                               ")");
    }
    if (!doc.is_object()) throw ProjectError(fileName, "", "expected a JSON object");
    if (!doc.contains("version")) throw ProjectError(fileName, "/version", "missing required field");
    Reader vr(doc["version"], fileName, "/version");
    long long version = vr.integer(1, 1000000);
    if (version > kProjectFormatVersion)
        vr.fail("format version " + std::to_string(version) +
                " is newer than this BoxAnim supports (" + std::to_string(kProjectFormatVersion) +
                "); update BoxAnim to open it");
    migrate(doc, static_cast<int>(version));
    return parse(doc, fileName);
}

std::string projectToJson(const Project& p) {
    json doc;
    doc["format"] = "boxanim-project";
    doc["version"] = kProjectFormatVersion;
    doc["id"] = p.id;
    doc["reference"] = {{"path", p.reference.path}, {"sha256", p.reference.sha256}};
    doc["timeline"] = {{"frames", p.timeline.frames}, {"fps", p.timeline.fps}};
    doc["output"] = {{"width", p.output.width}, {"height", p.output.height}};
    json objs = json::array();
    for (const Object& o : p.objects) {
        json jo = {{"id", o.id}, {"name", o.name}, {"color", o.color}};
        json kfs = json::array();
        for (const Keyframe& k : o.keyframes)
            kfs.push_back({{"frame", k.frame},
                           {"box", boxJson(k.box)},
                           {"kind", toString(k.kind)},
                           {"easing", toString(k.easing)}});
        jo["keyframes"] = kfs;
        if (o.path) {
            json pts = json::array();
            for (const auto& pt : o.path->points) pts.push_back(json::array({pt[0], pt[1]}));
            jo["path"] = {{"points", pts},
                          {"from", o.path->from},
                          {"to", o.path->to},
                          {"easing", toString(o.path->easing)}};
        }
        json strokes = json::array();
        for (const Stroke& st : o.strokes) {
            json pts = json::array();
            for (const auto& pt : st.points) pts.push_back(json::array({pt[0], pt[1]}));
            strokes.push_back({{"mode", toString(st.mode)}, {"radius", st.radius}, {"points", pts}});
        }
        jo["strokes"] = strokes;
        objs.push_back(jo);
    }
    doc["objects"] = objs;
    const GenerationSettings& g = p.generation;
    doc["generation"] = {{"engine", g.engine}, {"model", g.model},     {"seed", g.seed},
                         {"steps", g.steps},   {"variety", g.variety}, {"device", g.device}};
    // nlohmann formats numbers itself (shortest round-trip form, '.' always).
    return doc.dump(2) + "\n";
}

Project loadProject(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw ProjectError(path, "", "file does not exist");
    if (fs::is_directory(path, ec)) throw ProjectError(path, "", "is a folder, not a project file");
    // A FIFO or device would block or never end (issue 14 item 1).
    if (!fs::is_regular_file(path, ec))
        throw ProjectError(path, "", "is not a regular file (a pipe or device?), not a project file");
    constexpr std::uintmax_t kMaxProjectBytes = 64u << 20;
    if (fs::file_size(path, ec) > kMaxProjectBytes)
        throw ProjectError(path, "", "file is over 64 MiB, too large for a project file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ProjectError(path, "", std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return projectFromJson(ss.str(), path);
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    fs::path target(path);
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0)
        throw std::runtime_error(path + ": cannot write (" + std::strerror(errno) + ")");
    FILE* f = fdopen(fd, "wb");
    bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    ok = f && std::fflush(f) == 0 && ok;
    ok = f && fsync(fileno(f)) == 0 && ok;
    int err = errno;
    if (f) std::fclose(f);
    if (ok) {
        std::error_code ec;  // failing to widen permissions is not a failed save
        // mkstemp creates 0600; give the file the usual permissions.
        fs::permissions(name.data(),
                        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read,
                        ec);
        if (std::rename(name.data(), path.c_str()) == 0) return;
        err = errno;
    }
    std::remove(name.data());
    throw std::runtime_error(path + ": cannot write (" + std::strerror(err) + ")");
}

void saveProject(const Project& project, const std::string& path) {
    writeFileAtomically(path, projectToJson(project));
}

std::string resolveReferencePath(const Project& project, const std::string& projectPath) {
    fs::path ref(project.reference.path);
    if (ref.is_absolute()) return ref.lexically_normal().string();
    fs::path base = fs::path(projectPath).parent_path();
    return (base / ref).lexically_normal().string();
}

}  // namespace boxanim
