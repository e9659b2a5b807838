// Project file format: round trips, locale independence, every validation error.
#include <QtTest>

#include <clocale>
#include <filesystem>
#include <fstream>

#include "core/project/project_io.h"

using namespace boxanim;
namespace fs = std::filesystem;

namespace {

Project sampleProject() {
    Project p;
    p.id = "6f1c0e2a-1111-4222-8333-444455556666";
    p.reference = {"cat.png", "abc123"};
    p.timeline = {48, 24};
    p.output = {1024, 768};
    Object cat;
    cat.id = "obj-cat";
    cat.name = "cat";
    cat.color = "#e6194b";
    cat.setKeyframe({0, {0.10, 0.40, 0.35, 0.90}, BoxKind::Hard, Easing::Linear});
    cat.setKeyframe({47, {0.60, 0.35, 0.85, 0.85}, BoxKind::Soft, Easing::EaseInOut});
    cat.path = MotionPath{{{0.22, 0.65}, {0.45, 0.50}, {0.72, 0.60}}, 0, 47, Easing::Linear};
    Object ball;
    ball.id = "obj-ball";
    ball.name = "ball";
    ball.color = "#3cb44b";
    ball.setKeyframe({0, {0.5, 0.1, 0.6, 0.2}, BoxKind::Hard, Easing::Linear});
    p.objects = {cat, ball};
    p.generation = {"boxflow", "boxflow-s", 1234567890123ull, 4, 0.5, "auto"};
    return p;
}

// Puts the C locale back when the test function returns, passed or failed
// (a failed QVERIFY returns early), so later tests never run under de_DE.
struct CLocaleAfterwards {
    ~CLocaleAfterwards() { std::setlocale(LC_ALL, "C"); }
};

std::string tempDir() {
    static QTemporaryDir dir;
    return dir.path().toStdString();
}

// The first object's first keyframe as JSON text, for building broken files.
std::string projectWith(const std::string& objectsJson, int frames = 48,
                        const std::string& version = "1") {
    return R"({"format":"boxanim-project","version":)" + version +
           R"(,"id":"p1","reference":{"path":"a.png"},"timeline":{"frames":)" +
           std::to_string(frames) + R"(,"fps":24},"output":{"width":640,"height":480},"objects":)" +
           objectsJson + "}";
}

std::string objectWith(const std::string& keyframes, const std::string& id = "o1") {
    return R"({"id":")" + id + R"(","name":"x","keyframes":)" + keyframes + "}";
}

const std::string kGoodKf = R"({"frame":0,"box":[0.1,0.1,0.5,0.5],"kind":"hard"})";

}  // namespace

class TestProjectIo : public QObject {
    Q_OBJECT
private slots:
    void jsonRoundTrip() {
        const Project p = sampleProject();
        const Project q = projectFromJson(projectToJson(p));
        QVERIFY(p == q);
    }

    void fileRoundTrip() {
        const Project p = sampleProject();
        const std::string path = tempDir() + "/round.boxanim";
        saveProject(p, path);
        QVERIFY(loadProject(path) == p);
        // No temporary files left beside it.
        int entries = 0;
        for (const auto& e : fs::directory_iterator(tempDir()))
            if (e.path().filename().string().find(".tmp-") != std::string::npos) ++entries;
        QCOMPARE(entries, 0);
    }

    // scripts/install-deps.sh generates de_DE.UTF-8: without it this fails.
    void germanLocaleRoundTrip() {
        const CLocaleAfterwards guard;
        QVERIFY2(std::setlocale(LC_ALL, "de_DE.UTF-8"),
                 "de_DE.UTF-8 is not installed (scripts/install-deps.sh generates it)");
        QCOMPARE(std::localeconv()->decimal_point[0], ',');
        const Project p = sampleProject();
        const std::string path = tempDir() + "/de.boxanim";
        saveProject(p, path);
        std::ifstream in(path);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(text.find("0.35") != std::string::npos);
        QVERIFY(text.find("0,35") == std::string::npos);
        const Project q = loadProject(path);
        QVERIFY(q == p);
    }

    void fixtureV1Loads() {
        const Project p = loadProject(std::string(BOXANIM_TEST_DATA) + "/project-v1.boxanim");
        QCOMPARE(p.objects.size(), std::size_t(2));
        QCOMPARE(p.timeline.frames, 48);
        QCOMPARE(p.objects[0].keyframes[1].easing, Easing::EaseInOut);
        QVERIFY(p.objects[0].path.has_value());
        QCOMPARE(p.objects[0].path->points.size(), std::size_t(3));
    }

