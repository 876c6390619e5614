// TheHive-compatible alert API over real HTTP: the flow a thehive4py script
// or ElastAlert2's hivealerter runs, unchanged but for the URL and key.
#include <catch2/catch.hpp>

#include "tests/support/test_server.h"

namespace wf::test {
namespace {

// What ElastAlert2's hivealerter sends: a random sourceRef each run.
std::string HiveAlert(const std::string& source_ref) {
  return R"({"title":"Suspicious PowerShell on WS-042","description":"Encoded command line",
    "type":"elastalert","source":"elastalert-prod","sourceRef":")" + source_ref + R"(",
    "severity":3,"tlp":2,"pap":2,"date":1795424000000,"tags":["powershell","T1059.001"],
    "artifacts":[{"dataType":"ip","data":"198.51.100.23","message":"C2","ioc":true},
                 {"dataType":"hostname","data":["ws-042","WS-042.corp.example"]},
                 {"dataType":"hash","data":"D41D8CD98F00B204E9800998ECF8427E"},
                 {"dataType":"mail_subject","data":"Invoice overdue"}],
    "customFields":{"customer":{"string":"acme"}}})";
}

TEST_CASE("TheHive API: create, create again with a new sourceRef, promote — as a TheHive client does", "[api][thehive]") {
  TestServer s;
  std::string key = s.CreateApiKey("hivealerter");
  auto first = s.Post("/api/alert", HiveAlert("a1b2c3"), key);
  REQUIRE(first.status == 201);
  CHECK(JsonField(first.body, "_type") == "alert");
  CHECK(JsonField(first.body, "_id") == "~1");
  CHECK(JsonField(first.body, "status") == "New");
  CHECK(JsonField(first.body, "severity") == "3");
  CHECK(JsonField(first.body, "sourceRef") == "a1b2c3");

  // Same alert, new random sourceRef: deduplicated, still 201 (integrations treat non-2xx as failure).
  auto again = s.Post("/api/alert", HiveAlert("ffee99"), key);
  REQUIRE(again.status == 201);
  CHECK(JsonField(again.body, "_id") == "~1");
  CHECK(JsonField(again.body, "occurrences") == "2");
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts") == 1);

  // Artifacts became normalised observables; free text became `other`.
  CHECK(s.QueryInt("SELECT COUNT(*) FROM observables WHERE type='ip' AND value='198.51.100.23' AND ioc=1") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM observables WHERE type='hostname'") == 2);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM observables WHERE type='hash' AND value='d41d8cd98f00b204e9800998ecf8427e'") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM observables WHERE type='other' AND value='Invoice overdue'") == 1);
  CHECK(s.QueryInt("SELECT severity FROM alerts") == 3);
  CHECK(s.QueryInt("SELECT tlp = 'amber' FROM alerts") == 1);

  // Promote as an analyst through TheHive's createCase.
  std::string analyst = s.CreateUserToken("ana", "l1");
  auto promoted = s.Post("/api/alert/~1/createCase", "{}", analyst);
  REQUIRE(promoted.status == 201);
  CHECK(JsonField(promoted.body, "_type") == "case");
  CHECK(JsonField(promoted.body, "watchfloorNumber") == "SOC-2026-001");
  CHECK(JsonField(promoted.body, "status") == "Open");
  CHECK(s.QueryInt("SELECT status = 'imported' FROM alerts WHERE id = 1") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM observable_links WHERE object_type='case'") == 5);
  // Promoting twice is a conflict; an ingest key cannot promote.
  CHECK(s.Post("/api/alert/~1/createCase", "{}", analyst).status == 409);
  CHECK(s.Post("/api/alert/~1/createCase", "{}", key).status == 403);
}

TEST_CASE("TheHive API: the TheHive 5 shape with observables and a 0-4 TLP", "[api][thehive]") {
  TestServer s;
  std::string key = s.CreateApiKey("th5-client");
  auto r = s.Post("/api/v1/alert",
                  R"({"type":"wazuh","source":"wazuh-01","sourceRef":"r1","title":"Rootkit detected",
                      "severity":4,"tlp":4,"pap":1,"observables":[{"dataType":"domain","data":"evil.example.com"}]})",
                  key);
  REQUIRE(r.status == 201);
  CHECK(JsonField(r.body, "_type") == "Alert");
  CHECK(JsonField(r.body, "tlp") == "4");
  CHECK(JsonField(r.body, "observableCount") == "1");
  CHECK(s.QueryInt("SELECT tlp = 'red' FROM alerts") == 1);
  CHECK(s.QueryInt("SELECT severity FROM alerts") == 4);
  // Case merge through the v1 path.
  std::string analyst = s.CreateUserToken("bob", "l2");
  auto c = s.Post("/api/v1/cases", R"({"title":"Rootkit campaign"})", analyst);
  REQUIRE(c.status == 201);
  auto merged = s.Post("/api/v1/alert/~1/merge/~1", "{}", analyst);
  REQUIRE(merged.status == 200);
  CHECK(JsonField(merged.body, "_type") == "Case");
  CHECK(s.QueryInt("SELECT case_id FROM alerts WHERE id = 1") == 1);
}

TEST_CASE("TheHive API: bad bodies are refused and store nothing", "[api][thehive]") {
  TestServer s;
  std::string key = s.CreateApiKey("client");
  auto before = s.Counts();
  CHECK(s.Post("/api/alert", R"({"title":"t","source":"s"})", key).status == 422);              // no type
  CHECK(s.Post("/api/alert", R"({"title":"t","type":"x","source":"s","severity":9})", key).status == 422);
  CHECK(s.Post("/api/alert", R"({"title":"t","type":"x","source":"s","tlp":4})", key).status == 422);  // v0: 0-3
  CHECK(s.Post("/api/alert", R"({"title":"t","type":"x","source":"s","artifacts":{}})", key).status == 400);
  CHECK(s.Post("/api/alert", R"({"title":1,"type":"x","source":"s"})", key).status == 400);
  CHECK(s.Post("/api/alert", "{not json", key).status == 400);
  CHECK(s.Post("/api/alert", R"({"title":"t","type":"x","source":"s"})", "").status == 401);
  CHECK(s.Counts() == before);
}

TEST_CASE("TheHive API: the compatibility switch restores TheHive's 400 on duplicates", "[api][thehive]") {
  TestServer s([](Config& c) { c.thehive_duplicate_400 = true; });
  std::string key = s.CreateApiKey("client");
  REQUIRE(s.Post("/api/alert", HiveAlert("x1"), key).status == 201);
  auto dup = s.Post("/api/alert", HiveAlert("x2"), key);
  CHECK(dup.status == 400);
  CHECK(JsonField(dup.body, "type") == "CreateError");
  // The occurrence is still counted: nothing the SIEM sent is lost.
  CHECK(s.QueryInt("SELECT occurrences FROM alerts") == 2);
}

}  // namespace
}  // namespace wf::test
