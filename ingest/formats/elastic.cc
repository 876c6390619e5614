// Two Elastic formats that share the alert-document reading:
//  - `elastic`: Elastic Security detection alerts, the `kibana.alert.*`
//    documents of .alerts-security.alerts-*: one document, an array of them,
//    or a Kibana webhook body carrying them (`alerts`, `context.alerts`,
//    `alerts.new.data`...), e.g. from a security rule's action.
//  - `kibana`: the webhook connector body of a Kibana stack rule action
//    (`rule.*`, `alert.*`, `context`), per alert or as a summary of alerts
//    (`alerts.new.data`...): each Kibana alert becomes its own alert.
// Mappings, dedup keys and severity rules: docs/ingest.md, "Elastic Security"
// and "Kibana".
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/json_parse.h"
#include "ingest/formats/field_lookup.h"
#include "ingest/formats/format.h"

namespace wf::ingest {

namespace {

using rapidjson::Value;

// A list of alert documents inside a body, and what they mean.
struct DocList {
  std::string_view path;
  bool resolved;  // the recovered alerts of a summary
};
constexpr DocList kDocLists[] = {
    {"alerts", false},           // {"alerts": [...]}: our documented security-rule body
    {"context.alerts", false},   // {{context.alerts}} of a security rule
    {"alerts.new.data", false},  // summary of alerts
    {"alerts.ongoing.data", false},
    {"alerts.recovered.data", true},
};

bool IsSecurityDoc(const Value& doc) {
  if (!doc.IsObject()) {
    return false;
  }
  Fields d(doc);
  if (!d.Has("kibana.alert.uuid")) {
    return false;
  }
  std::string type = d.String("kibana.alert.rule.rule_type_id").value_or("");
  return d.String("kibana.alert.rule.producer").value_or("") == "siem" ||
         type.rfind("siem.", 0) == 0 || d.Has("kibana.alert.risk_score");
}

// Elastic's severity, else its risk score: 0-21 low, 22-47 medium, 48-73 high, 74-100 critical.
std::optional<Severity> DocSeverity(const Fields& d) {
  if (auto word = d.String("kibana.alert.severity")) {
    if (auto s = formats::SeverityFromWord(*word)) {
      return s;
    }
  }
  if (auto risk = d.Number("kibana.alert.risk_score")) {
    if (*risk < 22) {
      return Severity::kLow;
    }
    if (*risk < 48) {
      return Severity::kMedium;
    }
    if (*risk < 74) {
      return Severity::kHigh;
    }
    return Severity::kCritical;
  }
  return std::nullopt;
}

// kibana.alert.rule.threat: [{framework, tactic, technique: [{id, subtechnique: [{id}]}]}].
void AddThreatTags(const Fields& d, std::vector<std::string>* tags) {
  const Value* threat = d.Find("kibana.alert.rule.threat");
  if (!threat || !threat->IsArray()) {
    return;
  }
  for (const auto& t : threat->GetArray()) {
    if (!t.IsObject()) {
      continue;
    }
    const Value* techniques = Fields(t).Find("technique");
    if (!techniques || !techniques->IsArray()) {
      continue;
    }
    for (const auto& tech : techniques->GetArray()) {
      Fields tf(tech);
      if (auto id = tf.String("id")) {
        formats::AddAttackTag(*id, tags);
      }
      if (const Value* subs = tf.Find("subtechnique"); subs && subs->IsArray()) {
        for (const auto& sub : subs->GetArray()) {
          if (auto id = Fields(sub).String("id")) {
            formats::AddAttackTag(*id, tags);
          }
        }
      }
    }
  }
}

// The Kibana instance: the host of kibanaBaseUrl (or of a link into it),
// with the space when it is not the default one; `fallback` otherwise.
std::string KibanaSource(const Fields& body, const std::string& space, std::string_view fallback) {
  std::string host;
  for (std::string_view path :
       {"kibanaBaseUrl", "rule.url", "context.results_link", "results_link"}) {
    if (auto url = body.String(path)) {
      host = formats::UrlHost(*url);
    }
    if (!host.empty()) {
      break;
    }
  }
  std::string source = host.empty() ? std::string(fallback) : host;
  if (!space.empty() && space != "default") {
    source += "/s/" + space;
  }
  return formats::Clip(source, 256);
}

// What an alert document gives, for both formats.
void ReadDoc(const Fields& d, NormalizedAlert* a) {
  for (const auto& tag : d.StringList("kibana.alert.rule.tags")) {
    formats::AddTag(tag, &a->tags);
  }
  AddThreatTags(d, &a->tags);
  formats::AddMapped(d, EcsFieldMap(), &a->observables);
}

// --- elastic ---------------------------------------------------------------

Result<NormalizedAlert> ParseSecurityDoc(const Value& doc, const std::string& where,
                                         const Fields& body, bool resolved) {
  if (!doc.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("{} must be an object, not {}", where, json::TypeName(doc)));
  }
  Fields d(doc);
  auto uuid = d.String("kibana.alert.uuid");
  if (!uuid) {
    return Status::Unprocessable(fmt::format("{} is missing: not an Elastic Security alert",
                                             formats::Where(where, "kibana.alert.uuid")));
  }
  NormalizedAlert a;
  a.source_kind = "elastic";
  a.source = KibanaSource(body, d.String("kibana.space_ids").value_or(""), "elastic-security");
  a.source_ref = *uuid;
  // The alert's uuid stays the same while Elastic updates the alert
  // (suppression, re-notification); never kibana.alert.rule.execution.uuid.
  a.dedup_key = *uuid;
  a.rule_name =
      formats::TitleText(d.String("kibana.alert.rule.name").value_or("Elastic Security alert"));
  a.title = a.rule_name;
  a.description = formats::DescriptionText(
      d.FirstString({"kibana.alert.reason", "kibana.alert.rule.description"}).value_or(""));
  a.severity = DocSeverity(d).value_or(Severity::kMedium);
  a.event_time = d.Time("kibana.alert.original_time");
  if (!a.event_time) {
    a.event_time = d.Time("@timestamp");
  }
  a.resolved = resolved;
  ReadDoc(d, &a);
  a.raw_json = json::Serialize(doc);
  return a;
}

// Appends the documents of an array at `path`; false when there is none.
Result<bool> ParseDocList(const Fields& body, const DocList& list,
                          std::vector<NormalizedAlert>* out,
                          Result<NormalizedAlert> (*parse)(const Value&, const std::string&,
                                                           const Fields&, bool)) {
  const Value* v = body.Find(list.path);
  if (!v) {
    return false;
  }
  if (!v->IsArray()) {
    if (list.path == "alerts" && v->IsObject()) {
      return false;  // a summary's {"new": ...}
    }
    return Status::InvalidArgument(
        fmt::format("{} must be an array, not {}", list.path, json::TypeName(*v)));
  }
  if (out->size() + v->Size() > formats::kMaxAlerts) {
    return Status::Unprocessable(
        fmt::format("a body may hold at most {} alerts", formats::kMaxAlerts));
  }
  size_t i = 0;
  for (const auto& doc : v->GetArray()) {
    WF_ASSIGN_OR_RETURN(NormalizedAlert a,
                        parse(doc, fmt::format("{}[{}]", list.path, i++), body, list.resolved));
    out->push_back(std::move(a));
  }
  return true;
}

// --- kibana ----------------------------------------------------------------

struct RuleInfo {
  std::string id, name, space;
  std::vector<std::string> tags;
};

// The template's own `severity` (our documented body lets the rule author
// set one), else medium.
Severity TemplateSeverity(const Fields& body) {
  if (auto word = body.FirstString({"severity", "rule.severity", "context.severity"})) {
    if (auto s = formats::SeverityFromWord(*word)) {
      return *s;
    }
  }
  return Severity::kMedium;
}

NormalizedAlert KibanaAlert(const Fields& body, const RuleInfo& rule) {
  NormalizedAlert a;
  a.source_kind = "kibana";
  a.source = KibanaSource(body, rule.space, "kibana");
  a.rule_name = formats::TitleText(rule.name.empty() ? "Kibana rule " + rule.id : rule.name);
  a.title = a.rule_name;
  a.severity = TemplateSeverity(body);
  for (const auto& tag : rule.tags) {
    formats::AddTag(tag, &a.tags);
  }
  return a;
}

Result<NormalizedAlert> ParseKibanaDoc(const Value& doc, const std::string& where,
                                       const Fields& body, bool resolved) {
  if (!doc.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("{} must be an object, not {}", where, json::TypeName(doc)));
  }
  Fields d(doc);
  RuleInfo rule{body.String("rule.id").value_or(""), body.String("rule.name").value_or(""),
                body.String("rule.spaceId").value_or(""), body.StringList("rule.tags")};
  auto id = d.FirstString({"kibana.alert.uuid", "_id", "kibana.alert.instance.id"});
  if (!id) {
    return Status::Unprocessable(fmt::format("{} is missing: the alert has no id",
                                             formats::Where(where, "kibana.alert.uuid")));
  }
  NormalizedAlert a = KibanaAlert(body, rule);
  a.source_ref = *id;
  a.dedup_key = fmt::format("rule.id={} alert={}", rule.id, *id);
  if (auto s = DocSeverity(d)) {
    a.severity = *s;
  }
  auto reason = d.FirstString({"kibana.alert.reason", "kibana.alert.rule.description"});
  a.description = formats::DescriptionText(reason.value_or(""));
  a.event_time = d.Time("kibana.alert.start");
  if (!a.event_time) {
    a.event_time = d.Time("@timestamp");
  }
  a.resolved = resolved || d.String("kibana.alert.status").value_or("") == "recovered";
  ReadDoc(d, &a);
  if (reason) {
    formats::AddText(*reason, {}, /*skip_links=*/true, &a.observables);
  }
  a.raw_json = json::Serialize(doc);
  return a;
}

