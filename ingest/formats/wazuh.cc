// Wazuh: the alert the manager writes to alerts.json, as a custom integration
// script posts it (`<integration><name>custom-watchfloor</name>`), or wrapped
// in the built-in Shuffle integration's message (the alert under
// `all_fields`). A JSON array of alerts (Logstash `json_batch`) is accepted.
// Mapping, dedup key and severity rule: docs/ingest.md, "Wazuh".
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

// The manager's own agent id: events it collects itself or receives by remote
// syslog. Its name is the manager (the shipper), not the host of the event.
constexpr std::string_view kManagerAgentId = "000";

const Value& AlertOf(const Value& body) {
  // The Shuffle integration posts {"severity", "pretext", "title", "text",
  // "rule_id", "timestamp", "id", "all_fields": <alert>}.
  if (auto it = body.FindMember("all_fields"); it != body.MemberEnd() && it->value.IsObject()) {
    return it->value;
  }
  return body;
}

// rule.level 0-16: 0-4 low, 5-7 medium, 8-11 high, 12-16 critical.
Severity LevelSeverity(int64_t level) {
  if (level <= 4) {
    return Severity::kLow;
  }
  if (level <= 7) {
    return Severity::kMedium;
  }
  if (level <= 11) {
    return Severity::kHigh;
  }
  return Severity::kCritical;
}

const std::vector<FieldMapping>& WazuhFieldMap() {
  using T = ObservableType;
  static const std::vector<FieldMapping> kMap = {
      {"data.srcip", T::kIp},
      {"data.src_ip", T::kIp},
      {"data.dstip", T::kIp},
      {"data.dst_ip", T::kIp},
      {"data.dest_ip", T::kIp},
      {"data.win.eventdata.ipAddress", T::kIp},
      {"data.win.eventdata.sourceIp", T::kIp},
      {"data.win.eventdata.destinationIp", T::kIp},
      {"data.aws.sourceIPAddress", T::kIp},
      {"data.srcuser", T::kUser},
      {"data.dstuser", T::kUser},
      {"data.win.eventdata.targetUserName", T::kUser},
      {"data.win.eventdata.subjectUserName", T::kUser},
      {"data.win.eventdata.workstationName", T::kHostname},
      {"data.win.eventdata.destinationHostname", T::kHostname},
      {"data.win.eventdata.queryName", T::kDomain},
      {"data.url", T::kUrl},
      {"syscheck.path", T::kFilename},
      {"syscheck.md5_after", T::kHash},
      {"syscheck.sha1_after", T::kHash},
      {"syscheck.sha256_after", T::kHash},
      {"data.win.eventdata.image", T::kFilename},
      {"data.win.eventdata.targetFilename", T::kFilename},
      {"data.virustotal.source.file", T::kFilename},
      {"data.virustotal.source.md5", T::kHash},
      {"data.virustotal.source.sha1", T::kHash},
      {"data.vulnerability.cve", T::kCve},
  };
  return kMap;
}

// The thing the alert is about, after the rule and the agent: the first of
// these that is present (documented in docs/ingest.md).
std::string MainEntity(const Fields& f) {
  static constexpr std::string_view kEntities[] = {
      "data.srcip",
      "data.src_ip",
      "data.win.eventdata.ipAddress",
      "syscheck.path",
      "data.vulnerability.cve",
      "data.virustotal.source.sha1",
      "data.win.eventdata.targetUserName",
      "data.dstuser",
      "data.srcuser",
      "data.url",
  };
  for (std::string_view path : kEntities) {
    auto v = f.String(path);
    if (!v || *v == "-" || *v == "::1" || *v == "127.0.0.1") {
      continue;
    }
    std::string entity = fmt::format("{}={}", path, *v);
    if (path == "data.vulnerability.cve") {
      if (auto package = f.String("data.vulnerability.package.name")) {
        entity += "/" + *package;
      }
    }
    return entity;
  }
  return {};
}

// Sysmon's "SHA1=...,MD5=...,SHA256=...,IMPHASH=..." (the import hash is not
// a file hash and is left out).
void AddSysmonHashes(const Fields& f, std::vector<AlertObservable>* out) {
  auto hashes = f.String("data.win.eventdata.hashes");
  if (!hashes) {
    return;
  }
  std::string_view rest = *hashes;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    std::string_view kind = part.substr(0, eq);
    if (kind == "IMPHASH") {
      continue;
    }
    formats::AddValue(ObservableType::kHash, part.substr(eq + 1), out);
  }
}

