#include "safetensors.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "json.h"

namespace boxanim::model {

namespace {

bool littleEndianHost() {
    const std::uint16_t one = 1;
    unsigned char b;
    std::memcpy(&b, &one, 1);
    return b == 1;
}

torch::ScalarType scalarType(StoreType t) {
    switch (t) {
        case StoreType::F32: return torch::kFloat32;
        case StoreType::F16: return torch::kFloat16;
        case StoreType::BF16: return torch::kBFloat16;
    }
    return torch::kFloat32;
}

std::size_t elementSize(StoreType t) { return t == StoreType::F32 ? 4 : 2; }

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error(path + ": " + what);
}
[[noreturn]] void failTensor(const std::string& path, const std::string& name, const std::string& what) {
    throw std::runtime_error(path + ": tensor '" + name + "': " + what);
}

}  // namespace

const char* toString(StoreType t) {
    switch (t) {
        case StoreType::F32: return "F32";
        case StoreType::F16: return "F16";
        case StoreType::BF16: return "BF16";
    }
    return "?";
}

StoreType storeTypeFromString(const std::string& s) {
    if (s == "F32") return StoreType::F32;
    if (s == "F16") return StoreType::F16;
    if (s == "BF16") return StoreType::BF16;
    throw std::runtime_error("unsupported dtype '" + s + "' (supported: F32, F16, BF16)");
}

std::string shapeString(torch::IntArrayRef shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

void writeSafetensors(const std::string& path, const NamedTensors& tensors, StoreType store,
                      const Metadata& metadata) {
    if (!littleEndianHost()) fail(path, "big-endian hosts are not supported");
    Json header = Json::object();
    if (!metadata.empty()) {
        Json md = Json::object();
        for (const auto& [k, v] : metadata) md[k] = Json(v);
        header["__metadata__"] = md;
    }
    std::vector<torch::Tensor> blobs;
    std::int64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        if (name == "__metadata__" || name.empty()) fail(path, "invalid tensor name '" + name + "'");
        if (header.contains(name)) failTensor(path, name, "duplicate name");
        if (!t.defined()) failTensor(path, name, "undefined tensor");
        if (!t.is_floating_point()) failTensor(path, name, "only floating-point tensors are supported");
        torch::Tensor c = t.detach().to(torch::kCPU).to(scalarType(store)).contiguous();
        Json e = Json::object();
        e["dtype"] = Json(toString(store));
        Json shape = Json::array();
        for (auto d : c.sizes()) shape.push_back(Json(static_cast<std::int64_t>(d)));
        e["shape"] = shape;
        std::int64_t bytes = c.numel() * static_cast<std::int64_t>(elementSize(store));
        Json offs = Json::array();
        offs.push_back(Json(offset));
        offs.push_back(Json(offset + bytes));
        e["data_offsets"] = offs;
        header[name] = e;
        offset += bytes;
        blobs.push_back(c);
    }
    std::string h = header.dump();
    while ((h.size() + 8) % 8 != 0) h += ' ';  // align the data area to 8 bytes
    std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) fail(path, "cannot open '" + tmp + "' for writing");
        std::uint64_t n = h.size();
        unsigned char len[8];
        for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
        f.write(reinterpret_cast<const char*>(len), 8);
        f.write(h.data(), static_cast<std::streamsize>(h.size()));
        for (const auto& c : blobs)
            f.write(static_cast<const char*>(c.data_ptr()), static_cast<std::streamsize>(c.nbytes()));
        f.flush();
        if (!f) { std::remove(tmp.c_str()); fail(path, "write failed (disk full?)"); }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        fail(path, "cannot rename temporary file into place");
    }
}

