// Report helpers for the bench programs: a plain-text table with aligned
// columns (what run.sh prints and docs/benchmarks.md quotes), number
// formatting, and facts about the machine a figure was measured on (load
// average, memory, CPU), read from /proc.
//
// Table is a value type, not synchronised; the /proc readers are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wf::bench {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);
  // Columns padded to the widest cell, numbers right-aligned, one header rule.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// 12345.6 → "12,346"; for rates and counts.
std::string Thousands(double value);
// Fixed decimals: Fixed(1.2345, 2) → "1.23".
std::string Fixed(double value, int decimals);

// Appends one tab-separated line to `path` (nothing when `path` is empty):
// how the bench programs hand their figures to run.sh's combined table.
void AppendSummary(const std::string& path, const std::vector<std::string>& fields);

// "1.38 1.31 2.94": the 1, 5 and 15 minute load averages (/proc/loadavg).
std::string LoadAverage();
// The 1-minute load average as a number; -1 when unreadable.
double LoadAverage1();
// A field of /proc/self/status in KiB ("VmRSS", "VmHWM", "RssAnon", "RssFile");
// -1 when absent.
int64_t ProcStatusKib(const std::string& field);
// "AMD EPYC", from /proc/cpuinfo; "unknown" when absent.
std::string CpuModel();
// MemTotal from /proc/meminfo in KiB; -1 when absent.
int64_t MemTotalKib();
// CPU time (user + system) this process used so far, all threads, in seconds.
double ProcessCpuSeconds();
// The size of a file in bytes; 0 when it does not exist.
int64_t FileBytes(const std::string& path);

}  // namespace wf::bench
