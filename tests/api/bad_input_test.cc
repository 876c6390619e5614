// Bad input over real HTTP (issue 2, "Bad input"; SPEC 5 status codes; SPEC 6
// roles). Every rejection is checked three ways: the status code, an RFC 9457
// application/problem+json body with a useful `detail`, and that nothing was
// written (row counts of every table a request could touch, before and after).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sqlite.h"
#include "tests/support/http_client.h"
#include "tests/support/test_server.h"

namespace wf::test {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kIngest[] = "/api/v1/ingest/generic";
constexpr char kValidAlert[] = R"({"source":"siem","title":"Port scan","source_ref":"scan-1"})";

// The row counts as one line, so that a failed comparison shows which table moved.
std::string CountsText(TestServer& s) {
  std::string out;
  for (const auto& [table, n] : s.Counts()) {
    out += fmt::format("{}={} ", table, n);
  }
  return out;
}

std::string Lower(std::string_view in) {
  std::string out(in);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Status, problem+json content type, `status` member and a `detail` that says
// something (and contains `detail_has`, case-insensitively, when given).
void CheckProblem(const ClientResponse& r, int status, std::string_view detail_has = {}) {
  INFO("HTTP " << r.status << " content-type '" << r.Header("content-type")
               << "' body: " << r.body.substr(0, 400));
  CHECK(r.status == status);
  CHECK(Lower(r.Header("content-type")).rfind("application/problem+json", 0) == 0);
  CHECK(JsonField(r.body, "status") == std::to_string(status));
  const std::string detail = JsonField(r.body, "detail");
  CHECK(detail.size() >= 10);
  if (!detail_has.empty()) {
    CHECK_THAT(Lower(detail), Catch::Contains(Lower(detail_has)));
  }
}

ClientResponse Send(TestServer& s, std::string_view method, std::string_view target,
                    std::string_view body, Headers headers) {
  return s.client().Request(method, target, body, std::move(headers));
}

Headers JsonWithBearer(const std::string& token) {
  return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
}

// A raw HTTP answer split into status, lowercased headers and body.
ClientResponse ParseRawResponse(const std::string& raw) {
  ClientResponse r;
  const size_t head_end = raw.find("\r\n\r\n");
  const std::string head = raw.substr(0, head_end);
  if (head.rfind("HTTP/1.", 0) == 0 && head.size() >= 12) {
    r.status = std::stoi(head.substr(9, 3));
  }
  size_t line_start = head.find("\r\n");
  while (line_start != std::string::npos && line_start + 2 < head.size()) {
    const size_t next = head.find("\r\n", line_start + 2);
    const std::string line = head.substr(
        line_start + 2, next == std::string::npos ? std::string::npos : next - line_start - 2);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') {
        ++v;
      }
      r.headers.emplace_back(Lower(line.substr(0, colon)), line.substr(v));
    }
    line_start = next;
  }
  if (head_end != std::string::npos) {
    r.body = raw.substr(head_end + 4);
  }
  return r;
}

// --- malformed and ill-typed bodies
// -------------------------------------------

struct BodyCase {
  const char* what;
  std::string body;
  int status;
  const char* detail_has;
};

