#include "core/outbox.h"

#include <algorithm>

namespace wf::outbox {

namespace {
constexpr char kEnqueueSql[] =
    "INSERT INTO outbox (event, payload, created_at, next_attempt_at, url) VALUES (?, ?, ?, ?, ?)";
constexpr char kDueSql[] =
    "SELECT id, event, payload, created_at, attempts, next_attempt_at, url FROM outbox "
    "WHERE delivered_at IS NULL AND next_attempt_at <= ? AND (url IS NOT NULL OR ?) "
    "ORDER BY next_attempt_at, id LIMIT ?";
constexpr char kDeliveredSql[] = "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?";
constexpr char kAttemptsSql[] = "SELECT attempts FROM outbox WHERE id = ?";
constexpr char kFailedSql[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?";
constexpr char kBacklogSql[] = "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL";
}  // namespace

Status Enqueue(db::Database& db, const std::string& event, const std::string& payload,
               int64_t now_ms, const std::string& url) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kEnqueueSql));
  st->BindAll(event, payload, now_ms, now_ms, url.empty() ? std::nullopt : std::optional<std::string>(url));
  return st->Run();
}

Result<std::vector<Message>> Due(db::Database& db, int64_t now_ms, int limit, bool with_default_urls) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kDueSql));
  st->BindAll(now_ms, with_default_urls, static_cast<int64_t>(limit));
  std::vector<Message> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back({st->Int64(0), st->Text(1), st->Text(2), st->Int64(3), st->Int64(4), st->Int64(5),
                   st->OptText(6).value_or("")});
  }
  return out;
}

Status MarkDelivered(db::Database& db, int64_t id, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kDeliveredSql));
  st->BindAll(now_ms, id);
  return st->Run();
}

Status MarkFailed(db::Database& db, int64_t id, const std::string& error, int64_t now_ms) {
  int64_t attempts = 0;
  {
    WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kAttemptsSql));
    st->Bind(1, id);
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::NotFound("no such outbox message");
    attempts = st->Int64(0);
    st->Reset();
  }
  int64_t delay = std::min<int64_t>(3600'000, 1000LL << std::min<int64_t>(attempts, 12));
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kFailedSql));
  st->BindAll(error.substr(0, 500), now_ms + delay, id);
  return st->Run();
}

Result<int64_t> Backlog(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kBacklogSql));
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int64(0) : 0;
}

}  // namespace wf::outbox
