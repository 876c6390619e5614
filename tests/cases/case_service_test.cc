// Tests of the case service (cases/case_service.h): the SLA arithmetic
// (SlaRemainingMs), case creation inside a transaction (CreateCaseTx: numbers
// per year, template tasks), who may work a case of which tier
// (CheckCanWork), and the service's SLA timer, pause and escalation floors
// over a real Writer and ReadPool on a migrated temporary database with a
// ManualClock. Completions run on the writer thread, where Catch2 assertions
// are not allowed: they only hand their result to the test thread.
#include "cases/case_service.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cases/case_store.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/roles.h"
#include "tests/core/temp_db.h"

namespace wf::cases {
namespace {

using wf::testing::OpenDb;
using wf::testing::OpenMigratedDb;
using wf::testing::QueryInt;
using wf::testing::QueryText;
using wf::testing::TempDb;

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;
// 2026-11-23T09:00:00Z.
constexpr int64_t kT0 = 1795424400000;

int64_t At(const char* rfc3339) {
  int64_t ms = 0;
  REQUIRE(ParseRfc3339(rfc3339, &ms));
  return ms;
}

audit::Context Ctx(const std::string& actor = "user:ana") { return {actor, "req-1", "192.0.2.1"}; }

auth::Principal User(auth::Role role, const std::string& name = "someone") {
  auth::Principal p;
  p.kind = auth::Principal::Kind::kUser;
  p.id = 7;
  p.name = name;
  p.role = role;
  return p;
}

auth::Principal ApiKey(auth::Scope scope) {
  auth::Principal p;
  p.kind = auth::Principal::Kind::kApiKey;
  p.id = 3;
  p.name = "siem";
  p.scopes = {scope};
  return p;
}

NewCase Spec(const std::string& title, Severity severity = Severity::kMedium) {
  NewCase n;
  n.title = title;
  n.severity = severity;
  return n;
}

// Creates a case in its own transaction on `db`, requiring success.
Case CreateTx(db::Database& db, const NewCase& spec, int64_t now, CaseOptions options = {}) {
  db::Transaction tx(db);
  REQUIRE(tx.Begin().ok());
  auto c = CreateCaseTx(db, spec, Ctx(), options, now);
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  REQUIRE(tx.Commit().ok());
  return *c;
}

// ---------------------------------------------------------------------------
// SlaRemainingMs: time to the next target.

Case SlaCase() {
  Case c;
  c.created_at = kT0;
  c.status = CaseStatus::kOpen;
  c.sla.ack_due = kT0 + 30 * kMinute;
  c.sla.resolve_due = kT0 + 8 * kHour;
  return c;
}

TEST_CASE("SlaRemainingMs: before acknowledgement it counts down to the ack due time",
          "[cases][sla]") {
  Case c = SlaCase();
  CHECK(SlaRemainingMs(c, kT0) == 30 * kMinute);
  CHECK(SlaRemainingMs(c, kT0 + 10 * kMinute) == 20 * kMinute);
  CHECK(SlaRemainingMs(c, kT0 + 30 * kMinute) == 0);
}

TEST_CASE("SlaRemainingMs: overdue is negative", "[cases][sla]") {
  Case c = SlaCase();
  CHECK(SlaRemainingMs(c, kT0 + 45 * kMinute) == -15 * kMinute);
}

TEST_CASE("SlaRemainingMs: once acknowledged it counts down to the resolve due time",
          "[cases][sla]") {
  Case c = SlaCase();
  c.status = CaseStatus::kInProgress;
  c.acknowledged_at = kT0 + 5 * kMinute;
  CHECK(SlaRemainingMs(c, kT0 + 1 * kHour) == 7 * kHour);
  // An acknowledgement after the ack target does not change the resolve target.
  c.acknowledged_at = kT0 + 2 * kHour;
  CHECK(SlaRemainingMs(c, kT0 + 2 * kHour) == 6 * kHour);
}

TEST_CASE("SlaRemainingMs: while paused the remaining time is frozen at the pause",
          "[cases][sla]") {
  Case c = SlaCase();
  c.status = CaseStatus::kAwaitingInfo;
  c.acknowledged_at = kT0 + 5 * kMinute;
  c.sla.paused_at = kT0 + 1 * kHour;
  CHECK(SlaRemainingMs(c, kT0 + 1 * kHour) == 7 * kHour);
  CHECK(SlaRemainingMs(c, kT0 + 3 * kHour) == 7 * kHour);
  CHECK(SlaRemainingMs(c, kT0 + 30 * kHour) == 7 * kHour);
}

TEST_CASE("SlaRemainingMs: a resolved or closed case has no remaining time", "[cases][sla]") {
  Case c = SlaCase();
  c.acknowledged_at = kT0 + 5 * kMinute;
  c.status = CaseStatus::kResolved;
  c.resolved_at = kT0 + 1 * kHour;
  CHECK_FALSE(SlaRemainingMs(c, kT0 + 2 * kHour).has_value());
  c.status = CaseStatus::kClosed;
  c.closed_at = kT0 + 2 * kHour;
  CHECK_FALSE(SlaRemainingMs(c, kT0 + 3 * kHour).has_value());
}

TEST_CASE("SlaRemainingMs: a case without due times has no remaining time", "[cases][sla]") {
  Case c;
  c.created_at = kT0;
  CHECK_FALSE(SlaRemainingMs(c, kT0).has_value());
}

// ---------------------------------------------------------------------------
// CreateCaseTx.

TEST_CASE("CreateCaseTx: numbers restart at 001 when the year changes", "[cases]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  int64_t last_minute = At("2026-12-31T23:59:00Z");
  CHECK(CreateTx(*db, Spec("a"), last_minute).number == "SOC-2026-001");
  CHECK(CreateTx(*db, Spec("b"), last_minute + 59'999).number == "SOC-2026-002");
  CHECK(CreateTx(*db, Spec("c"), At("2027-01-01T00:00:00Z")).number == "SOC-2027-001");
  CHECK(CreateTx(*db, Spec("d"), At("2027-01-01T00:00:01Z")).number == "SOC-2027-002");
  // A case created late (clock set back) still counts in its own year.
  CHECK(CreateTx(*db, Spec("e"), At("2026-12-31T23:59:59Z")).number == "SOC-2026-003");
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM cases") == 5);
  CHECK(QueryInt(*db, "SELECT COUNT(DISTINCT number) FROM cases") == 5);
}

TEST_CASE("CreateCaseTx: the prefix is configurable and the sequence grows past three digits",
          "[cases]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  CaseOptions o;
  o.number_prefix = "CSIRT";
  CHECK(CreateTx(*db, Spec("a"), kT0, o).number == "CSIRT-2026-001");
  REQUIRE(db->Exec("UPDATE case_sequences SET last = 998 WHERE year = 2026").ok());
  CHECK(CreateTx(*db, Spec("b"), kT0, o).number == "CSIRT-2026-999");
  CHECK(CreateTx(*db, Spec("c"), kT0, o).number == "CSIRT-2026-1000");
}

TEST_CASE("CreateCaseTx: a rolled-back creation leaves no gap in the numbers", "[cases]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  CHECK(CreateTx(*db, Spec("a"), kT0).number == "SOC-2026-001");
  {
    db::Transaction tx(*db);
    REQUIRE(tx.Begin().ok());
    auto c = CreateCaseTx(*db, Spec("rolled back"), Ctx(), {}, kT0);
    REQUIRE(c.ok());
    CHECK(c->number == "SOC-2026-002");
  }  // no commit
  CHECK(CreateTx(*db, Spec("b"), kT0).number == "SOC-2026-002");
}

TEST_CASE("CreateCaseTx: SLA due times come from the severity's policy", "[cases][sla]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  struct Row {
    Severity severity;
    int64_t ack, resolve;
  };
  // SPEC 7 defaults.
  for (Row r : {Row{Severity::kCritical, 15 * kMinute, 4 * kHour},
                Row{Severity::kHigh, 30 * kMinute, 8 * kHour},
                Row{Severity::kMedium, 4 * kHour, 3 * 24 * kHour},
                Row{Severity::kLow, 24 * kHour, 7 * 24 * kHour}}) {
    INFO(SeverityName(r.severity));
    Case c = CreateTx(*db, Spec("x", r.severity), kT0);
    CHECK(c.sla.ack_due == kT0 + r.ack);
    CHECK(c.sla.resolve_due == kT0 + r.resolve);
    CHECK_FALSE(c.sla.ack_breached);
    CHECK_FALSE(c.sla.resolve_breached);
  }
}

TEST_CASE("CreateCaseTx: a template adds its tasks in order, its tags and its severity",
          "[cases]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  CaseTemplate t;
  t.name = "phishing";
  t.severity = Severity::kHigh;
  t.tags = {"phishing", "email"};
  for (const char* title : {"Retrieve the original message", "Analyse SPF, DKIM and DMARC",
                            "Detonate attachments", "Search mailboxes", "Purge"}) {
    t.tasks.push_back({title, fmt::format("how to: {}", title)});
  }
  t.created_at = t.updated_at = kT0;
  REQUIRE(InsertTemplate(*db, t).ok());

  NewCase spec = Spec("Reported phishing", Severity::kLow);
  spec.tags = {"email", "reported"};
  spec.template_name = "phishing";
  Case c = CreateTx(*db, spec, kT0);
  CHECK(c.template_name == "phishing");
  CHECK(c.severity == Severity::kHigh);  // raised to the template's
  CHECK(c.tags == std::vector<std::string>{"email", "reported", "phishing"});

  auto tasks = ListTasks(*db, c.id);
  REQUIRE(tasks.ok());
  REQUIRE(tasks->size() == t.tasks.size());
  for (size_t i = 0; i < tasks->size(); ++i) {
    const Task& task = (*tasks)[i];
    INFO(i);
    CHECK(task.title == t.tasks[i].title);
    CHECK(task.description == t.tasks[i].description);
    CHECK(task.position == static_cast<int>(i + 1));
    CHECK(task.status == TaskStatus::kWaiting);
    CHECK(task.case_id == c.id);
  }
  // The created event, then the audit record; nothing else.
  CHECK(QueryText(*db, "SELECT kind FROM case_events WHERE case_id = 1 ORDER BY id LIMIT 1") ==
        "created");
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.create'") == 1);
}

TEST_CASE("CreateCaseTx: a template never lowers the severity", "[cases]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  CaseTemplate t;
  t.name = "low-template";
  t.severity = Severity::kLow;
  t.created_at = t.updated_at = kT0;
  REQUIRE(InsertTemplate(*db, t).ok());
  NewCase spec = Spec("x", Severity::kCritical);
  spec.template_name = "low-template";
  CHECK(CreateTx(*db, spec, kT0).severity == Severity::kCritical);
}

TEST_CASE("CreateCaseTx: an unknown template is refused as 422 and takes no number", "[cases]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  NewCase spec = Spec("x");
  spec.template_name = "no-such-template";
  {
    db::Transaction tx(*db);
    REQUIRE(tx.Begin().ok());
    auto c = CreateCaseTx(*db, spec, Ctx(), {}, kT0);
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == StatusCode::kUnprocessable);
    CHECK(c.status().message().find("no-such-template") != std::string::npos);
  }
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM cases") == 0);
  CHECK(CreateTx(*db, Spec("y"), kT0).number == "SOC-2026-001");
}

// ---------------------------------------------------------------------------
// CheckCanWork: SPEC 6 "work a case", every role × tier.

TEST_CASE("CheckCanWork: every role against every tier, as SPEC 6", "[cases][roles]") {
  using R = auth::Role;
  struct Row {
    R role;
    bool l1, l2, l3;
  };
  const std::vector<Row> table = {
      {R::kL1, true, false, false},     {R::kL2, true, true, false},
      {R::kL3, true, true, true},       {R::kManager, true, true, true},
      {R::kAdmin, false, false, false}, {R::kAuditor, false, false, false},
  };
  for (const Row& row : table) {
    bool expected[] = {row.l1, row.l2, row.l3};
    for (int tier = 1; tier <= 3; ++tier) {
      INFO(auth::RoleName(row.role) << " on an L" << tier << " case");
      Case c;
      c.tier = tier;
      Status st = CheckCanWork(User(row.role), c);
      CHECK(st.ok() == expected[tier - 1]);
      CHECK(CanWorkTier(User(row.role), tier) == expected[tier - 1]);
      if (!st.ok()) CHECK(st.code() == StatusCode::kPermissionDenied);
    }
  }
}

TEST_CASE("CheckCanWork: API keys never work cases, whatever their scope", "[cases][roles]") {
  for (auth::Scope scope : {auth::Scope::kIngest, auth::Scope::kRead}) {
    for (int tier = 1; tier <= 3; ++tier) {
      Case c;
      c.tier = tier;
      Status st = CheckCanWork(ApiKey(scope), c);
      REQUIRE_FALSE(st.ok());
      CHECK(st.code() == StatusCode::kPermissionDenied);
    }
  }
}

TEST_CASE("CheckCanWork: the refusal names the role and the case's tier", "[cases][roles]") {
  Case c;
  c.tier = 2;
  Status st = CheckCanWork(User(auth::Role::kL1), c);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("l1") != std::string::npos);
  CHECK(st.message().find("L2") != std::string::npos);
}

// ---------------------------------------------------------------------------
// CaseService over a Writer and a ReadPool.

// Members are destroyed in reverse: the service, the read pool, then the
// writer (which drains), then the clock.
struct Env {
  explicit Env(CaseOptions options = {})
      : writer(std::make_unique<Writer>(OpenMigratedDb(tmp.path()))),
        reads(tmp.path()),
        service(*writer, reads, clock, std::move(options)) {}

