// Tests of the group-commit Writer (core/writer.h). Completions run on the
// writer thread, where Catch2 assertions are not allowed: they record what
// they saw, and the test thread asserts after Stop() has joined the writer.
#include "core/writer.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/core/temp_db.h"

namespace wf {
namespace {

using wf::testing::CommittedRows;
using wf::testing::OpenDb;
using wf::testing::TempDb;

constexpr char kInsertSql[] = "INSERT INTO items (id, name) VALUES (?, ?)";

std::unique_ptr<Writer> MakeWriter(const TempDb& tmp, WriterOptions options = {}) {
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)").ok());
  return std::make_unique<Writer>(std::move(db), options);
}

Status Insert(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertSql));
  st->BindAll(id, "item-" + std::to_string(id));
  return st->Run();
}

Writer::Work InsertWork(int64_t id) {
  return [id](db::Database& db) { return Insert(db, id); };
}

// Counts rows through a new connection without Catch2 assertions (safe on
// the writer thread); -1 when anything fails.
int64_t CountFromAnotherConnection(const std::string& path, const char* sql) {
  auto db = db::Database::Open(path);
  if (!db.ok()) return -1;
  auto st = (*db)->Prepare(sql);
  if (!st.ok()) return -1;
  auto row = st->Step();
  if (!row.ok() || !*row) return -1;
  return st->Int64(0);
}

std::vector<int64_t> CommittedIds(const std::string& path) {
  auto db = OpenDb(path);
  auto st = db->Prepare("SELECT id FROM items ORDER BY id");
  REQUIRE(st.ok());
  std::vector<int64_t> ids;
  for (;;) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    ids.push_back(st->Int64(0));
  }
  return ids;
}

// Holds the writer thread inside one unit until released, so that whatever is
// submitted meanwhile queues up: batching becomes deterministic. Declare it
// after the Writer so that a failing test releases it before the Writer joins.
class Gate {
 public:
  Gate() = default;
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  ~Gate() { Release(); }

  Writer::Work Unit() {
    return [this](db::Database&) {
      entered_.count_down();
      release_.wait();
      return Status::Ok();
    };
  }
  void WaitUntilEntered() { entered_.wait(); }
  void Release() {
    if (!released_.exchange(true)) release_.count_down();
  }

 private:
  std::latch entered_{1};
  std::latch release_{1};
  std::atomic<bool> released_{false};
};

// Completion statuses in call order; written on the writer thread, read by
// the test after Stop().
struct DoneLog {
  std::mutex mu;
  std::vector<Status> statuses;
  Writer::Done Recorder() {
    return [this](Status st) {
      std::lock_guard lock(mu);
      statuses.push_back(std::move(st));
    };
  }
};

// Batch sizes as the writer reports them.
struct BatchLog {
  std::mutex mu;
  std::vector<size_t> sizes;
  // Options whose batch observer records into this log.
  WriterOptions Observing(WriterOptions options = {}) {
    options.on_batch = [this](size_t units, std::chrono::nanoseconds) {
      std::lock_guard lock(mu);
      sizes.push_back(units);
    };
    return options;
  }
};

TEST_CASE("Writer: Run commits and the row is visible from another connection", "[core]") {
  TempDb tmp;
  auto writer = MakeWriter(tmp);
  Status st = writer->Run(InsertWork(42));
  INFO(st.ToString());
  REQUIRE(st.ok());
  // Run has returned: the commit happened, no Stop() needed to see it.
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{42});
  WriterStats stats = writer->stats();
  CHECK(stats.units == 1);
  CHECK(stats.batches == 1);
  CHECK(stats.failed_units == 0);
}

TEST_CASE("Writer: Run answers the unit's own error and commits nothing of it", "[core]") {
  TempDb tmp;
  auto writer = MakeWriter(tmp);
  Status st = writer->Run([](db::Database& db) -> Status {
    WF_RETURN_IF_ERROR(Insert(db, 1));
    return Status::NotFound("no such thing");
  });
  CHECK(st.code() == StatusCode::kNotFound);
  CHECK(st.message() == "no such thing");
  CHECK(CommittedRows(tmp.path(), "items") == 0);
  CHECK(writer->stats().failed_units == 1);
}

