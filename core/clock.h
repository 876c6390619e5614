// Clock: the time source, injectable so tests control SLA and dedup windows.
// SystemClock reads the real UTC clock; ManualClock is set by tests. Both are
// thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace wf {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void Set(int64_t now_ms) { now_ms_.store(now_ms); }
  void Advance(int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

// RFC 3339 UTC text with milliseconds: "2026-11-23T09:01:25.123Z".
std::string FormatRfc3339(int64_t epoch_ms);

// Parses RFC 3339 / ISO 8601 timestamps as SIEMs send them: "Z" or a numeric
// offset ("+00:00", "+0000"), any number of fractional digits (kept to ms),
// and "T" or a space between date and time. Returns false on anything else.
bool ParseRfc3339(std::string_view text, int64_t* epoch_ms);

}  // namespace wf