  template <typename T, typename Call>
  static Result<T> Sync(Call call) {
    std::promise<Result<T>> promise;
    auto future = promise.get_future();
    call([&promise](Result<T> r) { promise.set_value(std::move(r)); });
    return future.get();
  }

  Actor As(auth::Role role, const std::string& name) {
    return Actor{User(role, name), Ctx("user:" + name)};
  }

  Case Create(NewCase spec) {
    auto c = Sync<Case>(
        [&](auto done) { service.Create(std::move(spec), As(auth::Role::kL1, "ana"), done); });
    INFO(c.status().ToString());
    REQUIRE(c.ok());
    return *c;
  }

  Result<Case> SetStatus(int64_t id, CaseStatus status, auth::Role role = auth::Role::kL1) {
    CasePatch p;
    p.status = status;
    return Sync<Case>([&](auto done) { service.Update(id, p, As(role, "ana"), done); });
  }

  Result<Case> Escalate(int64_t id, const std::string& tier, auth::Role role = auth::Role::kL1) {
    return Sync<Case>(
        [&](auto done) { service.Escalate(id, tier, "needs a responder", As(role, "ana"), done); });
  }

  SlaCheckResult RunSlaCheck() {
    auto r = Sync<SlaCheckResult>([&](auto done) { service.RunSlaCheck(done); });
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return *r;
  }