TEST_CASE("Writer: every completion of a batch runs after the whole batch committed", "[core]") {
  TempDb tmp;
  auto writer = MakeWriter(tmp);
  Gate gate;
  REQUIRE(writer->Submit(gate.Unit(), nullptr).ok());
  gate.WaitUntilEntered();

  // Three units queue behind the gate and form one batch. Each completion,
  // the first included, must already see all three rows from another connection.
  std::mutex mu;
  std::vector<int64_t> seen;
  std::vector<Status> statuses;
  for (int64_t id = 1; id <= 3; ++id) {
    REQUIRE(writer
                ->Submit(InsertWork(id),
                         [&, path = tmp.path()](Status st) {
                           int64_t n = CountFromAnotherConnection(
                               path, "SELECT COUNT(*) FROM items WHERE id IN (1, 2, 3)");
                           std::lock_guard lock(mu);
                           seen.push_back(n);
                           statuses.push_back(std::move(st));
                         })
                .ok());
  }
  gate.Release();
  writer->Stop();
  CHECK(seen == std::vector<int64_t>{3, 3, 3});
  REQUIRE(statuses.size() == 3);
  for (const Status& st : statuses) CHECK(st.ok());
}

TEST_CASE("Writer: concurrent submitters all commit, grouped into few batches", "[core]") {
  TempDb tmp;
  WriterOptions options;
  options.max_batch = 512;
  options.queue_capacity = 20000;
  BatchLog batches;
  auto writer = MakeWriter(tmp, batches.Observing(options));
  Gate gate;
  REQUIRE(writer->Submit(gate.Unit(), nullptr).ok());
  gate.WaitUntilEntered();

  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> accepted{0};
  std::atomic<int> done_ok{0};
  std::atomic<int> done_failed{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          Status st = writer->Submit(InsertWork(int64_t{t} * 1000 + i), [&](Status s) {
            (s.ok() ? done_ok : done_failed).fetch_add(1);
          });
          if (st.ok()) accepted.fetch_add(1);
        }
      });
    }
  }  // every submitter has finished: 1600 units wait behind the gate
  CHECK(accepted.load() == kThreads * kPerThread);
  CHECK(writer->stats().queue_depth == static_cast<size_t>(kThreads * kPerThread));
  gate.Release();
  writer->Stop();

  CHECK(done_ok.load() == kThreads * kPerThread);
  CHECK(done_failed.load() == 0);
  WriterStats stats = writer->stats();
  CHECK(stats.units == kThreads * kPerThread + 1);
  CHECK(stats.failed_units == 0);
  CHECK(stats.failed_commits == 0);
  CHECK(stats.rejected == 0);
  CHECK(stats.queue_depth == 0);
  CHECK(stats.batches < stats.units);
  // The gate alone, then 1600 queued units cut at max_batch.
  CHECK(batches.sizes == std::vector<size_t>{1, 512, 512, 512, 64});
  CHECK(stats.batches == 5);

  auto db = OpenDb(tmp.path());
  CHECK(wf::testing::QueryInt(*db, "SELECT COUNT(DISTINCT id) FROM items") ==
        kThreads * kPerThread);
}

