#include "ingest/formats/thehive.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json_parse.h"
#include "ingest/formats/field_lookup.h"
#include "observables/normalize.h"

namespace wf::ingest {

namespace {

using rapidjson::Value;

// TheHive dataTypes to ours; anything else is `other`.
observables::ObservableType MapDataType(std::string_view dt) {
  using T = observables::ObservableType;
  if (dt == "ip") return T::kIp;
  if (dt == "domain") return T::kDomain;
  if (dt == "fqdn" || dt == "hostname") return T::kHostname;
  if (dt == "url" || dt == "uri_path") return dt == "url" ? T::kUrl : T::kOther;
  if (dt == "mail" || dt == "email" || dt == "mail-from" || dt == "mail_subject") {
    return dt == "mail_subject" ? T::kOther : T::kMail;
  }
  if (dt == "hash" || dt == "md5" || dt == "sha1" || dt == "sha256" || dt == "sha512") return T::kHash;
  if (dt == "filename" || dt == "file") return T::kFilename;
  if (dt == "user-agent" || dt == "user_agent") return T::kUserAgent;
  if (dt == "registry") return T::kRegistry;
  if (dt == "autonomous-system" || dt == "asn") return T::kAsn;
  if (dt == "mac" || dt == "mac_address") return T::kMac;
  if (dt == "cve" || dt == "vulnerability") return T::kCve;
  if (dt == "user" || dt == "username" || dt == "user-account") return T::kUser;
  return T::kOther;
}

Result<std::string> RequiredText(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || it->value.IsNull()) return Status::Unprocessable(fmt::format("{} is required", key));
  if (!it->value.IsString()) return Status::InvalidArgument(fmt::format("{} must be a string", key));
  if (it->value.GetStringLength() == 0) return Status::Unprocessable(fmt::format("{} is required", key));
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Status OptionalText(const Value& v, const char* key, std::string* out) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || it->value.IsNull()) return Status::Ok();
  if (!it->value.IsString()) return Status::InvalidArgument(fmt::format("{} must be a string", key));
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return Status::Ok();
}

Result<std::optional<int64_t>> OptionalInt(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || it->value.IsNull()) return std::optional<int64_t>();
  if (!it->value.IsInt64()) return Status::InvalidArgument(fmt::format("{} must be an integer", key));
  return std::optional<int64_t>(it->value.GetInt64());
}

}  // namespace

Result<NormalizedAlert> ParseTheHiveAlert(std::string_view body, TheHiveApi api) {
  rapidjson::Document doc;
  WF_RETURN_IF_ERROR(json::Parse(body, doc));
  if (!doc.IsObject()) return Status::InvalidArgument("the alert must be a JSON object");
  NormalizedAlert a;
  a.source_kind = "thehive";
  WF_ASSIGN_OR_RETURN(a.title, RequiredText(doc, "title"));
  WF_ASSIGN_OR_RETURN(std::string type, RequiredText(doc, "type"));
  WF_ASSIGN_OR_RETURN(a.source, RequiredText(doc, "source"));
  WF_RETURN_IF_ERROR(OptionalText(doc, "sourceRef", &a.source_ref));
  WF_RETURN_IF_ERROR(OptionalText(doc, "description", &a.description));
  a.rule_name = type;
  if (a.title.size() > 1024) return Status::Unprocessable("title is longer than 1024 bytes");
  WF_ASSIGN_OR_RETURN(auto severity, OptionalInt(doc, "severity"));
  if (severity) {
    auto s = SeverityFromNumber(*severity);
    if (!s) return Status::Unprocessable("severity must be 1 (low) to 4 (critical)");
    a.severity = *s;
  }
  WF_ASSIGN_OR_RETURN(auto tlp, OptionalInt(doc, "tlp"));
  if (tlp) {
    auto t = TlpFromNumber(*tlp, api == TheHiveApi::kV1);
    if (!t) return Status::Unprocessable(api == TheHiveApi::kV1 ? "tlp must be 0 to 4" : "tlp must be 0 to 3");
    a.tlp = *t;
  }
  WF_ASSIGN_OR_RETURN(auto pap, OptionalInt(doc, "pap"));
  if (pap) {
    auto p = PapFromNumber(*pap);
    if (!p) return Status::Unprocessable("pap must be 0 to 3");
    a.pap = *p;
  }
  if (auto it = doc.FindMember("date"); it != doc.MemberEnd() && !it->value.IsNull()) {
    auto t = ReadTime(it->value);
    if (!t) return Status::Unprocessable("date must be epoch milliseconds");
    a.event_time = t;
  }
  if (auto it = doc.FindMember("tags"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray()) return Status::InvalidArgument("tags must be an array of strings");
    for (const auto& t : it->value.GetArray()) {
      if (!t.IsString()) return Status::InvalidArgument("tags must be an array of strings");
      std::string tag(t.GetString(), t.GetStringLength());
      if (!IsValidTag(tag)) return Status::Unprocessable("tags must be 1 to 128 printable bytes");
      if (std::find(a.tags.begin(), a.tags.end(), tag) == a.tags.end()) a.tags.push_back(tag);
    }
  }
  const char* list_key = api == TheHiveApi::kV0 ? "artifacts" : "observables";
  if (auto it = doc.FindMember(list_key); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray()) return Status::InvalidArgument(fmt::format("{} must be an array", list_key));
    size_t i = 0;
    for (const auto& o : it->value.GetArray()) {
      std::string at = fmt::format("{}[{}]", list_key, i++);
      if (!o.IsObject()) return Status::InvalidArgument(fmt::format("{} must be an object", at));
      auto dt = o.FindMember("dataType");
      auto data = o.FindMember("data");
      if (dt == o.MemberEnd() || !dt->value.IsString()) {
        return Status::Unprocessable(fmt::format("{}.dataType is required", at));
      }
      bool ioc = false;
      if (auto ioc_it = o.FindMember("ioc"); ioc_it != o.MemberEnd() && ioc_it->value.IsBool()) {
        ioc = ioc_it->value.GetBool();
      }
      auto type_of = MapDataType(std::string_view(dt->value.GetString(), dt->value.GetStringLength()));
      std::vector<std::string> values;
      if (data != o.MemberEnd() && data->value.IsString()) {
        values.emplace_back(data->value.GetString(), data->value.GetStringLength());
      } else if (data != o.MemberEnd() && data->value.IsArray()) {
        for (const auto& d : data->value.GetArray()) {
          if (!d.IsString()) return Status::InvalidArgument(fmt::format("{}.data must hold strings", at));
          values.emplace_back(d.GetString(), d.GetStringLength());
        }
      } else if (std::string_view(dt->value.GetString()) == "file") {
        continue;  // file attachments (base64 in `attachment`) are not taken here
      } else {
        return Status::Unprocessable(fmt::format("{}.data is required", at));
      }
      for (const auto& v : values) {
        if (!AddObservable(type_of, v, ioc, &a.observables)) {
          // A value TheHive would take as free text must not reject the alert.
          AddObservable(observables::ObservableType::kOther, v, ioc, &a.observables);
        }
      }
    }
  }
  // Dedup identity from content: senders often randomise sourceRef.
  std::vector<std::string> keys;
  for (const auto& o : a.observables) keys.push_back(std::string(observables::ObservableTypeName(o.type)) + "=" + o.value);
  std::sort(keys.begin(), keys.end());
  a.dedup_key = type + "\n" + a.title;
  for (const auto& k : keys) a.dedup_key += "\n" + k;
  a.raw_json = json::Serialize(doc);
  return a;
}

}  // namespace wf::ingest
