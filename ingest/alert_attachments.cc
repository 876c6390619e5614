#include "ingest/alert_attachments.h"

#include <fmt/format.h>

#include "cases/case_store.h"
#include "cases/evidence_store.h"
#include "core/json.h"

namespace wf::ingest {

namespace {

constexpr char kLinkSql[] =
    "INSERT INTO alert_attachments (alert_id, sha256, filename, content_type, created_at) "
    "SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM alert_attachments "
    "WHERE alert_id = ? AND sha256 = ? AND filename = ?)";
constexpr char kListSql[] =
    "SELECT aa.id, aa.alert_id, aa.sha256, aa.filename, aa.content_type, a.size, aa.created_at "
    "FROM alert_attachments aa JOIN attachments a ON a.sha256 = aa.sha256 "
    "WHERE aa.alert_id = ? ORDER BY aa.id";
constexpr char kFindSql[] =
    "SELECT aa.id, aa.alert_id, aa.sha256, aa.filename, aa.content_type, a.size, aa.created_at "
    "FROM alert_attachments aa JOIN attachments a ON a.sha256 = aa.sha256 "
    "WHERE aa.sha256 = ? ORDER BY aa.id LIMIT 1";

AlertAttachmentRecord ReadRecord(const db::Statement& st) {
  AlertAttachmentRecord r;
  r.id = st.Int64(0);
  r.alert_id = st.Int64(1);
  r.sha256 = st.Text(2);
  r.filename = st.Text(3);
  r.content_type = st.Text(4);
  r.size = st.Int64(5);
  r.created_at = st.Int64(6);
  return r;
}

}  // namespace

Status WriteAttachmentFiles(const std::string& dir, std::vector<NormalizedAlert>& alerts) {
  for (NormalizedAlert& n : alerts) {
    for (AlertAttachment& a : n.attachments) {
      WF_ASSIGN_OR_RETURN(std::string sha, cases::StoreEvidenceFile(dir, a.data));
      if (sha != a.sha256 || static_cast<int64_t>(a.data.size()) != a.size) {
        return Status::Internal(fmt::format("attachment {}: digest or size mismatch", a.filename));
      }
      std::string().swap(a.data);
    }
  }
  return Status::Ok();
}

Status LinkAttachments(db::Database& db, int64_t alert_id,
                       const std::vector<AlertAttachment>& attachments, int64_t now_ms) {
  for (const AlertAttachment& a : attachments) {
    WF_RETURN_IF_ERROR(cases::UpsertBlob(db, a.sha256, a.size, now_ms));
    WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kLinkSql));
    st->BindAll(alert_id, a.sha256, a.filename, a.content_type, now_ms, alert_id, a.sha256,
                a.filename);
    WF_RETURN_IF_ERROR(st->Run());
  }
  return Status::Ok();
}

Result<std::vector<AlertAttachmentRecord>> ListAlertAttachments(db::Database& db, int64_t alert_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListSql));
  st->Bind(1, alert_id);
  std::vector<AlertAttachmentRecord> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadRecord(*st));
  }
  return out;
}

Result<std::optional<AlertAttachmentRecord>> FindAlertAttachment(db::Database& db,
                                                                 const std::string& sha256) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kFindSql));
  st->Bind(1, sha256);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<AlertAttachmentRecord>();
  return std::optional<AlertAttachmentRecord>(ReadRecord(*st));
}

Status CopyAttachmentsToCase(db::Database& db, int64_t alert_id, int64_t case_id,
                             const std::string& actor, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(std::vector<AlertAttachmentRecord> files, ListAlertAttachments(db, alert_id));
  if (files.empty()) return Status::Ok();
  WF_ASSIGN_OR_RETURN(std::vector<cases::Attachment> present, cases::ListAttachments(db, case_id));
  for (const AlertAttachmentRecord& f : files) {
    bool already = false;
    for (const auto& p : present) already = already || (p.sha256 == f.sha256 && p.filename == f.filename);
    if (already) continue;
    cases::Attachment a;
    a.case_id = case_id;
    a.sha256 = f.sha256;
    a.filename = f.filename;
    a.content_type = f.content_type;
    a.uploaded_by = actor;
    a.size = f.size;
    a.created_at = now_ms;
    WF_ASSIGN_OR_RETURN(a.id, cases::InsertAttachment(db, a));
    present.push_back(a);
    cases::CaseEvent e;
    e.case_id = case_id;
    e.time = now_ms;
    e.actor = actor;
    e.kind = "attachment_added";
    e.body = fmt::format("Evidence {} ({} bytes, sha256 {}) from alert #{}", a.filename, a.size,
                         a.sha256, alert_id);
    e.details_json = json::Object({{"sha256", a.sha256},
                                   {"filename", a.filename},
                                   {"alert_id", std::to_string(alert_id)}});
    WF_RETURN_IF_ERROR(cases::InsertEvent(db, e).status());
  }
  return Status::Ok();
}

}  // namespace wf::ingest
