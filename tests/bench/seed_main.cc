// wf_bench_seed: fills a database for the query benchmarks (issue 6) quickly:
// directly through the stores (CreateCaseTx, InsertAlert, InsertDelivery,
// UpsertAndLink) in big transactions, not over HTTP.
//
// Distributions meant to look like a SOC's year:
//  - users: an admin, 12 L1, 5 L2 and 3 L3 analysts, 2 managers;
//  - cases: 75 % L1, 20 % L2, 5 % L3; mostly closed, a working set open;
//    90 % assigned to an analyst of their tier;
//  - alerts: 45 % new, 10 % updated (re-fired, several deliveries), 30 %
//    ignored, 15 % imported into a case of about the same time;
//  - observables: a few hot ones linked to tens of thousands of objects (the
//    DNS server, the identity provider), 5,000 warm ones (hundreds of links),
//    the rest rare; every --observables value exists, every link is distinct.
// Alongside the database it writes <db>.targets: values and ids the query
// benchmark looks up (hot, warm and rare observables, related alerts...).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "api/server_app.h"
#include "cases/case_service.h"
#include "cases/case_store.h"
#include "core/auth_store.h"
#include "core/crypto.h"
#include "core/log.h"
#include "ingest/alert_store.h"
#include "observables/normalize.h"
#include "observables/observable_store.h"
#include "tests/bench/rng.h"
#include "tests/bench/report.h"

namespace wf::bench {
namespace {

using observables::ObservableType;

constexpr char kAdminPassword[] = "bench-admin-password";
constexpr int64_t kHot = 20;     // observables 0..19
constexpr int64_t kWarm = 5000;  // observables 20..5019
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct Flags {
  std::string db_path = "var/bench/bench.db";
  int64_t alerts = 1000000;
  int64_t cases = 50000;
  int64_t observables = 1000000;
  int64_t links = 5000000;
  int64_t batch = 5000;  // objects per transaction
  int64_t days = 180;    // the time the data spans, ending now
  uint64_t seed = 7;
  bool force = false;
};

// Picks an index from cumulative weights in percent.
template <size_t N>
size_t Pick(Rng& rng, const std::array<int, N>& weights) {
  int r = static_cast<int>(rng.Below(uint64_t{100}));
  for (size_t i = 0; i < N; ++i) {
    if (r < weights[i]) {
      return i;
    }
    r -= weights[i];
  }
  return N - 1;
}

// The observable with index i: its type and canonical value (as the
// normaliser writes it, so lookups by value find it). Distinct per index.
struct ObservableValue {
  ObservableType type = ObservableType::kOther;
  std::string value;
};

ObservableValue ValueOf(int64_t i) {
  const auto u = static_cast<uint64_t>(i);
  if (i == 0) {
    return {ObservableType::kIp, "10.0.0.53"};
  }
  if (i == 1) {
    return {ObservableType::kDomain, "login.microsoftonline.com"};
  }
  if (i == 2) {
    return {ObservableType::kIp, "185.220.101.4"};
  }
  ObservableValue v;
  switch (u % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7: {
      // A bijection of the index onto addresses: no two indexes share one.
      const uint64_t mixed = (u * 0x9E3779B1ULL) & 0xFFFFFF;
      v = {ObservableType::kIp, fmt::format("{}.{}.{}.{}", 11 + (u >> 24), (mixed >> 16) & 255,
                                            (mixed >> 8) & 255, mixed & 255)};
      break;
    }
    case 8:
    case 9:
    case 10:
    case 11:
      v = {ObservableType::kDomain, fmt::format("cdn{}.example-{}.net", u, u % 997)};
      break;
    case 12:
    case 13:
    case 14:
      v = {ObservableType::kHash, crypto::Sha256Hex(fmt::format("sample-{}", u))};
      break;
    case 15:
    case 16:
      v = {ObservableType::kHostname, fmt::format("ws-{}.corp.example", u)};
      break;
    case 17:
    case 18:
      v = {ObservableType::kUser, fmt::format("svc_{}", u)};
      break;
    default:
      v = {ObservableType::kMail, fmt::format("user{}@mail{}.example.org", u, u % 97)};
      break;
  }
  return v;
}

// Draws observables for links so that exactly `total` distinct ones exist
// once `links` links are drawn, new ones arriving at an even pace, and
// re-used ones skewed towards the hot and warm sets.
class ObservablePicker {
 public:
  ObservablePicker(int64_t total, int64_t links, uint64_t seed)
      : total_(total), links_(links), rng_(seed) {}

