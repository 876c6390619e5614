#include "observables/observable_store.h"

namespace wf::observables {

namespace {

constexpr char kUpsertSql[] =
    "INSERT INTO observables (type, value, ioc, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (type, value) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen), "
    "ioc = MAX(ioc, excluded.ioc) "
    "RETURNING id, first_seen = ?";
constexpr char kLinkSql[] =
    "INSERT OR IGNORE INTO observable_links (observable_id, object_type, object_id, created_at, "
    "created_by) VALUES (?, ?, ?, ?, ?)";
constexpr char kListForObjectSql[] =
    "SELECT o.id, o.type, o.value, o.ioc, o.sighted, o.tlp, o.tags, o.first_seen, o.last_seen "
    "FROM observable_links l JOIN observables o ON o.id = l.observable_id "
    "WHERE l.object_type = ? AND l.object_id = ? ORDER BY o.type, o.value";

constexpr char kCopyLinksSql[] =
    "INSERT OR IGNORE INTO observable_links (observable_id, object_type, object_id, created_at, "
    "created_by) SELECT observable_id, ?, ?, ?, ? FROM observable_links "
    "WHERE object_type = ? AND object_id = ?";

}  // namespace

Result<int64_t> CopyLinks(db::Database& db, std::string_view from_type, int64_t from_id,
                          std::string_view to_type, int64_t to_id, std::string_view created_by,
                          int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kCopyLinksSql));
  st->BindAll(to_type, to_id, now_ms, created_by, from_type, from_id);
  WF_RETURN_IF_ERROR(st->Run());
  return db.Changes();
}

Result<LinkResult> UpsertAndLink(db::Database& db, ObservableType type, std::string_view value,
                                 bool ioc, std::string_view object_type, int64_t object_id,
                                 std::string_view created_by, int64_t now_ms) {
  LinkResult out;
  {
    WF_ASSIGN_OR_RETURN(db::Statement * up, db.Cached(kUpsertSql));
    up->BindAll(ObservableTypeName(type), value, ioc, now_ms, now_ms, now_ms);
    WF_ASSIGN_OR_RETURN(bool row, up->Step());
    if (!row) return Status::Internal("observable upsert returned no row");
    out.observable_id = up->Int64(0);
    out.new_observable = up->Int64(1) != 0;
    up->Reset();
  }
  WF_ASSIGN_OR_RETURN(db::Statement * link, db.Cached(kLinkSql));
  link->BindAll(out.observable_id, object_type, object_id, now_ms, created_by);
  WF_RETURN_IF_ERROR(link->Run());
  out.new_link = db.Changes() > 0;
  return out;
}

Result<std::vector<ObservableRecord>> ListForObject(db::Database& db, std::string_view object_type,
                                                    int64_t object_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListForObjectSql));
  st->BindAll(object_type, object_id);
  std::vector<ObservableRecord> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    ObservableRecord r;
    r.id = st->Int64(0);
    r.type = ParseObservableType(st->Text(1)).value_or(ObservableType::kOther);
    r.value = st->Text(2);
    r.ioc = st->Int64(3) != 0;
    r.sighted = st->Int64(4) != 0;
    r.tlp = st->Text(5);
    r.tags_json = st->Text(6);
    r.first_seen = st->Int64(7);
    r.last_seen = st->Int64(8);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace wf::observables
