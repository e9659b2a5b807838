// A small JSON value with a strict parser and a locale-free writer. core/model
// uses it for safetensors headers, models/manifest.json and trainer configs so
// that the library needs nothing but LibTorch and a C++17 compiler.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace boxanim::model {

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : type_(Type::Bool), bool_(b) {}
    Json(double v) : type_(Type::Number), num_(v) {}
    Json(int v) : type_(Type::Number), num_(v) {}
    Json(std::int64_t v) : type_(Type::Number), num_(static_cast<double>(v)) {}
    Json(std::uint64_t v) : type_(Type::Number), num_(static_cast<double>(v)) {}
    Json(const char* s) : type_(Type::String), str_(s) {}
    Json(std::string s) : type_(Type::String), str_(std::move(s)) {}

    static Json array() { Json j; j.type_ = Type::Array; return j; }
    static Json object() { Json j; j.type_ = Type::Object; return j; }

    // Throws std::runtime_error("json: offset N: message") on malformed input.
    static Json parse(const std::string& text);
    // indent < 0: compact. Numbers are written with std::to_chars (shortest
    // round-trip form), never through the C locale.
    std::string dump(int indent = -1) const;

    Type type() const { return type_; }
    bool isNull() const { return type_ == Type::Null; }
    bool isNumber() const { return type_ == Type::Number; }
    bool isString() const { return type_ == Type::String; }
    bool isArray() const { return type_ == Type::Array; }
    bool isObject() const { return type_ == Type::Object; }
    bool isBool() const { return type_ == Type::Bool; }

    // Typed access; throws std::runtime_error naming the expected type.
    double number() const;
    std::int64_t integer() const;  // must be an integral number
    bool boolean() const;
    const std::string& string() const;
    const std::vector<Json>& items() const;
    const std::map<std::string, Json>& members() const;

    bool contains(const std::string& key) const;
    const Json& at(const std::string& key) const;  // throws naming the key
    const Json& at(std::size_t i) const;
    std::size_t size() const;

    // Convenience readers with defaults (missing key -> fallback).
    double value(const std::string& key, double fallback) const;
    std::int64_t value(const std::string& key, std::int64_t fallback) const;
    int value(const std::string& key, int fallback) const;
    bool value(const std::string& key, bool fallback) const;
    std::string value(const std::string& key, const std::string& fallback) const;
    std::string value(const std::string& key, const char* fallback) const { return value(key, std::string(fallback)); }

    Json& operator[](const std::string& key);  // turns Null into Object
    void push_back(Json v);                    // turns Null into Array

private:
    void dumpTo(std::string& out, int indent, int depth) const;
    Type type_ = Type::Null;
    bool bool_ = false;
    double num_ = 0.0;
    std::string str_;
    std::vector<Json> arr_;
    std::map<std::string, Json> obj_;
};

std::string formatNumber(double v);  // shortest round-trip, locale-free

}  // namespace boxanim::model