// A per-alert action body: {"rule": {...}, "alert": {...}, "context": {...}}.
Result<NormalizedAlert> ParseKibanaSingle(const Value& root, const Fields& body) {
  RuleInfo rule{body.String("rule.id").value_or(""), body.String("rule.name").value_or(""),
                body.String("rule.spaceId").value_or(""), body.StringList("rule.tags")};
  auto id = body.FirstString({"alert.uuid", "alert.id"});
  if (!id) {
    return Status::Unprocessable(
        "alert.uuid and alert.id are missing, and no context.alerts or alerts.new.data: the body "
        "holds no alert");
  }
  NormalizedAlert a = KibanaAlert(body, rule);
  a.source_ref = *id;
  // alert.uuid stays the same while the alert is active; alert.id is the
  // alert's group ("host-2", "query matched") in older Kibana.
  a.dedup_key = fmt::format("rule.id={} alert={}", rule.id, *id);
  auto text = body.FirstString(
      {"context.reason", "context.message", "context.conditions", "context.title"});
  a.description = formats::DescriptionText(text.value_or(""));
  a.event_time = body.Time("context.date");
  if (!a.event_time) {
    a.event_time = body.Time("date");
  }
  a.resolved = body.String("alert.actionGroup").value_or("") == "recovered";
  // An Elasticsearch query rule's context.hits: the matching documents.
  if (const Value* hits = body.Find("context.hits"); hits && hits->IsArray()) {
    size_t n = 0;
    for (const auto& hit : hits->GetArray()) {
      if (!hit.IsObject() || n++ >= formats::kMaxAlerts) {
        continue;
      }
      if (const Value* src = Fields(hit).Find("_source"); src && src->IsObject()) {
        formats::AddMapped(Fields(*src), EcsFieldMap(), &a.observables);
      }
    }
  }
  if (text) {
    formats::AddText(*text, {}, /*skip_links=*/true, &a.observables);
  }
  a.raw_json = json::Serialize(root);
  return a;
}

}  // namespace

