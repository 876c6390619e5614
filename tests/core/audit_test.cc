// Tests of the hash-chained audit trail (core/audit.h) on a migrated
// temporary database. Tampering is done as an attacker with file access
// would: through SQL on another connection, dropping the guard triggers first.
#include "core/audit.h"

#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "tests/core/temp_db.h"

namespace wf::audit {
namespace {

using wf::testing::OpenDb;
using wf::testing::OpenMigratedDb;
using wf::testing::QueryInt;
using wf::testing::QueryText;
using wf::testing::TempDb;

const std::string kZeroHash(64, '0');

void AppendOne(db::Database& db, const Context& ctx, const Entry& entry, int64_t now_ms) {
  db::Transaction tx(db);
  REQUIRE(tx.Begin().ok());
  Status st = Append(db, ctx, entry, now_ms);
  INFO(st.ToString());
  REQUIRE(st.ok());
  REQUIRE(tx.Commit().ok());
}

// The raw rows, in seq order, read through a fresh connection.
std::vector<Record> StoredRecords(const std::string& path) {
  auto db = OpenDb(path);
  auto st = db->Prepare(
      "SELECT seq, time, actor, action, object_type, object_id, request_id, remote_addr, "
      "details, prev_hash, hash FROM audit_log ORDER BY seq");
  REQUIRE(st.ok());
  std::vector<Record> out;
  for (;;) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    Record r;
    r.seq = st->Int64(0);
    r.time = st->Int64(1);
    r.actor = st->Text(2);
    r.action = st->Text(3);
    r.object_type = st->Text(4);
    r.object_id = st->Text(5);
    r.request_id = st->Text(6);
    r.remote_addr = st->Text(7);
    r.details_json = st->Text(8);
    r.prev_hash = st->Text(9);
    r.hash = st->Text(10);
    out.push_back(r);
  }
  return out;
}

bool IsLowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Verification VerifyOn(const std::string& path) {
  auto db = OpenDb(path);
  auto v = Verify(*db);
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *v;
}

// Three records as the services write them.
void AppendThree(db::Database& db) {
  AppendOne(db, {"user:alice", "req-1", "192.0.2.1"},
            {"user.create", "user", "2", R"({"login":"bob","role":"l1"})"}, 1000);
  AppendOne(db, {"user:alice", "req-2", "192.0.2.1"},
            {"user.update", "user", "2", R"({"role":"l2"})"}, 2000);
  AppendOne(db, {"user:bob", "req-3", "198.51.100.9"}, {"auth.login", "user", "2", "{}"}, 3000);
}

TEST_CASE("Audit: records chain by hash from a first prev_hash of 64 zeros", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  AppendThree(*db);

  std::vector<Record> rows = StoredRecords(tmp.path());
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].seq == 1);
  CHECK(rows[1].seq == 2);
  CHECK(rows[2].seq == 3);
  CHECK(rows[0].prev_hash == kZeroHash);
  CHECK(rows[1].prev_hash == rows[0].hash);
  CHECK(rows[2].prev_hash == rows[1].hash);
  std::set<std::string> distinct;
  for (const Record& r : rows) {
    INFO("seq " << r.seq);
    CHECK(IsLowerHex64(r.hash));
    CHECK(ComputeHash(r) == r.hash);  // the stored hash covers the stored fields
    distinct.insert(r.hash);
  }
  CHECK(distinct.size() == 3);

  // Every field landed where it belongs.
  CHECK(rows[1].time == 2000);
  CHECK(rows[1].actor == "user:alice");
  CHECK(rows[1].action == "user.update");
  CHECK(rows[1].object_type == "user");
  CHECK(rows[1].object_id == "2");
  CHECK(rows[1].request_id == "req-2");
  CHECK(rows[1].remote_addr == "192.0.2.1");
  CHECK(rows[1].details_json == R"({"role":"l2"})");
}

TEST_CASE("Audit: empty details are stored as an empty JSON object", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  AppendOne(*db, {"system", "cli", "local"}, {"user.create", "user", "1", ""}, 5);
  std::vector<Record> rows = StoredRecords(tmp.path());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].details_json == "{}");
  CHECK(VerifyOn(tmp.path()).ok);
}

TEST_CASE("Audit: Verify accepts an intact chain and names its head", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());

  Verification empty = VerifyOn(tmp.path());
  CHECK(empty.ok);
  CHECK(empty.checked == 0);
  CHECK(empty.head_hash.empty());
  CHECK_FALSE(empty.first_broken_seq.has_value());

  AppendThree(*db);
  Verification v = VerifyOn(tmp.path());
  CHECK(v.ok);
  CHECK(v.checked == 3);
  CHECK_FALSE(v.first_broken_seq.has_value());
  CHECK(v.reason.empty());
  CHECK(v.head_hash == StoredRecords(tmp.path()).back().hash);
}

