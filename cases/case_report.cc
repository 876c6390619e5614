#include "cases/case_report.h"

#include <cmath>

#include "cases/case.h"

namespace wf::cases {

namespace {

// Mean, median and p90 of a duration column over a filtered set, in SQL:
// the count and mean by aggregate, percentiles by OFFSET into the ordered set.
Result<DurationStats> Durations(db::Database& db, const std::string& expr, const std::string& where,
                                int64_t severity, int64_t from, int64_t to) {
  DurationStats out;
  std::string base = "FROM cases WHERE severity = ? AND " + where;
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare("SELECT COUNT(*), AVG(" + expr + ") " + base));
    st.BindAll(severity, from, to);
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.count = st.Int64(0);
    if (out.count == 0) return out;
    out.mean_ms = st.Double(1);
  }
  for (auto [q, field] : {std::pair{0.5, &out.median_ms}, std::pair{0.9, &out.p90_ms}}) {
    auto offset = static_cast<int64_t>(std::ceil(q * static_cast<double>(out.count))) - 1;
    WF_ASSIGN_OR_RETURN(db::Statement st,
                        db.Prepare("SELECT " + expr + " AS d " + base + " ORDER BY d LIMIT 1 OFFSET ?"));
    st.BindAll(severity, from, to, std::max<int64_t>(0, offset));
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) *field = st.Double(0);
  }
  return out;
}

Result<int64_t> Count(db::Database& db, const std::string& sql, int64_t from, int64_t to) {
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
  st.BindAll(from, to);
  WF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int64(0) : 0;
}

Result<std::vector<std::pair<std::string, int64_t>>> Pairs(db::Database& db, std::string_view sql,
                                                           int64_t from, int64_t to, int top_n) {
  return db::QueryLabelCounts(db, sql, {from, to, static_cast<int64_t>(top_n)});
}

}  // namespace

Result<CaseReport> ComputeCaseReport(db::Database& db, int64_t from, int64_t to, int top_n) {
  CaseReport r;
  WF_ASSIGN_OR_RETURN(r.opened, Count(db, "SELECT COUNT(*) FROM cases WHERE created_at >= ? AND created_at < ?", from, to));
  WF_ASSIGN_OR_RETURN(r.resolved, Count(db, "SELECT COUNT(*) FROM cases WHERE resolved_at >= ? AND resolved_at < ?", from, to));
  WF_ASSIGN_OR_RETURN(r.closed, Count(db, "SELECT COUNT(*) FROM cases WHERE closed_at >= ? AND closed_at < ?", from, to));
  for (Severity sev : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
    SeverityFigures f;
    f.severity = sev;
    auto s = static_cast<int64_t>(sev);
    {
      WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(
          "SELECT COUNT(*) FROM cases WHERE severity = ? AND created_at >= ? AND created_at < ?"));
      st.BindAll(s, from, to);
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      f.opened = row ? st.Int64(0) : 0;
    }
    // Acknowledgement and resolution times exclude time paused in awaiting_info
    // only through the due times; the raw durations are wall-clock.
    WF_ASSIGN_OR_RETURN(f.time_to_ack, Durations(db, "acknowledged_at - created_at",
                                                 "acknowledged_at >= ? AND acknowledged_at < ?", s, from, to));
    WF_ASSIGN_OR_RETURN(f.time_to_resolve, Durations(db, "resolved_at - created_at",
                                                     "resolved_at >= ? AND resolved_at < ?", s, from, to));
    {
      WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(
          "SELECT COUNT(*), COALESCE(SUM(resolved_at <= resolve_due AND resolve_breached = 0), 0) FROM cases "
          "WHERE severity = ? AND resolved_at >= ? AND resolved_at < ?"));
      st.BindAll(s, from, to);
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) {
        f.resolved = st.Int64(0);
        f.resolved_within_sla = st.Int64(1);
      }
    }
    {
      WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(
          "SELECT COUNT(*), COALESCE(SUM(acknowledged_at <= ack_due AND ack_breached = 0), 0) FROM cases "
          "WHERE severity = ? AND acknowledged_at >= ? AND acknowledged_at < ?"));
      st.BindAll(s, from, to);
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) {
        f.acknowledged = st.Int64(0);
        f.acknowledged_within_sla = st.Int64(1);
      }
    }
    r.by_severity.push_back(std::move(f));
  }
  WF_ASSIGN_OR_RETURN(r.escalations_to_tier,
                      Pairs(db,
                            "SELECT json_extract(details, '$.to') AS tier, COUNT(*) FROM case_events "
                            "WHERE kind = 'escalated' AND time >= ? AND time < ? GROUP BY tier ORDER BY tier LIMIT ?",
                            from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.resolutions,
                      Pairs(db,
                            "SELECT resolution, COUNT(*) FROM cases WHERE resolved_at >= ? AND resolved_at < ? "
                            "AND resolution IS NOT NULL GROUP BY resolution ORDER BY COUNT(*) DESC, resolution LIMIT ?",
                            from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.top_tags,
                      Pairs(db,
                            "SELECT t.tag, COUNT(*) FROM case_tags t JOIN cases c ON c.id = t.case_id "
                            "WHERE c.created_at >= ? AND c.created_at < ? GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT ?",
                            from, to, top_n));
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(
        "SELECT u.login, "
        "(SELECT COUNT(*) FROM cases c WHERE c.assignee_id = u.id AND c.status NOT IN ('resolved','closed')), "
        "(SELECT COUNT(*) FROM cases c WHERE c.assignee_id = u.id AND c.resolved_at >= ?1 AND c.resolved_at < ?2) "
        "FROM users u WHERE u.role IN ('l1','l2','l3','manager') ORDER BY u.login"));
    st.BindAll(from, to);
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      AnalystFigures a;
      a.login = st.Text(0);
      a.open_assigned = st.Int64(1);
      a.resolved = st.Int64(2);
      r.analysts.push_back(std::move(a));
    }
    for (auto& a : r.analysts) {
      if (a.resolved == 0) continue;
      WF_ASSIGN_OR_RETURN(db::Statement m, db.Prepare(
          "SELECT c.resolved_at - c.created_at AS d FROM cases c JOIN users u ON u.id = c.assignee_id "
          "WHERE u.login = ? AND c.resolved_at >= ? AND c.resolved_at < ? ORDER BY d LIMIT 1 OFFSET ?"));
      m.BindAll(a.login, from, to, (a.resolved - 1) / 2);
      WF_ASSIGN_OR_RETURN(bool row, m.Step());
      if (row) a.median_resolve_ms = m.Double(0);
    }
  }
  return r;
}

}  // namespace wf::cases
