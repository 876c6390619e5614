// Tests of AlertService (ingest/alert_service.h): deduplicating ingest,
// deliveries, observables, the queue's reads and triage updates. Each test
// runs a real Writer and ReadPool over a migrated temporary database with a
// ManualClock; what was committed is read back through a separate connection.
// Completions run on the writer thread, where Catch2 assertions are not
// allowed: they only hand their result to the test thread.
#include "ingest/alert_service.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/audit.h"
#include "core/crypto.h"
#include "core/roles.h"
#include "ingest/fingerprint.h"
#include "tests/core/temp_db.h"

namespace wf::ingest {
namespace {

using observables::ObservableType;
using wf::testing::OpenDb;
using wf::testing::OpenMigratedDb;
using wf::testing::QueryInt;
using wf::testing::QueryText;
using wf::testing::TempDb;

using Catch::Matchers::Contains;

// 2026-11-23T09:00:00Z.
constexpr int64_t kT0 = 1795424400000;
constexpr int64_t kHour = 3600 * 1000;

AlertObservable Obs(ObservableType type, std::string value, bool ioc = false) {
  AlertObservable o;
  o.type = type;
  o.value = std::move(value);
  o.ioc = ioc;
  return o;
}

// A generic alert identified by `ref`, with two observables and two tags.
NormalizedAlert MakeAlert(const std::string& ref, const std::string& title = "Suspicious login") {
  NormalizedAlert a;
  a.source_kind = "generic";
  a.source = "siem-1";
  a.source_ref = ref;
  a.rule_name = "ssh-bruteforce";
  a.title = title;
  a.description = "Many failed logins on the bastion";
  a.severity = Severity::kHigh;
  a.tlp = Tlp::kGreen;
  a.pap = Pap::kAmber;
  a.event_time = kT0 - 5000;
  a.tags = {"ssh", "bastion"};
  a.observables = {Obs(ObservableType::kIp, "203.0.113.7", true),
                   Obs(ObservableType::kDomain, "example.com")};
  a.raw_json = fmt::format(R"({{"ref":"{}","title":"{}"}})", ref, title);
  return a;
}

DeliveryMeta Meta(const std::string& body = R"({"delivery":1})") {
  DeliveryMeta m;
  m.remote_addr = "192.0.2.10";
  m.api_key_id = 3;
  m.actor = "apikey:3:siem";
  m.payload_sha256 = crypto::Sha256Hex(body);
  m.bytes = static_cast<int64_t>(body.size());
  m.raw_body = body;
  return m;
}

audit::Context Analyst() { return {"user:1:alice", "req-1", "192.0.2.1"}; }

// The service on a fresh migrated database. Members are destroyed in reverse:
// the service, the read pool, then the writer (which drains), then the clock.
struct Env {
  explicit Env(AlertOptions options = {})
      : writer(std::make_unique<Writer>(OpenMigratedDb(tmp.path()), ServerWriterOptions())),
        reads(tmp.path()),
        service(*writer, reads, clock, options) {}

  // As the server runs its writer: new alerts indexed before each commit.
  static WriterOptions ServerWriterOptions() {
    WriterOptions o;
    o.before_commit = IndexNewAlerts;
    return o;
  }

  Result<std::vector<IngestResult>> Ingest(std::vector<NormalizedAlert> alerts,
                                           DeliveryMeta meta = Meta()) {
    std::promise<Result<std::vector<IngestResult>>> promise;
    auto future = promise.get_future();
    service.Ingest(std::move(alerts), std::move(meta),
                   [&promise](Result<std::vector<IngestResult>> r) { promise.set_value(std::move(r)); });
    return future.get();
  }

  // Ingests one alert and requires success.
  IngestResult IngestOne(NormalizedAlert alert, DeliveryMeta meta = Meta()) {
    auto r = Ingest({std::move(alert)}, std::move(meta));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    return r->front();
  }

  Result<Alert> Update(int64_t id, AlertPatch patch, audit::Context ctx = Analyst()) {
    std::promise<Result<Alert>> promise;
    auto future = promise.get_future();
    service.Update(id, std::move(patch), ctx,
                   [&promise](Result<Alert> r) { promise.set_value(std::move(r)); });
    return future.get();
  }

  std::vector<int64_t> ListIds(AlertFilter filter) {
    auto page = service.List(std::move(filter));
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    std::vector<int64_t> ids;
    for (const auto& a : page->alerts) ids.push_back(a.id);
    return ids;
  }

  // A separate read-write connection: sees what was committed.
  std::unique_ptr<db::Database> Db() { return OpenDb(tmp.path()); }

  TempDb tmp;
  ManualClock clock{kT0};
  std::unique_ptr<Writer> writer;
  db::ReadPool reads;
  AlertService service;
};

int64_t Count(db::Database& db, const std::string& table, const std::string& where = "1") {
  return QueryInt(db, fmt::format("SELECT COUNT(*) FROM {} WHERE {}", table, where));
}

// ---------------------------------------------------------------------------
// Ingest and deduplication.

TEST_CASE("AlertService: a new alert is stored with one delivery, its observables and tags",
          "[ingest]") {
  Env env;
  NormalizedAlert n = MakeAlert("A-1");
  const std::string body = R"({"source":"siem-1","source_ref":"A-1"})";
  IngestResult r = env.IngestOne(n, Meta(body));

  CHECK(r.created);
  CHECK(r.id > 0);
  CHECK(r.occurrences == 1);
  CHECK_FALSE(r.case_id.has_value());

  auto db = env.Db();
  REQUIRE(Count(*db, "alerts") == 1);
  CHECK(QueryText(*db, "SELECT fingerprint FROM alerts") == ComputeFingerprint(n));
  CHECK(QueryText(*db, "SELECT source_kind || '|' || source || '|' || source_ref || '|' || "
                       "rule_name || '|' || title || '|' || description FROM alerts") ==
        "generic|siem-1|A-1|ssh-bruteforce|Suspicious login|Many failed logins on the bastion");
  CHECK(QueryInt(*db, "SELECT severity FROM alerts") == 3);
  CHECK(QueryText(*db, "SELECT tlp || '/' || pap FROM alerts") == "green/amber");
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "new");
  CHECK(QueryInt(*db, "SELECT occurrences FROM alerts") == 1);
  CHECK(QueryInt(*db, "SELECT first_seen FROM alerts") == kT0);
  CHECK(QueryInt(*db, "SELECT last_seen FROM alerts") == kT0);
  CHECK(QueryInt(*db, "SELECT event_time FROM alerts") == kT0 - 5000);
  CHECK(QueryText(*db, "SELECT tags FROM alerts") == R"(["ssh","bastion"])");
  CHECK(QueryText(*db, "SELECT raw_first FROM alerts") == n.raw_json);
  CHECK(QueryText(*db, "SELECT raw_latest FROM alerts") == n.raw_json);
  CHECK(QueryInt(*db, "SELECT case_id IS NULL FROM alerts") == 1);

