// Routing rules over HTTP (issue 8): CRUD, validation, dry run, and what the
// rules do to alerts posted by real senders (samples/). The rule format is in
// docs/automation.md.
//
// Layout: helpers (JSON reading, samples, a webhook receiver, the `Soc`
// fixture, `Matches` for one condition), then tests grouped as rule
// management, permissions, validation, conditions, actions, order, a rule's
// lifecycle, audit and duplicates, failing steps, routing and the rest of the
// platform, dry run, concurrency, notify, hostile input.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/http_message.h"
#include "api/http_server.h"
#include "tests/support/http_client.h"
#include "tests/support/test_files.h"
#include "tests/support/test_server.h"
#include "tests/support/webhook_receiver.h"

namespace wf::test {
namespace {

constexpr int64_t kDedupWindowSeconds = 60;

// ---------------------------------------------------------------------------
// JSON reading for assertions.


std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  if (!array.IsArray()) return out;
  for (const auto& e : array.GetArray()) {
    if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// SQL string literal.
std::string Sql(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// ---------------------------------------------------------------------------
// Payloads of real senders (samples/), with small edits.


std::string Sample(const std::string& relative) { return ReadSample(relative); }

// Replaces every occurrence of `from` (which must occur) in `text`.
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t pos = text.find(from);
  if (pos == std::string::npos) throw std::runtime_error("sample edit: '" + from + "' not found");
  while (pos != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos = text.find(from, pos + to.size());
  }
  return text;
}

// samples/wazuh/01: "sshd: brute force trying to get access to the system.
// Non existent user." from wazuh-manager-01, level 10 (high), tags syslog,
// sshd, authentication_failures, attack.t1110; observables ip 203.0.113.7,
// user admin, hostname bastion-01.
const std::string kWazuhTitle = "sshd: brute force trying to get access to the system. Non existent user.";
std::string WazuhBruteForce() { return Sample("wazuh/01-ssh-bruteforce.json"); }
std::string WazuhBruteForceAgain() { return Sample("wazuh/02-ssh-bruteforce-again.json"); }
// The same rule from another agent (another alert), at another level.
std::string WazuhBruteForce(const std::string& agent_id, int level) {
  std::string s = Replace(WazuhBruteForce(), R"("id": "007")", fmt::format(R"("id": "{}")", agent_id));
  return Replace(s, R"("level": 10)", fmt::format(R"("level": {})", level));
}

// samples/elastic/01: "Suspicious PowerShell Encoded Command" (high) from
// kibana.corp.example.com; observables hostname, user, hash, filename.
std::string ElasticPowershell() { return Sample("elastic/01-encoded-powershell.json"); }

// samples/generic/brute-force.json: "SSH brute force against bastion-01"
// (high), ip 203.0.113.7 marked "ioc": true by the sender.
std::string GenericBruteForce() { return Sample("generic/brute-force.json"); }
// Another generic alert carrying `ip` marked IOC by the sender.
std::string GenericWithIoc(const std::string& ref, const std::string& title, const std::string& ip) {
  std::string s = Replace(GenericBruteForce(), "5712:agent-007", ref);
  s = Replace(s, "SSH brute force against bastion-01", title);
  return Replace(s, "203.0.113.7", ip);
}
// A generic alert with the given severity and no observables.
std::string GenericPlain(const std::string& ref, const std::string& title, const std::string& severity) {
  return fmt::format(R"({{"source":"edr-01","source_ref":"{}","title":"{}","severity":"{}","tags":["edr"]}})", ref,
                     title, severity);
}

// ---------------------------------------------------------------------------
// Rule bodies.

std::string RuleJson(const std::string& name, const std::string& when, const std::string& then,
                     const std::string& extra = "") {
  return fmt::format(R"({{"name":"{}",{}"when":{},"then":{}}})", name, extra.empty() ? "" : extra + ",", when, then);
}


// ---------------------------------------------------------------------------
// A SOC on a fresh server: an ingest key and a manager who edits the rules.
// The dedup window is short so a test can post the same sample again as a
// new alert (NextWindow) without outliving the 12-hour sessions.

struct Soc {
  explicit Soc(const std::function<void(Config&)>& tweak = {})
      : s([&](Config& c) {
          c.dedup_window_seconds = kDedupWindowSeconds;
          if (tweak) tweak(c);
        }) {
    key = s.CreateApiKey("siem");
    mia = s.CreateUserToken("mia", "manager");
  }

  // Past the dedup window: the next post of any sample is a new alert.
  void NextWindow() { s.clock().Advance((kDedupWindowSeconds + 1) * 1000); }

  // Saves a rule as the manager, requiring 201; returns its id.
  int64_t SaveRule(const std::string& body) {
    auto r = s.Post("/api/v1/routing-rules", body, mia);
    INFO(body << "\n-> " << r.body);
    REQUIRE(r.status == 201);
    return std::stoll(JsonField(r.body, "id"));
  }
  int64_t SaveRule(const std::string& name, const std::string& when, const std::string& then,
                   const std::string& extra = "") {
    return SaveRule(RuleJson(name, when, then, extra));
  }
  void PatchRule(int64_t id, const std::string& body) {
    auto r = s.Patch("/api/v1/routing-rules/" + std::to_string(id), body, mia);
    INFO(body << "\n-> " << r.body);
    REQUIRE(r.status == 200);
  }
  void DeleteRule(int64_t id) {
    auto r = s.Delete("/api/v1/routing-rules/" + std::to_string(id), mia);
    INFO(r.body);
    REQUIRE(r.status == 204);
  }
  rapidjson::Document Rule(int64_t id) {
    auto r = s.Get("/api/v1/routing-rules/" + std::to_string(id), mia);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return ParseJson(r.body);
  }

  // Posts a payload with the ingest key; requires 201 (a new alert) and
  // returns the ingest answer's first result.
  rapidjson::Document IngestResult(const std::string& format, const std::string& payload, int status = 201) {
    auto r = s.Post("/api/v1/ingest/" + format, payload, key);
    INFO(r.body);
    REQUIRE(r.status == status);
    auto doc = ParseJson(r.body);
    const auto& results = Member(doc, "results");
    REQUIRE(results.IsArray());
    REQUIRE(results.Size() >= 1);
    rapidjson::Document first;
    first.CopyFrom(results[0], first.GetAllocator());
    return first;
  }
  // Posts a payload that must create an alert; returns the alert id.
  std::string Ingest(const std::string& format, const std::string& payload) {
    auto r = IngestResult(format, payload);
    REQUIRE(Text(r, "status") == "created");
    return Text(r, "id");
  }

  rapidjson::Document Alert(const std::string& id) {
    auto r = s.Get("/api/v1/alerts/" + id, mia);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return ParseJson(r.body);
  }
  std::vector<std::string> Tags(const std::string& alert_id) { return Strings(Member(Alert(alert_id), "tags")); }

  rapidjson::Document Case(const std::string& ref) {
    auto r = s.Get("/api/v1/cases/" + ref, mia);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return ParseJson(r.body);
  }

  struct Event {
    std::string kind, actor, body;
  };
  std::vector<Event> Timeline(const std::string& case_ref) {
    auto r = s.Get("/api/v1/cases/" + case_ref + "/timeline", mia);
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto doc = ParseJson(r.body);
    std::vector<Event> out;
    for (const auto& e : Member(doc, "events").GetArray()) {
      out.push_back({Text(e, "kind"), Text(e, "actor"), Text(e, "body")});
    }
    return out;
  }

  // Audit records with this action (and actor, when given).
  int64_t Audits(const std::string& action, const std::string& actor = "") {
    std::string sql = "SELECT COUNT(*) FROM audit_log WHERE action = " + Sql(action);
    if (!actor.empty()) sql += " AND actor = " + Sql(actor);
    return s.QueryInt(sql);
  }

  // Loads samples/templates/<name>.json; returns the template id.
  std::string LoadTemplate(const std::string& name) {
    auto r = s.Post("/api/v1/case-templates", Sample("templates/" + name + ".json"), mia);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return JsonField(r.body, "id");
  }

  // Marks the platform observable (type, value) as IOC, as an analyst would.
  void MarkIoc(const std::string& type, const std::string& value) {
    int64_t id = s.QueryInt("SELECT id FROM observables WHERE type = " + Sql(type) + " AND value = " + Sql(value));
    auto r = s.Patch("/api/v1/observables/" + std::to_string(id), R"({"ioc":true})", mia);
    INFO(r.body);
    REQUIRE(r.status == 200);
  }

  // Everything a rejected request or a dry run must leave as it was.
  std::string Snapshot() {
    std::string out;
    for (const auto& [table, n] : s.Counts()) out += fmt::format("{}={} ", table, n);
    for (const char* table : {"routing_rules", "cases", "case_events", "outbox"}) {
      out += fmt::format("{}={} ", table, s.QueryInt(fmt::format("SELECT COUNT(*) FROM {}", table)));
    }
    out += fmt::format("rules={} ", s.QueryInt("SELECT COALESCE(SUM(matches * 7 + position * 3 + enabled + "
                                               "length(name) + length(definition) + updated_at % 1000003), 0) "
                                               "FROM routing_rules"));
    out += fmt::format("alert_states={}", s.QueryInt("SELECT COALESCE(SUM(length(status) * id + severity), 0) FROM alerts"));
    return out;
  }

  TestServer s;
  std::string key, mia;
  int probes = 0;
};

// The rule actor in the audit log and the case timeline.
std::string RuleActor(int64_t id, const std::string& name) { return fmt::format("rule:{}:{}", id, name); }

// A dry run; requires 200 and returns the answer.
rapidjson::Document DryRun(Soc& soc, const std::string& body) {
  auto r = soc.s.Post("/api/v1/routing-rules/test", body, soc.mia);
  INFO(body.substr(0, 2000) << "\n-> " << r.body);
  REQUIRE(r.status == 200);
  return ParseJson(r.body);
}

// Does the condition `when` match `payload` posted by `format`? Saves a rule
// tagging what it matches, posts the payload as a new alert, reads the tag
// back and deletes the rule. The dry run with the same rule inline must agree.
bool Matches(Soc& soc, const std::string& when, const std::string& format, const std::string& payload) {
  INFO("when: " << when << " (" << format << ")");
  int64_t rule = soc.SaveRule(fmt::format("probe {}", ++soc.probes), when, R"([{"add_tags":"probe-hit"}])");
  soc.NextWindow();
  std::string id = soc.Ingest(format, payload);
  bool hit = Contains(soc.Tags(id), "probe-hit");
  soc.DeleteRule(rule);

  auto dry = DryRun(soc, fmt::format(R"({{"format":"{}","payload":{},"rules":[{{"when":{},"then":[{{"stop":true}}]}}]}})",
                                     format, payload, when));
  const auto& alert = Member(dry, "alerts")[0];
  CHECK(Member(alert, "matched").Size() == (hit ? 1u : 0u));
  return hit;
}

// ===========================================================================
// Rule management.

TEST_CASE("Routing rules: a manager saves a rule and it ignores a matching alert", "[routing]") {
  TestServer server;
  std::string manager = server.CreateUserToken("mgr", "manager");
  std::string key = server.CreateApiKey("wazuh");
  auto saved = server.Post("/api/v1/routing-rules",
                           R"({"name":"noisy scanner","when":{"source":"scanner-1"},"then":[{"ignore":"known scanner"}]})",
                           manager);
  REQUIRE(saved.status == 201);
  auto posted = server.Post("/api/v1/ingest/generic", R"({"title":"port scan","source":"scanner-1"})", key);
  REQUIRE(posted.status == 201);
  CHECK(server.QueryInt("SELECT COUNT(*) FROM alerts WHERE status = 'ignored' AND suppressed_by IS NOT NULL") == 1);
}

TEST_CASE("Routing rules: a manager creates, reads, lists in order, updates and deletes rules", "[routing]") {
  Soc soc;
  TestServer& s = soc.s;

  auto created = s.Post("/api/v1/routing-rules",
                        R"({"name":"Wazuh level 12+ to L2","when":{"all":[{"format":"wazuh"},{"severity_at_least":"critical"}]},)"
                        R"("then":[{"assign_tier":"L2"},{"promote":true}]})",
                        soc.mia);
  INFO(created.body);
  REQUIRE(created.status == 201);
  auto rule = ParseJson(created.body);
  const int64_t first = std::stoll(Text(rule, "id"));
  CHECK(Text(rule, "name") == "Wazuh level 12+ to L2");
  CHECK(Text(rule, "position") == "10");  // after the last rule, in steps of 10
  CHECK(Text(rule, "enabled") == "true");
  CHECK(Text(rule, "matches") == "0");
  CHECK(Text(rule, "last_match") == "null");
  CHECK(Text(rule, "created_by") == "user:mia");
  CHECK(Text(Member(Member(rule, "when"), "all")[0], "format") == "wazuh");
  CHECK(Text(Member(rule, "then")[0], "assign_tier") == "L2");

  const int64_t second = soc.SaveRule("Ignore scanner", R"({"source":"scanner-1"})", R"([{"ignore":"scanner"}])");
  CHECK(Text(soc.Rule(second), "position") == "20");
  const int64_t third =
      soc.SaveRule("Disabled first", R"({"all":[]})", R"([{"add_tags":"x"}])", R"("position":5,"enabled":false)");
  CHECK(Text(soc.Rule(third), "enabled") == "false");

  auto names = [&] {
    auto r = s.Get("/api/v1/routing-rules", soc.mia);
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto doc = ParseJson(r.body);
    std::vector<std::string> out;
    for (const auto& x : Member(doc, "rules").GetArray()) out.push_back(Text(x, "name"));
    return out;
  };
  CHECK(names() == std::vector<std::string>{"Disabled first", "Wazuh level 12+ to L2", "Ignore scanner"});

  // Same position: by id.
  soc.PatchRule(second, R"({"position":10})");
  CHECK(names() == std::vector<std::string>{"Disabled first", "Wazuh level 12+ to L2", "Ignore scanner"});
  soc.PatchRule(first, R"({"position":30,"name":"Wazuh critical to L2"})");
  CHECK(names() == std::vector<std::string>{"Disabled first", "Ignore scanner", "Wazuh critical to L2"});
  auto patched = soc.Rule(first);
  CHECK(Text(patched, "name") == "Wazuh critical to L2");
  CHECK(Text(Member(patched, "then")[1], "promote") == "true");  // untouched fields stay

  auto deleted = s.Delete("/api/v1/routing-rules/" + std::to_string(third), soc.mia);
  CHECK(deleted.status == 204);
  CHECK(deleted.body.empty());
  CHECK(s.Get("/api/v1/routing-rules/" + std::to_string(third), soc.mia).status == 404);
  CHECK(names() == std::vector<std::string>{"Ignore scanner", "Wazuh critical to L2"});

  // Every change is audited under the user, with the rule as object.
  CHECK(soc.Audits("routing_rule.create", "user:mia") == 3);
  CHECK(soc.Audits("routing_rule.update", "user:mia") == 2);
  CHECK(soc.Audits("routing_rule.delete", "user:mia") == 1);
  CHECK(s.QueryInt(fmt::format("SELECT COUNT(*) FROM audit_log WHERE action = 'routing_rule.delete' AND "
                               "object_type = 'routing_rule' AND object_id = '{}' AND details LIKE '%Disabled first%'",
                               third)) == 1);

  // An admin manages rules too.
  auto by_admin = s.Post("/api/v1/routing-rules", RuleJson("By admin", R"({"tag":"x"})", R"([{"stop":true}])"),
                         s.admin_token());
  CHECK(by_admin.status == 201);
  CHECK(JsonField(by_admin.body, "created_by") == "user:admin");
}

TEST_CASE("Routing rules: unknown ids answer 404 and change nothing", "[routing]") {
  Soc soc;
  soc.SaveRule("Only", R"({"tag":"x"})", R"([{"stop":true}])");
  std::string before = soc.Snapshot();
  CHECK(soc.s.Get("/api/v1/routing-rules/999", soc.mia).status == 404);
  CHECK(soc.s.Patch("/api/v1/routing-rules/999", R"({"enabled":false})", soc.mia).status == 404);
  CHECK(soc.s.Delete("/api/v1/routing-rules/999", soc.mia).status == 404);
  CHECK(soc.Snapshot() == before);
}

// ===========================================================================
// Permissions.

TEST_CASE("Routing rules: only managers and admins see, edit or dry-run rules", "[routing]") {
  Soc soc;
  TestServer& s = soc.s;
  const int64_t id = soc.SaveRule("Existing", R"({"format":"wazuh"})", R"([{"add_tags":"w"}])");
  const std::string path = "/api/v1/routing-rules/" + std::to_string(id);
  const std::string body = RuleJson("Another", R"({"format":"elastic"})", R"([{"add_tags":"e"}])");
  const std::string dry = fmt::format(R"({{"format":"wazuh","payload":{}}})", WazuhBruteForce());

  std::vector<std::pair<std::string, std::string>> callers = {
      {"l1", s.CreateUserToken("ana", "l1")},       {"l2", s.CreateUserToken("lee", "l2")},
      {"l3", s.CreateUserToken("max", "l3")},       {"auditor", s.CreateUserToken("aud", "auditor")},
      {"ingest key", soc.key}};
  std::string before = soc.Snapshot();
  for (const auto& [who, token] : callers) {
    INFO(who);
    CHECK(s.Get("/api/v1/routing-rules", token).status == 403);
    CHECK(s.Get(path, token).status == 403);
    CHECK(s.Post("/api/v1/routing-rules", body, token).status == 403);
    CHECK(s.Patch(path, R"({"enabled":false})", token).status == 403);
    CHECK(s.Delete(path, token).status == 403);
    CHECK(s.Post("/api/v1/routing-rules/test", dry, token).status == 403);
  }
  CHECK(s.Get("/api/v1/routing-rules", "").status == 401);
  CHECK(s.Post("/api/v1/routing-rules", body, "").status == 401);
  CHECK(soc.Snapshot() == before);
  CHECK(Text(soc.Rule(id), "enabled") == "true");
}

// ===========================================================================
// Validation: 422 naming the bad part, 409 for a taken name, 400 for wrong
// JSON types; a refused save writes nothing.

TEST_CASE("Routing rules: invalid rules are refused with the path of the bad part and change nothing", "[routing]") {
  Soc soc;
  TestServer& s = soc.s;
  soc.s.CreateUserToken("ana", "l1");
  const int64_t existing = soc.SaveRule("Existing", R"({"format":"wazuh"})", R"([{"add_tags":"w"}])");

  struct Bad {
    std::string what, body;
    int status;
    std::string detail;
  };
  auto rule = [](const std::string& when, const std::string& then) { return RuleJson("New rule", when, then); };
  std::string deep = R"({"format":"wazuh"})";
  for (int i = 0; i < 17; ++i) deep = R"({"not":)" + deep + "}";
  std::string many_actions = "[";
  for (int i = 0; i < 33; ++i) many_actions += std::string(i ? "," : "") + R"({"add_tags":"t"})";
  many_actions += "]";
  std::string many_values = R"({"tag":[)";
  for (int i = 0; i < 257; ++i) many_values += fmt::format(R"({}"t{}")", i ? "," : "", i);
  many_values += "]}";
  std::string many_conditions = R"({"any":[)";
  for (int i = 0; i < 256; ++i) many_conditions += std::string(i ? "," : "") + R"({"format":"wazuh"})";
  many_conditions += "]}";
  const std::vector<Bad> cases = {
      {"unknown severity", rule(R"({"all":[{"format":"wazuh"},{"severity_at_least":"hgih"}]})", R"([{"stop":true}])"),
       422, "when.all[1].severity_at_least: unknown severity"},
      {"unknown condition", rule(R"({"any":[{"sevrity":"high"}]})", R"([{"stop":true}])"), 422,
       "when.any[0]: unknown condition 'sevrity'"},
      {"two keys in one condition", rule(R"({"format":"wazuh","source":"x"})", R"([{"stop":true}])"), 422,
       "when: a condition has exactly one key"},
      {"condition not an object", rule(R"({"not":["x"]})", R"([{"stop":true}])"), 422,
       "when.not: a condition is an object"},
      {"all not an array", rule(R"({"all":{"format":"wazuh"}})", R"([{"stop":true}])"), 422,
       "when.all: expected an array of conditions"},
      {"invalid regex", rule(R"({"rule_name":{"regex":"(unclosed"}})", R"([{"stop":true}])"), 422,
       "when.rule_name.regex: invalid regular expression"},
      {"unknown matcher", rule(R"({"source":{"startswith":"prod-"}})", R"([{"stop":true}])"), 422,
       "when.source: unknown match 'startswith'"},
      {"empty match list", rule(R"({"title":[]})", R"([{"stop":true}])"), 422, "when.title: must hold at least one value"},
      {"empty string", rule(R"({"all":[{"tag":["ok",""]}]})", R"([{"stop":true}])"), 422,
       "when.all[0].tag[1]: must not be empty"},
      {"unknown observable type", rule(R"({"observable_type":["ip","ipv9"]})", R"([{"stop":true}])"), 422,
       "when.observable_type: unknown observable type 'ipv9'"},
      {"known_ioc false", rule(R"({"known_ioc":false})", R"([{"stop":true}])"), 422, "when.known_ioc:"},
      {"nested too deep", rule(deep, R"([{"stop":true}])"), 422, "nest deeper than 16"},
      {"when not JSON object", rule(R"("wazuh")", R"([{"stop":true}])"), 422, "when: a condition is an object"},
      {"no actions", rule(R"({"format":"wazuh"})", "[]"), 422, "then: a rule needs at least one action"},
      {"then not an array", rule(R"({"format":"wazuh"})", R"({"stop":true})"), 422, "then: expected an array"},
      {"unknown action", rule(R"({"format":"wazuh"})", R"([{"stop":true},{"escalate":"L2"}])"), 422,
       "then[1]: unknown action 'escalate'"},
      {"action with two keys", rule(R"({"format":"wazuh"})", R"([{"stop":true,"ignore":"x"}])"), 422,
       "then[0]: an action is an object with exactly one key"},
      {"unknown user", rule(R"({"format":"wazuh"})", R"([{"assign_user":"bob"}])"), 422,
       "then[0].assign_user: no user 'bob'"},
      {"unknown tier", rule(R"({"format":"wazuh"})", R"([{"add_tags":"x"},{"assign_tier":"L4"}])"), 422,
       "then[1].assign_tier: unknown tier"},
      {"unknown template", rule(R"({"format":"wazuh"})", R"([{"promote":{"template":"nope"}}])"), 422,
       "then[0].promote.template: no case template 'nope'"},
      {"promote false", rule(R"({"format":"wazuh"})", R"([{"promote":false}])"), 422, "then[0].promote:"},
      {"set_severity unknown", rule(R"({"format":"wazuh"})", R"([{"set_severity":"urgent"}])"), 422,
       "then[0].set_severity: unknown severity"},
      {"invalid tag", rule(R"({"format":"wazuh"})", fmt::format(R"([{{"add_tags":["{}"]}}])", std::string(200, 't'))),
       422, "then[0].add_tags: tags are 1 to 128"},
      {"https webhook", rule(R"({"format":"wazuh"})", R"([{"notify":"https://pager.example.com/hook"}])"), 422,
       "then[0].notify: a webhook URL is http://"},
      {"webhook object not http", rule(R"({"format":"wazuh"})", R"([{"notify":{"url":"ftp://x/y"}}])"), 422,
       "then[0].notify.url:"},
      {"stop false", rule(R"({"format":"wazuh"})", R"([{"stop":false}])"), 422, "then[0].stop: use true"},
      {"merge_on_ioc not true", rule(R"({"format":"wazuh"})", R"([{"merge_on_ioc":"yes"}])"), 422,
       "then[0].merge_on_ioc: use true"},
      {"missing name", R"({"when":{"format":"wazuh"},"then":[{"stop":true}]})", 422, "name is required"},
      {"missing when", R"({"name":"x","then":[{"stop":true}]})", 422, "when is required"},
      {"missing then", R"({"name":"x","when":{"format":"wazuh"}})", 422, "then is required"},
      {"empty name", RuleJson("", R"({"format":"wazuh"})", R"([{"stop":true}])"), 422, "name: 1 to 200 bytes"},
      {"unknown top-level key",
       R"({"name":"x","priority":1,"when":{"format":"wazuh"},"then":[{"stop":true}]})", 422,
       "unknown field 'priority'"},
      {"duplicate name", RuleJson("Existing", R"({"format":"elastic"})", R"([{"stop":true}])"), 409, "Existing"},
      {"name not a string", R"({"name":5,"when":{"format":"wazuh"},"then":[{"stop":true}]})", 400, "name"},
      {"enabled not a boolean", R"({"name":"x","enabled":"yes","when":{"format":"wazuh"},"then":[{"stop":true}]})", 400,
       "enabled"},
      {"position not an integer", R"({"name":"x","position":"first","when":{"format":"wazuh"},"then":[{"stop":true}]})",
       400, "position"},
      {"not JSON", R"({"name":"x","when":)", 400, ""},
      {"name too long", RuleJson(std::string(201, 'n'), R"({"format":"wazuh"})", R"([{"stop":true}])"), 422,
       "name: 1 to 200 bytes"},
      {"name with a control character", RuleJson("bad\\u0007name", R"({"format":"wazuh"})", R"([{"stop":true}])"), 422,
       "name: no control characters"},
      {"more than 32 actions", rule(R"({"format":"wazuh"})", many_actions), 422, "then: more than 32 actions"},
      {"more than 256 values", rule(many_values, R"([{"stop":true}])"), 422, "when.tag: more than 256 values"},
      {"more than 256 conditions", rule(many_conditions, R"([{"stop":true}])"), 422, "more than 256 conditions"},
      {"string over 1024 bytes", rule(fmt::format(R"({{"title":{{"contains":"{}"}}}})", std::string(1025, 'x')),
                                      R"([{"stop":true}])"),
       422, "when.title.contains: longer than 1024 bytes"},
  };
  std::string before = soc.Snapshot();
  for (const auto& c : cases) {
    INFO(c.what << ": " << c.body);
    auto r = s.Post("/api/v1/routing-rules", c.body, soc.mia);
    INFO(r.body);
    CHECK(r.status == c.status);
    CHECK(r.Header("content-type") == "application/problem+json");
    CHECK(Has(JsonField(r.body, "detail"), c.detail));
    CHECK(soc.Snapshot() == before);
  }

  // The same checks on PATCH; the rule stays as it was.
  const std::string path = "/api/v1/routing-rules/" + std::to_string(existing);
  auto before_rule = s.Get(path, soc.mia).body;
  soc.SaveRule("Other", R"({"format":"elastic"})", R"([{"stop":true}])");
  before = soc.Snapshot();
  const std::vector<Bad> patches = {
      {"bad condition", R"({"when":{"any":[{"format":"wazuh"},{"severity_at_most":"none"}]}})", 422,
       "when.any[1].severity_at_most: unknown severity"},
      {"bad action", R"({"then":[{"add_tags":"x"},{"assign_user":"nobody"}]})", 422, "then[1].assign_user: no user 'nobody'"},
      {"taken name", R"({"name":"Other"})", 409, "Other"},
      {"unknown key", R"({"order":3})", 422, "unknown field 'order'"},
      {"wrong type", R"({"enabled":1})", 400, "enabled"},
  };
  for (const auto& c : patches) {
    INFO(c.what << ": " << c.body);
    auto r = s.Patch(path, c.body, soc.mia);
    INFO(r.body);
    CHECK(r.status == c.status);
    CHECK(Has(JsonField(r.body, "detail"), c.detail));
    CHECK(soc.Snapshot() == before);
  }
  CHECK(s.Get(path, soc.mia).body == before_rule);

  // A rule naming an existing user (ana, l1) is fine.
  soc.SaveRule("To ana", R"({"format":"wazuh"})", R"([{"assign_user":"ana"}])");
}

// ===========================================================================
// Conditions, each true and false, on alerts posted by real senders.

TEST_CASE("Routing conditions: format, source, rule_name and title with every matcher", "[routing]") {
  Soc soc;
  const std::string wazuh = WazuhBruteForce(), elastic = ElasticPowershell();

  SECTION("format") {
    CHECK(Matches(soc, R"({"format":"wazuh"})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"format":"wazuh"})", "elastic", elastic));
    CHECK(Matches(soc, R"({"format":["splunk","elastic"]})", "elastic", elastic));
    CHECK_FALSE(Matches(soc, R"({"format":{"equals":["splunk","kibana"]}})", "elastic", elastic));
    CHECK(Matches(soc, R"({"format":"generic"})", "generic", GenericBruteForce()));
  }
  SECTION("source") {
    CHECK(Matches(soc, R"({"source":"wazuh-manager-01"})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"source":"wazuh-manager-02"})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"source":{"prefix":"wazuh-"}})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"source":{"prefix":"Wazuh-"}})", "wazuh", wazuh));  // case-sensitive
    CHECK(Matches(soc, R"({"source":{"suffix":".example.com"}})", "elastic", elastic));
    CHECK_FALSE(Matches(soc, R"({"source":{"suffix":".example.org"}})", "elastic", elastic));
    CHECK(Matches(soc, R"({"source":{"contains":"CORP.Example"}})", "elastic", elastic));  // case-insensitive
    CHECK_FALSE(Matches(soc, R"({"source":{"contains":"corp.example.org"}})", "elastic", elastic));
  }
  SECTION("rule_name") {
    CHECK(Matches(soc, R"({"rule_name":"Suspicious PowerShell Encoded Command"})", "elastic", elastic));
    CHECK_FALSE(Matches(soc, R"({"rule_name":"suspicious powershell encoded command"})", "elastic", elastic));
    CHECK(Matches(soc, R"({"rule_name":{"regex":"^sshd: brute force"}})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"rule_name":{"regex":"^SSHD: brute force"}})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"rule_name":{"regex":"(?i)^SSHD: BRUTE"}})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"rule_name":{"regex":"Non existent"}})", "wazuh", wazuh));  // partial match
    CHECK_FALSE(Matches(soc, R"({"rule_name":{"regex":"^Non existent"}})", "wazuh", wazuh));
  }
  SECTION("title") {
    CHECK(Matches(soc, fmt::format(R"({{"title":"{}"}})", kWazuhTitle), "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"title":"sshd: brute force"})", "wazuh", wazuh));  // exact, not prefix
    CHECK(Matches(soc, R"({"title":{"contains":"BRUTE FORCE"}})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"title":{"contains":"powershell"}})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"title":{"suffix":"Encoded Command"}})", "elastic", elastic));
  }
}

TEST_CASE("Routing conditions: severity, tag, observable_type and text_contains", "[routing]") {
  Soc soc;
  const std::string wazuh = WazuhBruteForce();  // high
  const std::string elastic = ElasticPowershell();

  SECTION("severity_at_least and severity_at_most") {
    CHECK(Matches(soc, R"({"severity_at_least":"high"})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"severity_at_least":"medium"})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"severity_at_least":"critical"})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"severity_at_least":"critical"})", "wazuh", WazuhBruteForce("007", 12)));
    CHECK(Matches(soc, R"({"severity_at_least":3})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"severity_at_least":4})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"severity_at_most":"high"})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"severity_at_most":"medium"})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"severity_at_most":"low"})", "wazuh", WazuhBruteForce("007", 3)));
  }
  SECTION("tag") {
    CHECK(Matches(soc, R"({"tag":"sshd"})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"tag":["phishing","attack.t1110"]})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"tag":"SSHD"})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"tag":["phishing","malware"]})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"tag":"OS: Windows"})", "elastic", elastic));
  }
  SECTION("observable_type") {
    CHECK(Matches(soc, R"({"observable_type":"ip"})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"observable_type":"hash"})", "wazuh", wazuh));
    CHECK(Matches(soc, R"({"observable_type":"hash"})", "elastic", elastic));
    CHECK(Matches(soc, R"({"observable_type":["url","user"]})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"observable_type":["url","mail","domain"]})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"observable_type":"ip"})", "generic", GenericPlain("p-1", "No observables", "low")));
  }
  SECTION("text_contains over title, description and rule name") {
    CHECK(Matches(soc, R"({"text_contains":"NON EXISTENT USER"})", "wazuh", wazuh));      // title
    CHECK(Matches(soc, R"({"text_contains":"failed password for invalid"})", "wazuh", wazuh));  // description
    CHECK(Matches(soc, R"({"text_contains":["nothing here","winword.exe"]})", "elastic", elastic));
    CHECK_FALSE(Matches(soc, R"({"text_contains":"powershell"})", "wazuh", wazuh));
    CHECK_FALSE(Matches(soc, R"({"text_contains":["mimikatz","lsass"]})", "elastic", elastic));
    // Rule name only: the generic sample's rule_name differs from its title.
    CHECK(Matches(soc, R"({"text_contains":"sshd brute force trying"})", "generic", GenericBruteForce()));
  }
}

TEST_CASE("Routing conditions: all, any and not combine conditions", "[routing]") {
  Soc soc;
  const std::string wazuh = WazuhBruteForce();
  CHECK(Matches(soc, R"({"all":[]})", "wazuh", wazuh));  // every alert
  CHECK_FALSE(Matches(soc, R"({"any":[]})", "wazuh", wazuh));
  CHECK(Matches(soc, R"({"all":[{"format":"wazuh"},{"severity_at_least":"high"},{"tag":"sshd"}]})", "wazuh", wazuh));
  CHECK_FALSE(Matches(soc, R"({"all":[{"format":"wazuh"},{"severity_at_least":"critical"}]})", "wazuh", wazuh));
  CHECK(Matches(soc, R"({"any":[{"format":"elastic"},{"tag":"sshd"}]})", "wazuh", wazuh));
  CHECK_FALSE(Matches(soc, R"({"any":[{"format":"elastic"},{"tag":"phishing"}]})", "wazuh", wazuh));
  CHECK(Matches(soc, R"({"not":{"format":"elastic"}})", "wazuh", wazuh));
  CHECK_FALSE(Matches(soc, R"({"not":{"format":"wazuh"}})", "wazuh", wazuh));
  CHECK(Matches(soc, R"({"all":[{"format":"wazuh"},{"not":{"any":[{"tag":"phishing"},{"observable_type":"hash"}]}}]})",
                "wazuh", wazuh));
  CHECK_FALSE(Matches(soc, R"({"not":{"not":{"source":"elsewhere"}}})", "wazuh", wazuh));
}

TEST_CASE("Routing conditions: known_ioc means marked IOC on the platform before this alert", "[routing]") {
  Soc soc;
  soc.SaveRule("Known IOC", R"({"known_ioc":true})", R"([{"add_tags":"known-ioc"}])");
  soc.SaveRule("Known IOC hash", R"({"known_ioc":["hash","url"]})", R"([{"add_tags":"known-ioc-hash"}])");

  // The sender marks the IP as IOC in this very alert: not known before it.
  std::string first = soc.Ingest("generic", GenericBruteForce());
  CHECK_FALSE(Contains(soc.Tags(first), "known-ioc"));
  // Now the platform has it marked (by the sender, above): the next alert
  // carrying that address matches — here a Wazuh alert that does not mark it.
  std::string second = soc.Ingest("wazuh", WazuhBruteForce());
  CHECK(Contains(soc.Tags(second), "known-ioc"));
  CHECK_FALSE(Contains(soc.Tags(second), "known-ioc-hash"));  // an IP, not a hash

  // An observable marked IOC by an analyst (PATCH /observables/{id}).
  std::string clean = soc.Ingest("elastic", ElasticPowershell());
  CHECK_FALSE(Contains(soc.Tags(clean), "known-ioc"));
  soc.MarkIoc("hash", "9785001b0dcf755eddb8af294a373c0b87b2498660f724e76c4d53f9c217c7a3");
  soc.NextWindow();
  std::string again = soc.Ingest("elastic", ElasticPowershell());
  CHECK(Contains(soc.Tags(again), "known-ioc"));
  CHECK(Contains(soc.Tags(again), "known-ioc-hash"));

  // The dry run sees the same marking; and values are compared normalised
  // (an upper-case hash from another sender).
  auto dry = DryRun(soc, fmt::format(R"({{"format":"elastic","payload":{}}})", ElasticPowershell()));
  CHECK(Member(Member(dry, "alerts")[0], "matched").Size() == 2);
  std::string upper = soc.Ingest(
      "generic", R"({"source":"av","source_ref":"av-1","title":"Detected","observables":[)"
                 R"({"type":"hash","value":"9785001B0DCF755EDDB8AF294A373C0B87B2498660F724E76C4D53F9C217C7A3"}]})");
  CHECK(Contains(soc.Tags(upper), "known-ioc-hash"));

  // An alert with no IOC observable at all.
  std::string plain = soc.Ingest("generic", GenericPlain("plain-1", "Nothing known", "medium"));
  CHECK_FALSE(Contains(soc.Tags(plain), "known-ioc"));
}

// ===========================================================================
// Actions.

TEST_CASE("Routing actions: set_severity, add_tags, assign_user and assign_tier change the stored alert", "[routing]") {
  Soc soc;
  soc.s.CreateUserToken("lee", "l2");
  const int64_t rule = soc.SaveRule(
      "Wazuh sshd to L2", R"({"all":[{"format":"wazuh"},{"tag":"sshd"}]})",
      R"([{"set_severity":"critical"},{"add_tags":["ssh-bruteforce","sshd"]},{"assign_user":"lee"},{"assign_tier":"L2"}])");
  std::string id = soc.Ingest("wazuh", WazuhBruteForce());
  auto alert = soc.Alert(id);
  CHECK(Text(alert, "severity") == "critical");
  CHECK(Strings(Member(alert, "tags")) ==
        std::vector<std::string>{"syslog", "sshd", "authentication_failures", "attack.t1110", "ssh-bruteforce"});
  CHECK(Text(alert, "assignee") == "lee");
  CHECK(Text(alert, "tier") == "L2");
  CHECK(Text(alert, "status") == "new");  // no disposition: it waits in the queue
  CHECK(Text(alert, "case_id") == "null");
  CHECK(Text(alert, "ignore_reason") == "null");
  CHECK(Text(alert, "suppressed_by") == "null");

  // Lowering works too; an alert the rule does not match is untouched.
  soc.SaveRule("Elastic to low", R"({"format":"elastic"})", R"([{"set_severity":"low"}])");
  std::string elastic = soc.Ingest("elastic", ElasticPowershell());
  auto e = soc.Alert(elastic);
  CHECK(Text(e, "severity") == "low");
  CHECK(Text(e, "assignee") == "null");
  CHECK(Text(e, "tier") == "null");
  CHECK(Text(soc.Rule(rule), "matches") == "1");
}

TEST_CASE("Routing actions: ignore suppresses the alert with a reason and the rule's id", "[routing]") {
  Soc soc;
  const int64_t rule = soc.SaveRule("Ignore bastion noise", R"({"source":"wazuh-manager-01"})",
                                    R"([{"ignore":"pen test CHG-1432"}])");
  auto result = soc.IngestResult("wazuh", WazuhBruteForce());
  CHECK(Text(result, "status") == "created");
  auto alert = soc.Alert(Text(result, "id"));
  CHECK(Text(alert, "status") == "ignored");
  CHECK(Text(alert, "ignore_reason") == "pen test CHG-1432");
  CHECK(Text(alert, "suppressed_by") == std::to_string(rule));
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 0);

  // Counted in reports as ignored.
  auto report = soc.s.Get("/api/v1/reports/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z", soc.mia);
  INFO(report.body);
  REQUIRE(report.status == 200);
  auto doc = ParseJson(report.body);
  double ignored = -1, suppressed = -1;
  for (const auto& t : Member(doc, "totals").GetArray()) {
    if (Text(t, "figure") == "alerts_ignored") ignored = Member(t, "value").GetDouble();
    if (Text(t, "figure") == "alerts_suppressed") suppressed = Member(t, "value").GetDouble();
  }
  CHECK(ignored == 1.0);
  CHECK(suppressed == 1.0);
  const auto& by_rule = Member(doc, "suppressed_by_rule");
  REQUIRE(by_rule.IsArray());
  REQUIRE(by_rule.Size() == 1u);
  CHECK(Text(by_rule[0], "routing_rule") == "Ignore bastion noise");
  CHECK(Member(by_rule[0], "count").GetDouble() == 1.0);

  // The filter on status finds it.
  auto list = soc.s.Get("/api/v1/alerts?status=ignored", soc.mia);
  CHECK(Has(list.body, "pen test CHG-1432"));
}

TEST_CASE("Routing: an analyst who puts a suppressed alert back in the queue ends the suppression", "[routing]") {
  Soc soc;
  int64_t rule = soc.SaveRule("Quiet scanner", R"({"source":"scanner-9"})", R"([{"ignore":"known scanner"}])");
  auto posted = soc.s.Post("/api/v1/ingest/generic", R"({"title":"port scan","source":"scanner-9"})", soc.key);
  REQUIRE(posted.status == 201);
  const std::string id = JsonField(posted.body, "id");
  std::string ana = soc.s.CreateUserToken("ana", "l1");
  auto before = ParseJson(soc.s.Get("/api/v1/alerts/" + id, ana).body);
  CHECK(Text(before, "ignore_reason") == "known scanner");
  CHECK(Text(before, "suppressed_by") == std::to_string(rule));

  REQUIRE(soc.s.Patch("/api/v1/alerts/" + id, R"({"status":"new"})", ana).status == 200);
  auto back = ParseJson(soc.s.Get("/api/v1/alerts/" + id, ana).body);
  CHECK(Text(back, "status") == "new");
  CHECK(Text(back, "ignore_reason") == "null");
  CHECK(Text(back, "suppressed_by") == "null");
  // Ignored again by hand: not the rule's doing.
  REQUIRE(soc.s.Patch("/api/v1/alerts/" + id, R"({"status":"ignored"})", ana).status == 200);
  CHECK(Text(ParseJson(soc.s.Get("/api/v1/alerts/" + id, ana).body), "suppressed_by") == "null");
}

TEST_CASE("Routing actions: promote opens a case under the rule's name, from a template, at the routed tier",
          "[routing]") {
  Soc soc;
  soc.s.CreateUserToken("lee", "l2");
  soc.LoadTemplate("phishing");

  SECTION("promote: true") {
    const int64_t rule = soc.SaveRule("Wazuh to a case", R"({"format":"wazuh"})", R"([{"promote":true}])");
    auto result = soc.IngestResult("wazuh", WazuhBruteForce());
    const std::string case_id = Text(result, "case");
    REQUIRE(case_id != "null");
    auto alert = soc.Alert(Text(result, "id"));
    CHECK(Text(alert, "status") == "imported");
    CHECK(Text(alert, "case_id") == case_id);
    auto c = soc.Case(case_id);
    CHECK(Text(c, "title") == kWazuhTitle);
    CHECK(Text(c, "tier") == "L1");
    CHECK(Text(c, "severity") == "high");
    CHECK(Text(c, "created_by") == RuleActor(rule, "Wazuh to a case"));
    // The alert's observables came along.
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM observable_links WHERE object_type = 'case' AND object_id = " + case_id) ==
          3);
    // Timeline and audit log name the rule.
    auto events = soc.Timeline(case_id);
    REQUIRE(events.size() >= 2);
    CHECK(events[0].kind == "created");
    CHECK(events[0].actor == RuleActor(rule, "Wazuh to a case"));
    CHECK(events[1].kind == "alert_promoted");
    CHECK(events[1].actor == RuleActor(rule, "Wazuh to a case"));
    CHECK(soc.Audits("alert.promote", RuleActor(rule, "Wazuh to a case")) == 1);
    CHECK(soc.Audits("case.create", RuleActor(rule, "Wazuh to a case")) == 1);
  }
  SECTION("promote with a template, an assignee and a tier: severity raised to the tier's floor") {
    const int64_t rule = soc.SaveRule("Low phishing to L2", R"({"title":{"prefix":"Reported phishing"}})",
                                      R"([{"assign_user":"lee"},{"assign_tier":"L2"},{"promote":{"template":"phishing"}}])");
    auto result = soc.IngestResult("generic", GenericPlain("mail-1", "Reported phishing: invoice overdue", "low"));
    const std::string case_id = Text(result, "case");
    REQUIRE(case_id != "null");
    auto c = soc.Case(case_id);
    CHECK(Text(c, "template") == "phishing");
    CHECK(Text(c, "tier") == "L2");
    CHECK(Text(c, "assignee") == "lee");
    CHECK(Text(c, "severity") == "high");  // cases.l2_severity_floor
    CHECK(Contains(Strings(Member(c, "tags")), "phishing"));
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM tasks WHERE case_id = " + case_id) > 0);
    CHECK(soc.Timeline(case_id)[0].actor == RuleActor(rule, "Low phishing to L2"));
  }
}

TEST_CASE("Routing actions: merge_on_ioc folds the alert into the open case sharing an IOC, else the next step runs",
          "[routing]") {
  Soc soc;
  std::string ana = soc.s.CreateUserToken("ana", "l1");
  const int64_t rule = soc.SaveRule("Known IOC joins its case", R"({"observable_type":"ip"})",
                                    R"([{"add_tags":"auto-merged"},{"merge_on_ioc":true}])");

  // No case yet: merge finds nothing and the alert waits in the queue.
  std::string first = soc.Ingest("wazuh", WazuhBruteForce());
  CHECK(Text(soc.Alert(first), "status") == "new");
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 0);

  // An analyst opens a case from it and marks the attacker's address IOC.
  auto promoted = soc.s.Post("/api/v1/alerts/" + first + "/promote", "{}", ana);
  REQUIRE(promoted.status == 201);
  const std::string case_id = JsonField(promoted.body, "id");
  const std::string number = JsonField(promoted.body, "number");
  soc.MarkIoc("ip", "203.0.113.7");

  // Another agent sees the same address: merged into that case.
  auto result = soc.IngestResult("wazuh", WazuhBruteForce("012", 10));
  CHECK(Text(result, "case") == case_id);
  auto merged = soc.Alert(Text(result, "id"));
  CHECK(Text(merged, "status") == "imported");
  CHECK(Text(merged, "case_id") == case_id);
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 1);
  auto events = soc.Timeline(number);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().kind == "alert_merged");
  CHECK(events.back().actor == RuleActor(rule, "Known IOC joins its case"));
  CHECK(soc.Audits("alert.merge", RuleActor(rule, "Known IOC joins its case")) == 1);

