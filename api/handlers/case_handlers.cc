#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/handlers/related.h"
#include "api/problem.h"
#include "api/request_context.h"
#include "cases/case_json.h"
#include "cases/case_service.h"
#include "core/clock.h"
#include "ingest/alert_service.h"
#include "observables/normalize.h"
#include "observables/observable_json.h"

namespace wf::api {

namespace {

using cases::CaseService;

cases::Actor ActorOf(const RequestContext& ctx) { return {*ctx.principal, ctx.Audit()}; }

int64_t Now(const RequestContext& ctx) { return ctx.services.clock.NowMs(); }

// Replies with the case as JSON (`status` code), or the error.
auto CaseReply(ContextPtr ctx, Respond respond, int status = 200) {
  return [ctx, respond, status](Result<cases::Case> c) {
    if (!c.ok()) return RespondError(*ctx, respond, c.status());
    RespondJson(respond, cases::CaseToJson(*c, Now(*ctx)), status);
  };
}

// The {id} path parameter: a case id or number ("SOC-2026-045").
Result<int64_t> CaseParam(const RequestContext& ctx) {
  auto it = ctx.params.find("id");
  if (it == ctx.params.end()) return Status::NotFound("no such case");
  return ctx.services.cases.ResolveId(it->second);
}

// Parses the body, checks read permission and known keys; the common prologue.
Result<JsonBody> Body(const RequestContext& ctx, std::initializer_list<std::string_view> keys) {
  WF_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(ctx.request.body.empty() ? "{}" : ctx.request.body));
  WF_RETURN_IF_ERROR(body.OnlyKnownKeys(keys));
  return body;
}

template <typename E>
Result<std::optional<E>> EnumField(const JsonBody& b, const char* key, std::optional<E> (*parse)(std::string_view),
                                   const char* allowed) {
  WF_ASSIGN_OR_RETURN(auto s, b.String(key));
  if (!s) return std::optional<E>();
  auto v = parse(*s);
  if (!v) return Status::Unprocessable(fmt::format("{} must be {}", key, allowed));
  return std::optional<E>(*v);
}

Result<std::optional<int64_t>> TimeField(const JsonBody& b, const char* key) {
  WF_ASSIGN_OR_RETURN(auto s, b.String(key));
  if (!s) return std::optional<int64_t>();
  int64_t ms = 0;
  if (!ParseRfc3339(*s, &ms)) return Status::Unprocessable(fmt::format("{} must be an RFC 3339 time", key));
  return std::optional<int64_t>(ms);
}

void CreateCase(ContextPtr ctx, Respond respond) {
  WF_TRY(JsonBody body, Body(*ctx, {"title", "description", "severity", "tlp", "pap", "tags", "template", "assignee"}));
  cases::NewCase spec;
  WF_TRY(spec.title, RequiredString(body, "title"));
  WF_TRY(auto description, body.String("description"));
  spec.description = description.value_or("");
  WF_TRY(auto severity, EnumField<Severity>(body, "severity", ParseSeverity, "low, medium, high or critical"));
  spec.severity = severity.value_or(Severity::kMedium);
  WF_TRY(auto tlp, EnumField<Tlp>(body, "tlp", ParseTlp, "clear, green, amber, amber+strict or red"));
  spec.tlp = tlp.value_or(Tlp::kAmber);
  WF_TRY(auto pap, EnumField<Pap>(body, "pap", ParsePap, "clear, green, amber or red"));
  spec.pap = pap.value_or(Pap::kAmber);
  WF_TRY(auto tags, body.StringArray("tags"));
  spec.tags = tags.value_or(std::vector<std::string>{});
  WF_TRY(auto tmpl, body.String("template"));
  spec.template_name = tmpl.value_or("");
  WF_TRY(spec.assignee, body.String("assignee"));
  ctx->services.cases.Create(std::move(spec), ActorOf(*ctx), CaseReply(ctx, respond, 201));
}

void ListCases(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  cases::CaseFilter f;
  for (const auto& v : ctx->query.GetAll("status")) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      std::string s = v.substr(start, comma - start);
      start = comma + 1;
      if (s.empty()) continue;
      auto st = cases::ParseCaseStatus(s);
      if (!st) {
        return RespondError(*ctx, respond, Status::InvalidArgument(fmt::format(
            "status '{}' is not one of open, in_progress, awaiting_info, escalated, resolved, closed", s)));
      }
      f.statuses.push_back(*st);
    }
  }
  if (auto t = ctx->query.Get("tier")) {
    f.tier = cases::ParseTier(*t);
    if (!f.tier) return RespondError(*ctx, respond, Status::InvalidArgument("tier must be L1, L2 or L3"));
  }
  if (auto s = ctx->query.Get("severity")) {
    f.severity = ParseSeverity(*s);
    if (!f.severity) return RespondError(*ctx, respond, Status::InvalidArgument("severity must be low, medium, high or critical"));
  }
  if (auto a = ctx->query.Get("assignee")) {
    if (*a == "none") {
      f.unassigned = true;
    } else {
      std::string login = *a == "me" ? ctx->principal->name : *a;
      WF_TRY(f.assignee_id, ctx->services.cases.UserId(login));
    }
  }
  f.tag = ctx->query.Get("tag");
  f.q = ctx->query.Get("q");
  if (f.q && f.q->empty()) f.q.reset();
  if (auto b = ctx->query.Get("sla_breached")) {
    if (*b != "true" && *b != "false") {
      return RespondError(*ctx, respond, Status::InvalidArgument("sla_breached must be true or false"));
    }
    f.sla_breached = *b == "true";
  }
  WF_TRY(int limit, ctx->LimitQuery(50, 500));
  WF_TRY(f.before_id, ctx->CursorQuery());
  f.limit = limit + 1;
  WF_TRY(auto list, ctx->services.cases.List(f));
  std::optional<std::string> next;
  if (static_cast<int>(list.size()) > limit) {
    list.resize(static_cast<size_t>(limit));
    next = std::to_string(list.back().id);
  }
  JsonBuilder b;
  b.BeginObject().Key("cases").BeginArray();
  int64_t now = Now(*ctx);
  for (const auto& c : list) b.RawValue(cases::CaseToJson(c, now));
  b.EndArray().Key("next_cursor").OptString(next).EndObject();
  RespondJson(respond, b.Take());
}

