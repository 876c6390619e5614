// SQL for alerts, alert_tags and alert_deliveries (tables owned by ingest).
// Functions take the connection explicitly; writes run on the writer thread
// inside the caller's transaction. Implemented in sqlite_alert_store.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/search_hit.h"
#include "core/sqlite.h"
#include "ingest/alert.h"

namespace wf::ingest {

struct AlertFilter {
  std::vector<AlertStatus> statuses;  // any of them; empty = all
  std::optional<Severity> severity;   // exactly
  std::optional<std::string> source, source_kind, tag;
  std::optional<std::string> q;       // FTS5 query over title and description
  std::optional<int64_t> since, until;  // first_seen in [since, until)
  std::optional<int64_t> before_id;     // cursor: alerts with id below this
  int limit = 50;
};

struct DeliveryRecord {
  int64_t alert_id = 0;
  int64_t received_at = 0;
  std::string remote_addr;
  std::optional<int64_t> api_key_id;
  std::string payload_sha256;
  int64_t bytes = 0;
  std::optional<std::string> raw;
};

// The newest alert with this fingerprint, if any.
Result<std::optional<Alert>> FindByFingerprint(db::Database& db, const std::string& fingerprint);
Result<int64_t> InsertAlert(db::Database& db, const Alert& alert);
// Counts a re-delivery: occurrences + 1, last_seen, raw_latest, and `new` → `updated`.
Status RecordOccurrence(db::Database& db, int64_t id, int64_t now_ms, const std::string& raw_latest);
// Adds tags not already present (alert_tags and the alert's tag list).
Status AddTags(db::Database& db, int64_t id, const std::vector<std::string>& tags, int64_t now_ms);
Status SetTags(db::Database& db, int64_t id, const std::vector<std::string>& tags, int64_t now_ms);
Status UpdateStatusAndSeverity(db::Database& db, int64_t id, AlertStatus status, Severity severity,
                               int64_t now_ms);
// Marks the alert imported into `case_id`.
Status SetImported(db::Database& db, int64_t id, int64_t case_id, int64_t now_ms);
// Ignored by a routing rule, with its reason (suppression).
Status SetIgnoredByRule(db::Database& db, int64_t id, const std::string& reason, int64_t rule_id,
                        int64_t now_ms);
// Records that the sender reported the condition cleared.
Status SetResolvedAt(db::Database& db, int64_t id, int64_t now_ms);
Status InsertDelivery(db::Database& db, const DeliveryRecord& delivery);
// Adds the alerts stored since the last call to the full-text index, in one
// statement. Every transaction that inserts alerts runs it before COMMIT (the
// server's writer does, as its before-commit step); until then new alerts are
// not searchable. Cheap when there is nothing new.
Status IndexNewAlerts(db::Database& db);

Result<Alert> GetAlert(db::Database& db, int64_t id, bool with_raw);  // NotFound
// The SQL and arguments ListAlerts runs (for EXPLAIN QUERY PLAN checks).
db::BuiltQuery BuildListAlertsQuery(const AlertFilter& filter);
// Newest first. InvalidArgument when `q` is not a valid FTS5 query.
Result<std::vector<Alert>> ListAlerts(db::Database& db, const AlertFilter& filter);
Result<int64_t> CountDeliveries(db::Database& db, int64_t alert_id);
// FTS5 over titles and descriptions: the best `limit` by bm25 among the newest
// kSearchWindow matches (core/search.h), best first; InvalidArgument on bad syntax.
Result<std::vector<SearchHit>> SearchAlerts(db::Database& db, const std::string& q, int limit);

}  // namespace wf::ingest
