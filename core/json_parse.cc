#include "core/json_parse.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"

namespace wf::json {

namespace {

// Nesting depth without parsing: counts brackets outside strings. Linear, and
// stops as soon as the limit is passed.
bool DepthWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// RapidJSON decodes a lone low-surrogate escape (\udc00) into bytes that are
// not UTF-8; every decoded string and key is checked again. Iterative: the
// nesting limit is the caller's choice and may be large.
bool StringsAreUtf8(const rapidjson::Value& root) {
  std::vector<const rapidjson::Value*> stack{&root};
  while (!stack.empty()) {
    const rapidjson::Value* v = stack.back();
    stack.pop_back();
    if (v->IsString()) {
      if (!IsValidUtf8(std::string_view(v->GetString(), v->GetStringLength()))) return false;
    } else if (v->IsArray()) {
      for (const auto& e : v->GetArray()) stack.push_back(&e);
    } else if (v->IsObject()) {
      for (const auto& m : v->GetObject()) {
        stack.push_back(&m.name);
        stack.push_back(&m.value);
      }
    }
  }
  return true;
}

}  // namespace

Status Parse(std::string_view text, rapidjson::Document& doc, int max_depth) {
  if (!DepthWithin(text, max_depth)) {
    return Status::InvalidArgument(fmt::format("JSON is nested deeper than {} levels", max_depth));
  }
  if (!IsValidUtf8(text)) return Status::InvalidArgument("body is not valid UTF-8");
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag;
  doc.Parse<kFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return Status::InvalidArgument(fmt::format("malformed JSON at offset {}: {}",
                                               doc.GetErrorOffset(),
                                               rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!StringsAreUtf8(doc)) return Status::InvalidArgument("body is not valid UTF-8 (a lone surrogate escape)");
  return Status::Ok();
}

std::vector<std::string> ParseStringArray(std::string_view text) {
  std::vector<std::string> out;
  rapidjson::Document doc;
  if (!Parse(text, doc).ok() || !doc.IsArray()) return out;
  for (const auto& v : doc.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  value.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

const char* TypeName(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "boolean";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return "number";
  }
  return "unknown";
}

}  // namespace wf::json
