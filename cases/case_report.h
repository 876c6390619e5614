// Case figures for GET /api/v1/reports/summary (definitions in docs/reports.md),
// computed by SQL over indexes for a period [from, to). Thread-safe (pure
// functions of the connection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "core/vocabulary.h"

namespace wf::cases {

struct DurationStats {
  int64_t count = 0;
  std::optional<double> mean_ms, p90_ms, median_ms;
};

struct SeverityFigures {
  Severity severity = Severity::kMedium;
  int64_t opened = 0;
  DurationStats time_to_ack, time_to_resolve;
  // Of the cases resolved in the period, how many within their SLA target.
  int64_t resolved = 0, resolved_within_sla = 0;
  int64_t acknowledged = 0, acknowledged_within_sla = 0;
};

struct AnalystFigures {
  std::string login;
  int64_t open_assigned = 0;      // now
  int64_t resolved = 0;           // in the period, by the assignee
  std::optional<double> median_resolve_ms;
};

struct CaseReport {
  int64_t opened = 0, resolved = 0, closed = 0;
  std::vector<SeverityFigures> by_severity;  // critical → low
  std::vector<std::pair<std::string, int64_t>> escalations_to_tier;  // "L2" → n
  std::vector<std::pair<std::string, int64_t>> resolutions;          // true_positive → n
  std::vector<AnalystFigures> analysts;
  std::vector<std::pair<std::string, int64_t>> top_tags;
};

Result<CaseReport> ComputeCaseReport(db::Database& db, int64_t from_ms, int64_t to_ms, int top_n);

// Every statement ComputeCaseReport runs (for EXPLAIN QUERY PLAN checks).
std::vector<std::string> CaseReportStatements();

}  // namespace wf::cases