  int64_t Pick(const std::vector<int64_t>& avoid) {
    const int64_t remaining_links = std::max<int64_t>(1, links_ - drawn_);
    ++drawn_;
    const double p_new =
        static_cast<double>(total_ - created_) / static_cast<double>(remaining_links);
    if (created_ < total_ && (created_ == 0 || rng_.Unit() < p_new)) {
      return created_++;
    }
    for (int attempt = 0; attempt < 20; ++attempt) {
      const double r = rng_.Unit();
      int64_t i;
      if (r < 0.12 && created_ > kHot) {
        i = rng_.Below(kHot);
      } else if (r < 0.40 && created_ > kHot + kWarm) {
        i = kHot + rng_.Below(kWarm);
      } else {
        i = rng_.Below(created_);
      }
      if (std::find(avoid.begin(), avoid.end(), i) == avoid.end()) {
        return i;
      }
    }
    return created_ < total_ ? created_++ : rng_.Below(created_);
  }

  // A link to an observable chosen elsewhere (an imported alert sharing its
  // case's evidence) still uses up one of the links.
  void CountReuse() { ++drawn_; }

  int64_t created() const { return created_; }

 private:
  int64_t total_, links_;
  int64_t created_ = 0;
  int64_t drawn_ = 0;
  Rng rng_;
};

struct Rule {
  std::string_view name, title, words;
  Severity severity;
  std::string_view tag;
};

constexpr std::array<Rule, 12> kRules = {{
    {"SSH brute force", "Multiple failed SSH logins on {}", "sshd failed password invalid user",
     Severity::kHigh, "attack.t1110"},
    {"Windows logon failure burst", "Repeated logon failures for an account on {}",
     "eventid 4625 account failed to log on", Severity::kMedium, "attack.t1110.001"},
    {"Encoded PowerShell command", "Encoded PowerShell launched on {}",
     "powershell encodedcommand noprofile bypass", Severity::kHigh, "attack.t1059.001"},
    {"Credential dumping (mimikatz)", "mimikatz signature in process memory on {}",
     "mimikatz sekurlsa lsass handle process_vm_read", Severity::kCritical, "attack.t1003.001"},
    {"Malware hash match", "Known-bad file executed on {}", "malware hash match quarantine failed",
     Severity::kCritical, "attack.t1204.002"},
    {"DNS query to newly registered domain", "{} resolved a domain registered this week",
     "dns query newly registered domain", Severity::kMedium, "attack.t1071.004"},
    {"Outbound connection to TOR exit node", "{} connected to a TOR exit node",
     "tor exit node outbound tls", Severity::kHigh, "attack.t1090.003"},
    {"Impossible travel", "Sign-ins from two countries within 10 minutes on {}",
     "impossible travel signin countries", Severity::kMedium, "attack.t1078"},
    {"Port scan detected", "Port scan against {}", "suricata scan ports syn", Severity::kLow,
     "attack.t1046"},
    {"Web shell access", "POST to a suspicious script on {}", "webshell post aspx whoami",
     Severity::kHigh, "attack.t1505.003"},
    {"New privileged account", "Account added to Domain Admins on {}",
     "eventid 4728 domain admins member added", Severity::kHigh, "attack.t1098"},
    {"Large outbound transfer", "{} sent an unusual volume to an external host",
     "exfiltration bytes_out volume", Severity::kMedium, "attack.t1048"},
}};

constexpr std::array<std::string_view, 6> kKinds = {"generic", "elastic",  "wazuh",
                                                    "splunk",  "suricata", "sentinel"};
constexpr std::array<std::string_view, 6> kSources = {"siem-generic-01",  "elastic-siem",
                                                      "wazuh-manager-01", "splunk-es",
                                                      "suricata-dmz",     "sentinel-prod"};

constexpr std::string_view kFiller =
    "agent.version=4.7.2 decoder=json rule.firedtimes=3 manager=wazuh-manager-01 "
    "location=/var/log/auth.log cluster=soc-primary input.type=log ecs.version=8.11.0 "
    "event.module=system event.dataset=system.auth host.os.family=debian host.os.kernel=6.1.0 "
    "observer.vendor=Wazuh process.pid=4412 network.transport=tcp network.direction=inbound ";

std::string RawEvent(int64_t alert, const Rule& rule, const std::string& host) {
  std::string raw =
      fmt::format(R"({{"rule":{{"id":"{}","level":{},"description":"{}"}},"agent":{{"name":"{}"}},)"
                  R"("data":{{"seq":{}}},"full_log":")",
                  100000 + alert % 5000, 3 + alert % 12, rule.name, host, alert);
  while (raw.size() < 1150) {
    raw.append(kFiller.substr(0, std::min(kFiller.size(), 1150 - raw.size())));
  }
  raw += "\"}";
  return raw;
}

class Progress {
 public:
  explicit Progress(int64_t total) : total_(total), start_(std::chrono::steady_clock::now()) {}