TEST_CASE("Writer: a failing unit rolls back alone and the others commit", "[core]") {
  TempDb tmp;
  BatchLog batches;
  auto writer = MakeWriter(tmp, batches.Observing());
  Gate gate;
  REQUIRE(writer->Submit(gate.Unit(), nullptr).ok());
  gate.WaitUntilEntered();

  DoneLog log;
  // All six queue behind the gate and run in one transaction.
  REQUIRE(writer->Submit(InsertWork(1), log.Recorder()).ok());
  REQUIRE(writer
              ->Submit(
                  [](db::Database& db) -> Status {
                    WF_RETURN_IF_ERROR(Insert(db, 2));
                    return Insert(db, 1);  // duplicate of the first unit's row
                  },
                  log.Recorder())
              .ok());
  REQUIRE(writer->Submit(InsertWork(3), log.Recorder()).ok());
  REQUIRE(writer
              ->Submit(
                  [](db::Database& db) -> Status {
                    WF_RETURN_IF_ERROR(Insert(db, 4));
                    return Status::Unprocessable("rule broken");
                  },
                  log.Recorder())
              .ok());
  REQUIRE(writer
              ->Submit(
                  [](db::Database& db) -> Status {
                    WF_RETURN_IF_ERROR(Insert(db, 5));
                    throw std::runtime_error("boom");
                  },
                  log.Recorder())
              .ok());
  REQUIRE(writer->Submit(InsertWork(6), log.Recorder()).ok());
  gate.Release();
  writer->Stop();

  CHECK(batches.sizes == std::vector<size_t>{1, 6});
  REQUIRE(log.statuses.size() == 6);
  CHECK(log.statuses[0].ok());
  CHECK(log.statuses[1].code() == StatusCode::kAlreadyExists);
  CHECK(log.statuses[2].ok());
  CHECK(log.statuses[3].code() == StatusCode::kUnprocessable);
  CHECK(log.statuses[3].message() == "rule broken");
  CHECK(log.statuses[4].code() == StatusCode::kInternal);
  CHECK(log.statuses[5].ok());
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1, 3, 6});
  WriterStats stats = writer->stats();
  CHECK(stats.failed_units == 3);
  CHECK(stats.failed_commits == 0);
}

TEST_CASE("Writer: a full queue answers Unavailable and never calls that done", "[core]") {
  TempDb tmp;
  WriterOptions options;
  options.queue_capacity = 2;
  auto writer = MakeWriter(tmp, options);
  Gate gate;
  REQUIRE(writer->Submit(gate.Unit(), nullptr).ok());
  gate.WaitUntilEntered();  // the gate left the queue: it is empty again

  DoneLog log;
  REQUIRE(writer->Submit(InsertWork(1), log.Recorder()).ok());
  REQUIRE(writer->Submit(InsertWork(2), log.Recorder()).ok());
  std::atomic<bool> rejected_done_called{false};
  std::atomic<bool> rejected_work_ran{false};
  Status st = writer->Submit(
      [&](db::Database& db) {
        rejected_work_ran = true;
        return Insert(db, 3);
      },
      [&](Status) { rejected_done_called = true; });
  CHECK(st.code() == StatusCode::kUnavailable);
  // Run does not wait for room either.
  CHECK(writer->Run(InsertWork(4)).code() == StatusCode::kUnavailable);
  WriterStats stats = writer->stats();
  CHECK(stats.rejected == 2);
  CHECK(stats.queue_depth == 2);

  gate.Release();
  writer->Stop();
  CHECK_FALSE(rejected_done_called.load());
  CHECK_FALSE(rejected_work_ran.load());
  REQUIRE(log.statuses.size() == 2);
  CHECK(log.statuses[0].ok());
  CHECK(log.statuses[1].ok());
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1, 2});
}

