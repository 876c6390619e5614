#include "ingest/alert_report.h"

#include <algorithm>
#include <map>

#include "core/clock.h"

namespace wf::ingest {

namespace {

// Every statement reads only the period's entries of a covering index
// (migration 7: alerts_created, alert_deliveries_received,
// observable_links_created); one pass per table where one pass can do.

// The period's alerts grouped by everything the alert tables break them down
// by: the groups (a few per source, severity, status and rule) are folded into
// the totals and tables below.
constexpr char kAlertGroupsSql[] =
    "SELECT source, source_kind, severity, status, rule_name, COUNT(*), SUM(occurrences) "
    "FROM alerts WHERE created_at >= ?1 AND created_at < ?2 "
    "GROUP BY source, source_kind, severity, status, rule_name";
// Alerts without a rule count under their title in top_rules; only their rows
// are read from the table.
constexpr char kUnruledSql[] =
    "SELECT title, SUM(occurrences) FROM alerts "
    "WHERE created_at >= ?1 AND created_at < ?2 AND rule_name IS NULL GROUP BY title";
constexpr char kDeliveriesSql[] =
    "SELECT COUNT(*) FROM alert_deliveries WHERE received_at >= ?1 AND received_at < ?2";
// alerts_by_day, one UTC day at a time: the first alert at or after ?1 gives
// the next day that has any, and that day's count is a range of the index.
constexpr char kNextAlertSql[] =
    "SELECT MIN(created_at) FROM alerts WHERE created_at >= ?1 AND created_at < ?2";
constexpr char kCountAlertsSql[] =
    "SELECT COUNT(*) FROM alerts WHERE created_at >= ?1 AND created_at < ?2";
// Tag counts of the period's alerts, once; the top tags and the ATT&CK
// techniques ("attack.t1110", "T1059.001") both come from them.
constexpr char kTagsSql[] =
    "WITH tags AS MATERIALIZED ("
    "  SELECT t.tag AS tag, COUNT(*) AS n FROM alerts a JOIN alert_tags t ON t.alert_id = a.id "
    "  WHERE a.created_at >= ?1 AND a.created_at < ?2 GROUP BY t.tag) "
    "SELECT 0, tag, n FROM (SELECT tag, n FROM tags ORDER BY n DESC, tag LIMIT ?3) "
    "UNION ALL "
    "SELECT 1, technique, n FROM (SELECT upper(replace(tag, 'attack.', '')) AS technique, SUM(n) AS n "
    "  FROM tags WHERE lower(tag) GLOB 'attack.t[0-9][0-9][0-9][0-9]*' OR tag GLOB 'T[0-9][0-9][0-9][0-9]*' "
    "  GROUP BY technique ORDER BY n DESC, technique LIMIT ?3) "
    "ORDER BY 1, 3 DESC, 2";
// Observables by links in the period: counted by id (no label per group), the
// best ?3 by count, then labelled. Ties on the last count are all fetched so
// that the label order breaks them as the table is defined.
constexpr char kTopObservableIdsSql[] =
    "SELECT observable_id, COUNT(*) AS n FROM observable_links "
    "WHERE object_type = 'alert' AND created_at >= ?1 AND created_at < ?2 "
    "GROUP BY observable_id ORDER BY n DESC LIMIT ?3";
constexpr char kObservableLabelSql[] = "SELECT type || ':' || value FROM observables WHERE id = ?1";

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

using Tally = std::map<std::string, int64_t>;

// A tally as a table: count descending, then label, at most `top_n` rows.
Counts Top(const Tally& tally, int top_n) {
  Counts out(tally.begin(), tally.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > static_cast<size_t>(std::max(0, top_n))) out.resize(static_cast<size_t>(std::max(0, top_n)));
  return out;
}

std::string SeverityLabel(int64_t severity) {
  switch (severity) {
    case 4:
      return "critical";
    case 3:
      return "high";
    case 2:
      return "medium";
    default:
      return "low";
  }
}

Result<int64_t> CountInRange(db::Database& db, const char* sql, int64_t from, int64_t to) {
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
  st.BindAll(from, to);
  WF_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int64(0) : 0;
}

Result<Counts> ByDay(db::Database& db, int64_t from, int64_t to) {
  constexpr size_t kMaxDays = 3660;
  Counts out;
  WF_ASSIGN_OR_RETURN(db::Statement next, db.Prepare(kNextAlertSql));
  WF_ASSIGN_OR_RETURN(db::Statement count, db.Prepare(kCountAlertsSql));
  int64_t cursor = from;
  while (cursor < to && out.size() < kMaxDays) {
    next.Reset();
    next.BindAll(cursor, to);
    WF_ASSIGN_OR_RETURN(bool row, next.Step());
    if (!row || next.IsNull(0)) break;
    const int64_t first = next.Int64(0);
    const int64_t day_start = first / kDayMs * kDayMs;
    const int64_t day_end = std::min(to, day_start + kDayMs);
    count.Reset();
    count.BindAll(std::max(from, day_start), day_end);
    WF_ASSIGN_OR_RETURN(bool counted, count.Step());
    // date(created_at / 1000, 'unixepoch'): the UTC day.
    out.emplace_back(FormatRfc3339(day_start).substr(0, 10), counted ? count.Int64(0) : 0);
    cursor = day_end;
  }
  return out;
}

// Top observables by alert links in the period, labelled `type:value`.
Result<Counts> TopObservables(db::Database& db, int64_t from, int64_t to, int top_n) {
  if (top_n <= 0) return Counts{};
  // One more than asked: when it ties with the last one kept, fetch more.
  for (int64_t fetch = top_n + 1;; fetch *= 2) {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kTopObservableIdsSql));
    st.BindAll(from, to, fetch);
    std::vector<std::pair<int64_t, int64_t>> ids;  // observable id, count
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ids.emplace_back(st.Int64(0), st.Int64(1));
    }
    const bool complete = static_cast<int64_t>(ids.size()) < fetch;
    // Every row tied with the last one kept must be fetched: a tie may sort
    // before it by label. Rows come by count descending, so when the last
    // fetched row counts less than the cut, no unfetched row ties it.
    if (!complete && ids.back().second == ids[static_cast<size_t>(top_n) - 1].second) continue;
    Counts out;
    WF_ASSIGN_OR_RETURN(db::Statement label, db.Prepare(kObservableLabelSql));
    for (const auto& [id, n] : ids) {
      label.Reset();
      label.BindAll(id);
      WF_ASSIGN_OR_RETURN(bool row, label.Step());
      if (row) out.emplace_back(label.Text(0), n);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (out.size() > static_cast<size_t>(top_n)) out.resize(static_cast<size_t>(top_n));
    return out;
  }
}

}  // namespace