TEST_CASE(
    "Bad input: malformed, ill-typed and rule-breaking alerts are "
    "refused and write nothing",
    "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::vector<BodyCase> cases = {
      {"malformed JSON", R"({"source":"siem","title":)", 400, "malformed JSON"},
      {"unquoted key", R"({source:"siem","title":"t"})", 400, "malformed JSON"},
      {"trailing garbage after a valid object", R"({"source":"siem","title":"t"} x)", 400,
       "malformed JSON"},
      {"a second object after the first", R"({"source":"siem","title":"t"}{"a":1})", 400,
       "malformed JSON"},
      {"an empty body", "", 400, "JSON"},
      {"a bare string", R"("just a string")", 400, "string"},
      {"title as a number", R"({"source":"siem","title":42})", 400, "title"},
      {"source as an array", R"({"source":["siem"],"title":"t"})", 400, "source"},
      {"tags as a string", R"({"source":"siem","title":"t","tags":"a,b"})", 400, "tags"},
      {"a tag that is a number", R"({"source":"siem","title":"t","tags":["a",1]})", 400, "tags"},
      {"observables as an object",
       R"({"source":"siem","title":"t","observables":{"type":"ip","value":"203.0.113.7"}})", 400,
       "observables"},
      {"severity as a boolean", R"({"source":"siem","title":"t","severity":true})", 400,
       "severity"},
      {"event_time as an object", R"({"source":"siem","title":"t","event_time":{}})", 400,
       "event_time"},
      {"missing title", R"({"source":"siem","description":"no title"})", 422, "title"},
      {"empty title", R"({"source":"siem","title":""})", 422, "title"},
      {"missing source", R"({"title":"no source"})", 422, "source"},
      {"unknown severity", R"({"source":"siem","title":"t","severity":"urgent"})", 422, "severity"},
      {"severity 7", R"({"source":"siem","title":"t","severity":7})", 422, "severity"},
      {"severity 0", R"({"source":"siem","title":"t","severity":0})", 422, "severity"},
      {"unknown observable type",
       R"({"source":"siem","title":"t","observables":[{"type":"ipaddress","value":"203.0.113.7"}]})",
       422, "observables[0].type"},
      {"invalid IP observable",
       R"({"source":"siem","title":"t","observables":[{"type":"ip","value":"999.1.1.1"}]})", 422,
       "observables[0].value"},
      {"an observable without a value",
       R"({"source":"siem","title":"t","observables":[{"type":"ip"}]})", 422, "observables[0]"},
      {"an empty batch", "[]", 422, "no alerts"},
      {"a bad event_time", R"({"source":"siem","title":"t","event_time":"yesterday"})", 422,
       "event_time"},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.what);
    const std::string before = CountsText(s);
    auto r = s.Post(kIngest, c.body, key);
    CheckProblem(r, c.status, c.detail_has);
    CHECK(CountsText(s) == before);
  }
  // The same server still accepts a good alert: the refusals were about the
  // input.
  CHECK(s.Post(kIngest, kValidAlert, key).status == 201);
}

TEST_CASE("Bad input: a batch with one bad item in the middle stores none of it",
          "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::string before = CountsText(s);
  auto r = s.Post(kIngest,
                  R"([{"source":"siem","title":"first","source_ref":"b-1"},
                      {"source":"siem","severity":"high","source_ref":"b-2"},
                      {"source":"siem","title":"third","source_ref":"b-3"}])",
                  key);
  CheckProblem(r, 422, "alerts[1]");
  CHECK_THAT(JsonField(r.body, "detail"), Catch::Contains("title"));
  CHECK(CountsText(s) == before);

  // A type error in the middle item is a 400 that names it too.
  auto typed = s.Post(kIngest,
                      R"([{"source":"siem","title":"first"},{"source":"siem","title":7},
                          {"source":"siem","title":"third"}])",
                      key);
  CheckProblem(typed, 400, "alerts[1].title");
  CHECK(CountsText(s) == before);
}

// --- invalid UTF-8
// --------------------------------------------------------------

TEST_CASE("Bad input: invalid UTF-8 in a JSON string is refused with 400", "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"bytes FF FE in a value", "{\"source\":\"siem\",\"title\":\"bad \xff\xfe here\"}"},
      {"bytes FF FE in a key", "{\"source\":\"siem\",\"title\":\"t\",\"ta\xff\xfegs\":[]}"},
      {"a truncated sequence", "{\"source\":\"siem\",\"title\":\"cut \xe2\x82\"}"},
      {"an overlong '/'", "{\"source\":\"siem\",\"title\":\"over \xc0\xaf long\"}"},
      {"an encoded surrogate", "{\"source\":\"siem\",\"title\":\"sur \xed\xa0\x80 rogate\"}"},
      {"a lone high surrogate escape", R"({"source":"siem","title":"esc \ud800 ape"})"},
  };
  for (const auto& [what, body] : cases) {
    INFO("case: " << what);
    const std::string before = CountsText(s);
    CheckProblem(s.Post(kIngest, body, key), 400);
    CHECK(CountsText(s) == before);
  }
  // Same rule for the other JSON bodies (user creation).
  const std::string before = CountsText(s);
  auto user = s.Post("/api/v1/users",
                     "{\"login\":\"eve\",\"name\":\"\xff\xfe\",\"role\":\"l1\","
                     "\"password\":\"correct horse battery staple\"}",
                     s.admin_token());
  CheckProblem(user, 400, "UTF-8");
  CHECK(CountsText(s) == before);
}

