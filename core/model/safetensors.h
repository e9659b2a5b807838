// Weight files in the safetensors layout (DESIGN §6): 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets}} plus an
// optional "__metadata__" object of strings, then raw little-endian data.
// Our own reader and writer; never torch::save archives.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace boxanim::model {

enum class StoreType { F32, F16, BF16 };
const char* toString(StoreType t);
StoreType storeTypeFromString(const std::string& s);  // throws on unknown

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;
using Metadata = std::map<std::string, std::string>;

// Writes tensors (any float dtype, any device) converted to `store`. Writes a
// temporary file next to `path` and renames it, so a failed write leaves the
// old file intact. Throws std::runtime_error naming the file.
void writeSafetensors(const std::string& path, const NamedTensors& tensors, StoreType store,
                      const Metadata& metadata = {});

struct SafetensorsFile {
    std::string path;
    std::map<std::string, torch::Tensor> tensors;  // CPU, in the stored dtype
    std::map<std::string, StoreType> dtypes;
    Metadata metadata;
};

// Reads and validates the layout: header length within the file, JSON well
// formed, known dtype, shape matching the byte count, offsets inside the data
// area and non-overlapping. Errors read "FILE: tensor 'NAME': what".
SafetensorsFile readSafetensors(const std::string& path);

// Copies tensors into a module's parameters and buffers by name (converted to
// the parameter's dtype and device). Every parameter/buffer must be present
// with the same shape, and the file must hold no unknown tensor (unless
// allowExtra); `prefix` is prepended to module names when looking up keys.
// Errors name the file and the tensor.
void loadIntoModule(torch::nn::Module& module, const SafetensorsFile& file,
                    const std::string& prefix = "", bool allowExtra = false);

// The module's parameters then buffers, by registered name (= weight-file key).
NamedTensors namedState(const torch::nn::Module& module, const std::string& prefix = "");

std::string shapeString(torch::IntArrayRef shape);

}  // namespace boxanim::model
