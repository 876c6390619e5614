// The storage ceiling of the ingest benchmark: the same alerts written
// straight through ingest::StoreAlert (alert, tags, delivery, observables and
// links: the rows the server writes) on a raw db::Database — WAL,
// synchronous=FULL as the wrapper opens it — in batches, one transaction per
// batch. No HTTP, no writer thread, no savepoints: what the disk and SQLite
// allow at most.
//
// Only the transactions are timed; parsing and hashing the bodies (I/O-thread
// work in the server) happen outside the clock.
// Thread safety: RunStorageCeiling blocks the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "ingest/routing.h"
#include "tests/bench/latency.h"
#include "tests/bench/load_client.h"

namespace wf::bench {

struct StorageCeilingOptions {
  std::string db_path;                        // created and migrated
  size_t batch = 512;                         // alerts per transaction
  std::chrono::milliseconds duration{10000};  // of timed storage work
  int64_t count = 0;                          // when > 0, this many alerts instead
  int rules = 0;                              // routing rules evaluated on every new alert (BenchRules)
};

struct StorageCeilingResult {
  int64_t alerts = 0;
  int64_t created = 0;
  int64_t duplicates = 0;
  int64_t batches = 0;
  double seconds = 0;    // inside transactions
  LatencyStats latency;  // per alert: the time of the transaction it was in

  double AlertsPerSecond() const { return seconds > 0 ? static_cast<double>(alerts) / seconds : 0; }
};

// `n` routing rules shaped like a SOC's (issue 8): regexes on rule names,
// text searches, source prefixes with severity, tag and observable-type
// tests, negations — none matching the generated alerts — and, as the last
// one, a rule matching every alert that adds a tag (so every alert also pays
// for one matched rule: its audit record and counter).
std::vector<ingest::routing::Rule> BenchRules(int n);

Result<StorageCeilingResult> RunStorageCeiling(const StorageCeilingOptions& options,
                                               const BodySource& next_body);

}  // namespace wf::bench