TEST_CASE("Writer: Stop drains the queue and later submissions answer Unavailable", "[core]") {
  TempDb tmp;
  auto writer = MakeWriter(tmp);
  Gate gate;
  REQUIRE(writer->Submit(gate.Unit(), nullptr).ok());
  gate.WaitUntilEntered();

  DoneLog log;
  for (int64_t id = 1; id <= 10; ++id) {
    REQUIRE(writer->Submit(InsertWork(id), log.Recorder()).ok());
  }
  // Stop from another thread while the writer is held: it stops accepting at
  // once but can only finish once the gate opens.
  std::thread stopper([&] { writer->Stop(); });
  int64_t probes_accepted = 0;
  Status refused;
  for (int attempt = 0; attempt < 100000; ++attempt) {
    refused = writer->Submit(InsertWork(1000 + probes_accepted), log.Recorder());
    if (!refused.ok()) break;
    ++probes_accepted;  // submitted before Stop() took effect: must be drained too
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(refused.code() == StatusCode::kUnavailable);
  gate.Release();
  stopper.join();

  REQUIRE(log.statuses.size() == static_cast<size_t>(10 + probes_accepted));
  for (const Status& st : log.statuses) CHECK(st.ok());
  CHECK(CommittedRows(tmp.path(), "items") == 10 + probes_accepted);
  CHECK(writer->stats().queue_depth == 0);

  // Stopped for good: nothing is accepted, no completion is called.
  std::atomic<bool> done_called{false};
  CHECK(writer->Submit(InsertWork(99), [&](Status) { done_called = true; }).code() ==
        StatusCode::kUnavailable);
  CHECK(writer->Run(InsertWork(99)).code() == StatusCode::kUnavailable);
  writer->Stop();  // idempotent
  CHECK_FALSE(done_called.load());
  CHECK(CommittedRows(tmp.path(), "items") == 10 + probes_accepted);
}

TEST_CASE("Writer: destroying the writer completes every accepted unit", "[core]") {
  TempDb tmp;
  auto writer = MakeWriter(tmp);
  std::atomic<int> done_ok{0};
  for (int64_t id = 1; id <= 50; ++id) {
    REQUIRE(writer
                ->Submit(InsertWork(id),
                         [&](Status st) {
                           if (st.ok()) done_ok.fetch_add(1);
                         })
                .ok());
  }
  writer.reset();
  CHECK(done_ok.load() == 50);
  CHECK(CommittedRows(tmp.path(), "items") == 50);
}

TEST_CASE("Writer: RunForResult delivers the committed value or the unit's error", "[core]") {
  TempDb tmp;
  auto writer = MakeWriter(tmp);

  Result<int64_t> id = RunForResult<int64_t>(*writer, [](db::Database& db) -> Result<int64_t> {
    WF_RETURN_IF_ERROR(Insert(db, 77));
    return db.LastInsertRowId();
  });
  REQUIRE(id.ok());
  CHECK(*id == 77);
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{77});

  Result<int64_t> failed = RunForResult<int64_t>(*writer, [](db::Database& db) -> Result<int64_t> {
    WF_RETURN_IF_ERROR(Insert(db, 78));
    return Status::Unprocessable("not today");
  });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == StatusCode::kUnprocessable);
  CHECK(failed.status().message() == "not today");

  Result<int64_t> duplicate =
      RunForResult<int64_t>(*writer, [](db::Database& db) -> Result<int64_t> {
        WF_RETURN_IF_ERROR(Insert(db, 77));
        return db.LastInsertRowId();
      });
  CHECK(duplicate.status().code() == StatusCode::kAlreadyExists);
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{77});

  writer->Stop();
  Result<int64_t> stopped =
      RunForResult<int64_t>(*writer, [](db::Database&) -> Result<int64_t> { return int64_t{1}; });
  CHECK(stopped.status().code() == StatusCode::kUnavailable);
}

TEST_CASE("Writer: SubmitForResult delivers after the commit, and inline when refused", "[core]") {
  TempDb tmp;
  auto writer = MakeWriter(tmp);

  struct Seen {
    bool ok = false;
    std::string value;
    StatusCode code = StatusCode::kOk;
    int64_t rows_at_done = -1;
    std::thread::id thread;
  };
  auto submit = [&](int64_t id, bool fail) {
    std::promise<Seen> promise;
    auto future = promise.get_future();
    SubmitForResult<std::string>(
        *writer,
        [id, fail](db::Database& db) -> Result<std::string> {
          WF_RETURN_IF_ERROR(Insert(db, id));
          if (fail) return Status::FailedPrecondition("refused");
          return "row " + std::to_string(id);
        },
        [&promise, path = tmp.path()](Result<std::string> r) {
          Seen s;
          s.ok = r.ok();
          if (r.ok()) s.value = *r;
          s.code = r.status().code();
          s.rows_at_done = CountFromAnotherConnection(path, "SELECT COUNT(*) FROM items");
          s.thread = std::this_thread::get_id();
          promise.set_value(std::move(s));
        });
    return future.get();
  };

  Seen good = submit(5, false);
  CHECK(good.ok);
  CHECK(good.value == "row 5");
  CHECK(good.rows_at_done == 1);  // committed before the completion ran
  CHECK(good.thread != std::this_thread::get_id());

  Seen bad = submit(6, true);
  CHECK_FALSE(bad.ok);
  CHECK(bad.code == StatusCode::kFailedPrecondition);
  CHECK(bad.rows_at_done == 1);
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{5});

  writer->Stop();
  Seen refused = submit(7, false);
  CHECK_FALSE(refused.ok);
  CHECK(refused.code == StatusCode::kUnavailable);
  CHECK(refused.thread == std::this_thread::get_id());  // inline
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{5});
}

