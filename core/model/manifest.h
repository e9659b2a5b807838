// models/manifest.json: the shipped models, their weight files, checksums,
// architecture, parameter count, training recipe and evaluation figures.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "json.h"

namespace boxanim::model {

struct ModelEntry {
    std::string name;         // e.g. "boxflow-s"
    std::string file;         // relative to the models directory
    std::string sha256;       // of the weight file's bytes
    std::string dtype;        // stored dtype: F32, F16 or BF16
    BoxFlowConfig config;
    std::int64_t parameters = 0;
    std::string description;
    Json training;            // free-form recipe (steps, batch, lr, wall time, machine, ...)
    Json evaluation;          // free-form figures (validation loss, layer accuracy, flow EPE, ...)

    Json toJson() const;
    static ModelEntry fromJson(const Json& j);
};

struct Manifest {
    int version = 1;
    std::vector<ModelEntry> models;
    // Top-level keys this class does not model (e.g. "subject_masks", read by
    // isnet.cpp), kept as read and written back unchanged by save().
    std::map<std::string, Json> otherKeys;

    // Throws std::runtime_error("PATH: ...") on unreadable or malformed files.
    static Manifest load(const std::string& path);
    void save(const std::string& path) const;  // atomic (temporary file + rename)
    const ModelEntry* find(const std::string& name) const;
    void upsert(const ModelEntry& entry);
};

std::string readTextFile(const std::string& path);  // throws naming the file

}  // namespace boxanim::model
