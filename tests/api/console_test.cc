// The web console's HTTP side: embedded assets with ETag and the strict CSP,
// the HttpOnly session cookie, and CSRF protection of cookie-authenticated
// changes. The console's pages themselves are tested in a real browser
// (tests/console/).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>

#include "tests/support/test_server.h"

namespace wf::test {
namespace {

constexpr char kCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

void CheckConsoleHeaders(const ClientResponse& r) {
  CHECK(r.Header("content-security-policy") == kCsp);
  CHECK(r.Header("x-content-type-options") == "nosniff");
  CHECK(r.Header("referrer-policy") == "no-referrer");
  CHECK(r.Header("x-frame-options") == "DENY");
}

// Logs in with {"cookie":true} and returns the wf_session cookie pair.
std::string LoginCookie(TestServer& s, const std::string& login) {
  auto r = s.client().Request(
      "POST", "/api/v1/auth/login",
      fmt::format(R"({{"login":"{}","password":"{}","cookie":true}})", login, kTestPassword),
      {{"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
  std::string set = r.Header("set-cookie");
  REQUIRE(set.starts_with("wf_session=wfs_"));
  return set.substr(0, set.find(';'));
}

std::string CaseCount(TestServer& s) { return std::to_string(s.QueryInt("SELECT COUNT(*) FROM cases")); }

TEST_CASE("Console: / serves the page with a strict CSP, and the ETag revalidates to 304", "[console]") {
  TestServer s;
  auto page = s.client().Request("GET", "/");
  REQUIRE(page.status == 200);
  CHECK(page.Header("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("<script type=\"module\" src=\"/assets/app.js\"></script>") != std::string::npos);
  CheckConsoleHeaders(page);
  CHECK(page.Header("cache-control") == "no-cache");
  std::string etag = page.Header("etag");
  REQUIRE(etag.size() == 34);

  auto again = s.client().Request("GET", "/", {}, {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CheckConsoleHeaders(again);

  auto js = s.client().Request("GET", "/assets/app.js");
  REQUIRE(js.status == 200);
  CHECK(js.Header("content-type") == "text/javascript; charset=utf-8");
  CHECK(js.Header("etag") != etag);
  CheckConsoleHeaders(js);
  auto css = s.client().Request("GET", "/assets/console.css");
  CHECK(css.status == 200);
  CHECK(css.Header("content-type") == "text/css; charset=utf-8");
}

TEST_CASE("Console: unknown assets and unknown API paths stay problem+json 404s", "[console]") {
  TestServer s;
  for (const char* path : {"/assets/nope.js", "/assets/..%2fdispatcher.cc", "/api/v1/nope"}) {
    auto r = s.client().Request("GET", path);
    INFO(path);
    CHECK(r.status == 404);
    CHECK(r.Header("content-type") == "application/problem+json");
  }
  CHECK(s.client().Request("POST", "/").status == 405);
}

TEST_CASE("Console: login with cookie:true sets an HttpOnly SameSite=Strict cookie that reads", "[console]") {
  TestServer s;
  auto plain = s.client().Request("POST", "/api/v1/auth/login",
                                  fmt::format(R"({{"login":"admin","password":"{}"}})", kTestPassword),
                                  {{"Content-Type", "application/json"}});
  REQUIRE(plain.status == 200);
  CHECK(plain.Header("set-cookie").empty());

  auto r = s.client().Request(
      "POST", "/api/v1/auth/login",
      fmt::format(R"({{"login":"admin","password":"{}","cookie":true}})", kTestPassword),
      {{"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
  std::string set = r.Header("set-cookie");
  CHECK(set.find("; HttpOnly") != std::string::npos);
  CHECK(set.find("; SameSite=Strict") != std::string::npos);
  CHECK(set.find("; Path=/") != std::string::npos);
  CHECK(set.find("; Secure") == std::string::npos);  // no TLS in this test
  CHECK(set.find(JsonField(r.body, "token")) != std::string::npos);

  std::string cookie = set.substr(0, set.find(';'));
  auto me = s.client().Request("GET", "/api/v1/me", {}, {{"Cookie", "theme=dark; " + cookie}});
  CHECK(me.status == 200);
  CHECK(JsonField(me.body, "login") == "admin");

  auto bad = s.client().Request("POST", "/api/v1/auth/login", R"({"login":"admin","password":"x","cookie":"yes"})",
                                {{"Content-Type", "application/json"}});
  CHECK(bad.status == 400);
  CHECK(bad.Header("set-cookie").empty());
}

TEST_CASE("Console: a cookie change without X-Watchfloor-CSRF is 403 and changes nothing", "[console]") {
  TestServer s;
  s.CreateUserToken("ana", "l1");
  std::string cookie = LoginCookie(s, "ana");
  const std::string body = R"({"title":"Port scan from guest Wi-Fi","severity":"low"})";
  auto before = s.Counts();

  auto no_header = s.client().Request("POST", "/api/v1/cases", body,
                                      {{"Content-Type", "application/json"}, {"Cookie", cookie}});
  CHECK(no_header.status == 403);
  CHECK(no_header.Header("content-type") == "application/problem+json");
  CHECK(no_header.body.find("X-Watchfloor-CSRF") != std::string::npos);

  auto other_origin = s.client().Request(
      "POST", "/api/v1/cases", body,
      {{"Content-Type", "application/json"}, {"Cookie", cookie}, {"X-Watchfloor-CSRF", "1"},
       {"Origin", "https://evil.example"}});
  CHECK(other_origin.status == 403);
  CHECK(other_origin.body.find("Origin") != std::string::npos);
  auto null_origin = s.client().Request(
      "POST", "/api/v1/cases", body,
      {{"Content-Type", "application/json"}, {"Cookie", cookie}, {"X-Watchfloor-CSRF", "1"},
       {"Origin", "null"}});
  CHECK(null_origin.status == 403);
  CHECK(s.Counts() == before);
  CHECK(CaseCount(s) == "0");

  auto ok = s.client().Request(
      "POST", "/api/v1/cases", body,
      {{"Content-Type", "application/json"}, {"Cookie", cookie}, {"X-Watchfloor-CSRF", "1"},
       {"Origin", fmt::format("http://127.0.0.1:{}", s.port())}});
  CHECK(ok.status == 201);
  auto no_origin = s.client().Request(
      "POST", "/api/v1/cases", body,
      {{"Content-Type", "application/json"}, {"Cookie", cookie}, {"X-Watchfloor-CSRF", "1"}});
  CHECK(no_origin.status == 201);
  CHECK(CaseCount(s) == "2");
}

TEST_CASE("Console: explicit credentials win over the cookie, and bearer needs no CSRF header", "[console]") {
  TestServer s;
  std::string token = s.CreateUserToken("ana", "l1");
  std::string cookie = LoginCookie(s, "ana");
  // A bearer client is not a browser riding a cookie: no CSRF header needed.
  auto bearer = s.Post("/api/v1/cases", R"({"title":"By bearer"})", token);
  CHECK(bearer.status == 201);
  // A bad Authorization header is not rescued by a good cookie.
  auto bad = s.client().Request("GET", "/api/v1/me", {},
                                {{"Authorization", "Bearer wfs_not-a-token"}, {"Cookie", cookie}});
  CHECK(bad.status == 401);
  // An API key in a cookie is not a credential.
  std::string key = s.CreateApiKey("siem", "read");
  auto key_cookie = s.client().Request("GET", "/api/v1/alerts", {}, {{"Cookie", "wf_session=" + key}});
  CHECK(key_cookie.status == 401);
}

TEST_CASE("Console: logout by cookie clears the cookie and ends the session", "[console]") {
  TestServer s;
  std::string cookie = LoginCookie(s, "admin");
  auto refused = s.client().Request("POST", "/api/v1/auth/logout", {}, {{"Cookie", cookie}});
  CHECK(refused.status == 403);
  CHECK(s.client().Request("GET", "/api/v1/me", {}, {{"Cookie", cookie}}).status == 200);

  auto out = s.client().Request("POST", "/api/v1/auth/logout", {},
                                {{"Cookie", cookie}, {"X-Watchfloor-CSRF", "1"}});
  CHECK(out.status == 204);
  std::string set = out.Header("set-cookie");
  CHECK(set.starts_with("wf_session=;"));
  CHECK(set.find("Max-Age=0") != std::string::npos);
  CHECK(s.client().Request("GET", "/api/v1/me", {}, {{"Cookie", cookie}}).status == 401);
}

TEST_CASE("Console: alert detail says in how many cases each observable was seen", "[console]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  std::string token = s.CreateUserToken("ana", "l1");
  auto first = s.Post("/api/v1/ingest/generic",
                      R"({"source":"ids","source_ref":"a","title":"one",
                          "observables":[{"type":"ip","value":"203.0.113.7"}]})", key);
  REQUIRE(first.status == 201);
  auto second = s.Post("/api/v1/ingest/generic",
                       R"({"source":"ids","source_ref":"b","title":"two",
                           "observables":[{"type":"ip","value":"203.0.113.7"}]})", key);
  REQUIRE(second.status == 201);
  std::string id1 = JsonField(first.body, "id");
  std::string id2 = JsonField(second.body, "id");
  CHECK(JsonField(s.Get("/api/v1/alerts/" + id2, token).body, "case_count") == "0");
  REQUIRE(s.Post("/api/v1/alerts/" + id1 + "/promote", "{}", token).status == 201);
  CHECK(JsonField(s.Get("/api/v1/alerts/" + id2, token).body, "case_count") == "1");
}

}  // namespace
}  // namespace wf::test