void GetCase(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(auto d, ctx->services.cases.Get(ctx->params["id"]));
  RespondJson(respond, WithRelated(cases::CaseDetailToJson(d, Now(*ctx)), RelatedJson(*ctx, "case", d.c.id)));
}

void PatchCase(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"title", "description", "severity", "tlp", "pap", "tags", "status"}));
  cases::CasePatch p;
  WF_TRY(p.title, body.String("title"));
  WF_TRY(p.description, body.String("description"));
  WF_TRY(p.severity, EnumField<Severity>(body, "severity", ParseSeverity, "low, medium, high or critical"));
  WF_TRY(p.tlp, EnumField<Tlp>(body, "tlp", ParseTlp, "clear, green, amber, amber+strict or red"));
  WF_TRY(p.pap, EnumField<Pap>(body, "pap", ParsePap, "clear, green, amber or red"));
  WF_TRY(p.tags, body.StringArray("tags"));
  WF_TRY(p.status, EnumField<cases::CaseStatus>(body, "status", cases::ParseCaseStatus,
                                                "open, in_progress, awaiting_info, escalated, resolved or closed"));
  ctx->services.cases.Update(id, std::move(p), ActorOf(*ctx), CaseReply(ctx, respond));
}

void AssignCase(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"assignee"}));
  WF_TRY(auto assignee, body.String("assignee"));
  if (!assignee && !body.Has("assignee") && ctx->request.body.find("assignee") == std::string::npos) {
    return RespondError(*ctx, respond, Status::Unprocessable("assignee is required: a login, or null to unassign"));
  }
  ctx->services.cases.Assign(id, assignee, ActorOf(*ctx), CaseReply(ctx, respond));
}

void EscalateCase(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"tier", "reason"}));
  WF_TRY(std::string tier, RequiredString(body, "tier"));
  WF_TRY(std::string reason, RequiredString(body, "reason"));
  ctx->services.cases.Escalate(id, tier, reason, ActorOf(*ctx), CaseReply(ctx, respond));
}

