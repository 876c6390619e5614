#include "core/writer.h"

#include <future>

namespace wf {

Writer::Writer(std::unique_ptr<db::Database> db, WriterOptions options)
    : db_(std::move(db)), options_(options) {
  thread_ = std::thread([this] { Loop(); });
}

Writer::~Writer() { Stop(); }

Status Writer::Submit(Work work, Done done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("the server is shutting down");
    if (queue_.size() >= options_.queue_capacity) {
      ++stats_.rejected;
      return Status::Unavailable("write queue is full; retry shortly");
    }
    queue_.push_back(Unit{std::move(work), std::move(done)});
  }
  cv_.notify_one();
  return Status::Ok();
}

Status Writer::Run(Work work) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  WF_RETURN_IF_ERROR(
      Submit(std::move(work), [promise](Status st) { promise->set_value(std::move(st)); }));
  return future.get();
}

void Writer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mu_);
  WriterStats s = stats_;
  s.queue_depth = queue_.size();
  return s;
}

void Writer::Loop() {
  std::deque<Unit> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      // Group commit: give concurrent submitters a moment to join this batch,
      // but never wait once the batch is full or we are stopping.
      if (queue_.size() < options_.max_batch && options_.max_delay.count() > 0 && !stopping_) {
        auto deadline = std::chrono::steady_clock::now() + options_.max_delay;
        cv_.wait_until(lock, deadline,
                       [this] { return stopping_ || queue_.size() >= options_.max_batch; });
      }
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

namespace {

Status RunUnit(const Writer::Work& work, db::Database& db) {
  try {
    return work(db);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("write failed: ") + e.what());
  }
}

}  // namespace

// Runs the batch in one transaction. Fast path: the units one after another
// with no savepoint — a SAVEPOINT per unit costs a statement and makes FTS5
// flush its pending index data each time (a quarter of the writer's work in
// ingest profiles). Units rarely fail; when one does, the whole transaction
// is rolled back and the batch replayed with a savepoint per unit, so the
// failing unit rolls back alone and the others commit. Work functions may
// therefore run twice before their commit; they touch only the database.
Status Writer::RunTransaction(std::deque<Unit>& batch, std::vector<Status>& results, bool savepoints,
                              size_t& failed, bool& aborted) {
  failed = 0;
  aborted = false;
  // A statement left on a row holds an old WAL snapshot, and BEGIN
  // IMMEDIATE on a stale snapshot fails once anyone else has written.
  db_->ResetCachedStatements();
  db::Transaction tx(*db_);
  WF_RETURN_IF_ERROR(tx.Begin());
  for (size_t i = 0; i < batch.size(); ++i) {
    Status st;
    if (savepoints) {
      db::Savepoint sp(*db_);
      st = sp.Begin();
      if (st.ok()) st = RunUnit(batch[i].work, *db_);
      if (st.ok()) st = sp.Release();
    } else {
      st = RunUnit(batch[i].work, *db_);
    }
    const bool ok = st.ok();
    results[i] = std::move(st);
    if (!ok) {
      ++failed;
      if (!savepoints) {
        // Roll everything back (the transaction's destructor); a batch of
        // one is done — its unit's error is its result — a larger one is
        // replayed with savepoints.
        aborted = true;
        db_->ResetCachedStatements();
        return Status::Ok();
      }
    }
  }
  if (options_.before_commit) WF_RETURN_IF_ERROR(options_.before_commit(*db_));
  db_->ResetCachedStatements();
  return tx.Commit();
}

void Writer::RunBatch(std::deque<Unit>& batch) {
  std::vector<Status> results(batch.size());
  size_t failed = 0;
  auto commit_start = std::chrono::steady_clock::now();
  bool aborted = false;
  Status commit_status = RunTransaction(batch, results, false, failed, aborted);
  if (aborted && batch.size() > 1) {
    commit_status = RunTransaction(batch, results, true, failed, aborted);
  }
  auto commit_time = std::chrono::steady_clock::now() - commit_start;
  {
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.units += batch.size();
    stats_.failed_units += failed;
    if (!commit_status.ok()) ++stats_.failed_commits;
  }
  if (options_.on_batch) options_.on_batch(batch.size(), commit_time);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    batch[i].done(commit_status.ok() ? std::move(results[i]) : commit_status);
  }
}

}  // namespace wf