bool DetectElastic(const rapidjson::Value& root) {
  if (IsSecurityDoc(formats::FirstItem(root))) {
    return true;
  }
  if (!root.IsObject()) {
    return false;
  }
  Fields body(root);
  for (const auto& list : kDocLists) {
    const Value* v = body.Find(list.path);
    if (v && v->IsArray() && !v->Empty() && IsSecurityDoc((*v)[0])) {
      return true;
    }
  }
  return false;
}

Result<std::vector<NormalizedAlert>> ParseElastic(const rapidjson::Value& root) {
  std::vector<NormalizedAlert> out;
  if (root.IsArray()) {
    if (root.Empty()) {
      return Status::Unprocessable("the array holds no alerts");
    }
    if (root.Size() > formats::kMaxAlerts) {
      return Status::Unprocessable(
          fmt::format("a body may hold at most {} alerts", formats::kMaxAlerts));
    }
    Fields none(root);
    size_t i = 0;
    for (const auto& doc : root.GetArray()) {
      WF_ASSIGN_OR_RETURN(NormalizedAlert a,
                          ParseSecurityDoc(doc, fmt::format("alerts[{}]", i++), none, false));
      out.push_back(std::move(a));
    }
    return out;
  }
  if (!root.IsObject()) {
    return Status::InvalidArgument(fmt::format(
        "body must be an alert document or an array of them, not {}", json::TypeName(root)));
  }
  Fields body(root);
  if (body.Has("kibana.alert.uuid")) {
    WF_ASSIGN_OR_RETURN(NormalizedAlert a, ParseSecurityDoc(root, std::string(), body, false));
    out.push_back(std::move(a));
    return out;
  }
  bool any_list = false;
  for (const auto& list : kDocLists) {
    WF_ASSIGN_OR_RETURN(bool found, ParseDocList(body, list, &out, ParseSecurityDoc));
    any_list = any_list || found;
  }
  if (!any_list) {
    return Status::Unprocessable(
        "kibana.alert.uuid is missing, and no alerts or context.alerts array: the body is not an "
        "Elastic "
        "Security alert");
  }
  if (out.empty()) {
    return Status::Unprocessable("the body holds no alerts");
  }
  return out;
}