// Lone low surrogates written as JSON escapes decode to bytes that are not
// UTF-8 (ED B0 80); they must be refused like the raw bytes.
TEST_CASE(
    "Bad input: a lone low surrogate written as a JSON escape is refused "
    "with 400",
    "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::string before = CountsText(s);
  auto r = s.Post(kIngest, R"({"source":"siem","title":"esc \udc00 ape"})", key);
  CheckProblem(r, 400);
  CHECK(CountsText(s) == before);
}

TEST_CASE(
    "Bad input: invalid UTF-8 or a bad escape in the query string is "
    "refused with 400",
    "[api][bad_input]") {
  TestServer s;
  const std::string analyst = s.CreateUserToken("ana", "l1");
  const std::string before = CountsText(s);
  for (const char* target : {"/api/v1/alerts?q=%FF%FE", "/api/v1/alerts?source=a%C0%AFb",
                             "/api/v1/alerts?tag=%zz", "/api/v1/alerts?tag=%F"}) {
    INFO("target: " << target);
    CheckProblem(s.Get(target, analyst), 400, "query string");
  }
  CHECK(CountsText(s) == before);
}

// --- nesting
// --------------------------------------------------------------------

TEST_CASE(
    "Bad input: JSON nested 10,000 levels deep is refused with 400 and "
    "the server survives",
    "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  constexpr int kDepth = 10'000;
  std::string arrays = std::string(kDepth, '[') + std::string(kDepth, ']');
  std::string objects;
  for (int i = 0; i < kDepth; ++i) {
    objects += "{\"a\":";
  }
  objects += "1" + std::string(kDepth, '}');
  std::string unclosed = std::string(kDepth, '[');
  // Half a million levels still fit under the 1 MiB body limit.
  std::string deeper = std::string(500'000, '[') + std::string(500'000, ']');
  // Deep nesting inside an otherwise valid alert.
  std::string in_raw = R"({"source":"siem","title":"t","raw":)" + objects + "}";

  const std::string before = CountsText(s);
  for (const auto& [what, body] :
       std::vector<std::pair<const char*, const std::string*>>{{"[[[...]]]", &arrays},
                                                               {"{\"a\":{\"a\":...}}", &objects},
                                                               {"[[[ unclosed", &unclosed},
                                                               {"500,000 levels", &deeper},
                                                               {"deep raw member", &in_raw}}) {
    INFO("case: " << what);
    CheckProblem(s.Post(kIngest, *body, key), 400, "nested");
    CHECK(CountsText(s) == before);
    CHECK(s.Get("/healthz", "").status == 200);
  }
  // Other JSON endpoints parse with the same guard.
  CheckProblem(s.Post("/api/v1/users", objects, s.admin_token()), 400, "nested");
  CheckProblem(s.Post("/api/v1/auth/login", arrays, ""), 400, "nested");
  CHECK(CountsText(s) == before);
  // A fresh connection is served as well.
  HttpClient fresh(s.port());
  CHECK(fresh.Request("GET", "/healthz").status == 200);
}

// --- size and content type
// ------------------------------------------------------

TEST_CASE("Bad input: a body over 1 MiB is refused with 413", "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const size_t kBig = 1024 * 1024 + 100 * 1024;  // 1.1 MiB
  std::string body = R"({"source":"siem","title":"big","description":")";
  body += std::string(kBig - body.size() - 2, 'x');
  body += "\"}";
  REQUIRE(body.size() == kBig);

  const std::string before = CountsText(s);
  CheckProblem(s.Post(kIngest, body, key), 413, "larger than 1048576 bytes");
  CHECK(CountsText(s) == before);
  // The rest of the API has the same 1 MiB default.
  std::string user =
      R"({"login":"big","role":"l1","password":"correct horse battery staple","name":")";
  user += std::string(kBig, 'n') + "\"}";
  CheckProblem(s.Post("/api/v1/users", user, s.admin_token()), 413);
  CHECK(CountsText(s) == before);
  CHECK(s.Get("/healthz", "").status == 200);
}