  Case Read(int64_t id) {
    auto c = service.Summary(id);
    REQUIRE(c.ok());
    return *c;
  }

  // A separate connection: sees what was committed.
  std::unique_ptr<db::Database> Db() { return OpenDb(tmp.path()); }

  TempDb tmp;
  ManualClock clock{kT0};
  std::unique_ptr<Writer> writer;
  db::ReadPool reads;
  CaseService service;
};

TEST_CASE("CaseService: an unacknowledged case breaches its ack target once, after the due time",
          "[cases][sla]") {
  Env env;
  Case c = env.Create(Spec("Beaconing from db-3", Severity::kHigh));
  env.clock.Advance(30 * kMinute);  // exactly due: not yet overdue
  CHECK(env.RunSlaCheck().ack_breaches == 0);
  env.clock.Advance(1);
  SlaCheckResult r = env.RunSlaCheck();
  CHECK(r.ack_breaches == 1);
  CHECK(r.resolve_breaches == 0);
  CHECK(r.auto_escalations == 0);
  Case after = env.Read(c.id);
  CHECK(after.sla.ack_breached);
  CHECK_FALSE(after.sla.resolve_breached);
  CHECK(after.status == CaseStatus::kOpen);
  CHECK(after.tier == 1);
  // The next run finds nothing new: one event, one audit record, one notification.
  env.clock.Advance(5 * kMinute);
  CHECK(env.RunSlaCheck().ack_breaches == 0);
  auto db = env.Db();
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM case_events WHERE kind = 'sla_breach'") == 1);
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.sla_breach'") == 1);
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM outbox WHERE event = 'case.sla_breached'") == 1);
}

TEST_CASE("CaseService: an acknowledged case does not breach its ack target", "[cases][sla]") {
  Env env;
  Case c = env.Create(Spec("x", Severity::kHigh));
  env.clock.Advance(10 * kMinute);
  REQUIRE(env.SetStatus(c.id, CaseStatus::kInProgress).ok());
  env.clock.Advance(1 * kHour);
  SlaCheckResult r = env.RunSlaCheck();
  CHECK(r.ack_breaches == 0);
  CHECK(r.resolve_breaches == 0);
  CHECK(env.Read(c.id).acknowledged_at == kT0 + 10 * kMinute);
  // Past the 8 h resolve target it breaches that one.
  env.clock.Advance(7 * kHour);
  CHECK(env.RunSlaCheck().resolve_breaches == 1);
  CHECK(env.Read(c.id).sla.resolve_breached);
}

TEST_CASE("CaseService: time in awaiting_info moves the resolve due time and never breaches",
          "[cases][sla]") {
  Env env;
  Case c = env.Create(Spec("x", Severity::kMedium));
  const int64_t resolve_due = kT0 + 3 * 24 * kHour;
  REQUIRE(c.sla.resolve_due == resolve_due);
  env.clock.Advance(10 * kMinute);
  REQUIRE(env.SetStatus(c.id, CaseStatus::kInProgress).ok());
  env.clock.Advance(10 * kMinute);
  auto paused = env.SetStatus(c.id, CaseStatus::kAwaitingInfo);
  REQUIRE(paused.ok());
  CHECK(paused->sla.paused_at == kT0 + 20 * kMinute);
  // Paused past the original due time: no breach, remaining time frozen.
  env.clock.Advance(4 * 24 * kHour);
  CHECK(env.RunSlaCheck().resolve_breaches == 0);
  CHECK(SlaRemainingMs(env.Read(c.id), env.clock.NowMs()) == resolve_due - (kT0 + 20 * kMinute));
  auto resumed = env.SetStatus(c.id, CaseStatus::kInProgress);
  REQUIRE(resumed.ok());
  CHECK_FALSE(resumed->sla.paused_at.has_value());
  CHECK(resumed->sla.paused_ms == 4 * 24 * kHour);
  CHECK(resumed->sla.resolve_due == resolve_due + 4 * 24 * kHour);
  CHECK(env.RunSlaCheck().resolve_breaches == 0);
}

TEST_CASE("CaseService: escalation raises severity to the configured floor of the tier",
          "[cases]") {
  CaseOptions o;
  o.l2_floor = Severity::kHigh;
  o.l3_floor = Severity::kCritical;
  Env env(o);
  Case c = env.Create(Spec("x", Severity::kLow));
  auto l2 = env.Escalate(c.id, "L2");
  INFO(l2.status().ToString());
  REQUIRE(l2.ok());
  CHECK(l2->severity == Severity::kHigh);
  CHECK(l2->tier == 2);
  CHECK(l2->status == CaseStatus::kEscalated);
  // The SLA follows the new severity (high: 30 min / 8 h from creation).
  CHECK(l2->sla.resolve_due == kT0 + 8 * kHour);
  // L2 picks it up, then escalates to L3: critical.
  REQUIRE(env.SetStatus(c.id, CaseStatus::kInProgress, auth::Role::kL2).ok());
  auto l3 = env.Escalate(c.id, "L3", auth::Role::kL2);
  INFO(l3.status().ToString());
  REQUIRE(l3.ok());
  CHECK(l3->severity == Severity::kCritical);
  CHECK(l3->tier == 3);
}

TEST_CASE("CaseService: escalation never lowers severity", "[cases]") {
  Env env;
  Case c = env.Create(Spec("x", Severity::kCritical));
  auto r = env.Escalate(c.id, "L2");
  REQUIRE(r.ok());
  CHECK(r->severity == Severity::kCritical);
}

TEST_CASE("CaseService: an L3 responder cannot escalate and nothing is written", "[cases][roles]") {
  Env env;
  Case c = env.Create(Spec("x"));
  auto db = env.Db();
  int64_t events = QueryInt(*db, "SELECT COUNT(*) FROM case_events");
  auto r = env.Escalate(c.id, "L2", auth::Role::kL3);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kPermissionDenied);
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM case_events") == events);
  CHECK(env.Read(c.id).tier == 1);
}

}  // namespace
}  // namespace wf::cases