TEST_CASE("Audit: an append rolled back with its transaction leaves the chain intact", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  AppendOne(*db, {"user:alice", "r1", "local"}, {"user.create", "user", "1", "{}"}, 1);
  {
    db::Transaction tx(*db);
    REQUIRE(tx.Begin().ok());
    REQUIRE(Append(*db, {"user:alice", "r2", "local"}, {"user.create", "user", "2", "{}"}, 2).ok());
  }  // rolled back: the change it recorded did not happen either
  AppendOne(*db, {"user:alice", "r3", "local"}, {"user.create", "user", "3", "{}"}, 3);

  std::vector<Record> rows = StoredRecords(tmp.path());
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].seq == 2);
  CHECK(rows[1].object_id == "3");
  CHECK(rows[1].prev_hash == rows[0].hash);
  Verification v = VerifyOn(tmp.path());
  CHECK(v.ok);
  CHECK(v.checked == 2);
}

TEST_CASE("Audit: the triggers refuse UPDATE and DELETE while present", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  AppendThree(*db);
  const std::vector<Record> before = StoredRecords(tmp.path());

  auto attacker = OpenDb(tmp.path());
  Status update = attacker->Exec("UPDATE audit_log SET details = '{}' WHERE seq = 2");
  CHECK_FALSE(update.ok());
  CHECK_THAT(update.message(), Catch::Contains("append-only"));
  Status del = attacker->Exec("DELETE FROM audit_log WHERE seq = 3");
  CHECK_FALSE(del.ok());
  CHECK_THAT(del.message(), Catch::Contains("append-only"));

  const std::vector<Record> after = StoredRecords(tmp.path());
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].details_json == before[i].details_json);
    CHECK(after[i].hash == before[i].hash);
  }
  CHECK(VerifyOn(tmp.path()).ok);
}

TEST_CASE("Audit: editing any column of a record behind the server's back is found by Verify",
          "[core]") {
  struct Tamper {
    const char* column;
    const char* sql;
  };
  const std::vector<Tamper> tampers = {
      {"details", R"(UPDATE audit_log SET details = '{"role":"admin"}' WHERE seq = 2)"},
      {"time", "UPDATE audit_log SET time = time + 1 WHERE seq = 2"},
      {"actor", "UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 2"},
      {"action", "UPDATE audit_log SET action = 'user.read' WHERE seq = 2"},
      {"object_type", "UPDATE audit_log SET object_type = 'case' WHERE seq = 2"},
      {"object_id", "UPDATE audit_log SET object_id = '3' WHERE seq = 2"},
      {"request_id", "UPDATE audit_log SET request_id = 'req-x' WHERE seq = 2"},
      {"remote_addr", "UPDATE audit_log SET remote_addr = '10.0.0.1' WHERE seq = 2"},
      {"prev_hash", "UPDATE audit_log SET prev_hash = hash WHERE seq = 2"},
      {"hash", "UPDATE audit_log SET hash = prev_hash WHERE seq = 2"},
  };
  for (const Tamper& t : tampers) {
    INFO("tampered column: " << t.column);
    TempDb tmp;
    auto db = OpenMigratedDb(tmp.path());
    AppendThree(*db);
    REQUIRE(VerifyOn(tmp.path()).ok);

    auto attacker = OpenDb(tmp.path());
    REQUIRE(attacker->Exec("DROP TRIGGER audit_log_no_update").ok());
    REQUIRE(attacker->Exec(t.sql).ok());
    REQUIRE(attacker->Changes() == 1);

    Verification v = VerifyOn(tmp.path());
    CHECK_FALSE(v.ok);
    REQUIRE(v.first_broken_seq.has_value());
    CHECK(*v.first_broken_seq == 2);
    CHECK_FALSE(v.reason.empty());
  }
}

