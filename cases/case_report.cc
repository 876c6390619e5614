#include "cases/case_report.h"

#include "cases/case.h"

namespace wf::cases {

namespace {

// Each statement reads the period's entries of a covering index (migration 7:
// cases_created, cases_acknowledged, cases_resolved, cases_closed,
// cases_assignee_resolved, case_events_kind_time) and groups by severity in
// SQL, instead of one statement per severity and figure.
constexpr char kOpenedSql[] =
    "SELECT severity, COUNT(*) FROM cases WHERE created_at >= ?1 AND created_at < ?2 GROUP BY severity";
constexpr char kAckSql[] =
    "SELECT severity, COUNT(*), AVG(acknowledged_at - created_at), "
    "COALESCE(SUM(acknowledged_at <= ack_due AND ack_breached = 0), 0) FROM cases "
    "WHERE acknowledged_at >= ?1 AND acknowledged_at < ?2 GROUP BY severity";
constexpr char kResolveSql[] =
    "SELECT severity, COUNT(*), AVG(resolved_at - created_at), "
    "COALESCE(SUM(resolved_at <= resolve_due AND resolve_breached = 0), 0) FROM cases "
    "WHERE resolved_at >= ?1 AND resolved_at < ?2 GROUP BY severity";
// Nearest-rank percentiles per severity, one sort: the median is the
// ceil(n/2)-th smallest, p90 the ceil(9n/10)-th, in integer arithmetic.
constexpr char kAckPercentilesSql[] =
    "SELECT severity, rn = (n + 1) / 2, rn = (9 * n + 9) / 10, d FROM ("
    "  SELECT severity, acknowledged_at - created_at AS d, COUNT(*) OVER (PARTITION BY severity) AS n, "
    "  ROW_NUMBER() OVER (PARTITION BY severity ORDER BY acknowledged_at - created_at) AS rn "
    "  FROM cases WHERE acknowledged_at >= ?1 AND acknowledged_at < ?2) "
    "WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10";
constexpr char kResolvePercentilesSql[] =
    "SELECT severity, rn = (n + 1) / 2, rn = (9 * n + 9) / 10, d FROM ("
    "  SELECT severity, resolved_at - created_at AS d, COUNT(*) OVER (PARTITION BY severity) AS n, "
    "  ROW_NUMBER() OVER (PARTITION BY severity ORDER BY resolved_at - created_at) AS rn "
    "  FROM cases WHERE resolved_at >= ?1 AND resolved_at < ?2) "
    "WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10";

constexpr char kCountOpenedSql[] = "SELECT COUNT(*) FROM cases WHERE created_at >= ? AND created_at < ?";
constexpr char kCountResolvedSql[] = "SELECT COUNT(*) FROM cases WHERE resolved_at >= ? AND resolved_at < ?";
constexpr char kCountClosedSql[] = "SELECT COUNT(*) FROM cases WHERE closed_at >= ? AND closed_at < ?";
constexpr char kEscalationsSql[] =
    "SELECT json_extract(details, '$.to') AS tier, COUNT(*) FROM case_events "
    "WHERE kind = 'escalated' AND time >= ? AND time < ? GROUP BY tier ORDER BY tier LIMIT ?";
constexpr char kResolutionsSql[] =
    "SELECT resolution, COUNT(*) FROM cases WHERE resolved_at >= ? AND resolved_at < ? "
    "AND resolution IS NOT NULL GROUP BY resolution ORDER BY COUNT(*) DESC, resolution LIMIT ?";
constexpr char kCaseTagsSql[] =
    "SELECT t.tag, COUNT(*) FROM case_tags t JOIN cases c ON c.id = t.case_id "
    "WHERE c.created_at >= ? AND c.created_at < ? GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT ?";
constexpr char kAnalystsSql[] =
    "SELECT u.login, "
    "(SELECT COUNT(*) FROM cases c WHERE c.assignee_id = u.id AND c.status NOT IN ('resolved','closed')), "
    "(SELECT COUNT(*) FROM cases c WHERE c.assignee_id = u.id AND c.resolved_at >= ?1 AND c.resolved_at < ?2) "
    "FROM users u WHERE u.role IN ('l1','l2','l3','manager') ORDER BY u.login";
constexpr char kAnalystMedianSql[] =
    "SELECT c.resolved_at - c.created_at AS d FROM cases c JOIN users u ON u.id = c.assignee_id "
    "WHERE u.login = ? AND c.resolved_at >= ? AND c.resolved_at < ? ORDER BY d LIMIT 1 OFFSET ?";

SeverityFigures* Find(std::vector<SeverityFigures>& all, int64_t severity) {
  for (auto& f : all) {
    if (static_cast<int64_t>(f.severity) == severity) return &f;
  }
  return nullptr;  // not one of the four severities: not reported
}

// Runs a `severity, COUNT(*), AVG(duration), SUM(within SLA)` statement.
Status Durations(db::Database& db, const char* sql, int64_t from, int64_t to, std::vector<SeverityFigures>& all,
                 bool ack) {
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
  st.BindAll(from, to);
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    SeverityFigures* f = Find(all, st.Int64(0));
    if (!f) continue;
    DurationStats& d = ack ? f->time_to_ack : f->time_to_resolve;
    d.count = st.Int64(1);
    if (d.count > 0) d.mean_ms = st.Double(2);
    (ack ? f->acknowledged : f->resolved) = d.count;
    (ack ? f->acknowledged_within_sla : f->resolved_within_sla) = st.Int64(3);
  }
}

// Runs a `severity, is median, is p90, duration` statement.
Status Percentiles(db::Database& db, const char* sql, int64_t from, int64_t to, std::vector<SeverityFigures>& all,
                   bool ack) {
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
  st.BindAll(from, to);
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    SeverityFigures* f = Find(all, st.Int64(0));
    if (!f) continue;
    DurationStats& d = ack ? f->time_to_ack : f->time_to_resolve;
    if (st.Int64(1) != 0) d.median_ms = st.Double(3);
    if (st.Int64(2) != 0) d.p90_ms = st.Double(3);
  }
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

std::vector<std::string> CaseReportStatements() {
  return {kCountOpenedSql, kCountResolvedSql, kCountClosedSql, kOpenedSql, kAckSql, kResolveSql,
          kAckPercentilesSql, kResolvePercentilesSql, kEscalationsSql, kResolutionsSql, kCaseTagsSql,
          kAnalystsSql, kAnalystMedianSql};
}

Result<CaseReport> ComputeCaseReport(db::Database& db, int64_t from, int64_t to, int top_n) {
  CaseReport r;
  WF_ASSIGN_OR_RETURN(r.opened, Count(db, kCountOpenedSql, from, to));
  WF_ASSIGN_OR_RETURN(r.resolved, Count(db, kCountResolvedSql, from, to));
  WF_ASSIGN_OR_RETURN(r.closed, Count(db, kCountClosedSql, from, to));
  for (Severity sev : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
    SeverityFigures f;
    f.severity = sev;
    r.by_severity.push_back(std::move(f));
  }
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kOpenedSql));
    st.BindAll(from, to);
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      if (SeverityFigures* f = Find(r.by_severity, st.Int64(0))) f->opened = st.Int64(1);
    }
  }
  // Acknowledgement and resolution times exclude time paused in awaiting_info
  // only through the due times; the raw durations are wall-clock.
  WF_RETURN_IF_ERROR(Durations(db, kAckSql, from, to, r.by_severity, true));
  WF_RETURN_IF_ERROR(Durations(db, kResolveSql, from, to, r.by_severity, false));
  WF_RETURN_IF_ERROR(Percentiles(db, kAckPercentilesSql, from, to, r.by_severity, true));
  WF_RETURN_IF_ERROR(Percentiles(db, kResolvePercentilesSql, from, to, r.by_severity, false));
  WF_ASSIGN_OR_RETURN(r.escalations_to_tier, Pairs(db, kEscalationsSql, from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.resolutions, Pairs(db, kResolutionsSql, from, to, top_n));
  WF_ASSIGN_OR_RETURN(r.top_tags, Pairs(db, kCaseTagsSql, from, to, top_n));
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kAnalystsSql));
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
      WF_ASSIGN_OR_RETURN(db::Statement m, db.Prepare(kAnalystMedianSql));
      m.BindAll(a.login, from, to, (a.resolved - 1) / 2);
      WF_ASSIGN_OR_RETURN(bool row, m.Step());
      if (row) a.median_resolve_ms = m.Double(0);
    }
  }
  return r;
}

}  // namespace wf::cases
