#include "core/read_pool.h"

namespace wf::db {

ReadLease::~ReadLease() {
  if (pool_ && db_) pool_->Return(std::move(db_));
}

ReadPool::ReadPool(std::string path, OpenOptions options)
    : path_(std::move(path)), options_(options) {
  options_.read_only = true;
}

ReadPool::~ReadPool() = default;

Result<ReadLease> ReadPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return ReadLease(this, std::move(db));
    }
  }
  WF_ASSIGN_OR_RETURN(auto db, Database::Open(path_, options_));
  return ReadLease(this, std::move(db));
}

void ReadPool::Return(std::unique_ptr<Database> db) {
  db->ResetCachedStatements();
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(db));
}

}  // namespace wf::db