  void Advance(int64_t n = 1) {
    done_ += n;
    while (total_ > 0 && done_ * 20 >= (next_step_ * total_) && next_step_ <= 20) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
      const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
      fmt::print("[{:3}%] {}/{} objects  {}/s  elapsed {:.0f} s  ETA {:.0f} s  (load {})\n",
                 next_step_ * 5, Thousands(static_cast<double>(done_)),
                 Thousands(static_cast<double>(total_)), Thousands(rate), elapsed, eta,
                 LoadAverage());
      std::fflush(stdout);
      ++next_step_;
    }
  }
  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  int64_t total_;
  int64_t done_ = 0;
  int64_t next_step_ = 1;
  std::chrono::steady_clock::time_point start_;
};

// Commits every `batch` objects; one transaction open at a time.
class Batcher {
 public:
  Batcher(db::Database& db, int64_t batch) : db_(db), batch_(batch) {}

  Status Step() {
    if (!tx_) {
      tx_ = std::make_unique<db::Transaction>(db_);
      WF_RETURN_IF_ERROR(tx_->Begin());
    }
    if (++in_tx_ >= batch_) {
      return Flush();
    }
    return Status::Ok();
  }
  Status Flush() {
    if (tx_) {
      // What the server's writer does before each commit: index new alerts.
      WF_RETURN_IF_ERROR(ingest::IndexNewAlerts(db_));
      Status st = tx_->Commit();
      tx_.reset();
      in_tx_ = 0;
      return st;
    }
    return Status::Ok();
  }

 private:
  db::Database& db_;
  int64_t batch_;
  int64_t in_tx_ = 0;
  std::unique_ptr<db::Transaction> tx_;
};

struct Analysts {
  std::vector<auth::User> by_tier[4];  // users able to work tier 1, 2, 3
};

