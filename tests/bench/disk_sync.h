// How long the disk takes to make a small write durable: the floor under
// every group commit (SQLite in WAL mode with synchronous=FULL ends each
// commit with an fdatasync of the WAL). Measured in the run itself, because
// on a shared virtual disk it changes from minute to minute.
// Thread safety: blocks the calling thread; no shared state.
#pragma once

#include <string>

#include "core/status.h"
#include "tests/bench/latency.h"

namespace wf::bench {

// `count` times: write 4 KiB at the end of a scratch file in `dir`, then
// fdatasync it. The file is removed afterwards.
Result<LatencyStats> MeasureSyncLatency(const std::string& dir, int count);

}  // namespace wf::bench
