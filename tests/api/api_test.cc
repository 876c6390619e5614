// End-to-end API flows over real HTTP against a real SQLite file.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdint>

#include "tests/support/test_server.h"

namespace wf::test {
namespace {

constexpr char kAlert[] = R"({
  "source": "siem-prod", "source_ref": "rule-42:host-7", "title": "Brute force on vpn-gw",
  "description": "23 failed logins from 203.0.113.7", "severity": "high",
  "event_time": "2026-11-23T08:59:00Z", "tags": ["bruteforce", "vpn"],
  "observables": [{"type": "ip", "value": "203.0.113.7", "ioc": true},
                  {"type": "user", "value": "jdoe"}]
})";

TEST_CASE("API: health and readiness answer without credentials", "[api]") {
  TestServer s;
  auto h = s.Get("/healthz", "");
  CHECK(h.status == 200);
  CHECK(JsonField(h.body, "status") == "ok");
  auto r = s.Get("/readyz", "");
  CHECK(r.status == 200);
  CHECK(JsonField(r.body, "status") == "ready");
  CHECK_FALSE(r.Header("x-request-id").empty());
}

TEST_CASE("API: an alert posted twice is one alert with two occurrences", "[api][ingest]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  auto first = s.Post("/api/v1/ingest/generic", kAlert, key);
  REQUIRE(first.status == 201);
  CHECK(JsonField(first.body, "status") == "created");
  CHECK(JsonField(first.body, "occurrences") == "1");
  std::string id = JsonField(first.body, "id");

  s.clock().Advance(60'000);
  auto second = s.Post("/api/v1/ingest/generic", kAlert, key);
  REQUIRE(second.status == 200);
  CHECK(JsonField(second.body, "status") == "duplicate");
  CHECK(JsonField(second.body, "occurrences") == "2");
  CHECK(JsonField(second.body, "id") == id);

  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alert_deliveries") == 2);
  CHECK(s.QueryInt("SELECT occurrences FROM alerts") == 2);
  CHECK(s.QueryInt("SELECT status = 'updated' FROM alerts") == 1);

  std::string analyst = s.CreateUserToken("ana", "l1");
  auto list = s.Get("/api/v1/alerts", analyst);
  REQUIRE(list.status == 200);
  CHECK(JsonField(list.body, "title") == "Brute force on vpn-gw");
  CHECK(JsonField(list.body, "severity") == "high");

  auto detail = s.Get("/api/v1/alerts/" + id, analyst);
  REQUIRE(detail.status == 200);
  CHECK(JsonField(detail.body, "deliveries") == "2");
  CHECK(detail.body.find("203.0.113.7") != std::string::npos);
  CHECK(s.QueryInt("SELECT ioc FROM observables WHERE type='ip' AND value='203.0.113.7'") == 1);
}

TEST_CASE("API: past the dedup window the same alert opens a new one", "[api][ingest]") {
  TestServer s([](Config& c) { c.dedup_window_seconds = 3600; });
  std::string key = s.CreateApiKey("siem");
  REQUIRE(s.Post("/api/v1/ingest/generic", kAlert, key).status == 201);
  s.clock().Advance(3601'000);
  auto again = s.Post("/api/v1/ingest/generic", kAlert, key);
  CHECK(again.status == 201);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts") == 2);
}

TEST_CASE("API: an ignored alert that fires again opens a new alert", "[api][ingest]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  std::string analyst = s.CreateUserToken("ana", "l1");
  auto first = s.Post("/api/v1/ingest/generic", kAlert, key);
  std::string id = JsonField(first.body, "id");
  auto patch = s.Patch("/api/v1/alerts/" + id, R"({"status":"ignored"})", analyst);
  REQUIRE(patch.status == 200);
  CHECK(JsonField(patch.body, "status") == "ignored");
  CHECK(s.Post("/api/v1/ingest/generic", kAlert, key).status == 201);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts") == 2);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action='alert.update'") == 1);
}

TEST_CASE("API: a batch of alerts is stored with one result each", "[api][ingest]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  auto r = s.Post("/api/v1/ingest/generic",
                  R"([{"source":"a","title":"one","source_ref":"1"},
                      {"source":"a","title":"two","source_ref":"2"},
                      {"source":"a","title":"one again","source_ref":"1"}])",
                  key);
  REQUIRE(r.status == 200);  // the third folds into the first
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts") == 2);
  CHECK(r.body.find("\"duplicate\"") != std::string::npos);
}

