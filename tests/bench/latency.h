// LatencyStats: the latency samples of one benchmark path, summarised as
// percentiles. Every sample is kept (a run has at most a few million), so the
// percentiles are exact rather than bucketed.
//
// A value type; not synchronised: one per thread, combined with Merge().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wf::bench {

class LatencyStats {
 public:
  void Add(std::chrono::nanoseconds sample);
  // `n` samples of the same value (every alert of one committed batch).
  void AddRepeated(std::chrono::nanoseconds sample, size_t n);
  void Merge(const LatencyStats& other);

  size_t count() const { return samples_ns_.size(); }
  // The q-quantile (q in [0, 1], nearest rank) in milliseconds; 0 when empty.
  double PercentileMs(double q) const;
  double MaxMs() const;
  double MeanMs() const;

 private:
  void Sort() const;

  mutable std::vector<int64_t> samples_ns_;
  mutable bool sorted_ = true;
};

}  // namespace wf::bench
