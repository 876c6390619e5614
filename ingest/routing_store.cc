#include "ingest/routing_store.h"

#include <fmt/format.h>

#include "core/json_parse.h"
#include "observables/observable_store.h"

namespace wf::ingest::routing {

namespace {

#define WF_RULE_COLUMNS \
  "SELECT id, name, position, enabled, definition, matches, last_match, created_by, created_at, updated_at "
constexpr char kListSql[] = WF_RULE_COLUMNS "FROM routing_rules ORDER BY position, id";
constexpr char kGetSql[] = WF_RULE_COLUMNS "FROM routing_rules WHERE id = ?";
#undef WF_RULE_COLUMNS

// The stored definition is {"when":...,"then":[...]}: the two parts are kept
// as the JSON text the client sent (after validation), re-serialised compactly.
std::string Definition(const Rule& r) { return "{\"when\":" + r.when_json + ",\"then\":" + r.then_json + "}"; }

Rule ReadRule(const db::Statement& st) {
  Rule r;
  r.id = st.Int64(0);
  r.name = st.Text(1);
  r.position = st.Int64(2);
  r.enabled = st.Int64(3) != 0;
  rapidjson::Document doc;
  if (json::Parse(st.Text(4), doc).ok() && doc.IsObject()) {
    if (doc.HasMember("when")) r.when_json = json::Serialize(doc["when"]);
    if (doc.HasMember("then")) r.then_json = json::Serialize(doc["then"]);
  }
  r.matches = st.Int64(5);
  r.last_match = st.OptInt64(6);
  r.created_by = st.Text(7);
  r.created_at = st.Int64(8);
  r.updated_at = st.Int64(9);
  return r;
}

}  // namespace

Result<std::vector<Rule>> ListRules(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st,
                      db.Cached(kListSql));
  std::vector<Rule> out;
  while (true) {
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadRule(*st));
  }
  return out;
}

Result<Rule> GetRule(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st,
                      db.Cached(kGetSql));
  st->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no routing rule {}", id));
  return ReadRule(*st);
}

Result<int64_t> InsertRule(db::Database& db, const Rule& r) {
  WF_ASSIGN_OR_RETURN(db::Statement * st,
                      db.Cached("INSERT INTO routing_rules (name, position, enabled, definition, created_by, "
                                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st->BindAll(r.name, r.position, r.enabled, Definition(r), r.created_by, r.created_at, r.updated_at);
  WF_RETURN_IF_ERROR(st->Run());
  return db.LastInsertRowId();
}

Status UpdateRule(db::Database& db, const Rule& r) {
  WF_ASSIGN_OR_RETURN(db::Statement * st,
                      db.Cached("UPDATE routing_rules SET name = ?, position = ?, enabled = ?, definition = ?, "
                                "updated_at = ? WHERE id = ?"));
  st->BindAll(r.name, r.position, r.enabled, Definition(r), r.updated_at, r.id);
  return st->Run();
}

Status DeleteRule(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached("DELETE FROM routing_rules WHERE id = ?"));
  st->Bind(1, id);
  return st->Run();
}

Result<int64_t> NextPosition(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached("SELECT COALESCE(MAX(position), 0) + 10 FROM routing_rules"));
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  (void)row;
  return st->Int64(0);
}

Status RecordMatch(db::Database& db, int64_t id, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st,
                      db.Cached("UPDATE routing_rules SET matches = matches + 1, last_match = ? WHERE id = ?"));
  st->BindAll(now_ms, id);
  return st->Run();
}

Result<std::shared_ptr<const RuleSet>> LoadRuleSet(db::Database& db) {
  WF_ASSIGN_OR_RETURN(std::vector<Rule> rules, ListRules(db));
  return RuleSet::Compile(rules);
}

Result<std::vector<bool>> DbIocProbe::KnownIocs(const NormalizedAlert& alert) {
  std::vector<bool> out;
  out.reserve(alert.observables.size());
  for (const auto& o : alert.observables) {
    WF_ASSIGN_OR_RETURN(auto rec, observables::FindObservable(db_, o.type, o.value));
    out.push_back(rec && rec->ioc);
  }
  return out;
}

Result<std::optional<CaseRef>> FindOpenCaseSharingIoc(db::Database& db,
                                                      const std::vector<AlertObservable>& observables) {
  // Per observable: its newest open case, walking the link primary key
  // (observable_id, 'case', object_id) backwards.
  WF_ASSIGN_OR_RETURN(
      db::Statement * st,
      db.Cached("SELECT c.id, c.number FROM observables o "
                "JOIN observable_links l ON l.observable_id = o.id AND l.object_type = 'case' "
                "JOIN cases c ON c.id = l.object_id "
                "WHERE o.type = ? AND o.value = ? AND (o.ioc = 1 OR ?) "
                "AND c.status NOT IN ('resolved', 'closed') ORDER BY l.object_id DESC LIMIT 1"));
  std::optional<CaseRef> best;
  for (const auto& o : observables) {
    st->Reset();
    st->BindAll(observables::ObservableTypeName(o.type), o.value, o.ioc);
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row && (!best || st->Int64(0) > best->id)) best = CaseRef{st->Int64(0), st->Text(1)};
  }
  st->Reset();
  return best;
}

}  // namespace wf::ingest::routing