  // One delivery: who sent what, when.
  REQUIRE(Count(*db, "alert_deliveries") == 1);
  CHECK(QueryInt(*db, "SELECT alert_id FROM alert_deliveries") == r.id);
  CHECK(QueryInt(*db, "SELECT received_at FROM alert_deliveries") == kT0);
  CHECK(QueryText(*db, "SELECT remote_addr FROM alert_deliveries") == "192.0.2.10");
  CHECK(QueryInt(*db, "SELECT api_key_id FROM alert_deliveries") == 3);
  CHECK(QueryText(*db, "SELECT payload_sha256 FROM alert_deliveries") == crypto::Sha256Hex(body));
  CHECK(QueryInt(*db, "SELECT bytes FROM alert_deliveries") == static_cast<int64_t>(body.size()));
  CHECK(QueryInt(*db, "SELECT raw IS NULL FROM alert_deliveries") == 1);

  // Observables and their links to the alert.
  CHECK(Count(*db, "observables") == 2);
  CHECK(Count(*db, "observables", "type = 'ip' AND value = '203.0.113.7' AND ioc = 1") == 1);
  CHECK(Count(*db, "observables", "type = 'domain' AND value = 'example.com' AND ioc = 0") == 1);
  CHECK(Count(*db, "observable_links",
              fmt::format("object_type = 'alert' AND object_id = {} AND created_by = "
                          "'apikey:3:siem' AND created_at = {}",
                          r.id, kT0)) == 2);
  CHECK(Count(*db, "alert_tags", fmt::format("alert_id = {}", r.id)) == 2);
  CHECK(Count(*db, "alert_tags", fmt::format("alert_id = {} AND tag = 'bastion'", r.id)) == 1);
}

TEST_CASE("AlertService: the same alert within the window is folded in as a duplicate",
          "[ingest]") {
  Env env;
  NormalizedAlert first = MakeAlert("A-1");
  IngestResult r1 = env.IngestOne(first, Meta(R"({"n":1})"));
  REQUIRE(r1.created);

  env.clock.Advance(10 * 60 * 1000);
  NormalizedAlert again = MakeAlert("A-1", "Suspicious login (again)");
  again.tags = {"bastion", "repeat"};
  again.observables.push_back(Obs(ObservableType::kHash, "d41d8cd98f00b204e9800998ecf8427e"));
  again.raw_json = R"({"second":true})";
  IngestResult r2 = env.IngestOne(again, Meta(R"({"n":2})"));

  CHECK_FALSE(r2.created);
  CHECK(r2.id == r1.id);
  CHECK(r2.occurrences == 2);

  auto db = env.Db();
  CHECK(Count(*db, "alerts") == 1);
  CHECK(QueryInt(*db, "SELECT occurrences FROM alerts") == 2);
  CHECK(QueryInt(*db, "SELECT first_seen FROM alerts") == kT0);
  CHECK(QueryInt(*db, "SELECT last_seen FROM alerts") == kT0 + 10 * 60 * 1000);
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "updated");
  // The first delivery's title and payload stay; the latest payload is kept.
  CHECK(QueryText(*db, "SELECT title FROM alerts") == "Suspicious login");
  CHECK(QueryText(*db, "SELECT raw_first FROM alerts") == first.raw_json);
  CHECK(QueryText(*db, "SELECT raw_latest FROM alerts") == R"({"second":true})");
  // Two deliveries, each with its own payload hash.
  CHECK(Count(*db, "alert_deliveries", fmt::format("alert_id = {}", r1.id)) == 2);
  CHECK(Count(*db, "alert_deliveries",
              fmt::format("payload_sha256 = '{}'", crypto::Sha256Hex(R"({"n":2})"))) == 1);
  // Existing observables are not duplicated; the new one is added and linked.
  CHECK(Count(*db, "observables") == 3);
  CHECK(Count(*db, "observable_links", fmt::format("object_id = {}", r1.id)) == 3);
  // New tags merged after the existing ones.
  CHECK(QueryText(*db, "SELECT tags FROM alerts") == R"(["ssh","bastion","repeat"])");
  CHECK(Count(*db, "alert_tags", fmt::format("alert_id = {}", r1.id)) == 3);

  SECTION("a third delivery counts again and keeps status updated") {
    env.clock.Advance(1000);
    IngestResult r3 = env.IngestOne(MakeAlert("A-1"));
    CHECK(r3.id == r1.id);
    CHECK(r3.occurrences == 3);
    auto db2 = env.Db();
    CHECK(QueryInt(*db2, "SELECT occurrences FROM alerts") == 3);
    CHECK(QueryText(*db2, "SELECT status FROM alerts") == "updated");
    CHECK(Count(*db2, "alert_deliveries") == 3);
  }
}

