// Routing rules over HTTP (issue 8): CRUD, validation, dry run, and what the
// rules do to alerts posted by real senders. Filled in by the routing test
// author; see docs/automation.md for the rule format.
#include <catch2/catch.hpp>

#include "tests/support/test_server.h"

namespace wf::test {
namespace {

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

}  // namespace
}  // namespace wf::test
