// AlertService: the alert queue. Ingests normalised alerts with
// deduplication (SPEC 5), records every delivery, links observables, and
// serves the queue's reads and triage updates.
//
// Ingest is accounted for by alert_deliveries rows in the same transaction
// (no audit row per delivery); analyst changes write an audit record.
// Thread safety: all methods may be called from any thread; callbacks run on
// the writer thread (or inline when rejected before any write).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/read_pool.h"
#include "core/writer.h"
#include "ingest/alert.h"
#include "cases/case_service.h"
#include "ingest/alert_report.h"
#include "ingest/alert_store.h"
#include "ingest/routing.h"
#include "observables/observable_store.h"

namespace wf::ingest {

struct AlertOptions {
  int64_t dedup_window_ms = 24LL * 3600 * 1000;
  bool store_raw_deliveries = false;
};

struct DeliveryMeta {
  std::string remote_addr;
  std::optional<int64_t> api_key_id;
  std::string actor;           // "apikey:3:splunk", for observable links
  std::string payload_sha256;  // of the whole body
  int64_t bytes = 0;
  std::string raw_body;        // kept only when store_raw_deliveries
};

// What a delivery did: created an alert, folded into one (duplicate), marked
// one resolved (the sender's "resolved" notification), or nothing (a
// resolution for an alert we do not have: it opens nothing).
enum class IngestOutcome { kCreated, kDuplicate, kResolved, kSkipped };
std::string_view IngestOutcomeName(IngestOutcome o);  // "created", "duplicate", "resolved", "skipped"

struct IngestResult {
  int64_t id = 0;  // 0 when skipped
  bool created = false;  // false: folded into an existing alert as a duplicate
  IngestOutcome outcome = IngestOutcome::kCreated;
  int64_t occurrences = 1;
  std::optional<int64_t> case_id;
};

struct AlertPage {
  std::vector<Alert> alerts;
  std::optional<int64_t> next_before_id;  // cursor for the next page
};

struct AlertDetail {
  Alert alert;
  std::vector<observables::ObservableRecord> observables;
  // Parallel to `observables`: in how many cases each was seen ("seen in N cases").
  std::vector<int64_t> observable_case_counts;
  int64_t deliveries = 0;
  std::vector<AlertAttachmentRecord> attachments;  // files that came with it (email)
};

struct AlertPatch {
  std::optional<AlertStatus> status;  // only new/ignored by hand
  std::optional<Severity> severity;
  std::optional<std::vector<std::string>> tags;
};

struct PromoteRequest {
  std::string template_name;
  std::optional<std::string> title;
  std::optional<std::string> assignee;
  int tier = 1;  // routing rules may open the case at a higher tier
};

struct BulkRequest {
  std::vector<int64_t> ids;
  std::string action;  // ignore | promote | merge
  std::string case_ref;  // merge
  std::string template_name;  // promote
};

struct BulkItem {
  int64_t alert_id = 0;
  std::string status;  // the alert's status afterwards
  std::optional<cases::Case> c;
};

class AlertService {
 public:
  AlertService(Writer& writer, db::ReadPool& reads, const Clock& clock, AlertOptions options = {},
               cases::CaseOptions case_options = {});

  // All alerts of one delivery in one transaction: all stored, or none.
  void Ingest(std::vector<NormalizedAlert> alerts, DeliveryMeta meta,
              std::function<void(Result<std::vector<IngestResult>>)> done);

  Result<AlertPage> List(AlertFilter filter);
  Result<AlertDetail> Get(int64_t id);
  // An alert's file by content (GET /attachments/{sha256} for evidence that
  // came with an alert): its path in the evidence store and its record.
  // NotFound when no alert carries it.
  Result<std::pair<std::string, AlertAttachmentRecord>> OpenAttachment(const std::string& sha256);
  Result<std::vector<SearchHit>> Search(const std::string& q, int limit);
  Result<AlertReport> Report(int64_t from_ms, int64_t to_ms, int top_n);
  // The alert row alone (no raw payloads, observables or deliveries).
  Result<Alert> Summary(int64_t id);
  // Triage by hand: status (new ↔ ignored; imported alerts are left to cases),
  // severity, tags. Unprocessable for a status change the queue does not allow.
  void Update(int64_t id, AlertPatch patch, const audit::Context& ctx,
              std::function<void(Result<Alert>)> done);

  // Promotes an alert to a new case (SPEC 5): title, description, severity,
  // tags, TLP/PAP and every observable carried over; the alert becomes
  // `imported`. FailedPrecondition (409) when it is already imported.
  void Promote(int64_t id, PromoteRequest req, cases::Actor actor, std::function<void(Result<cases::Case>)> done);
  // Adds an alert (and its observables) to an existing case.
  void Merge(int64_t id, std::string case_ref, cases::Actor actor, std::function<void(Result<cases::Case>)> done);
  // All-or-nothing triage of several alerts: ignore, promote (a case each) or merge.
  void Bulk(BulkRequest req, cases::Actor actor, std::function<void(Result<std::vector<BulkItem>>)> done);

  const AlertOptions& options() const { return options_; }
  // The routing rules applied to new alerts (loaded by ServerApp, replaced by RoutingService).
  routing::RuleBook& rules() { return rules_; }
  const cases::CaseOptions& case_options() const { return case_options_; }

 private:
  Writer& writer_;
  db::ReadPool& reads_;
  const Clock& clock_;
  AlertOptions options_;
  cases::CaseOptions case_options_;
  routing::RuleBook rules_;
};

// Routing applied by StoreAlert to a new alert (none when `rules` is null).
struct RoutingContext {
  const routing::RuleSet* rules = nullptr;
  const cases::CaseOptions* case_options = nullptr;
};

// Stores one normalised alert with deduplication, and runs the routing rules
// on a new one; runs inside the caller's transaction on the writer thread.
// Exposed for the bench seeder and tests.
Result<IngestResult> StoreAlert(db::Database& db, const NormalizedAlert& alert,
                                const DeliveryMeta& meta, const AlertOptions& options,
                                int64_t now_ms, const RoutingContext& routing = {});

}  // namespace wf::ingest
