// ElastAlert 2: the `post`/`post2` alerters' body (the match: the matching
// document plus ElastAlert's `num_hits`/`num_matches`, with the rule's
// `http_post_static_payload` merged in), and the `hivealerter` body
// (TheHive's alert shape: title, artifacts, a random sourceRef).
// Mapping, dedup key and severity rule: docs/ingest.md, "ElastAlert 2".
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/json_parse.h"
#include "ingest/formats/field_lookup.h"
#include "ingest/formats/format.h"

namespace wf::ingest {

namespace {

using observables::ObservableType;
using rapidjson::Value;

bool IsHiveShape(const Value& item) {
  return item.IsObject() && item.HasMember("title") &&
         (item.HasMember("sourceRef") || item.HasMember("artifacts"));
}

std::optional<Severity> SeverityOf(const Value& v) {
  if (v.IsInt64()) {
    return SeverityFromNumber(v.GetInt64());
  }
  if (v.IsString()) {
    return formats::SeverityFromWord(std::string_view(v.GetString(), v.GetStringLength()));
  }
  return std::nullopt;
}

// TheHive data types that are not Watchfloor type names or aliases.
ObservableType HiveType(std::string_view data_type) {
  if (data_type == "autonomous-system") {
    return ObservableType::kAsn;
  }
  return observables::ParseObservableType(data_type).value_or(ObservableType::kOther);
}

Result<NormalizedAlert> ParseHive(const Value& item, const std::string& where) {
  Fields f(item);
  auto title = f.String("title");
  if (!title) {
    return Status::Unprocessable(fmt::format("{} is missing", formats::Where(where, "title")));
  }
  const Value* artifacts = f.Find("artifacts");
  if (artifacts && !artifacts->IsArray()) {
    return Status::InvalidArgument(fmt::format("{} must be an array, not {}",
                                               formats::Where(where, "artifacts"),
                                               json::TypeName(*artifacts)));
  }
  NormalizedAlert a;
  a.source_kind = "elastalert";
  a.source = formats::Clip(f.String("source").value_or("elastalert"), 256);
  a.title = formats::TitleText(*title);
  a.rule_name = a.title;
  a.description = formats::DescriptionText(f.String("description").value_or(""));
  if (const Value* s = f.Find("severity")) {
    a.severity = SeverityOf(*s).value_or(Severity::kMedium);
  }
  if (auto tlp = f.Int("tlp")) {
    a.tlp = TlpFromNumber(*tlp, false).value_or(Tlp::kAmber);
  }
  if (auto pap = f.Int("pap")) {
    a.pap = PapFromNumber(*pap).value_or(Pap::kAmber);
  }
  a.event_time = f.Time("date");
  for (const auto& tag : f.StringList("tags")) {
    formats::AddTag(tag, &a.tags);
    // hivealerter tags are often ATT&CK names: "attack.t1110" stays as it is.
  }
  if (artifacts) {
    for (const auto& art : artifacts->GetArray()) {
      if (!art.IsObject()) {
        continue;
      }
      Fields af(art);
      ObservableType type = HiveType(af.String("dataType").value_or("other"));
      for (const auto& data : af.StringList("data")) {
        formats::AddValue(type, data, &a.observables);
      }
    }
  }
  // hivealerter's sourceRef is a fresh uuid4 per alert: never the identity.
  // Instead: the alert type, its title and its sorted observables.
  std::vector<std::string> keys;
  for (const auto& o : a.observables) {
    keys.push_back(fmt::format("{}={}", observables::ObservableTypeName(o.type), o.value));
  }
  std::sort(keys.begin(), keys.end());
  a.dedup_key = fmt::format("type={} title={}", f.String("type").value_or(""), a.title);
  for (const auto& k : keys) {
    a.dedup_key += "\x1f" + k;
  }
  a.raw_json = json::Serialize(item);
  return a;
}

Result<NormalizedAlert> ParseMatch(const Value& item, const std::string& where) {
  Fields f(item);
  auto rule = f.FirstString({"rule_name", "alert_subject", "rule_param_name"});
  if (!rule && !f.Has("num_hits") && !f.Has("num_matches")) {
    return Status::Unprocessable(
        fmt::format("{} and num_hits are missing: the body is not an ElastAlert match",
                    formats::Where(where, "rule_name")));
  }
  NormalizedAlert a;
  a.source_kind = "elastalert";
  // A match's own `source` is the document's (often ECS source.*): not ours.
  a.source = "elastalert";
  a.rule_name = formats::TitleText(rule.value_or("ElastAlert match"));
  a.title = a.rule_name;
  a.description = formats::DescriptionText(
      f.FirstString({"description", "alert_text", "message"}).value_or(""));
  if (const Value* s = f.Find("severity")) {
    a.severity = SeverityOf(*s).value_or(Severity::kMedium);
  }
  a.event_time = f.Time("@timestamp");
  if (!a.event_time) {
    a.event_time = f.Time("match_time");
  }
  for (const auto& tag : f.StringList("tags")) {
    formats::AddTag(tag, &a.tags);
  }
  for (const auto& id : f.StringList("threat.technique.id")) {
    formats::AddAttackTag(id, &a.tags);
  }

  formats::AddMapped(f, EcsFieldMap(), &a.observables);
  formats::AddMapped(f, formats::FlatFieldMap(), &a.observables);
  // Shipper fields (agent.*, log.source.address) are never read.
  std::vector<std::string> shippers;
  if (auto addr = f.String("log.source.address")) {
    shippers.push_back(*addr);
  }
  if (auto message = f.String("message")) {
    formats::AddText(*message, shippers, false, &a.observables);
  }

  // With `include_rule_params_in_matches: [query_key]` the match names the
  // field that groups its events: the rule and that value are the identity.
  // Otherwise the fingerprint is derived from the rule and the observables.
  auto query_keys = f.StringList("rule_param_query_key");
  if (!query_keys.empty()) {
    a.dedup_key = "rule=" + a.rule_name;
    for (const auto& k : query_keys) {
      a.dedup_key += fmt::format(" {}={}", k, f.String(k).value_or(""));
    }
  }
  a.raw_json = json::Serialize(item);
  return a;
}

Result<NormalizedAlert> ParseItem(const Value& item, const std::string& where) {
  return IsHiveShape(item) ? ParseHive(item, where) : ParseMatch(item, where);
}

}  // namespace

bool DetectElastAlert(const rapidjson::Value& root) {
  const Value& item = formats::FirstItem(root);
  if (!item.IsObject()) {
    return false;
  }
  return (item.HasMember("num_hits") && item.HasMember("num_matches")) || IsHiveShape(item);
}

Result<std::vector<NormalizedAlert>> ParseElastAlert(const rapidjson::Value& root) {
  return formats::ParseObjectOrArray(root, ParseItem);
}

}  // namespace wf::ingest