Result<Analysts> SeedUsers(db::Database& db, int64_t now) {
  crypto::PasswordHashCost cost;
  cost.ops = 1;
  cost.mem_bytes = 8 * 1024;
  WF_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(kAdminPassword, cost));
  Analysts out;
  db::Transaction tx(db);
  WF_RETURN_IF_ERROR(tx.Begin());
  auto add = [&](const std::string& login, auth::Role role) -> Status {
    auth::User u;
    u.login = login;
    u.name = login;
    u.role = role;
    u.created_at = u.updated_at = now;
    WF_ASSIGN_OR_RETURN(auth::User created, auth::InsertUser(db, u, hash));
    for (int tier = 1; tier <= 3; ++tier) {
      if (auth::MaxWorkTier(role) >= tier && role != auth::Role::kManager) {
        out.by_tier[tier].push_back(created);
      }
    }
    return Status::Ok();
  };
  WF_RETURN_IF_ERROR(add("admin", auth::Role::kAdmin));
  for (int i = 1; i <= 12; ++i) {
    WF_RETURN_IF_ERROR(add(fmt::format("l1-{:02}", i), auth::Role::kL1));
  }
  for (int i = 1; i <= 5; ++i) {
    WF_RETURN_IF_ERROR(add(fmt::format("l2-{:02}", i), auth::Role::kL2));
  }
  for (int i = 1; i <= 3; ++i) {
    WF_RETURN_IF_ERROR(add(fmt::format("l3-{:02}", i), auth::Role::kL3));
  }
  for (int i = 1; i <= 2; ++i) {
    WF_RETURN_IF_ERROR(add(fmt::format("manager-{:02}", i), auth::Role::kManager));
  }
  WF_RETURN_IF_ERROR(tx.Commit());
  return out;
}

// Link counts per object spread evenly: object k of n gets its share of `links`.
int64_t ShareOf(int64_t links, int64_t objects, int64_t k) {
  if (objects <= 0) {
    return 0;
  }
  return (k + 1) * links / objects - k * links / objects;
}

struct Targets {
  std::vector<std::string> lines;
  void Add(std::string_view key, const std::string& value) {
    lines.push_back(fmt::format("{} {}", key, value));
  }
};