SafetensorsFile readSafetensors(const std::string& path) {
    if (!littleEndianHost()) fail(path, "big-endian hosts are not supported");
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) fail(path, "cannot open for reading");
    const std::int64_t fileSize = static_cast<std::int64_t>(f.tellg());
    f.seekg(0);
    if (fileSize < 8) fail(path, "truncated: " + std::to_string(fileSize) + " bytes, no header length");
    unsigned char len[8];
    f.read(reinterpret_cast<char*>(len), 8);
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= std::uint64_t(len[i]) << (8 * i);
    if (n > static_cast<std::uint64_t>(fileSize - 8))
        fail(path, "truncated: header length " + std::to_string(n) + " exceeds the file (" +
                       std::to_string(fileSize) + " bytes)");
    if (n > (100u << 20)) fail(path, "header of " + std::to_string(n) + " bytes is implausibly large");
    std::string h(static_cast<std::size_t>(n), '\0');
    f.read(h.data(), static_cast<std::streamsize>(n));
    Json header;
    try {
        header = Json::parse(h);
    } catch (const std::exception& e) {
        fail(path, std::string("malformed header: ") + e.what());
    }
    if (!header.is_object()) fail(path, "malformed header: not a JSON object");
    const std::int64_t dataStart = 8 + static_cast<std::int64_t>(n);
    const std::int64_t dataSize = fileSize - dataStart;

    SafetensorsFile out;
    out.path = path;
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (const auto& [name, e] : header.items()) {
        if (name == "__metadata__") {
            if (!e.is_object()) fail(path, "__metadata__ is not an object");
            for (const auto& [k, v] : e.items()) {
                if (!v.is_string()) fail(path, "__metadata__ value '" + k + "' is not a string");
                out.metadata[k] = v.get<std::string>();
            }
            continue;
        }
        StoreType st;
        std::vector<std::int64_t> shape;
        std::int64_t begin = 0, end = 0;
        try {
            st = storeTypeFromString(e.at("dtype").get<std::string>());
            if (!e.at("shape").is_array()) throw std::runtime_error("shape must be an array");
            for (const auto& d : e.at("shape")) {
                std::int64_t v = integerOf(d, "shape");
                if (v < 0) throw std::runtime_error("negative dimension");
                shape.push_back(v);
            }
            const auto& offs = e.at("data_offsets");
            if (!offs.is_array() || offs.size() != 2) throw std::runtime_error("data_offsets must have two entries");
            begin = integerOf(offs.at(0), "data_offsets");
            end = integerOf(offs.at(1), "data_offsets");
        } catch (const std::exception& ex) {
            failTensor(path, name, std::string("bad header entry: ") + ex.what());
        }
        std::int64_t numel = 1;
        for (auto d : shape) numel *= d;
        const std::int64_t bytes = numel * static_cast<std::int64_t>(elementSize(st));
        if (begin < 0 || end < begin) failTensor(path, name, "invalid data_offsets");
        if (end - begin != bytes)
            failTensor(path, name, "shape " + shapeString(shape) + " " + toString(st) + " needs " +
                                       std::to_string(bytes) + " bytes but data_offsets span " +
                                       std::to_string(end - begin));
        if (end > dataSize)
            failTensor(path, name, "truncated: data [" + std::to_string(begin) + ", " + std::to_string(end) +
                                       ") extends beyond the " + std::to_string(dataSize) +
                                       " data bytes in the file");
        ranges.emplace_back(begin, end);
        torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(scalarType(st)));
        f.seekg(dataStart + begin);
        f.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(bytes));
        if (f.gcount() != bytes) failTensor(path, name, "truncated: short read");
        out.tensors[name] = t;
        out.dtypes[name] = st;
    }
    std::sort(ranges.begin(), ranges.end());
    for (std::size_t i = 1; i < ranges.size(); ++i)
        if (ranges[i].first < ranges[i - 1].second) fail(path, "overlapping tensor data ranges");
    return out;
}

NamedTensors namedState(const torch::nn::Module& module, const std::string& prefix) {
    NamedTensors out;
    for (const auto& p : module.named_parameters(true)) out.emplace_back(prefix + p.key(), p.value());
    for (const auto& b : module.named_buffers(true)) out.emplace_back(prefix + b.key(), b.value());
    return out;
}

void loadIntoModule(torch::nn::Module& module, const SafetensorsFile& file, const std::string& prefix,
                    bool allowExtra) {
    torch::NoGradGuard noGrad;
    std::map<std::string, bool> used;
    for (auto& [name, target] : namedState(module, prefix)) {
        auto it = file.tensors.find(name);
        if (it == file.tensors.end())
            failTensor(file.path, name, "missing (the model expects shape " + shapeString(target.sizes()) + ")");
        if (it->second.sizes() != target.sizes())
            failTensor(file.path, name, "has shape " + shapeString(it->second.sizes()) +
                                            " but the model expects " + shapeString(target.sizes()));
        target.copy_(it->second);  // converts type and device in one pass, no temporary
        used[name] = true;
    }
    if (!allowExtra) {
        for (const auto& [name, t] : file.tensors) {
            if (name.compare(0, prefix.size(), prefix) != 0) continue;
            if (!used.count(name))
                failTensor(file.path, name, "unexpected: the model has no tensor of that name "
                                            "(architecture mismatch?)");
        }
    }
}

}  // namespace boxanim::model
