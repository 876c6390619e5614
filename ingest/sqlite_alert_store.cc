#include <algorithm>

#include <fmt/format.h>

#include <variant>

#include "core/json.h"
#include "core/search.h"
#include "core/json_parse.h"
#include "ingest/alert_store.h"

namespace wf::ingest {

namespace {

constexpr char kColumns[] =
    "a.id, a.fingerprint, a.source_kind, a.source, a.source_ref, a.rule_name, a.title, "
    "a.description, a.severity, a.tlp, a.pap, a.status, a.case_id, a.occurrences, a.first_seen, "
    "a.last_seen, a.event_time, a.tags, a.created_at, a.updated_at, a.assignee, a.tier, a.ignore_reason, a.suppressed_by";

constexpr char kFindByFingerprintSql[] =
    "SELECT a.id, a.fingerprint, a.source_kind, a.source, a.source_ref, a.rule_name, a.title, "
    "a.description, a.severity, a.tlp, a.pap, a.status, a.case_id, a.occurrences, a.first_seen, "
    "a.last_seen, a.event_time, a.tags, a.created_at, a.updated_at, a.assignee, a.tier, a.ignore_reason, a.suppressed_by "
    "FROM alerts a WHERE a.fingerprint = ? ORDER BY a.id DESC LIMIT 1";
constexpr char kGetSql[] =
    "SELECT a.id, a.fingerprint, a.source_kind, a.source, a.source_ref, a.rule_name, a.title, "
    "a.description, a.severity, a.tlp, a.pap, a.status, a.case_id, a.occurrences, a.first_seen, "
    "a.last_seen, a.event_time, a.tags, a.created_at, a.updated_at, a.assignee, a.tier, a.ignore_reason, a.suppressed_by, "
    "a.raw_first, a.raw_latest "
    "FROM alerts a WHERE a.id = ?";
constexpr char kInsertSql[] =
    "INSERT INTO alerts (fingerprint, source_kind, source, source_ref, rule_name, title, "
    "description, severity, tlp, pap, status, case_id, occurrences, first_seen, last_seen, "
    "event_time, tags, raw_first, raw_latest, created_at, updated_at, assignee, tier, ignore_reason, "
    "suppressed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kOccurrenceSql[] =
    "UPDATE alerts SET occurrences = occurrences + 1, last_seen = MAX(last_seen, ?), "
    "raw_latest = ?, updated_at = ?, "
    "status = CASE status WHEN 'new' THEN 'updated' ELSE status END WHERE id = ?";
constexpr char kInsertTagSql[] = "INSERT OR IGNORE INTO alert_tags (tag, alert_id) VALUES (?, ?)";
constexpr char kDeleteTagsSql[] = "DELETE FROM alert_tags WHERE alert_id = ?";
constexpr char kSetTagsSql[] = "UPDATE alerts SET tags = ?, updated_at = ? WHERE id = ?";
constexpr char kTagsOfSql[] = "SELECT tags FROM alerts WHERE id = ?";
// A status changed by hand ends a routing rule's suppression: its reason and
// rule go (the right-hand side sees the row before the update).
constexpr char kUpdateStatusSql[] =
    "UPDATE alerts SET ignore_reason = CASE WHEN status = ?1 THEN ignore_reason END, "
    "suppressed_by = CASE WHEN status = ?1 THEN suppressed_by END, "
    "status = ?1, severity = ?2, updated_at = ?3 WHERE id = ?4";
constexpr char kSetImportedSql[] =
    "UPDATE alerts SET status = 'imported', case_id = ?, updated_at = ? WHERE id = ?";
constexpr char kSetIgnoredByRuleSql[] =
    "UPDATE alerts SET status = 'ignored', ignore_reason = ?, suppressed_by = ?, updated_at = ? WHERE id = ?";
constexpr char kSetResolvedSql[] = "UPDATE alerts SET resolved_at = ?, updated_at = ? WHERE id = ?";
constexpr char kInsertDeliverySql[] =
    "INSERT INTO alert_deliveries (alert_id, received_at, remote_addr, api_key_id, "
    "payload_sha256, bytes, raw) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kCountDeliveriesSql[] = "SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ?";

Alert ReadAlert(const db::Statement& st) {
  Alert a;
  a.id = st.Int64(0);
  a.fingerprint = st.Text(1);
  a.source_kind = st.Text(2);
  a.source = st.Text(3);
  a.source_ref = st.OptText(4).value_or("");
  a.rule_name = st.OptText(5).value_or("");
  a.title = st.Text(6);
  a.description = st.Text(7);
  a.severity = SeverityFromNumber(st.Int64(8)).value_or(Severity::kMedium);
  a.tlp = ParseTlp(st.Text(9)).value_or(Tlp::kAmber);
  a.pap = ParsePap(st.Text(10)).value_or(Pap::kAmber);
  a.status = ParseAlertStatus(st.Text(11)).value_or(AlertStatus::kNew);
  a.case_id = st.OptInt64(12);
  a.occurrences = st.Int64(13);
  a.first_seen = st.Int64(14);
  a.last_seen = st.Int64(15);
  a.event_time = st.OptInt64(16);
  a.tags = json::ParseStringArray(st.Text(17));
  a.created_at = st.Int64(18);
  a.updated_at = st.Int64(19);
  a.assignee = st.OptText(20);
  a.tier = st.OptInt64(21);
  a.ignore_reason = st.OptText(22);
  a.suppressed_by = st.OptInt64(23);
  return a;
}

std::optional<std::string> NonEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

Result<std::optional<Alert>> FindByFingerprint(db::Database& db, const std::string& fingerprint) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kFindByFingerprintSql));
  st->Bind(1, fingerprint);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Alert>();
  return std::optional<Alert>(ReadAlert(*st));
}