  // An IP that is not an IOC anywhere: nothing to merge into.
  std::string other = soc.Ingest("generic", Replace(Replace(GenericBruteForce(), R"("ioc": true, )", ""),
                                                    "203.0.113.7", "192.0.2.200"));
  CHECK(Text(soc.Alert(other), "status") == "new");

  // A resolved case is not merged into: the next alert with the IOC stays
  // in the queue.
  REQUIRE(soc.s.Patch("/api/v1/cases/" + number, R"({"status":"in_progress"})", soc.mia).status == 200);
  auto resolved = soc.s.Post("/api/v1/cases/" + number + "/resolve",
                             R"({"resolution":"true_positive","root_cause":"Brute force from the internet",)"
                             R"("resolution_notes":"Address blocked at the edge."})",
                             soc.mia);
  INFO(resolved.body);
  REQUIRE(resolved.status == 200);
  std::string late = soc.Ingest("wazuh", WazuhBruteForce("013", 10));
  CHECK(Text(soc.Alert(late), "status") == "new");
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 1);
}

TEST_CASE("Routing actions: stop ends evaluation; later rules see what earlier rules changed", "[routing]") {
  Soc soc;
  const int64_t raise = soc.SaveRule("Raise sshd", R"({"tag":"sshd"})", R"([{"set_severity":"critical"},{"add_tags":"raised"}])");
  const int64_t crit = soc.SaveRule("Critical gets paged", R"({"all":[{"severity_at_least":"critical"},{"tag":"raised"}]})",
                                    R"([{"add_tags":"paged"}])");
  const int64_t stopper = soc.SaveRule("Stop on elastic", R"({"format":"elastic"})", R"([{"add_tags":"seen"},{"stop":true},{"add_tags":"after-stop"}])");
  const int64_t last = soc.SaveRule("Catch all", R"({"all":[]})", R"([{"add_tags":"catch-all"}])");

  std::string wazuh = soc.Ingest("wazuh", WazuhBruteForce());
  auto tags = soc.Tags(wazuh);
  CHECK(Contains(tags, "raised"));
  CHECK(Contains(tags, "paged"));  // saw the severity and the tag rule 1 set
  CHECK(Contains(tags, "catch-all"));
  CHECK(Text(soc.Alert(wazuh), "severity") == "critical");

  std::string elastic = soc.Ingest("elastic", ElasticPowershell());
  tags = soc.Tags(elastic);
  CHECK(Contains(tags, "seen"));
  CHECK(Contains(tags, "after-stop"));  // stop ends the rules, not the rule's own actions
  CHECK_FALSE(Contains(tags, "catch-all"));

  CHECK(Text(soc.Rule(raise), "matches") == "1");
  CHECK(Text(soc.Rule(crit), "matches") == "1");
  CHECK(Text(soc.Rule(stopper), "matches") == "1");
  CHECK(Text(soc.Rule(last), "matches") == "1");  // the Wazuh alert only
  CHECK(Text(soc.Rule(last), "last_match") != "null");
}

