// The loader's leniency, decided (issue 14 item 9; docs/FORMAT.md): a UTF-8
// BOM is accepted, NUL in any string and control characters in ids and names
// are refused, a project that is not a regular file is refused unread.
#include <QtTest>

#include <sys/stat.h>

#include <QTemporaryDir>

#include "core/project/project_io.h"

using namespace boxanim;

namespace {

std::string project(const std::string& name, const std::string& path = "a.png",
                    const std::string& id = "p1") {
    return R"({"format":"boxanim-project","version":1,"id":")" + id +
           R"(","reference":{"path":")" + path +
           R"("},"timeline":{"frames":4,"fps":12},"output":{"width":64,"height":48},)"
           R"("objects":[{"id":"o1","name":")" + name +
           R"(","keyframes":[{"frame":0,"box":[0.1,0.1,0.5,0.5],"kind":"hard"}]}]})";
}

QString refusal(const std::string& text) {
    try {
        projectFromJson(text, "t.boxanim");
    } catch (const ProjectError& e) {
        return QString::fromStdString(e.what());
    }
    return "accepted";
}

}  // namespace

class TestProjectLeniency : public QObject {
    Q_OBJECT
private slots:
    void byteOrderMarkAccepted() {
        const Project p = projectFromJson("\xEF\xBB\xBF" + project("candy"), "t.boxanim");
        QCOMPARE(p.objects.at(0).name, std::string("candy"));
        // A UTF-16 BOM is not JSON.
        QVERIFY(refusal("\xFF\xFE" + project("candy")).contains("not valid JSON"));
    }
    void nulRefusedEverywhere() {
        QVERIFY(refusal(project("can\\u0000dy")).contains("/objects/0/name: string contains U+0000"));
        QVERIFY(refusal(project("candy", "a\\u0000.png")).contains("/reference/path: string contains U+0000"));
        QVERIFY(refusal(project("candy", "a.png", "p\\u00001")).contains("/id: string contains U+0000"));
    }
    void controlCharactersInNamesAndIds() {
        QVERIFY(refusal(project("two\\nlines")).contains("/objects/0/name: string contains a control character (U+000A)"));
        QVERIFY(refusal(project("tab\\there")).contains("U+0009"));
        QVERIFY(refusal(project("candy", "a.png", "p\\u007f")).contains("/id: string contains a control character (U+007F)"));
        // Other non-ASCII text is fine, and so is a control character in a path.
        QCOMPARE(projectFromJson(project("caf\\u00e9 \\u2615"), "t").objects.at(0).name, std::string("caf\xC3\xA9 \xE2\x98\x95"));
        QCOMPARE(projectFromJson(project("candy", "odd\\tname.png"), "t").reference.path, std::string("odd\tname.png"));
    }
    void notARegularFile() {
        QTemporaryDir dir;
        const std::string fifo = dir.filePath("p.boxanim").toStdString();
        QCOMPARE(mkfifo(fifo.c_str(), 0644), 0);
        try {
            loadProject(fifo);
            QFAIL("a FIFO was read");
        } catch (const ProjectError& e) {
            QVERIFY(QString(e.what()).contains("not a regular file"));
        }
        try {
            loadProject("/dev/zero");
            QFAIL("/dev/zero was read");
        } catch (const ProjectError& e) {
            QVERIFY(QString(e.what()).contains("not a regular file"));
        }
    }
};

QTEST_GUILESS_MAIN(TestProjectLeniency)
#include "test_project_leniency.moc"
