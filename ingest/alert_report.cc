#include "ingest/alert_report.h"

#include <algorithm>
#include <map>
#include <optional>
#include <queue>

#include "core/clock.h"

namespace wf::ingest {

namespace {

// Every statement reads only the period's entries of a covering index
// (migration 8: alerts_created, alert_deliveries_received,
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
// Top observables. The period's links of an observable are at most all its
// alert links (observable_alert_links, kept by triggers): observables are
// visited most linked first and counted in the period through the links'
// primary key, until the next one's total is below the current top-N cut —
// no later one can reach it. At a million alerts that is the 20 hot ones and
// one more. When the period's counts are too flat for that (short periods),
// after kMaxCandidates visits the period's links are grouped instead: the
// period is then short and its links few.
constexpr char kCandidatesSql[] =
    "SELECT observable_id, links FROM observable_alert_links ORDER BY links DESC";
// Through the primary key (observable_id, object_type): the unary + keeps the
// planner off observable_links_created, which would read the whole period.
constexpr char kPeriodLinksSql[] =
    "SELECT COUNT(*) FROM observable_links "
    "WHERE observable_id = ?1 AND object_type = 'alert' AND +created_at >= ?2 AND +created_at < ?3";
constexpr char kGroupedLinksSql[] =
    "SELECT observable_id, COUNT(*) AS n FROM observable_links "
    "WHERE object_type = 'alert' AND created_at >= ?1 AND created_at < ?2 "
    "GROUP BY observable_id ORDER BY n DESC LIMIT ?3";
// Alerts a routing rule ignored, per rule (the partial index alerts_suppressed).
constexpr char kSuppressedSql[] =
    "SELECT COALESCE(r.name, 'rule #' || a.suppressed_by), COUNT(*) FROM alerts a "
    "LEFT JOIN routing_rules r ON r.id = a.suppressed_by "
    "WHERE a.suppressed_by IS NOT NULL AND a.created_at >= ?1 AND a.created_at < ?2 "
    "GROUP BY a.suppressed_by ORDER BY 2 DESC, 1";
constexpr char kObservableLabelSql[] = "SELECT type || ':' || value FROM observables WHERE id = ?1";
constexpr int kMaxCandidates = 2000;

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

using IdCounts = std::vector<std::pair<int64_t, int64_t>>;  // observable id, links in the period

// The top `top_n` by count and every row tied with the last of them, by the
// grouped query (fetching more while the cut is tied).
Result<IdCounts> GroupedTop(db::Database& db, int64_t from, int64_t to, int top_n) {
  for (int64_t fetch = top_n + 1;; fetch *= 2) {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kGroupedLinksSql));
    st.BindAll(from, to, fetch);
    IdCounts ids;
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ids.emplace_back(st.Int64(0), st.Int64(1));
    }
    // Rows come by count descending: when the last fetched counts less than
    // the cut, no unfetched row ties it.
    if (static_cast<int64_t>(ids.size()) < fetch ||
        ids.back().second < ids[static_cast<size_t>(top_n) - 1].second) {
      return ids;
    }
  }
}

// The same set by visiting the most linked observables first; nullopt when
// that would take more than kMaxCandidates visits.
Result<std::optional<IdCounts>> ThresholdTop(db::Database& db, int64_t from, int64_t to, int top_n) {
  WF_ASSIGN_OR_RETURN(db::Statement candidates, db.Prepare(kCandidatesSql));
  WF_ASSIGN_OR_RETURN(db::Statement period, db.Prepare(kPeriodLinksSql));
  IdCounts found;
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> best;  // the top_n counts so far
  for (int visited = 0;; ++visited) {
    WF_ASSIGN_OR_RETURN(bool row, candidates.Step());
    if (!row) break;
    const int64_t total = candidates.Int64(1);
    if (static_cast<int>(best.size()) == top_n && total < best.top()) break;
    if (visited == kMaxCandidates) return std::optional<IdCounts>();
    const int64_t id = candidates.Int64(0);
    period.Reset();
    period.BindAll(id, from, to);
    WF_ASSIGN_OR_RETURN(bool counted, period.Step());
    const int64_t n = counted ? period.Int64(0) : 0;
    if (n == 0) continue;
    found.emplace_back(id, n);
    best.push(n);
    if (static_cast<int>(best.size()) > top_n) best.pop();
  }
  if (static_cast<int>(best.size()) == top_n) {
    const int64_t cut = best.top();
    std::erase_if(found, [cut](const auto& f) { return f.second < cut; });
  }
  return std::optional<IdCounts>(std::move(found));
}

// Top observables by alert links in the period, labelled `type:value`; ties
// broken by label.
Result<Counts> TopObservables(db::Database& db, int64_t from, int64_t to, int top_n) {
  if (top_n <= 0) return Counts{};
  WF_ASSIGN_OR_RETURN(std::optional<IdCounts> ids, ThresholdTop(db, from, to, top_n));
  if (!ids) {
    WF_ASSIGN_OR_RETURN(ids, GroupedTop(db, from, to, top_n));
  }
  Counts out;
  WF_ASSIGN_OR_RETURN(db::Statement label, db.Prepare(kObservableLabelSql));
  for (const auto& [id, n] : *ids) {
    label.Reset();
    label.BindAll(id);
    WF_ASSIGN_OR_RETURN(bool row, label.Step());
    if (row) out.emplace_back(label.Text(0), n);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (out.size() > static_cast<size_t>(top_n)) out.resize(static_cast<size_t>(top_n));
  return out;
}

}  // namespace

std::vector<std::string> AlertReportStatements() {
  return {kAlertGroupsSql, kUnruledSql,  kDeliveriesSql,         kNextAlertSql,
          kCountAlertsSql, kTagsSql,     kCandidatesSql,         kPeriodLinksSql,
          kGroupedLinksSql, kObservableLabelSql, kSuppressedSql};
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
  {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(kSuppressedSql));
    st.BindAll(from, to);
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      r.suppressed += st.Int64(1);
      if (static_cast<int>(r.suppressed_by_rule.size()) < top_n) r.suppressed_by_rule.emplace_back(st.Text(0), st.Int64(1));
    }
  }
  return r;
}

}  // namespace wf::ingest