TEST_CASE(
    "Bad input: a Content-Length announcing 2 MiB on ingest gets 413 "
    "before the body is sent",
    "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::string before = CountsText(s);
  const std::string head = fmt::format(
      "POST /api/v1/ingest/generic HTTP/1.1\r\nHost: "
      "127.0.0.1\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer {}\r\nContent-Length: {}\r\n\r\n",
      key, 2 * 1024 * 1024);
  const auto started = std::chrono::steady_clock::now();
  // No body follows: a server that waited for it would answer nothing before
  // the timeout.
  const std::string raw = HttpClient::Raw(s.port(), head, 5000);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  INFO("raw answer: " << raw.substr(0, 400));
  CheckProblem(ParseRawResponse(raw), 413, "larger than");
  CHECK(elapsed < std::chrono::seconds(4));
  CHECK(CountsText(s) == before);
}

TEST_CASE("Bad input: a wrong content type is refused with 415", "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::string analyst = s.CreateUserToken("ana", "l1");
  REQUIRE(s.Post(kIngest, kValidAlert, key).status == 201);
  const std::string id = std::to_string(s.QueryInt("SELECT MAX(id) FROM alerts"));

  const std::string before = CountsText(s);
  CheckProblem(s.Post(kIngest, kValidAlert, key, "text/xml"), 415, "application/json");
  CheckProblem(s.Post(kIngest, "<alert><title>t</title></alert>", key, "application/xml"), 415);
  CheckProblem(s.Post("/api/v1/users",
                      R"({"login":"bob","role":"l1","password":"correct horse battery staple"})",
                      s.admin_token(), "text/plain"),
               415, "application/json");
  CheckProblem(s.Post("/api/v1/users",
                      R"({"login":"bob","role":"l1","password":"correct horse battery staple"})",
                      s.admin_token(), "application/x-www-form-urlencoded"),
               415);
  CheckProblem(Send(s, "PATCH", "/api/v1/alerts/" + id, R"({"status":"ignored"})",
                    {{"Content-Type", "text/plain"}, {"Authorization", "Bearer " + analyst}}),
               415);
  CHECK(CountsText(s) == before);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts WHERE status = 'ignored'") == 0);
}

// --- credentials and roles
// ------------------------------------------------------

TEST_CASE("Bad input: missing or bad credentials are refused with 401", "[api][bad_input][auth]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::string made_up_key = "wfk_" + std::string(43, 'A');
  const std::string before = CountsText(s);
  struct Case {
    const char* what;
    const char* method;
    std::string target;
    Headers headers;
  };
  const std::vector<Case> cases = {
      {"ingest without credentials", "POST", kIngest, {{"Content-Type", "application/json"}}},
      {"alert list without credentials", "GET", "/api/v1/alerts", {}},
      {"user creation without credentials",
       "POST",
       "/api/v1/users",
       {{"Content-Type", "application/json"}}},
      {"audit without credentials", "GET", "/api/v1/audit", {}},
      {"ingest with a made-up wfk_ key as Bearer", "POST", kIngest, JsonWithBearer(made_up_key)},
      {"ingest with a made-up wfk_ key as X-API-Key",
       "POST",
       kIngest,
       {{"Content-Type", "application/json"}, {"X-API-Key", made_up_key}}},
      {"ingest with a made-up wfk_ key in ?api_key=",
       "POST",
       std::string(kIngest) + "?api_key=" + made_up_key,
       {{"Content-Type", "application/json"}}},
      {"ingest with a real key one character off", "POST", kIngest,
       JsonWithBearer(key.substr(0, key.size() - 1) + (key.back() == 'A' ? "B" : "A"))},
      {"alert list with a garbage bearer",
       "GET",
       "/api/v1/alerts",
       {{"Authorization", "Bearer not-a-token-at-all"}}},
      {"alert list with an empty bearer", "GET", "/api/v1/alerts", {{"Authorization", "Bearer "}}},
      {"user creation with a garbage bearer", "POST", "/api/v1/users",
       JsonWithBearer("garbage!!%$")},
      {"me with Basic credentials (not accepted outside ingest)",
       "GET",
       "/api/v1/me",
       {{"Authorization", "Basic YWRtaW46Y29ycmVjdCBob3JzZQ=="}}},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.what);
    auto r =
        Send(s, c.method, c.target,
             std::string_view(c.method) == "POST" ? std::string_view(kValidAlert) : "", c.headers);
    CheckProblem(r, 401);
    CHECK_FALSE(r.Header("www-authenticate").empty());
    CHECK(CountsText(s) == before);
  }
}