std::vector<std::string> AlertReportStatements() {
  return {kAlertGroupsSql, kUnruledSql,  kDeliveriesSql,         kNextAlertSql,
          kCountAlertsSql, kTagsSql,     kTopObservableIdsSql,   kObservableLabelSql};
}

Result<AlertReport> ComputeAlertReport(db::Database& db, int64_t from, int64_t to, int top_n) {
  AlertReport r;
  Tally by_source, by_format, rules;
  std::map<int64_t, int64_t, std::greater<>> by_severity;
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kAlertGroupsSql));
    st.BindAll(from, to);
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const int64_t n = st.Int64(5);
      const std::string status = st.Text(3);
      r.alerts += n;
      if (status == "imported") r.promoted += n;
      if (status == "ignored") r.ignored += n;
      by_source[st.Text(0)] += n;
      by_format[st.Text(1)] += n;
      by_severity[st.Int64(2)] += n;
      if (!st.IsNull(4)) rules[st.Text(4)] += st.Int64(6);
    }
  }
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kUnruledSql));
    st.BindAll(from, to);
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      rules[st.Text(0)] += st.Int64(1);
    }
  }
  WF_ASSIGN_OR_RETURN(r.deliveries, CountInRange(db, kDeliveriesSql, from, to));
  // A delivery either created its alert (same millisecond as the alert's
  // creation, first delivery row) or was folded into an existing one.
  r.duplicates_suppressed = r.deliveries > r.alerts ? r.deliveries - r.alerts : 0;
  r.by_source = Top(by_source, top_n);
  r.by_format = Top(by_format, top_n);
  for (const auto& [severity, n] : by_severity) {
    if (static_cast<int>(r.by_severity.size()) >= top_n) break;
    r.by_severity.emplace_back(SeverityLabel(severity), n);
  }
  r.top_rules = Top(rules, top_n);
  WF_ASSIGN_OR_RETURN(r.by_day, ByDay(db, from, to));
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kTagsSql));
    st.BindAll(from, to, static_cast<int64_t>(top_n));
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      (st.Int64(0) == 0 ? r.top_tags : r.mitre_techniques).emplace_back(st.Text(1), st.Int64(2));
    }
  }
  WF_ASSIGN_OR_RETURN(r.top_observables, TopObservables(db, from, to, top_n));
  return r;
}

}  // namespace wf::ingest
