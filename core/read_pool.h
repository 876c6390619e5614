// ReadPool: read-only connections for request threads (WAL lets them read
// beside the writer). A lease hands one connection to one thread and returns
// it to the pool when destroyed; connections are created on demand and kept.
//
// Thread safety: Acquire() may be called from any thread; a lease and its
// connection belong to the thread holding it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/sqlite.h"

namespace wf::db {

class ReadPool;

class ReadLease {
 public:
  ReadLease(ReadPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
  ~ReadLease();
  ReadLease(ReadLease&&) = default;
  ReadLease& operator=(ReadLease&&) = delete;
  ReadLease(const ReadLease&) = delete;
  ReadLease& operator=(const ReadLease&) = delete;

  Database& db() { return *db_; }
  Database* operator->() { return db_.get(); }

 private:
  ReadPool* pool_;
  std::unique_ptr<Database> db_;
};

class ReadPool {
 public:
  explicit ReadPool(std::string path, OpenOptions options = {});
  ~ReadPool();
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  Result<ReadLease> Acquire();

 private:
  friend class ReadLease;
  void Return(std::unique_ptr<Database> db);

  std::string path_;
  OpenOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace wf::db
