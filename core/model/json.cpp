#include "json.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

namespace boxanim::model {

namespace {

struct Parser {
    const std::string& s;
    std::size_t i = 0;

    [[noreturn]] void fail(const std::string& msg) const {
        throw std::runtime_error("json: offset " + std::to_string(i) + ": " + msg);
    }
    void ws() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    }
    bool lit(const char* w) {
        std::size_t n = std::strlen(w);
        if (s.compare(i, n, w) == 0) { i += n; return true; }
        return false;
    }
    static void utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) out += char(cp);
        else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
        }
    }
    unsigned hex4() {
        if (i + 4 > s.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            char c = s[i++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
            else fail("bad \\u escape");
        }
        return v;
    }
    std::string str() {
        if (i >= s.size() || s[i] != '"') fail("expected string");
        ++i;
        std::string out;
        while (true) {
            if (i >= s.size()) fail("unterminated string");
            char c = s[i++];
            if (c == '"') break;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') { out += c; continue; }
            if (i >= s.size()) fail("unterminated escape");
            char e = s[i++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        if (!lit("\\u")) fail("unpaired surrogate");
                        unsigned lo = hex4();
                        if (lo < 0xDC00 || lo >= 0xE000) fail("bad surrogate pair");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    utf8(out, cp);
                    break;
                }
                default: fail("bad escape");
            }
        }
        return out;
    }
    Json value(int depth) {
        if (depth > 200) fail("nesting too deep");
        ws();
        if (i >= s.size()) fail("unexpected end of input");
        char c = s[i];
        if (c == '{') {
            ++i;
            Json o = Json::object();
            ws();
            if (i < s.size() && s[i] == '}') { ++i; return o; }
            while (true) {
                ws();
                std::string k = str();
                ws();
                if (i >= s.size() || s[i] != ':') fail("expected ':'");
                ++i;
                o[k] = value(depth + 1);
                ws();
                if (i < s.size() && s[i] == ',') { ++i; continue; }
                if (i < s.size() && s[i] == '}') { ++i; return o; }
                fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            ++i;
            Json a = Json::array();
            ws();
            if (i < s.size() && s[i] == ']') { ++i; return a; }
            while (true) {
                a.push_back(value(depth + 1));
                ws();
                if (i < s.size() && s[i] == ',') { ++i; continue; }
                if (i < s.size() && s[i] == ']') { ++i; return a; }
                fail("expected ',' or ']'");
            }
        }
        if (c == '"') return Json(str());
        if (lit("true")) return Json(true);
        if (lit("false")) return Json(false);
        if (lit("null")) return Json();
        if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t start = i;
            if (s[i] == '-') ++i;
            while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                                    s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-'))
                ++i;
            double v = 0;
            auto r = std::from_chars(s.data() + start, s.data() + i, v);
            if (r.ec != std::errc() || r.ptr != s.data() + i) { i = start; fail("bad number"); }
            return Json(v);
        }
        fail(std::string("unexpected character '") + c + "'");
    }
};

void escape(std::string& out, const std::string& s) {
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    static const char* hex = "0123456789abcdef";
                    buf[0] = '\\'; buf[1] = 'u'; buf[2] = '0'; buf[3] = '0';
                    buf[4] = hex[(c >> 4) & 0xF]; buf[5] = hex[c & 0xF]; buf[6] = 0;
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

const char* typeName(Json::Type t) {
    switch (t) {
        case Json::Type::Null: return "null";
        case Json::Type::Bool: return "boolean";
        case Json::Type::Number: return "number";
        case Json::Type::String: return "string";
        case Json::Type::Array: return "array";
        case Json::Type::Object: return "object";
    }
    return "?";
}

[[noreturn]] void typeError(const char* want, Json::Type got) {
    throw std::runtime_error(std::string("json: expected ") + want + ", got " + typeName(got));
}

}  // namespace