TEST_CASE("Audit: rewriting a record together with its hash breaks the next link", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  AppendThree(*db);
  // The attacker recomputes the hash of the record they edit, as they can.
  Record forged = StoredRecords(tmp.path())[1];
  forged.details_json = R"({"role":"admin"})";
  forged.hash = ComputeHash(forged);

  auto attacker = OpenDb(tmp.path());
  REQUIRE(attacker->Exec("DROP TRIGGER audit_log_no_update").ok());
  auto st = attacker->Prepare("UPDATE audit_log SET details = ?, hash = ? WHERE seq = 2");
  REQUIRE(st.ok());
  st->BindAll(forged.details_json, forged.hash);
  REQUIRE(st->Run().ok());

  Verification v = VerifyOn(tmp.path());
  CHECK_FALSE(v.ok);
  REQUIRE(v.first_broken_seq.has_value());
  CHECK(*v.first_broken_seq == 3);
  CHECK_THAT(v.reason, Catch::Contains("prev_hash"));
}

TEST_CASE("Audit: deleting a record behind the server's back is reported as a gap", "[core]") {
  struct Case {
    int64_t deleted;
    int64_t reported;
  };
  for (Case c : {Case{1, 2}, Case{2, 3}}) {
    INFO("deleted seq " << c.deleted);
    TempDb tmp;
    auto db = OpenMigratedDb(tmp.path());
    AppendThree(*db);
    auto attacker = OpenDb(tmp.path());
    REQUIRE(attacker->Exec("DROP TRIGGER audit_log_no_delete").ok());
    REQUIRE(attacker->Exec("DELETE FROM audit_log WHERE seq = " + std::to_string(c.deleted)).ok());
    REQUIRE(attacker->Changes() == 1);

    Verification v = VerifyOn(tmp.path());
    CHECK_FALSE(v.ok);
    REQUIRE(v.first_broken_seq.has_value());
    CHECK(*v.first_broken_seq == c.reported);
    CHECK_THAT(v.reason, Catch::Contains("gap"));
  }
}

std::vector<int64_t> Seqs(db::Database& db, const Query& q) {
  auto records = List(db, q);
  INFO(records.status().ToString());
  REQUIRE(records.ok());
  std::vector<int64_t> out;
  for (const Record& r : *records) out.push_back(r.seq);
  return out;
}

TEST_CASE("Audit: List filters by actor, action, object, time and cursor, newest first", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  const Context alice{"user:alice", "r", "local"};
  const Context bob{"user:bob", "r", "local"};
  const Context system{"system", "r", "local"};
  AppendOne(*db, alice, {"user.create", "user", "1", "{}"}, 1000);       // 1
  AppendOne(*db, alice, {"apikey.create", "api_key", "1", "{}"}, 2000);  // 2
  AppendOne(*db, bob, {"user.update", "user", "1", "{}"}, 3000);         // 3
  AppendOne(*db, system, {"user.create", "user", "2", "{}"}, 4000);      // 4
  AppendOne(*db, bob, {"user.update", "user", "2", "{}"}, 5000);         // 5
  AppendOne(*db, alice, {"auth.login", "user", "1", "{}"}, 6000);        // 6
  auto reader = OpenDb(tmp.path());

  struct Case {
    const char* name;
    Query query;
    std::vector<int64_t> seqs;
  };
  auto q = [](std::function<void(Query&)> fill) {
    Query query;
    fill(query);
    return query;
  };
  const std::vector<Case> cases = {
      {"everything", Query{}, {6, 5, 4, 3, 2, 1}},
      {"action", q([](Query& x) { x.action = "user.create"; }), {4, 1}},
      {"actor", q([](Query& x) { x.actor = "user:bob"; }), {5, 3}},
      {"object type", q([](Query& x) { x.object_type = "user"; }), {6, 5, 4, 3, 1}},
      {"object type and id",
       q([](Query& x) {
         x.object_type = "user";
         x.object_id = "1";
       }),
       {6, 3, 1}},
      {"action and object",
       q([](Query& x) {
         x.action = "user.update";
         x.object_type = "user";
         x.object_id = "2";
       }),
       {5}},
      {"since (inclusive)", q([](Query& x) { x.since = 3000; }), {6, 5, 4, 3}},
      {"until (exclusive)", q([](Query& x) { x.until = 3000; }), {2, 1}},
      {"since and until",
       q([](Query& x) {
         x.since = 2000;
         x.until = 5000;
       }),
       {4, 3, 2}},
      {"before_seq", q([](Query& x) { x.before_seq = 4; }), {3, 2, 1}},
      {"actor and before_seq",
       q([](Query& x) {
         x.actor = "user:alice";
         x.before_seq = 6;
       }),
       {2, 1}},
      {"every filter at once",
       q([](Query& x) {
         x.actor = "user:bob";
         x.action = "user.update";
         x.object_type = "user";
         x.object_id = "1";
         x.since = 1000;
         x.until = 6000;
         x.before_seq = 6;
       }),
       {3}},
      {"limit", q([](Query& x) { x.limit = 2; }), {6, 5}},
      {"no match", q([](Query& x) { x.action = "user.delete"; }), {}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(Seqs(*reader, c.query) == c.seqs);
  }

  // Paging with the cursor walks the whole log once, newest first.
  std::vector<int64_t> walked;
  Query page;
  page.limit = 4;
  for (int guard = 0; guard < 10; ++guard) {
    std::vector<int64_t> got = Seqs(*reader, page);
    if (got.empty()) break;
    walked.insert(walked.end(), got.begin(), got.end());
    page.before_seq = got.back();
  }
  CHECK(walked == std::vector<int64_t>{6, 5, 4, 3, 2, 1});

  // Records come back whole.
  Query one;
  one.before_seq = 3;
  one.limit = 1;
  auto records = List(*reader, one);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 1);
  const Record& r = records->front();
  CHECK(r.seq == 2);
  CHECK(r.time == 2000);
  CHECK(r.actor == "user:alice");
  CHECK(r.action == "apikey.create");
  CHECK(r.object_type == "api_key");
  CHECK(r.object_id == "1");
  CHECK(r.hash == StoredRecords(tmp.path())[1].hash);
}

