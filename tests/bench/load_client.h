// LoadClient: an HTTP/1.1 load generator posting bodies over N keep-alive
// connections, all driven by one thread (Beast, asynchronous) so that on a
// small machine the generator takes as little CPU from the server as possible.
//
// Two modes:
//  - closed loop (rate 0): every connection sends its next request as soon as
//    the previous answer arrived; measures the most the server acknowledges.
//  - fixed rate: requests are due at a constant rate and go out on the next
//    free connection. Latency is measured from when a request was due, not
//    when it was sent, so a stalled server is not hidden by the generator
//    waiting politely (no coordinated omission).
//
// Thread safety: RunLoad blocks the calling thread; `next_body` is called on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/bench/latency.h"

namespace wf::bench {

struct LoadTarget {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string path = "/api/v1/ingest/generic";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Authorization
};

struct LoadOptions {
  int connections = 64;
  double rate = 0;                            // requests per second; 0 = closed loop
  std::chrono::milliseconds duration{10000};  // measured time, after the warm-up
  std::chrono::milliseconds warmup{1000};     // sent but left out of the figures
  int64_t count = 0;  // when > 0, stop after this many requests instead (no warm-up)
};

struct LoadResult {
  int64_t sent = 0;
  int64_t acknowledged = 0;  // 2xx
  int64_t rejected = 0;      // 503 (back-pressure)
  int64_t failed = 0;        // any other status, or an I/O error
  int64_t not_sent = 0;      // fixed rate: due but no connection was free before the end
  // The measured window: requests due after the warm-up, until the last answer.
  int64_t measured_acknowledged = 0;
  double measured_seconds = 0;
  LatencyStats latency;  // of acknowledged requests in the measured window
  std::map<int, int64_t> statuses;
  std::string first_error;  // the first unexpected answer or I/O error, for the report

  double AcknowledgedPerSecond() const {
    return measured_seconds > 0 ? static_cast<double>(measured_acknowledged) / measured_seconds : 0;
  }
};

// Returns the body of the next request.
using BodySource = std::function<std::string()>;

LoadResult RunLoad(const LoadTarget& target, const LoadOptions& options,
                   const BodySource& next_body);

}  // namespace wf::bench