TEST_CASE("AlertService: the dedup window slides with last_seen and a late delivery is a new alert",
          "[ingest]") {
  AlertOptions options;
  options.dedup_window_ms = kHour;
  Env env(options);
  IngestResult r1 = env.IngestOne(MakeAlert("A-1"));

  env.clock.Advance(kHour - 1);  // just within the window of the first delivery
  IngestResult r2 = env.IngestOne(MakeAlert("A-1"));
  CHECK_FALSE(r2.created);
  CHECK(r2.id == r1.id);

  env.clock.Advance(kHour - 1);  // 2h after first_seen, but within the window of last_seen
  IngestResult r3 = env.IngestOne(MakeAlert("A-1"));
  CHECK_FALSE(r3.created);
  CHECK(r3.id == r1.id);
  CHECK(r3.occurrences == 3);

  env.clock.Advance(kHour + 1);  // past the window
  IngestResult r4 = env.IngestOne(MakeAlert("A-1"));
  CHECK(r4.created);
  CHECK(r4.id != r1.id);
  CHECK(r4.occurrences == 1);

  // Later deliveries fold into the newest alert of that fingerprint.
  env.clock.Advance(1000);
  IngestResult r5 = env.IngestOne(MakeAlert("A-1"));
  CHECK(r5.id == r4.id);
  CHECK(r5.occurrences == 2);

  auto db = env.Db();
  CHECK(Count(*db, "alerts") == 2);
  CHECK(QueryInt(*db, fmt::format("SELECT occurrences FROM alerts WHERE id = {}", r1.id)) == 3);
  CHECK(QueryInt(*db, fmt::format("SELECT occurrences FROM alerts WHERE id = {}", r4.id)) == 2);
  CHECK(QueryText(*db, fmt::format("SELECT status FROM alerts WHERE id = {}", r4.id)) == "updated");
  CHECK(Count(*db, "alert_deliveries") == 5);
  // The shared observables stay one row each, linked to both alerts.
  CHECK(Count(*db, "observables") == 2);
  CHECK(Count(*db, "observable_links") == 4);
}

TEST_CASE("AlertService: an ignored alert that fires again opens a new alert", "[ingest]") {
  Env env;
  IngestResult r1 = env.IngestOne(MakeAlert("A-1"));
  AlertPatch ignore;
  ignore.status = AlertStatus::kIgnored;
  auto updated = env.Update(r1.id, ignore);
  INFO(updated.status().ToString());
  REQUIRE(updated.ok());

  env.clock.Advance(1000);
  IngestResult r2 = env.IngestOne(MakeAlert("A-1"));
  CHECK(r2.created);
  CHECK(r2.id != r1.id);
  CHECK(r2.occurrences == 1);

  env.clock.Advance(1000);
  IngestResult r3 = env.IngestOne(MakeAlert("A-1"));
  CHECK_FALSE(r3.created);
  CHECK(r3.id == r2.id);

  auto db = env.Db();
  CHECK(QueryText(*db, fmt::format("SELECT status FROM alerts WHERE id = {}", r1.id)) == "ignored");
  CHECK(QueryInt(*db, fmt::format("SELECT occurrences FROM alerts WHERE id = {}", r1.id)) == 1);
  CHECK(Count(*db, "alert_deliveries", fmt::format("alert_id = {}", r1.id)) == 1);
  CHECK(Count(*db, "alert_deliveries", fmt::format("alert_id = {}", r2.id)) == 2);
}

TEST_CASE("AlertService: a re-delivery of a promoted alert reports its case and keeps its status",
          "[ingest]") {
  Env env;
  IngestResult r1 = env.IngestOne(MakeAlert("A-1"));

  cases::Actor actor;
  actor.principal.kind = auth::Principal::Kind::kUser;
  actor.principal.id = 1;
  actor.principal.name = "alice";
  actor.principal.role = auth::Role::kL2;
  actor.ctx = Analyst();
  std::promise<Result<cases::Case>> promoted;
  auto promoted_future = promoted.get_future();
  env.service.Promote(r1.id, PromoteRequest{}, actor,
                      [&promoted](Result<cases::Case> c) { promoted.set_value(std::move(c)); });
  auto c = promoted_future.get();
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  const int64_t case_id = c->id;
  auto db = env.Db();
  REQUIRE(QueryText(*db, "SELECT status FROM alerts") == "imported");
  const int64_t events_before = Count(*db, "case_events", fmt::format("case_id = {}", case_id));
  const int64_t audit_before = Count(*db, "audit_log");

  env.clock.Advance(1000);
  IngestResult r2 = env.IngestOne(MakeAlert("A-1"));
  CHECK_FALSE(r2.created);
  CHECK(r2.id == r1.id);
  CHECK(r2.occurrences == 2);
  REQUIRE(r2.case_id.has_value());
  CHECK(*r2.case_id == case_id);
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "imported");
  CHECK(QueryInt(*db, "SELECT occurrences FROM alerts") == 2);
  // SPEC 5: the case's timeline gets a "re-fired" event.
  CHECK(Count(*db, "case_events", fmt::format("case_id = {}", case_id)) == events_before + 1);

  // Its status follows the case: triage by hand is refused and writes nothing.
  AlertPatch ignore;
  ignore.status = AlertStatus::kIgnored;
  auto r = env.Update(r1.id, ignore);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kFailedPrecondition);
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "imported");
  CHECK(Count(*db, "audit_log") == audit_before);
}

