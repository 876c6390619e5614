// Alert figures for GET /api/v1/reports/summary (definitions in
// docs/reports.md), by SQL over indexes for a period [from, to): each
// statement reads the period's entries of a covering index (migration 7), and
// SQL groups them; the groups are folded into the tables. Thread-safe (a pure
// function of the connection).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/sqlite.h"

namespace wf::ingest {

using Counts = std::vector<std::pair<std::string, int64_t>>;

struct AlertReport {
  int64_t alerts = 0;          // alerts created in the period
  int64_t deliveries = 0;      // webhook deliveries received in the period
  int64_t duplicates_suppressed = 0;  // deliveries that did not create an alert
  int64_t promoted = 0;        // of the period's alerts, imported into a case
  int64_t ignored = 0;
  int64_t suppressed = 0;      // of those ignored, by a routing rule (suppression)
  Counts suppressed_by_rule;   // rule name (or "rule #N" once deleted) → alerts
  Counts by_source, by_severity, by_day, by_format, top_rules, top_tags, top_observables, mitre_techniques;
};

Result<AlertReport> ComputeAlertReport(db::Database& db, int64_t from_ms, int64_t to_ms, int top_n);

// Every statement ComputeAlertReport runs (for EXPLAIN QUERY PLAN checks).
std::vector<std::string> AlertReportStatements();

}  // namespace wf::ingest