std::string formatNumber(double v) {
    if (!std::isfinite(v)) return "null";
    if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) {
        return std::to_string(static_cast<long long>(v));
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

Json Json::parse(const std::string& text) {
    Parser p{text};
    Json v = p.value(0);
    p.ws();
    if (p.i != text.size()) p.fail("trailing characters");
    return v;
}

std::string Json::dump(int indent) const {
    std::string out;
    dumpTo(out, indent, 0);
    return out;
}

void Json::dumpTo(std::string& out, int indent, int depth) const {
    auto nl = [&](int d) {
        if (indent < 0) return;
        out += '\n';
        out.append(static_cast<std::size_t>(indent * d), ' ');
    };
    switch (type_) {
        case Type::Null: out += "null"; break;
        case Type::Bool: out += bool_ ? "true" : "false"; break;
        case Type::Number: out += formatNumber(num_); break;
        case Type::String: escape(out, str_); break;
        case Type::Array: {
            out += '[';
            bool first = true;
            bool flat = true;  // arrays of scalars stay on one line
            for (const auto& v : arr_) flat = flat && !(v.isArray() || v.isObject());
            for (const auto& v : arr_) {
                if (!first) out += indent >= 0 && flat ? ", " : ",";
                first = false;
                if (!flat) nl(depth + 1);
                v.dumpTo(out, indent, depth + 1);
            }
            if (!flat && !arr_.empty()) nl(depth);
            out += ']';
            break;
        }
        case Type::Object: {
            out += '{';
            bool first = true;
            for (const auto& [k, v] : obj_) {
                if (!first) out += ',';
                first = false;
                nl(depth + 1);
                escape(out, k);
                out += indent >= 0 ? ": " : ":";
                v.dumpTo(out, indent, depth + 1);
            }
            if (!obj_.empty()) nl(depth);
            out += '}';
            break;
        }
    }
}

double Json::number() const {
    if (type_ != Type::Number) typeError("number", type_);
    return num_;
}
std::int64_t Json::integer() const {
    double v = number();
    if (v != std::floor(v) || std::fabs(v) > 9.007199254740992e15)
        throw std::runtime_error("json: expected integer, got " + formatNumber(v));
    return static_cast<std::int64_t>(v);
}
bool Json::boolean() const {
    if (type_ != Type::Bool) typeError("boolean", type_);
    return bool_;
}
const std::string& Json::string() const {
    if (type_ != Type::String) typeError("string", type_);
    return str_;
}
const std::vector<Json>& Json::items() const {
    if (type_ != Type::Array) typeError("array", type_);
    return arr_;
}
const std::map<std::string, Json>& Json::members() const {
    if (type_ != Type::Object) typeError("object", type_);
    return obj_;
}
bool Json::contains(const std::string& key) const {
    return type_ == Type::Object && obj_.count(key) != 0;
}
const Json& Json::at(const std::string& key) const {
    const auto& m = members();
    auto it = m.find(key);
    if (it == m.end()) throw std::runtime_error("json: missing key '" + key + "'");
    return it->second;
}
const Json& Json::at(std::size_t i) const {
    const auto& a = items();
    if (i >= a.size()) throw std::runtime_error("json: index " + std::to_string(i) + " out of range");
    return a[i];
}
std::size_t Json::size() const {
    if (type_ == Type::Array) return arr_.size();
    if (type_ == Type::Object) return obj_.size();
    return 0;
}
double Json::value(const std::string& key, double fallback) const {
    return contains(key) ? at(key).number() : fallback;
}
std::int64_t Json::value(const std::string& key, std::int64_t fallback) const {
    return contains(key) ? at(key).integer() : fallback;
}
int Json::value(const std::string& key, int fallback) const {
    return contains(key) ? static_cast<int>(at(key).integer()) : fallback;
}
bool Json::value(const std::string& key, bool fallback) const {
    return contains(key) ? at(key).boolean() : fallback;
}
std::string Json::value(const std::string& key, const std::string& fallback) const {
    return contains(key) ? at(key).string() : fallback;
}
Json& Json::operator[](const std::string& key) {
    if (type_ == Type::Null) type_ = Type::Object;
    if (type_ != Type::Object) typeError("object", type_);
    return obj_[key];
}
void Json::push_back(Json v) {
    if (type_ == Type::Null) type_ = Type::Array;
    if (type_ != Type::Array) typeError("array", type_);
    arr_.push_back(std::move(v));
}

}  // namespace boxanim::model
