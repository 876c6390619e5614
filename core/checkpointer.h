// Checkpointer: moves WAL checkpoints off the writer thread (issue 6). By
// default SQLite checkpoints inside the COMMIT that crosses 1,000 WAL pages,
// so one group commit in a few dozen also copies pages into the database file
// and fsyncs it while every waiting request waits. The server turns that off
// on the write connection (wal_autocheckpoint = `writer_fallback_pages`, a
// safety net far above normal) and runs PASSIVE checkpoints here, on a
// connection and thread of their own, every `interval`. PASSIVE never waits
// for readers or the writer; frames a reader still needs are copied on a
// later pass.
// Thread safety: Start/Stop from one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/sqlite.h"

namespace wf::db {

class Checkpointer {
 public:
  static constexpr int64_t kWriterFallbackPages = 50000;  // ~200 MB of WAL at 4 KiB pages

  Checkpointer(std::string path, std::chrono::milliseconds interval);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  Status Start();
  void Stop();
  uint64_t passes() const;

 private:
  void Loop();

  std::string path_;
  std::chrono::milliseconds interval_;
  std::unique_ptr<Database> db_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace wf::db
