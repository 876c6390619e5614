#include "tests/bench/alert_factory.h"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "tests/bench/rng.h"

namespace wf::bench {

namespace {

struct Rule {
  std::string_view name;
  std::string_view title;  // {0} user, {1} host, {2} source ip, {3} number
  std::string_view severity;
  std::string_view tags;  // JSON array items
  std::string_view log;   // the log line the description quotes
};

constexpr std::array<Rule, 12> kRules = {{
    {"SSH brute force", "Multiple failed SSH logins for {0} from {2}", "high",
     R"("authentication", "attack.t1110")",
     "sshd[{3}]: Failed password for {0} from {2} port 52144 ssh2"},
    {"Windows logon failure burst", "Account {0} failed to log on {3} times on {1}", "medium",
     R"("authentication", "windows", "attack.t1110.001")",
     "EventID 4625 An account failed to log on. Account Name: {0} Workstation: {1}"},
    {"Encoded PowerShell command", "Encoded PowerShell launched by {0} on {1}", "high",
     R"("execution", "attack.t1059.001")",
     "powershell.exe -NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIA"},
    {"Credential dumping (mimikatz)", "mimikatz signature in process memory on {1}", "critical",
     R"("credential-access", "attack.t1003.001")",
     "lsass.exe handle opened by rundll32.exe with PROCESS_VM_READ (mimikatz sekurlsa pattern)"},
    {"Malware hash match", "Known-bad file executed on {1} by {0}", "critical",
     R"("malware", "attack.t1204.002")",
     "process create image C:\\\\Users\\\\{0}\\\\AppData\\\\Local\\\\Temp\\\\inv_{3}.exe"},
    {"DNS query to newly registered domain", "{1} resolved a domain registered this week", "medium",
     R"("dns", "attack.t1071.004")", "named[{3}]: client {2}#53011: query: A IN"},
    {"Outbound connection to TOR exit node", "{1} connected to a TOR exit node", "high",
     R"("network", "attack.t1090.003")",
     "conn state=SF proto=tcp service=ssl orig_h={2} resp_p=443"},
    {"Impossible travel", "{0} signed in from two countries within 10 minutes", "medium",
     R"("identity", "attack.t1078")", "signin user={0} result=success ip={2} country=BR prev=FR"},
    {"Port scan detected", "{2} scanned {3} ports on {1}", "low", R"("network", "attack.t1046")",
     "suricata[{3}]: ET SCAN Potential SSH Scan OUTBOUND {2} -> {1}"},
    {"Web shell access", "POST to a suspicious script on {1} from {2}", "high",
     R"("web", "attack.t1505.003")", "POST /uploads/cmd.aspx?c=whoami 200 {2} Mozilla/5.0"},
    {"New privileged account", "{0} was added to Domain Admins on {1}", "high",
     R"("identity", "attack.t1098")",
     "EventID 4728 A member was added to a security-enabled global group: {0}"},
    {"Large outbound transfer", "{1} sent {3} MB to an external host", "medium",
     R"("exfiltration", "attack.t1048")", "flow bytes_out={3}000000 src={1} dst_port=443"},
}};

constexpr std::array<std::string_view, 6> kSources = {"wazuh-manager-01", "wazuh-manager-02",
                                                      "elastic-siem",     "suricata-dmz",
                                                      "splunk-es",        "sentinel-prod"};

// Filler for the raw event's log text, to reach the body size of a real alert.
constexpr std::string_view kFiller =
    "agent.version=4.7.2 decoder=json rule.firedtimes=3 rule.mail=false manager=wazuh-manager-01 "
    "location=/var/log/auth.log cluster=soc-primary input.type=log ecs.version=8.11.0 "
    "event.module=system event.dataset=system.auth host.os.family=debian host.os.kernel=6.1.0 "
    "observer.vendor=Wazuh observer.product=Wazuh process.pid=4412 process.name=sshd "
    "related.hosts=jump-01 network.transport=tcp network.direction=inbound tags=beats_input ";

constexpr std::array<std::string_view, 8> kHotIps = {
    "185.220.101.4", "45.155.205.233", "193.32.162.12", "89.248.165.52",
    "141.98.10.60",  "92.63.197.153",  "194.26.29.113", "162.142.125.9"};

std::string Hex(Rng& rng, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(digits));
  uint64_t bits = 0;
  for (int i = 0; i < digits; ++i) {
    if (i % 16 == 0) {
      bits = rng.Next();
    }
    out += kHex[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

}  // namespace

AlertFactory::AlertFactory(AlertFactoryOptions options)
    : options_(options), state_(options.seed * 0x2545F4914F6CDD1DULL + 1) {}

GeneratedAlert AlertFactory::Next() {
  Rng rng(state_);
  state_ = rng.Next();
  GeneratedAlert out;
  if (distinct_ > 0 && rng.Chance(options_.duplicate_ratio)) {
    const uint64_t horizon = std::min<uint64_t>(distinct_, options_.duplicate_horizon);
    out.alert = distinct_ - 1 - rng.Below(horizon);
    out.duplicate = true;
  } else {
    out.alert = distinct_++;
  }
  const bool new_tag = out.duplicate && rng.Chance(options_.duplicate_new_tag_ratio);
  out.body = Body(out.alert, produced_++, new_tag);
  return out;
}

std::string AlertFactory::Body(uint64_t alert, uint64_t delivery, bool new_tag) const {
  // Everything about an alert derives from (seed, alert), so a duplicate is
  // the same alert again; only the event time differs between deliveries.
  Rng rng(options_.seed ^ (alert * 0x9E3779B97F4A7C15ULL));
  const Rule& rule = kRules[rng.Below(kRules.size())];
  const std::string_view source = kSources[rng.Below(kSources.size())];
  const std::string user = fmt::format("u{:03}", rng.Below(uint64_t{500}));
  const std::string host = fmt::format("ws-{:04}.corp.example", rng.Below(uint64_t{2000}));
  const std::string src_ip = rng.Chance(0.10)
                                 ? std::string(kHotIps[rng.Below(kHotIps.size())])
                                 : fmt::format("{}.{}.{}.{}", 11 + rng.Below(uint64_t{180}), rng.Below(uint64_t{256}),
                                               rng.Below(uint64_t{256}), 1 + rng.Below(uint64_t{254}));
  const std::string dst_ip = rng.Chance(0.30) ? std::string("10.0.0.53")
                                              : fmt::format("10.{}.{}.{}", 1 + rng.Below(uint64_t{20}),
                                                            rng.Below(uint64_t{250}), 1 + rng.Below(uint64_t{254}));
  const std::string domain = rng.Chance(0.20) ? std::string("login.microsoftonline.com")
                                              : fmt::format("cdn{}.{}-{}.net", rng.Below(uint64_t{100}),
                                                            Hex(rng, 8), rng.Below(uint64_t{1000}));
  const std::string hash = Hex(rng, 64);
  const uint64_t number = 3 + rng.Below(uint64_t{500});
  const int observable_count = 3 + static_cast<int>(rng.Below(uint64_t{3}));

  const std::string title = fmt::format(fmt::runtime(rule.title), user, host, src_ip, number);
  const std::string log = fmt::format(fmt::runtime(rule.log), user, host, src_ip, number);
  std::string observables =
      fmt::format(R"({{"type": "ip", "value": "{}"}}, {{"type": "hostname", "value": "{}"}}, )"
                  R"({{"type": "user", "value": "{}"}})",
                  src_ip, host, user);
  if (observable_count >= 4) {
    observables += fmt::format(R"(, {{"type": "ip", "value": "{}"}})", dst_ip);
  }
  if (observable_count >= 5) {
    observables += rng.Chance(0.5)
                       ? fmt::format(R"(, {{"type": "hash", "value": "{}", "ioc": true}})", hash)
                       : fmt::format(R"(, {{"type": "domain", "value": "{}"}})", domain);
  }
  const int64_t event_time = options_.base_time_ms + static_cast<int64_t>(delivery) * 7 +
                             static_cast<int64_t>(alert % 1000);
  std::string body = fmt::format(
      R"({{"source": "{}", "source_ref": "bench-{}-{}", "rule_name": "{}", "title": "{}", )"
      R"("description": "Rule '{}' matched on {} (user {}, peer {}). Log: {}. Investigate the )"
      R"(account activity and the peer address; see the runbook for this rule.", )"
      R"("severity": "{}", "tlp": "amber", "event_time": {}, "tags": ["bench", {}], )"
      R"("observables": [{}], "raw": {{"rule": {{"id": "{}", "level": {}, "description": "{}"}}, )"
      R"("agent": {{"name": "{}", "ip": "{}"}}, "data": {{"srcip": "{}", "dstip": "{}", "user": "{}"}}, )"
      R"("full_log": ")",
      source, options_.seed, alert, rule.name, title, rule.name, host, user, src_ip, log,
      rule.severity, event_time,
      new_tag ? fmt::format(R"({}, "refired")", rule.tags) : std::string(rule.tags), observables,
      100000 + alert % 5000, 3 + alert % 12, rule.name, host, dst_ip, src_ip, dst_ip, user);
  body += log;
  body += ' ';
  // Pad with realistic log text up to the target size, leaving room for the tail.
  constexpr std::string_view kTail = R"("}})";
  while (body.size() + kTail.size() < options_.body_bytes) {
    const size_t room = options_.body_bytes - body.size() - kTail.size();
    body.append(kFiller.substr(0, std::min(room, kFiller.size())));
  }
  while (!body.empty() && body.back() == ' ') {
    body.pop_back();
  }
  body += kTail;
  return body;
}

}  // namespace wf::bench
