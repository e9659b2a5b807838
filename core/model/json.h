// core/model reads and writes JSON (safetensors headers, models/manifest.json,
// trainer configs and summaries) with nlohmann-json, like the rest of BoxAnim.
// It is header-only, so the model-only GPU build needs just the header.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace boxanim::model {

using Json = nlohmann::json;

// A JSON number that is a whole number, else std::runtime_error naming `what`
// (nlohmann would truncate 2.5 to 2 without a word).
inline std::int64_t integerOf(const Json& v, const std::string& what) {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.2e18) return static_cast<std::int64_t>(d);
    }
    throw std::runtime_error(what + ": expected a whole number");
}

}  // namespace boxanim::model
