#include "core/checkpointer.h"

#include "core/log.h"

namespace wf::db {

Checkpointer::Checkpointer(std::string path, std::chrono::milliseconds interval)
    : path_(std::move(path)), interval_(interval) {}

Checkpointer::~Checkpointer() { Stop(); }

Status Checkpointer::Start() {
  if (thread_.joinable()) return Status::Ok();
  OpenOptions o;
  o.cache_size_kib = 512;  // it reads WAL frames, not the database: a small cache does
  o.mmap_size = 0;
  WF_ASSIGN_OR_RETURN(db_, Database::Open(path_, o));
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void Checkpointer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t Checkpointer::passes() const {
  std::lock_guard lock(mu_);
  return passes_;
}

void Checkpointer::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Status st = db_->Checkpoint();
    if (!st.ok()) log::Event(log::Level::kWarn, "db.checkpoint_failed", {{"error", st.message()}});
    lock.lock();
    ++passes_;
  }
}

}  // namespace wf::db
