// Files that arrive with an alert (email attachments): written to the
// evidence store (cases/evidence_store.h) before the alert is committed,
// linked to the alert in alert_attachments (a table owned by ingest; its SQL
// is in alert_attachments.cc), and carried onto the case when the alert is
// promoted or merged. The database functions run on the writer thread inside
// the caller's transaction, or on a read connection for the reads.
// Free functions; thread-safe given distinct connections.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "core/status.h"
#include "ingest/alert.h"

namespace wf::ingest {

// Writes every attachment's bytes to the evidence store under `dir`, checks
// the parser's SHA-256, then drops the bytes (the writer needs only the
// metadata). Internal when the disk refuses; nothing is committed then.
Status WriteAttachmentFiles(const std::string& dir, std::vector<NormalizedAlert>& alerts);

// Records the blobs (`attachments` rows) and links each file to the alert,
// once per (sha256, filename): a re-delivered mail adds nothing twice.
Status LinkAttachments(db::Database& db, int64_t alert_id,
                       const std::vector<AlertAttachment>& attachments, int64_t now_ms);

// The alert's files, oldest first, with their sizes.
Result<std::vector<AlertAttachmentRecord>> ListAlertAttachments(db::Database& db, int64_t alert_id);

// The first alert file with this content, if any.
Result<std::optional<AlertAttachmentRecord>> FindAlertAttachment(db::Database& db,
                                                                 const std::string& sha256);

// Adds the alert's files to the case (case_attachments rows, by `actor`, and
// an "attachment_added" timeline event each), skipping those the case already
// has under the same name. Used by promote and merge, in their transaction.
Status CopyAttachmentsToCase(db::Database& db, int64_t alert_id, int64_t case_id,
                             const std::string& actor, int64_t now_ms);

}  // namespace wf::ingest