TEST_CASE("AlertService: a batch is stored in one call and results come back in order",
          "[ingest]") {
  Env env;
  std::vector<NormalizedAlert> batch = {MakeAlert("B-1", "first"), MakeAlert("B-2", "second"),
                                        MakeAlert("B-3", "third"), MakeAlert("B-1", "first again")};
  auto r = env.Ingest(batch, Meta(R"([1,2,3,4])"));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  REQUIRE(r->size() == 4);
  const auto& res = *r;
  CHECK(res[0].created);
  CHECK(res[1].created);
  CHECK(res[2].created);
  CHECK(res[0].id < res[1].id);
  CHECK(res[1].id < res[2].id);
  // The same alert twice in one body: the second is a duplicate of the first.
  CHECK_FALSE(res[3].created);
  CHECK(res[3].id == res[0].id);
  CHECK(res[3].occurrences == 2);

  auto db = env.Db();
  CHECK(Count(*db, "alerts") == 3);
  CHECK(QueryText(*db, fmt::format("SELECT title FROM alerts WHERE id = {}", res[0].id)) == "first");
  CHECK(QueryText(*db, fmt::format("SELECT title FROM alerts WHERE id = {}", res[1].id)) == "second");
  CHECK(QueryText(*db, fmt::format("SELECT title FROM alerts WHERE id = {}", res[2].id)) == "third");
  CHECK(QueryInt(*db, fmt::format("SELECT occurrences FROM alerts WHERE id = {}", res[0].id)) == 2);
  // Every alert of the body records the delivery.
  CHECK(Count(*db, "alert_deliveries") == 4);
  CHECK(Count(*db, "alert_deliveries",
              fmt::format("payload_sha256 = '{}'", crypto::Sha256Hex("[1,2,3,4]"))) == 4);
}

TEST_CASE("AlertService: a batch whose third alert fails to store leaves nothing behind",
          "[ingest]") {
  Env env;
  IngestResult existing = env.IngestOne(MakeAlert("A-1"));
  {
    // Test-only trigger: the database refuses one particular alert.
    auto db = env.Db();
    Status st = db->Exec(
        "CREATE TRIGGER test_refuse_alert BEFORE INSERT ON alerts WHEN NEW.title = 'explode' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
    INFO(st.ToString());
    REQUIRE(st.ok());
  }
  NormalizedAlert fresh = MakeAlert("B-1");
  fresh.observables = {Obs(ObservableType::kIp, "198.51.100.9")};
  fresh.tags = {"fresh"};
  env.clock.Advance(1000);
  auto r = env.Ingest({MakeAlert("A-1"), fresh, MakeAlert("B-2", "explode"), MakeAlert("B-3")});
  REQUIRE_FALSE(r.ok());
  INFO(r.status().ToString());

  auto db = env.Db();
  CHECK(Count(*db, "alerts") == 1);
  CHECK(QueryInt(*db, "SELECT occurrences FROM alerts") == 1);
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "new");
  CHECK(QueryInt(*db, "SELECT last_seen FROM alerts") == kT0);
  CHECK(Count(*db, "alert_deliveries") == 1);
  CHECK(Count(*db, "observables") == 2);
  CHECK(Count(*db, "observables", "value = '198.51.100.9'") == 0);
  CHECK(Count(*db, "observable_links") == 2);
  CHECK(Count(*db, "alert_tags") == 2);
  CHECK(Count(*db, "alert_tags", "tag = 'fresh'") == 0);

  // The service keeps working after the failed unit.
  IngestResult after = env.IngestOne(MakeAlert("A-1"));
  CHECK(after.id == existing.id);
  CHECK(after.occurrences == 2);
}

// A duplicate leaves the fingerprint lookup stepped on a row; a statement
// left like that pins an old WAL snapshot on the write connection, and once
// anyone else writes (the CLI, an operator) BEGIN IMMEDIATE fails for good.
TEST_CASE("AlertService: a write from another connection between deliveries does not wedge ingest",
          "[ingest]") {
  Env env;
  IngestResult r1 = env.IngestOne(MakeAlert("A-1"));
  env.clock.Advance(1000);
  env.IngestOne(MakeAlert("A-1"));  // duplicate
  {
    auto db = env.Db();
    REQUIRE(db->Exec("INSERT INTO api_keys (name, key_hash, key_prefix, scopes, created_at) "
                     "VALUES ('cli', 'h', 'p', 'ingest', 0)")
                .ok());
  }
  env.clock.Advance(1000);
  auto other = env.Ingest({MakeAlert("A-2")});
  INFO(other.status().ToString());
  CHECK(other.ok());
  auto again = env.Ingest({MakeAlert("A-1")});
  INFO(again.status().ToString());
  REQUIRE(again.ok());
  CHECK(again->front().id == r1.id);
  CHECK(again->front().occurrences == 3);
}

TEST_CASE("AlertService: ingest while the writer is stopped answers Unavailable and stores nothing",
          "[ingest]") {
  Env env;
  env.writer->Stop();
  bool called = false;
  std::optional<Status> got;
  env.service.Ingest({MakeAlert("A-1"), MakeAlert("A-2")}, Meta(),
                     [&](Result<std::vector<IngestResult>> r) {
                       called = true;
                       got = r.ok() ? Status::Ok() : r.status();
                     });
  REQUIRE(called);  // refused before any write: the callback ran inline
  REQUIRE(got.has_value());
  CHECK(got->code() == StatusCode::kUnavailable);
  auto db = env.Db();
  CHECK(Count(*db, "alerts") == 0);
  CHECK(Count(*db, "alert_deliveries") == 0);
  CHECK(Count(*db, "observables") == 0);
}

