// Alert domain types: what a sender's payload becomes (NormalizedAlert) and
// what the queue stores (Alert). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/vocabulary.h"
#include "observables/observable_type.h"

namespace wf::ingest {

enum class AlertStatus { kNew, kUpdated, kIgnored, kImported };
std::string_view AlertStatusName(AlertStatus s);
std::optional<AlertStatus> ParseAlertStatus(std::string_view name);

struct AlertObservable {
  observables::ObservableType type = observables::ObservableType::kOther;
  std::string value;  // normalised
  bool ioc = false;
  std::vector<std::string> tags;
};

// A file that arrived with an alert (an email attachment). The parser fills
// the bytes and their SHA-256; AlertService::Ingest writes them to the
// evidence store (cases/evidence_store.h) and drops them before the alert
// goes to the writer, which only links (sha256, filename, content type).
struct AlertAttachment {
  std::string filename;      // safe to store (cases::SafeFilename)
  std::string content_type;  // "application/pdf"
  std::string sha256;        // lowercase hex of `data`
  int64_t size = 0;
  std::string data;
};

// One alert as a format normaliser produced it, before deduplication.
struct NormalizedAlert {
  std::string source_kind;  // the format: "generic", "elastic", ...
  std::string source;       // the sending system or instance
  std::string source_ref;   // the sender's stable id of the alert, if any
  std::string rule_name;
  std::string title;
  std::string description;
  Severity severity = Severity::kMedium;
  Tlp tlp = Tlp::kAmber;
  Pap pap = Pap::kAmber;
  std::optional<int64_t> event_time;  // ms
  std::vector<std::string> tags;
  std::vector<AlertObservable> observables;
  // The sender's own dedup identity when it has one (generic "fingerprint",
  // per-format rules); hashed with source_kind and source into the stored
  // fingerprint. Empty: derived from source_ref, else rule and observables.
  std::string dedup_key;
  std::string raw_json;  // this alert's part of the payload, as JSON text
  // The sender says the condition cleared (Grafana/Alertmanager "resolved"):
  // it updates a live alert with the same fingerprint and never opens one.
  bool resolved = false;
  // Files carried by the alert (the email channel only), linked in alert_attachments.
  std::vector<AlertAttachment> attachments;
};

// A row of alert_attachments with the file's size (GET /alerts/{id}).
struct AlertAttachmentRecord {
  int64_t id = 0;
  int64_t alert_id = 0;
  std::string sha256, filename, content_type;
  int64_t size = 0;
  int64_t created_at = 0;
};

// A stored alert (SPEC 3).
struct Alert {
  int64_t id = 0;
  std::string fingerprint;
  std::string source_kind, source, source_ref, rule_name, title, description;
  Severity severity = Severity::kMedium;
  Tlp tlp = Tlp::kAmber;
  Pap pap = Pap::kAmber;
  AlertStatus status = AlertStatus::kNew;
  std::optional<int64_t> case_id;
  int64_t occurrences = 1;
  int64_t first_seen = 0, last_seen = 0;
  std::optional<int64_t> event_time;
  std::vector<std::string> tags;
  int64_t created_at = 0, updated_at = 0;
  // Set by routing rules (issue 8): who or which tier the alert is routed
  // to, and why and by which rule it was ignored (suppression).
  std::optional<std::string> assignee;
  std::optional<int64_t> tier;
  std::optional<std::string> ignore_reason;
  std::optional<int64_t> suppressed_by;
  std::optional<std::string> raw_first, raw_latest;  // filled on detail reads only
};

// Tag rules shared by every way a tag arrives: 1–128 bytes, no control characters.
bool IsValidTag(std::string_view tag);

}  // namespace wf::ingest
