// Microsoft Sentinel: an incident, as a Logic App posts it with an HTTP
// action (the incident trigger's body: {"objectEventType", "workspaceInfo",
// "object": <incident>}), or the incident resource itself
// ({"id", "name", "type", "properties"}).
// Mapping, dedup key and severity rule: docs/ingest.md, "Microsoft Sentinel".
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

const Value& IncidentOf(const Value& root) {
  if (auto it = root.FindMember("object"); it != root.MemberEnd() && it->value.IsObject()) {
    return it->value;
  }
  return root;
}

// High/Medium/Low/Informational → high/medium/low/low.
Severity IncidentSeverity(std::string_view s) {
  if (s == "High" || s == "high") {
    return Severity::kHigh;
  }
  if (s == "Low" || s == "low" || s == "Informational" || s == "informational") {
    return Severity::kLow;
  }
  return Severity::kMedium;
}

// "/subscriptions/.../workspaces/<name>/providers/..." → "<name>".
std::string WorkspaceFromId(std::string_view id) {
  constexpr std::string_view kMarker = "/workspaces/";
  size_t at = id.find(kMarker);
  if (at == std::string_view::npos) {
    return {};
  }
  std::string_view rest = id.substr(at + kMarker.size());
  return std::string(rest.substr(0, rest.find('/')));
}

// Entities by kind, as the incident's relatedEntities carry them.
void AddEntity(const Value& entity, std::vector<AlertObservable>* out) {
  Fields e(entity);
  std::string kind = e.String("kind").value_or("");
  using T = ObservableType;
  if (kind == "Ip") {
    if (auto v = e.String("properties.address")) {
      formats::AddValue(T::kIp, *v, out);
    }
  } else if (kind == "Account") {
    auto name = e.String("properties.accountName");
    auto suffix = e.String("properties.upnSuffix");
    if (name && suffix) {
      formats::AddValue(T::kUser, *name + "@" + *suffix, out);
    } else if (name) {
      formats::AddValue(T::kUser, *name, out);
    }
  } else if (kind == "Host") {
    auto host = e.String("properties.hostName");
    auto domain = e.String("properties.dnsDomain");
    if (host && domain) {
      formats::AddValue(T::kHostname, *host + "." + *domain, out);
    } else if (host) {
      formats::AddValue(T::kHostname, *host, out);
    }
  } else if (kind == "Url") {
    if (auto v = e.String("properties.url")) {
      formats::AddValue(T::kUrl, *v, out);
    }
  } else if (kind == "DnsResolution") {
    if (auto v = e.String("properties.domainName")) {
      formats::AddValue(T::kDomain, *v, out);
    }
  } else if (kind == "FileHash") {
    if (auto v = e.String("properties.hashValue")) {
      formats::AddValue(T::kHash, *v, out);
    }
  } else if (kind == "File") {
    if (auto v = e.String("properties.fileName")) {
      formats::AddValue(T::kFilename, *v, out);
    }
  } else if (kind == "MailMessage") {
    if (auto v = e.String("properties.sender")) {
      formats::AddValue(T::kMail, *v, out);
    }
    if (auto v = e.String("properties.recipient")) {
      formats::AddValue(T::kMail, *v, out);
    }
  } else if (kind == "Mailbox") {
    if (auto v = e.String("properties.mailboxPrimaryAddress")) {
      formats::AddValue(T::kMail, *v, out);
    }
  } else if (kind == "RegistryKey") {
    auto hive = e.String("properties.hive");
    auto key = e.String("properties.key");
    if (hive && key) {
      formats::AddValue(T::kRegistry, *hive + "\\" + *key, out);
    }
  }
}

}  // namespace

bool DetectSentinel(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return false;
  }
  Fields f(IncidentOf(root));
  return f.String("type").value_or("") == "Microsoft.SecurityInsights/Incidents" ||
         (f.Has("properties.incidentNumber") && f.Has("properties.severity"));
}

Result<std::vector<NormalizedAlert>> ParseSentinel(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be a Sentinel incident object, not {}", json::TypeName(root)));
  }
  const Value& incident = IncidentOf(root);
  Fields f(incident);
  if (const Value* p = f.Find("properties"); p && !p->IsObject()) {
    return Status::InvalidArgument(
        fmt::format("properties must be an object, not {}", json::TypeName(*p)));
  }
  auto name = f.String("name");
  if (!name) {
    return Status::Unprocessable(
        "name (the incident id) is missing: the body is not a Sentinel incident");
  }
  auto title = f.String("properties.title");
  if (!title) {
    return Status::Unprocessable(
        "properties.title is missing: the body is not a Sentinel incident");
  }

  NormalizedAlert a;
  a.source_kind = "sentinel";
  // The workspace: from the trigger's workspaceInfo, else the incident's resource id.
  Fields top(root);
  a.source = top.String("workspaceInfo.WorkspaceName").value_or("");
  if (a.source.empty()) {
    a.source = WorkspaceFromId(f.String("id").value_or(""));
  }
  if (a.source.empty()) {
    a.source = "sentinel";
  }
  a.source = formats::Clip(a.source, 256);
  a.source_ref = *name;
  a.dedup_key = *name;  // the incident's GUID: stable across every update
  a.title = formats::TitleText(*title);
  a.rule_name = a.title;
  std::string description = f.String("properties.description").value_or("");
  if (auto number = f.String("properties.incidentNumber")) {
    description = fmt::format("Sentinel incident {}{}{}", *number, description.empty() ? "" : ": ",
                              description);
  }
  a.description = formats::DescriptionText(description);
  a.severity = IncidentSeverity(f.String("properties.severity").value_or(""));
  a.event_time = f.Time("properties.firstActivityTimeUtc");
  if (!a.event_time) {
    a.event_time = f.Time("properties.createdTimeUtc");
  }
  // A closed incident closes nothing new: it only updates a live alert.
  a.resolved = f.String("properties.status").value_or("") == "Closed";

  if (const Value* labels = f.Find("properties.labels"); labels && labels->IsArray()) {
    for (const auto& label : labels->GetArray()) {
      if (auto text = Fields(label).String("labelName")) {
        formats::AddTag(*text, &a.tags);
      }
    }
  }
  for (const auto& id : f.StringList("properties.additionalData.techniques")) {
    formats::AddAttackTag(id, &a.tags);
  }

  if (const Value* entities = f.Find("properties.relatedEntities");
      entities && entities->IsArray()) {
    for (const auto& e : entities->GetArray()) {
      if (e.IsObject()) {
        AddEntity(e, &a.observables);
      }
    }
  }
  a.raw_json = json::Serialize(root);
  return std::vector<NormalizedAlert>{std::move(a)};
}

}  // namespace wf::ingest
