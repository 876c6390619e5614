// wf_bench_ingest: durable ingest over real HTTP, compared in the same run with
// its two ceilings (issue 6):
//   http     the product's Beast server answering 201 after parsing, storing nothing;
//   storage  the same alerts through ingest::StoreAlert on a raw connection, batched;
//   server   a real ServerApp (temporary database) at full speed, closed loop;
//   rate     a real ServerApp at a fixed rate (--rate, 5,000/s by default): latency.
// With --url and --key the server paths target a running server instead.
// Prints one table; never asserts on time.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "api/http_server.h"
#include "api/server_app.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/json_parse.h"
#include "core/sqlite.h"
#include "tests/bench/alert_factory.h"
#include "tests/bench/disk_sync.h"
#include "tests/bench/latency.h"
#include "tests/bench/load_client.h"
#include "tests/bench/parse_only_handler.h"
#include "tests/bench/report.h"
#include "tests/bench/storage_ceiling.h"
#include "tests/support/http_client.h"

namespace wf::bench {
namespace {

constexpr char kPassword[] = "bench password, not a secret";

struct Flags {
  std::string url;  // http://host:port of a running server
  std::string key;  // its ingest API key
  int connections = 64;
  double duration_s = 10;
  double warmup_s = 1;
  int64_t count = 0;
  int rules = 0;  // routing rules on the storage path
  // Fixed rates of the latency paths: 5,000/s is the issue's target; a lower
  // one shows the latency when the server is not saturated.
  std::vector<double> rates = {5000};
  std::string paths = "http,storage,server,rate";
  int io_threads = 1;
  // Alerts per transaction of the storage ceiling; several give several rows.
  // 512 is the writer's largest group commit; 64 the largest one 64
  // connections can fill.
  std::vector<size_t> storage_batches = {512, 64};
  double duplicates = 0.30;
  double retag = 0.05;  // share of duplicates that bring a new tag
  size_t body_bytes = 1536;
  uint64_t seed = 1;
  std::string dir;  // work folder; a temporary one by default
  bool keep = false;
  std::string server_log_level = "info";
  std::string summary;  // tab-separated figures appended for run.sh
  // An existing database (a seeded one) for the storage and server paths
  // instead of fresh ones: ingest at a million alerts. It grows.
  std::string db;
};

struct Row {
  std::string path;
  double per_second = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  std::string load;
  std::string notes;
};

Row RowFrom(std::string path, double per_second, const LatencyStats& latency, std::string load,
            std::string notes) {
  Row r;
  r.path = std::move(path);
  r.per_second = per_second;
  r.p50 = latency.PercentileMs(0.50);
  r.p90 = latency.PercentileMs(0.90);
  r.p99 = latency.PercentileMs(0.99);
  r.max = latency.MaxMs();
  r.load = std::move(load);
  r.notes = std::move(notes);
  return r;
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/wf-bench-ingest-XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? std::string(d) : std::string();
}

// The in-process server logs JSON lines (one access line per request, as in
// production) on stderr; they go to a file so that stdout stays the report.
bool RedirectStderr(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) {
    return false;
  }
  const bool ok = dup2(fd, STDERR_FILENO) >= 0;
  close(fd);
  return ok;
}

std::string TopLevelString(const std::string& json, const char* key) {
  rapidjson::Document doc;
  if (!json::Parse(json, doc).ok() || !doc.IsObject()) {
    return {};
  }
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsString()) {
    return {};
  }
  return it->value.GetString();
}

int runs = 0;

// A ServerApp on a fresh database with an admin session and an ingest key.
struct LocalServer {
  std::unique_ptr<api::ServerApp> app;
  std::string db_path;
  std::string token;  // the admin's session
  std::string key;    // ingest scope
};