Record SampleRecord() {
  Record r;
  r.seq = 7;
  r.time = 1795424485123;
  r.actor = "user:alice";
  r.action = "user.create";
  r.object_type = "user";
  r.object_id = "42";
  r.request_id = "req-abc";
  r.remote_addr = "192.0.2.7";
  r.details_json = R"({"login":"bob","role":"l2"})";
  r.prev_hash = kZeroHash;
  return r;
}

TEST_CASE("Audit: ComputeHash changes when any hashed field changes", "[core]") {
  struct Change {
    const char* field;
    std::function<void(Record&)> apply;
  };
  const std::vector<Change> changes = {
      {"seq", [](Record& r) { r.seq += 1; }},
      {"time", [](Record& r) { r.time += 1; }},
      {"actor", [](Record& r) { r.actor = "user:alicf"; }},
      {"action", [](Record& r) { r.action = "user.update"; }},
      {"object_type", [](Record& r) { r.object_type = "case"; }},
      {"object_id", [](Record& r) { r.object_id = "43"; }},
      {"request_id", [](Record& r) { r.request_id = "req-abd"; }},
      {"remote_addr", [](Record& r) { r.remote_addr = "192.0.2.8"; }},
      {"details_json", [](Record& r) { r.details_json = R"({"login":"bob","role":"l3"})"; }},
      {"prev_hash", [](Record& r) { r.prev_hash[63] = '1'; }},
      {"actor emptied", [](Record& r) { r.actor.clear(); }},
  };
  const Record base = SampleRecord();
  const std::string base_hash = ComputeHash(base);
  CHECK(IsLowerHex64(base_hash));
  CHECK(ComputeHash(base) == base_hash);  // deterministic
  std::set<std::string> seen{base_hash};
  for (const Change& c : changes) {
    INFO("changed field: " << c.field);
    Record r = base;
    c.apply(r);
    std::string h = ComputeHash(r);
    CHECK(h != base_hash);
    CHECK(seen.insert(h).second);
  }
  // The hash field itself is the output, not an input.
  Record with_hash = base;
  with_hash.hash = "anything";
  CHECK(ComputeHash(with_hash) == base_hash);
}

TEST_CASE("Audit: ComputeHash keeps field boundaries", "[core]") {
  // Moving characters from one field to its neighbour must change the hash.
  Record a = SampleRecord();
  Record b = SampleRecord();
  a.actor = "user:ab";
  a.action = "c";
  b.actor = "user:a";
  b.action = "bc";
  CHECK(ComputeHash(a) != ComputeHash(b));
  Record c = SampleRecord();
  Record d = SampleRecord();
  c.object_type = "x;1:y";
  c.object_id = "";
  d.object_type = "x";
  d.object_id = "y";
  CHECK(ComputeHash(c) != ComputeHash(d));
}

TEST_CASE("Audit: ComputeHash is stable, so existing logs keep verifying", "[core]") {
  // Golden value for SampleRecord(): changing the hashed format breaks the
  // verification of every audit log already written. Add a new format with a
  // version instead.
  CHECK(ComputeHash(SampleRecord()) ==
        "071551df3f5d770ec174b50eb6724b8ed93b580486124fca0334e9cba7f42d11");
}

}  // namespace
}  // namespace wf::audit
