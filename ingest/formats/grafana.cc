// Grafana unified alerting webhook contact point, and Prometheus
// Alertmanager's webhook (the same shape): one notification for a group,
// `alerts[]` holding each alert instance, each its own Watchfloor alert.
// A `resolved` instance sets NormalizedAlert::resolved.
// Mapping, dedup key and severity rule: docs/ingest.md, "Grafana".
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

// Label names that carry an entity, and what it is.
struct LabelEntity {
  std::string_view label;
  ObservableType type;  // kOther: an IP or a host name, with an optional port
};
constexpr LabelEntity kLabelEntities[] = {
    {"instance", ObservableType::kOther}, {"host", ObservableType::kOther},
    {"hostname", ObservableType::kOther}, {"node", ObservableType::kOther},
    {"nodename", ObservableType::kOther}, {"ip", ObservableType::kIp},
    {"src_ip", ObservableType::kIp},      {"source_ip", ObservableType::kIp},
    {"client_ip", ObservableType::kIp},   {"remote_addr", ObservableType::kIp},
    {"dst_ip", ObservableType::kIp},      {"destination_ip", ObservableType::kIp},
    {"user", ObservableType::kUser},      {"username", ObservableType::kUser},
    {"user_name", ObservableType::kUser}, {"domain", ObservableType::kDomain},
};

Status CheckObject(const Value& item, const char* member, const std::string& where) {
  auto it = item.FindMember(member);
  if (it != item.MemberEnd() && !it->value.IsNull() && !it->value.IsObject()) {
    return Status::InvalidArgument(fmt::format(
        "{} must be an object, not {}", formats::Where(where, member), json::TypeName(it->value)));
  }
  return Status::Ok();
}

// Labels as sorted "name=value" pairs (names starting with "__" are Grafana's own).
std::vector<std::pair<std::string, std::string>> Labels(const Value& item) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = item.FindMember("labels");
  if (it == item.MemberEnd() || !it->value.IsObject()) {
    return out;
  }
  for (const auto& m : it->value.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (name.rfind("__", 0) == 0) {
      continue;
    }
    if (auto value = ReadString(m.value)) {
      out.emplace_back(std::move(name), std::move(*value));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<NormalizedAlert> ParseItem(const Value& root, const Value& item, const std::string& where) {
  if (!item.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("{} must be an object, not {}", where, json::TypeName(item)));
  }
  WF_RETURN_IF_ERROR(CheckObject(item, "labels", where));
  WF_RETURN_IF_ERROR(CheckObject(item, "annotations", where));
  Fields f(item);
  Fields group(root);
  auto labels = Labels(item);
  auto alertname = f.String("labels.alertname");
  if (!alertname) {
    alertname = group.String("commonLabels.alertname");
  }
  auto fingerprint = f.String("fingerprint");
  if (!alertname && !fingerprint && labels.empty()) {
    return Status::Unprocessable(fmt::format(
        "{} has no labels and no fingerprint: not an alert instance", formats::Where(where)));
  }

  NormalizedAlert a;
  a.source_kind = "grafana";
  std::string external = formats::UrlHost(group.String("externalURL").value_or(""));
  a.source = external.empty() ? "grafana" : external;
  a.rule_name = formats::TitleText(alertname.value_or("Grafana alert"));
  // The rule's name: a summary usually carries the current value, which
  // changes with every notification of the same alert.
  a.title = a.rule_name;
  std::string description = f.String("annotations.summary").value_or("");
  if (auto more = f.FirstString({"annotations.description", "annotations.message"})) {
    description += (description.empty() ? "" : "\n\n") + *more;
  }
  a.description = formats::DescriptionText(description);
  a.severity = Severity::kMedium;
  if (auto word = f.FirstString({"labels.severity", "annotations.severity"})) {
    a.severity = formats::SeverityFromWord(*word).value_or(Severity::kMedium);
  }
  a.event_time = f.Time("startsAt");
  std::string status = f.String("status").value_or(group.String("status").value_or("firing"));
  a.resolved = status == "resolved";

  // The instance (fingerprint of its label set) and when this episode began:
  // a re-notification of the same episode is a duplicate, the next episode is
  // a new alert. Never groupKey: it names the notification group.
  std::string starts =
      a.event_time ? std::to_string(*a.event_time) : f.String("startsAt").value_or("");
  if (fingerprint) {
    a.source_ref = *fingerprint;
    a.dedup_key = fmt::format("fingerprint={} startsAt={}", *fingerprint, starts);
  } else {
    std::string key;
    for (const auto& [name, value] : labels) {
      key += fmt::format("{}={},", name, value);
    }
    a.dedup_key = fmt::format("labels={} startsAt={}", key, starts);
  }

  for (const auto& [name, value] : labels) {
    if (name != "alertname" && name != "severity") {
      formats::AddTag(fmt::format("{}={}", name, value), &a.tags);
    }
    formats::AddAttackTag(value, &a.tags);
    for (const auto& e : kLabelEntities) {
      if (name != e.label) {
        continue;
      }
      if (e.type == ObservableType::kOther) {
        formats::AddIpOrHostname(value, &a.observables);
      } else {
        formats::AddValue(e.type, value, &a.observables);
      }
    }
  }
  // Annotations link to runbooks and dashboards: their URLs are not evidence.
  for (std::string_view path : {"annotations.summary", "annotations.description"}) {
    if (auto text = f.String(path)) {
      formats::AddText(*text, {}, /*skip_links=*/true, &a.observables);
    }
  }
  a.raw_json = json::Serialize(item);
  return a;
}

}  // namespace

bool DetectGrafana(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return false;
  }
  auto alerts = root.FindMember("alerts");
  if (alerts == root.MemberEnd() || !alerts->value.IsArray()) {
    return false;
  }
  return root.HasMember("receiver") || root.HasMember("groupKey") ||
         (root.HasMember("version") && root.HasMember("status"));
}

Result<std::vector<NormalizedAlert>> ParseGrafana(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be a Grafana or Alertmanager notification object, not {}",
                    json::TypeName(root)));
  }
  auto it = root.FindMember("alerts");
  if (it == root.MemberEnd() || it->value.IsNull()) {
    return Status::Unprocessable(
        "alerts is missing: the body is not a Grafana or Alertmanager notification");
  }
  if (!it->value.IsArray()) {
    return Status::InvalidArgument(
        fmt::format("alerts must be an array, not {}", json::TypeName(it->value)));
  }
  const Value& alerts = it->value;
  if (alerts.Empty()) {
    return Status::Unprocessable("alerts holds no alerts");
  }
  if (alerts.Size() > formats::kMaxAlerts) {
    return Status::Unprocessable(
        fmt::format("alerts may hold at most {} alerts", formats::kMaxAlerts));
  }
  std::vector<NormalizedAlert> out;
  out.reserve(alerts.Size());
  size_t i = 0;
  for (const auto& item : alerts.GetArray()) {
    WF_ASSIGN_OR_RETURN(NormalizedAlert a, ParseItem(root, item, fmt::format("alerts[{}]", i++)));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace wf::ingest
