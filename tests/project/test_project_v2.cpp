// Project format version 2: the v1 -> v2 migration, matte strokes (round trip
// and validation errors), boxes that leave the image after frame 0.
#include <QtTest>

#include "core/project/project_io.h"

using namespace boxanim;

namespace {

std::string dataPath(const char* name) { return std::string(BOXANIM_TEST_DATA) + "/" + name; }

std::string v2With(const std::string& objectExtra, const std::string& box0 = "[0.1,0.1,0.5,0.5]",
                   const std::string& laterKf = "") {
    return R"({"format":"boxanim-project","version":2,"id":"p2","reference":{"path":"a.png"},)"
           R"("timeline":{"frames":48,"fps":24},"output":{"width":640,"height":480},)"
           R"("objects":[{"id":"o1","keyframes":[{"frame":0,"box":)" +
           box0 + R"(,"kind":"hard"})" + laterKf + "]" + objectExtra + "}]}";
}

void expectError(const std::string& text, const QString& pointer, const QString& message) {
    try {
        projectFromJson(text, "v2.boxanim");
        QFAIL("loading should have failed");
    } catch (const ProjectError& e) {
        QCOMPARE(QString::fromStdString(e.file()), QString("v2.boxanim"));
        QCOMPARE(QString::fromStdString(e.pointer()), pointer);
        QVERIFY2(QString::fromStdString(e.message()).contains(message), e.what());
    }
}

}  // namespace

class TestProjectV2 : public QObject {
    Q_OBJECT
private slots:
    void migratesV1() {
        const Project p = loadProject(dataPath("project-v1.boxanim"));
        QCOMPARE(p.objects.size(), std::size_t(2));
        for (const Object& o : p.objects) QVERIFY(o.strokes.empty());
        // Saved again it is a version 2 file with an explicit empty stroke list.
        const std::string text = projectToJson(p);
        QVERIFY(text.find("\"version\": 2") != std::string::npos);
        QVERIFY(text.find("\"strokes\": []") != std::string::npos);
        QVERIFY(projectFromJson(text) == p);
    }

    void fixtureV2Loads() {
        const Project p = loadProject(dataPath("project-v2.boxanim"));
        QCOMPARE(p.objects.size(), std::size_t(2));
        const Object& cat = p.objects[0];
        QCOMPARE(cat.strokes.size(), std::size_t(2));
        QCOMPARE(cat.strokes[0].mode, StrokeMode::Include);
        QCOMPARE(cat.strokes[0].radius, 0.02);
        QCOMPARE(cat.strokes[0].points.size(), std::size_t(3));
        QCOMPARE(cat.strokes[0].points[2][0], 0.25);
        QCOMPARE(cat.strokes[1].mode, StrokeMode::Exclude);
        QCOMPARE(cat.strokes[1].points.size(), std::size_t(1));
        // A soft box wholly outside the image and a path leaving it.
        QCOMPARE(cat.keyframeAt(47)->box.x1, 1.20);
        QCOMPARE(cat.path->points[2][0], 1.32);
        // A hard box after frame 0 above-left of the image; a frame-0 box that
        // only partly overlaps it.
        const Object& ball = p.objects[1];
        QCOMPARE(ball.keyframeAt(20)->box.y1, -0.3);
        QCOMPARE(ball.keyframeAt(0)->box.x2, 1.1);
        QVERIFY(projectFromJson(projectToJson(p)) == p);
    }

    void strokesRoundTrip() {
        Project p = loadProject(dataPath("project-v1.boxanim"));
        Stroke a{StrokeMode::Include, 0.0125, {{0.1, 0.2}, {0.3, 0.4}, {0.123456789012345, 0.9}}};
        Stroke b{StrokeMode::Exclude, 0.5, {{1.0, 0.0}}};
        p.objects[1].strokes = {a, b, a};
        const Project q = projectFromJson(projectToJson(p));
        QVERIFY(q == p);
        QCOMPARE(q.objects[1].strokes[0].points[2][0], 0.123456789012345);
        // Order matters: later strokes paint over earlier ones.
        Project r = p;
        std::swap(r.objects[1].strokes[0], r.objects[1].strokes[1]);
        QVERIFY(r != p);
    }

