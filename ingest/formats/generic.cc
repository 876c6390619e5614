#include "ingest/formats/generic.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/json_parse.h"
#include "ingest/formats/format.h"
#include "observables/normalize.h"

namespace wf::ingest {

namespace {

using rapidjson::Value;

constexpr size_t kMaxAlertsPerBody = 1000;
constexpr size_t kMaxTitle = 1024;
constexpr size_t kMaxText = 64 * 1024;
constexpr size_t kMaxObservables = 1000;
constexpr size_t kMaxTags = 100;

class ItemParser {
 public:
  ItemParser(const Value& item, std::string where) : item_(item), where_(std::move(where)) {}

  Result<NormalizedAlert> Parse() {
    if (!item_.IsObject()) {
      return Status::InvalidArgument(
          fmt::format("{} must be an object, not {}", Name(""), json::TypeName(item_)));
    }
    NormalizedAlert a;
    a.source_kind = "generic";
    WF_RETURN_IF_ERROR(String("source", &a.source, 256));
    WF_RETURN_IF_ERROR(String("source_ref", &a.source_ref, 512));
    WF_RETURN_IF_ERROR(String("rule_name", &a.rule_name, 512));
    WF_RETURN_IF_ERROR(String("title", &a.title, kMaxTitle));
    WF_RETURN_IF_ERROR(String("description", &a.description, kMaxText));
    WF_RETURN_IF_ERROR(String("fingerprint", &a.dedup_key, 512));
    if (a.title.empty()) return Status::Unprocessable(fmt::format("{} is required", Name("title")));
    if (a.source.empty()) return Status::Unprocessable(fmt::format("{} is required", Name("source")));
    WF_RETURN_IF_ERROR(SeverityField(&a.severity));
    WF_RETURN_IF_ERROR(TlpPapFields(&a));
    WF_RETURN_IF_ERROR(EventTime(&a.event_time));
    WF_RETURN_IF_ERROR(Tags(item_, "tags", &a.tags));
    WF_RETURN_IF_ERROR(Observables(&a.observables));
    if (auto it = item_.FindMember("raw"); it != item_.MemberEnd() && !it->value.IsNull()) {
      if (!it->value.IsObject()) {
        return Status::InvalidArgument(fmt::format("{} must be an object", Name("raw")));
      }
      a.raw_json = json::Serialize(it->value);
    } else {
      a.raw_json = json::Serialize(item_);
    }
    return a;
  }

 private:
  std::string Name(std::string_view field) const {
    if (field.empty()) return where_.empty() ? "the body" : where_;
    return where_.empty() ? std::string(field) : fmt::format("{}.{}", where_, field);
  }

  Status String(const char* field, std::string* out, size_t max) {
    auto it = item_.FindMember(field);
    if (it == item_.MemberEnd() || it->value.IsNull()) return Status::Ok();
    if (!it->value.IsString()) {
      return Status::InvalidArgument(fmt::format("{} must be a string, not {}", Name(field),
                                                 json::TypeName(it->value)));
    }
    if (it->value.GetStringLength() > max) {
      return Status::Unprocessable(fmt::format("{} is longer than {} bytes", Name(field), max));
    }
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return Status::Ok();
  }

  Status SeverityField(Severity* out) {
    auto it = item_.FindMember("severity");
    if (it == item_.MemberEnd() || it->value.IsNull()) return Status::Ok();
    const Value& v = it->value;
    if (v.IsString()) {
      auto s = ParseSeverity(std::string_view(v.GetString(), v.GetStringLength()));
      if (!s) {
        return Status::Unprocessable(fmt::format(
            "{} must be one of low, medium, high, critical (or 1-4)", Name("severity")));
      }
      *out = *s;
      return Status::Ok();
    }
    if (v.IsInt64()) {
      auto s = SeverityFromNumber(v.GetInt64());
      if (!s) return Status::Unprocessable(fmt::format("{} must be 1 to 4", Name("severity")));
      *out = *s;
      return Status::Ok();
    }
    return Status::InvalidArgument(
        fmt::format("{} must be a string or an integer, not {}", Name("severity"), json::TypeName(v)));
  }

