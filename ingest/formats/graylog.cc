// Graylog: the HTTP notification of an event definition
// ({event_definition_id, event_definition_title, ..., event, backlog}).
// One alert per notification: the backlog messages are its evidence, kept in
// raw_json, and their fields give observables.
// Mapping, dedup key and severity rule: docs/ingest.md, "Graylog".
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/json_parse.h"
#include "ingest/formats/field_lookup.h"
#include "ingest/formats/format.h"

namespace wf::ingest {

namespace {

using rapidjson::Value;

// Event priority: 0-1 low, 2 medium (Graylog's "normal"), 3 high, 4 critical.
Severity PrioritySeverity(int64_t p) {
  if (p <= 1) {
    return Severity::kLow;
  }
  if (p == 2) {
    return Severity::kMedium;
  }
  if (p == 3) {
    return Severity::kHigh;
  }
  return Severity::kCritical;
}

// Addresses of the log shippers, which are never observables: the message
// `source` and Graylog's `gl2_remote_ip`.
void CollectShippers(const Fields& f, std::vector<std::string>* out) {
  for (std::string_view path : {"source", "fields.gl2_remote_ip", "gl2_remote_ip"}) {
    if (auto v = f.String(path)) {
      out->push_back(*v);
    }
  }
}

}  // namespace

bool DetectGraylog(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return false;
  }
  auto event = root.FindMember("event");
  return root.HasMember("event_definition_id") && event != root.MemberEnd() &&
         event->value.IsObject();
}

Result<std::vector<NormalizedAlert>> ParseGraylog(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be a Graylog notification object, not {}", json::TypeName(root)));
  }
  Fields f(root);
  auto definition_id = f.String("event_definition_id");
  if (!definition_id) {
    return Status::Unprocessable(
        "event_definition_id is missing: the body is not a Graylog notification");
  }
  const Value* event = f.Find("event");
  if (!event) {
    return Status::Unprocessable("event is missing: the body is not a Graylog notification");
  }
  if (!event->IsObject()) {
    return Status::InvalidArgument(
        fmt::format("event must be an object, not {}", json::TypeName(*event)));
  }
  const Value* backlog = f.Find("backlog");
  if (backlog && !backlog->IsArray()) {
    return Status::InvalidArgument(
        fmt::format("backlog must be an array, not {}", json::TypeName(*backlog)));
  }
  Fields ev(*event);

  NormalizedAlert a;
  a.source_kind = "graylog";
  // The node in event.source changes when another node runs the job; the
  // fingerprint must not (docs/ingest.md).
  a.source = "graylog";
  auto message = ev.String("message");
  a.rule_name = formats::TitleText(f.String("event_definition_title").value_or("Graylog event"));
  a.title = a.rule_name;
  std::string description = message.value_or("");
  if (auto about = f.String("event_definition_description")) {
    description = description.empty() ? *about : description + "\n\n" + *about;
  }
  a.description = formats::DescriptionText(description);
  a.severity = Severity::kMedium;
  if (auto priority = ev.Int("priority")) {
    a.severity = PrioritySeverity(*priority);
  }
  a.event_time = ev.Time("timestamp");

  // The event definition and the event's key (its group-by values); without
  // a key, the event itself. Never job_trigger_id or job_definition_id.
  if (auto key = ev.String("key")) {
    a.dedup_key = fmt::format("event_definition_id={} key={}", *definition_id, *key);
  } else {
    a.dedup_key = fmt::format("event_definition_id={} event.id={}", *definition_id,
                              ev.String("id").value_or(""));
  }

  std::vector<std::string> shippers;
  CollectShippers(ev, &shippers);
  for (std::string_view path : {"fields", "group_by_fields"}) {
    if (const Value* fields = ev.Find(path); fields && fields->IsObject()) {
      formats::AddMapped(Fields(*fields), formats::FlatFieldMap(), &a.observables);
    }
  }
  if (message) {
    formats::AddText(*message, shippers, /*skip_links=*/true, &a.observables);
  }
  if (backlog) {
    size_t n = 0;
    for (const auto& m : backlog->GetArray()) {
      if (!m.IsObject() || n++ >= formats::kMaxAlerts) {
        continue;
      }
      Fields msg(m);
      std::vector<std::string> msg_shippers = shippers;
      CollectShippers(msg, &msg_shippers);
      if (const Value* fields = msg.Find("fields"); fields && fields->IsObject()) {
        formats::AddMapped(Fields(*fields), formats::FlatFieldMap(), &a.observables);
      }
      if (auto text = msg.String("message")) {
        formats::AddText(*text, msg_shippers, /*skip_links=*/false, &a.observables);
      }
    }
  }
  a.raw_json = json::Serialize(root);
  return std::vector<NormalizedAlert>{std::move(a)};
}

}  // namespace wf::ingest