void ResolveCase(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"resolution", "resolution_notes", "root_cause"}));
  cases::ResolveRequest req;
  WF_TRY(req.resolution, RequiredString(body, "resolution"));
  WF_TRY(auto notes, body.String("resolution_notes"));
  WF_TRY(auto root, body.String("root_cause"));
  req.resolution_notes = notes.value_or("");
  req.root_cause = root.value_or("");
  ctx->services.cases.Resolve(id, std::move(req), ActorOf(*ctx), CaseReply(ctx, respond));
}

void CloseCase(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  ctx->services.cases.Close(id, ActorOf(*ctx), CaseReply(ctx, respond));
}

void ReopenCase(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"reason"}));
  WF_TRY(std::string reason, RequiredString(body, "reason"));
  ctx->services.cases.Reopen(id, reason, ActorOf(*ctx), CaseReply(ctx, respond));
}

void FeedbackCase(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"rating", "comment"}));
  WF_TRY(auto rating, body.Int("rating"));
  if (!rating) return RespondError(*ctx, respond, Status::Unprocessable("rating is required: 1 to 5"));
  WF_TRY(auto comment, body.String("comment"));
  ctx->services.cases.Feedback(id, *rating, comment.value_or(""), ActorOf(*ctx), CaseReply(ctx, respond));
}

void ListEvents(ContextPtr ctx, Respond respond, std::optional<std::string> kind, const char* key) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(auto events, ctx->services.cases.Timeline(id, kind));
  JsonBuilder b;
  b.BeginObject().Key(key).BeginArray();
  for (const auto& e : events) b.RawValue(cases::EventToJson(e));
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void ListComments(ContextPtr ctx, Respond respond) { ListEvents(ctx, respond, "comment", "comments"); }
void Timeline(ContextPtr ctx, Respond respond) { ListEvents(ctx, respond, std::nullopt, "events"); }

void AddComment(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"body"}));
  WF_TRY(std::string text, RequiredString(body, "body"));
  ctx->services.cases.AddComment(id, text, ActorOf(*ctx), [ctx, respond](Result<cases::CaseEvent> e) {
    if (!e.ok()) return RespondError(*ctx, respond, e.status());
    RespondJson(respond, cases::EventToJson(*e), 201);
  });
}

void ListTasks(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(auto tasks, ctx->services.cases.Tasks(id));
  JsonBuilder b;
  b.BeginObject().Key("tasks").BeginArray();
  for (const auto& t : tasks.first) b.RawValue(cases::TaskToJson(t, tasks.second));
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

auto TaskReply(ContextPtr ctx, Respond respond, int status) {
  return [ctx, respond, status](Result<cases::Task> t) {
    if (!t.ok()) return RespondError(*ctx, respond, t.status());
    RespondJson(respond, cases::TaskToJson(*t, {}), status);
  };
}

void AddTask(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"title", "description", "assignee", "due_at"}));
  cases::NewTask t;
  WF_TRY(t.title, RequiredString(body, "title"));
  WF_TRY(auto d, body.String("description"));
  t.description = d.value_or("");
  WF_TRY(t.assignee, body.String("assignee"));
  WF_TRY(t.due_at, TimeField(body, "due_at"));
  ctx->services.cases.AddTask(id, std::move(t), ActorOf(*ctx), TaskReply(ctx, respond, 201));
}

void PatchTask(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(JsonBody body, Body(*ctx, {"title", "description", "status", "assignee", "due_at"}));
  cases::TaskPatch p;
  WF_TRY(p.title, body.String("title"));
  WF_TRY(p.description, body.String("description"));
  WF_TRY(p.status, EnumField<cases::TaskStatus>(body, "status", cases::ParseTaskStatus,
                                                "waiting, in_progress, completed or cancelled"));
  WF_TRY(auto assignee, body.String("assignee"));
  if (assignee) {
    p.assignee = std::optional<std::string>(*assignee);
  } else if (ctx->request.body.find("\"assignee\"") != std::string::npos) {
    p.assignee = std::optional<std::string>();  // explicit null: unassign
  }
  WF_TRY(auto due, TimeField(body, "due_at"));
  if (due) p.due_at = *due;
  ctx->services.cases.UpdateTask(id, std::move(p), ActorOf(*ctx), TaskReply(ctx, respond, 200));
}

void AddTaskLog(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(JsonBody body, Body(*ctx, {"body"}));
  WF_TRY(std::string text, RequiredString(body, "body"));
  ctx->services.cases.AddTaskLog(id, text, ActorOf(*ctx), [ctx, respond](Result<cases::TaskLog> l) {
    if (!l.ok()) return RespondError(*ctx, respond, l.status());
    RespondJson(respond, cases::TaskLogToJson(*l), 201);
  });
}

