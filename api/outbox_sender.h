// OutboxSender: delivers the outbox (core/outbox.h) to the configured webhook
// URLs as HTTP POSTs of the message's JSON payload, on its own thread, with
// exponential backoff on failure. At-least-once: a message is marked
// delivered only after every URL answered 2xx, so a crash or restart in
// between re-sends it. Plain http:// URLs; receivers behind TLS take it
// through a local proxy (documented). Beast is used only in the .cc.
// Thread safety: Start/Stop from one thread; Kick from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/read_pool.h"
#include "core/writer.h"

namespace wf::api {

struct OutboxOptions {
  std::vector<std::string> urls;  // http://host[:port]/path
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds timeout{5000};
};

class OutboxSender {
 public:
  OutboxSender(OutboxOptions options, Writer& writer, db::ReadPool& reads, const Clock& clock);
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  void Start();
  void Stop();
  // Delivers what is due now (also used by tests for a deterministic pass).
  // Returns how many messages were delivered.
  int DeliverDue();

 private:
  void Loop();

  OutboxOptions options_;
  Writer& writer_;
  db::ReadPool& reads_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::mutex deliver_mu_;  // one delivery pass at a time
};

// Splits "a,b , c" into URLs; InvalidArgument for one that is not http://host[:port][/path].
Result<std::vector<std::string>> ParseWebhookUrls(const std::string& list);

}  // namespace wf::api