TEST_CASE("Writer: a unit leaving a statement on a row does not wedge it after an outside write",
          "[core]") {
  // Bug report: the writer connection keeps cached statements that units left
  // mid-row (AuthService::UpdateUser's GetUser does). Such a statement holds
  // a read transaction on an old snapshot; once another process commits (the
  // CLI's `user add` / `apikey create` open their own Writer on the same
  // file), BEGIN IMMEDIATE fails with SQLITE_BUSY_SNAPSHOT on every batch.
  TempDb tmp;
  auto writer = MakeWriter(tmp);
  static constexpr char kFirstIdSql[] = "SELECT id FROM items ORDER BY id";
  REQUIRE(writer->Run(InsertWork(1)).ok());
  REQUIRE(writer
              ->Run([](db::Database& db) -> Status {
                WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kFirstIdSql));
                WF_ASSIGN_OR_RETURN(bool row, st->Step());
                return row ? Status::Ok() : Status::NotFound("no row");
              })
              .ok());
  {
    auto other_process = OpenDb(tmp.path());
    REQUIRE(other_process->Exec("INSERT INTO items (id, name) VALUES (100, 'from the CLI')").ok());
  }
  Status st = writer->Run(InsertWork(2));
  INFO(st.ToString());
  CHECK(st.ok());
  Status again = writer->Run(InsertWork(3));
  INFO(again.ToString());
  CHECK(again.ok());
  writer->Stop();
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1, 2, 3, 100});
}

TEST_CASE("Writer: a batch runs each unit once unless a unit fails, then replays with savepoints", "[core]") {
  TempDb tmp;
  BatchLog batches;
  auto writer = MakeWriter(tmp, batches.Observing());
  std::atomic<int> runs_ok{0}, runs_failing{0};
  auto counted = [&runs_ok](int64_t id) {
    return [&runs_ok, id](db::Database& db) -> Status {
      ++runs_ok;
      return Insert(db, id);
    };
  };
  {
    Gate gate;
    REQUIRE(writer->Submit(gate.Unit(), nullptr).ok());
    gate.WaitUntilEntered();
    for (int64_t id = 1; id <= 4; ++id) REQUIRE(writer->Submit(counted(id), nullptr).ok());
    gate.Release();
    REQUIRE(writer->Run([](db::Database&) { return Status::Ok(); }).ok());
  }
  CHECK(runs_ok == 4);  // the fast path: no failure, no replay

  runs_ok = 0;
  {
    Gate gate;
    REQUIRE(writer->Submit(gate.Unit(), nullptr).ok());
    gate.WaitUntilEntered();
    REQUIRE(writer->Submit(counted(10), nullptr).ok());
    REQUIRE(writer
                ->Submit(
                    [&runs_failing](db::Database& db) -> Status {
                      ++runs_failing;
                      WF_RETURN_IF_ERROR(Insert(db, 11));
                      return Status::Unprocessable("no");
                    },
                    nullptr)
                .ok());
    REQUIRE(writer->Submit(counted(12), nullptr).ok());
    gate.Release();
    writer->Stop();
  }
  // The failure aborted the fast path after units 10 and 11; the replay ran
  // all three again, each in a savepoint.
  CHECK(runs_ok == 3);
  CHECK(runs_failing == 2);
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1, 2, 3, 4, 10, 12});
}

}  // namespace
}  // namespace wf
