// GET /api/v1/search: FTS5 over alerts, cases, comments and task logs, kept
// in step with the tables in the same transaction.
#include <catch2/catch.hpp>

#include <set>

#include <fmt/format.h>

#include "tests/support/test_server.h"

namespace wf::test {
namespace {

TEST_CASE("Search: finds alerts, cases, comments and task logs, with highlighted snippets", "[api][search]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  std::string ana = s.CreateUserToken("ana", "l1");
  REQUIRE(s.Post("/api/v1/ingest/generic",
                 R"({"source":"edr","title":"Mimikatz credential dumping on ws-042","description":"lsass access"})", key)
              .status == 201);
  auto c = s.Post("/api/v1/cases", R"({"title":"Ransomware precursor","description":"cobalt strike beacon seen"})", ana);
  REQUIRE(c.status == 201);
  REQUIRE(s.Post("/api/v1/cases/1/comments", R"({"body":"The beacon talks to a Mimikatz-dropping host"})", ana).status == 201);
  auto t = s.Post("/api/v1/cases/1/tasks", R"({"title":"Contain"})", ana);
  REQUIRE(t.status == 201);
  REQUIRE(s.Post("/api/v1/tasks/" + JsonField(t.body, "id") + "/logs", R"({"body":"isolated ws-042 via EDR; mimikatz binary quarantined"})", ana).status == 201);

  auto all = s.Get("/api/v1/search?q=mimikatz", ana);
  REQUIRE(all.status == 200);
  CHECK(all.body.find(R"("type":"alert")") != std::string::npos);
  CHECK(all.body.find(R"("type":"comment")") != std::string::npos);
  CHECK(all.body.find(R"("type":"task_log")") != std::string::npos);
  CHECK(all.body.find(R"("type":"case")") == std::string::npos);
  CHECK(all.body.find("\\u0002Mimikatz\\u0003") != std::string::npos);  // highlight markers, escaped in JSON
  CHECK(all.body.find(R"("case_number":"SOC-2026-001")") != std::string::npos);

  auto cases = s.Get("/api/v1/search?q=beacon&type=case", ana);
  CHECK(JsonField(cases.body, "type") == "case");
  CHECK(cases.body.find(R"("type":"comment")") == std::string::npos);

  // Phrase, prefix and boolean queries.
  CHECK(s.Get("/api/v1/search?q=%22credential%20dumping%22", ana).body.find(R"("type":"alert")") != std::string::npos);
  CHECK(s.Get("/api/v1/search?q=ransom*", ana).body.find(R"("type":"case")") != std::string::npos);
  auto boolean = s.Get("/api/v1/search?q=mimikatz%20NOT%20beacon&type=comment,alert", ana);
  CHECK(boolean.body.find(R"("type":"alert")") != std::string::npos);
  CHECK(boolean.body.find(R"("type":"comment")") == std::string::npos);

  // Kept in step with edits: a retitled case is found by its new title only.
  REQUIRE(s.Patch("/api/v1/cases/1", R"({"title":"Wiper precursor"})", ana).status == 200);
  CHECK(s.Get("/api/v1/search?q=ransomware&type=case", ana).body.find(R"("type":"case")") == std::string::npos);
  CHECK(s.Get("/api/v1/search?q=wiper&type=case", ana).body.find(R"("type":"case")") != std::string::npos);
}

TEST_CASE("Search: ranks by relevance only the newest 1,000 matches of a type", "[api][search]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  std::string ana = s.CreateUserToken("ana", "l1");
  // Alert 1, the most relevant of all ("needle" three times in a short text),
  // then 1,000 newer matches: alert 501 twice, the rest once in a longer text.
  REQUIRE(s.Post("/api/v1/ingest/generic",
                 R"({"source":"edr","source_ref":"old","title":"needle needle","description":"needle oldest"})", key)
              .status == 201);
  std::string body = "[";
  for (int i = 0; i < 1000; ++i) {
    body += fmt::format(
        R"({}{{"source":"edr","source_ref":"n{}","title":"{}","description":"seen in haystack number {} of many"}})",
        i ? "," : "", i, i == 499 ? "needle needle" : "needle in a haystack", i);
  }
  body += "]";
  REQUIRE(s.Post("/api/v1/ingest/generic", body, key).status == 201);

  auto r = s.Get("/api/v1/search?q=needle&type=alert&limit=3", ana);
  REQUIRE(r.status == 200);
  INFO(r.body);
  // Alert 1 is the 1,001st newest match: not ranked. Among the newest 1,000,
  // alert 501 ranks first (without the window, alert 1 would).
  CHECK(JsonField(r.body, "id") == "501");
  CHECK(r.body.find(R"("id":1,)") == std::string::npos);
  CHECK(r.body.find(R"("type":"alert")") != std::string::npos);
  // Narrower queries reach the older match.
  auto narrow = s.Get("/api/v1/search?q=needle%20oldest&type=alert", ana);
  CHECK(JsonField(narrow.body, "id") == "1");
  CHECK(narrow.body.find("\\u0002needle\\u0003") != std::string::npos);
}

TEST_CASE("Search: a prefix query finds every term it names, however many there are", "[api][search]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  std::string ana = s.CreateUserToken("ana", "l1");
  auto post = [&](const std::string& ref, const std::string& title) {
    REQUIRE(s.Post("/api/v1/ingest/generic",
                   fmt::format(R"({{"source":"edr","source_ref":"{}","title":"{}"}})", ref, title), key)
                .status == 201);
  };
  post("p1", "PowerShell download cradle");
  post("p2", "powershellEmpire stager");
  post("p3", "Powerpoint macro");
  post("p4", "POWERSH_ELL obfuscated");
  auto ids = [&](const std::string& q) {
    auto r = s.Get("/api/v1/search?type=alert&limit=50&q=" + q, ana);
    REQUIRE(r.status == 200);
    std::set<std::string> out;
    for (size_t p = r.body.find(R"("id":)"); p != std::string::npos; p = r.body.find(R"("id":)", p + 5)) {
      out.insert(r.body.substr(p + 5, r.body.find_first_of(",}", p) - p - 5));
    }
    return out;
  };
  // Expanded into its three terms (case-insensitive), the same matches.
  CHECK(ids("powersh*") == std::set<std::string>{"1", "2", "4"});
  CHECK(ids("PowerSh*") == std::set<std::string>{"1", "2", "4"});
  CHECK(ids("power*") == std::set<std::string>{"1", "2", "3", "4"});
  CHECK(ids("zzz*").empty());
  // More terms than the expansion takes: the plain prefix query, still right.
  for (int i = 0; i < 40; ++i) post(fmt::format("m{}", i), fmt::format("macro{} dropped", i));
  CHECK(ids("macro*").size() == 41);  // "macro" of p3, and macro0..macro39
  // A prefix inside a larger query is left to FTS5 as written.
  CHECK(ids("powersh*%20AND%20stager") == std::set<std::string>{"2"});
}

TEST_CASE("Search: bad query syntax answers 400 with the reason, never 500", "[api][search]") {
  TestServer s;
  std::string ana = s.CreateUserToken("ana", "l1");
  for (const char* q : {"%22unbalanced", "AND", "a%20OR", "(a", "NEAR(", "%2A", "a%3Ab%3Ac"}) {
    INFO(q);
    auto r = s.Get(fmt::format("/api/v1/search?q={}", q), ana);
    CHECK(r.status == 400);
    CHECK(r.body.find("bad search query") != std::string::npos);
  }
  CHECK(s.Get("/api/v1/search", ana).status == 400);
  CHECK(s.Get("/api/v1/search?q=x&type=everything", ana).status == 400);
  CHECK(s.Get("/api/v1/search?q=x", "").status == 401);
}

}  // namespace
}  // namespace wf::test