Result<LocalServer> StartLocalServer(const std::string& dir, const Flags& flags) {
  std::filesystem::create_directories(dir);
  Config config;
  config.db_path = flags.db.empty() ? dir + "/watchfloor.db" : flags.db;
  config.listen = "127.0.0.1:0";
  config.threads = flags.io_threads;
  config.log_level = flags.server_log_level;
  config.password_hash_ops = 1;  // one login at start; the cost is not what is measured
  config.password_hash_memory_kib = 8;
  LocalServer s;
  s.db_path = config.db_path;
  WF_ASSIGN_OR_RETURN(s.app, api::ServerApp::Create(config));
  WF_RETURN_IF_ERROR(s.app->Start());
  // A login of its own per run: an existing database may hold earlier ones.
  const std::string login_name = fmt::format("bench-{}-{}", getpid(), ++runs);
  WF_RETURN_IF_ERROR(s.app->CreateUser(login_name, "admin", kPassword));
  test::HttpClient client(s.app->port());
  auto login =
      client.Request("POST", "/api/v1/auth/login",
                     fmt::format(R"({{"login":"{}","password":"{}"}})", login_name, kPassword),
                     {{"Content-Type", "application/json"}});
  s.token = TopLevelString(login.body, "token");
  if (login.status != 200 || s.token.empty()) {
    return Status::Internal(fmt::format("login: HTTP {} {}", login.status, login.body));
  }
  auto key = client.Request(
      "POST", "/api/v1/api-keys", R"({"name":"bench","scopes":["ingest"]})",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + s.token}});
  s.key = TopLevelString(key.body, "key");
  if (key.status != 201 || s.key.empty()) {
    return Status::Internal(fmt::format("api key: HTTP {} {}", key.status, key.body));
  }
  return s;
}

// Mean group-commit size and commit time, from the server's /metrics.
std::string WriterSummary(uint16_t port, const std::string& token) {
  test::HttpClient client(port);
  auto r = client.Request("GET", "/metrics", {}, {{"Authorization", "Bearer " + token}});
  if (r.status != 200) {
    return "writer metrics unavailable";
  }
  std::istringstream in(r.body);
  std::string line;
  double units_sum = 0, units_count = 0, commit_sum = 0, commit_count = 0, rejected = 0;
  auto value = [](const std::string& l) {
    return std::strtod(l.c_str() + l.rfind(' ') + 1, nullptr);
  };
  while (std::getline(in, line)) {
    if (line.starts_with("watchfloor_writer_batch_units_sum ")) {
      units_sum = value(line);
    }
    if (line.starts_with("watchfloor_writer_batch_units_count ")) {
      units_count = value(line);
    }
    if (line.starts_with("watchfloor_writer_commit_seconds_sum ")) {
      commit_sum = value(line);
    }
    if (line.starts_with("watchfloor_writer_commit_seconds_count ")) {
      commit_count = value(line);
    }
    if (line.starts_with("watchfloor_writer_rejected_total ")) {
      rejected = value(line);
    }
  }
  if (units_count == 0) {
    return "no group commits";
  }
  return fmt::format("{} group commits, mean {:.1f} alerts and {:.2f} ms each, {} rejected (503)",
                     Thousands(units_count), units_sum / units_count,
                     commit_count > 0 ? 1000 * commit_sum / commit_count : 0.0,
                     Thousands(rejected));
}

// Rows written and bytes on disk per stored alert.
std::string StorageSummary(const std::string& db_path) {
  db::OpenOptions o;
  o.read_only = true;
  auto db = db::Database::Open(db_path, o);
  if (!db.ok()) {
    return "database unreadable: " + db.status().ToString();
  }
  auto count = [&](const char* table) -> int64_t {
    auto st = (*db)->Prepare(fmt::format("SELECT COUNT(*) FROM {}", table));
    if (!st.ok()) {
      return -1;
    }
    auto row = st->Step();
    return row.ok() && *row ? st->Int64(0) : -1;
  };
  const int64_t alerts = count("alerts");
  const int64_t bytes = FileBytes(db_path) + FileBytes(db_path + "-wal");
  return fmt::format(
      "{} alerts, {} deliveries, {} observables, {} links; {} B on disk per alert",
      Thousands(static_cast<double>(alerts)),
      Thousands(static_cast<double>(count("alert_deliveries"))),
      Thousands(static_cast<double>(count("observables"))),
      Thousands(static_cast<double>(count("observable_links"))),
      alerts > 0 ? Thousands(static_cast<double>(bytes) / static_cast<double>(alerts)) : "-");
}