TEST_CASE("Bad input: authenticated principals outside their role get 403",
          "[api][bad_input][auth]") {
  TestServer s;
  const std::string ingest_key = s.CreateApiKey("siem", "ingest");
  const std::string read_key = s.CreateApiKey("grafana", "read");
  const std::string l1 = s.CreateUserToken("ana", "l1");
  const std::string auditor = s.CreateUserToken("aud", "auditor");
  REQUIRE(s.Post(kIngest, kValidAlert, ingest_key).status == 201);
  const std::string id = std::to_string(s.QueryInt("SELECT MAX(id) FROM alerts"));
  const std::string new_user =
      R"({"login":"mallory","name":"M","role":"admin","password":"correct horse battery staple"})";

  struct Case {
    const char* what;
    const char* method;
    std::string target;
    std::string body;
    std::string token;
  };
  const std::vector<Case> cases = {
      {"an ingest key listing alerts", "GET", "/api/v1/alerts", "", ingest_key},
      {"an ingest key reading an alert", "GET", "/api/v1/alerts/" + id, "", ingest_key},
      {"an ingest key creating a user", "POST", "/api/v1/users", new_user, ingest_key},
      {"an L1 user creating a user", "POST", "/api/v1/users", new_user, l1},
      {"an L1 user creating an API key", "POST", "/api/v1/api-keys",
       R"({"name":"x","scopes":["ingest"]})", l1},
      {"an auditor patching an alert", "PATCH", "/api/v1/alerts/" + id, R"({"status":"ignored"})",
       auditor},
      {"an L1 user reading the audit trail", "GET", "/api/v1/audit", "", l1},
      {"an L1 user verifying the audit trail", "GET", "/api/v1/audit/verify", "", l1},
      {"a read-scope key posting an alert", "POST", kIngest,
       R"({"source":"siem","title":"from a read key","source_ref":"rk"})", read_key},
      {"an admin user posting an alert", "POST", kIngest,
       R"({"source":"siem","title":"from admin","source_ref":"adm"})", s.admin_token()},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.what);
    const std::string before = CountsText(s);
    CheckProblem(Send(s, c.method, c.target, c.body, JsonWithBearer(c.token)), 403);
    CHECK(CountsText(s) == before);
  }
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts WHERE status = 'ignored'") == 0);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM users WHERE login = 'mallory'") == 0);

  // The allowed side of the same rules.
  auto audit = s.Get("/api/v1/audit", auditor);
  CHECK(audit.status == 200);
  CHECK(JsonField(audit.body, "seq") != "");
  CHECK(s.Get("/api/v1/audit/verify", auditor).status == 200);
  CHECK(s.Get("/api/v1/alerts", read_key).status == 200);
  CHECK(s.Get("/api/v1/alerts", l1).status == 200);
}

// --- SQL metacharacters
// -----------------------------------------------------------

TEST_CASE(
    "Bad input: SQL metacharacters in title, source and tags are stored "
    "verbatim",
    "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::string analyst = s.CreateUserToken("ana", "l1");
  const std::string title = "'; DROP TABLE alerts; --";
  const std::string source = "\" OR 1=1 --";
  const std::string body =
      R"({"source":"\" OR 1=1 --","source_ref":"1' OR '1'='1","title":"'; DROP TABLE alerts; --",)"
      R"("description":"x'); DELETE FROM users; --","tags":["'; DROP TABLE alerts; --",)"
      R"("\" OR 1=1 --","%_\\"]})";
  const int64_t alerts_before = s.QueryInt("SELECT COUNT(*) FROM alerts");
  const int64_t users_before = s.QueryInt("SELECT COUNT(*) FROM users");

  auto r = s.Post(kIngest, body, key);
  INFO(r.body);
  REQUIRE(r.status == 201);
  const std::string id = JsonField(r.body, "id");
  CHECK(s.QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                   "AND name = 'alerts'") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts") == alerts_before + 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM users") == users_before);

  auto detail = s.Get("/api/v1/alerts/" + id, analyst);
  REQUIRE(detail.status == 200);
  CHECK(JsonField(detail.body, "title") == title);
  CHECK(JsonField(detail.body, "source") == source);
  CHECK(JsonField(detail.body, "source_ref") == "1' OR '1'='1");
  CHECK(JsonField(detail.body, "description") == "x'); DELETE FROM users; --");
  CHECK(detail.body.find(R"("%_\\")") != std::string::npos);

  // The same strings as filters match exactly that alert, and LIKE wildcards
  // are not wildcards.
  REQUIRE(s.Post(kIngest, R"({"source":"other","title":"plain","tags":["plain"]})", key).status ==
          201);
  auto by_source = s.Get("/api/v1/alerts?source=%22%20OR%201%3D1%20--", analyst);
  REQUIRE(by_source.status == 200);
  CHECK(JsonField(by_source.body, "title") == title);
  CHECK(by_source.body.find("\"plain\"") == std::string::npos);
  auto by_tag = s.Get("/api/v1/alerts?tag=%27%3B%20DROP%20TABLE%20alerts%3B%20--", analyst);
  REQUIRE(by_tag.status == 200);
  CHECK(JsonField(by_tag.body, "title") == title);
  auto wildcard = s.Get("/api/v1/alerts?tag=%25", analyst);
  REQUIRE(wildcard.status == 200);
  CHECK(JsonField(wildcard.body, "alerts") == "<complex>");
  CHECK(wildcard.body.find("\"title\"") == std::string::npos);
}