void ListCaseObservables(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(auto list, ctx->services.cases.Observables(id));
  JsonBuilder b;
  b.BeginObject().Key("observables").BeginArray();
  for (const auto& o : list) b.RawValue(observables::ObservableToJson(o));
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void AddCaseObservable(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(JsonBody body, Body(*ctx, {"type", "value", "ioc", "tags"}));
  WF_TRY(std::string type_name, RequiredString(body, "type"));
  WF_TRY(std::string value, RequiredString(body, "value"));
  WF_TRY(auto ioc, body.Bool("ioc"));
  auto type = observables::ParseObservableType(type_name);
  if (!type) {
    return RespondError(*ctx, respond, Status::Unprocessable(fmt::format("type '{}' is not an observable type", type_name)));
  }
  auto norm = observables::Normalize(*type, value);
  if (!norm.ok()) return RespondError(*ctx, respond, Status::Unprocessable(fmt::format("value: {}", norm.status().message())));
  ctx->services.cases.AddObservable(id, norm->type, norm->value, ioc.value_or(false), ActorOf(*ctx),
                                    [ctx, respond](Result<observables::ObservableRecord> o) {
                                      if (!o.ok()) return RespondError(*ctx, respond, o.status());
                                      RespondJson(respond, observables::ObservableToJson(*o), 201);
                                    });
}

// The filename from Content-Disposition: attachment; filename="x" (or filename*=UTF-8''x).
std::string DispositionFilename(std::string_view cd) {
  auto find = [&](std::string_view key) -> std::string {
    size_t p = cd.find(key);
    if (p == std::string_view::npos) return {};
    std::string_view v = cd.substr(p + key.size());
    if (!v.empty() && v.front() == '"') {
      v.remove_prefix(1);
      size_t end = v.find('"');
      return std::string(v.substr(0, end));
    }
    size_t end = v.find(';');
    return std::string(v.substr(0, end));
  };
  std::string star = find("filename*=");
  if (!star.empty()) {
    size_t q = star.find("''");
    std::string enc = q == std::string::npos ? star : star.substr(q + 2);
    std::string out;
    if (PercentDecode(enc, &out, false)) return out;
  }
  return find("filename=");
}

// A single-part multipart/form-data body: the first part with a filename.
bool ParseMultipart(std::string_view content_type, const std::string& body, std::string* filename,
                    std::string* part_type, std::string* data) {
  size_t b = content_type.find("boundary=");
  if (b == std::string_view::npos) return false;
  std::string boundary(content_type.substr(b + 9));
  if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.find('"', 1) - 1);
  size_t semi = boundary.find(';');
  if (semi != std::string::npos) boundary.resize(semi);
  std::string delim = "--" + boundary;
  size_t pos = body.find(delim);
  while (pos != std::string::npos) {
    size_t headers_start = pos + delim.size();
    if (body.compare(headers_start, 2, "--") == 0) return false;
    headers_start = body.find("\r\n", headers_start);
    if (headers_start == std::string::npos) return false;
    headers_start += 2;
    size_t headers_end = body.find("\r\n\r\n", headers_start);
    if (headers_end == std::string::npos) return false;
    std::string headers = body.substr(headers_start, headers_end - headers_start);
    size_t next = body.find("\r\n" + delim, headers_end + 4);
    if (next == std::string::npos) return false;
    std::string lower = headers;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t cd = lower.find("content-disposition:");
    if (cd != std::string::npos) {
      size_t eol = headers.find("\r\n", cd);
      std::string fname = DispositionFilename(headers.substr(cd, eol == std::string::npos ? std::string::npos : eol - cd));
      if (!fname.empty()) {
        *filename = fname;
        size_t ct = lower.find("content-type:");
        if (ct != std::string::npos) {
          size_t e2 = headers.find("\r\n", ct);
          std::string v = headers.substr(ct + 13, e2 == std::string::npos ? std::string::npos : e2 - ct - 13);
          while (!v.empty() && v.front() == ' ') v.erase(v.begin());
          *part_type = v;
        }
        *data = body.substr(headers_end + 4, next - headers_end - 4);
        return true;
      }
    }
    pos = next + 2;
  }
  return false;
}

