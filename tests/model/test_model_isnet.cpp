// IS-Net (the subject-mask network): the converted weights against the
// manifest and the module, and the LibTorch port on the real weights against
// the ONNX graph's own output (tests/data/isnet). scripts/install-deps.sh
// makes the weights, so a missing file fails here: no silent skip.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/model/isnet.h"
#include "core/model/loader.h"
#include "core/model/safetensors.h"
#include "core/util/sha256.h"

using namespace boxanim::model;
namespace fs = std::filesystem;

namespace {

const std::string kModels = BOXANIM_MODELS_DIR;

std::vector<char> readBytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

class TestModelIsNet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void manifestEntry() {
        const IsNetEntry e = readIsNetEntry(kModels);
        QCOMPARE(QString::fromStdString(e.file), QString("isnet-general-use.safetensors"));
        QCOMPARE(e.parameters, kIsNetParameters);
        QCOMPARE(QString::fromStdString(e.dtype), QString("F16"));
        QVERIFY(e.inputSize % 32 == 0 && e.inputSize >= 128);
        QVERIFY(QString::fromStdString(e.licence).startsWith("MIT"));
        const std::string file = kModels + "/" + e.file;
        QVERIFY2(fs::exists(file), (file + " missing: run scripts/install-deps.sh").c_str());
        QCOMPARE(QString::fromStdString(boxanim::sha256File(file)), QString::fromStdString(e.sha256));
    }

    // Every tensor of the converted file is a parameter of the module with the
    // same shape, stored F16, and every parameter is in the file.
    void weightNamesAndShapes() {
        const IsNetEntry e = readIsNetEntry(kModels);
        const SafetensorsFile f = readSafetensors(kModels + "/" + e.file);
        IsNet net;
        const NamedTensors params = namedState(*net);
        QCOMPARE(f.tensors.size(), params.size());
        QCOMPARE(params.size(), std::size_t(238));
        for (const auto& [name, t] : params) {
            auto it = f.tensors.find(name);
            QVERIFY2(it != f.tensors.end(), ("missing in the file: " + name).c_str());
            QVERIFY2(it->second.sizes() == t.sizes(), name.c_str());
            QVERIFY(f.dtypes.at(name) == StoreType::F16);
        }
        QCOMPARE(f.tensors.at("stage4.rebnconv4.conv_s1.weight").sizes(),
                 (torch::IntArrayRef{128, 128, 3, 3}));  // RSU-4's dilated bottom conv
        QCOMPARE(f.tensors.at("stage5d.rebnconvin.conv_s1.weight").sizes(),
                 (torch::IntArrayRef{512, 1024, 3, 3}));
        QCOMPARE(QString::fromStdString(f.metadata.at("architecture")), QString("isnet-dis"));
    }

    // The port on the real weights reproduces the ONNX graph's output.
    void matchesOnnxReference() {
        LoadedIsNet loaded = loadVerifiedIsNet(kModels);
        const std::string dir = std::string(BOXANIM_TEST_DATA) + "/isnet/";
        const std::vector<char> rgb = readBytes(dir + "coffee192.rgb");
        const std::vector<char> ref = readBytes(dir + "coffee192.prob16");
        constexpr int S = 192;
        QCOMPARE(rgb.size(), std::size_t(S * S * 3));
        QCOMPARE(ref.size(), std::size_t(S * S * 2));
        torch::Tensor x = torch::from_blob(const_cast<char*>(rgb.data()), {1, S, S, 3}, torch::kUInt8)
                              .permute({0, 3, 1, 2})
                              .to(torch::kFloat32)
                              .div(255.0)
                              .sub(0.5)
                              .contiguous();
        torch::Tensor y;
        {
            c10::InferenceMode guard;
            y = loaded.net->forward(x);
        }
        QCOMPARE(y.sizes(), (torch::IntArrayRef{1, 1, S, S}));
        torch::Tensor expected =
            torch::from_blob(const_cast<char*>(ref.data()), {S, S}, torch::kInt16)
                .to(torch::kInt32)
                .bitwise_and(0xFFFF)
                .to(torch::kFloat32)
                .div(65535.0);
        const torch::Tensor diff = (y[0][0] - expected).abs();
        const double maxDiff = diff.max().item<double>(), meanDiff = diff.mean().item<double>();
        qInfo("IS-Net vs ONNX graph at 192²: max |diff| %.5f, mean %.6f", maxDiff, meanDiff);
        // Measured: max 1e-5, mean 4e-6 (the fixture's 16-bit quantisation).
        QVERIFY2(meanDiff < 1e-4, "mean difference too large");
        QVERIFY2(maxDiff < 2e-3, "max difference too large");
        // And it is a real mask: the cup is foreground, the corner background.
        QVERIFY(y[0][0][96][96].item<float>() > 0.9f);
        QVERIFY(y[0][0][2][S - 3].item<float>() < 0.1f);
    }

    // Any input size (not only the ONNX export's 1024²), including sides that
    // do not halve evenly.
    void anyInputSize() {
        IsNet net;
        net->eval();
        c10::InferenceMode guard;
        const torch::Tensor y = net->forward(torch::zeros({1, 3, 100, 72}));
        QCOMPARE(y.sizes(), (torch::IntArrayRef{1, 1, 100, 72}));
        QVERIFY(y.min().item<float>() >= 0.0f && y.max().item<float>() <= 1.0f);
    }

    void damagedWeightsAreRefused() {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        fs::copy_file(kModels + "/manifest.json", dir + "/manifest.json");
        // Missing file.
        try {
            loadVerifiedIsNet(dir);
            QFAIL("should fail");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("not found") != std::string::npos, e.what());
        }
        // Damaged file: same size, one byte changed.
        const IsNetEntry entry = readIsNetEntry(kModels);
        {
            std::vector<char> bytes = readBytes(kModels + "/" + entry.file);
            bytes[bytes.size() / 2] ^= 0x5a;
            std::ofstream(dir + "/" + entry.file, std::ios::binary).write(bytes.data(), bytes.size());
        }
        try {
            loadVerifiedIsNet(dir);
            QFAIL("should fail");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("sha256 mismatch") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestModelIsNet)
#include "test_model_isnet.moc"