// --- paths, routes and methods
// -----------------------------------------------------

TEST_CASE("Bad input: path tricks and unknown routes answer 404 without a crash",
          "[api][bad_input]") {
  TestServer s;
  const std::string analyst = s.CreateUserToken("ana", "l1");
  const std::string before = CountsText(s);
  for (const char* target :
       {"/api/v1/alerts/..%2f..%2fetc%2fpasswd", "/api/v1/alerts/../../etc/passwd",
        "/api/v1/alerts/%2e%2e", "/api/v1/alerts/-1", "/api/v1/alerts/0",
        "/api/v1/alerts/99999999999999999999", "/api/v1/alerts/9223372036854775808",
        "/api/v1/alerts/1e3", "/api/v1/alerts/12345", "/api/v1/nope", "/api/v2/alerts",
        "/etc/passwd", "/api/v1/alerts/1/2/3"}) {
    INFO("target: " << target);
    CheckProblem(s.Get(target, analyst), 404);
  }
  CHECK(CountsText(s) == before);
  CHECK(s.Get("/healthz", "").status == 200);
}

TEST_CASE("Bad input: a wrong method on a known path answers 405", "[api][bad_input]") {
  TestServer s;
  const std::string analyst = s.CreateUserToken("ana", "l1");
  const std::string before = CountsText(s);
  CheckProblem(Send(s, "DELETE", "/api/v1/alerts", "", {{"Authorization", "Bearer " + analyst}}),
               405, "DELETE");
  CheckProblem(
      Send(s, "PUT", "/api/v1/alerts/1", R"({"status":"ignored"})", JsonWithBearer(analyst)), 405,
      "PUT");
  CheckProblem(Send(s, "GET", kIngest, "", {}), 405);
  CHECK(CountsText(s) == before);
}

// RFC 9110 15.5.6: "The origin server MUST generate an Allow header field in a 405
// response containing a list of the target resource's currently supported methods."
TEST_CASE("Bad input: a 405 answer lists the allowed methods in Allow",
          "[api][bad_input]") {
  TestServer s;
  auto r = Send(s, "DELETE", "/api/v1/alerts", "", {});
  REQUIRE(r.status == 405);
  CHECK_THAT(r.Header("allow"), Catch::Contains("GET"));
}

// --- PATCH /alerts/{id}
// -------------------------------------------------------------

