#include "ingest/alert_report.h"

namespace wf::ingest {

namespace {

Result<std::vector<std::pair<std::string, int64_t>>> Pairs(db::Database& db, std::string_view sql,
                                                           int64_t from, int64_t to, int top_n) {
  return db::QueryLabelCounts(db, sql, {from, to, static_cast<int64_t>(top_n)});
}

}  // namespace

Result<AlertReport> ComputeAlertReport(db::Database& db, int64_t from, int64_t to, int top_n) {
  AlertReport r;
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(
        "SELECT COUNT(*), COALESCE(SUM(status = 'imported'), 0), COALESCE(SUM(status = 'ignored'), 0) "
        "FROM alerts WHERE created_at >= ? AND created_at < ?"));
    st.BindAll(from, to);
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      r.alerts = st.Int64(0);
      r.promoted = st.Int64(1);
      r.ignored = st.Int64(2);
    }
  }
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(
        "SELECT COUNT(*) FROM alert_deliveries WHERE received_at >= ? AND received_at < ?"));
    st.BindAll(from, to);
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) r.deliveries = st.Int64(0);
  }
  // A delivery either created its alert (same millisecond as the alert's
  // creation, first delivery row) or was folded into an existing one.
  r.duplicates_suppressed = r.deliveries > r.alerts ? r.deliveries - r.alerts : 0;
  WF_ASSIGN_OR_RETURN(r.by_source, Pairs(db,
      "SELECT source, COUNT(*) FROM alerts WHERE created_at >= ? AND created_at < ? "
      "GROUP BY source ORDER BY COUNT(*) DESC, source LIMIT ?", from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.by_format, Pairs(db,
      "SELECT source_kind, COUNT(*) FROM alerts WHERE created_at >= ? AND created_at < ? "
      "GROUP BY source_kind ORDER BY COUNT(*) DESC, source_kind LIMIT ?", from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.by_severity, Pairs(db,
      "SELECT CASE severity WHEN 4 THEN 'critical' WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END, "
      "COUNT(*) FROM alerts WHERE created_at >= ? AND created_at < ? GROUP BY severity ORDER BY severity DESC LIMIT ?",
      from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.by_day, Pairs(db,
      "SELECT date(created_at / 1000, 'unixepoch') AS day, COUNT(*) FROM alerts "
      "WHERE created_at >= ? AND created_at < ? GROUP BY day ORDER BY day LIMIT ?", from, to, 3660));
  WF_ASSIGN_OR_RETURN(r.top_rules, Pairs(db,
      "SELECT COALESCE(rule_name, title), SUM(occurrences) FROM alerts WHERE created_at >= ? AND created_at < ? "
      "GROUP BY COALESCE(rule_name, title) ORDER BY SUM(occurrences) DESC, 1 LIMIT ?", from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.top_tags, Pairs(db,
      "SELECT t.tag, COUNT(*) FROM alert_tags t JOIN alerts a ON a.id = t.alert_id "
      "WHERE a.created_at >= ? AND a.created_at < ? GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT ?",
      from, to, top_n));
  // MITRE ATT&CK technique ids among the tags: "attack.t1110", "T1059.001".
  WF_ASSIGN_OR_RETURN(r.mitre_techniques, Pairs(db,
      "SELECT upper(replace(t.tag, 'attack.', '')) AS technique, COUNT(*) FROM alert_tags t "
      "JOIN alerts a ON a.id = t.alert_id WHERE a.created_at >= ? AND a.created_at < ? "
      "AND (lower(t.tag) GLOB 'attack.t[0-9][0-9][0-9][0-9]*' OR t.tag GLOB 'T[0-9][0-9][0-9][0-9]*') "
      "GROUP BY technique ORDER BY COUNT(*) DESC, technique LIMIT ?", from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.top_observables, Pairs(db,
      "SELECT o.type || ':' || o.value, COUNT(*) FROM observable_links l JOIN observables o ON o.id = l.observable_id "
      "WHERE l.object_type = 'alert' AND l.created_at >= ? AND l.created_at < ? "
      "GROUP BY l.observable_id ORDER BY COUNT(*) DESC, 1 LIMIT ?", from, to, top_n));
  return r;
}

}  // namespace wf::ingest
