// Elasticsearch Watcher: a webhook action posting the watch's execution
// context (`"body": "{{#toJson}}ctx{{/toJson}}"`), at the root or under
// "ctx". One alert per watch run: the hits in ctx.payload.hits.hits are its
// evidence, kept in raw_json, and their documents give observables.
// Mapping, dedup key and severity rule: docs/ingest.md, "Elasticsearch Watcher".
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

const Value& ContextOf(const Value& root) {
  if (auto it = root.FindMember("ctx"); it != root.MemberEnd() && it->value.IsObject()) {
    return it->value;
  }
  return root;
}

}  // namespace

bool DetectWatcher(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return false;
  }
  const Value& ctx = ContextOf(root);
  return ctx.IsObject() && ctx.HasMember("watch_id") &&
         (ctx.HasMember("payload") || ctx.HasMember("execution_time") || ctx.HasMember("trigger"));
}

Result<std::vector<NormalizedAlert>> ParseWatcher(const rapidjson::Value& root) {
  if (!root.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be a Watcher context object, not {}", json::TypeName(root)));
  }
  const Value& ctx = ContextOf(root);
  Fields f(ctx);
  auto watch_id = f.String("watch_id");
  if (!watch_id) {
    return Status::Unprocessable("watch_id is missing: the body is not a Watcher context");
  }
  for (std::string_view path : {"payload", "metadata", "payload.hits"}) {
    if (const Value* v = f.Find(path); v && !v->IsObject()) {
      return Status::InvalidArgument(
          fmt::format("{} must be an object, not {}", path, json::TypeName(*v)));
    }
  }
  const Value* hits = f.Find("payload.hits.hits");
  if (hits && !hits->IsArray()) {
    return Status::InvalidArgument(
        fmt::format("payload.hits.hits must be an array, not {}", json::TypeName(*hits)));
  }

  NormalizedAlert a;
  a.source_kind = "watcher";
  // Watcher's context does not name the cluster; a watch can in its metadata.
  a.source = formats::Clip(f.String("metadata.source").value_or("watcher"), 256);
  a.rule_name =
      formats::TitleText(f.FirstString({"metadata.name", "metadata.title"}).value_or(*watch_id));
  a.title = a.rule_name;
  std::string description = f.String("metadata.description").value_or("");
  if (auto total = f.FirstString({"payload.hits.total.value", "payload.hits.total"})) {
    description += fmt::format("{}{} matching documents", description.empty() ? "" : "\n", *total);
  }
  a.severity = Severity::kMedium;
  if (auto word = f.String("metadata.severity")) {
    a.severity = formats::SeverityFromWord(*word).value_or(Severity::kMedium);
  }
  for (const auto& tag : f.StringList("metadata.tags")) {
    formats::AddTag(tag, &a.tags);
  }

  // The watch and the documents it found; never ctx.id (one execution).
  std::vector<std::string> doc_ids;
  std::optional<int64_t> first_seen;
  if (hits) {
    size_t n = 0;
    for (const auto& hit : hits->GetArray()) {
      if (!hit.IsObject() || n++ >= formats::kMaxAlerts) {
        continue;
      }
      Fields h(hit);
      doc_ids.push_back(
          fmt::format("{}/{}", h.String("_index").value_or(""), h.String("_id").value_or("")));
      const Value* source = h.Find("_source");
      if (!source || !source->IsObject()) {
        continue;
      }
      Fields doc(*source);
      formats::AddMapped(doc, EcsFieldMap(), &a.observables);
      for (const auto& id : doc.StringList("threat.technique.id")) {
        formats::AddAttackTag(id, &a.tags);
      }
      if (auto t = doc.Time("@timestamp"); t && (!first_seen || *t < *first_seen)) {
        first_seen = t;
      }
      if (n == 1) {
        if (auto message = doc.String("message")) {
          description += "\n" + *message;
        }
      }
    }
  }
  std::sort(doc_ids.begin(), doc_ids.end());
  doc_ids.erase(std::unique(doc_ids.begin(), doc_ids.end()), doc_ids.end());
  a.dedup_key = "watch_id=" + *watch_id;
  for (const auto& id : doc_ids) {
    a.dedup_key += " " + id;
  }
  a.description = formats::DescriptionText(description);
  a.event_time = first_seen ? first_seen : f.Time("execution_time");
  if (!a.event_time) {
    a.event_time = f.Time("trigger.triggered_time");
  }
  a.raw_json = json::Serialize(root);
  return std::vector<NormalizedAlert>{std::move(a)};
}

}  // namespace wf::ingest
