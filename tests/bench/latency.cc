#include "tests/bench/latency.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace wf::bench {

void LatencyStats::Add(std::chrono::nanoseconds sample) {
  samples_ns_.push_back(sample.count());
  sorted_ = false;
}

void LatencyStats::AddRepeated(std::chrono::nanoseconds sample, size_t n) {
  samples_ns_.insert(samples_ns_.end(), n, sample.count());
  sorted_ = false;
}

void LatencyStats::Merge(const LatencyStats& other) {
  samples_ns_.insert(samples_ns_.end(), other.samples_ns_.begin(), other.samples_ns_.end());
  sorted_ = false;
}

void LatencyStats::Sort() const {
  if (!sorted_) {
    std::sort(samples_ns_.begin(), samples_ns_.end());
    sorted_ = true;
  }
}

double LatencyStats::PercentileMs(double q) const {
  if (samples_ns_.empty()) {
    return 0;
  }
  Sort();
  // Nearest rank: the smallest sample with at least q of the samples at or below it.
  const double rank = std::ceil(q * static_cast<double>(samples_ns_.size()));
  const size_t index = rank < 1 ? 0 : std::min(samples_ns_.size(), static_cast<size_t>(rank)) - 1;
  return static_cast<double>(samples_ns_[index]) / 1e6;
}

double LatencyStats::MaxMs() const {
  if (samples_ns_.empty()) {
    return 0;
  }
  return static_cast<double>(*std::max_element(samples_ns_.begin(), samples_ns_.end())) / 1e6;
}

double LatencyStats::MeanMs() const {
  if (samples_ns_.empty()) {
    return 0;
  }
  const long double sum = std::accumulate(samples_ns_.begin(), samples_ns_.end(), 0.0L);
  return static_cast<double>(sum / static_cast<long double>(samples_ns_.size())) / 1e6;
}

}  // namespace wf::bench