std::string LoadNotes(const LoadResult& r) {
  std::string notes = fmt::format("{} acked", Thousands(static_cast<double>(r.acknowledged)));
  if (r.rejected) {
    notes += fmt::format(", {} got 503", Thousands(static_cast<double>(r.rejected)));
  }
  if (r.failed) {
    notes += fmt::format(", {} failed", Thousands(static_cast<double>(r.failed)));
  }
  if (r.not_sent) {
    notes += fmt::format(", {} never sent", Thousands(static_cast<double>(r.not_sent)));
  }
  if (!r.first_error.empty()) {
    notes += " (first: " + r.first_error.substr(0, 120) + ")";
  }
  return notes;
}

// CPU time the whole process (server, client or storage loop) used over a
// stretch of wall time, in cores: 2.0 means both cores of this machine.
class CpuMeter {
 public:
  CpuMeter() : cpu_(ProcessCpuSeconds()), wall_(std::chrono::steady_clock::now()) {}
  std::string Cores() const {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
    return fmt::format("CPU {:.2f} cores", wall > 0 ? (ProcessCpuSeconds() - cpu_) / wall : 0.0);
  }

 private:
  double cpu_;
  std::chrono::steady_clock::time_point wall_;
};

bool Wants(const Flags& flags, std::string_view path) {
  std::string list = "," + flags.paths + ",";
  return list.find(fmt::format(",{},", path)) != std::string::npos;
}