void AddAttachment(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, CaseParam(*ctx));
  std::string content_type(ctx->request.Header("content-type"));
  std::string filename, data, part_type;
  if (content_type.rfind("multipart/form-data", 0) == 0) {
    if (!ParseMultipart(content_type, ctx->request.body, &filename, &part_type, &data)) {
      return RespondError(*ctx, respond, Status::InvalidArgument("multipart body without a file part"));
    }
    content_type = part_type;
  } else {
    filename = DispositionFilename(ctx->request.Header("content-disposition"));
    data = std::move(ctx->request.body);
  }
  ctx->services.cases.AddAttachment(id, std::move(filename), content_type, std::move(data), ActorOf(*ctx),
                                    [ctx, respond](Result<cases::Attachment> a) {
                                      if (!a.ok()) return RespondError(*ctx, respond, a.status());
                                      RespondJson(respond, cases::AttachmentToJson(*a), 201);
                                    });
}

void ListAttachments(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(int64_t id, CaseParam(*ctx));
  WF_TRY(auto list, ctx->services.cases.Attachments(id));
  JsonBuilder b;
  b.BeginObject().Key("attachments").BeginArray();
  for (const auto& a : list) b.RawValue(cases::AttachmentToJson(a));
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void DownloadAttachment(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  // Evidence uploaded to a case, else a file that came with an alert (an
  // email attachment): both are readable by every role that reads alerts and
  // cases, and both live in the same content-addressed store.
  const std::string& sha256 = ctx->params["sha256"];
  auto found = ctx->services.cases.OpenAttachment(sha256);
  if (!found.ok() && found.status().code() == StatusCode::kNotFound) {
    auto from_alert = ctx->services.alerts.OpenAttachment(sha256);
    if (from_alert.ok()) {
      cases::Attachment a;
      a.sha256 = from_alert->second.sha256;
      a.filename = from_alert->second.filename;
      found = std::make_pair(from_alert->first, std::move(a));
    } else if (from_alert.status().code() != StatusCode::kNotFound) {
      found = from_alert.status();
    }
  }
  if (!found.ok()) return RespondError(*ctx, respond, found.status());
  std::ifstream in(found->first, std::ios::binary);
  if (!in) return RespondError(*ctx, respond, Status::NotFound("the attachment's file is missing"));
  std::ostringstream ss;
  ss << in.rdbuf();
  HttpResponse r;
  r.status = 200;
  // Evidence is never rendered by the browser: always a download.
  r.content_type = "application/octet-stream";
  std::string ascii;
  for (char c : found->second.filename) ascii.push_back((static_cast<unsigned char>(c) < 0x80 && c != '\\') ? c : '_');
  std::string encoded;
  for (unsigned char c : found->second.filename) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii, encoded));
  r.body = ss.str();
  respond(std::move(r));
}

