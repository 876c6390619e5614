// Metrics: counters and histograms for GET /metrics in the Prometheus text
// exposition format (version 0.0.4). Label sets are small and fixed (routes,
// status codes, formats, outcomes), so series are kept in a map under a
// mutex; the hot path takes the lock once per request. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wf::api {

class Metrics {
 public:
  Metrics();

  void ObserveRequest(const std::string& method, const std::string& route, int status, double seconds);
  void CountIngest(const std::string& format, const std::string& outcome, int64_t n = 1);
  void ObserveBatch(size_t units, double commit_seconds);

  // Gauges computed at scrape time by the caller (queue depth, open cases...).
  struct Gauge {
    std::string name, help;
    std::vector<std::pair<std::string, double>> samples;  // label text ("" or `a="b"`), value
    std::string type = "gauge";  // or "counter" for totals kept elsewhere
  };
  // The whole exposition: counters, histograms, then `gauges`.
  std::string Render(const std::vector<Gauge>& gauges) const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative at render time; raw counts here
    uint64_t count = 0;
    double sum = 0;
  };
  void Observe(Histogram& h, const std::vector<double>& bounds, double v);
  static void RenderHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h, const std::vector<double>& bounds);

  mutable std::mutex mu_;
  std::vector<double> latency_bounds_, batch_bounds_, commit_bounds_;
  std::map<std::string, uint64_t> requests_;        // labels → count
  std::map<std::string, Histogram> request_seconds_;  // labels (method, route) → histogram
  std::map<std::string, uint64_t> ingest_;          // labels → count
  Histogram batch_units_, commit_seconds_;
};

// Escapes a Prometheus label value.
std::string PromLabel(const std::string& value);

}  // namespace wf::api
