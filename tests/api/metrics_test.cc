// GET /metrics: valid Prometheus text exposition, with the series issue 7 names.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "tests/support/test_server.h"

namespace wf::test {
namespace {

TEST_CASE("Metrics: every line is valid Prometheus exposition and the counters move", "[api][metrics]") {
  TestServer s;
  std::string key = s.CreateApiKey("siem");
  REQUIRE(s.Post("/api/v1/ingest/generic", R"({"source":"a","title":"one","source_ref":"1"})", key).status == 201);
  REQUIRE(s.Post("/api/v1/ingest/generic", R"({"source":"a","title":"one","source_ref":"1"})", key).status == 200);
  REQUIRE(s.Post("/api/v1/ingest/generic", R"({"source":"a"})", key).status == 422);
  std::string analyst = s.CreateUserToken("ana", "l1");
  REQUIRE(s.Post("/api/v1/cases", R"({"title":"c","severity":"high"})", analyst).status == 201);

  // Credentials are required; an ingest key may not read them.
  CHECK(s.Get("/metrics", "").status == 401);
  CHECK(s.Get("/metrics", key).status == 403);
  auto r = s.Get("/metrics", analyst);
  REQUIRE(r.status == 200);
  CHECK(r.Header("content-type").find("text/plain; version=0.0.4") == 0);

  const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*")*\})? -?([0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|\+Inf|NaN)$)");
  std::istringstream in(r.body);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    INFO(line);
    if (line.rfind("#", 0) == 0) {
      CHECK(std::regex_match(line, comment));
    } else {
      CHECK(std::regex_match(line, sample));
      ++samples;
    }
  }
  CHECK(samples > 20);
  CHECK(r.body.find(R"(watchfloor_ingest_alerts_total{format="generic",outcome="created"} 1)") != std::string::npos);
  CHECK(r.body.find(R"(watchfloor_ingest_alerts_total{format="generic",outcome="duplicate"} 1)") != std::string::npos);
  CHECK(r.body.find(R"(watchfloor_ingest_alerts_total{format="generic",outcome="rejected"} 1)") != std::string::npos);
  CHECK(r.body.find(R"(watchfloor_http_requests_total{method="POST",route="/api/v1/ingest/{format}",code="201"} 1)") !=
        std::string::npos);
  CHECK(r.body.find(R"(watchfloor_cases_open{tier="L1",severity="high"} 1)") != std::string::npos);
  CHECK(r.body.find("watchfloor_writer_batch_units_count") != std::string::npos);
  CHECK(r.body.find("watchfloor_http_request_duration_seconds_bucket") != std::string::npos);
  CHECK(r.body.find("watchfloor_outbox_backlog") != std::string::npos);
}

}  // namespace
}  // namespace wf::test