  Status TlpPapFields(NormalizedAlert* a) {
    for (const char* field : {"tlp", "pap"}) {
      auto it = item_.FindMember(field);
      if (it == item_.MemberEnd() || it->value.IsNull()) continue;
      const Value& v = it->value;
      bool is_tlp = field[0] == 't';
      if (v.IsString()) {
        std::string_view s(v.GetString(), v.GetStringLength());
        if (is_tlp) {
          auto t = ParseTlp(s);
          if (!t) return Status::Unprocessable(fmt::format("{} must be clear, green, amber, amber+strict or red", Name(field)));
          a->tlp = *t;
        } else {
          auto p = ParsePap(s);
          if (!p) return Status::Unprocessable(fmt::format("{} must be clear, green, amber or red", Name(field)));
          a->pap = *p;
        }
      } else if (v.IsInt64()) {
        if (is_tlp) {
          auto t = TlpFromNumber(v.GetInt64(), false);
          if (!t) return Status::Unprocessable(fmt::format("{} must be 0 to 3", Name(field)));
          a->tlp = *t;
        } else {
          auto p = PapFromNumber(v.GetInt64());
          if (!p) return Status::Unprocessable(fmt::format("{} must be 0 to 3", Name(field)));
          a->pap = *p;
        }
      } else {
        return Status::InvalidArgument(fmt::format("{} must be a string or an integer", Name(field)));
      }
    }
    return Status::Ok();
  }

  Status EventTime(std::optional<int64_t>* out) {
    auto it = item_.FindMember("event_time");
    if (it == item_.MemberEnd() || it->value.IsNull()) return Status::Ok();
    const Value& v = it->value;
    if (v.IsString()) {
      int64_t ms = 0;
      if (!ParseRfc3339(std::string_view(v.GetString(), v.GetStringLength()), &ms)) {
        return Status::Unprocessable(
            fmt::format("{} must be an RFC 3339 time such as 2026-11-23T09:00:00Z", Name("event_time")));
      }
      *out = ms;
      return Status::Ok();
    }
    if (v.IsInt64()) {
      *out = v.GetInt64();  // epoch milliseconds
      return Status::Ok();
    }
    return Status::InvalidArgument(fmt::format(
        "{} must be an RFC 3339 string or epoch milliseconds, not {}", Name("event_time"), json::TypeName(v)));
  }

  Status Tags(const Value& obj, const char* field, std::vector<std::string>* out,
              const std::string& prefix = {}) {
    auto it = obj.FindMember(field);
    if (it == obj.MemberEnd() || it->value.IsNull()) return Status::Ok();
    std::string name = prefix.empty() ? Name(field) : prefix + "." + field;
    if (!it->value.IsArray()) return Status::InvalidArgument(fmt::format("{} must be an array of strings", name));
    if (it->value.Size() > kMaxTags) {
      return Status::Unprocessable(fmt::format("{} holds more than {} tags", name, kMaxTags));
    }
    for (const Value& t : it->value.GetArray()) {
      if (!t.IsString()) return Status::InvalidArgument(fmt::format("{} must be an array of strings", name));
      std::string tag(t.GetString(), t.GetStringLength());
      if (!IsValidTag(tag)) {
        return Status::Unprocessable(fmt::format("{} has an empty, overlong or control-character tag", name));
      }
      if (std::find(out->begin(), out->end(), tag) == out->end()) out->push_back(std::move(tag));
    }
    return Status::Ok();
  }