TEST_CASE("Routing order: position decides, and the first disposition wins", "[routing]") {
  Soc soc;
  const int64_t low = soc.SaveRule("Set low", R"({"format":"wazuh"})", R"([{"set_severity":"low"}])", R"("position":20)");
  const int64_t crit =
      soc.SaveRule("Set critical", R"({"format":"wazuh"})", R"([{"set_severity":"critical"}])", R"("position":10)");
  // The later rule wins: 10 then 20.
  CHECK(Text(soc.Alert(soc.Ingest("wazuh", WazuhBruteForce("100", 10))), "severity") == "low");
  soc.PatchRule(crit, R"({"position":30})");
  CHECK(Text(soc.Alert(soc.Ingest("wazuh", WazuhBruteForce("101", 10))), "severity") == "critical");
  soc.DeleteRule(low);
  soc.DeleteRule(crit);

  // Ignore before promote: ignored, no case. Merge with nothing to merge
  // into does not take effect, so the ignore after it does.
  const int64_t merge = soc.SaveRule("Merge first", R"({"format":"wazuh"})", R"([{"merge_on_ioc":true}])");
  const int64_t ignore = soc.SaveRule("Then ignore", R"({"format":"wazuh"})", R"([{"ignore":"lab agent"}])");
  soc.SaveRule("Then promote", R"({"format":"wazuh"})", R"([{"promote":true}])");
  auto alert = soc.Alert(soc.Ingest("wazuh", WazuhBruteForce("102", 10)));
  CHECK(Text(alert, "status") == "ignored");
  CHECK(Text(alert, "suppressed_by") == std::to_string(ignore));
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 0);
  // Every matched rule is on record, dispositions or not.
  CHECK(soc.Audits("alert.route", RuleActor(merge, "Merge first")) == 1);
  CHECK(soc.Audits("alert.route", RuleActor(ignore, "Then ignore")) == 1);
}

