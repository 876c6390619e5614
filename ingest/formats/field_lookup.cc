#include "ingest/formats/field_lookup.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/clock.h"
#include "observables/extract.h"
#include "observables/normalize.h"

namespace wf::ingest {

namespace {

using rapidjson::Value;

// Finds `path` under `v`, trying every split of the dotted name into a
// literal key and a remaining path: "a.b.c" matches a→b→c, "a.b"→c, a→"b.c"
// and "a.b.c". Depth is bounded by the number of dots.
// A key as a length-delimited Value: a bare StringRef would decay to a
// NUL-terminated const char* and read past `key`.
Value Key(std::string_view key) {
  return Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
}

const Value* FindIn(const Value& v, std::string_view path) {
  if (!v.IsObject()) return nullptr;
  // Whole remaining path as one key first (flattened payloads are common).
  auto whole = v.FindMember(Key(path));
  if (whole != v.MemberEnd() && !whole->value.IsNull()) return &whole->value;
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    std::string_view head = path.substr(0, dot);
    auto it = v.FindMember(Key(head));
    if (it == v.MemberEnd()) continue;
    if (const Value* found = FindIn(it->value, path.substr(dot + 1))) return found;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> ReadString(const Value& v) {
  if (v.IsString()) {
    if (v.GetStringLength() == 0) return std::nullopt;
    return std::string(v.GetString(), v.GetStringLength());
  }
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) {
    double d = v.GetDouble();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      return std::to_string(static_cast<int64_t>(d));
    }
    return fmt::format("{}", d);
  }
  if (v.IsBool()) return std::string(v.GetBool() ? "true" : "false");
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (auto s = ReadString(e)) return s;
    }
  }
  return std::nullopt;
}

std::optional<int64_t> ReadTime(const Value& v) {
  auto from_number = [](double n) -> std::optional<int64_t> {
    if (!std::isfinite(n) || n <= 0) return std::nullopt;
    // Heuristic by magnitude: seconds until year 5138, else milliseconds.
    if (n < 1e11) return static_cast<int64_t>(std::llround(n * 1000.0));
    if (n < 1e14) return static_cast<int64_t>(std::llround(n));
    return std::nullopt;
  };
  if (v.IsNumber()) return from_number(v.GetDouble());
  if (!v.IsString()) return std::nullopt;
  std::string_view s(v.GetString(), v.GetStringLength());
  int64_t ms = 0;
  if (ParseRfc3339(s, &ms)) return ms;
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc() && ptr == s.data() + s.size()) return from_number(d);
  return std::nullopt;
}

const Value* Fields::Find(std::string_view path) const { return FindIn(root_, path); }

std::optional<std::string> Fields::String(std::string_view path) const {
  const Value* v = Find(path);
  return v ? ReadString(*v) : std::nullopt;
}

std::optional<std::string> Fields::FirstString(std::initializer_list<std::string_view> paths) const {
  for (auto p : paths) {
    if (auto s = String(p)) return s;
  }
  return std::nullopt;
}

std::optional<int64_t> Fields::Int(std::string_view path) const {
  const Value* v = Find(path);
  if (!v) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsDouble()) {
    double d = v->GetDouble();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && ptr == s.data() + s.size()) return n;
  }
  return std::nullopt;
}

std::optional<double> Fields::Number(std::string_view path) const {
  const Value* v = Find(path);
  if (!v) return std::nullopt;
  if (v->IsNumber()) return v->GetDouble();
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    double d = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

std::optional<int64_t> Fields::Time(std::string_view path) const {
  const Value* v = Find(path);
  return v ? ReadTime(*v) : std::nullopt;
}

std::vector<std::string> Fields::StringList(std::string_view path) const {
  std::vector<std::string> out;
  const Value* v = Find(path);
  if (!v) return out;
  if (v->IsArray()) {
    for (const auto& e : v->GetArray()) {
      if (auto s = ReadString(e)) out.push_back(std::move(*s));
    }
  } else if (auto s = ReadString(*v)) {
    out.push_back(std::move(*s));
  }
  return out;
}

const std::vector<FieldMapping>& EcsFieldMap() {
  using T = observables::ObservableType;
  static const std::vector<FieldMapping> kMap = {
      {"source.ip", T::kIp},
      {"destination.ip", T::kIp},
      {"client.ip", T::kIp},
      {"server.ip", T::kIp},
      {"source.domain", T::kDomain},
      {"destination.domain", T::kDomain},
      {"dns.question.name", T::kDomain},
      {"url.domain", T::kDomain},
      {"url.full", T::kUrl},
      {"url.original", T::kUrl},
      {"host.name", T::kHostname},
      {"host.hostname", T::kHostname},
      {"user.name", T::kUser},
      {"user.target.name", T::kUser},
      {"source.user.name", T::kUser},
      {"file.hash.md5", T::kHash},
      {"file.hash.sha1", T::kHash},
      {"file.hash.sha256", T::kHash},
      {"file.hash.sha512", T::kHash},
      {"process.hash.sha256", T::kHash},
      {"file.name", T::kFilename},
      {"process.executable", T::kFilename},
      {"email.from.address", T::kMail},
      {"email.to.address", T::kMail},
      {"email.sender.address", T::kMail},
      {"user_agent.original", T::kUserAgent},
      {"registry.path", T::kRegistry},
      {"vulnerability.id", T::kCve},
      {"source.as.number", T::kAsn},
      {"destination.as.number", T::kAsn},
      {"source.mac", T::kMac},
      {"destination.mac", T::kMac},
      {"host.mac", T::kMac},
  };
  return kMap;
}

bool AddObservable(observables::ObservableType type, std::string_view value, bool ioc,
                   std::vector<AlertObservable>* out) {
  auto norm = observables::Normalize(type, value);
  if (!norm.ok()) return false;
  for (auto& existing : *out) {
    if (existing.type == norm->type && existing.value == norm->value) {
      existing.ioc = existing.ioc || ioc;
      return true;
    }
  }
  AlertObservable o;
  o.type = norm->type;
  o.value = std::move(norm->value);
  o.ioc = ioc;
  out->push_back(std::move(o));
  return true;
}

void AddMappedObservables(const Fields& fields, const std::vector<FieldMapping>& map,
                          std::vector<AlertObservable>* out) {
  for (const auto& m : map) {
    for (const auto& value : fields.StringList(m.path)) AddObservable(m.type, value, false, out);
  }
}

void AddTextObservables(std::string_view text, std::vector<AlertObservable>* out) {
  for (const auto& e : observables::ExtractFromText(text)) {
    AddObservable(e.observable.type, e.observable.value, false, out);
  }
}

}  // namespace wf::ingest
