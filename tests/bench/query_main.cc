// wf_bench_query: server-side latency of the reads analysts wait for, on a
// database filled by wf_bench_seed (issue 6 targets at a million alerts):
// the alert queue, alert search, the case list, observable lookup, related
// objects, detail pages — through the same service calls the handlers make
// (AlertService, CaseService, ObservableService on a ReadPool). Also the
// start-up time of ServerApp::Create on the file, the process RSS after the
// queries, and EXPLAIN QUERY PLAN of every statement those calls ran.
// Never asserts on time.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "api/server_app.h"
#include "cases/case_service.h"
#include "cases/case_store.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/read_pool.h"
#include "core/writer.h"
#include "ingest/alert_service.h"
#include "ingest/formats/registry.h"
#include "observables/observable_service.h"
#include "tests/bench/alert_factory.h"
#include "tests/bench/latency.h"
#include "tests/bench/query_plan.h"
#include "tests/bench/report.h"

namespace wf::bench {
namespace {

using Steady = std::chrono::steady_clock;

struct Flags {
  std::string db_path = "var/bench/bench.db";
  std::string targets_path;  // default: <db>.targets
  int iterations = 1000;
  int warmup = 20;
  bool explain = true;
  int startups = 5;
  int budget_s = 20;    // per query, once it has 100 samples
  std::string summary;  // tab-separated figures appended for run.sh
  std::string only;     // run only the queries whose name contains this
  int report_samples = 20;  // measured calls of each summary report, at least
};

// key → values, from the seeder's targets file.
using Targets = std::map<std::string, std::vector<std::string>>;

Targets ReadTargets(const std::string& path) {
  Targets out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const size_t space = line.find(' ');
    if (space == std::string::npos) {
      continue;
    }
    out[line.substr(0, space)].push_back(line.substr(space + 1));
  }
  return out;
}

// One measured read: called with the iteration number, returns the rows it
// got (or an error).
struct Query {
  std::string name;
  std::string target;  // the figure, if any
  std::function<Result<int64_t>(int)> run;
  int min_samples = 100;  // measured calls before the time budget may stop it
};

struct Measured {
  LatencyStats latency;
  int64_t rows = 0;
  int64_t empty = 0;
  std::string error;
};

// Runs `q` `warmup` times unmeasured, then `iterations` times measured, but
// stops once `budget` has passed: the warm-up after one call, the measured
// calls once there are `q.min_samples` of them.
Measured Measure(const Query& q, int warmup, int iterations, std::chrono::seconds budget) {
  Measured m;
  const auto deadline = Steady::now() + budget;
  for (int i = 0; i < warmup; ++i) {
    if (i > 0 && Steady::now() > deadline) {
      break;
    }
    if (Result<int64_t> r = q.run(i); !r.ok()) {
      m.error = r.status().ToString();
      return m;
    }
  }
  for (int i = 0; i < iterations; ++i) {
    if (i >= q.min_samples && Steady::now() > deadline) {
      break;
    }
    const auto started = Steady::now();
    Result<int64_t> r = q.run(warmup + i);
    const auto took = Steady::now() - started;
    if (!r.ok()) {
      m.error = r.status().ToString();
      return m;
    }
    m.latency.Add(took);
    m.rows += *r;
    m.empty += *r == 0 ? 1 : 0;
  }
  return m;
}

// An observable target: "type value".
struct ObservableTarget {
  std::optional<observables::ObservableType> type;
  std::string value;
};

std::vector<ObservableTarget> Observables(const Targets& t, const std::string& key) {
  std::vector<ObservableTarget> out;
  auto it = t.find(key);
  if (it == t.end()) {
    return out;
  }
  for (const auto& line : it->second) {
    const size_t space = line.find(' ');
    ObservableTarget o;
    o.type = observables::ParseObservableType(line.substr(0, space));
    o.value = space == std::string::npos ? line : line.substr(space + 1);
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<int64_t> Ids(const Targets& t, const std::string& key) {
  std::vector<int64_t> out;
  auto it = t.find(key);
  if (it != t.end()) {
    for (const auto& v : it->second) {
      out.push_back(std::stoll(v));
    }
  }
  return out;
}

std::vector<std::string> Strings(const Targets& t, const std::string& key) {
  auto it = t.find(key);
  return it == t.end() ? std::vector<std::string>() : it->second;
}

template <typename T>
const T& Cycle(const std::vector<T>& v, int i) {
  return v[static_cast<size_t>(i) % v.size()];
}

int Main(int argc, char** argv) {
  Flags flags;
  CLI::App cli{"Watchfloor query benchmark on a seeded database (issue 6)"};
  cli.add_option("--db", flags.db_path, "Database filled by wf_bench_seed")->capture_default_str();
  cli.add_option("--targets", flags.targets_path, "Targets file (default: <db>.targets)");
  cli.add_option("--iterations", flags.iterations, "Measured calls per query")
      ->capture_default_str();
  cli.add_option("--warmup", flags.warmup, "Unmeasured calls first")->capture_default_str();
  cli.add_option("--max-seconds", flags.budget_s, "Time budget per query (at least 100 calls)")
      ->capture_default_str();
  cli.add_option("--startups", flags.startups, "ServerApp::Create runs to time")
      ->capture_default_str();
  cli.add_flag("!--no-explain", flags.explain, "Skip EXPLAIN QUERY PLAN");
  cli.add_option("--summary", flags.summary, "Append the figures, tab-separated, to this file");
  cli.add_option("--only", flags.only, "Run only the queries whose name contains this text");
  cli.add_option("--report-samples", flags.report_samples,
                 "Measured summary reports at least, whatever the time budget")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (flags.targets_path.empty()) {
    flags.targets_path = flags.db_path + ".targets";
  }
  if (Status st = crypto::InitCrypto(); !st.ok()) {
    fmt::print("error: {}\n", st.ToString());
    return 1;
  }
  if (FileBytes(flags.db_path) == 0) {
    fmt::print("error: no database at {} (run wf_bench_seed first)\n", flags.db_path);
    return 2;
  }
  const Targets targets = ReadTargets(flags.targets_path);
  if (targets.empty()) {
    fmt::print("error: no targets in {} (written by wf_bench_seed)\n", flags.targets_path);
    return 2;
  }
  fmt::print("wf_bench_query: {} ({} MB), {} iterations per query after {} warm-up; load {}\n\n",
             flags.db_path, Thousands(static_cast<double>(FileBytes(flags.db_path)) / 1e6),
             flags.iterations, flags.warmup, LoadAverage());
  std::fflush(stdout);

  // Start-up: ServerApp::Create (open, migrate, services) and Start (listen).
  LatencyStats create_time, start_time;
  double first_create_ms = 0;
  for (int i = 0; i < flags.startups; ++i) {
    Config config;
    config.db_path = flags.db_path;
    config.listen = "127.0.0.1:0";
    config.log_level = "warn";
    const auto t0 = Steady::now();
    auto app = api::ServerApp::Create(config);
    const auto t1 = Steady::now();
    if (!app.ok()) {
      fmt::print("error: ServerApp::Create: {}\n", app.status().ToString());
      return 1;
    }
    if (Status st = (*app)->Start(); !st.ok()) {
      fmt::print("error: ServerApp::Start: {}\n", st.ToString());
      return 1;
    }
    const auto t2 = Steady::now();
    (*app)->Stop();
    create_time.Add(t1 - t0);
    if (i == 0) {
      first_create_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    }
    start_time.Add(t2 - t1);
  }
  log::SetLevel("warn");

  // The services exactly as ServerApp wires them; no writes are made.
  auto write_db = api::OpenAndMigrate(flags.db_path);
  if (!write_db.ok()) {
    fmt::print("error: {}\n", write_db.status().ToString());
    return 1;
  }
  Writer writer(std::move(*write_db));
  db::ReadPool reads(flags.db_path);
  SystemClock clock;
  ingest::AlertService alerts(writer, reads, clock);
  cases::CaseService case_service(writer, reads, clock);
  observables::ObservableService observable_service(writer, reads, clock);

  const auto hot = Observables(targets, "hot_observable");
  const auto warm = Observables(targets, "warm_observable");
  const auto rare = Observables(targets, "rare_observable");
  const auto related_alerts = Ids(targets, "related_alert");
  const auto related_cases = Ids(targets, "related_case");
  const auto fts_rare = Strings(targets, "fts_rare");
  const auto assignees = Strings(targets, "assignee");
  std::vector<int64_t> assignee_ids;
  for (const auto& login : assignees) {
    if (auto id = case_service.UserId(login); id.ok()) {
      assignee_ids.push_back(*id);
    }
  }
  int64_t newest_alert = 1;
  if (auto page = alerts.List({}); page.ok() && !page->alerts.empty()) {
    newest_alert = page->alerts.front().id;
  }

  auto alert_page = [&](ingest::AlertFilter f) -> Result<int64_t> {
    WF_ASSIGN_OR_RETURN(auto page, alerts.List(std::move(f)));
    return static_cast<int64_t>(page.alerts.size());
  };
  auto case_page = [&](cases::CaseFilter f) -> Result<int64_t> {
    f.limit = 51;  // as the handler asks: one more tells whether a next page exists
    WF_ASSIGN_OR_RETURN(auto list, case_service.List(std::move(f)));
    return static_cast<int64_t>(list.size());
  };
  auto lookup = [&](const ObservableTarget& o) -> Result<int64_t> {
    WF_ASSIGN_OR_RETURN(auto r, observable_service.Lookup(o.value, o.type));
    return r.seen ? static_cast<int64_t>(1 + r.seen->links.size()) : 0;
  };
  auto status_filter = [](std::vector<ingest::AlertStatus> s) {
    ingest::AlertFilter f;
    f.statuses = std::move(s);
    return f;
  };
  using S = ingest::AlertStatus;
  using CS = cases::CaseStatus;
  std::vector<Query> queries;
  queries.push_back({"alert queue: status=new, newest 50", "p99 < 5 ms",
                     [&](int) { return alert_page(status_filter({S::kNew})); }});
  queries.push_back({"alert queue: status=new,updated", "p99 < 5 ms", [&](int) {
                       return alert_page(status_filter({S::kNew, S::kUpdated}));
                     }});
  queries.push_back({"alert queue: status=ignored", "p99 < 5 ms",
                     [&](int) { return alert_page(status_filter({S::kIgnored})); }});
  queries.push_back({"alert queue: status=new, severity=critical", "p99 < 5 ms", [&](int) {
                       auto f = status_filter({S::kNew});
                       f.severity = Severity::kCritical;
                       return alert_page(f);
                     }});
  queries.push_back({"alert queue: status=new, next pages (cursor)", "p99 < 5 ms", [&](int i) {
                       auto f = status_filter({S::kNew});
                       f.before_id = newest_alert - (static_cast<int64_t>(i) * 7919) % newest_alert;
                       return alert_page(f);
                     }});
  queries.push_back(
      {"alert queue: all statuses, newest 50", "p99 < 5 ms", [&](int) { return alert_page({}); }});
  queries.push_back({"alert search: q=mimikatz, newest 50", "", [&](int) {
                       ingest::AlertFilter f;
                       f.q = "mimikatz";
                       return alert_page(f);
                     }});
  if (!fts_rare.empty()) {
    queries.push_back({"alert search: q=<one alert's word>", "", [&](int i) {
                         ingest::AlertFilter f;
                         f.q = Cycle(fts_rare, i);
                         return alert_page(f);
                       }});
  }
  queries.push_back({"alert search: q=mimikatz AND status=new", "", [&](int) {
                       auto f = status_filter({S::kNew});
                       f.q = "mimikatz";
                       return alert_page(f);
                     }});
  queries.push_back({"case list: newest 50", "p99 < 5 ms", [&](int) { return case_page({}); }});
  queries.push_back({"case list: status=open,in_progress", "p99 < 5 ms", [&](int) {
                       cases::CaseFilter f;
                       f.statuses = {CS::kOpen, CS::kInProgress};
                       return case_page(f);
                     }});
  queries.push_back({"case list: tier=L2, status=escalated", "p99 < 5 ms", [&](int) {
                       cases::CaseFilter f;
                       f.tier = 2;
                       f.statuses = {CS::kEscalated};
                       return case_page(f);
                     }});
  if (!assignee_ids.empty()) {
    queries.push_back({"case list: assignee=<analyst>, open", "p99 < 5 ms", [&](int i) {
                         cases::CaseFilter f;
                         f.assignee_id = Cycle(assignee_ids, i);
                         f.statuses = {CS::kOpen, CS::kInProgress};
                         return case_page(f);
                       }});
  }
  queries.push_back({"case list: sla_breached=true", "p99 < 5 ms", [&](int) {
                       cases::CaseFilter f;
                       f.sla_breached = true;
                       return case_page(f);
                     }});
  if (!rare.empty()) {
    queries.push_back({"observable lookup: rare value", "p99 < 1 ms",
                       [&](int i) { return lookup(Cycle(rare, i)); }});
  }
  if (!warm.empty()) {
    queries.push_back({"observable lookup: warm value", "p99 < 1 ms",
                       [&](int i) { return lookup(Cycle(warm, i)); }});
  }
  if (!hot.empty()) {
    queries.push_back({"observable lookup: hot value (10.0.0.53)", "p99 < 1 ms",
                       [&](int i) { return lookup(Cycle(hot, i)); }});
  }
  if (!related_alerts.empty()) {
    queries.push_back(
        {"related to an alert (shared observables)", "", [&](int i) -> Result<int64_t> {
           WF_ASSIGN_OR_RETURN(auto r,
                               observable_service.RelatedTo("alert", Cycle(related_alerts, i), 50));
           return static_cast<int64_t>(r.size());
         }});
    queries.push_back({"alert detail (Get)", "", [&](int i) -> Result<int64_t> {
                         WF_ASSIGN_OR_RETURN(auto d, alerts.Get(Cycle(related_alerts, i)));
                         return static_cast<int64_t>(1 + d.observables.size());
                       }});
  }
  if (!related_cases.empty()) {
    queries.push_back({"related to a case (shared observables)", "", [&](int i) -> Result<int64_t> {
                         WF_ASSIGN_OR_RETURN(auto r, observable_service.RelatedTo(
                                                         "case", Cycle(related_cases, i), 50));
                         return static_cast<int64_t>(r.size());
                       }});
    queries.push_back({"case detail (Get)", "", [&](int i) -> Result<int64_t> {
                         WF_ASSIGN_OR_RETURN(
                             auto d, case_service.Get(std::to_string(Cycle(related_cases, i))));
                         return static_cast<int64_t>(1 + d.observables.size() + d.alert_ids.size());
                       }});
  }

  // GET /api/v1/search: the handler's calls (every type, `limit` 20, merged by
  // rank); a common word, one alert's word, a phrase, a prefix.
  auto search = [&](const std::string& q) -> Result<int64_t> {
    constexpr int kLimit = 20;
    WF_ASSIGN_OR_RETURN(auto hits, alerts.Search(q, kLimit));
    for (const char* kind : {"case", "comment", "task_log"}) {
      WF_ASSIGN_OR_RETURN(auto more, case_service.Search(kind, q, kLimit));
      hits.insert(hits.end(), more.begin(), more.end());
    }
    return static_cast<int64_t>(std::min<size_t>(hits.size(), kLimit));
  };
  const std::string search_target = "p99 < 50 ms";
  queries.push_back({"search: q=mimikatz (common word)", search_target,
                     [&](int) { return search("mimikatz"); }});
  if (!fts_rare.empty()) {
    queries.push_back({"search: q=<one alert's word> (rare)", search_target,
                       [&](int i) { return search(Cycle(fts_rare, i)); }});
  }
  queries.push_back({"search: q=\"credential dumping\" (phrase)", search_target,
                     [&](int) { return search("\"credential dumping\""); }});
  queries.push_back({"search: q=powersh* (prefix)", search_target,
                     [&](int) { return search("powersh*"); }});
  queries.push_back({"search: q=mimikatz NOT lsass (boolean)", search_target,
                     [&](int) { return search("mimikatz NOT lsass"); }});

  // GET /api/v1/reports/summary: the handler's two calls (`limit` 10), for the
  // 30 days and the year before the seed's end.
  const std::vector<int64_t> seeded_at = Ids(targets, "created_ms");
  const int64_t period_end = seeded_at.empty() ? clock.NowMs() : seeded_at.front();
  auto summary = [&](int64_t days) -> Result<int64_t> {
    const int64_t from = period_end - days * 24 * 3600 * 1000;
    WF_ASSIGN_OR_RETURN(auto a, alerts.Report(from, period_end, 10));
    WF_ASSIGN_OR_RETURN(auto c, case_service.Report(from, period_end, 10));
    return a.alerts + c.opened;
  };
  queries.push_back({"summary report: 30 days", "< 500 ms", [&](int) { return summary(30); },
                     flags.report_samples});
  queries.push_back({"summary report: 1 year (all the data)", "",
                     [&](int) { return summary(365); }, flags.report_samples});

  if (!flags.only.empty()) {
    std::erase_if(queries,
                  [&](const Query& q) { return q.name.find(flags.only) == std::string::npos; });
  }

  // Query plans: every statement each call runs, traced on the pool's connection.
  int full_scans = 0, temp_sorts = 0;
  std::string plans;
  if (flags.explain) {
    db::Database* traced = nullptr;
    {
      auto lease = reads.Acquire();
      if (!lease.ok()) {
        fmt::print("error: {}\n", lease.status().ToString());
        return 1;
      }
      traced = &lease->db();
    }  // back in the pool: the services' next lease is this connection
    SqlRecorder recorder(*traced);
    std::vector<std::string> explained;
    for (const Query& q : queries) {
      (void)q.run(0);
      for (const std::string& sql : recorder.Take()) {
        if (std::find(explained.begin(), explained.end(), sql) != explained.end()) {
          continue;
        }
        explained.push_back(sql);
        PlanReport plan = Explain(*traced, sql);
        full_scans += plan.full_scans;
        temp_sorts += plan.temp_sorts;
        plans += fmt::format("[{}]\n  {}\n{}", q.name, sql, plan.text);
      }
    }
  }

  // The write path too: the statements one alert (new, then re-fired with a
  // new tag) and one case (created, then updated) run, traced on the writer's
  // connection inside a unit that then fails on purpose, so that it is rolled
  // back and the database stays as seeded.
  int write_full_scans = 0;
  if (flags.explain) {
    AlertFactory factory;
    auto parsed = ingest::ParseBody("generic", factory.Next().body);
    if (!parsed.ok() || parsed->alerts.empty()) {
      fmt::print("error: a generated alert does not parse\n");
      return 1;
    }
    const ingest::NormalizedAlert probe = parsed->alerts.front();
    std::vector<std::string> explained;
    const Status rolled_back = Status::Internal("the write-path probe rolls back on purpose");
    Status st = writer.Run([&](db::Database& db) -> Status {
      SqlRecorder recorder(db);
      auto explain_step = [&](const std::string& step) {
        for (const std::string& sql : recorder.Take()) {
          if (std::find(explained.begin(), explained.end(), sql) != explained.end()) {
            continue;
          }
          explained.push_back(sql);
          PlanReport plan = Explain(db, sql);
          write_full_scans += plan.full_scans;
          plans += fmt::format("[write: {}]\n  {}\n{}", step, sql, plan.text);
        }
      };
      const int64_t now = clock.NowMs();
      ingest::DeliveryMeta meta;
      meta.actor = "bench";
      meta.remote_addr = "127.0.0.1";
      meta.payload_sha256 = std::string(64, '0');
      meta.bytes = 1536;
      ingest::NormalizedAlert alert = probe;
      WF_RETURN_IF_ERROR(ingest::StoreAlert(db, alert, meta, {}, now).status());
      explain_step("new alert (StoreAlert)");
      alert.tags.push_back("explain-probe");
      WF_RETURN_IF_ERROR(ingest::StoreAlert(db, alert, meta, {}, now).status());
      explain_step("alert re-fired with a new tag (StoreAlert)");
      cases::NewCase spec;
      spec.title = "explain probe";
      spec.tags = {"probe"};
      WF_ASSIGN_OR_RETURN(cases::Case c,
                          cases::CreateCaseTx(db, spec, {"system", "bench", "local"}, {}, now));
      explain_step("new case (CreateCaseTx)");
      c.status = cases::CaseStatus::kInProgress;
      WF_RETURN_IF_ERROR(cases::UpdateCase(db, c));
      explain_step("case update (UpdateCase)");
      return rolled_back;
    });
    if (st.message() != rolled_back.message()) {
      fmt::print("error: write-path probe: {}\n", st.ToString());
      return 1;
    }
  }

  Table table({"query", "calls", "p50 ms", "p90 ms", "p99 ms", "max ms", "rows/call", "target",
               "load before"});
  std::vector<std::string> errors;
  for (const Query& q : queries) {
    const std::string load_before = LoadAverage();
    Measured m = Measure(q, flags.warmup, flags.iterations, std::chrono::seconds(flags.budget_s));
    if (!m.error.empty()) {
      errors.push_back(fmt::format("{}: {}", q.name, m.error));
      continue;
    }
    const double p99 = m.latency.PercentileMs(0.99);
    std::string verdict = q.target;
    if (q.target == "p99 < 5 ms") {
      verdict += p99 < 5 ? " met" : " NOT met";
    } else if (q.target == "p99 < 1 ms") {
      verdict += p99 < 1 ? " met" : " NOT met";
    } else if (q.target == "p99 < 50 ms") {
      verdict += p99 < 50 ? " met" : " NOT met";
    } else if (q.target == "< 500 ms") {
      verdict += p99 < 500 ? " met (p99)" : " NOT met (p99)";
    }
    table.AddRow({q.name, Thousands(static_cast<double>(m.latency.count())),
                  Fixed(m.latency.PercentileMs(0.5), 3), Fixed(m.latency.PercentileMs(0.9), 3),
                  Fixed(p99, 3), Fixed(m.latency.MaxMs(), 2),
                  Fixed(static_cast<double>(m.rows) /
                            static_cast<double>(std::max<size_t>(1, m.latency.count())),
                        1),
                  verdict, load_before});
    AppendSummary(flags.summary, {"query", q.name, "", Fixed(m.latency.PercentileMs(0.5), 3),
                                  Fixed(p99, 3), verdict, load_before});
    fmt::print("  {:<48} p50 {} ms  p99 {} ms\n", q.name, Fixed(m.latency.PercentileMs(0.5), 3),
               Fixed(p99, 3));
    std::fflush(stdout);
  }
  const int64_t rss = ProcStatusKib("VmRSS");
  const int64_t rss_anon = ProcStatusKib("RssAnon");
  const int64_t rss_file = ProcStatusKib("RssFile");
  const int64_t hwm = ProcStatusKib("VmHWM");

  const double startup_ms = create_time.PercentileMs(0.5) + start_time.PercentileMs(0.5);
  AppendSummary(
      flags.summary,
      {"startup", "ServerApp::Create + Start (median)", Fixed(startup_ms, 1) + " ms", "", "",
       std::string("< 300 ms ") + (startup_ms < 300 ? "met" : "NOT met"), LoadAverage()});
  AppendSummary(flags.summary,
                {"memory", "RSS after the queries (anonymous + file)",
                 Fixed(static_cast<double>(rss) / 1024, 1) + " MB", "", "",
                 std::string("< 200 MB ") + (rss < 200 * 1024 ? "met" : "NOT met"), LoadAverage()});
  if (flags.explain) {
    AppendSummary(flags.summary,
                  {"plans", "EXPLAIN: full scans of big tables (reads / writes)",
                   fmt::format("{} / {}", full_scans, write_full_scans), "", "",
                   full_scans + write_full_scans == 0 ? "none: met" : "NOT met (see the plans)",
                   LoadAverage()});
  }
  fmt::print("\n{}\n", table.Render());
  for (const auto& e : errors) {
    fmt::print("error: {}\n", e);
  }
  fmt::print(
      "start-up on this file: ServerApp::Create median {} ms (first {} ms, max {} ms); Start {} ms"
      " (target < 300 ms: {})\n",
      Fixed(create_time.PercentileMs(0.5), 1), Fixed(first_create_ms, 1),
      Fixed(create_time.MaxMs(), 1), Fixed(start_time.PercentileMs(0.5), 1),
      startup_ms < 300 ? "met" : "NOT met");
  fmt::print(
      "RSS after the queries: {} MB (anonymous {} MB, file-backed {} MB; peak {} MB) (target < 200 "
      "MB: {})\n",
      Fixed(static_cast<double>(rss) / 1024, 1), Fixed(static_cast<double>(rss_anon) / 1024, 1),
      Fixed(static_cast<double>(rss_file) / 1024, 1), Fixed(static_cast<double>(hwm) / 1024, 1),
      rss < 200 * 1024 ? "met" : "NOT met");
  if (flags.explain) {
    fmt::print("\nwrite path: {} full scans of big tables per alert or case written\n",
               write_full_scans);
    fmt::print(
        "\nEXPLAIN QUERY PLAN of every statement above ({} full scans of big tables, {} sorts of "
        "all matching rows):\n{}",
        full_scans, temp_sorts, plans);
  }
  fmt::print("\nload now {}\n", LoadAverage());
  writer.Stop();
  return errors.empty() ? 0 : 1;
}

}  // namespace
}  // namespace wf::bench

int main(int argc, char** argv) { return wf::bench::Main(argc, argv); }