TEST_CASE("AlertService: store_raw_deliveries decides whether the body is kept", "[ingest]") {
  const std::string body = R"({"source":"siem-1","title":"Suspicious login","secret":"kept?"})";
  SECTION("true keeps the raw body") {
    AlertOptions options;
    options.store_raw_deliveries = true;
    Env env(options);
    env.IngestOne(MakeAlert("A-1"), Meta(body));
    auto db = env.Db();
    CHECK(QueryText(*db, "SELECT raw FROM alert_deliveries") == body);
  }
  SECTION("false (the default) leaves it NULL") {
    Env env;
    REQUIRE_FALSE(env.service.options().store_raw_deliveries);
    env.IngestOne(MakeAlert("A-1"), Meta(body));
    auto db = env.Db();
    CHECK(QueryInt(*db, "SELECT raw IS NULL FROM alert_deliveries") == 1);
    CHECK(Count(*db, "alert_deliveries") == 1);
  }
}

// ---------------------------------------------------------------------------
// Reads.

// Five alerts, one second apart; a2 re-delivered (updated), a4 ignored.
struct Seeded {
  Env env;
  int64_t a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
  int64_t t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0;

  Seeded() {
    auto add = [&](const std::string& ref, const std::string& source, const std::string& kind,
                   Severity severity, std::vector<std::string> tags, const std::string& title,
                   const std::string& description, int64_t* t) {
      NormalizedAlert n = MakeAlert(ref, title);
      n.source = source;
      n.source_kind = kind;
      n.severity = severity;
      n.tags = std::move(tags);
      n.description = description;
      env.clock.Advance(1000);
      *t = env.clock.NowMs();
      return env.IngestOne(n).id;
    };
    a1 = add("r1", "siem-1", "generic", Severity::kLow, {"phishing"}, "Phishing mail reported",
             "user forwarded a suspicious invoice", &t1);
    a2 = add("r2", "siem-2", "elastic", Severity::kHigh, {"malware"}, "Malware beacon",
             "beacon to a known command and control server", &t2);
    a3 = add("r3", "siem-1", "generic", Severity::kCritical, {"malware", "edr"}, "Ransomware note",
             "encrypted files found on the host", &t3);
    a4 = add("r4", "siem-2", "generic", Severity::kMedium, {}, "Brute force",
             "many failed logins from one address", &t4);
    a5 = add("r5", "siem-1", "elastic", Severity::kHigh, {"phishing"}, "Credential harvest",
             "lookalike login page", &t5);
    // a2 fires again: updated.
    NormalizedAlert again = MakeAlert("r2", "Malware beacon");
    again.source = "siem-2";
    again.source_kind = "elastic";
    again.tags = {"malware"};
    env.clock.Advance(1000);
    REQUIRE(env.IngestOne(again).id == a2);
    AlertPatch ignore;
    ignore.status = AlertStatus::kIgnored;
    auto r = env.Update(a4, ignore);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
  }
};

using Ids = std::vector<int64_t>;

TEST_CASE("AlertService: List filters the queue, newest first", "[ingest]") {
  Seeded s;
  auto& env = s.env;

  SECTION("no filter: everything, newest first") {
    CHECK(env.ListIds({}) == Ids{s.a5, s.a4, s.a3, s.a2, s.a1});
  }
  SECTION("one status") {
    AlertFilter f;
    f.statuses = {AlertStatus::kUpdated};
    CHECK(env.ListIds(f) == Ids{s.a2});
  }
  SECTION("several statuses") {
    AlertFilter f;
    f.statuses = {AlertStatus::kNew, AlertStatus::kIgnored};
    CHECK(env.ListIds(f) == Ids{s.a5, s.a4, s.a3, s.a1});
  }
  SECTION("a status nobody has") {
    AlertFilter f;
    f.statuses = {AlertStatus::kImported};
    CHECK(env.ListIds(f).empty());
  }
  SECTION("severity") {
    AlertFilter f;
    f.severity = Severity::kHigh;
    CHECK(env.ListIds(f) == Ids{s.a5, s.a2});
  }
  SECTION("source") {
    AlertFilter f;
    f.source = "siem-2";
    CHECK(env.ListIds(f) == Ids{s.a4, s.a2});
  }
  SECTION("source_kind") {
    AlertFilter f;
    f.source_kind = "elastic";
    CHECK(env.ListIds(f) == Ids{s.a5, s.a2});
  }
  SECTION("tag") {
    AlertFilter f;
    f.tag = "malware";
    CHECK(env.ListIds(f) == Ids{s.a3, s.a2});
  }
  SECTION("q: a word of the description") {
    AlertFilter f;
    f.q = "encrypted";
    CHECK(env.ListIds(f) == Ids{s.a3});
  }
  SECTION("q: a word of the title") {
    AlertFilter f;
    f.q = "phishing";
    CHECK(env.ListIds(f) == Ids{s.a1});
  }
  SECTION("q: a word in several alerts") {
    AlertFilter f;
    f.q = "login*";
    CHECK(env.ListIds(f) == Ids{s.a5, s.a4});
  }
  SECTION("since and until bound first_seen, until exclusive") {
    AlertFilter f;
    f.since = s.t2;
    f.until = s.t4;
    CHECK(env.ListIds(f) == Ids{s.a3, s.a2});
  }
  SECTION("since alone") {
    AlertFilter f;
    f.since = s.t4;
    CHECK(env.ListIds(f) == Ids{s.a5, s.a4});
  }
  SECTION("filters combine") {
    AlertFilter f;
    f.source = "siem-1";
    f.severity = Severity::kHigh;
    CHECK(env.ListIds(f) == Ids{s.a5});
    AlertFilter g;
    g.tag = "phishing";
    g.q = "invoice";
    g.statuses = {AlertStatus::kNew};
    CHECK(env.ListIds(g) == Ids{s.a1});
  }
  SECTION("a malformed FTS query is InvalidArgument") {
    for (const char* q : {"\"unterminated", "beacon AND", "(beacon", "title:"}) {
      INFO("q = " << q);
      AlertFilter f;
      f.q = q;
      auto page = env.service.List(f);
      REQUIRE_FALSE(page.ok());
      CHECK(page.status().code() == StatusCode::kInvalidArgument);
    }
  }
}