TEST_CASE("API: alert list filters and paginates newest first", "[api]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  std::string analyst = s.CreateUserToken("ana", "l2");
  for (int i = 0; i < 7; ++i) {
    auto body = fmt::format(R"({{"source":"s{}","title":"alert {}","source_ref":"r{}","severity":"{}","tags":["t{}"]}})",
                            i % 2, i, i, i % 2 ? "low" : "critical", i % 3);
    REQUIRE(s.Post("/api/v1/ingest/generic", body, key).status == 201);
  }
  auto page1 = s.Get("/api/v1/alerts?limit=3", analyst);
  REQUIRE(page1.status == 200);
  CHECK(JsonField(page1.body, "title") == "alert 6");
  std::string cursor = JsonField(page1.body, "next_cursor");
  REQUIRE(!cursor.empty());
  REQUIRE(cursor != "null");
  auto page2 = s.Get("/api/v1/alerts?limit=3&cursor=" + cursor, analyst);
  CHECK(JsonField(page2.body, "title") == "alert 3");
  auto crit = s.Get("/api/v1/alerts?severity=critical&source=s0", analyst);
  CHECK(JsonField(crit.body, "title") == "alert 6");
  CHECK(crit.body.find("\"low\"") == std::string::npos);
  auto tagged = s.Get("/api/v1/alerts?tag=t1", analyst);
  CHECK(JsonField(tagged.body, "title") == "alert 4");
  auto search = s.Get("/api/v1/alerts?q=%22alert%205%22", analyst);
  CHECK(JsonField(search.body, "title") == "alert 5");
  auto bad = s.Get("/api/v1/alerts?severity=urgent", analyst);
  CHECK(bad.status == 400);
  auto bad_q = s.Get("/api/v1/alerts?q=%22unbalanced", analyst);
  CHECK(bad_q.status == 400);
}

TEST_CASE("API: login, me and logout", "[api][auth]") {
  TestServer s;
  auto me = s.Get("/api/v1/me", s.admin_token());
  REQUIRE(me.status == 200);
  CHECK(JsonField(me.body, "login") == "admin");
  CHECK(JsonField(me.body, "role") == "admin");
  auto out = s.Post("/api/v1/auth/logout", "", s.admin_token(), "");
  CHECK(out.status == 204);
  CHECK(s.Get("/api/v1/me", s.admin_token()).status == 401);
  auto wrong = s.Post("/api/v1/auth/login", R"({"login":"admin","password":"wrong password!"})", "");
  CHECK(wrong.status == 401);
}

TEST_CASE("API: API keys are shown once and stored hashed, and revoked keys stop working", "[api][auth]") {
  TestServer s;
  auto created = s.Post("/api/v1/api-keys", R"({"name":"wazuh","scopes":["ingest"]})", s.admin_token());
  REQUIRE(created.status == 201);
  std::string key = JsonField(created.body, "key");
  std::string id = JsonField(created.body, "id");
  CHECK(key.rfind("wfk_", 0) == 0);
  CHECK(s.QueryInt(fmt::format("SELECT COUNT(*) FROM api_keys WHERE key_hash = '{}'", key)) == 0);
  auto list = s.Get("/api/v1/api-keys", s.admin_token());
  CHECK(list.body.find(key) == std::string::npos);
  CHECK(s.Post("/api/v1/ingest/generic", R"({"source":"w","title":"t"})", key).status == 201);
  auto del = s.client().Request("DELETE", "/api/v1/api-keys/" + id, {},
                                {{"Authorization", "Bearer " + s.admin_token()}});
  CHECK(del.status == 204);
  CHECK(s.Post("/api/v1/ingest/generic", R"({"source":"w","title":"t2"})", key).status == 401);
}

TEST_CASE("API: senders that cannot set headers use Basic or ?api_key=", "[api][auth]") {
  TestServer s;
  std::string key = s.CreateApiKey("splunk");
  auto q = s.Post("/api/v1/ingest/generic?api_key=" + key, R"({"source":"s","title":"q"})", "");
  CHECK(q.status == 201);
  // Basic: user "watchfloor", password = the key, base64 by hand is avoided:
  // the client computes it.
  std::string cred = "watchfloor:" + key;
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  size_t i = 0;
  for (; i + 2 < cred.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(cred[i])) << 16) | (uint32_t(uint8_t(cred[i + 1])) << 8) | uint8_t(cred[i + 2]);
    for (int k = 18; k >= 0; k -= 6) b64.push_back(kB64[(v >> k) & 63]);
  }
  if (cred.size() - i == 1) {
    uint32_t v = uint32_t(uint8_t(cred[i])) << 16;
    b64 += std::string{kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], '=', '='};
  } else if (cred.size() - i == 2) {
    uint32_t v = (uint32_t(uint8_t(cred[i])) << 16) | (uint32_t(uint8_t(cred[i + 1])) << 8);
    b64 += std::string{kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
  }
  auto basic = s.client().Request("POST", "/api/v1/ingest/generic", R"({"source":"s","title":"b"})",
                                  {{"Content-Type", "application/json"}, {"Authorization", "Basic " + b64}});
  CHECK(basic.status == 201);
  // ?api_key= is for ingest only.
  CHECK(s.Get("/api/v1/alerts?api_key=" + key, "").status == 401);
}

TEST_CASE("API: the audit trail records admin actions and verifies", "[api][audit]") {
  TestServer s;
  s.CreateApiKey("k1");
  auto audit = s.Get("/api/v1/audit?action=apikey.create", s.admin_token());
  REQUIRE(audit.status == 200);
  CHECK(JsonField(audit.body, "action") == "apikey.create");
  CHECK(JsonField(audit.body, "actor") == "user:admin");
  auto verify = s.Get("/api/v1/audit/verify", s.admin_token());
  REQUIRE(verify.status == 200);
  CHECK(JsonField(verify.body, "ok") == "true");
  CHECK(std::stoi(JsonField(verify.body, "checked")) >= 3);
}

}  // namespace
}  // namespace wf::test
