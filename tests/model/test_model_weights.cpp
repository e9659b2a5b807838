// Weight files: safetensors round trips (bit exact F32/F16, BF16), metadata,
// refusal of truncated files, wrong checksums, wrong shapes, missing and
// unexpected tensors, each naming the file and the tensor; SHA-256 and JSON.
#include <torch/torch.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include "core/model/boxflow.h"
#include "core/model/json.h"
#include "core/model/manifest.h"
#include "core/model/network.h"
#include "core/model/safetensors.h"
#include "core/util/sha256.h"

using namespace boxanim::model;
using boxanim::Sha256;
using boxanim::sha256File;
using boxanim::sha256Hex;

namespace {

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

bool bitEqual(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
    auto ac = a.contiguous(), bc = b.contiguous();
    return std::memcmp(ac.data_ptr(), bc.data_ptr(), ac.nbytes()) == 0;
}

// A models dir holding one tiny model whose weight file may be tampered with.
struct TinyModelDir {
    std::string dir;
    std::string file;
    BoxFlowConfig cfg = BoxFlowConfig::preset("tiny");
    NamedTensors state;

    explicit TinyModelDir(const QString& root) : dir(root.toStdString()) {
        BoxFlowNet net(cfg);
        state = namedState(*net);
        file = (std::filesystem::path(dir) / "tiny.safetensors").string();
    }
    void write(const NamedTensors& tensors, bool rightChecksum = true) {
        writeSafetensors(file, tensors, StoreType::F16);
        ModelEntry e;
        e.name = "tiny";
        e.file = "tiny.safetensors";
        e.sha256 = rightChecksum ? sha256File(file) : std::string(64, '0');
        e.dtype = "F16";
        e.config = cfg;
        Manifest m;
        m.models.push_back(e);
        m.save((std::filesystem::path(dir) / "manifest.json").string());
    }
};

}  // namespace