    void saveFailureLeavesNothing() {
        const std::string path = tempDir() + "/no-such-dir/x.boxanim";
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, saveProject(sampleProject(), path));
        QVERIFY(!fs::exists(path));
    }

    // A failed save keeping the old file byte-identical: test_atomic_save.

    void resolvesReferenceRelativeToProject() {
        Project p = sampleProject();
        QCOMPARE(resolveReferencePath(p, "/home/u/proj/x.boxanim"), std::string("/home/u/proj/cat.png"));
        p.reference.path = "/abs/img.png";
        QCOMPARE(resolveReferencePath(p, "/home/u/proj/x.boxanim"), std::string("/abs/img.png"));
    }

    void sha256KnownValues() {
        QCOMPARE(sha256Hex("", 0),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(sha256Hex("abc", 3),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string million(1000000, 'a');
        QCOMPARE(sha256Hex(million.data(), million.size()),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void errors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const std::string& text, const char* ptr, const char* msg) {
            QTest::newRow(name) << QString::fromStdString(text) << ptr << msg;
        };
        const std::string good = projectWith("[" + objectWith("[" + kGoodKf + "]") + "]");
        row("truncated json", good.substr(0, good.size() / 2), "", "not valid JSON");
        row("not json", "hello", "", "not valid JSON");
        row("json array", "[1,2]", "", "expected a JSON object");
        row("too new", projectWith("[]", 48, "7"), "/version", "newer than this BoxAnim supports");
        row("version string", projectWith("[]", 48, "\"1\""), "/version", "expected an integer");
        row("wrong format", R"({"format":"x","version":1})", "/format", "not a BoxAnim project");
        row("missing id", R"({"format":"boxanim-project","version":1})", "/id", "missing required field");
        row("frames zero", projectWith("[]", 0), "/timeline/frames", "between 1 and 10000");
        row("frames absurd", projectWith("[]", 10001), "/timeline/frames", "between 1 and 10000");
        row("zero-area box",
            projectWith("[" + objectWith(R"([{"frame":0,"box":[0.1,0.1,0.1,0.5],"kind":"hard"}])") + "]"),
            "/objects/0/keyframes/0/box", "zero width");
        row("inverted box",
            projectWith("[" + objectWith(R"([{"frame":0,"box":[0.1,0.6,0.5,0.5],"kind":"hard"}])") + "]"),
            "/objects/0/keyframes/0/box", "inverted");
        row("box out of range",
            projectWith("[" + objectWith(R"([{"frame":0,"box":[0.1,0.1,5.5,0.5],"kind":"hard"}])") + "]"),
            "/objects/0/keyframes/0/box/2", "between -4 and 5");
        row("non-finite number",
            projectWith("[" + objectWith(R"([{"frame":0,"box":[0.1,0.1,1e999,0.5],"kind":"hard"}])") + "]"),
            "", "number overflow");
        row("keyframe outside timeline",
            projectWith("[" + objectWith("[" + kGoodKf +
                                         R"(,{"frame":48,"box":[0.1,0.1,0.5,0.5],"kind":"soft"}])") + "]"),
            "/objects/0/keyframes/1/frame", "between 0 and 47");
        row("no hard box at frame 0",
            projectWith("[" + objectWith(R"([{"frame":0,"box":[0.1,0.1,0.5,0.5],"kind":"soft"}])") + "]"),
            "/objects/0/keyframes", "no hard box at frame 0");
        row("bad kind",
            projectWith("[" + objectWith(R"([{"frame":0,"box":[0.1,0.1,0.5,0.5],"kind":"firm"}])") + "]"),
            "/objects/0/keyframes/0/kind", "\"hard\" or \"soft\"");
        row("duplicate keyframe",
            projectWith("[" + objectWith("[" + kGoodKf + "," + kGoodKf + "]") + "]"),
            "/objects/0/keyframes/1/frame", "duplicate keyframe");
        row("duplicate ids",
            projectWith("[" + objectWith("[" + kGoodKf + "]") + "," + objectWith("[" + kGoodKf + "]") + "]"),
            "/objects/1/id", "duplicate object id");
        row("bad colour",
            projectWith(R"([{"id":"a","color":"red","keyframes":[)" + kGoodKf + "]}]"),
            "/objects/0/color", "#rrggbb");
        row("path backwards",
            projectWith(R"([{"id":"a","keyframes":[)" + kGoodKf +
                        R"(],"path":{"points":[[0.1,0.1],[0.2,0.2]],"from":10,"to":5}}])"),
            "/objects/0/path/to", "after \"from\"");
        row("path one point",
            projectWith(R"([{"id":"a","keyframes":[)" + kGoodKf +
                        R"(],"path":{"points":[[0.1,0.1]],"from":0,"to":5}}])"),
            "/objects/0/path/points", "at least 2 points");
        const std::string five = objectWith("[" + kGoodKf + "]", "a") + "," + objectWith("[" + kGoodKf + "]", "b") +
                                 "," + objectWith("[" + kGoodKf + "]", "c") + "," +
                                 objectWith("[" + kGoodKf + "]", "d") + "," + objectWith("[" + kGoodKf + "]", "e");
        row("too many objects", projectWith("[" + five + "]"), "/objects", "at most 4 objects");
    }

    void errors() {
        QFETCH(QString, text);
        QFETCH(QString, pointer);
        QFETCH(QString, message);
        try {
            projectFromJson(text.toStdString(), "broken.boxanim");
            QFAIL("loading should have failed");
        } catch (const ProjectError& e) {
            QCOMPARE(QString::fromStdString(e.file()), QString("broken.boxanim"));
            QCOMPARE(QString::fromStdString(e.pointer()), pointer);
            QVERIFY2(QString::fromStdString(e.message()).contains(message), e.what());
            QVERIFY(QString(e.what()).startsWith("broken.boxanim: "));
        }
    }

    void missingFileNamesIt() {
        try {
            loadProject("/nonexistent/p.boxanim");
            QFAIL("should fail");
        } catch (const ProjectError& e) {
            QVERIFY(QString(e.what()).contains("/nonexistent/p.boxanim"));
            QVERIFY(QString(e.what()).contains("does not exist"));
        }
    }

    void newIdsAreUuidShaped() {
        const std::string a = newId(), b = newId();
        QCOMPARE(a.size(), std::size_t(36));
        QVERIFY(a != b);
        QCOMPARE(a[14], '4');
        QVERIFY(QUuid::fromString(QString::fromStdString(a)).isNull() == false);
    }
};

QTEST_GUILESS_MAIN(TestProjectIo)
#include "test_project_io.moc"
