// Saving is atomic (DESIGN §4): the new file is written beside the old one and
// renamed over it. So an overwrite puts a new inode at the path (a reader of
// the old file keeps the whole old file), and a save that fails half-way keeps
// the old file byte for byte and leaves nothing behind, hidden files included.
#include <QtTest>

#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/project/project_io.h"

using namespace boxanim;
namespace fs = std::filesystem;

namespace {

Project projectNamed(const std::string& name, int objects) {
    Project p;
    p.id = "0d7c2a1e-5555-4666-8777-888899990000";
    p.reference = {"photo.png", ""};
    p.timeline = {24, 12};
    p.output = {640, 480};
    for (int i = 0; i < objects; ++i) {
        Object o;
        o.id = name + "-" + std::to_string(i);
        o.name = name;
        o.setKeyframe({0, {0.1 + 0.05 * i, 0.1, 0.3 + 0.05 * i, 0.4}, BoxKind::Hard, Easing::Linear});
        o.setKeyframe({23, {0.5, 0.5, 0.7, 0.8}, BoxKind::Soft, Easing::EaseOut});
        p.objects.push_back(o);
    }
    return p;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ino_t inodeOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_ino;
}

// Every name in a folder, dot files included.
std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

QString listed(const std::set<std::string>& names) {
    QStringList l;
    for (const auto& n : names) l << QString::fromStdString(n);
    return l.join(QStringLiteral(", "));
}

// Caps the size of any file this process writes (RLIMIT_FSIZE), so a write
// fails with EFBIG part-way even for root; restores the limit when it goes.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &old_);
        oldHandler_ = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
        rlimit lim = old_;
        lim.rlim_cur = bytes;
        ok_ = ::setrlimit(RLIMIT_FSIZE, &lim) == 0;
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, oldHandler_);
    }
    bool ok() const { return ok_; }

private:
    rlimit old_{};
    void (*oldHandler_)(int) = nullptr;
    bool ok_ = false;
};

}  // namespace

class TestAtomicSave : public QObject {
    Q_OBJECT
private slots:
    // The saved file is a new file renamed over the old one: another name for
    // the old file (a reader that opened it) still sees the complete old text.
    void overwriteReplacesTheFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("p.boxanim")).toStdString();
        const std::string link = dir.filePath(QStringLiteral("reader-view")).toStdString();
        saveProject(projectNamed("old", 1), path);
        const std::string oldBytes = readAll(path);
        const ino_t oldInode = inodeOf(path);
        QVERIFY(oldInode != 0);
        fs::create_hard_link(path, link);

        const Project fresh = projectNamed("new", 3);
        saveProject(fresh, path);
        QVERIFY2(inodeOf(path) != oldInode, "the save wrote into the old file instead of replacing it");
        QCOMPARE(readAll(link), oldBytes);
        QVERIFY(loadProject(path) == fresh);
        const std::set<std::string> expect{"p.boxanim", "reader-view"};
        QVERIFY2(entries(dir.path().toStdString()) == expect,
                 qPrintable(listed(entries(dir.path().toStdString()))));
    }

    // A write that fails part-way (the file-size limit stands in for a full
    // disk) throws, keeps the old file byte-identical and leaves no temporary.
    void failedWriteKeepsTheOldFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("p.boxanim")).toStdString();
        saveProject(projectNamed("old", 1), path);
        const std::string oldBytes = readAll(path);
        const Project bigger = projectNamed("new", 4);
        QVERIFY(projectToJson(bigger).size() > 512);
        bool threw = false;
        {
            FileSizeLimit limit(256);
            QVERIFY(limit.ok());
            try {
                saveProject(bigger, path);
            } catch (const std::runtime_error& e) {
                threw = true;
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
            }
        }
        QVERIFY2(threw, "a save that could not write its bytes reported success");
        QCOMPARE(readAll(path), oldBytes);
        QVERIFY(loadProject(path) == projectNamed("old", 1));
        const std::set<std::string> expect{"p.boxanim"};
        QVERIFY2(entries(dir.path().toStdString()) == expect,
                 qPrintable(listed(entries(dir.path().toStdString()))));
    }

    // The rename itself fails (a folder has the name): the folder is untouched
    // and the written temporary is removed.
    void failedRenameLeavesNoTemporary() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("taken")).toStdString();
        fs::create_directories(path + "/inside");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, saveProject(projectNamed("x", 1), path));
        QVERIFY(fs::is_directory(path + "/inside"));
        const std::set<std::string> expect{"taken"};
        QVERIFY2(entries(dir.path().toStdString()) == expect,
                 qPrintable(listed(entries(dir.path().toStdString()))));
    }

    // A save into a folder that does not exist fails and creates nothing.
    void missingFolderFails() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("no-such-dir/x.boxanim")).toStdString();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, saveProject(projectNamed("x", 1), path));
        QVERIFY(entries(dir.path().toStdString()).empty());
    }
};

QTEST_GUILESS_MAIN(TestAtomicSave)
#include "test_atomic_save.moc"
