// Writer: the single thread that owns the write connection and commits in
// groups (SPEC 2). Callers submit a unit of work; the writer drains its queue
// into one transaction (up to `max_batch` units, or until `max_delay` passed
// since the first one), runs the units (a failing unit rolls back alone: the
// batch is then replayed with a SAVEPOINT per unit, so a work function may
// run twice before its commit and must only touch the database), commits
// with synchronous=FULL, and only then calls each unit's completion with the
// unit's Status. A completion therefore
// reports a durable result: an HTTP 2xx sent from it survives kill -9.
//
// Thread safety: Submit() and Run() may be called from any thread. Work and
// completion functions run on the writer thread; a completion must not block.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/sqlite.h"
#include "core/status.h"

namespace wf {

struct WriterOptions {
  size_t max_batch = 512;
  std::chrono::microseconds max_delay{200};
  size_t queue_capacity = 20000;  // beyond it Submit answers Unavailable (back-pressure)
  // Runs in each batch's transaction after its units, before COMMIT (e.g.
  // indexing what the units stored in one statement); a failure fails the batch.
  std::function<Status(db::Database&)> before_commit;
  // Called on the writer thread after each batch (units, commit duration).
  std::function<void(size_t units, std::chrono::nanoseconds commit)> on_batch;
};

struct WriterStats {
  uint64_t batches = 0;
  uint64_t units = 0;
  uint64_t failed_units = 0;
  uint64_t failed_commits = 0;
  uint64_t rejected = 0;  // queue full
  size_t queue_depth = 0;
};

class Writer {
 public:
  using Work = std::function<Status(db::Database&)>;
  using Done = std::function<void(Status)>;

  // Takes the write connection; starts the thread.
  Writer(std::unique_ptr<db::Database> db, WriterOptions options = {});
  // Drains what is queued, then stops.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `work`. On acceptance returns OK and later calls `done` exactly
  // once, after the commit (or with the failure). When the queue is full or
  // the writer is stopping returns Unavailable and never calls `done`.
  Status Submit(Work work, Done done);

  // Submits and waits for the committed result. Not for the writer thread.
  Status Run(Work work);

  // Stops accepting, drains the queue, joins. Idempotent.
  void Stop();

  WriterStats stats() const;

 private:
  struct Unit {
    Work work;
    Done done;
  };
  void Loop();
  void RunBatch(std::deque<Unit>& batch);
  Status RunTransaction(std::deque<Unit>& batch, std::vector<Status>& results, bool savepoints,
                        size_t& failed, bool& aborted);

  std::unique_ptr<db::Database> db_;
  WriterOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Unit> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  std::thread thread_;
};

}  // namespace wf

namespace wf {

// Submits work that produces a value: `done` receives the value once it is
// committed, or the error. `done` runs on the writer thread, or inline when
// the writer refuses the work (queue full, stopping).
template <typename T, typename WorkFn, typename DoneFn>
void SubmitForResult(Writer& writer, WorkFn work, DoneFn done) {
  auto slot = std::make_shared<std::optional<Result<T>>>();
  auto shared_done = std::make_shared<DoneFn>(std::move(done));
  Status st = writer.Submit(
      [slot, work = std::move(work)](db::Database& db) -> Status {
        Result<T> r = work(db);
        Status s = r.ok() ? Status::Ok() : r.status();
        slot->emplace(std::move(r));
        return s;
      },
      [slot, shared_done](Status commit) {
        if (!commit.ok()) {
          (*shared_done)(Result<T>(std::move(commit)));
        } else {
          (*shared_done)(std::move(**slot));
        }
      });
  if (!st.ok()) (*shared_done)(Result<T>(std::move(st)));
}

// Synchronous form for the CLI and tests.
template <typename T, typename WorkFn>
Result<T> RunForResult(Writer& writer, WorkFn work) {
  std::optional<Result<T>> out;
  Status st = writer.Run([&](db::Database& db) -> Status {
    Result<T> r = work(db);
    Status s = r.ok() ? Status::Ok() : r.status();
    out.emplace(std::move(r));
    return s;
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

}  // namespace wf
