// SplitMix64 for the benchmarks' synthetic data: tiny, fast, good enough, and
// fixed across platforms (unlike std:: distributions), so a seed gives the
// same data everywhere.
#pragma once

#include <cstdint>

namespace wf::bench {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); 0 when n is 0 (or negative).
  uint64_t Below(uint64_t n) { return n ? Next() % n : 0; }
  int64_t Below(int64_t n) { return n > 0 ? static_cast<int64_t>(Next() % static_cast<uint64_t>(n)) : 0; }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

 private:
  uint64_t state_;
};

}  // namespace wf::bench