bool DetectKibana(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return false;
  }
  Fields f(root);
  return f.Has("rule.id") && !f.Has("rule.level") &&
         (f.Has("alert") || f.Has("context") || f.Has("alerts") || f.Has("kibanaBaseUrl"));
}

Result<std::vector<NormalizedAlert>> ParseKibana(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be a Kibana rule action object, not {}", json::TypeName(root)));
  }
  Fields body(root);
  for (std::string_view path : {"rule", "alert", "context"}) {
    if (const Value* v = body.Find(path); v && !v->IsObject()) {
      return Status::InvalidArgument(
          fmt::format("{} must be an object, not {}", path, json::TypeName(*v)));
    }
  }
  if (!body.Has("rule.id")) {
    return Status::Unprocessable("rule.id is missing: the body is not a Kibana rule action body");
  }
  std::vector<NormalizedAlert> out;
  bool any_list = false;
  for (const auto& list : kDocLists) {
    if (list.path == "alerts") {
      continue;  // that one is the elastic format's
    }
    WF_ASSIGN_OR_RETURN(bool found, ParseDocList(body, list, &out, ParseKibanaDoc));
    any_list = any_list || found;
  }
  if (!out.empty()) {
    return out;
  }
  if (any_list && !body.Has("alert")) {
    return Status::Unprocessable(
        "the body holds no alerts: context.alerts and alerts.*.data are empty");
  }
  WF_ASSIGN_OR_RETURN(NormalizedAlert a, ParseKibanaSingle(root, body));
  out.push_back(std::move(a));
  return out;
}

}  // namespace wf::ingest