// ===========================================================================
// A rule's lifecycle: enabled flag, edits and deletion take effect on the
// very next alert; rules survive a restart.

TEST_CASE("Routing rules: disable, edit and delete take effect on the next alert", "[routing]") {
  Soc soc;
  const int64_t id = soc.SaveRule("Suppress scanner", R"({"source":"scanner-1"})", R"([{"ignore":"known scanner"}])",
                                  R"("enabled":false)");
  auto scanner = [&](int n) {
    return soc.Ingest("generic", fmt::format(R"({{"title":"port scan {}","source":"scanner-1","source_ref":"scan-{}"}})", n, n));
  };
  auto status = [&](const std::string& alert) { return Text(soc.Alert(alert), "status"); };

  CHECK(status(scanner(1)) == "new");  // disabled: does nothing
  CHECK(Text(soc.Rule(id), "matches") == "0");
  soc.PatchRule(id, R"({"enabled":true})");
  CHECK(status(scanner(2)) == "ignored");

  // A new condition applies at once.
  soc.PatchRule(id, R"({"when":{"source":"scanner-2"}})");
  CHECK(status(scanner(3)) == "new");
  CHECK(status(soc.Ingest("generic", R"({"title":"port scan","source":"scanner-2","source_ref":"x"})")) == "ignored");

  // New actions too.
  soc.PatchRule(id, R"({"when":{"source":{"prefix":"scanner-"}},"then":[{"add_tags":"scanner"}]})");
  std::string tagged = scanner(4);
  CHECK(status(tagged) == "new");
  CHECK(Contains(soc.Tags(tagged), "scanner"));

  soc.DeleteRule(id);
  std::string after = scanner(5);
  CHECK(status(after) == "new");
  CHECK_FALSE(Contains(soc.Tags(after), "scanner"));
  CHECK(soc.Audits("alert.route") == 3);
}