void GetSlaPolicies(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(auto list, ctx->services.cases.SlaPolicies());
  JsonBuilder b;
  b.BeginObject().Key("policies").BeginArray();
  for (const auto& p : list) b.RawValue(cases::SlaPolicyToJson(p));
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void PutSlaPolicies(ContextPtr ctx, Respond respond) {
  // {"policies":[{"severity","ack_minutes","resolve_minutes","auto_escalate"}]}
  WF_TRY(JsonBody body, Body(*ctx, {"policies"}));
  WF_TRY(auto items, body.ObjectArray("policies"));
  if (!items) return RespondError(*ctx, respond, Status::Unprocessable("policies is required"));
  std::vector<cases::SlaPolicy> policies;
  for (const auto& item : *items) {
    WF_TRY(std::string sev, RequiredString(item, "severity"));
    auto severity = ParseSeverity(sev);
    if (!severity) return RespondError(*ctx, respond, Status::Unprocessable("severity must be low, medium, high or critical"));
    WF_TRY(auto ack, item.Int("ack_minutes"));
    WF_TRY(auto res, item.Int("resolve_minutes"));
    WF_TRY(auto esc, item.Bool("auto_escalate"));
    if (!ack || !res) return RespondError(*ctx, respond, Status::Unprocessable("ack_minutes and resolve_minutes are required"));
    policies.push_back({*severity, *ack, *res, esc.value_or(false)});
  }
  ctx->services.cases.PutSlaPolicies(std::move(policies), ActorOf(*ctx),
                                     [ctx, respond](Result<std::vector<cases::SlaPolicy>> r) {
                                       if (!r.ok()) return RespondError(*ctx, respond, r.status());
                                       JsonBuilder b;
                                       b.BeginObject().Key("policies").BeginArray();
                                       for (const auto& p : *r) b.RawValue(cases::SlaPolicyToJson(p));
                                       b.EndArray().EndObject();
                                       RespondJson(respond, b.Take());
                                     });
}

Result<cases::CaseTemplate> TemplateFromBody(const JsonBody& body) {
  cases::CaseTemplate t;
  WF_ASSIGN_OR_RETURN(t.name, RequiredString(body, "name"));
  WF_ASSIGN_OR_RETURN(auto d, body.String("description"));
  t.description = d.value_or("");
  WF_ASSIGN_OR_RETURN(t.severity, EnumField<Severity>(body, "severity", ParseSeverity, "low, medium, high or critical"));
  WF_ASSIGN_OR_RETURN(auto tags, body.StringArray("tags"));
  t.tags = tags.value_or(std::vector<std::string>{});
  WF_ASSIGN_OR_RETURN(auto tasks, body.ObjectArray("tasks"));
  if (tasks) {
    for (const auto& item : *tasks) {
      cases::TemplateTask task;
      WF_ASSIGN_OR_RETURN(task.title, RequiredString(item, "title"));
      WF_ASSIGN_OR_RETURN(auto td, item.String("description"));
      task.description = td.value_or("");
      t.tasks.push_back(std::move(task));
    }
  }
  return t;
}

auto TemplateReply(ContextPtr ctx, Respond respond, int status) {
  return [ctx, respond, status](Result<cases::CaseTemplate> t) {
    if (!t.ok()) return RespondError(*ctx, respond, t.status());
    RespondJson(respond, cases::TemplateToJson(*t), status);
  };
}

void ListTemplates(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(auto list, ctx->services.cases.Templates());
  JsonBuilder b;
  b.BeginObject().Key("templates").BeginArray();
  for (const auto& t : list) b.RawValue(cases::TemplateToJson(t));
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void GetTemplate(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(auto t, ctx->services.cases.GetTemplate(id));
  RespondJson(respond, cases::TemplateToJson(t));
}

void CreateTemplate(ContextPtr ctx, Respond respond) {
  WF_TRY(JsonBody body, Body(*ctx, {"name", "description", "severity", "tags", "tasks"}));
  WF_TRY(auto t, TemplateFromBody(body));
  ctx->services.cases.SaveTemplate(std::move(t), ActorOf(*ctx), TemplateReply(ctx, respond, 201));
}

void UpdateTemplate(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(JsonBody body, Body(*ctx, {"name", "description", "severity", "tags", "tasks"}));
  WF_TRY(auto t, TemplateFromBody(body));
  t.id = id;
  ctx->services.cases.SaveTemplate(std::move(t), ActorOf(*ctx), TemplateReply(ctx, respond, 200));
}

void DeleteTemplate(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  ctx->services.cases.DeleteTemplate(id, ActorOf(*ctx), [ctx, respond](Status st) {
    if (!st.ok()) return RespondError(*ctx, respond, st);
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    respond(std::move(r));
  });
}

// Alert triage into cases.
void PromoteAlert(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(JsonBody body, Body(*ctx, {"template", "title", "assignee"}));
  ingest::PromoteRequest req;
  WF_TRY(auto tmpl, body.String("template"));
  req.template_name = tmpl.value_or("");
  WF_TRY(req.title, body.String("title"));
  WF_TRY(req.assignee, body.String("assignee"));
  ctx->services.alerts.Promote(id, std::move(req), ActorOf(*ctx), CaseReply(ctx, respond, 201));
}

void MergeAlert(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(JsonBody body, Body(*ctx, {"case"}));
  // "case" may be an id (number) or a case number (string).
  std::string ref;
  if (auto as_int = body.Int("case"); as_int.ok() && *as_int) {
    ref = std::to_string(**as_int);
  } else {
    WF_TRY(auto as_str, body.String("case"));
    ref = as_str.value_or("");
  }
  ctx->services.alerts.Merge(id, ref, ActorOf(*ctx), CaseReply(ctx, respond));
}

void BulkAlerts(ContextPtr ctx, Respond respond) {
  WF_TRY(JsonBody body, Body(*ctx, {"ids", "action", "case", "template"}));
  ingest::BulkRequest req;
  WF_TRY(auto ids, body.IntArray("ids"));
  if (!ids) return RespondError(*ctx, respond, Status::Unprocessable("ids is required"));
  req.ids = std::move(*ids);
  WF_TRY(req.action, RequiredString(body, "action"));
  auto case_int = body.Int("case");
  if (case_int.ok() && *case_int) {
    req.case_ref = std::to_string(**case_int);
  } else {
    WF_TRY(auto s, body.String("case"));
    req.case_ref = s.value_or("");
  }
  WF_TRY(auto tmpl, body.String("template"));
  req.template_name = tmpl.value_or("");
  ctx->services.alerts.Bulk(std::move(req), ActorOf(*ctx),
                            [ctx, respond](Result<std::vector<ingest::BulkItem>> r) {
                              if (!r.ok()) return RespondError(*ctx, respond, r.status());
                              JsonBuilder b;
                              b.BeginObject().Key("results").BeginArray();
                              int64_t now = Now(*ctx);
                              for (const auto& item : *r) {
                                b.BeginObject().Key("id").Int(item.alert_id).Key("status").String(item.status);
                                b.Key("case");
                                if (item.c) {
                                  b.RawValue(cases::CaseToJson(*item.c, now));
                                } else {
                                  b.Null();
                                }
                                b.EndObject();
                              }
                              b.EndArray().EndObject();
                              RespondJson(respond, b.Take());
                            });
}

}  // namespace

void RegisterCaseRoutes(Router& r) {
  using A = AuthMode;
  using B = BodyKind;
  r.Add("POST", "/api/v1/cases", CreateCase, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/cases", ListCases, A::kUser, B::kNone);
  r.Add("GET", "/api/v1/cases/{id}", GetCase, A::kUser, B::kNone);
  r.Add("PATCH", "/api/v1/cases/{id}", PatchCase, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/cases/{id}/assign", AssignCase, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/cases/{id}/escalate", EscalateCase, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/cases/{id}/resolve", ResolveCase, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/cases/{id}/close", CloseCase, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/cases/{id}/reopen", ReopenCase, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/cases/{id}/feedback", FeedbackCase, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/cases/{id}/comments", ListComments, A::kUser, B::kNone);
  r.Add("POST", "/api/v1/cases/{id}/comments", AddComment, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/cases/{id}/timeline", Timeline, A::kUser, B::kNone);
  r.Add("GET", "/api/v1/cases/{id}/tasks", ListTasks, A::kUser, B::kNone);
  r.Add("POST", "/api/v1/cases/{id}/tasks", AddTask, A::kUser, B::kJson);
  r.Add("PATCH", "/api/v1/tasks/{id}", PatchTask, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/tasks/{id}/logs", AddTaskLog, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/cases/{id}/observables", ListCaseObservables, A::kUser, B::kNone);
  r.Add("POST", "/api/v1/cases/{id}/observables", AddCaseObservable, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/cases/{id}/attachments", ListAttachments, A::kUser, B::kNone);
  r.Add("POST", "/api/v1/cases/{id}/attachments", AddAttachment, A::kUser, B::kAny);
  r.Add("GET", "/api/v1/attachments/{sha256}", DownloadAttachment, A::kUser, B::kNone);
  r.Add("GET", "/api/v1/sla-policies", GetSlaPolicies, A::kUser, B::kNone);
  r.Add("PUT", "/api/v1/sla-policies", PutSlaPolicies, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/case-templates", ListTemplates, A::kUser, B::kNone);
  r.Add("POST", "/api/v1/case-templates", CreateTemplate, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/case-templates/{id}", GetTemplate, A::kUser, B::kNone);
  r.Add("PUT", "/api/v1/case-templates/{id}", UpdateTemplate, A::kUser, B::kJson);
  r.Add("DELETE", "/api/v1/case-templates/{id}", DeleteTemplate, A::kUser, B::kNone);
  r.Add("POST", "/api/v1/alerts/bulk", BulkAlerts, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/alerts/{id}/promote", PromoteAlert, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/alerts/{id}/merge", MergeAlert, A::kUser, B::kJson);
}

}  // namespace wf::api