TEST_CASE("AlertService: List pages with a cursor until next_before_id is empty", "[ingest]") {
  Seeded s;
  auto& env = s.env;
  AlertFilter f;
  f.limit = 2;
  auto p1 = env.service.List(f);
  REQUIRE(p1.ok());
  Ids ids1;
  for (const auto& a : p1->alerts) ids1.push_back(a.id);
  CHECK(ids1 == Ids{s.a5, s.a4});
  REQUIRE(p1->next_before_id.has_value());
  CHECK(*p1->next_before_id == s.a4);

  f.before_id = p1->next_before_id;
  auto p2 = env.service.List(f);
  REQUIRE(p2.ok());
  Ids ids2;
  for (const auto& a : p2->alerts) ids2.push_back(a.id);
  CHECK(ids2 == Ids{s.a3, s.a2});
  REQUIRE(p2->next_before_id.has_value());

  f.before_id = p2->next_before_id;
  auto p3 = env.service.List(f);
  REQUIRE(p3.ok());
  REQUIRE(p3->alerts.size() == 1);
  CHECK(p3->alerts[0].id == s.a1);
  CHECK_FALSE(p3->next_before_id.has_value());

  SECTION("a page that ends exactly at the last alert has no cursor") {
    AlertFilter all;
    all.limit = 5;
    auto page = env.service.List(all);
    REQUIRE(page.ok());
    CHECK(page->alerts.size() == 5);
    CHECK_FALSE(page->next_before_id.has_value());
  }
  SECTION("the cursor composes with filters") {
    AlertFilter g;
    g.source = "siem-1";
    g.limit = 1;
    auto q1 = env.service.List(g);
    REQUIRE(q1.ok());
    REQUIRE(q1->alerts.size() == 1);
    CHECK(q1->alerts[0].id == s.a5);
    REQUIRE(q1->next_before_id.has_value());
    g.before_id = q1->next_before_id;
    auto q2 = env.service.List(g);
    REQUIRE(q2.ok());
    REQUIRE(q2->alerts.size() == 1);
    CHECK(q2->alerts[0].id == s.a3);
  }
}

TEST_CASE("AlertService: Get returns the alert with its observables and deliveries count",
          "[ingest]") {
  Env env;
  NormalizedAlert first = MakeAlert("A-1");
  first.observables = {Obs(ObservableType::kIp, "203.0.113.7"),
                       Obs(ObservableType::kDomain, "example.com")};
  IngestResult r = env.IngestOne(first);
  env.clock.Advance(1000);
  NormalizedAlert again = MakeAlert("A-1");
  again.observables = {Obs(ObservableType::kIp, "203.0.113.7", true),
                       Obs(ObservableType::kHash, "d41d8cd98f00b204e9800998ecf8427e")};
  again.raw_json = R"({"again":1})";
  env.IngestOne(again);

  auto d = env.service.Get(r.id);
  INFO(d.status().ToString());
  REQUIRE(d.ok());
  CHECK(d->alert.id == r.id);
  CHECK(d->alert.title == "Suspicious login");
  CHECK(d->alert.status == AlertStatus::kUpdated);
  CHECK(d->alert.occurrences == 2);
  CHECK(d->alert.severity == Severity::kHigh);
  CHECK(d->alert.tlp == Tlp::kGreen);
  CHECK(d->alert.first_seen == kT0);
  CHECK(d->alert.last_seen == kT0 + 1000);
  REQUIRE(d->alert.event_time.has_value());
  CHECK(*d->alert.event_time == kT0 - 5000);
  CHECK(d->alert.tags == std::vector<std::string>{"ssh", "bastion"});
  REQUIRE(d->alert.raw_first.has_value());
  CHECK(*d->alert.raw_first == first.raw_json);
  REQUIRE(d->alert.raw_latest.has_value());
  CHECK(*d->alert.raw_latest == R"({"again":1})");
  CHECK(d->deliveries == 2);

  // Ordered by type, then value; ioc set by the later delivery.
  REQUIRE(d->observables.size() == 3);
  CHECK(d->observables[0].type == ObservableType::kDomain);
  CHECK(d->observables[0].value == "example.com");
  CHECK(d->observables[1].type == ObservableType::kHash);
  CHECK(d->observables[2].type == ObservableType::kIp);
  CHECK(d->observables[2].value == "203.0.113.7");
  CHECK(d->observables[2].ioc);
  CHECK_FALSE(d->observables[0].ioc);

  SECTION("an unknown id is NotFound") {
    auto missing = env.service.Get(r.id + 100);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().code() == StatusCode::kNotFound);
  }
}

// ---------------------------------------------------------------------------
// Triage updates.

TEST_CASE("AlertService: Update to ignored changes the status and writes one audit record",
          "[ingest]") {
  Env env;
  IngestResult r = env.IngestOne(MakeAlert("A-1"));
  env.clock.Advance(5000);
  AlertPatch patch;
  patch.status = AlertStatus::kIgnored;
  auto updated = env.Update(r.id, patch);
  INFO(updated.status().ToString());
  REQUIRE(updated.ok());
  CHECK(updated->id == r.id);
  CHECK(updated->status == AlertStatus::kIgnored);
  CHECK(updated->updated_at == kT0 + 5000);

  auto db = env.Db();
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "ignored");
  CHECK(QueryInt(*db, "SELECT updated_at FROM alerts") == kT0 + 5000);
  REQUIRE(Count(*db, "audit_log") == 1);
  CHECK(QueryText(*db, "SELECT action FROM audit_log") == "alert.update");
  CHECK(QueryText(*db, "SELECT object_type FROM audit_log") == "alert");
  CHECK(QueryText(*db, "SELECT object_id FROM audit_log") == std::to_string(r.id));
  CHECK(QueryText(*db, "SELECT actor FROM audit_log") == "user:1:alice");
  CHECK(QueryText(*db, "SELECT request_id FROM audit_log") == "req-1");
  CHECK(QueryInt(*db, "SELECT time FROM audit_log") == kT0 + 5000);
  const std::string details = QueryText(*db, "SELECT details FROM audit_log");
  CHECK_THAT(details, Contains("\"status\"") && Contains("new -> ignored"));
  auto verified = audit::Verify(*db);
  REQUIRE(verified.ok());
  CHECK(verified->ok);

  SECTION("and back to new") {
    AlertPatch back;
    back.status = AlertStatus::kNew;
    auto again = env.Update(r.id, back);
    REQUIRE(again.ok());
    CHECK(again->status == AlertStatus::kNew);
    auto db2 = env.Db();
    CHECK(QueryText(*db2, "SELECT status FROM alerts") == "new");
    CHECK(Count(*db2, "audit_log") == 2);
    CHECK_THAT(QueryText(*db2, "SELECT details FROM audit_log ORDER BY seq DESC LIMIT 1"),
               Contains("ignored -> new"));
  }
}