TEST_CASE("Routing rules: saved rules are loaded again after a restart", "[routing]") {
  Soc soc;
  soc.SaveRule("Tag wazuh", R"({"format":"wazuh"})", R"([{"add_tags":"routed"}])");
  soc.SaveRule("Disabled", R"({"format":"wazuh"})", R"([{"ignore":"x"}])", R"("enabled":false)");
  soc.s.Restart();
  std::string id = soc.Ingest("wazuh", WazuhBruteForce());
  CHECK(Contains(soc.Tags(id), "routed"));
  CHECK(Text(soc.Alert(id), "status") == "new");
}

// ===========================================================================
// Audit records, duplicates and resolved notifications.

TEST_CASE("Routing: every matched rule writes an alert.route audit record under its own name", "[routing]") {
  Soc soc;
  const int64_t a = soc.SaveRule("Tag sshd", R"({"tag":"sshd"})", R"([{"add_tags":"ssh"},{"set_severity":"critical"}])");
  const int64_t b = soc.SaveRule("Never", R"({"format":"splunk"})", R"([{"add_tags":"splunk"}])");
  std::string id = soc.Ingest("wazuh", WazuhBruteForce());

  CHECK(soc.Audits("alert.route") == 1);
  CHECK(soc.Audits("alert.route", RuleActor(a, "Tag sshd")) == 1);
  CHECK(soc.Audits("alert.route", RuleActor(b, "Never")) == 0);
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.route' AND object_type = 'alert' AND "
                       "object_id = " + Sql(id) + " AND details LIKE '%set severity critical%' AND "
                       "details LIKE '%add tags ssh%'") == 1);
  // The chain still verifies with the rule records in it.
  auto verify = soc.s.Get("/api/v1/audit/verify", soc.s.admin_token());
  INFO(verify.body);
  CHECK(verify.status == 200);
  CHECK(JsonField(verify.body, "ok") == "true");
}