Status Seed(const Flags& flags) {
  if (std::filesystem::exists(flags.db_path)) {
    if (!flags.force) {
      return Status::AlreadyExists(fmt::format("{} exists; --force replaces it", flags.db_path));
    }
    for (const char* suffix : {"", "-wal", "-shm", ".targets"}) {
      std::filesystem::remove(flags.db_path + suffix);
    }
  }
  WF_ASSIGN_OR_RETURN(auto db_owner, api::OpenAndMigrate(flags.db_path));
  db::Database& db = *db_owner;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const int64_t span = flags.days * kDayMs;
  const int64_t begin = now - span;
  Rng rng(flags.seed);
  Targets targets;

  WF_ASSIGN_OR_RETURN(Analysts analysts, SeedUsers(db, begin));
  const int64_t case_links = std::min(flags.links / 10, flags.cases * 10);
  const int64_t alert_links = flags.links - case_links;
  ObservablePicker picker(flags.observables, flags.links, flags.seed * 31 + 1);
  Progress progress(flags.cases + flags.alerts);
  Batcher batcher(db, flags.batch);
  fmt::print("seeding {}: {} alerts, {} cases, {} observables, {} links (load {})\n", flags.db_path,
             Thousands(static_cast<double>(flags.alerts)),
             Thousands(static_cast<double>(flags.cases)),
             Thousands(static_cast<double>(flags.observables)),
             Thousands(static_cast<double>(flags.links)), LoadAverage());
  std::fflush(stdout);

  auto link = [&](ObservableType type, const std::string& value, bool ioc,
                  std::string_view object_type, int64_t object_id, int64_t when) -> Status {
    return observables::UpsertAndLink(db, type, value, ioc, object_type, object_id, "bench-seed",
                                      when)
        .status();
  };

  // Cases first: alerts imported later point at them.
  std::vector<int64_t> case_ids;
  std::vector<std::vector<int64_t>> case_observables;
  case_ids.reserve(static_cast<size_t>(flags.cases));
  case_observables.reserve(static_cast<size_t>(flags.cases));
  const audit::Context ctx{"system", "bench-seed", "local"};
  cases::CaseOptions case_options;
  for (int64_t k = 0; k < flags.cases; ++k) {
    const int64_t created = begin + span * k / std::max<int64_t>(1, flags.cases);
    const Rule& rule = kRules[rng.Below(kRules.size())];
    cases::NewCase spec;
    const std::string host = fmt::format("ws-{:04}.corp.example", rng.Below(uint64_t{2000}));
    spec.title = fmt::format(fmt::runtime(rule.title), host);
    spec.description = fmt::format("Opened from {} alerts. {}. Scope: {} and related accounts.",
                                   rule.name, rule.words, host);
    spec.severity = static_cast<Severity>(1 + Pick(rng, std::array<int, 4>{30, 40, 22, 8}));
    spec.tags = {std::string(rule.tag), "soc"};
    WF_ASSIGN_OR_RETURN(cases::Case c, cases::CreateCaseTx(db, spec, ctx, case_options, created));
    c.tier = static_cast<int>(1 + Pick(rng, std::array<int, 3>{75, 20, 5}));
    const auto& eligible = analysts.by_tier[c.tier];
    if (rng.Below(uint64_t{10}) != 0 && !eligible.empty()) {
      const auth::User& u = eligible[rng.Below(eligible.size())];
      c.assignee_id = u.id;
    }
    // Older cases are mostly closed; the newest are the working set.
    const double age =
        1.0 - static_cast<double>(k) / static_cast<double>(std::max<int64_t>(1, flags.cases));
    const double r = rng.Unit();
    if (age > 0.05 && r < 0.92) {
      c.status = r < 0.80 ? cases::CaseStatus::kClosed : cases::CaseStatus::kResolved;
    } else {
      c.status = static_cast<cases::CaseStatus>(Pick(rng, std::array<int, 4>{35, 40, 10, 15}));
    }
    if (c.status != cases::CaseStatus::kOpen) {
      c.acknowledged_at = created + 10 * 60 * 1000;
    }
    // One case in twenty missed its acknowledgement target.
    c.sla.ack_breached = rng.Below(uint64_t{20}) == 0;
    if (c.status == cases::CaseStatus::kAwaitingInfo) {
      c.sla.paused_at = created + 60 * 60 * 1000;
    }
    if (c.status == cases::CaseStatus::kResolved || c.status == cases::CaseStatus::kClosed) {
      c.resolved_at = created + kDayMs;
      c.resolution =
          static_cast<cases::Resolution>(Pick(rng, std::array<int, 5>{25, 45, 15, 10, 5}));
      c.root_cause = "Documented in the timeline";
      c.resolution_notes = "Contained; credentials reset; detections tuned.";
      if (c.status == cases::CaseStatus::kClosed) {
        c.closed_at = created + 2 * kDayMs;
      }
    }
    if (c.status == cases::CaseStatus::kEscalated && c.tier == 1) {
      c.tier = 2;
    }
    c.updated_at = c.closed_at.value_or(c.resolved_at.value_or(created));
    WF_RETURN_IF_ERROR(cases::UpdateCase(db, c));
    std::vector<int64_t> mine;
    const int64_t n = ShareOf(case_links, flags.cases, k);
    for (int64_t j = 0; j < n; ++j) {
      const int64_t obs = picker.Pick(mine);
      mine.push_back(obs);
      const ObservableValue v = ValueOf(obs);
      WF_RETURN_IF_ERROR(
          link(v.type, v.value, v.type == ObservableType::kHash, "case", c.id, created));
    }
    case_ids.push_back(c.id);
    case_observables.push_back(std::move(mine));
    WF_RETURN_IF_ERROR(batcher.Step());
    progress.Advance();
  }
  WF_RETURN_IF_ERROR(batcher.Flush());

  // Alerts, oldest first.
  int64_t related_alerts_found = 0;
  for (int64_t k = 0; k < flags.alerts; ++k) {
    const int64_t first_seen = begin + span * k / std::max<int64_t>(1, flags.alerts);
    const size_t rule_index = rng.Below(kRules.size());
    const Rule& rule = kRules[rule_index];
    const size_t kind = rng.Below(kKinds.size());
    const std::string host = fmt::format("ws-{:04}.corp.example", rng.Below(uint64_t{2000}));
    ingest::Alert a;
    a.fingerprint = crypto::Sha256Hex(fmt::format("bench-seed-{}-{}", flags.seed, k));
    a.source_kind = kKinds[kind];
    a.source = kSources[kind];
    a.source_ref = fmt::format("ref-{}", k);
    a.rule_name = rule.name;
    a.title = fmt::format(fmt::runtime(rule.title), host);
    // "inc<k>" is a word of this alert alone: the rare search term.
    a.description =
        fmt::format("{} on {}. Evidence: {}. Ticket inc{:07}. See the runbook for '{}'.", rule.name,
                    host, rule.words, k, rule.name);
    a.severity = rule.severity;
    a.tags = {std::string(rule.tag), std::string(kKinds[kind])};
    a.first_seen = a.created_at = first_seen;
    a.raw_first = RawEvent(k, rule, host);
    a.raw_latest = a.raw_first;
    std::optional<size_t> case_index;
    switch (Pick(rng, std::array<int, 4>{45, 10, 30, 15})) {
      case 0:
        a.status = ingest::AlertStatus::kNew;
        break;
      case 1:
        a.status = ingest::AlertStatus::kUpdated;
        a.occurrences = 2 + static_cast<int64_t>(rng.Below(uint64_t{5}));
        break;
      case 2:
        a.status = ingest::AlertStatus::kIgnored;
        break;
      default:
        if (!case_ids.empty()) {
          // A case opened around the time of the alert.
          const int64_t centre = k * static_cast<int64_t>(case_ids.size()) / flags.alerts;
          const int64_t pick = std::clamp<int64_t>(centre + rng.Below(int64_t{21}) - 10, 0,
                                                   static_cast<int64_t>(case_ids.size()) - 1);
          case_index = static_cast<size_t>(pick);
          a.status = ingest::AlertStatus::kImported;
          a.case_id = case_ids[*case_index];
        }
        break;
    }
    a.last_seen = a.first_seen + (a.occurrences - 1) * 60 * 1000;
    a.updated_at = a.last_seen;
    WF_ASSIGN_OR_RETURN(a.id, ingest::InsertAlert(db, a));
    for (int64_t d = 0; d < a.occurrences; ++d) {
      ingest::DeliveryRecord delivery;
      delivery.alert_id = a.id;
      delivery.received_at = a.first_seen + d * 60 * 1000;
      delivery.remote_addr = "10.20.0.5";
      delivery.api_key_id = 1 + static_cast<int64_t>(kind);
      delivery.payload_sha256 = a.fingerprint;
      delivery.bytes = 1536;
      WF_RETURN_IF_ERROR(ingest::InsertDelivery(db, delivery));
    }
    std::vector<int64_t> mine;
    const int64_t n = ShareOf(alert_links, flags.alerts, k);
    int64_t warm = 0;
    for (int64_t j = 0; j < n; ++j) {
      int64_t obs = -1;
      if (case_index && j < 2) {
        // Imported alerts share evidence with their case.
        const auto& theirs = case_observables[*case_index];
        for (int64_t candidate : theirs) {
          if (std::find(mine.begin(), mine.end(), candidate) == mine.end()) {
            obs = candidate;
            break;
          }
        }
      }
      if (obs < 0) {
        obs = picker.Pick(mine);
      } else {
        picker.CountReuse();
      }
      mine.push_back(obs);
      warm += obs >= kHot && obs < kHot + kWarm ? 1 : 0;
      const ObservableValue v = ValueOf(obs);
      WF_RETURN_IF_ERROR(
          link(v.type, v.value, v.type == ObservableType::kHash, "alert", a.id, first_seen));
    }
    if (warm >= 2 && related_alerts_found < 50 && k > flags.alerts / 2) {
      targets.Add("related_alert", std::to_string(a.id));
      ++related_alerts_found;
    }
    WF_RETURN_IF_ERROR(batcher.Step());
    progress.Advance();
  }
  WF_RETURN_IF_ERROR(batcher.Flush());

  // What the query benchmark looks up.
  auto observable = [](int64_t i) {
    const ObservableValue v = ValueOf(i);
    return fmt::format("{} {}", observables::ObservableTypeName(v.type), v.value);
  };
  for (int64_t i = 0; i < std::min<int64_t>(3, picker.created()); ++i) {
    targets.Add("hot_observable", observable(i));
  }
  for (int64_t i = kHot; i < std::min<int64_t>(kHot + 20, picker.created()); ++i) {
    targets.Add("warm_observable", observable(i));
  }
  Rng pick(flags.seed + 99);
  for (int i = 0; i < 50 && picker.created() > kHot + kWarm; ++i) {
    targets.Add("rare_observable",
                observable(kHot + kWarm + pick.Below(picker.created() - kHot - kWarm)));
  }
  for (int i = 0; i < 50 && !case_ids.empty(); ++i) {
    // Cases of the last tenth: the ones analysts open.
    const size_t from = case_ids.size() - std::max<size_t>(1, case_ids.size() / 10);
    targets.Add("related_case",
                std::to_string(case_ids[from + pick.Below(case_ids.size() - from)]));
  }
  targets.Add("fts_common", "mimikatz");
  for (int i = 0; i < 20 && flags.alerts > 0; ++i) {
    targets.Add("fts_rare", fmt::format("inc{:07}", pick.Below(flags.alerts)));
  }
  for (const auto& u : analysts.by_tier[1]) {
    targets.Add("assignee", u.login);
  }
  targets.Add("created_ms", std::to_string(now));
  std::ofstream out(flags.db_path + ".targets");
  out << "# written by wf_bench_seed for wf_bench_query: key value\n";
  for (const auto& line : targets.lines) {
    out << line << '\n';
  }
  const double seconds = progress.Elapsed();
  db_owner.reset();  // checkpoints and removes the WAL
  fmt::print("seeded in {:.0f} s: {} objects/s; observables created {}; file {} MB (load {})\n",
             seconds,
             Thousands(static_cast<double>(flags.cases + flags.alerts) / std::max(seconds, 1e-9)),
             Thousands(static_cast<double>(picker.created())),
             Thousands(static_cast<double>(FileBytes(flags.db_path)) / 1e6), LoadAverage());
  fmt::print("sign in to a server on it as admin / {}\n", kAdminPassword);
  return Status::Ok();
}