TEST_CASE("AlertService: Update records a severity change in the audit details", "[ingest]") {
  Env env;
  IngestResult r = env.IngestOne(MakeAlert("A-1"));
  AlertPatch patch;
  patch.severity = Severity::kCritical;
  auto updated = env.Update(r.id, patch);
  REQUIRE(updated.ok());
  CHECK(updated->severity == Severity::kCritical);
  auto db = env.Db();
  CHECK(QueryInt(*db, "SELECT severity FROM alerts") == 4);
  CHECK_THAT(QueryText(*db, "SELECT details FROM audit_log"),
             Contains("\"severity\"") && Contains("high -> critical"));
}

TEST_CASE("AlertService: Update refuses statuses the queue does not set by hand", "[ingest]") {
  Env env;
  IngestResult r = env.IngestOne(MakeAlert("A-1"));
  for (AlertStatus status : {AlertStatus::kImported, AlertStatus::kUpdated}) {
    INFO("status " << AlertStatusName(status));
    AlertPatch patch;
    patch.status = status;
    auto result = env.Update(r.id, patch);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == StatusCode::kUnprocessable);
  }
  auto db = env.Db();
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "new");
  CHECK(Count(*db, "audit_log") == 0);
}

TEST_CASE("AlertService: Update of an unknown alert is NotFound and writes nothing", "[ingest]") {
  Env env;
  IngestResult r = env.IngestOne(MakeAlert("A-1"));
  AlertPatch patch;
  patch.status = AlertStatus::kIgnored;
  auto result = env.Update(r.id + 1000, patch);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kNotFound);
  auto db = env.Db();
  CHECK(Count(*db, "audit_log") == 0);
  CHECK(QueryText(*db, "SELECT status FROM alerts") == "new");
}

TEST_CASE("AlertService: Update replaces the tags and alert_tags follows", "[ingest]") {
  Env env;
  IngestResult r = env.IngestOne(MakeAlert("A-1"));  // tags ssh, bastion
  AlertPatch patch;
  patch.tags = std::vector<std::string>{"triaged", "ssh"};
  auto updated = env.Update(r.id, patch);
  INFO(updated.status().ToString());
  REQUIRE(updated.ok());
  CHECK(updated->tags == std::vector<std::string>{"triaged", "ssh"});

  auto db = env.Db();
  CHECK(QueryText(*db, "SELECT tags FROM alerts") == R"(["triaged","ssh"])");
  CHECK(Count(*db, "alert_tags", fmt::format("alert_id = {}", r.id)) == 2);
  CHECK(Count(*db, "alert_tags", "tag = 'bastion'") == 0);
  CHECK(Count(*db, "alert_tags", "tag = 'triaged'") == 1);
  CHECK_THAT(QueryText(*db, "SELECT details FROM audit_log"), Contains("triaged"));

  AlertFilter by_old;
  by_old.tag = "bastion";
  CHECK(env.ListIds(by_old).empty());
  AlertFilter by_new;
  by_new.tag = "triaged";
  CHECK(env.ListIds(by_new) == Ids{r.id});

  SECTION("an empty list removes every tag") {
    AlertPatch clear;
    clear.tags = std::vector<std::string>{};
    auto cleared = env.Update(r.id, clear);
    REQUIRE(cleared.ok());
    CHECK(cleared->tags.empty());
    auto db2 = env.Db();
    CHECK(QueryText(*db2, "SELECT tags FROM alerts") == "[]");
    CHECK(Count(*db2, "alert_tags") == 0);
  }
  SECTION("an invalid tag is Unprocessable and changes nothing") {
    AlertPatch bad;
    bad.tags = std::vector<std::string>{"ok", "bad\ttag"};
    auto refused = env.Update(r.id, bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == StatusCode::kUnprocessable);
    auto db2 = env.Db();
    CHECK(QueryText(*db2, "SELECT tags FROM alerts") == R"(["triaged","ssh"])");
    CHECK(Count(*db2, "audit_log") == 1);
  }
}

// Tags are a set everywhere else (the parser drops repeats, alert_tags has
// one row per tag); a PATCH naming a tag twice must not store it twice.
TEST_CASE("AlertService: Update stores a repeated tag once", "[ingest]") {
  Env env;
  IngestResult r = env.IngestOne(MakeAlert("A-1"));
  AlertPatch patch;
  patch.tags = std::vector<std::string>{"x", "x", "y"};
  auto updated = env.Update(r.id, patch);
  REQUIRE(updated.ok());
  CHECK(updated->tags == std::vector<std::string>{"x", "y"});
  auto db = env.Db();
  CHECK(QueryText(*db, "SELECT tags FROM alerts") == R"(["x","y"])");
  CHECK(Count(*db, "alert_tags") == 2);
}

