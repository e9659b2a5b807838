#include "manifest.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace boxanim::model {

std::string readTextFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(path + ": cannot open for reading");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

Json ModelEntry::toJson() const {
    Json j = Json::object();
    j["name"] = Json(name);
    j["file"] = Json(file);
    j["sha256"] = Json(sha256);
    j["dtype"] = Json(dtype);
    j["config"] = config.toJson();
    j["parameters"] = Json(parameters);
    j["description"] = Json(description);
    j["training"] = training.is_null() ? Json::object() : training;
    j["evaluation"] = evaluation.is_null() ? Json::object() : evaluation;
    return j;
}

ModelEntry ModelEntry::fromJson(const Json& j) {
    ModelEntry e;
    e.name = j.at("name").get<std::string>();
    e.file = j.at("file").get<std::string>();
    e.sha256 = j.at("sha256").get<std::string>();
    e.dtype = j.value("dtype", "F16");
    e.config = BoxFlowConfig::fromJson(j.at("config"));
    e.parameters = j.value("parameters", static_cast<std::int64_t>(0));
    e.description = j.value("description", "");
    if (j.contains("training")) e.training = j.at("training");
    if (j.contains("evaluation")) e.evaluation = j.at("evaluation");
    return e;
}

Manifest Manifest::load(const std::string& path) {
    Manifest m;
    try {
        Json j = Json::parse(readTextFile(path));
        if (j.value("format", "") != "boxanim-models")
            throw std::runtime_error("not a BoxAnim model manifest (\"format\" must be \"boxanim-models\")");
        m.version = j.value("version", 1);
        if (m.version != 1) throw std::runtime_error("unsupported manifest version " + std::to_string(m.version));
        for (const auto& e : j.at("models")) m.models.push_back(ModelEntry::fromJson(e));
        for (const auto& [key, value] : j.items())
            if (key != "format" && key != "version" && key != "models") m.otherKeys[key] = value;
    } catch (const std::exception& e) {
        std::string msg = e.what();
        if (msg.compare(0, path.size(), path) == 0) throw;
        throw std::runtime_error(path + ": " + msg);
    }
    return m;
}

void Manifest::save(const std::string& path) const {
    Json j = Json::object();
    j["format"] = Json("boxanim-models");
    j["version"] = Json(version);
    Json arr = Json::array();
    for (const auto& e : models) arr.push_back(e.toJson());
    j["models"] = arr;
    for (const auto& [key, value] : otherKeys) j[key] = value;
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw std::runtime_error(path + ": cannot open '" + tmp + "' for writing");
        f << j.dump(2) << "\n";
        if (!f) throw std::runtime_error(path + ": write failed");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error(path + ": cannot rename into place");
}

const ModelEntry* Manifest::find(const std::string& name) const {
    for (const auto& e : models)
        if (e.name == name) return &e;
    return nullptr;
}

void Manifest::upsert(const ModelEntry& entry) {
    for (auto& e : models)
        if (e.name == entry.name) { e = entry; return; }
    models.push_back(entry);
}

}  // namespace boxanim::model
