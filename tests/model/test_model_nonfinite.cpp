// Non-finite weights and samples (issue 14 item 10). A weight file holding
// NaN with a checksum that matches (the manifest recomputed after the damage)
// is refused at load, naming the file and the tensor; a sample that comes out
// non-finite fails naming the model file instead of rendering invisible objects.
//
// Metadata (the safetensors "__metadata__" strings) is not checked beyond
// being well-formed JSON strings: it is informational (training recipe, date)
// and never read to build the network. The file's integrity as a whole is the
// manifest's sha256; a metadata flip with a recomputed checksum loads.
#include <QtTest/QtTest>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "core/model/boxflow.h"
#include "core/model/loader.h"
#include "core/model/manifest.h"
#include "core/model/safetensors.h"
#include "core/util/sha256.h"

using namespace boxanim::model;
namespace fs = std::filesystem;

namespace {

std::string modelsDir() {
    const char* env = std::getenv("BOXANIM_MODELS_DIR");
    return env && *env ? env : BoxFlowModel::defaultModelsDir();
}

// A copy of the shipped models folder whose first model has `value` written
// into element 0 of tensor `tensor` (or the metadata changed), stored in the
// file's own dtype, with the manifest's sha256 recomputed. Returns the weight file.
std::string damagedCopy(const QString& dir, const std::string& tensor, float value,
                        const Metadata* metadata = nullptr) {
    const Manifest shipped = Manifest::load(modelsDir() + "/manifest.json");
    const ModelEntry& e = shipped.models.at(0);
    const SafetensorsFile f = readSafetensors(modelsDir() + "/" + e.file);
    NamedTensors tensors;
    for (const auto& [name, t] : f.tensors) {
        torch::Tensor c = t.to(torch::kFloat32).clone();
        if (name == tensor) c.view({-1})[0] = value;
        tensors.emplace_back(name, c);
    }
    const std::string file = (fs::path(dir.toStdString()) / e.file).string();
    writeSafetensors(file, tensors, f.dtypes.at(tensor.empty() ? f.tensors.begin()->first : tensor),
                     metadata ? *metadata : f.metadata);
    Manifest m = shipped;
    m.models.at(0).sha256 = boxanim::sha256File(file);
    m.save(dir.toStdString() + "/manifest.json");
    return file;
}

}  // namespace

class TestModelNonFinite : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nanWeightRefusedAtLoad() {
        QTemporaryDir dir;
        const Manifest shipped = Manifest::load(modelsDir() + "/manifest.json");
        const SafetensorsFile f = readSafetensors(modelsDir() + "/" + shipped.models.at(0).file);
        const std::string tensor = f.tensors.rbegin()->first;
        const std::string file = damagedCopy(dir.path(), tensor, std::numeric_limits<float>::quiet_NaN());
        try {
            loadVerifiedNetwork(dir.path().toStdString(), shipped.models.at(0).name);
            QFAIL("a NaN weight loaded");
        } catch (const std::runtime_error& e) {
            const QString what = e.what();
            QVERIFY2(what.startsWith(QString::fromStdString(file) + ": tensor '" + QString::fromStdString(tensor) +
                                     "' holds non-finite values"),
                     qPrintable(what));
        }
        damagedCopy(dir.path(), tensor, std::numeric_limits<float>::infinity());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 loadVerifiedNetwork(dir.path().toStdString(), shipped.models.at(0).name));
    }

    void metadataIsNotChecked() {
        QTemporaryDir dir;
        const Manifest shipped = Manifest::load(modelsDir() + "/manifest.json");
        const SafetensorsFile f = readSafetensors(modelsDir() + "/" + shipped.models.at(0).file);
        Metadata flipped = f.metadata;
        flipped["note"] = "bytes flipped here";
        damagedCopy(dir.path(), f.tensors.begin()->first, f.tensors.begin()->second.view({-1})[0].item<float>(),
                    &flipped);
        const LoadedNetwork n = loadVerifiedNetwork(dir.path().toStdString(), shipped.models.at(0).name);
        QVERIFY(n.net);
    }

    void nonFiniteSampleFails() {
        BoxFlowModel model;
        model.load(modelsDir(), "boxflow-s", "cpu");
        const int T = 8, W = 64, H = 48;
        SampleInput in;
        in.frames = T;
        in.width = W;
        in.height = H;
        in.rgb0.assign(3 * W * H, 0.5f);
        in.rgb0[7] = std::numeric_limits<float>::quiet_NaN();  // poisons the conditioning
        in.mattes0.assign(4 * W * H, 0.f);
        in.boxes.assign(T * 16, 0.f);
        in.kinds.assign(T * 4, 0);
        for (int t = 0; t < T; ++t) {
            float* b = &in.boxes[t * 16];
            b[0] = 0.2f; b[1] = 0.2f; b[2] = 0.5f; b[3] = 0.6f;
            in.kinds[t * 4] = 2;
        }
        SampleOptions opt;
        opt.steps = 1;
        try {
            model.sample(in, opt);
            QFAIL("a NaN sample came back");
        } catch (const std::runtime_error& e) {
            const QString what = e.what();
            QVERIFY2(what.contains("boxflow-s.safetensors: model 'boxflow-s' sampled non-finite values"),
                     qPrintable(what));
        }
    }
};

QTEST_GUILESS_MAIN(TestModelNonFinite)
#include "test_model_nonfinite.moc"