class TestModelWeights : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sha256KnownVectors() {
        QCOMPARE(QString::fromStdString(sha256Hex("", 0)),
                 QString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(QString::fromStdString(sha256Hex("abc", 3)),
                 QString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        QCOMPARE(QString::fromStdString(sha256Hex(two.data(), two.size())),
                 QString("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        // incremental updates across block boundaries give the same digest
        std::string million(1000000, 'a');
        Sha256 h;
        for (std::size_t i = 0; i < million.size(); i += 777) h.update(million.data() + i, std::min<std::size_t>(777, million.size() - i));
        QCOMPARE(QString::fromStdString(h.hexDigest()),
                 QString("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void jsonWholeNumbersAreChecked() {
        QCOMPARE(integerOf(Json::parse("123456789012"), "n"), static_cast<std::int64_t>(123456789012));
        QCOMPARE(integerOf(Json::parse("4.0"), "n"), static_cast<std::int64_t>(4));
        QVERIFY(QString::fromStdString(errorOf([] { integerOf(Json::parse("2.5"), "shape"); })).contains("shape"));
        QVERIFY(!errorOf([] { integerOf(Json::parse("\"3\""), "n"); }).empty());
        QVERIFY(!errorOf([] { const Json j = Json::parse("{\"a\": 1,}"); }).empty());
    }

    // Headers that nlohmann parses but that are not a tensor: a fractional or
    // scalar shape, scalar offsets. Each is refused naming the tensor.
    void malformedHeaderEntriesAreRefused() {
        QTemporaryDir tmp;
        const std::string path = (tmp.path() + "/bad.safetensors").toStdString();
        for (const char* entry : {R"({"shape": [2.5], "dtype": "F32", "data_offsets": [0, 8]})",
                                  R"({"shape": 2, "dtype": "F32", "data_offsets": [0, 8]})",
                                  R"({"shape": [2], "dtype": "F32", "data_offsets": 8})"}) {
            std::string header = std::string("{\"w\": ") + entry + "}";
            while (header.size() % 8) header += ' ';
            std::string bytes(8, '\0');
            for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
            bytes += header + std::string(8, '\0');
            std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            const QString err = QString::fromStdString(errorOf([&] { readSafetensors(path); }));
            QVERIFY2(err.contains("'w'"), qPrintable(QString(entry) + " -> " + err));
        }
    }

    void roundTripF32AndF16BitExact() {
        QTemporaryDir tmp;
        const std::string path = (tmp.path() + "/w.safetensors").toStdString();
        auto a = torch::randn({3, 5, 7});
        auto b = torch::randn({11}).to(torch::kFloat16);
        auto c = torch::tensor({1.0f / 3.0f, -0.0f, 65504.0f, 1e-8f, std::numeric_limits<float>::infinity()});
        auto e = torch::zeros({0, 4});  // empty tensors are legal
        writeSafetensors(path, {{"a", a}, {"c", c}, {"empty", e}}, StoreType::F32, {{"k", "v"}, {"step", "12"}});
        auto f = readSafetensors(path);
        QVERIFY(bitEqual(f.tensors.at("a"), a));
        QVERIFY(bitEqual(f.tensors.at("c"), c));
        QCOMPARE(f.tensors.at("empty").sizes(), e.sizes());
        QCOMPARE(QString::fromStdString(f.metadata.at("step")), QString("12"));
        QVERIFY(f.dtypes.at("a") == StoreType::F32);

        const std::string p16 = (tmp.path() + "/h.safetensors").toStdString();
        writeSafetensors(p16, {{"b", b}, {"a16", a}}, StoreType::F16);
        auto g = readSafetensors(p16);
        QVERIFY(bitEqual(g.tensors.at("b"), b));                          // F16 in, F16 out: bit exact
        QVERIFY(bitEqual(g.tensors.at("a16"), a.to(torch::kFloat16)));    // F32 stored as F16
        QVERIFY(g.dtypes.at("b") == StoreType::F16);

        const std::string pbf = (tmp.path() + "/bf.safetensors").toStdString();
        writeSafetensors(pbf, {{"a", a}}, StoreType::BF16);
        auto h = readSafetensors(pbf);
        QVERIFY(bitEqual(h.tensors.at("a"), a.to(torch::kBFloat16)));
        // writing the read-back file again gives identical bytes
        const std::string p2 = (tmp.path() + "/w2.safetensors").toStdString();
        writeSafetensors(p2, {{"a", f.tensors.at("a")}, {"c", f.tensors.at("c")}, {"empty", f.tensors.at("empty")}},
                         StoreType::F32, f.metadata);
        QCOMPARE(QString::fromStdString(sha256File(p2)), QString::fromStdString(sha256File(path)));
    }

    void moduleRoundTrip() {
        QTemporaryDir tmp;
        const std::string path = (tmp.path() + "/net.safetensors").toStdString();
        BoxFlowNet a(BoxFlowConfig::preset("tiny")), b(BoxFlowConfig::preset("tiny"));
        writeSafetensors(path, namedState(*a), StoreType::F32);
        loadIntoModule(*b, readSafetensors(path));
        auto sa = namedState(*a), sb = namedState(*b);
        QCOMPARE(sa.size(), sb.size());
        for (std::size_t i = 0; i < sa.size(); ++i) {
            QCOMPARE(QString::fromStdString(sa[i].first), QString::fromStdString(sb[i].first));
            QVERIFY2(bitEqual(sa[i].second, sb[i].second), sa[i].first.c_str());
        }
    }

    void truncatedFileNamesFileAndTensor() {
        QTemporaryDir tmp;
        const std::string path = (tmp.path() + "/t.safetensors").toStdString();
        writeSafetensors(path, {{"first", torch::randn({4})}, {"zz.last", torch::randn({64})}}, StoreType::F32);
        std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
        const std::string msg = errorOf([&] { readSafetensors(path); });
        QVERIFY2(msg.find(path) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("'zz.last'") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("truncated") != std::string::npos, msg.c_str());
        // cut inside the header
        std::filesystem::resize_file(path, 20);
        const std::string msg2 = errorOf([&] { readSafetensors(path); });
        QVERIFY2(msg2.find(path) != std::string::npos && msg2.find("truncated") != std::string::npos, msg2.c_str());
        std::filesystem::resize_file(path, 3);
        QVERIFY(errorOf([&] { readSafetensors(path); }).find("truncated") != std::string::npos);
    }

    void malformedHeader() {
        QTemporaryDir tmp;
        const std::string path = (tmp.path() + "/m.safetensors").toStdString();
        const std::string header = "{\"w\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [0, 16]}}";
        std::ofstream f(path, std::ios::binary);
        std::uint64_t n = header.size();
        f.write(reinterpret_cast<const char*>(&n), 8);
        f << header << std::string(16, '\0');
        f.close();
        const std::string msg = errorOf([&] { readSafetensors(path); });
        QVERIFY2(msg.find(path) != std::string::npos && msg.find("'w'") != std::string::npos &&
                     msg.find("F64") != std::string::npos,
                 msg.c_str());
    }

    void wrongChecksumRefused() {
        QTemporaryDir tmp;
        TinyModelDir m(tmp.path());
        m.write(m.state, /*rightChecksum=*/false);
        BoxFlowModel model;
        const std::string msg = errorOf([&] { model.load(m.dir, "tiny", "cpu"); });
        QVERIFY2(msg.find(m.file) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("sha256 mismatch") != std::string::npos, msg.c_str());
        QVERIFY(!model.loaded());
        // the untouched file loads
        m.write(m.state, true);
        model.load(m.dir, "tiny", "cpu");
        QVERIFY(model.loaded());
    }

    void wrongShapeRefused() {
        QTemporaryDir tmp;
        TinyModelDir m(tmp.path());
        auto bad = m.state;
        for (auto& [name, t] : bad)
            if (name == "conv_in.weight") t = torch::zeros({t.size(0) + 1, t.size(1), 3, 3});
        m.write(bad);
        BoxFlowModel model;
        const std::string msg = errorOf([&] { model.load(m.dir, "tiny", "cpu"); });
        QVERIFY2(msg.find(m.file) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("'conv_in.weight'") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("has shape [9, 22, 3, 3]") != std::string::npos, msg.c_str());
    }

    void missingAndUnexpectedTensorsRefused() {
        QTemporaryDir tmp;
        TinyModelDir m(tmp.path());
        NamedTensors missing;
        for (auto& p : m.state)
            if (p.first != "conv_out.bias") missing.push_back(p);
        m.write(missing);
        BoxFlowModel model;
        std::string msg = errorOf([&] { model.load(m.dir, "tiny", "cpu"); });
        QVERIFY2(msg.find(m.file) != std::string::npos && msg.find("'conv_out.bias'") != std::string::npos &&
                     msg.find("missing") != std::string::npos,
                 msg.c_str());
        auto extra = m.state;
        extra.emplace_back("down.99.res.conv1.weight", torch::zeros({1}));
        m.write(extra);
        msg = errorOf([&] { model.load(m.dir, "tiny", "cpu"); });
        QVERIFY2(msg.find("'down.99.res.conv1.weight'") != std::string::npos && msg.find("unexpected") != std::string::npos,
                 msg.c_str());
    }

    void unknownModelAndMissingFile() {
        QTemporaryDir tmp;
        TinyModelDir m(tmp.path());
        m.write(m.state);
        BoxFlowModel model;
        std::string msg = errorOf([&] { model.load(m.dir, "nope", "cpu"); });
        QVERIFY2(msg.find("no model named 'nope'") != std::string::npos && msg.find("tiny") != std::string::npos, msg.c_str());
        std::filesystem::remove(m.file);
        msg = errorOf([&] { model.load(m.dir, "tiny", "cpu"); });
        QVERIFY2(msg.find(m.file) != std::string::npos && msg.find("not found") != std::string::npos, msg.c_str());
        msg = errorOf([&] { model.load(m.dir + "/nowhere", "tiny", "cpu"); });
        QVERIFY2(msg.find("manifest.json") != std::string::npos, msg.c_str());
    }
};

QTEST_GUILESS_MAIN(TestModelWeights)
#include "test_model_weights.moc"