TEST_CASE("Routing: duplicates and resolved notifications do not run the rules again", "[routing]") {
  Soc soc;
  WebhookReceiver hook;
  const int64_t rule = soc.SaveRule(
      "Everything", R"({"all":[]})",
      fmt::format(R"([{{"add_tags":"routed"}},{{"set_severity":"critical"}},{{"notify":"{}"}}])", hook.Url("/hook")));

  std::string id = soc.Ingest("wazuh", WazuhBruteForce());
  auto again = soc.IngestResult("wazuh", WazuhBruteForceAgain(), 200);
  CHECK(Text(again, "status") == "duplicate");
  CHECK(Text(again, "id") == id);
  CHECK(Text(soc.Rule(rule), "matches") == "1");
  CHECK(soc.Audits("alert.route") == 1);
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'alert.routed'") == 1);
  CHECK(Text(soc.Alert(id), "severity") == "critical");

  // Grafana: firing, then resolved.
  std::string firing = soc.Ingest("grafana", Sample("grafana/01-ssh-failures.json"));
  auto resolved = soc.IngestResult("grafana", Sample("grafana/04-ssh-failures-resolved.json"), 200);
  CHECK(Text(resolved, "status") == "resolved");
  CHECK(Text(resolved, "id") == firing);
  CHECK(Text(soc.Rule(rule), "matches") == "2");
  CHECK(soc.Audits("alert.route") == 2);
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'alert.routed'") == 2);
}

TEST_CASE("Routing: a suppressed alert that fires again is suppressed again", "[routing]") {
  Soc soc;
  const int64_t rule = soc.SaveRule("Ignore bastion", R"({"source":"wazuh-manager-01"})", R"([{"ignore":"lab"}])");
  std::string first = soc.Ingest("wazuh", WazuhBruteForce());
  auto second = soc.IngestResult("wazuh", WazuhBruteForceAgain());
  // An ignored alert does not absorb re-fires: the re-fire is a new alert,
  // routed like the first.
  CHECK(Text(second, "id") != first);
  CHECK(Text(soc.Alert(Text(second, "id")), "status") == "ignored");
  CHECK(Text(soc.Alert(Text(second, "id")), "suppressed_by") == std::to_string(rule));
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM alerts WHERE status <> 'ignored'") == 0);
}

// ===========================================================================
// A step that cannot be carried out does not lose the alert.

TEST_CASE("Routing: a promote that fails is rolled back and recorded, the alert stays new, ingest answers 201",
          "[routing]") {
  Soc soc;
  soc.s.CreateUserToken("ana", "l1");

  SECTION("the template was deleted after the rule was saved") {
    const std::string tmpl = soc.LoadTemplate("phishing");
    const int64_t rule = soc.SaveRule("Phishing reports", R"({"tag":"sshd"})",
                                      R"([{"add_tags":"routed"},{"promote":{"template":"phishing"}}])");
    REQUIRE(soc.s.Delete("/api/v1/case-templates/" + tmpl, soc.mia).status == 204);
    auto result = soc.IngestResult("wazuh", WazuhBruteForce());
    CHECK(Text(result, "status") == "created");
    CHECK(Text(result, "case") == "null");
    auto alert = soc.Alert(Text(result, "id"));
    CHECK(Text(alert, "status") == "new");
    CHECK(Contains(Strings(Member(alert, "tags")), "routed"));  // the rest of the rule applied
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 0);
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM case_events") == 0);
    CHECK(soc.Audits("alert.route_failed", RuleActor(rule, "Phishing reports")) == 1);
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.route_failed' AND "
                         "details LIKE '%phishing%'") == 1);
    CHECK(soc.Audits("alert.route", RuleActor(rule, "Phishing reports")) == 1);
  }
  SECTION("the assignee cannot work the tier the rule routes to") {
    const int64_t bad = soc.SaveRule("To ana at L3", R"({"tag":"sshd"})",
                                     R"([{"assign_user":"ana"},{"assign_tier":"L3"},{"promote":true}])");
    auto result = soc.IngestResult("wazuh", WazuhBruteForce());
    CHECK(Text(result, "status") == "created");
    auto alert = soc.Alert(Text(result, "id"));
    CHECK(Text(alert, "status") == "new");
    CHECK(Text(alert, "assignee") == "ana");
    CHECK(Text(alert, "tier") == "L3");
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 0);
    CHECK(soc.Audits("alert.route_failed", RuleActor(bad, "To ana at L3")) == 1);
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.route_failed' AND "
                         "details LIKE '%cannot work L3%'") == 1);
  }
}

// ===========================================================================
// Routing and the rest of the platform.

TEST_CASE("Routing: a delivery of several alerts is routed alert by alert; the second joins the first's case",
          "[routing]") {
  Soc soc;
  // The LSASS dump hash is a known IOC (a generic alert marked it).
  const std::string hash = "05732e84de58a3cc142535431b3aa04efbe034cc96e837f93c360a6387d8faad";
  soc.Ingest("generic", fmt::format(R"({{"source":"ti-feed","source_ref":"ti-1","title":"Known credential dumper",)"
                                    R"("observables":[{{"type":"hash","value":"{}","ioc":true}}]}})",
                                    hash));
  const int64_t rule = soc.SaveRule("Elastic merge else promote", R"({"format":"elastic"})",
                                    R"([{"merge_on_ioc":true},{"promote":true}])");
  auto r = soc.s.Post("/api/v1/ingest/elastic", Sample("elastic/03-lsass-dump-two-hosts.json"), soc.key);
  INFO(r.body);
  REQUIRE(r.status == 201);
  auto doc = ParseJson(r.body);
  const auto& results = Member(doc, "results");
  REQUIRE(results.Size() == 2);
  const std::string case_id = Text(results[0], "case");
  CHECK(case_id != "null");
  CHECK(Text(results[1], "case") == case_id);
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == 1);
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM alerts WHERE status = 'imported' AND case_id = " + case_id) == 2);
  std::vector<std::string> kinds;
  for (const auto& e : soc.Timeline(case_id)) {
    if (e.actor == RuleActor(rule, "Elastic merge else promote")) kinds.push_back(e.kind);
  }
  CHECK(kinds == std::vector<std::string>{"created", "alert_promoted", "alert_merged"});
  CHECK(Text(soc.Rule(rule), "matches") == "2");
}