TEST_CASE("Bad input: invalid alert patches are refused and write nothing", "[api][bad_input]") {
  TestServer s;
  const std::string key = s.CreateApiKey("siem");
  const std::string analyst = s.CreateUserToken("ana", "l1");
  auto created = s.Post(kIngest, kValidAlert, key);
  REQUIRE(created.status == 201);
  const std::string target = "/api/v1/alerts/" + JsonField(created.body, "id");
  const int64_t updated_at = s.QueryInt("SELECT updated_at FROM alerts");
  s.clock().Advance(60'000);  // any write would move updated_at

  const std::vector<BodyCase> cases = {
      {"an unknown field", R"({"status":"ignored","colour":"red"})", 422, "colour"},
      {"status imported", R"({"status":"imported"})", 422, "status"},
      {"status updated", R"({"status":"updated"})", 422, "status"},
      {"status nonsense", R"({"status":"closed"})", 422, "status"},
      {"severity urgent", R"({"severity":"urgent"})", 422, "severity"},
      {"an empty tag", R"({"tags":["ok",""]})", 422, "tags"},
      {"status as a number", R"({"status":2})", 400, "status"},
      {"tags as a string", R"({"tags":"a"})", 400, "tags"},
      {"malformed JSON", R"({"status":)", 400, "malformed JSON"},
      {"an array body", R"(["status","ignored"])", 400, "object"},
      {"invalid UTF-8", "{\"tags\":[\"\xff\"]}", 400, "UTF-8"},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.what);
    const std::string before = CountsText(s);
    CheckProblem(s.Patch(target, c.body, analyst), c.status, c.detail_has);
    CHECK(CountsText(s) == before);
  }
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts WHERE status = 'new'") == 1);
  CHECK(s.QueryInt("SELECT updated_at FROM alerts") == updated_at);
  CheckProblem(s.Patch("/api/v1/alerts/424242", R"({"status":"ignored"})", analyst), 404);
}

// --- user creation
// -----------------------------------------------------------------

TEST_CASE("Bad input: invalid user creation is refused and writes nothing", "[api][bad_input]") {
  TestServer s;
  REQUIRE(
      s.Post(
           "/api/v1/users",
           R"({"login":"ana","name":"Ana","role":"l1","password":"correct horse battery staple"})",
           s.admin_token())
          .status == 201);
  const std::vector<BodyCase> cases = {
      {"a short password", R"({"login":"bob","role":"l1","password":"short"})", 422, "password"},
      {"a duplicate login",
       R"({"login":"ana","role":"l2","password":"correct horse battery staple"})", 409, "ana"},
      {"a duplicate login in other case",
       R"({"login":"ANA","role":"l2","password":"correct horse battery staple"})", 409, "taken"},
      {"an unknown role",
       R"({"login":"bob","role":"wizard","password":"correct horse battery staple"})", 422,
       "wizard"},
      {"a missing login", R"({"role":"l1","password":"correct horse battery staple"})", 422,
       "login"},
      {"a missing password", R"({"login":"bob","role":"l1"})", 422, "password"},
      {"an unknown field",
       R"({"login":"bob","role":"l1","password":"correct horse battery staple","admin":true})", 422,
       "admin"},
      {"a login with spaces",
       R"({"login":"bob smith","role":"l1","password":"correct horse battery staple"})", 422,
       "login"},
      {"login as a number", R"({"login":7,"role":"l1","password":"correct horse battery staple"})",
       400, "login"},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.what);
    const std::string before = CountsText(s);
    CheckProblem(s.Post("/api/v1/users", c.body, s.admin_token()), c.status, c.detail_has);
    CHECK(CountsText(s) == before);
  }
  CHECK(s.QueryInt("SELECT COUNT(*) FROM users") == 2);
}

// --- malformed HTTP
// -------------------------------------------------------------------

TEST_CASE("Bad input: a malformed HTTP request gets 400 and writes nothing", "[api][bad_input]") {
  TestServer s;
  const std::string before = CountsText(s);
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"a request line that is not HTTP", "THIS IS NOT HTTP\r\n\r\n"},
      {"a bad HTTP version", "GET /healthz HTTP/9.Z\r\nHost: x\r\n\r\n"},
      {"a header line without a colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"},
      {"a non-numeric Content-Length",
       "POST /api/v1/ingest/generic HTTP/1.1\r\nHost: x\r\nContent-Length: "
       "ten\r\n\r\n"},
      {"a NUL in the path", "GET /api/v1/alerts/1%00 HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"a relative request target", "GET healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
  };
  for (const auto& [what, bytes] : cases) {
    INFO("case: " << what);
    const std::string raw = HttpClient::Raw(s.port(), bytes, 5000);
    INFO("raw answer: " << raw.substr(0, 400));
    CheckProblem(ParseRawResponse(raw), 400);
  }
  CHECK(CountsText(s) == before);
  CHECK(s.Get("/healthz", "").status == 200);
}

}  // namespace
}  // namespace wf::test