Result<int64_t> InsertAlert(db::Database& db, const Alert& a) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertSql));
  st->BindAll(a.fingerprint, a.source_kind, a.source, NonEmpty(a.source_ref), NonEmpty(a.rule_name),
              a.title, a.description, static_cast<int64_t>(a.severity), TlpName(a.tlp),
              PapName(a.pap), AlertStatusName(a.status), a.case_id, a.occurrences, a.first_seen,
              a.last_seen, a.event_time, json::StringArray(a.tags), a.raw_first, a.raw_latest,
              a.created_at, a.updated_at, a.assignee, a.tier, a.ignore_reason, a.suppressed_by);
  WF_RETURN_IF_ERROR(st->Run());
  int64_t id = db.LastInsertRowId();
  WF_ASSIGN_OR_RETURN(db::Statement * tag, db.Cached(kInsertTagSql));
  for (const auto& t : a.tags) {
    tag->Reset();
    tag->BindAll(t, id);
    WF_RETURN_IF_ERROR(tag->Run());
  }
  return id;
}

Status RecordOccurrence(db::Database& db, int64_t id, int64_t now_ms, const std::string& raw_latest) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kOccurrenceSql));
  st->BindAll(now_ms, raw_latest, now_ms, id);
  return st->Run();
}

Status SetTags(db::Database& db, int64_t id, const std::vector<std::string>& tags, int64_t now_ms) {
  {
    WF_ASSIGN_OR_RETURN(db::Statement * del, db.Cached(kDeleteTagsSql));
    del->Bind(1, id);
    WF_RETURN_IF_ERROR(del->Run());
  }
  WF_ASSIGN_OR_RETURN(db::Statement * ins, db.Cached(kInsertTagSql));
  for (const auto& t : tags) {
    ins->Reset();
    ins->BindAll(t, id);
    WF_RETURN_IF_ERROR(ins->Run());
  }
  WF_ASSIGN_OR_RETURN(db::Statement * set, db.Cached(kSetTagsSql));
  set->BindAll(json::StringArray(tags), now_ms, id);
  return set->Run();
}

Status AddTags(db::Database& db, int64_t id, const std::vector<std::string>& tags, int64_t now_ms) {
  if (tags.empty()) return Status::Ok();
  std::vector<std::string> current;
  {
    WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kTagsOfSql));
    st->Bind(1, id);
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound(fmt::format("no alert with id {}", id));
    current = json::ParseStringArray(st->Text(0));
    st->Reset();
  }
  bool changed = false;
  for (const auto& t : tags) {
    if (std::find(current.begin(), current.end(), t) == current.end()) {
      current.push_back(t);
      changed = true;
    }
  }
  if (!changed) return Status::Ok();
  return SetTags(db, id, current, now_ms);
}

Status UpdateStatusAndSeverity(db::Database& db, int64_t id, AlertStatus status, Severity severity,
                               int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kUpdateStatusSql));
  st->BindAll(AlertStatusName(status), static_cast<int64_t>(severity), now_ms, id);
  WF_RETURN_IF_ERROR(st->Run());
  if (db.Changes() == 0) return Status::NotFound(fmt::format("no alert with id {}", id));
  return Status::Ok();
}

Status SetImported(db::Database& db, int64_t id, int64_t case_id, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kSetImportedSql));
  st->BindAll(case_id, now_ms, id);
  return st->Run();
}

Status SetResolvedAt(db::Database& db, int64_t id, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kSetResolvedSql));
  st->BindAll(now_ms, now_ms, id);
  return st->Run();
}

Status SetIgnoredByRule(db::Database& db, int64_t id, const std::string& reason, int64_t rule_id,
                        int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kSetIgnoredByRuleSql));
  st->BindAll(reason, rule_id, now_ms, id);
  return st->Run();
}

Status IndexNewAlerts(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * any, db.Cached("SELECT EXISTS (SELECT 1 FROM alerts_fts_pending)"));
  WF_ASSIGN_OR_RETURN(bool row, any->Step());
  const bool pending = row && any->Int64(0) != 0;
  any->Reset();
  if (!pending) return Status::Ok();
  WF_ASSIGN_OR_RETURN(db::Statement * index,
                      db.Cached("INSERT INTO alerts_fts(rowid, title, description) "
                                "SELECT a.id, a.title, a.description FROM alerts_fts_pending p "
                                "JOIN alerts a ON a.id = p.id ORDER BY p.id"));
  WF_RETURN_IF_ERROR(index->Run());
  WF_ASSIGN_OR_RETURN(db::Statement * clear, db.Cached("DELETE FROM alerts_fts_pending"));
  return clear->Run();
}

