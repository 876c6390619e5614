#include "api/metrics.h"

#include <cmath>

#include <fmt/format.h>

namespace wf::api {

std::string PromLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Metrics::Metrics()
    : latency_bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
      batch_bounds_{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024},
      commit_bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1} {
  batch_units_.buckets.assign(batch_bounds_.size(), 0);
  commit_seconds_.buckets.assign(commit_bounds_.size(), 0);
}

void Metrics::Observe(Histogram& h, const std::vector<double>& bounds, double v) {
  if (h.buckets.size() != bounds.size()) h.buckets.assign(bounds.size(), 0);
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (v <= bounds[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += v;
}

void Metrics::ObserveRequest(const std::string& method, const std::string& route, int status,
                             double seconds) {
  std::string base = fmt::format("method=\"{}\",route=\"{}\"", PromLabel(method), PromLabel(route));
  std::string with_code = fmt::format("{},code=\"{}\"", base, status);
  std::lock_guard lock(mu_);
  ++requests_[with_code];
  Observe(request_seconds_[base], latency_bounds_, seconds);
}

void Metrics::CountIngest(const std::string& format, const std::string& outcome, int64_t n) {
  std::string labels = fmt::format("format=\"{}\",outcome=\"{}\"", PromLabel(format), PromLabel(outcome));
  std::lock_guard lock(mu_);
  ingest_[labels] += static_cast<uint64_t>(n);
}

void Metrics::ObserveBatch(size_t units, double commit_seconds) {
  std::lock_guard lock(mu_);
  Observe(batch_units_, batch_bounds_, static_cast<double>(units));
  Observe(commit_seconds_, commit_bounds_, commit_seconds);
}

void Metrics::RenderHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h, const std::vector<double>& bounds) {
  uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += i < h.buckets.size() ? h.buckets[i] : 0;
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds[i], cumulative);
  }
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, h.count);
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n", name, braces, h.sum);
  out += fmt::format("{}_count{} {}\n", name, braces, h.count);
}

std::string Metrics::Render(const std::vector<Gauge>& gauges) const {
  std::string out;
  std::lock_guard lock(mu_);
  out += "# HELP watchfloor_http_requests_total HTTP requests answered, by route pattern and status code.\n";
  out += "# TYPE watchfloor_http_requests_total counter\n";
  for (const auto& [labels, n] : requests_) out += fmt::format("watchfloor_http_requests_total{{{}}} {}\n", labels, n);
  out += "# HELP watchfloor_http_request_duration_seconds Time from request parsed to response handed to the socket.\n";
  out += "# TYPE watchfloor_http_request_duration_seconds histogram\n";
  for (const auto& [labels, h] : request_seconds_) {
    RenderHistogram(out, "watchfloor_http_request_duration_seconds", labels, h, latency_bounds_);
  }
  out += "# HELP watchfloor_ingest_alerts_total Alerts received, by sender format and outcome.\n";
  out += "# TYPE watchfloor_ingest_alerts_total counter\n";
  for (const auto& [labels, n] : ingest_) out += fmt::format("watchfloor_ingest_alerts_total{{{}}} {}\n", labels, n);
  out += "# HELP watchfloor_writer_batch_units Units of work committed per group commit.\n";
  out += "# TYPE watchfloor_writer_batch_units histogram\n";
  RenderHistogram(out, "watchfloor_writer_batch_units", "", batch_units_, batch_bounds_);
  out += "# HELP watchfloor_writer_commit_seconds Time to run and commit one group commit.\n";
  out += "# TYPE watchfloor_writer_commit_seconds histogram\n";
  RenderHistogram(out, "watchfloor_writer_commit_seconds", "", commit_seconds_, commit_bounds_);
  for (const auto& g : gauges) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", g.name, g.help, g.name, g.type);
    for (const auto& [labels, v] : g.samples) {
      std::string braces = labels.empty() ? "" : "{" + labels + "}";
      out += fmt::format("{}{} {}\n", g.name, braces, std::isfinite(v) ? v : 0.0);
    }
  }
  return out;
}

}  // namespace wf::api