int Main(int argc, char** argv) {
  Flags flags;
  CLI::App cli{"Watchfloor ingest benchmark: HTTP ceiling, storage ceiling, server (issue 6)"};
  cli.add_option("--url", flags.url,
                 "A running server (http://host:port) instead of an in-process one");
  cli.add_option("--key", flags.key, "Its API key with the ingest scope (with --url)");
  cli.add_option("--connections", flags.connections, "Keep-alive connections")
      ->capture_default_str();
  cli.add_option("--duration", flags.duration_s, "Measured seconds per path")
      ->capture_default_str();
  cli.add_option("--warmup", flags.warmup_s, "Warm-up seconds before measuring")
      ->capture_default_str();
  cli.add_option("--count", flags.count,
                 "Alerts per path instead of a duration (0: use --duration)");
  cli.add_option("--rate", flags.rates, "Fixed rates (alerts/s) of the latency paths; 0 for none")
      ->delimiter(',')
      ->capture_default_str();
  cli.add_option("--paths", flags.paths, "Which paths to run, comma-separated")
      ->capture_default_str();
  cli.add_option("--io-threads", flags.io_threads, "I/O threads of the in-process servers")
      ->capture_default_str();
  cli.add_option("--storage-batch", flags.storage_batches,
                 "Alerts per transaction of the storage ceiling")
      ->delimiter(',')
      ->capture_default_str();
  cli.add_option("--rules", flags.rules,
                 "Routing rules on the storage path (BenchRules: N-1 that miss, 1 that tags every alert)")
      ->capture_default_str();
  cli.add_option("--duplicates", flags.duplicates, "Share of bodies re-sending an earlier alert")
      ->capture_default_str();
  cli.add_option("--retag", flags.retag, "Share of duplicates that bring a tag the alert lacks")
      ->capture_default_str();
  cli.add_option("--body-bytes", flags.body_bytes, "Approximate body size")->capture_default_str();
  cli.add_option("--seed", flags.seed, "Seed of the generated alerts")->capture_default_str();
  cli.add_option("--dir", flags.dir, "Work folder (default: a new temporary folder)");
  cli.add_flag("--keep", flags.keep, "Keep the work folder and its databases");
  cli.add_option("--server-log-level", flags.server_log_level,
                 "Log level of the in-process servers")
      ->capture_default_str();
  cli.add_option("--summary", flags.summary, "Append the figures, tab-separated, to this file");
  cli.add_option("--db", flags.db,
                 "Run the storage and server paths on this existing (seeded) database; it grows");
  CLI11_PARSE(cli, argc, argv);
  if (flags.storage_batches.empty()) {
    flags.storage_batches = {512};
  }

  if (Status st = crypto::InitCrypto(); !st.ok()) {
    fmt::print("error: {}\n", st.ToString());
    return 1;
  }
  const bool remote = !flags.url.empty();
  std::string remote_host;
  uint16_t remote_port = 0;
  if (remote) {
    std::string hostport = flags.url;
    if (hostport.starts_with("http://")) {
      hostport = hostport.substr(7);
    }
    while (!hostport.empty() && hostport.back() == '/') {
      hostport.pop_back();
    }
    if (Status st = SplitHostPort(hostport, &remote_host, &remote_port);
        !st.ok() || flags.key.empty()) {
      fmt::print("error: --url wants http://host:port, and --key an ingest API key\n");
      return 2;
    }
  }
  const bool temporary = flags.dir.empty();
  std::string dir = temporary ? MakeTempDir() : flags.dir;
  if (dir.empty()) {
    fmt::print("error: cannot create a temporary folder\n");
    return 1;
  }
  std::filesystem::create_directories(dir);
  const std::string server_log = dir + "/server.log";
  if (!RedirectStderr(server_log)) {
    fmt::print("error: cannot write {}\n", server_log);
    return 1;
  }

  AlertFactoryOptions factory_options;
  factory_options.seed = flags.seed;
  factory_options.duplicate_ratio = flags.duplicates;
  factory_options.body_bytes = flags.body_bytes;
  factory_options.duplicate_new_tag_ratio = flags.retag;
  // Every path sends the same alerts (same seed) to its own fresh database. On
  // a shared database (--db) the same alerts again would all be duplicates of
  // the previous path's, so each path there gets a seed of its own (same
  // distribution), different in every run.
  const bool shared_db = !flags.db.empty();
  uint64_t path_seed = flags.seed * 1000003 + static_cast<uint64_t>(time(nullptr));
  auto next_factory = [&]() {
    AlertFactoryOptions o = factory_options;
    if (shared_db) {
      o.seed = path_seed++;
    }
    return AlertFactory(o);
  };
  {
    AlertFactory sample(factory_options);
    fmt::print(
        "wf_bench_ingest: {} connections, {}, bodies of {} B, {:.0f} % duplicates ({:.0f} % of "
        "them with a new tag), {} I/O thread(s)\n",
        flags.connections,
        flags.count > 0
            ? fmt::format("{} alerts per path", flags.count)
            : fmt::format("{} s measured after {} s warm-up", flags.duration_s, flags.warmup_s),
        sample.Next().body.size(), 100 * flags.duplicates, 100 * flags.retag, flags.io_threads);
    fmt::print("machine: {} cores, {}, {:.1f} GiB; load {}; work folder {}\n\n",
               std::thread::hardware_concurrency(), CpuModel(),
               static_cast<double>(MemTotalKib()) / (1024.0 * 1024.0), LoadAverage(), dir);
    std::fflush(stdout);
  }

  LoadOptions load;
  load.connections = flags.connections;
  load.duration = std::chrono::milliseconds(static_cast<int64_t>(flags.duration_s * 1000));
  load.warmup = std::chrono::milliseconds(static_cast<int64_t>(flags.warmup_s * 1000));
  load.count = flags.count;

  std::vector<Row> rows;
  std::vector<std::string> details;
  {
    const std::string load_before = LoadAverage();
    auto sync = MeasureSyncLatency(dir, 200);
    if (sync.ok()) {
      rows.push_back(RowFrom("disk: 4 KiB write + fdatasync", 0, *sync, load_before,
                             fmt::format("{} syncs; the floor under every commit", sync->count())));
    } else {
      details.push_back("disk probe failed: " + sync.status().ToString());
    }
  }
  std::optional<double> http_rate, storage_rate, server_rate, rate_p99;
  auto progress = [](const Row& r) {
    fmt::print("  {:<44} {:>9} alerts/s  p50 {} ms  p99 {} ms  (load {})\n", r.path,
               Thousands(r.per_second), Fixed(r.p50, 2), Fixed(r.p99, 2), r.load);
    std::fflush(stdout);
  };

  if (Wants(flags, "http")) {
    const std::string load_before = LoadAverage();
    ParseOnlyHandler handler;
    api::HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = flags.io_threads;
    api::HttpServer server(o, handler);
    if (Status st = server.Start(); !st.ok()) {
      fmt::print("error: HTTP ceiling server: {}\n", st.ToString());
      return 1;
    }
    AlertFactory factory = next_factory();
    LoadTarget target;
    target.port = server.port();
    CpuMeter cpu;
    LoadResult r = RunLoad(target, load, [&factory] { return factory.Next().body; });
    const std::string cores = cpu.Cores();
    server.Stop();
    rows.push_back(RowFrom(fmt::format("HTTP ceiling (parse only, {} I/O)", flags.io_threads),
                           r.AcknowledgedPerSecond(), r.latency, load_before,
                           LoadNotes(r) + "; " + cores));
    http_rate = r.AcknowledgedPerSecond();
    progress(rows.back());
  }

  for (size_t b = 0; Wants(flags, "storage") && b < flags.storage_batches.size(); ++b) {
    const size_t batch = flags.storage_batches[b];
    const std::string load_before = LoadAverage();
    AlertFactory factory = next_factory();
    StorageCeilingOptions o;
    o.db_path = flags.db.empty() ? fmt::format("{}/storage-ceiling-{}.db", dir, batch) : flags.db;
    o.batch = batch;
    o.duration = load.duration;
    o.count = flags.count;
    o.rules = flags.rules;
    CpuMeter cpu;
    auto r = RunStorageCeiling(o, [&factory] { return factory.Next().body; });
    const std::string cores = cpu.Cores();
    if (!r.ok()) {
      fmt::print("error: storage ceiling: {}\n", r.status().ToString());
      return 1;
    }
    rows.push_back(RowFrom(flags.rules > 0 ? fmt::format("storage ceiling (StoreAlert, batch {}, {} rules)", batch, flags.rules)
                                           : fmt::format("storage ceiling (StoreAlert, batch {})", batch),
                           r->AlertsPerSecond(), r->latency, load_before,
                           fmt::format("{} alerts ({} new, {} duplicates) in {} transactions",
                                       Thousands(static_cast<double>(r->alerts)),
                                       Thousands(static_cast<double>(r->created)),
                                       Thousands(static_cast<double>(r->duplicates)),
                                       Thousands(static_cast<double>(r->batches))) +
                               "; " + cores + " (generation and parsing included)"));
    if (b == 0) {
      storage_rate = r->AlertsPerSecond();
    }
    details.push_back(
        fmt::format("storage ceiling, batch {}: {}", batch, StorageSummary(o.db_path)));
    progress(rows.back());
  }

  // One server path: a fresh in-process server per path (or the remote one).
  std::string last_cores;
  auto run_server = [&](const std::string& name, double rate) -> std::optional<LoadResult> {
    std::optional<LocalServer> local;
    LoadTarget target;
    if (remote) {
      target.host = remote_host;
      target.port = remote_port;
      target.headers.emplace_back("Authorization", "Bearer " + flags.key);
    } else {
      auto s = StartLocalServer(dir + "/" + name, flags);
      if (!s.ok()) {
        fmt::print("error: server: {}\n", s.status().ToString());
        return std::nullopt;
      }
      local = std::move(*s);
      target.port = local->app->port();
      target.headers.emplace_back("Authorization", "Bearer " + local->key);
    }
    AlertFactory factory = next_factory();
    LoadOptions o = load;
    o.rate = rate;
    CpuMeter cpu;
    LoadResult r = RunLoad(target, o, [&factory] { return factory.Next().body; });
    last_cores = remote ? std::string("CPU of the client only") : cpu.Cores();
    if (local) {
      details.push_back(
          fmt::format("{}: {}", name, WriterSummary(local->app->port(), local->token)));
      local->app->Stop();
      details.push_back(fmt::format("{}: {}", name, StorageSummary(local->db_path)));
    }
    return r;
  };

  if (Wants(flags, "server")) {
    const std::string load_before = LoadAverage();
    auto r = run_server("server", 0);
    if (!r) {
      return 1;
    }
    rows.push_back(RowFrom(fmt::format("server, closed loop, {} connections", flags.connections),
                           r->AcknowledgedPerSecond(), r->latency, load_before,
                           LoadNotes(*r) + "; " + last_cores));
    server_rate = r->AcknowledgedPerSecond();
    progress(rows.back());
  }

  for (size_t i = 0; Wants(flags, "rate") && i < flags.rates.size(); ++i) {
    const double rate = flags.rates[i];
    if (rate <= 0) {
      continue;
    }
    const std::string load_before = LoadAverage();
    auto r = run_server(fmt::format("rate-{}", static_cast<int64_t>(rate)), rate);
    if (!r) {
      return 1;
    }
    rows.push_back(RowFrom(fmt::format("server, fixed {} alerts/s", Thousands(rate)),
                           r->AcknowledgedPerSecond(), r->latency, load_before,
                           LoadNotes(*r) + "; " + last_cores));
    if (i == 0) {
      rate_p99 = r->latency.PercentileMs(0.99);
    }
    progress(rows.back());
  }

  Table table({"path", "alerts/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "load before", "notes"});
  for (const Row& r : rows) {
    table.AddRow({r.path, r.per_second > 0 ? Thousands(r.per_second) : "-", Fixed(r.p50, 2),
                  Fixed(r.p90, 2), Fixed(r.p99, 2), Fixed(r.max, 1), r.load, r.notes});
    std::string verdict;
    if (r.path.starts_with("server, closed")) {
      verdict = std::string(">= 10,000/s ") + (r.per_second >= 10000 ? "met" : "NOT met");
      if (storage_rate && *storage_rate > 0) {
        const double share = 100 * r.per_second / *storage_rate;
        verdict += fmt::format("; {:.0f} % of storage (>= 70 %: {})", share,
                               share >= 70 ? "met" : "NOT met");
      }
    } else if (r.path == fmt::format("server, fixed {} alerts/s", Thousands(5000))) {
      verdict = std::string("p99 < 20 ms ") + (r.p99 < 20 ? "met" : "NOT met");
    }
    AppendSummary(flags.summary,
                  {"ingest", r.path, r.per_second > 0 ? Thousands(r.per_second) + " alerts/s" : "",
                   Fixed(r.p50, 2), Fixed(r.p99, 2), verdict, r.load});
  }
  fmt::print("\n{}\n", table.Render());
  for (const auto& d : details) {
    fmt::print("{}\n", d);
  }
  fmt::print("\nagainst issue 6 (load now {}):\n", LoadAverage());
  if (server_rate) {
    fmt::print("  durable ingest {} alerts/s over HTTP (target >= 10,000): {}\n",
               Thousands(*server_rate), *server_rate >= 10000 ? "met" : "NOT met");
  }
  if (server_rate && storage_rate && *storage_rate > 0) {
    const double share = 100 * *server_rate / *storage_rate;
    fmt::print("  server / storage ceiling (batch {}) {:.0f} % (target >= 70 %): {}\n",
               flags.storage_batches.front(), share, share >= 70 ? "met" : "NOT met");
  }
  if (server_rate && http_rate && *http_rate > 0) {
    fmt::print("  server / HTTP ceiling {:.0f} %\n", 100 * *server_rate / *http_rate);
  }
  if (rate_p99 && flags.rates.front() == 5000) {
    fmt::print("  p99 {} ms at 5,000 alerts/s (target < 20 ms): {}\n", Fixed(*rate_p99, 2),
               *rate_p99 < 20 ? "met" : "NOT met");
  }
  std::fflush(stdout);
  if (temporary && !flags.keep) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace
}  // namespace wf::bench

int main(int argc, char** argv) { return wf::bench::Main(argc, argv); }