Status InsertDelivery(db::Database& db, const DeliveryRecord& d) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertDeliverySql));
  st->BindAll(d.alert_id, d.received_at, d.remote_addr, d.api_key_id, d.payload_sha256, d.bytes,
              d.raw);
  return st->Run();
}

Result<Alert> GetAlert(db::Database& db, int64_t id, bool with_raw) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetSql));
  st->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no alert with id {}", id));
  Alert a = ReadAlert(*st);
  if (with_raw) {
    a.raw_first = st->OptText(24);
    a.raw_latest = st->OptText(25);
  }
  return a;
}

db::BuiltQuery BuildListAlertsQuery(const AlertFilter& f) {
  // Built from fixed fragments; every value is a bound parameter.
  std::string sql = fmt::format("SELECT {} FROM alerts a", kColumns);
  std::vector<std::string> where;
  std::vector<db::SqlArg> args;
  if (f.q) {
    sql += " JOIN alerts_fts ON alerts_fts.rowid = a.id";
    where.push_back("alerts_fts MATCH ?");
    args.emplace_back(*f.q);
  }
  if (f.tag) {
    where.push_back("a.id IN (SELECT alert_id FROM alert_tags WHERE tag = ?)");
    args.emplace_back(*f.tag);
  }
  if (f.severity) {
    where.push_back("a.severity = ?");
    args.emplace_back(static_cast<int64_t>(*f.severity));
  }
  if (f.source) {
    where.push_back("a.source = ?");
    args.emplace_back(*f.source);
  }
  if (f.source_kind) {
    where.push_back("a.source_kind = ?");
    args.emplace_back(*f.source_kind);
  }
  if (f.since) {
    where.push_back("a.first_seen >= ?");
    args.emplace_back(*f.since);
  }
  if (f.until) {
    where.push_back("a.first_seen < ?");
    args.emplace_back(*f.until);
  }
  if (f.before_id) {
    where.push_back("a.id < ?");
    args.emplace_back(*f.before_id);
  }
  if (f.statuses.size() > 1 && !f.q) {
    std::vector<std::string> values;
    for (AlertStatus st : f.statuses) values.emplace_back(AlertStatusName(st));
    return db::NewestAcrossValues(sql, "alerts", "a", "status", values, where, args, f.limit);
  }
  if (!f.statuses.empty()) {
    std::string in = "a.status IN (";
    for (size_t i = 0; i < f.statuses.size(); ++i) {
      in += i ? ", ?" : "?";
      args.emplace_back(std::string(AlertStatusName(f.statuses[i])));
    }
    where.push_back(in + ")");
  }
  for (size_t i = 0; i < where.size(); ++i) {
    sql += i ? " AND " : " WHERE ";
    sql += where[i];
  }
  // With a full-text match, FTS5 yields rowids in order itself; ordering by
  // a.id instead made SQLite sort every match (236 ms for a common word at 1M).
  sql += f.q ? " ORDER BY alerts_fts.rowid DESC LIMIT ?" : " ORDER BY a.id DESC LIMIT ?";
  args.emplace_back(static_cast<int64_t>(f.limit));
  return {std::move(sql), std::move(args)};
}

Result<std::vector<Alert>> ListAlerts(db::Database& db, const AlertFilter& f) {
  db::BuiltQuery q = BuildListAlertsQuery(f);
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(q.sql));
  st.BindArgs(q.args);
  std::vector<Alert> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) {
      if (f.q) return Status::InvalidArgument(fmt::format("bad search query: {}", row.status().message()));
      return row.status();
    }
    if (!*row) break;
    out.push_back(ReadAlert(st));
  }
  return out;
}


Result<std::vector<SearchHit>> SearchAlerts(db::Database& db, const std::string& q, int limit) {
  // The newest ?3 matches (FTS5 yields them in rowid order without a sort),
  // ranked by bm25; snippets only for the ?2 kept.
  static constexpr char kSql[] =
      "WITH newest AS MATERIALIZED (SELECT rowid AS id, bm25(alerts_fts) AS rank FROM alerts_fts "
      "WHERE alerts_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3), "
      "best AS MATERIALIZED (SELECT id, rank FROM newest ORDER BY rank, id DESC LIMIT ?2) "
      "SELECT a.id, a.case_id, '', a.title, "
      "snippet(alerts_fts, -1, char(2), char(3), '…', 16), best.rank, a.last_seen "
      "FROM best JOIN alerts a ON a.id = best.id JOIN alerts_fts ON alerts_fts.rowid = best.id "
      "WHERE alerts_fts MATCH ?1 ORDER BY best.rank, best.id DESC";
  return RunFtsSearch(db, kSql, "alerts_fts", "alert", q, limit);
}

Result<int64_t> CountDeliveries(db::Database& db, int64_t alert_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kCountDeliveriesSql));
  st->Bind(1, alert_id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int64(0) : 0;
}

}  // namespace wf::ingest