TEST_CASE("Routing: alerts from the TheHive-compatible API are routed too", "[routing]") {
  Soc soc;
  soc.SaveRule("Beaconing", R"({"text_contains":"beaconing"})", R"([{"add_tags":"c2"},{"set_severity":"critical"}])");
  auto r = soc.s.Post("/api/alert", Sample("elastalert/03-hivealerter-beaconing.json"), soc.key);
  INFO(r.body);
  REQUIRE(r.status == 201);
  const std::string id = std::to_string(soc.s.QueryInt("SELECT MAX(id) FROM alerts"));
  CHECK(Contains(soc.Tags(id), "c2"));
  CHECK(Text(soc.Alert(id), "severity") == "critical");
}

TEST_CASE("Routing: a case an analyst promotes from a tier-routed alert opens at that tier", "[routing]") {
  // docs/automation.md, assign_tier: "a case promoted from the alert (by a
  // rule, or later by an analyst) opens at that tier, its severity raised to
  // the tier's floor".
  Soc soc;
  soc.SaveRule("Edr to L2", R"({"source":"edr-01"})", R"([{"assign_tier":"L2"}])");
  std::string id = soc.Ingest("generic", GenericPlain("edr-77", "Unsigned driver loaded", "low"));
  REQUIRE(Text(soc.Alert(id), "tier") == "L2");
  auto promoted = soc.s.Post("/api/v1/alerts/" + id + "/promote", "{}", soc.mia);
  INFO(promoted.body);
  REQUIRE(promoted.status == 201);
  CHECK(JsonField(promoted.body, "tier") == "L2");
  CHECK(JsonField(promoted.body, "severity") == "high");
}

TEST_CASE("Routing: merge_on_ioc picks the newest open case sharing the IOC", "[routing]") {
  Soc soc;
  // Two open cases hold the same IOC address.
  std::string a = soc.Ingest("generic", GenericWithIoc("c-1", "First sighting", "198.51.100.99"));
  std::string b = soc.Ingest("generic", GenericWithIoc("c-2", "Second sighting", "198.51.100.99"));
  auto older = soc.s.Post("/api/v1/alerts/" + a + "/promote", "{}", soc.mia);
  auto newer = soc.s.Post("/api/v1/alerts/" + b + "/promote", "{}", soc.mia);
  REQUIRE(older.status == 201);
  REQUIRE(newer.status == 201);
  soc.SaveRule("Merge", R"({"all":[]})", R"([{"merge_on_ioc":true}])");
  auto result = soc.IngestResult("generic", GenericWithIoc("c-3", "Third sighting", "198.51.100.99"));
  CHECK(Text(result, "case") == JsonField(newer.body, "id"));
}

TEST_CASE("Routing: a renamed rule acts under its new name; odd names and titles stay valid JSON in webhooks",
          "[routing]") {
  WebhookReceiver hook;
  Soc soc;
  const int64_t id = soc.SaveRule("Old name", R"({"format":"generic"})",
                                  fmt::format(R"([{{"notify":"{}"}}])", hook.Url("/h")));
  const std::string odd = R"(Quote \"pager\" \\ route — été)";
  soc.PatchRule(id, fmt::format(R"({{"name":"{}"}})", odd));
  const std::string decoded = "Quote \"pager\" \\ route — été";
  CHECK(Text(soc.Rule(id), "name") == decoded);
  soc.Ingest("generic", R"({"source":"edr-01","source_ref":"q-1","title":"Tab\there \"quoted\" \\ back — naïve"})");
  CHECK(soc.Audits("alert.route", RuleActor(id, decoded)) == 1);
  CHECK(soc.Audits("alert.route", RuleActor(id, "Old name")) == 0);
  soc.s.app().DeliverOutbox();
  auto hooks = hook.received("alert.routed");
  REQUIRE(hooks.size() == 1);
  auto body = ParseJson(hooks[0].body);
  CHECK(Text(Member(body, "rule"), "name") == decoded);
  CHECK(Text(Member(body, "alert"), "title") == "Tab\there \"quoted\" \\ back — naïve");
}

// ===========================================================================
// Dry run.

TEST_CASE("Routing dry run: the saved rules against a sender's payload, writing nothing", "[routing]") {
  Soc soc;
  soc.s.CreateUserToken("lee", "l2");
  const int64_t l2 = soc.SaveRule("Wazuh high to L2", R"({"all":[{"format":"wazuh"},{"severity_at_least":"high"}]})",
                                  R"([{"assign_tier":"L2"},{"assign_user":"lee"},{"add_tags":"l2"},{"promote":true},{"stop":true}])");
  soc.SaveRule("Never reached", R"({"all":[]})", R"([{"ignore":"x"}])");
  const int64_t page = soc.SaveRule("Page elastic", R"({"format":"elastic"})",
                                    R"([{"set_severity":"critical"},{"notify":"http://127.0.0.1:9/pager"}])",
                                    R"("position":1)");
  soc.NextWindow();
  std::string before = soc.Snapshot();

  // Format detected (auto).
  auto dry = DryRun(soc, fmt::format(R"({{"payload":{}}})", WazuhBruteForce()));
  CHECK(Text(dry, "format") == "wazuh");
  const auto& alerts = Member(dry, "alerts");
  REQUIRE(alerts.Size() == 1);
  const auto& a = alerts[0];
  CHECK(Text(a, "title") == kWazuhTitle);
  CHECK(Text(a, "source_kind") == "wazuh");
  const auto& matched = Member(a, "matched");
  REQUIRE(matched.Size() == 1);
  CHECK(Text(matched[0], "id") == std::to_string(l2));
  CHECK(Text(matched[0], "name") == "Wazuh high to L2");
  CHECK(Strings(Member(matched[0], "actions")) ==
        std::vector<std::string>{"assign to tier L2", "assign to lee", "add tags l2", "promote to a case", "stop"});
  const auto& result = Member(a, "result");
  CHECK(Text(result, "status") == "new");
  CHECK(Text(result, "ignore_reason") == "null");
  CHECK(Text(result, "severity") == "high");
  CHECK(Contains(Strings(Member(result, "tags")), "l2"));
  CHECK(Contains(Strings(Member(result, "tags")), "sshd"));
  CHECK(Text(result, "assignee") == "lee");
  CHECK(Text(result, "tier") == "L2");
  CHECK(Text(result, "case") == "promote to a case");
  CHECK(Member(result, "notify").Size() == 0);

  // Elastic: explicit format, notify listed, severity as the rule sets it.
  auto e = DryRun(soc, fmt::format(R"({{"format":"elastic","payload":{}}})", ElasticPowershell()));
  const auto& er = Member(Member(e, "alerts")[0], "result");
  CHECK(Text(Member(Member(e, "alerts")[0], "matched")[0], "id") == std::to_string(page));
  CHECK(Text(er, "severity") == "critical");
  CHECK(Strings(Member(er, "notify")) == std::vector<std::string>{"http://127.0.0.1:9/pager"});
  CHECK(Text(er, "case") == "null");

  // A payload carrying several alerts (Elastic, two hosts): one entry each.
  auto two = DryRun(soc, fmt::format(R"({{"format":"elastic","payload":{}}})", Sample("elastic/03-lsass-dump-two-hosts.json")));
  CHECK(Member(two, "alerts").Size() == 2);

  // Nothing written: no alert, no case, no outbox message, no audit record,
  // no match counted.
  CHECK(soc.Snapshot() == before);
  CHECK(Text(soc.Rule(l2), "matches") == "0");
}

TEST_CASE("Routing dry run: inline rules are validated like a save and tried without saving", "[routing]") {
  Soc soc;
  const int64_t saved = soc.SaveRule("Saved", R"({"all":[]})", R"([{"add_tags":"saved"}])");
  std::string before = soc.Snapshot();
  const std::string wazuh = WazuhBruteForce();

  auto dry = DryRun(soc, fmt::format(R"({{"format":"wazuh","payload":{},"rules":[)"
                                     R"({{"name":"Suppress lab","when":{{"source":"wazuh-manager-01"}},"then":[{{"ignore":"lab"}}]}},)"
                                     R"({{"when":{{"tag":"sshd"}},"then":[{{"add_tags":"unnamed"}}]}},)"
                                     R"({{"name":"Off","enabled":false,"when":{{"all":[]}},"then":[{{"add_tags":"off"}}]}}]}})",
                                     wazuh));
  const auto& a = Member(dry, "alerts")[0];
  const auto& matched = Member(a, "matched");
  REQUIRE(matched.Size() == 2);  // the saved rule is not used; the disabled one is skipped
  CHECK(Text(matched[0], "name") == "Suppress lab");
  CHECK(Text(matched[0], "id") == "0");
  CHECK(Text(matched[1], "name") == "rule 2");
  const auto& result = Member(a, "result");
  CHECK(Text(result, "status") == "ignored");
  CHECK(Text(result, "ignore_reason") == "lab");
  CHECK(Contains(Strings(Member(result, "tags")), "unnamed"));
  CHECK_FALSE(Contains(Strings(Member(result, "tags")), "saved"));
  CHECK_FALSE(Contains(Strings(Member(result, "tags")), "off"));

  // An empty list of inline rules: nothing matches.
  auto none = DryRun(soc, fmt::format(R"({{"format":"wazuh","payload":{},"rules":[]}})", wazuh));
  CHECK(Member(Member(none, "alerts")[0], "matched").Size() == 0);

  // Refusals name the rule and the bad part.
  struct Bad {
    std::string what, body;
    int status;
    std::string detail;
  };
  const std::vector<Bad> bad = {
      {"bad condition",
       fmt::format(R"({{"payload":{},"rules":[{{"when":{{"all":[]}},"then":[{{"stop":true}}]}},)"
                   R"({{"when":{{"all":[{{"tag":"x"}},{{"severity_at_least":"hgih"}}]}},"then":[{{"stop":true}}]}}]}})",
                   wazuh),
       422, "rules[1]: when.all[1].severity_at_least: unknown severity"},
      {"unknown user", fmt::format(R"({{"payload":{},"rules":[{{"when":{{"all":[]}},"then":[{{"assign_user":"bob"}}]}}]}})", wazuh),
       422, "rules[0]: then[0].assign_user: no user 'bob'"},
      {"rules not a list", fmt::format(R"({{"payload":{},"rules":{{"when":{{"all":[]}}}}}})", wazuh), 400, "rules"},
      {"missing then", fmt::format(R"({{"payload":{},"rules":[{{"when":{{"all":[]}}}}]}})", wazuh), 422,
       "rules[0]: when and then are required"},
      {"unknown key in a rule",
       fmt::format(R"({{"payload":{},"rules":[{{"when":{{"all":[]}},"then":[{{"stop":true}}],"prio":1}}]}})", wazuh), 422,
       "rules[0]: unknown field 'prio'"},
      {"no payload", R"({"format":"wazuh"})", 422, "payload is required"},
      {"unknown key", fmt::format(R"({{"payload":{},"dry":true}})", wazuh), 422, "unknown field 'dry'"},
      {"payload not a Wazuh alert", R"({"format":"wazuh","payload":{"hello":"world"}})", 0, ""},
  };
  for (const auto& c : bad) {
    INFO(c.what);
    auto r = soc.s.Post("/api/v1/routing-rules/test", c.body, soc.mia);
    INFO(r.body);
    if (c.status == 0) {
      CHECK(r.status >= 400);
      CHECK(r.status < 500);
    } else {
      CHECK(r.status == c.status);
      CHECK(Has(JsonField(r.body, "detail"), c.detail));
    }
  }
  CHECK(soc.Snapshot() == before);
  CHECK(Text(soc.Rule(saved), "matches") == "0");
}

