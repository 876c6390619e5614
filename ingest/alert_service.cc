#include "ingest/alert_service.h"

#include <fmt/format.h>

#include "core/json.h"
#include "ingest/fingerprint.h"

namespace wf::ingest {

Result<IngestResult> StoreAlert(db::Database& db, const NormalizedAlert& n,
                                const DeliveryMeta& meta, const AlertOptions& options,
                                int64_t now_ms) {
  std::string fingerprint = ComputeFingerprint(n);
  IngestResult result;
  WF_ASSIGN_OR_RETURN(std::optional<Alert> existing, FindByFingerprint(db, fingerprint));
  const bool duplicate = existing && existing->status != AlertStatus::kIgnored &&
                         existing->last_seen >= now_ms - options.dedup_window_ms;
  if (duplicate) {
    result.id = existing->id;
    result.created = false;
    result.occurrences = existing->occurrences + 1;
    result.case_id = existing->case_id;
    WF_RETURN_IF_ERROR(RecordOccurrence(db, existing->id, now_ms, n.raw_json));
    WF_RETURN_IF_ERROR(AddTags(db, existing->id, n.tags, now_ms));
  } else {
    Alert a;
    a.fingerprint = fingerprint;
    a.source_kind = n.source_kind;
    a.source = n.source;
    a.source_ref = n.source_ref;
    a.rule_name = n.rule_name;
    a.title = n.title;
    a.description = n.description;
    a.severity = n.severity;
    a.tlp = n.tlp;
    a.pap = n.pap;
    a.status = AlertStatus::kNew;
    a.first_seen = a.last_seen = now_ms;
    a.event_time = n.event_time;
    a.tags = n.tags;
    a.raw_first = n.raw_json;
    a.raw_latest = n.raw_json;
    a.created_at = a.updated_at = now_ms;
    WF_ASSIGN_OR_RETURN(result.id, InsertAlert(db, a));
    result.created = true;
  }
  for (const AlertObservable& o : n.observables) {
    WF_ASSIGN_OR_RETURN(auto link, observables::UpsertAndLink(db, o.type, o.value, o.ioc, "alert",
                                                              result.id, meta.actor, now_ms));
    (void)link;
  }
  DeliveryRecord d;
  d.alert_id = result.id;
  d.received_at = now_ms;
  d.remote_addr = meta.remote_addr;
  d.api_key_id = meta.api_key_id;
  d.payload_sha256 = meta.payload_sha256;
  d.bytes = meta.bytes;
  if (options.store_raw_deliveries) d.raw = meta.raw_body;
  WF_RETURN_IF_ERROR(InsertDelivery(db, d));
  return result;
}

AlertService::AlertService(Writer& writer, db::ReadPool& reads, const Clock& clock,
                           AlertOptions options)
    : writer_(writer), reads_(reads), clock_(clock), options_(options) {}

void AlertService::Ingest(std::vector<NormalizedAlert> alerts, DeliveryMeta meta,
                          std::function<void(Result<std::vector<IngestResult>>)> done) {
  const Clock* clock = &clock_;
  AlertOptions options = options_;
  SubmitForResult<std::vector<IngestResult>>(
      writer_,
      [alerts = std::move(alerts), meta = std::move(meta), options,
       clock](db::Database& db) -> Result<std::vector<IngestResult>> {
        // Read the clock on the writer thread: commit order and time agree.
        int64_t now = clock->NowMs();
        std::vector<IngestResult> results;
        results.reserve(alerts.size());
        for (const NormalizedAlert& a : alerts) {
          WF_ASSIGN_OR_RETURN(IngestResult r, StoreAlert(db, a, meta, options, now));
          results.push_back(r);
        }
        return results;
      },
      std::move(done));
}

Result<AlertPage> AlertService::List(AlertFilter filter) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  const int limit = filter.limit;
  filter.limit = limit + 1;  // one more tells whether a next page exists
  WF_ASSIGN_OR_RETURN(std::vector<Alert> rows, ListAlerts(lease.db(), filter));
  AlertPage page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(static_cast<size_t>(limit));
    page.next_before_id = rows.back().id;
  }
  page.alerts = std::move(rows);
  return page;
}

Result<AlertDetail> AlertService::Get(int64_t id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  AlertDetail d;
  WF_ASSIGN_OR_RETURN(d.alert, GetAlert(lease.db(), id, true));
  WF_ASSIGN_OR_RETURN(d.observables, observables::ListForObject(lease.db(), "alert", id));
  WF_ASSIGN_OR_RETURN(d.deliveries, CountDeliveries(lease.db(), id));
  return d;
}

void AlertService::Update(int64_t id, AlertPatch patch, const audit::Context& ctx,
                          std::function<void(Result<Alert>)> done) {
  if (patch.status && *patch.status != AlertStatus::kNew && *patch.status != AlertStatus::kIgnored) {
    return done(Status::Unprocessable(
        "status can be set to new or ignored here; promote or merge to import an alert"));
  }
  if (patch.tags) {
    for (const auto& t : *patch.tags) {
      if (!IsValidTag(t)) return done(Status::Unprocessable("tags must be 1 to 128 printable bytes"));
    }
  }
  const Clock* clock = &clock_;
  SubmitForResult<Alert>(
      writer_,
      [id, patch, ctx, clock](db::Database& db) -> Result<Alert> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Alert a, GetAlert(db, id, false));
        std::vector<std::pair<std::string, std::string>> changes;
        if (patch.status && *patch.status != a.status) {
          if (a.status == AlertStatus::kImported) {
            return Status::FailedPrecondition(fmt::format(
                "alert {} is imported into a case; its status follows the case", id));
          }
          changes.emplace_back("status", fmt::format("{} -> {}", AlertStatusName(a.status),
                                                     AlertStatusName(*patch.status)));
          a.status = *patch.status;
        }
        if (patch.severity && *patch.severity != a.severity) {
          changes.emplace_back("severity", fmt::format("{} -> {}", SeverityName(a.severity),
                                                       SeverityName(*patch.severity)));
          a.severity = *patch.severity;
        }
        WF_RETURN_IF_ERROR(UpdateStatusAndSeverity(db, id, a.status, a.severity, now));
        if (patch.tags && *patch.tags != a.tags) {
          std::string list;
          for (const auto& t : *patch.tags) list += (list.empty() ? "" : ",") + t;
          changes.emplace_back("tags", list);
          WF_RETURN_IF_ERROR(SetTags(db, id, *patch.tags, now));
          a.tags = *patch.tags;
        }
        a.updated_at = now;
        WF_RETURN_IF_ERROR(audit::Append(
            db, ctx, {"alert.update", "alert", std::to_string(id), json::Object(changes)}, now));
        return a;
      },
      std::move(done));
}

}  // namespace wf::ingest