    void errors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const std::string& text, const char* ptr, const char* msg) {
            QTest::newRow(name) << QString::fromStdString(text) << ptr << msg;
        };
        row("strokes not an array", v2With(R"(,"strokes":{})"), "/objects/0/strokes",
            "expected an array");
        row("stroke not an object", v2With(R"(,"strokes":[3])"), "/objects/0/strokes/0",
            "expected an object");
        row("bad mode", v2With(R"(,"strokes":[{"mode":"add","radius":0.01,"points":[[0.1,0.1]]}])"),
            "/objects/0/strokes/0/mode", "\"include\" or \"exclude\"");
        row("missing mode", v2With(R"(,"strokes":[{"radius":0.01,"points":[[0.1,0.1]]}])"),
            "/objects/0/strokes/0/mode", "missing required field");
        row("zero radius", v2With(R"(,"strokes":[{"mode":"include","radius":0,"points":[[0.1,0.1]]}])"),
            "/objects/0/strokes/0/radius", "greater than 0");
        row("huge radius", v2With(R"(,"strokes":[{"mode":"include","radius":0.8,"points":[[0.1,0.1]]}])"),
            "/objects/0/strokes/0/radius", "at most 0.5");
        row("radius string",
            v2With(R"(,"strokes":[{"mode":"include","radius":"1","points":[[0.1,0.1]]}])"),
            "/objects/0/strokes/0/radius", "expected a number");
        row("no points", v2With(R"(,"strokes":[{"mode":"exclude","radius":0.01,"points":[]}])"),
            "/objects/0/strokes/0/points", "at least 1 point");
        row("point outside image",
            v2With(R"(,"strokes":[{"mode":"exclude","radius":0.01,"points":[[0.1,0.1],[1.2,0.5]]}])"),
            "/objects/0/strokes/0/points/1", "between 0 and 1");
        row("point with 3 numbers",
            v2With(R"(,"strokes":[{"mode":"exclude","radius":0.01,"points":[[0.1,0.1,0.2]]}])"),
            "/objects/0/strokes/0/points/0", "a point [x, y]");
        row("frame-0 hard box outside the image", v2With("", "[1.1,0.1,1.5,0.5]"),
            "/objects/0/keyframes/0/box", "must overlap the image");
        row("frame-0 hard box touching the edge only", v2With("", "[-0.5,0.1,0.0,0.5]"),
            "/objects/0/keyframes/0/box", "must overlap the image");
        row("later box beyond the sane range",
            v2With("", "[0.1,0.1,0.5,0.5]", R"(,{"frame":5,"box":[4.0,0.1,5.2,0.5],"kind":"soft"})"),
            "/objects/0/keyframes/1/box/2", "between -4 and 5");
        row("later box inverted outside",
            v2With("", "[0.1,0.1,0.5,0.5]", R"(,{"frame":5,"box":[2.0,0.1,1.5,0.5],"kind":"soft"})"),
            "/objects/0/keyframes/1/box", "inverted");
        row("path point beyond the sane range",
            v2With(R"(,"path":{"points":[[0.1,0.1],[-4.5,0.2]],"from":0,"to":5})"),
            "/objects/0/path/points/1", "between -4 and 5");
    }

    void errors() {
        QFETCH(QString, text);
        QFETCH(QString, pointer);
        QFETCH(QString, message);
        expectError(text.toStdString(), pointer, message);
    }

    void laterBoxesMayLeaveTheImage() {
        const Project p = projectFromJson(
            v2With("", "[0.8,0.1,1.3,0.5]",
                   R"(,{"frame":10,"box":[1.5,0.1,2.0,0.5],"kind":"hard"},)"
                   R"({"frame":20,"box":[-3.9,-3.9,-3.0,-3.0],"kind":"soft"})"));
        QCOMPARE(p.objects[0].keyframes.size(), std::size_t(3));
        QCOMPARE(p.objects[0].keyframeAt(20)->box.x1, -3.9);
    }

    void validateCatchesBadStrokesInMemory() {
        Project p = loadProject(dataPath("project-v2.boxanim"));
        p.objects[0].strokes[1].radius = -1;
        try {
            validateProject(p, "mem");
            QFAIL("should fail");
        } catch (const ProjectError& e) {
            QCOMPARE(QString::fromStdString(e.pointer()), QString("/objects/0/strokes/1/radius"));
        }
        p = loadProject(dataPath("project-v2.boxanim"));
        p.objects[1].keyframes[0].box = {1.2, 0.1, 1.4, 0.3};  // frame-0 hard box off the image
        try {
            validateProject(p, "mem");
            QFAIL("should fail");
        } catch (const ProjectError& e) {
            QCOMPARE(QString::fromStdString(e.pointer()), QString("/objects/1/keyframes/0/box"));
        }
    }
};

QTEST_GUILESS_MAIN(TestProjectV2)
#include "test_project_v2.moc"