TEST_CASE("Routing dry run: merge_on_ioc names the case the alert would join", "[routing]") {
  Soc soc;
  soc.SaveRule("Merge else promote", R"({"observable_type":"ip"})", R"([{"merge_on_ioc":true},{"promote":true}])");
  const std::string payload = GenericWithIoc("dry-1", "Beacon to known C2", "198.51.100.23");
  auto first = DryRun(soc, fmt::format(R"({{"format":"generic","payload":{}}})", payload));
  CHECK(Text(Member(Member(first, "alerts")[0], "result"), "case") == "promote to a case");

  // A real alert opens the case; the same payload would now be merged.
  auto result = soc.IngestResult("generic", GenericWithIoc("real-1", "Beacon to known C2 from ws-1", "198.51.100.23"));
  const std::string number = JsonField(soc.s.Get("/api/v1/cases/" + Text(result, "case"), soc.mia).body, "number");
  REQUIRE_FALSE(number.empty());
  std::string before = soc.Snapshot();
  auto second = DryRun(soc, fmt::format(R"({{"format":"generic","payload":{}}})", payload));
  CHECK(Text(Member(Member(second, "alerts")[0], "result"), "case") == "merge into " + number);
  CHECK(soc.Snapshot() == before);
}

TEST_CASE("Routing dry run: a resolved notification is reported as such and matches no rule", "[routing]") {
  Soc soc;
  soc.SaveRule("Everything to a case", R"({"all":[]})", R"([{"promote":true}])");
  auto dry = DryRun(soc, fmt::format(R"({{"payload":{}}})", Sample("grafana/04-ssh-failures-resolved.json")));
  const auto& alerts = Member(dry, "alerts");
  REQUIRE(alerts.Size() >= 1);
  for (rapidjson::SizeType i = 0; i < alerts.Size(); ++i) {
    CHECK(Member(alerts[i], "matched").Size() == 0u);
    CHECK(Text(Member(alerts[i], "result"), "status") == "resolved");
    CHECK(Member(Member(alerts[i], "result"), "case").IsNull());
  }
}

// ===========================================================================
// Concurrency: two alerts sharing an IOC at once end in one case.

TEST_CASE("Routing: two alerts sharing an IOC posted at once end in one case holding both", "[routing]") {
  Soc soc;
  const int64_t rule = soc.SaveRule("Merge else promote", R"({"observable_type":"ip"})",
                                    R"([{"merge_on_ioc":true},{"promote":true}])");
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    const std::string ip = fmt::format("198.51.100.{}", 10 + round);
    const std::string payloads[2] = {
        GenericWithIoc(fmt::format("edr-{}", round), fmt::format("Beacon to {} from ws-1", ip), ip),
        GenericWithIoc(fmt::format("fw-{}", round), fmt::format("Outbound to {} blocked at the firewall", ip), ip)};
    ClientResponse responses[2];
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        HttpClient client(soc.s.port());
        ready.fetch_add(1);
        while (ready.load() < 2) std::this_thread::yield();
        responses[i] = client.Request("POST", "/api/v1/ingest/generic", payloads[i],
                                      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + soc.key}});
      });
    }
    for (auto& t : threads) t.join();
    std::string cases[2];
    for (int i = 0; i < 2; ++i) {
      INFO(responses[i].body);
      REQUIRE(responses[i].status == 201);
      cases[i] = JsonField(responses[i].body, "case");
      CHECK(cases[i] != "null");
    }
    CHECK(cases[0] == cases[1]);
    CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM cases") == round + 1);
    CHECK(soc.s.QueryInt(fmt::format("SELECT COUNT(*) FROM alerts WHERE status = 'imported' AND case_id = {}",
                                     cases[0])) == 2);
    // One promoted, one merged, both by the rule.
    auto events = soc.Timeline(cases[0]);
    int promoted = 0, merged = 0;
    for (const auto& e : events) {
      if (e.actor != RuleActor(rule, "Merge else promote")) continue;
      promoted += e.kind == "alert_promoted";
      merged += e.kind == "alert_merged";
    }
    CHECK(promoted == 1);
    CHECK(merged == 1);
  }
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM alerts WHERE status <> 'imported'") == 0);
}

// ===========================================================================
// notify: a webhook to the rule's own URL through the outbox.

TEST_CASE("Routing actions: notify delivers alert.routed to the rule's URL only, with a message id", "[routing]") {
  WebhookReceiver pager, default_hook;
  Soc soc([&](Config& c) { c.webhook_urls = default_hook.Url("/hooks/soc"); });
  const int64_t rule = soc.SaveRule(
      "Critical Elastic to pager", R"({"all":[{"format":["elastic","kibana"]},{"severity_at_least":"high"}]})",
      fmt::format(R"([{{"set_severity":"critical"}},{{"promote":true}},{{"notify":{{"url":"{}"}}}}])", pager.Url("/pager?team=soc")));
  soc.SaveRule("Unrelated", R"({"format":"splunk"})", fmt::format(R"([{{"notify":"{}"}}])", pager.Url("/other")));

  auto result = soc.IngestResult("elastic", ElasticPowershell());
  const std::string alert_id = Text(result, "id");
  const std::string case_id = Text(result, "case");
  REQUIRE(case_id != "null");
  soc.Ingest("wazuh", WazuhBruteForce());  // matches neither
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'alert.routed'") == 1);

  soc.s.app().DeliverOutbox();
  auto hooks = pager.received("alert.routed");
  REQUIRE(hooks.size() == 1);
  const Received& h = hooks[0];
  CHECK(h.method == "POST");
  CHECK(h.target == "/pager?team=soc");
  CHECK(h.content_type == "application/json");
  CHECK(h.message_id == std::to_string(soc.s.QueryInt("SELECT id FROM outbox WHERE event = 'alert.routed'")));
  auto body = ParseJson(h.body);
  CHECK(Text(body, "event") == "alert.routed");
  CHECK(Text(Member(body, "rule"), "name") == "Critical Elastic to pager");
  CHECK(Text(Member(body, "rule"), "id") == std::to_string(rule));
  const auto& alert = Member(body, "alert");
  CHECK(Text(alert, "id") == alert_id);
  CHECK(Text(alert, "title") == "Suspicious PowerShell Encoded Command");
  CHECK(Text(alert, "severity") == "critical");
  CHECK(Text(alert, "source_kind") == "elastic");
  CHECK(Text(alert, "source") == "kibana.corp.example.com");
  CHECK(Contains(Strings(Member(alert, "tags")), "attack.t1059"));
  CHECK(Text(body, "case_id") == case_id);
  CHECK(soc.s.QueryInt("SELECT COUNT(*) FROM outbox WHERE event = 'alert.routed' AND delivered_at IS NOT NULL") == 1);

  // Not to the configured webhooks; and delivered once.
  CHECK(default_hook.received("alert.routed").empty());
  soc.s.app().DeliverOutbox();
  CHECK(pager.received("alert.routed").size() == 1);
}

// ===========================================================================
// Hostile input: RE2 runs in linear time.

TEST_CASE("Routing: regex rules run over a 100 KB title that would hang a backtracking engine", "[routing]") {
  Soc soc;
  // Wazuh titles come from rule.description; the sender's 100 KB of text is
  // stored clipped (1 KB) and the rules see the stored title. Catastrophic
  // for a backtracking engine: (a+)+b against a run of a's with no b.
  const std::string huge(100 * 1024, 'a');
  const std::string payload = Replace(WazuhBruteForce(), R"("description": "sshd: brute force trying to get access to the system. Non existent user.")",
                                      R"("description": ")" + huge + "\"");
  soc.SaveRule("Nested quantifiers", R"({"title":{"regex":"(a+)+b"}})", R"([{"add_tags":"nested"}])");
  soc.SaveRule("Alternation", R"({"rule_name":{"regex":"^(a|aa)*c$"}})", R"([{"add_tags":"alternation"}])");
  soc.SaveRule("Long run", R"({"title":{"regex":"^a{1000}"}})", R"([{"add_tags":"long-run"}])");
  soc.SaveRule("Contains", R"({"text_contains":"aaaaaaaaab"})", R"([{"add_tags":"contains"}])");

  std::string id = soc.Ingest("wazuh", payload);
  auto tags = soc.Tags(id);
  CHECK_FALSE(Contains(tags, "nested"));
  CHECK_FALSE(Contains(tags, "alternation"));
  CHECK_FALSE(Contains(tags, "contains"));
  CHECK(Contains(tags, "long-run"));

  // The dry run evaluates the same payload.
  auto dry = DryRun(soc, fmt::format(R"({{"format":"wazuh","payload":{}}})", payload));
  const auto& matched = Member(Member(dry, "alerts")[0], "matched");
  REQUIRE(matched.Size() == 1);
  CHECK(Text(matched[0], "name") == "Long run");
}

}  // namespace
}  // namespace wf::test
