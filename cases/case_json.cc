#include "cases/case_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.h"
#include "core/json_parse.h"
#include "observables/observable_json.h"

namespace wf::cases {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void Key(Writer& w, const char* k) { w.Key(k); }
void OptTime(Writer& w, const char* k, std::optional<int64_t> ms) {
  w.Key(k);
  if (ms) {
    Str(w, FormatRfc3339(*ms));
  } else {
    w.Null();
  }
}
void OptStr(Writer& w, const char* k, const std::string& s) {
  w.Key(k);
  if (s.empty()) {
    w.Null();
  } else {
    Str(w, s);
  }
}
void Raw(Writer& w, const std::string& json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

void WriteCase(Writer& w, const Case& c, int64_t now) {
  w.StartObject();
  Key(w, "id");
  w.Int64(c.id);
  Key(w, "number");
  Str(w, c.number);
  Key(w, "title");
  Str(w, c.title);
  Key(w, "description");
  Str(w, c.description);
  Key(w, "severity");
  Str(w, SeverityName(c.severity));
  Key(w, "tier");
  Str(w, TierName(c.tier));
  Key(w, "status");
  Str(w, CaseStatusName(c.status));
  OptStr(w, "assignee", c.assignee_login);
  Key(w, "tlp");
  Str(w, TlpName(c.tlp));
  Key(w, "pap");
  Str(w, PapName(c.pap));
  Key(w, "tags");
  w.StartArray();
  for (const auto& t : c.tags) Str(w, t);
  w.EndArray();
  OptStr(w, "template", c.template_name);
  Key(w, "created_by");
  Str(w, c.created_by);
  OptTime(w, "created_at", c.created_at);
  OptTime(w, "updated_at", c.updated_at);
  OptTime(w, "acknowledged_at", c.acknowledged_at);
  OptTime(w, "resolved_at", c.resolved_at);
  OptTime(w, "closed_at", c.closed_at);
  Key(w, "sla");
  w.StartObject();
  OptTime(w, "ack_due", c.sla.ack_due);
  OptTime(w, "resolve_due", c.sla.resolve_due);
  Key(w, "ack_breached");
  w.Bool(c.sla.ack_breached);
  Key(w, "resolve_breached");
  w.Bool(c.sla.resolve_breached);
  Key(w, "remaining_ms");
  if (auto rem = SlaRemainingMs(c, now)) {
    w.Int64(*rem);
  } else {
    w.Null();
  }
  Key(w, "paused");
  w.Bool(c.sla.paused_at.has_value());
  w.EndObject();
  Key(w, "resolution");
  if (c.resolution) {
    Str(w, ResolutionName(*c.resolution));
  } else {
    w.Null();
  }
  OptStr(w, "root_cause", c.root_cause);
  OptStr(w, "resolution_notes", c.resolution_notes);
  Key(w, "feedback");
  if (c.feedback_rating) {
    w.StartObject();
    Key(w, "rating");
    w.Int(*c.feedback_rating);
    Key(w, "comment");
    Str(w, c.feedback_comment);
    w.EndObject();
  } else {
    w.Null();
  }
}

template <typename F>
std::string Build(F f) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  f(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::string CaseToJson(const Case& c, int64_t now) {
  return Build([&](Writer& w) {
    WriteCase(w, c, now);
    w.EndObject();
  });
}

std::string CaseDetailToJson(const CaseDetail& d, int64_t now) {
  return Build([&](Writer& w) {
    WriteCase(w, d.c, now);
    Key(w, "open_tasks");
    w.Int64(d.open_tasks);
    Key(w, "alerts");
    w.StartArray();
    for (int64_t id : d.alert_ids) w.Int64(id);
    w.EndArray();
    Key(w, "observables");
    w.StartArray();
    for (const auto& o : d.observables) Raw(w, observables::ObservableToJson(o));
    w.EndArray();
    w.EndObject();
  });
}

std::string EventToJson(const CaseEvent& e) {
  return Build([&](Writer& w) {
    w.StartObject();
    Key(w, "id");
    w.Int64(e.id);
    Key(w, "case_id");
    w.Int64(e.case_id);
    OptTime(w, "time", e.time);
    Key(w, "actor");
    Str(w, e.actor);
    Key(w, "kind");
    Str(w, e.kind);
    Key(w, "body");
    Str(w, e.body);
    Key(w, "details");
    rapidjson::Document doc;
    if (json::Parse(e.details_json, doc).ok()) {
      doc.Accept(w);
    } else {
      w.Null();
    }
    w.EndObject();
  });
}

std::string TaskLogToJson(const TaskLog& l) {
  return Build([&](Writer& w) {
    w.StartObject();
    Key(w, "id");
    w.Int64(l.id);
    Key(w, "task_id");
    w.Int64(l.task_id);
    OptTime(w, "time", l.time);
    Key(w, "actor");
    Str(w, l.actor);
    Key(w, "body");
    Str(w, l.body);
    w.EndObject();
  });
}

std::string TaskToJson(const Task& t, const std::vector<TaskLog>& logs) {
  return Build([&](Writer& w) {
    w.StartObject();
    Key(w, "id");
    w.Int64(t.id);
    Key(w, "case_id");
    w.Int64(t.case_id);
    Key(w, "title");
    Str(w, t.title);
    Key(w, "description");
    Str(w, t.description);
    Key(w, "status");
    Str(w, TaskStatusName(t.status));
    Key(w, "assignee_id");
    if (t.assignee_id) {
      w.Int64(*t.assignee_id);
    } else {
      w.Null();
    }
    Key(w, "position");
    w.Int(t.position);
    OptTime(w, "due_at", t.due_at);
    OptTime(w, "created_at", t.created_at);
    OptTime(w, "updated_at", t.updated_at);
    OptTime(w, "completed_at", t.completed_at);
    Key(w, "logs");
    w.StartArray();
    for (const auto& l : logs) {
      if (l.task_id == t.id) Raw(w, TaskLogToJson(l));
    }
    w.EndArray();
    w.EndObject();
  });
}

std::string AttachmentToJson(const Attachment& a) {
  return Build([&](Writer& w) {
    w.StartObject();
    Key(w, "id");
    w.Int64(a.id);
    Key(w, "case_id");
    w.Int64(a.case_id);
    Key(w, "sha256");
    Str(w, a.sha256);
    Key(w, "filename");
    Str(w, a.filename);
    Key(w, "content_type");
    Str(w, a.content_type);
    Key(w, "size");
    w.Int64(a.size);
    Key(w, "uploaded_by");
    Str(w, a.uploaded_by);
    OptTime(w, "created_at", a.created_at);
    Key(w, "download");
    Str(w, "/api/v1/attachments/" + a.sha256);
    w.EndObject();
  });
}

std::string SlaPolicyToJson(const SlaPolicy& p) {
  return Build([&](Writer& w) {
    w.StartObject();
    Key(w, "severity");
    Str(w, SeverityName(p.severity));
    Key(w, "ack_minutes");
    w.Int64(p.ack_minutes);
    Key(w, "resolve_minutes");
    w.Int64(p.resolve_minutes);
    Key(w, "auto_escalate");
    w.Bool(p.auto_escalate);
    w.EndObject();
  });
}

std::string TemplateToJson(const CaseTemplate& t) {
  return Build([&](Writer& w) {
    w.StartObject();
    Key(w, "id");
    w.Int64(t.id);
    Key(w, "name");
    Str(w, t.name);
    Key(w, "description");
    Str(w, t.description);
    Key(w, "severity");
    if (t.severity) {
      Str(w, SeverityName(*t.severity));
    } else {
      w.Null();
    }
    Key(w, "tags");
    w.StartArray();
    for (const auto& tag : t.tags) Str(w, tag);
    w.EndArray();
    Key(w, "tasks");
    w.StartArray();
    for (const auto& task : t.tasks) {
      w.StartObject();
      Key(w, "title");
      Str(w, task.title);
      Key(w, "description");
      Str(w, task.description);
      w.EndObject();
    }
    w.EndArray();
    OptTime(w, "created_at", t.created_at);
    OptTime(w, "updated_at", t.updated_at);
    w.EndObject();
  });
}

}  // namespace wf::cases