Status CheckObject(const Fields& f, std::string_view path, const std::string& where) {
  const Value* v = f.Find(path);
  if (v && !v->IsObject()) {
    return Status::InvalidArgument(fmt::format("{} must be an object, not {}",
                                               formats::Where(where, path), json::TypeName(*v)));
  }
  return Status::Ok();
}

Result<NormalizedAlert> ParseItem(const Value& body, const std::string& where) {
  const Value& alert = AlertOf(body);
  Fields f(alert);
  for (std::string_view path : {"rule", "agent", "data", "syscheck", "manager"}) {
    WF_RETURN_IF_ERROR(CheckObject(f, path, where));
  }
  auto rule_id = f.String("rule.id");
  if (!rule_id) {
    return Status::Unprocessable(fmt::format("{} is missing: the body is not a Wazuh alert",
                                             formats::Where(where, "rule.id")));
  }
  if (!f.Has("rule.level")) {
    return Status::Unprocessable(fmt::format("{} is missing: the body is not a Wazuh alert",
                                             formats::Where(where, "rule.level")));
  }
  auto level = f.Int("rule.level");
  if (!level) {
    return Status::InvalidArgument(
        fmt::format("{} must be an integer", formats::Where(where, "rule.level")));
  }
  if (*level < 0 || *level > 16) {
    return Status::Unprocessable(
        fmt::format("{} must be 0 to 16", formats::Where(where, "rule.level")));
  }

  NormalizedAlert a;
  a.source_kind = "wazuh";
  a.source = f.FirstString({"cluster.name", "manager.name"}).value_or("wazuh");
  auto rule_description = f.String("rule.description");
  a.rule_name = formats::TitleText(rule_description.value_or("Wazuh rule " + *rule_id));
  a.title = a.rule_name;
  a.description = formats::DescriptionText(
      f.FirstString({"full_log", "data.vulnerability.rationale", "data.vulnerability.title"})
          .value_or(""));
  a.severity = LevelSeverity(*level);
  a.event_time = f.Time("timestamp");

  for (const auto& group : f.StringList("rule.groups")) {
    formats::AddTag(group, &a.tags);
  }
  for (const auto& id : f.StringList("rule.mitre.id")) {
    formats::AddAttackTag(id, &a.tags);
  }

  // Never the alert's `id`: it names this one event, so every re-firing would
  // look new. The rule, the agent and the main entity name the situation.
  std::string agent_id = f.String("agent.id").value_or("");
  a.dedup_key = fmt::format("rule.id={} agent.id={}", *rule_id, agent_id);
  if (std::string entity = MainEntity(f); !entity.empty()) {
    a.dedup_key += " " + entity;
  }

  formats::AddMapped(f, WazuhFieldMap(), &a.observables);
  AddSysmonHashes(f, &a.observables);
  // The agent is the host where it happened, unless it is the manager itself.
  std::vector<std::string> shippers;
  if (auto name = f.String("agent.name")) {
    if (agent_id == kManagerAgentId) {
      shippers.push_back(*name);
    } else {
      formats::AddValue(ObservableType::kHostname, *name, &a.observables);
    }
  }
  // The agent's and the manager's addresses are the log shipper's.
  for (std::string_view path : {"agent.ip", "manager.name", "cluster.node"}) {
    if (auto v = f.String(path)) {
      shippers.push_back(*v);
    }
  }
  // A file-integrity alert's full_log repeats the syscheck fields, with the
  // hashes of the file before the change: the structured fields suffice.
  if (auto full_log = f.String("full_log"); full_log && !f.Has("syscheck")) {
    formats::AddText(*full_log, shippers, /*skip_links=*/false, &a.observables);
  }
  a.raw_json = json::Serialize(body);
  return a;
}

}  // namespace

bool DetectWazuh(const rapidjson::Value& root) {
  const Value& item = formats::FirstItem(root);
  if (!item.IsObject()) {
    return false;
  }
  Fields f(AlertOf(item));
  return f.Has("rule.level") && f.Has("rule.id") && (f.Has("agent.id") || f.Has("manager.name"));
}

Result<std::vector<NormalizedAlert>> ParseWazuh(const rapidjson::Value& root) {
  return formats::ParseObjectOrArray(root, ParseItem);
}

}  // namespace wf::ingest