  Status Observables(std::vector<AlertObservable>* out) {
    auto it = item_.FindMember("observables");
    if (it == item_.MemberEnd() || it->value.IsNull()) return Status::Ok();
    if (!it->value.IsArray()) {
      return Status::InvalidArgument(fmt::format("{} must be an array", Name("observables")));
    }
    if (it->value.Size() > kMaxObservables) {
      return Status::Unprocessable(
          fmt::format("{} holds more than {} entries", Name("observables"), kMaxObservables));
    }
    size_t i = 0;
    for (const Value& o : it->value.GetArray()) {
      std::string at = fmt::format("{}[{}]", Name("observables"), i++);
      if (!o.IsObject()) return Status::InvalidArgument(fmt::format("{} must be an object", at));
      auto type_it = o.FindMember("type");
      auto value_it = o.FindMember("value");
      if (type_it == o.MemberEnd() || value_it == o.MemberEnd()) {
        return Status::Unprocessable(fmt::format("{} needs type and value", at));
      }
      if (!type_it->value.IsString() || !value_it->value.IsString()) {
        return Status::InvalidArgument(fmt::format("{}.type and .value must be strings", at));
      }
      std::string_view type_name(type_it->value.GetString(), type_it->value.GetStringLength());
      auto type = observables::ParseObservableType(type_name);
      if (!type) {
        return Status::Unprocessable(fmt::format("{}.type '{}' is not an observable type", at, type_name));
      }
      auto norm = observables::Normalize(
          *type, std::string_view(value_it->value.GetString(), value_it->value.GetStringLength()));
      if (!norm.ok()) {
        return Status::Unprocessable(fmt::format("{}.value: {}", at, norm.status().message()));
      }
      AlertObservable ao;
      ao.type = norm->type;
      ao.value = norm->value;
      if (auto ioc = o.FindMember("ioc"); ioc != o.MemberEnd() && !ioc->value.IsNull()) {
        if (!ioc->value.IsBool()) return Status::InvalidArgument(fmt::format("{}.ioc must be true or false", at));
        ao.ioc = ioc->value.GetBool();
      }
      WF_RETURN_IF_ERROR(Tags(o, "tags", &ao.tags, at));
      bool seen = false;
      for (auto& existing : *out) {
        if (existing.type == ao.type && existing.value == ao.value) {
          existing.ioc = existing.ioc || ao.ioc;
          seen = true;
        }
      }
      if (!seen) out->push_back(std::move(ao));
    }
    return Status::Ok();
  }

  const Value& item_;
  std::string where_;
};

}  // namespace

Result<std::vector<NormalizedAlert>> ParseGeneric(std::string_view body) {
  rapidjson::Document doc;
  WF_RETURN_IF_ERROR(json::Parse(body, doc));
  return ParseGenericValue(doc);
}

bool DetectGeneric(const rapidjson::Value& root) {
  const Value& first = root.IsArray() && !root.Empty() ? root[0] : root;
  return first.IsObject() && first.HasMember("title") && first.HasMember("source");
}

Result<std::vector<NormalizedAlert>> ParseGenericValue(const rapidjson::Value& doc) {
  std::vector<NormalizedAlert> out;
  if (doc.IsArray()) {
    if (doc.Empty()) return Status::Unprocessable("the array holds no alerts");
    if (doc.Size() > kMaxAlertsPerBody) {
      return Status::Unprocessable(fmt::format("a body may hold at most {} alerts", kMaxAlertsPerBody));
    }
    size_t i = 0;
    for (const Value& item : doc.GetArray()) {
      WF_ASSIGN_OR_RETURN(NormalizedAlert a, ItemParser(item, fmt::format("alerts[{}]", i++)).Parse());
      out.push_back(std::move(a));
    }
    return out;
  }
  if (!doc.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be an alert object or an array of them, not {}", json::TypeName(doc)));
  }
  WF_ASSIGN_OR_RETURN(NormalizedAlert a, ItemParser(doc, "").Parse());
  out.push_back(std::move(a));
  return out;
}

}  // namespace wf::ingest
