// Similar cases and the knowledge base over real HTTP.
#include <catch2/catch.hpp>

#include "tests/support/test_server.h"

namespace wf::test {
namespace {

TEST_CASE("Knowledge: similar closed cases, resolved true positives as entries, published articles", "[api][knowledge]") {
  TestServer s;
  std::string bob = s.CreateUserToken("bob", "l2");
  std::string boss = s.CreateUserToken("boss", "manager");
  // An earlier case, handled and resolved as a true positive.
  REQUIRE(s.Post("/api/v1/cases", R"({"title":"Emotet phishing wave","description":"macro documents from invoice lures"})", bob).status == 201);
  REQUIRE(s.Post("/api/v1/cases/1/observables", R"({"type":"domain","value":"evil-invoices.example","ioc":true})", bob).status == 201);
  auto task = s.Post("/api/v1/cases/1/tasks", R"({"title":"Block sender domain"})", bob);
  REQUIRE(task.status == 201);
  REQUIRE(s.Patch("/api/v1/tasks/" + JsonField(task.body, "id"), R"({"status":"completed"})", bob).status == 200);
  REQUIRE(s.Patch("/api/v1/cases/1", R"({"status":"in_progress"})", bob).status == 200);
  REQUIRE(s.Post("/api/v1/cases/1/resolve",
                 R"({"resolution":"true_positive","resolution_notes":"purged 14 mails","root_cause":"missing DMARC reject"})",
                 bob).status == 200);
  // An unrelated resolved case, and the new open one sharing the IOC.
  REQUIRE(s.Post("/api/v1/cases", R"({"title":"Printer offline"})", bob).status == 201);
  REQUIRE(s.Patch("/api/v1/cases/2", R"({"status":"in_progress"})", bob).status == 200);
  REQUIRE(s.Post("/api/v1/cases/2/resolve", R"({"resolution":"false_positive","resolution_notes":"paper jam"})", bob).status == 200);
  REQUIRE(s.Post("/api/v1/cases", R"({"title":"New Emotet phishing reports"})", bob).status == 201);
  REQUIRE(s.Post("/api/v1/cases/3/observables", R"({"type":"domain","value":"evil-invoices.example"})", bob).status == 201);

  auto similar = s.Get("/api/v1/cases/3/similar", bob);
  REQUIRE(similar.status == 200);
  CHECK(JsonField(similar.body, "number") == "SOC-2026-001");  // first: shares an IOC and words
  CHECK(JsonField(similar.body, "root_cause") == "missing DMARC reject");
  CHECK(JsonField(similar.body, "shared_iocs") == "1");
  CHECK(similar.body.find("SOC-2026-002") == std::string::npos);  // shares nothing

  auto kb = s.Get("/api/v1/knowledge", bob);
  REQUIRE(kb.status == 200);
  CHECK(JsonField(kb.body, "kind") == "case");
  CHECK(kb.body.find("Block sender domain") != std::string::npos);  // tasks done
  CHECK(kb.body.find("Printer offline") == std::string::npos);      // not a true positive

  // Only a manager publishes; the draft is built from the case.
  CHECK(s.Post("/api/v1/cases/1/publish", "{}", bob).status == 403);
  CHECK(s.Post("/api/v1/cases/3/publish", "{}", boss).status == 409);  // still open
  auto art = s.Post("/api/v1/cases/1/publish", "{}", boss);
  REQUIRE(art.status == 201);
  CHECK(art.body.find("missing DMARC reject") != std::string::npos);
  CHECK(art.body.find("Block sender domain") != std::string::npos);
  auto edited = s.Patch("/api/v1/knowledge/" + JsonField(art.body, "id"),
                        R"({"title":"Emotet invoice lures: playbook","body":"Reject at the gateway; purge; block."})", boss);
  REQUIRE(edited.status == 200);
  CHECK(JsonField(edited.body, "title") == "Emotet invoice lures: playbook");
  auto found = s.Get("/api/v1/knowledge?q=playbook", bob);
  CHECK(JsonField(found.body, "kind") == "article");
  CHECK(s.Get("/api/v1/knowledge?q=%22oops", bob).status == 400);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'knowledge.%'") == 2);
}

}  // namespace
}  // namespace wf::test
