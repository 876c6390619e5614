#include "ingest/alert_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.h"
#include "cases/case.h"
#include "core/json_parse.h"
#include "observables/observable_json.h"

namespace wf::ingest {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void Time(Writer& w, const char* key, std::optional<int64_t> ms) {
  w.Key(key);
  if (ms) {
    Str(w, FormatRfc3339(*ms));
  } else {
    w.Null();
  }
}

void OptStr(Writer& w, const char* key, const std::string& s) {
  w.Key(key);
  if (s.empty()) {
    w.Null();
  } else {
    Str(w, s);
  }
}

void Nullable(Writer& w, const char* key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) {
    Str(w, *v);
  } else {
    w.Null();
  }
}

void Nullable(Writer& w, const char* key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v) {
    w.Int64(*v);
  } else {
    w.Null();
  }
}

// Embeds stored JSON text as a value (it was produced by our own serialiser).
void Raw(Writer& w, const char* key, const std::optional<std::string>& text) {
  w.Key(key);
  if (!text || text->empty()) {
    w.Null();
    return;
  }
  rapidjson::Document doc;
  if (json::Parse(*text, doc).ok()) {
    doc.Accept(w);
  } else {
    w.Null();
  }
}

void WriteAlert(Writer& w, const Alert& a) {
  w.StartObject();
  w.Key("id");
  w.Int64(a.id);
  w.Key("fingerprint");
  Str(w, a.fingerprint);
  w.Key("source_kind");
  Str(w, a.source_kind);
  w.Key("source");
  Str(w, a.source);
  OptStr(w, "source_ref", a.source_ref);
  OptStr(w, "rule_name", a.rule_name);
  w.Key("title");
  Str(w, a.title);
  w.Key("description");
  Str(w, a.description);
  w.Key("severity");
  Str(w, SeverityName(a.severity));
  w.Key("tlp");
  Str(w, TlpName(a.tlp));
  w.Key("pap");
  Str(w, PapName(a.pap));
  w.Key("status");
  Str(w, AlertStatusName(a.status));
  Nullable(w, "case_id", a.case_id);
  w.Key("occurrences");
  w.Int64(a.occurrences);
  Time(w, "first_seen", a.first_seen);
  Time(w, "last_seen", a.last_seen);
  Time(w, "event_time", a.event_time);
  w.Key("tags");
  w.StartArray();
  for (const auto& t : a.tags) Str(w, t);
  w.EndArray();
  Time(w, "created_at", a.created_at);
  Time(w, "updated_at", a.updated_at);
  Nullable(w, "assignee", a.assignee);
  Nullable(w, "tier", a.tier ? std::optional<std::string>(cases::TierName(static_cast<int>(*a.tier))) : std::nullopt);
  Nullable(w, "ignore_reason", a.ignore_reason);
  Nullable(w, "suppressed_by", a.suppressed_by);
}

}  // namespace

std::string AlertToJson(const Alert& a) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteAlert(w, a);
  w.EndObject();
  return buf.GetString();
}

std::string AlertDetailToJson(const AlertDetail& d) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteAlert(w, d.alert);
  w.Key("deliveries");
  w.Int64(d.deliveries);
  w.Key("observables");
  w.StartArray();
  for (size_t i = 0; i < d.observables.size(); ++i) {
    std::string text = observables::ObservableToJson(d.observables[i]);
    if (i < d.observable_case_counts.size() && !text.empty() && text.back() == '}') {
      text.pop_back();
      text += ",\"case_count\":" + std::to_string(d.observable_case_counts[i]) + "}";
    }
    w.RawValue(text.data(), text.size(), rapidjson::kObjectType);
  }
  w.EndArray();
  w.Key("attachments");
  w.StartArray();
  for (const auto& a : d.attachments) {
    w.StartObject();
    w.Key("id");
    w.Int64(a.id);
    w.Key("sha256");
    Str(w, a.sha256);
    w.Key("filename");
    Str(w, a.filename);
    w.Key("content_type");
    Str(w, a.content_type);
    w.Key("size");
    w.Int64(a.size);
    w.Key("download");
    Str(w, "/api/v1/attachments/" + a.sha256);
    w.EndObject();
  }
  w.EndArray();
  Raw(w, "raw_first", d.alert.raw_first);
  Raw(w, "raw_latest", d.alert.raw_latest);
  w.EndObject();
  return buf.GetString();
}

std::string IngestResultsToJson(const std::vector<IngestResult>& results) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  for (const auto& r : results) {
    w.StartObject();
    w.Key("id");
    if (r.id) {
      w.Int64(r.id);
    } else {
      w.Null();
    }
    w.Key("status");
    Str(w, IngestOutcomeName(r.outcome));
    w.Key("occurrences");
    w.Int64(r.occurrences);
    w.Key("case");
    if (r.case_id) {
      w.Int64(*r.case_id);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace wf::ingest
