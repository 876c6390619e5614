#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/request_context.h"
#include "cases/case_service.h"
#include "core/clock.h"
#include "ingest/alert_service.h"

namespace wf::api {

namespace {

using Row = std::vector<std::string>;
struct Table {
  std::string name;
  Row header;
  std::vector<Row> rows;
};

std::string Num(const std::optional<double>& v) {
  return v ? fmt::format("{:.0f}", *v) : std::string();
}

std::string Pct(int64_t part, int64_t whole) {
  return whole ? fmt::format("{:.1f}", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : std::string();
}

Table Pairs(std::string name, std::string key, const std::vector<std::pair<std::string, int64_t>>& pairs) {
  Table t{std::move(name), {std::move(key), "count"}, {}};
  for (const auto& [k, v] : pairs) t.rows.push_back({k, std::to_string(v)});
  return t;
}

std::vector<Table> BuildTables(const ingest::AlertReport& a, const cases::CaseReport& c) {
  std::vector<Table> out;
  out.push_back({"totals",
                 {"figure", "value"},
                 {{"alerts", std::to_string(a.alerts)},
                  {"deliveries", std::to_string(a.deliveries)},
                  {"duplicates_suppressed", std::to_string(a.duplicates_suppressed)},
                  {"alerts_promoted", std::to_string(a.promoted)},
                  {"alerts_ignored", std::to_string(a.ignored)},
                  {"alerts_suppressed", std::to_string(a.suppressed)},
                  {"promotion_rate_pct", Pct(a.promoted, a.alerts)},
                  {"cases_opened", std::to_string(c.opened)},
                  {"cases_resolved", std::to_string(c.resolved)},
                  {"cases_closed", std::to_string(c.closed)}}});
  out.push_back(Pairs("alerts_by_source", "source", a.by_source));
  out.push_back(Pairs("alerts_by_format", "format", a.by_format));
  out.push_back(Pairs("alerts_by_severity", "severity", a.by_severity));
  out.push_back(Pairs("alerts_by_day", "day", a.by_day));
  Table sev{"cases_by_severity",
            {"severity", "opened", "acknowledged", "mean_ack_ms", "p90_ack_ms", "resolved", "mean_resolve_ms",
             "p90_resolve_ms", "ack_within_sla", "ack_sla_pct", "resolved_within_sla", "resolve_sla_pct"},
            {}};
  for (const auto& s : c.by_severity) {
    sev.rows.push_back({std::string(SeverityName(s.severity)), std::to_string(s.opened),
                        std::to_string(s.acknowledged), Num(s.time_to_ack.mean_ms), Num(s.time_to_ack.p90_ms),
                        std::to_string(s.resolved), Num(s.time_to_resolve.mean_ms), Num(s.time_to_resolve.p90_ms),
                        std::to_string(s.acknowledged_within_sla), Pct(s.acknowledged_within_sla, s.acknowledged),
                        std::to_string(s.resolved_within_sla), Pct(s.resolved_within_sla, s.resolved)});
  }
  out.push_back(std::move(sev));
  out.push_back(Pairs("escalations_to_tier", "tier", c.escalations_to_tier));
  out.push_back(Pairs("resolutions", "resolution", c.resolutions));
  Table analysts{"analysts", {"login", "open_assigned", "resolved", "median_resolve_ms"}, {}};
  for (const auto& x : c.analysts) {
    analysts.rows.push_back({x.login, std::to_string(x.open_assigned), std::to_string(x.resolved),
                             Num(x.median_resolve_ms)});
  }
  out.push_back(std::move(analysts));
  out.push_back(Pairs("top_rules", "rule", a.top_rules));
  out.push_back(Pairs("suppressed_by_rule", "routing_rule", a.suppressed_by_rule));
  out.push_back(Pairs("top_alert_tags", "tag", a.top_tags));
  out.push_back(Pairs("top_case_tags", "tag", c.top_tags));
  out.push_back(Pairs("mitre_techniques", "technique", a.mitre_techniques));
  out.push_back(Pairs("top_observables", "observable", a.top_observables));
  return out;
}

std::string Csv(const Table& t) {
  auto cell = [](const std::string& v) {
    std::string s = v;
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(s.begin(), '\'');
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) {
      if (ch == '"') q.push_back('"');
      q.push_back(ch);
    }
    return q + "\"";
  };
  std::string out;
  auto line = [&](const Row& r) {
    for (size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + cell(r[i]);
    out += "\r\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
  return out;
}

// GET /api/v1/reports/summary?from=&to=[&format=csv&table=NAME]
void Summary(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto from = ctx->TimeQuery("from");
  auto to = ctx->TimeQuery("to");
  if (!from.ok()) return RespondError(*ctx, respond, from.status());
  if (!to.ok()) return RespondError(*ctx, respond, to.status());
  int64_t now = ctx->services.clock.NowMs();
  int64_t t1 = to->value_or(now);
  int64_t t0 = from->value_or(t1 - 30LL * 24 * 3600 * 1000);
  if (t0 >= t1) return RespondError(*ctx, respond, Status::InvalidArgument("from must be before to"));
  auto limit = ctx->LimitQuery(10, 100);
  if (!limit.ok()) return RespondError(*ctx, respond, limit.status());
  auto a = ctx->services.alerts.Report(t0, t1, *limit);
  if (!a.ok()) return RespondError(*ctx, respond, a.status());
  auto c = ctx->services.cases.Report(t0, t1, *limit);
  if (!c.ok()) return RespondError(*ctx, respond, c.status());
  auto tables = BuildTables(*a, *c);
  std::string format = ctx->query.Get("format").value_or("json");
  if (format == "csv") {
    std::string name = ctx->query.Get("table").value_or("");
    for (const auto& t : tables) {
      if (t.name != name) continue;
      HttpResponse r;
      r.content_type = "text/csv; charset=utf-8";
      r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}.csv\"", t.name));
      r.body = Csv(t);
      return respond(std::move(r));
    }
    std::string names;
    for (const auto& t : tables) names += (names.empty() ? "" : ", ") + t.name;
    return RespondError(*ctx, respond, Status::InvalidArgument(fmt::format("table must be one of: {}", names)));
  }
  if (format != "json") return RespondError(*ctx, respond, Status::InvalidArgument("format must be json or csv"));
  JsonBuilder b;
  b.BeginObject().Key("from").Time(t0).Key("to").Time(t1);
  for (const auto& t : tables) {
    b.Key(t.name).BeginArray();
    for (const auto& row : t.rows) {
      b.BeginObject();
      for (size_t i = 0; i < row.size(); ++i) {
        b.Key(t.header[i]);
        const std::string& v = row[i];
        bool numeric = !v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) != 0) &&
                       v.find_first_not_of("0123456789.") == std::string::npos && i > 0;
        if (v.empty() && i > 0) {
          b.Null();
        } else if (numeric) {
          b.Double(std::stod(v));
        } else {
          b.String(v);
        }
      }
      b.EndObject();
    }
    b.EndArray();
  }
  b.EndObject();
  RespondJson(respond, b.Take());
}

}  // namespace

void RegisterReportRoutes(Router& r) {
  r.Add("GET", "/api/v1/reports/summary", Summary, AuthMode::kUser, BodyKind::kNone);
}

}  // namespace wf::api
