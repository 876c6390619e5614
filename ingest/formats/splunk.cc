// Splunk: the webhook alert action's body
// {"sid", "search_name", "app", "owner", "results_link", "result"}, where
// `result` is the first row of the triggering search.
// Mapping, dedup key and severity rule: docs/ingest.md, "Splunk".
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/json_parse.h"
#include "ingest/formats/field_lookup.h"
#include "ingest/formats/format.h"

namespace wf::ingest {

namespace {

using observables::ObservableType;
using rapidjson::Value;

// Fields of a result row that change from one run of the search to the next.
bool IsVolatile(std::string_view name) {
  return name.empty() || name.front() == '_' || name == "count" || name == "firstTime" ||
         name == "lastTime" || name.rfind("info_", 0) == 0;
}

// Splunk Common Information Model names. `host`, `dvc` and `orig_host` name
// the system that reported the event (the shipper), not an entity of it.
const std::vector<FieldMapping>& CimFieldMap() {
  using T = ObservableType;
  static const std::vector<FieldMapping> kMap = {
      {"src_ip", T::kIp},
      {"dest_ip", T::kIp},
      {"src_host", T::kHostname},
      {"dest_host", T::kHostname},
      {"user", T::kUser},
      {"src_user", T::kUser},
      {"dest_user", T::kUser},
      {"url", T::kUrl},
      {"url_domain", T::kDomain},
      {"query", T::kDomain},
      {"http_user_agent", T::kUserAgent},
      {"file_hash", T::kHash},
      {"file_name", T::kFilename},
      {"sender", T::kMail},
      {"recipient", T::kMail},
      {"cve", T::kCve},
      {"src_mac", T::kMac},
      {"dest_mac", T::kMac},
  };
  return kMap;
}

// The row's values, sorted by field name, volatile fields left out.
std::vector<std::pair<std::string, std::string>> StableRow(const Value& result) {
  std::vector<std::pair<std::string, std::string>> row;
  for (const auto& m : result.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (IsVolatile(name)) {
      continue;
    }
    // Multivalue fields arrive as arrays: keep every value, in order.
    std::string value = m.value.IsString()
                            ? std::string(m.value.GetString(), m.value.GetStringLength())
                            : json::Serialize(m.value);
    row.emplace_back(std::move(name), std::move(value));
  }
  std::sort(row.begin(), row.end());
  return row;
}

}  // namespace

bool DetectSplunk(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return false;
  }
  auto result = root.FindMember("result");
  if (result == root.MemberEnd() || !result->value.IsObject()) {
    return false;
  }
  return (root.HasMember("sid") || root.HasMember("search_name")) &&
         (root.HasMember("results_link") || root.HasMember("app") || root.HasMember("owner"));
}

Result<std::vector<NormalizedAlert>> ParseSplunk(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be a Splunk webhook object, not {}", json::TypeName(root)));
  }
  Fields f(root);
  auto it = root.FindMember("result");
  if (it == root.MemberEnd() || it->value.IsNull()) {
    return Status::Unprocessable("result is missing: the body is not a Splunk webhook alert");
  }
  if (!it->value.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("result must be an object, not {}", json::TypeName(it->value)));
  }
  const Value& result = it->value;
  auto search_name = f.String("search_name");
  auto sid = f.String("sid");
  if (!search_name && !sid) {
    return Status::Unprocessable(
        "search_name and sid are missing: the body is not a Splunk webhook alert");
  }
  Fields row(result);
  std::string app = f.String("app").value_or("");

  NormalizedAlert a;
  a.source_kind = "splunk";
  // The search head: `server_host` when the alert template adds it, else the
  // host of the results link (alert_actions.conf `hostname`).
  a.source = f.String("server_host").value_or("");
  if (a.source.empty()) {
    a.source = formats::UrlHost(f.String("results_link").value_or(""));
  }
  if (a.source.empty()) {
    a.source = "splunk";
  }
  a.source = formats::Clip(a.source, 256);
  // An ad-hoc search has no name (search_name is null); the sid is all there is.
  a.rule_name = formats::TitleText(search_name.value_or("Splunk search " + sid.value_or("")));
  a.title = a.rule_name;
  auto stable = StableRow(result);
  std::string description = search_name ? fmt::format("Saved search \"{}\"", *search_name)
                                        : fmt::format("Ad-hoc search {}", *sid);
  if (!app.empty()) {
    description += fmt::format(" in app {}", app);
  }
  description += " matched:";
  for (const auto& [name, value] : stable) {
    description += fmt::format("\n{} = {}", name, value);
  }
  a.description = formats::DescriptionText(description);
  a.severity = Severity::kMedium;
  if (auto word = row.FirstString({"severity", "urgency"})) {
    a.severity = formats::SeverityFromWord(*word).value_or(Severity::kMedium);
  } else if (auto top = f.String("severity")) {
    a.severity = formats::SeverityFromWord(*top).value_or(Severity::kMedium);
  }
  a.event_time = row.Time("_time");

  for (const auto& tag : row.StringList("tag")) {
    formats::AddTag(tag, &a.tags);
  }
  for (std::string_view path : {"annotations.mitre_attack", "mitre_technique_id", "mitre_attack"}) {
    for (const auto& id : row.StringList(path)) {
      formats::AddAttackTag(id, &a.tags);
    }
  }

  // The saved search and what it found; never the sid (one run of the search).
  std::string key = fmt::format("app={} search_name={}", app, search_name.value_or(""));
  for (const auto& [name, value] : stable) {
    key += fmt::format("\x1f{}={}", name, value);
  }
  a.dedup_key = std::move(key);

  // CIM `src` and `dest` hold an address or a host name.
  for (std::string_view path : {"src", "dest"}) {
    for (const auto& v : row.StringList(path)) {
      formats::AddIpOrHostname(v, &a.observables);
    }
  }
  formats::AddMapped(row, CimFieldMap(), &a.observables);
  a.raw_json = json::Serialize(root);
  return std::vector<NormalizedAlert>{std::move(a)};
}

}  // namespace wf::ingest
