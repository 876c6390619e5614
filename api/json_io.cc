#include "api/json_io.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/json_parse.h"

namespace wf::api {

struct JsonBody::Impl {
  rapidjson::Document doc;
  const rapidjson::Value* Find(const char* key) const {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }
};

JsonBody::JsonBody(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonBody::JsonBody(JsonBody&&) noexcept = default;
JsonBody& JsonBody::operator=(JsonBody&&) noexcept = default;
JsonBody::~JsonBody() = default;

Result<JsonBody> JsonBody::Parse(std::string_view body) {
  auto impl = std::make_unique<Impl>();
  if (body.empty()) return Status::InvalidArgument("a JSON object body is required");
  WF_RETURN_IF_ERROR(json::Parse(body, impl->doc));
  if (!impl->doc.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be a JSON object, not {}", json::TypeName(impl->doc)));
  }
  return JsonBody(std::move(impl));
}

bool JsonBody::Has(const char* key) const { return impl_->Find(key) != nullptr; }

std::optional<std::string> JsonBody::Raw(const char* key) const {
  const rapidjson::Value* v = impl_->Find(key);
  if (!v) return std::nullopt;
  return json::Serialize(*v);
}

Result<std::optional<std::string>> JsonBody::String(const char* key) const {
  const rapidjson::Value* v = impl_->Find(key);
  if (!v) return std::optional<std::string>();
  if (!v->IsString()) {
    return Status::InvalidArgument(fmt::format("{} must be a string, not {}", key, json::TypeName(*v)));
  }
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

Result<std::optional<int64_t>> JsonBody::Int(const char* key) const {
  const rapidjson::Value* v = impl_->Find(key);
  if (!v) return std::optional<int64_t>();
  if (!v->IsInt64()) {
    return Status::InvalidArgument(fmt::format("{} must be an integer, not {}", key, json::TypeName(*v)));
  }
  return std::optional<int64_t>(v->GetInt64());
}

Result<std::optional<bool>> JsonBody::Bool(const char* key) const {
  const rapidjson::Value* v = impl_->Find(key);
  if (!v) return std::optional<bool>();
  if (!v->IsBool()) {
    return Status::InvalidArgument(fmt::format("{} must be true or false, not {}", key, json::TypeName(*v)));
  }
  return std::optional<bool>(v->GetBool());
}

Result<std::optional<std::vector<std::string>>> JsonBody::StringArray(const char* key) const {
  const rapidjson::Value* v = impl_->Find(key);
  if (!v) return std::optional<std::vector<std::string>>();
  if (!v->IsArray()) {
    return Status::InvalidArgument(fmt::format("{} must be an array of strings", key));
  }
  std::vector<std::string> out;
  for (const auto& e : v->GetArray()) {
    if (!e.IsString()) return Status::InvalidArgument(fmt::format("{} must be an array of strings", key));
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<std::vector<int64_t>>> JsonBody::IntArray(const char* key) const {
  const rapidjson::Value* v = impl_->Find(key);
  if (!v) return std::optional<std::vector<int64_t>>();
  if (!v->IsArray()) return Status::InvalidArgument(fmt::format("{} must be an array of integers", key));
  std::vector<int64_t> out;
  for (const auto& e : v->GetArray()) {
    if (!e.IsInt64()) return Status::InvalidArgument(fmt::format("{} must be an array of integers", key));
    out.push_back(e.GetInt64());
  }
  return std::optional<std::vector<int64_t>>(std::move(out));
}

Result<std::optional<std::vector<JsonBody>>> JsonBody::ObjectArray(const char* key) const {
  const rapidjson::Value* v = impl_->Find(key);
  if (!v) return std::optional<std::vector<JsonBody>>();
  if (!v->IsArray()) return Status::InvalidArgument(fmt::format("{} must be an array of objects", key));
  std::vector<JsonBody> out;
  for (const auto& e : v->GetArray()) {
    if (!e.IsObject()) return Status::InvalidArgument(fmt::format("{} must be an array of objects", key));
    auto impl = std::make_unique<Impl>();
    impl->doc.CopyFrom(e, impl->doc.GetAllocator());
    out.push_back(JsonBody(std::move(impl)));
  }
  return std::optional<std::vector<JsonBody>>(std::move(out));
}

Status JsonBody::OnlyKnownKeys(std::initializer_list<std::string_view> known) const {
  for (const auto& m : impl_->doc.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool ok = false;
    for (auto k : known) ok = ok || k == name;
    if (!ok) return Status::Unprocessable(fmt::format("unknown field '{}'", name));
  }
  return Status::Ok();
}

Result<std::string> RequiredString(const JsonBody& body, const char* key) {
  WF_ASSIGN_OR_RETURN(std::optional<std::string> v, body.String(key));
  if (!v || v->empty()) return Status::Unprocessable(fmt::format("{} is required", key));
  return std::move(*v);
}

struct JsonBuilder::Impl {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
};

JsonBuilder::JsonBuilder() : impl_(std::make_unique<Impl>()) {}
JsonBuilder::~JsonBuilder() = default;

JsonBuilder& JsonBuilder::BeginObject() { impl_->w.StartObject(); return *this; }
JsonBuilder& JsonBuilder::EndObject() { impl_->w.EndObject(); return *this; }
JsonBuilder& JsonBuilder::BeginArray() { impl_->w.StartArray(); return *this; }
JsonBuilder& JsonBuilder::EndArray() { impl_->w.EndArray(); return *this; }
JsonBuilder& JsonBuilder::Key(std::string_view k) {
  impl_->w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  return *this;
}
JsonBuilder& JsonBuilder::String(std::string_view v) {
  impl_->w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  return *this;
}
JsonBuilder& JsonBuilder::Int(int64_t v) { impl_->w.Int64(v); return *this; }
JsonBuilder& JsonBuilder::Double(double v) { impl_->w.Double(v); return *this; }
JsonBuilder& JsonBuilder::Bool(bool v) { impl_->w.Bool(v); return *this; }
JsonBuilder& JsonBuilder::Null() { impl_->w.Null(); return *this; }
JsonBuilder& JsonBuilder::Time(int64_t ms) { return String(FormatRfc3339(ms)); }
JsonBuilder& JsonBuilder::OptTime(std::optional<int64_t> ms) { return ms ? Time(*ms) : Null(); }
JsonBuilder& JsonBuilder::OptString(const std::optional<std::string>& v) {
  return v ? String(*v) : Null();
}
JsonBuilder& JsonBuilder::RawValue(std::string_view text) {
  impl_->w.RawValue(text.data(), text.size(), rapidjson::kObjectType);
  return *this;
}
std::string JsonBuilder::Take() { return std::string(impl_->buf.GetString(), impl_->buf.GetSize()); }

bool PercentDecode(std::string_view in, std::string* out, bool plus_as_space) {
  out->clear();
  out->reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

QueryParams::QueryParams(std::string_view raw) {
  size_t start = 0;
  while (start < raw.size()) {
    size_t amp = raw.find('&', start);
    if (amp == std::string_view::npos) amp = raw.size();
    std::string_view part = raw.substr(start, amp - start);
    start = amp + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key, value;
    bool ok = PercentDecode(part.substr(0, eq), &key, true);
    if (eq != std::string_view::npos) ok = ok && PercentDecode(part.substr(eq + 1), &value, true);
    if (!ok || !json::IsValidUtf8(key) || !json::IsValidUtf8(value)) {
      valid_ = false;
      continue;
    }
    pairs_.emplace_back(std::move(key), std::move(value));
  }
}

std::optional<std::string> QueryParams::Get(std::string_view key) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : pairs_) {
    if (k == key) out = v;
  }
  return out;
}

std::vector<std::string> QueryParams::GetAll(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : pairs_) {
    if (k == key) out.push_back(v);
  }
  return out;
}

}  // namespace wf::api