// ---------------------------------------------------------------------------
// Concurrency.

TEST_CASE("AlertService: concurrent deliveries of the same alerts dedupe exactly", "[ingest]") {
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 100;
  constexpr int kFingerprints = 20;
  Env env;

  struct Seen {
    int fingerprint;
    Result<std::vector<IngestResult>> result;
  };
  std::vector<std::vector<Seen>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&env, &seen, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const int fp = (i + t) % kFingerprints;  // threads start at different fingerprints
        NormalizedAlert n = MakeAlert(fmt::format("C-{}", fp), fmt::format("Alert {}", fp));
        n.observables = {Obs(ObservableType::kIp, fmt::format("198.51.100.{}", fp + 1))};
        n.tags = {fmt::format("t{}", fp)};
        seen[static_cast<size_t>(t)].push_back({fp, env.Ingest({std::move(n)})});
      }
    });
  }
  for (auto& th : threads) th.join();

  // Per fingerprint: one id, exactly one creation, occurrences 1..40 each once.
  std::map<int, std::set<int64_t>> ids;
  std::map<int, std::multiset<int64_t>> occurrences;
  int created = 0, failed = 0;
  for (const auto& per_thread : seen) {
    for (const auto& s : per_thread) {
      if (!s.result.ok() || s.result->size() != 1) {
        ++failed;
        continue;
      }
      const IngestResult& r = s.result->front();
      ids[s.fingerprint].insert(r.id);
      occurrences[s.fingerprint].insert(r.occurrences);
      if (r.created) ++created;
    }
  }
  REQUIRE(failed == 0);
  CHECK(created == kFingerprints);
  constexpr int64_t kPerFingerprint = kThreads * kCallsPerThread / kFingerprints;  // 40
  for (int fp = 0; fp < kFingerprints; ++fp) {
    INFO("fingerprint " << fp);
    CHECK(ids[fp].size() == 1);
    std::multiset<int64_t> expected;
    for (int64_t k = 1; k <= kPerFingerprint; ++k) expected.insert(k);
    CHECK(occurrences[fp] == expected);
  }

  auto db = env.Db();
  CHECK(Count(*db, "alerts") == kFingerprints);
  CHECK(QueryInt(*db, "SELECT SUM(occurrences) FROM alerts") == kThreads * kCallsPerThread);
  CHECK(Count(*db, "alerts", fmt::format("occurrences = {}", kPerFingerprint)) == kFingerprints);
  CHECK(Count(*db, "alert_deliveries") == kThreads * kCallsPerThread);
  CHECK(Count(*db, "observables") == kFingerprints);
  CHECK(Count(*db, "observable_links") == kFingerprints);
  CHECK(Count(*db, "alert_tags") == kFingerprints);
}

}  // namespace
TEST_CASE("AlertService: the full-text index follows new, edited and deleted alerts, indexed once per commit",
          "[ingest]") {
  Env env;
  auto hits = [&env](const std::string& q) {
    auto r = env.service.Search(q, 50);
    REQUIRE(r.ok());
    std::vector<int64_t> ids;
    for (const auto& h : *r) ids.push_back(h.id);
    return ids;
  };
  const int64_t a = env.IngestOne(MakeAlert("fts-1", "Mimikatz on host alpha")).id;
  const int64_t b = env.IngestOne(MakeAlert("fts-2", "Mimikatz on host bravo")).id;
  CHECK(hits("mimikatz").size() == 2);
  CHECK(hits("bravo") == std::vector<int64_t>{b});

  // An edited title is re-indexed (the update trigger), a deleted alert leaves
  // the index (the delete trigger); both only for rows already indexed.
  REQUIRE(env.writer->Run([a](db::Database& db) {
    WF_RETURN_IF_ERROR(db.Exec(fmt::format("UPDATE alerts SET title = 'Rubeus on host alpha' WHERE id = {}", a)));
    return Status::Ok();
  }).ok());
  CHECK(hits("mimikatz") == std::vector<int64_t>{b});
  CHECK(hits("rubeus") == std::vector<int64_t>{a});
  REQUIRE(env.writer->Run([b](db::Database& db) {
    return db.Exec(fmt::format("DELETE FROM alert_deliveries WHERE alert_id = {0}; DELETE FROM observable_links "
                               "WHERE object_type = 'alert' AND object_id = {0}; DELETE FROM alert_tags WHERE "
                               "alert_id = {0}; DELETE FROM alerts WHERE id = {0}",
                               b));
  }).ok());
  CHECK(hits("mimikatz").empty());
  CHECK(hits("bravo").empty());

  // Stored and deleted in one transaction, before the before-commit step:
  // never indexed, and the index stays consistent.
  REQUIRE(env.writer->Run([](db::Database& db) -> Status {
    auto r = StoreAlert(db, MakeAlert("fts-3", "Mimikatz on host charlie"), Meta(), AlertOptions{}, 1);
    WF_RETURN_IF_ERROR(r.status());
    return db.Exec(fmt::format("DELETE FROM alert_deliveries WHERE alert_id = {0}; DELETE FROM observable_links "
                               "WHERE object_type = 'alert' AND object_id = {0}; DELETE FROM alert_tags WHERE "
                               "alert_id = {0}; DELETE FROM alerts WHERE id = {0}",
                               r->id));
  }).ok());
  CHECK(hits("charlie").empty());
  const int64_t d = env.IngestOne(MakeAlert("fts-4", "Mimikatz on host delta")).id;
  CHECK(hits("mimikatz") == std::vector<int64_t>{d});
  auto check = env.writer->Run([](db::Database& db) {
    return db.Exec("INSERT INTO alerts_fts(alerts_fts) VALUES ('integrity-check')");
  });
  INFO(check.ToString());
  CHECK(check.ok());
}

}  // namespace wf::ingest