int Main(int argc, char** argv) {
  Flags flags;
  CLI::App cli{"Fill a Watchfloor database for the query benchmarks (issue 6)"};
  cli.add_option("--db", flags.db_path, "Database file to create")->capture_default_str();
  cli.add_option("--alerts", flags.alerts, "Alerts")->capture_default_str();
  cli.add_option("--cases", flags.cases, "Cases")->capture_default_str();
  cli.add_option("--observables", flags.observables, "Distinct observables")->capture_default_str();
  cli.add_option("--links", flags.links, "Observable links (alerts and cases)")
      ->capture_default_str();
  cli.add_option("--batch", flags.batch, "Objects per transaction")->capture_default_str();
  cli.add_option("--days", flags.days, "Days the data spans, ending now")->capture_default_str();
  cli.add_option("--seed", flags.seed, "Random seed")->capture_default_str();
  cli.add_flag("--force", flags.force, "Replace an existing database");
  CLI11_PARSE(cli, argc, argv);
  if (flags.alerts < 0 || flags.cases < 0 || flags.observables < 1 ||
      flags.links < flags.observables || flags.batch < 1 || flags.days < 1) {
    fmt::print("error: want --observables >= 1, --links >= --observables, --batch >= 1\n");
    return 2;
  }
  if (Status st = crypto::InitCrypto(); !st.ok()) {
    fmt::print("error: {}\n", st.ToString());
    return 1;
  }
  log::SetLevel("warn");
  if (Status st = Seed(flags); !st.ok()) {
    fmt::print("error: {}\n", st.ToString());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace wf::bench

int main(int argc, char** argv) { return wf::bench::Main(argc, argv); }
