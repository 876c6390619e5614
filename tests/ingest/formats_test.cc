// Tests of the sender formats (ingest/formats/*.cc) through their public entry
// point, ParseBody (ingest/formats/registry.h), over the payloads in
// samples/<format>/ and small bodies written here. Pure functions: no
// database, no clock. Table rows name themselves through INFO, so a failing
// row is identified in the report.
#include "ingest/formats/registry.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ingest/fingerprint.h"

#ifndef WATCHFLOOR_SOURCE_DIR
#define WATCHFLOOR_SOURCE_DIR "/work/main"
#endif

namespace wf::ingest {
namespace {

using Catch::Matchers::Contains;
using observables::ObservableType;
using Strings = std::vector<std::string>;

// The formats of this suite, each with a folder under samples/.
const Strings kFormats = {"elastic", "kibana",  "watcher",    "wazuh",    "splunk",
                          "graylog", "grafana", "elastalert", "suricata", "sentinel"};

std::filesystem::path SamplesDir() {
  return std::filesystem::path(WATCHFLOOR_SOURCE_DIR) / "samples";
}

std::string ReadSample(const std::string& relative) {
  std::ifstream in(SamplesDir() / relative, std::ios::binary);
  INFO("sample " << relative);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "wazuh/01-ssh-bruteforce.json" → "wazuh".
std::string FormatOf(const std::string& relative) { return relative.substr(0, relative.find('/')); }

// Every sample of a format, as "format/file.json", sorted.
Strings SamplesOf(const std::string& format) {
  Strings out;
  for (const auto& entry : std::filesystem::directory_iterator(SamplesDir() / format)) {
    if (entry.path().extension() == ".json") {
      out.push_back(format + "/" + entry.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Strings AllSamples() {
  Strings out;
  for (const auto& f : kFormats) {
    auto files = SamplesOf(f);
    out.insert(out.end(), files.begin(), files.end());
  }
  return out;
}

std::vector<NormalizedAlert> ParseOk(const std::string& format, const std::string& body) {
  auto r = ParseBody(format, body);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  CHECK(r->format == format);
  return std::move(r->alerts);
}

std::vector<NormalizedAlert> ParseSample(const std::string& relative) {
  INFO("sample " << relative);
  return ParseOk(FormatOf(relative), ReadSample(relative));
}

NormalizedAlert SampleAlert(const std::string& relative, size_t index = 0) {
  auto alerts = ParseSample(relative);
  REQUIRE(alerts.size() > index);
  return alerts[index];
}

Strings ObservableSet(const NormalizedAlert& a) {
  Strings out;
  for (const auto& o : a.observables) {
    out.push_back(std::string(observables::ObservableTypeName(o.type)) + "=" + o.value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Strings Sorted(Strings v) {
  std::sort(v.begin(), v.end());
  return v;
}

Status ParseError(const std::string& format, const std::string& body) {
  auto r = ParseBody(format, body);
  return r.ok() ? Status::Ok() : r.status();
}

// ---------------------------------------------------------------------------
// Mapping of every sample.

struct Expected {
  std::string sample;
  size_t index;
  std::string title;
  Severity severity;
  std::string source;
  std::optional<int64_t> event_time;
  Strings observables;  // sorted "type=value"
  Strings tags;         // in order
  bool resolved = false;
};

const std::vector<Expected>& ExpectedSamples() {
  const std::string kKibana = "kibana.corp.example.com";
  static const std::vector<Expected> kRows = {
      // Elastic Security
      {"elastic/01-encoded-powershell.json",
       0,
       "Suspicious PowerShell Encoded Command",
       Severity::kHigh,
       kKibana,
       1795424738114,
       {"filename=C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "hash=9785001b0dcf755eddb8af294a373c0b87b2498660f724e76c4d53f9c217c7a3", "hostname=ws-042",
        "user=jdoe"},
       {"Domain: Endpoint", "OS: Windows", "Tactic: Execution", "attack.t1059", "attack.t1059.001",
        "attack.t1027"}},
      {"elastic/03-lsass-dump-two-hosts.json",
       1,
       "Potential Credential Access via LSASS Memory Dump",
       Severity::kCritical,
       kKibana + "/s/soc",
       1795425766771,
       {"filename=C:\\Users\\svc_backup\\AppData\\Local\\Temp\\procdump64.exe", "filename=ls.dmp",
        "hash=05732e84de58a3cc142535431b3aa04efbe034cc96e837f93c360a6387d8faad",
        "hostname=srv-fs-03", "user=svc_backup"},
       {"Domain: Endpoint", "OS: Windows", "Tactic: Credential Access", "attack.t1003",
        "attack.t1003.001"}},
      // No kibana.alert.severity: risk score 21 is low.
      {"elastic/04-alert-document.json",
       0,
       "First Time Seen VPN Login Country",
       Severity::kLow,
       "elastic-security",
       1795428135004,
       {"hostname=vpn-gw-01", "ip=198.51.100.77", "user=admin"},
       {"Domain: Network", "Use Case: Identity and Access Audit"}},
      // Kibana stack rules
      {"kibana/01-ssh-threshold.json",
       0,
       "Failed SSH logins above threshold",
       Severity::kMedium,
       kKibana,
       1795424380115,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=admin"},
       {"ssh", "bruteforce"}},
      {"kibana/03-summary-two-hosts.json",
       1,
       "Outbound connections per host",
       Severity::kMedium,
       kKibana,
       1795426202441,
       {"hostname=ws-077"},
       {"network", "exfiltration"}},
      {"kibana/04-ssh-threshold-recovered.json",
       0,
       "Failed SSH logins above threshold",
       Severity::kMedium,
       kKibana,
       1795425640330,
       {},
       {"ssh", "bruteforce"},
       true},
      // Watcher
      {"watcher/01-ssh-failures.json",
       0,
       "SSH failures from one source",
       Severity::kHigh,
       "es-prod",
       1795424352431,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=admin"},
       {"ssh", "bruteforce"}},
      {"watcher/03-endpoint-malware.json",
       0,
       "Malware detected on an endpoint",
       Severity::kCritical,
       "es-prod",
       1795425581220,
       {"filename=invoice_2026-11.pdf.exe",
        "hash=3f1a7c9e5b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a", "hostname=ws-077",
        "user=asmith"},
       {"malware", "attack.t1204.002"}},
      // Wazuh: "+0000" offsets; the agent's address and the manager are not observables.
      {"wazuh/01-ssh-bruteforce.json",
       0,
       "sshd: brute force trying to get access to the system. Non existent user.",
       Severity::kHigh,
       "wazuh-manager-01",
       1795424352431,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=admin"},
       {"syslog", "sshd", "authentication_failures", "attack.t1110"}},
      {"wazuh/03-syscheck-change.json",
       0,
       "Integrity checksum changed.",
       Severity::kMedium,
       "wazuh-manager-01",
       1795425160118,
       {"filename=/etc/passwd", "hash=0d4c2e9b7a1f3c5e8b6d4a2c0e9f7b5d",
        "hash=a9e7c5b3d1f9e7c5a3b1d9f7e5c3a1b9d7f5e3c1",
        "hash=c7a5e3f1d9b7c5a3e1f9d7b5c3a1e9f7d5b3c1a9e7f5d3b1c9a7e5f3d1b9c7a5", "hostname=web-01"},
       {"ossec", "syscheck", "syscheck_entry_modified", "syscheck_file", "attack.t1565.001"}},
      // Through the Shuffle integration; level 12 is critical; the VirusTotal permalink is not an
      // observable.
      {"wazuh/04-virustotal-via-shuffle.json",
       0,
       "VirusTotal: Alert - /home/jdoe/Downloads/invoice_2026-11.pdf.exe - 47 engines detected "
       "this file",
       Severity::kCritical,
       "wazuh-manager-01",
       1795425603552,
       {"filename=/home/jdoe/Downloads/invoice_2026-11.pdf.exe",
        "hash=4c2e8a6f0b1d3e5a7c9f1b3d5e7a9c0b2d4f6e8a", "hash=9f4e2c7a1b3d5e8f0a2c4e6b8d0f2a4c",
        "hostname=ws-042"},
       {"virustotal", "attack.t1203"}},
      // Splunk: epoch seconds as a string with a fraction; `host` is the shipper.
      {"splunk/01-brute-force.json",
       0,
       "Access - Brute Force Access Behavior Detected - Rule",
       Severity::kHigh,
       "splunk-sh01.corp.example.com",
       1795424352000,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=admin"},
       {"authentication", "failure"}},
      {"splunk/03-web-attack.json",
       0,
       "Web - Path Traversal Attempt",
       Severity::kCritical,
       "splunk-sh01.corp.example.com",
       1795426277554,
       {"domain=shop.example.com", "ip=10.0.5.10", "ip=198.51.100.23",
        "url=http://shop.example.com/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh",
        "user_agent=Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
        "Gecko) "
        "Chrome/124.0.0.0 Safari/537.36"},
       {"attack.t1190"}},
      {"splunk/04-unnamed-search.json",
       0,
       "Splunk search rt_1795426800.1142",
       Severity::kMedium,
       "splunk-sh01.corp.example.com",
       std::nullopt,
       {},
       {}},
      // Graylog: the backlog's `source` and gl2_remote_ip are the shipper's.
      {"graylog/01-ssh-bruteforce.json",
       0,
       "SSH brute force",
       Severity::kHigh,
       "graylog",
       1795424340000,
       {"ip=203.0.113.7", "user=admin"},
       {}},
      {"graylog/03-dns-tunnel.json",
       0,
       "Possible DNS tunnelling",
       Severity::kCritical,
       "graylog",
       1795425300000,
       {"domain=tunnel-c2.example.net", "hostname=ws-042"},
       {}},
      // Grafana: runbook and UI links are not observables; labels are tags.
      {"grafana/01-ssh-failures.json",
       0,
       "SSH authentication failures",
       Severity::kHigh,
       "grafana.corp.example.com",
       1795424370000,
       {"hostname=bastion-01", "ip=203.0.113.7"},
       {"grafana_folder=Security", "host=bastion-01", "src_ip=203.0.113.7", "team=soc"}},
      {"grafana/03-egress-two-hosts.json",
       1,
       "Egress volume to a rare destination",
       Severity::kMedium,
       "grafana.corp.example.com",
       1795426860000,
       {"hostname=ws-077", "ip=198.51.100.200"},
       {"dst_ip=198.51.100.200", "grafana_folder=Security", "instance=ws-077:9100",
        "mitre_technique=T1048", "attack.t1048"}},
      {"grafana/04-ssh-failures-resolved.json",
       0,
       "SSH authentication failures",
       Severity::kHigh,
       "grafana.corp.example.com",
       1795424370000,
       {"hostname=bastion-01", "ip=203.0.113.7"},
       {"grafana_folder=Security", "host=bastion-01", "src_ip=203.0.113.7", "team=soc"},
       true},
      // ElastAlert
      {"elastalert/01-ssh-bruteforce.json",
       0,
       "SSH brute force from one source",
       Severity::kHigh,
       "elastalert",
       1795424352431,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=admin"},
       {"ssh", "attack.t1110"}},
      {"elastalert/03-hivealerter-beaconing.json",
       0,
       "Beaconing to a newly registered domain",
       Severity::kHigh,
       "elastalert",
       1795426500000,
       {"domain=newly-registered.example.net", "hostname=ws-042", "ip=198.51.100.23"},
       {"elastalert", "beaconing"}},
      // Suricata: "+0000" with microseconds; the sensor is the source, not an observable.
      {"suricata/01-ssh-scan.json",
       0,
       "ET SCAN Potential SSH Scan",
       Severity::kMedium,
       "sensor-dmz-01",
       1795424321201,
       {"ip=10.0.4.21", "ip=203.0.113.7"},
       {"attack.t1046"}},
      {"suricata/03-http-exploit.json",
       0,
       "ET EXPLOIT Apache HTTP Server 2.4.49 - Path Traversal Attempt (CVE-2021-41773) M1",
       Severity::kHigh,
       "sensor-dmz-01",
       1795426277554,
       {"domain=shop.example.com", "ip=10.0.5.10", "ip=198.51.100.23",
        "url=http://shop.example.com/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh",
        "user_agent=Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
        "Gecko) "
        "Chrome/124.0.0.0 Safari/537.36"},
       {"Exploit", "attack.t1190"}},
      {"suricata/04-batch-dns-and-tls.json",
       0,
       "ET DNS Query for .cc TLD",
       Severity::kMedium,
       "sensor-core-01",
       1795426805118,
       {"domain=c2-update.example.cc", "ip=10.0.0.53", "ip=10.0.6.42"},
       {}},
      {"suricata/04-batch-dns-and-tls.json",
       1,
       "ET MALWARE Observed Cobalt Strike Related Domain in TLS SNI",
       Severity::kHigh,
       "sensor-core-01",
       1795426806402,
       {"domain=c2-update.example.cc", "ip=10.0.6.42", "ip=192.0.2.146"},
       {"c2", "attack.t1071"}},
      // The Filebeat module's ECS shape; severity 3 is low.
      {"suricata/05-filebeat-ecs.json",
       0,
       "ET POLICY curl User-Agent Outbound",
       Severity::kLow,
       "sensor-core-01",
       1795427564310,
       {"domain=files.example.net", "ip=10.0.6.77", "ip=203.0.113.80", "user_agent=curl/8.5.0"},
       {}},
      // Sentinel
      {"sentinel/01-incident-created.json",
       0,
       "Multiple failed sign-ins followed by a success",
       Severity::kMedium,
       "law-soc-prod",
       1795423867201,
       {"ip=203.0.113.7", "user=jdoe@corp.example.com"},
       {"identity", "attack.t1110"}},
      {"sentinel/03-incident-encoded-powershell.json",
       0,
       "Encoded PowerShell launched from an Office document on ws-042",
       Severity::kHigh,
       "law-soc-prod",
       1795424738114,
       {"domain=dl.unknown-cdn.example.net",
        "hash=9785001b0dcf755eddb8af294a373c0b87b2498660f724e76c4d53f9c217c7a3",
        "hostname=ws-042.corp.example.com", "url=http://dl.unknown-cdn.example.net/a/p.ps1",
        "user=jdoe"},
       {"endpoint", "macro", "attack.t1059.001", "attack.t1105"}},
      {"sentinel/04-incident-closed.json",
       0,
       "Multiple failed sign-ins followed by a success",
       Severity::kMedium,
       "law-soc-prod",
       1795423867201,
       {"ip=203.0.113.7", "user=jdoe@corp.example.com"},
       {"identity", "triage-l1", "attack.t1110"},
       true},
      // The re-deliveries and the other items of multi-alert bodies.
      {"elastic/02-encoded-powershell-again.json",
       0,
       "Suspicious PowerShell Encoded Command",
       Severity::kHigh,
       kKibana,
       1795424738114,
       {"filename=C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "hash=9785001b0dcf755eddb8af294a373c0b87b2498660f724e76c4d53f9c217c7a3", "hostname=ws-042",
        "user=jdoe"},
       {"Domain: Endpoint", "OS: Windows", "Tactic: Execution", "attack.t1059", "attack.t1059.001",
        "attack.t1027"}},
      {"elastic/03-lsass-dump-two-hosts.json",
       0,
       "Potential Credential Access via LSASS Memory Dump",
       Severity::kCritical,
       kKibana + "/s/soc",
       1795425727006,
       {"filename=C:\\Users\\svc_backup\\AppData\\Local\\Temp\\procdump64.exe", "filename=ls.dmp",
        "hash=05732e84de58a3cc142535431b3aa04efbe034cc96e837f93c360a6387d8faad",
        "hostname=srv-fs-02", "user=svc_backup"},
       {"Domain: Endpoint", "OS: Windows", "Tactic: Credential Access", "attack.t1003",
        "attack.t1003.001"}},
      {"kibana/02-ssh-threshold-again.json",
       0,
       "Failed SSH logins above threshold",
       Severity::kMedium,
       kKibana,
       1795424680902,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=oracle"},
       {"ssh", "bruteforce"}},
      {"kibana/03-summary-two-hosts.json",
       0,
       "Outbound connections per host",
       Severity::kMedium,
       kKibana,
       1795426202441,
       {"hostname=ws-042"},
       {"network", "exfiltration"}},
      {"watcher/02-ssh-failures-again.json",
       0,
       "SSH failures from one source",
       Severity::kHigh,
       "es-prod",
       1795424352431,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=admin"},
       {"ssh", "bruteforce"}},
      {"wazuh/02-ssh-bruteforce-again.json",
       0,
       "sshd: brute force trying to get access to the system. Non existent user.",
       Severity::kHigh,
       "wazuh-manager-01",
       1795424471087,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=oracle"},
       {"syslog", "sshd", "authentication_failures", "attack.t1110"}},
      {"splunk/02-brute-force-again.json",
       0,
       "Access - Brute Force Access Behavior Detected - Rule",
       Severity::kHigh,
       "splunk-sh01.corp.example.com",
       1795424681000,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=admin"},
       {"authentication", "failure"}},
      {"graylog/02-ssh-bruteforce-again.json",
       0,
       "SSH brute force",
       Severity::kHigh,
       "graylog",
       1795424640000,
       {"ip=203.0.113.7", "user=oracle"},
       {}},
      {"grafana/02-ssh-failures-again.json",
       0,
       "SSH authentication failures",
       Severity::kHigh,
       "grafana.corp.example.com",
       1795424370000,
       {"hostname=bastion-01", "ip=203.0.113.7"},
       {"grafana_folder=Security", "host=bastion-01", "src_ip=203.0.113.7", "team=soc"}},
      {"grafana/03-egress-two-hosts.json",
       0,
       "Egress volume to a rare destination",
       Severity::kMedium,
       "grafana.corp.example.com",
       1795426800000,
       {"hostname=ws-042", "ip=192.0.2.146"},
       {"dst_ip=192.0.2.146", "grafana_folder=Security", "instance=ws-042:9100",
        "mitre_technique=T1048", "attack.t1048"}},
      {"elastalert/02-ssh-bruteforce-again.json",
       0,
       "SSH brute force from one source",
       Severity::kHigh,
       "elastalert",
       1795424651087,
       {"hostname=bastion-01", "ip=203.0.113.7", "user=oracle"},
       {"ssh", "attack.t1110"}},
      {"elastalert/04-hivealerter-beaconing-again.json",
       0,
       "Beaconing to a newly registered domain",
       Severity::kHigh,
       "elastalert",
       1795427100000,
       {"domain=newly-registered.example.net", "hostname=ws-042", "ip=198.51.100.23"},
       {"elastalert", "beaconing"}},
      {"suricata/02-ssh-scan-again.json",
       0,
       "ET SCAN Potential SSH Scan",
       Severity::kMedium,
       "sensor-dmz-01",
       1795424642887,
       {"ip=10.0.4.21", "ip=203.0.113.7"},
       {"attack.t1046"}},
      {"sentinel/02-incident-updated.json",
       0,
       "Multiple failed sign-ins followed by a success",
       Severity::kMedium,
       "law-soc-prod",
       1795423867201,
       {"ip=203.0.113.7", "user=jdoe@corp.example.com"},
       {"identity", "triage-l1", "attack.t1110"}},
  };
  return kRows;
}

TEST_CASE("Formats: each sample maps to its title, severity, source, time, observables and tags",
          "[formats]") {
  for (const auto& row : ExpectedSamples()) {
    INFO("sample " << row.sample << " alert " << row.index);
    NormalizedAlert a = SampleAlert(row.sample, row.index);
    CHECK(a.source_kind == FormatOf(row.sample));
    CHECK(a.title == row.title);
    CHECK(SeverityName(a.severity) == SeverityName(row.severity));
    CHECK(a.source == row.source);
    CHECK(a.event_time == row.event_time);
    CHECK(ObservableSet(a) == Sorted(row.observables));
    CHECK(a.tags == row.tags);
    CHECK(a.resolved == row.resolved);
    CHECK_FALSE(a.raw_json.empty());
    const bool has_identity = !a.dedup_key.empty() || !a.source_ref.empty();
    CHECK((has_identity || FormatOf(row.sample) == "elastalert"));
  }
}

TEST_CASE("Formats: the mapping table covers every alert of every sample", "[formats]") {
  for (const auto& sample : AllSamples()) {
    size_t n = ParseSample(sample).size();
    for (size_t i = 0; i < n; ++i) {
      INFO("sample " << sample << " alert " << i << " has no row in ExpectedSamples()");
      CHECK(std::any_of(ExpectedSamples().begin(), ExpectedSamples().end(),
                        [&](const Expected& e) { return e.sample == sample && e.index == i; }));
    }
  }
}

TEST_CASE("Formats: every sample parses, with a title, a source and its own part of the payload",
          "[formats]") {
  for (const auto& sample : AllSamples()) {
    INFO("sample " << sample);
    for (const auto& a : ParseSample(sample)) {
      CHECK(a.source_kind == FormatOf(sample));
      CHECK_FALSE(a.title.empty());
      CHECK_FALSE(a.source.empty());
      CHECK(a.raw_json.front() == '{');
      CHECK(a.tags.size() <= 100);
    }
  }
}

// ---------------------------------------------------------------------------
// Deduplication identity.

TEST_CASE("Formats: a re-delivery has its first delivery's fingerprint; another alert does not",
          "[formats]") {
  struct Pair {
    std::string a;
    size_t ai;
    std::string b;
    size_t bi;
    bool same;
  };
  const std::vector<Pair> kPairs = {
      // Same alert, new execution id / timestamps / counts.
      {"elastic/01-encoded-powershell.json", 0, "elastic/02-encoded-powershell-again.json", 0,
       true},
      {"kibana/01-ssh-threshold.json", 0, "kibana/02-ssh-threshold-again.json", 0, true},
      {"watcher/01-ssh-failures.json", 0, "watcher/02-ssh-failures-again.json", 0, true},
      {"wazuh/01-ssh-bruteforce.json", 0, "wazuh/02-ssh-bruteforce-again.json", 0, true},
      {"splunk/01-brute-force.json", 0, "splunk/02-brute-force-again.json", 0, true},
      {"graylog/01-ssh-bruteforce.json", 0, "graylog/02-ssh-bruteforce-again.json", 0, true},
      {"grafana/01-ssh-failures.json", 0, "grafana/02-ssh-failures-again.json", 0, true},
      {"elastalert/01-ssh-bruteforce.json", 0, "elastalert/02-ssh-bruteforce-again.json", 0, true},
      {"elastalert/03-hivealerter-beaconing.json", 0,
       "elastalert/04-hivealerter-beaconing-again.json", 0, true},
      {"suricata/01-ssh-scan.json", 0, "suricata/02-ssh-scan-again.json", 0, true},
      {"sentinel/01-incident-created.json", 0, "sentinel/02-incident-updated.json", 0, true},
      // A resolution or a closing updates the same alert.
      {"grafana/01-ssh-failures.json", 0, "grafana/04-ssh-failures-resolved.json", 0, true},
      {"kibana/01-ssh-threshold.json", 0, "kibana/04-ssh-threshold-recovered.json", 0, true},
      {"sentinel/01-incident-created.json", 0, "sentinel/04-incident-closed.json", 0, true},
      // Distinct alerts.
      {"elastic/01-encoded-powershell.json", 0, "elastic/03-lsass-dump-two-hosts.json", 0, false},
      {"elastic/03-lsass-dump-two-hosts.json", 0, "elastic/03-lsass-dump-two-hosts.json", 1, false},
      {"kibana/01-ssh-threshold.json", 0, "kibana/03-summary-two-hosts.json", 0, false},
      {"kibana/03-summary-two-hosts.json", 0, "kibana/03-summary-two-hosts.json", 1, false},
      {"watcher/01-ssh-failures.json", 0, "watcher/03-endpoint-malware.json", 0, false},
      {"wazuh/01-ssh-bruteforce.json", 0, "wazuh/03-syscheck-change.json", 0, false},
      {"wazuh/03-syscheck-change.json", 0, "wazuh/04-virustotal-via-shuffle.json", 0, false},
      {"splunk/01-brute-force.json", 0, "splunk/03-web-attack.json", 0, false},
      {"graylog/01-ssh-bruteforce.json", 0, "graylog/03-dns-tunnel.json", 0, false},
      {"grafana/01-ssh-failures.json", 0, "grafana/03-egress-two-hosts.json", 0, false},
      {"grafana/03-egress-two-hosts.json", 0, "grafana/03-egress-two-hosts.json", 1, false},
      {"elastalert/01-ssh-bruteforce.json", 0, "elastalert/03-hivealerter-beaconing.json", 0,
       false},
      {"suricata/01-ssh-scan.json", 0, "suricata/03-http-exploit.json", 0, false},
      {"suricata/04-batch-dns-and-tls.json", 0, "suricata/04-batch-dns-and-tls.json", 1, false},
      {"sentinel/01-incident-created.json", 0, "sentinel/03-incident-encoded-powershell.json", 0,
       false},
  };
  for (const auto& p : kPairs) {
    INFO(p.a << "[" << p.ai << "] vs " << p.b << "[" << p.bi << "]");
    NormalizedAlert a = SampleAlert(p.a, p.ai);
    NormalizedAlert b = SampleAlert(p.b, p.bi);
    if (p.same) {
      CHECK(a.dedup_key == b.dedup_key);
      CHECK(ComputeFingerprint(a) == ComputeFingerprint(b));
    } else {
      CHECK(ComputeFingerprint(a) != ComputeFingerprint(b));
    }
  }
}

// Replaces the first occurrence of `from` (which must be there).
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  INFO("replacing " << from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

TEST_CASE("Formats: per-execution ids and volatile fields never change the fingerprint",
          "[formats]") {
  struct Edit {
    std::string sample, from, to;
  };
  const std::vector<Edit> kEdits = {
      {"splunk/01-brute-force.json", "\"sid\": \"scheduler__", "\"sid\": \"rt_scheduler__"},
      {"splunk/01-brute-force.json", "\"count\": \"23\"",
       "\"count\": \"24\", \"_serial\": \"1\", "
       "\"info_search_time\": \"1795424999.1\""},
      {"wazuh/01-ssh-bruteforce.json", "\"id\": \"1795424352.2244671\"",
       "\"id\": \"1795424999.9999999\""},
      {"graylog/01-ssh-bruteforce.json", "\"job_trigger_id\": \"6741b0c0",
       "\"job_trigger_id\": \"7741b0c0"},
      {"graylog/01-ssh-bruteforce.json", "\"id\": \"01JDK6Y4", "\"id\": \"01JDK9Z9"},
      {"watcher/01-ssh-failures.json", "\"id\": \"ssh_failures_by_source_7e1c",
       "\"id\": \"ssh_failures_by_source_8f2d"},
      {"grafana/01-ssh-failures.json", "\"groupKey\": \"{}",
       "\"groupKey\": \"{}/{other=\\\"1\\\"}"},
      {"elastalert/03-hivealerter-beaconing.json", "\"sourceRef\": \"8f2c1e\"",
       "\"sourceRef\": \"77aa01\""},
      {"elastic/01-encoded-powershell.json", "\"kibana.alert.rule.execution.uuid\": \"6e2a",
       "\"kibana.alert.rule.execution.uuid\": \"7f3b"},
      {"suricata/01-ssh-scan.json", "\"flow_id\": 1536172209113826", "\"flow_id\": 42"},
  };
  for (const auto& e : kEdits) {
    INFO(e.sample << ": " << e.from << " -> " << e.to);
    std::string body = ReadSample(e.sample);
    auto before = ParseOk(FormatOf(e.sample), body);
    auto after = ParseOk(FormatOf(e.sample), Replace(body, e.from, e.to));
    REQUIRE(before.size() == after.size());
    CHECK(ComputeFingerprint(before[0]) == ComputeFingerprint(after[0]));
  }
}

TEST_CASE("Formats: the fields of each decided dedup key do change the fingerprint", "[formats]") {
  struct Edit {
    std::string sample, from, to;
  };
  const std::vector<Edit> kEdits = {
      {"elastic/01-encoded-powershell.json", "\"kibana.alert.uuid\": \"3c9f",
       "\"kibana.alert.uuid\": \"4c9f"},
      {"kibana/01-ssh-threshold.json", "\"uuid\": \"b4c1", "\"uuid\": \"c4c1"},
      {"kibana/01-ssh-threshold.json", "\"id\": \"2f8b1d4c", "\"id\": \"3f8b1d4c"},
      {"watcher/01-ssh-failures.json", "\"_id\": \"Yx2Q0pMBr8j1cD3uAa02\"",
       "\"_id\": \"Yx2Q0pMBr8j1cD3uAa03\""},
      {"watcher/01-ssh-failures.json", "\"watch_id\": \"ssh_failures_by_source\"",
       "\"watch_id\": \"other\""},
      {"wazuh/01-ssh-bruteforce.json", "\"id\": \"5712\"", "\"id\": \"5763\""},
      {"wazuh/01-ssh-bruteforce.json", "\"id\": \"007\"", "\"id\": \"008\""},
      {"wazuh/01-ssh-bruteforce.json", "\"srcip\": \"203.0.113.7\"", "\"srcip\": \"203.0.113.8\""},
      {"wazuh/03-syscheck-change.json", "\"path\": \"/etc/passwd\"", "\"path\": \"/etc/shadow\""},
      {"splunk/01-brute-force.json", "\"src\": \"203.0.113.7\"", "\"src\": \"203.0.113.8\""},
      {"splunk/01-brute-force.json", "\"app\": \"SA-AccessProtection\"", "\"app\": \"search\""},
      {"graylog/01-ssh-bruteforce.json", "\"key\": \"203.0.113.7\"", "\"key\": \"203.0.113.8\""},
      {"grafana/01-ssh-failures.json", "\"startsAt\": \"2026-11-23T08:59:30Z\"",
       "\"startsAt\": \"2026-11-23T10:00:00Z\""},
      {"grafana/01-ssh-failures.json", "\"fingerprint\": \"7b8c", "\"fingerprint\": \"8b8c"},
      {"suricata/01-ssh-scan.json", "\"signature_id\": 2001219", "\"signature_id\": 2001220"},
      {"suricata/01-ssh-scan.json", "\"dest_port\": 22", "\"dest_port\": 2222"},
      {"suricata/01-ssh-scan.json", "\"src_ip\": \"203.0.113.7\"", "\"src_ip\": \"203.0.113.8\""},
      {"sentinel/01-incident-created.json", "\"name\": \"0b7f", "\"name\": \"1b7f"},
  };
  for (const auto& e : kEdits) {
    INFO(e.sample << ": " << e.from << " -> " << e.to);
    std::string body = ReadSample(e.sample);
    auto before = ParseOk(FormatOf(e.sample), body);
    auto after = ParseOk(FormatOf(e.sample), Replace(body, e.from, e.to));
    CHECK(ComputeFingerprint(before[0]) != ComputeFingerprint(after[0]));
  }
}

// ---------------------------------------------------------------------------
// Bodies with several alerts.

TEST_CASE("Formats: multi-alert bodies yield one alert per item, in order", "[formats]") {
  struct Count {
    std::string sample;
    size_t n;
  };
  const std::vector<Count> kCounts = {
      {"grafana/03-egress-two-hosts.json", 2},
      {"kibana/03-summary-two-hosts.json", 2},
      {"elastic/03-lsass-dump-two-hosts.json", 2},
      {"suricata/04-batch-dns-and-tls.json", 2},
      // Watcher hits and a Graylog backlog stay inside one alert.
      {"watcher/01-ssh-failures.json", 1},
      {"graylog/01-ssh-bruteforce.json", 1},
  };
  for (const auto& c : kCounts) {
    INFO(c.sample);
    auto alerts = ParseSample(c.sample);
    CHECK(alerts.size() == c.n);
  }
  auto grafana = ParseSample("grafana/03-egress-two-hosts.json");
  REQUIRE(grafana.size() == 2);
  CHECK(grafana[0].source_ref == "1a2b3c4d5e6f7081");
  CHECK(grafana[1].source_ref == "9f8e7d6c5b4a3921");
  // Each item keeps its own part of the payload.
  CHECK_THAT(grafana[0].raw_json, Contains("1a2b3c4d5e6f7081"));
  CHECK_THAT(grafana[0].raw_json, !Contains("9f8e7d6c5b4a3921"));
}

TEST_CASE("Formats: Watcher hits and the Graylog backlog stay in the one alert's raw payload",
          "[formats]") {
  NormalizedAlert w = SampleAlert("watcher/01-ssh-failures.json");
  CHECK_THAT(w.raw_json, Contains("Yx2Q0pMBr8j1cD3uAa01"));
  CHECK_THAT(w.raw_json, Contains("Yx2Q0pMBr8j1cD3uAa02"));
  NormalizedAlert g = SampleAlert("graylog/01-ssh-bruteforce.json");
  CHECK_THAT(g.raw_json, Contains("c6f64553-23cc-4485-a1fe-1ef5b2c3d4e5"));
}

TEST_CASE("Formats: resolved, recovered and closed notifications set resolved; firing ones do not",
          "[formats]") {
  CHECK(SampleAlert("grafana/04-ssh-failures-resolved.json").resolved);
  CHECK_FALSE(SampleAlert("grafana/01-ssh-failures.json").resolved);
  CHECK(SampleAlert("kibana/04-ssh-threshold-recovered.json").resolved);
  CHECK_FALSE(SampleAlert("kibana/01-ssh-threshold.json").resolved);
  CHECK(SampleAlert("sentinel/04-incident-closed.json").resolved);
  CHECK_FALSE(SampleAlert("sentinel/02-incident-updated.json").resolved);

  // Alertmanager puts a resolved and a firing alert in one notification.
  auto alerts = ParseOk("grafana", R"({"receiver":"wf","status":"firing","version":"4","alerts":[
      {"status":"resolved","labels":{"alertname":"A"},"fingerprint":"f1","startsAt":"2026-11-23T09:00:00Z"},
      {"status":"firing","labels":{"alertname":"B"},"fingerprint":"f2","startsAt":"2026-11-23T09:00:00Z"}]})");
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[0].resolved);
  CHECK_FALSE(alerts[1].resolved);

  // A Kibana summary's recovered alerts.
  auto kibana = ParseOk("kibana", R"({"rule":{"id":"r1","name":"Rule"},"alerts":{
      "new":{"count":1,"data":[{"kibana.alert.uuid":"n1"}]},
      "recovered":{"count":1,"data":[{"kibana.alert.uuid":"o1"}]}}})");
  REQUIRE(kibana.size() == 2);
  CHECK_FALSE(kibana[0].resolved);
  CHECK(kibana[1].resolved);
}

// ---------------------------------------------------------------------------
// Auto-detection.

TEST_CASE("Formats: every sample is auto-detected as its own format", "[formats]") {
  Strings samples = AllSamples();
  samples.push_back("generic/brute-force.json");
  for (const auto& sample : samples) {
    INFO("sample " << sample);
    auto r = ParseBody("auto", ReadSample(sample));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK(r->format == FormatOf(sample));
  }
}

TEST_CASE("Formats: auto-detection leaves unknown bodies to the caller", "[formats]") {
  for (const char* body :
       {R"({"hello":"world"})", R"([1,2,3])", R"("text")", R"({"rule":{"id":"1"}})"}) {
    INFO(body);
    auto r = ParseBody("auto", body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kUnprocessable);
  }
}

TEST_CASE("Formats: every format is supported by name, generic last in detection order",
          "[formats]") {
  Strings names = SupportedFormats();
  for (const auto& f : kFormats) {
    INFO(f);
    CHECK(std::find(names.begin(), names.end(), f) != names.end());
  }
  auto generic = std::find(names.begin(), names.end(), "generic");
  REQUIRE(generic != names.end());
  for (const auto& f : kFormats) {
    CHECK(std::find(names.begin(), names.end(), f) < generic);
  }
}

// ---------------------------------------------------------------------------
// Malformed and wrong-shaped bodies.

TEST_CASE("Formats: a sample cut in half is malformed JSON (400)", "[formats]") {
  for (const auto& sample : AllSamples()) {
    INFO("sample " << sample);
    std::string body = ReadSample(sample);
    std::string half = body.substr(0, body.size() / 2);
    for (const std::string& format : {FormatOf(sample), std::string("auto")}) {
      INFO("as " << format);
      Status s = ParseError(format, half);
      CHECK(s.code() == StatusCode::kInvalidArgument);
    }
    CHECK(ParseError(FormatOf(sample), "").code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("Formats: a sample posted as another format is parsed or refused, never more",
          "[formats]") {
  for (const auto& sample : AllSamples()) {
    std::string body = ReadSample(sample);
    for (const auto& format : kFormats) {
      INFO("sample " << sample << " as " << format);
      auto r = ParseBody(format, body);
      if (r.ok()) {
        CHECK_FALSE(r->alerts.empty());
        for (const auto& a : r->alerts) {
          CHECK(a.source_kind == format);
          CHECK_FALSE(a.title.empty());
        }
      } else {
        CHECK((r.status().code() == StatusCode::kUnprocessable ||
               r.status().code() == StatusCode::kInvalidArgument));
      }
    }
  }
}

TEST_CASE("Formats: valid JSON of the wrong shape is 422 naming what is missing", "[formats]") {
  struct Row {
    std::string format, body, message;
  };
  const std::vector<Row> kRows = {
      {"elastic", R"({"title":"x"})", "kibana.alert.uuid is missing"},
      {"elastic", R"({"alerts":[{"kibana.alert.uuid":"a"},{"host":{"name":"x"}}]})",
       "alerts[1].kibana.alert.uuid is missing"},
      {"elastic", R"([])", "no alerts"},
      {"kibana", R"({"alert":{"id":"x"}})", "rule.id is missing"},
      {"kibana", R"({"rule":{"id":"r"},"context":{"message":"m"}})",
       "alert.uuid and alert.id are missing"},
      {"kibana", R"({"rule":{"id":"r"},"alerts":{"new":{"data":[]},"recovered":{"data":[]}}})",
       "holds no alerts"},
      {"kibana", R"({"rule":{"id":"r"},"context":{"alerts":[{"host.name":"x"}]}})",
       "context.alerts[0].kibana.alert.uuid is missing"},
      {"watcher", R"({"payload":{"hits":{"hits":[]}}})", "watch_id is missing"},
      {"wazuh", R"({"agent":{"id":"001"}})", "rule.id is missing"},
      {"wazuh", R"({"rule":{"id":"5712"}})", "rule.level is missing"},
      {"wazuh", R"({"rule":{"id":"5712","level":17}})", "rule.level must be 0 to 16"},
      {"wazuh", R"([{"rule":{"id":"1","level":3}},{"rule":{"level":3}}])",
       "alerts[1].rule.id is missing"},
      {"splunk", R"({"sid":"x","search_name":"y"})", "result is missing"},
      {"splunk", R"({"result":{"src":"1.2.3.4"}})", "search_name and sid are missing"},
      {"graylog", R"({"event":{"id":"x"}})", "event_definition_id is missing"},
      {"graylog", R"({"event_definition_id":"x"})", "event is missing"},
      {"grafana", R"({"receiver":"x","status":"firing"})", "alerts is missing"},
      {"grafana", R"({"receiver":"x","alerts":[]})", "alerts holds no alerts"},
      {"grafana", R"({"receiver":"x","alerts":[{"status":"firing"}]})",
       "alerts[0] has no labels and no fingerprint"},
      {"elastalert", R"({"message":"x"})", "rule_name and num_hits are missing"},
      {"elastalert", R"({"sourceRef":"x","artifacts":[]})", "rule_name and num_hits are missing"},
      {"elastalert", R"({"title":"","sourceRef":"x"})", "title is missing"},
      {"suricata", R"({"event_type":"flow","src_ip":"10.0.0.1"})", "event_type is 'flow'"},
      {"suricata", R"({"src_ip":"10.0.0.1"})", "alert.signature_id is missing"},
      {"suricata", R"([{"event_type":"alert","alert":{"signature_id":1}},{"event_type":"dns"}])",
       "alerts[1].event_type is 'dns'"},
      {"sentinel", R"({"properties":{"title":"x"}})", "name (the incident id) is missing"},
      {"sentinel", R"({"object":{"name":"g","properties":{}}})", "properties.title is missing"},
  };
  for (const auto& row : kRows) {
    INFO(row.format << ": " << row.body);
    Status s = ParseError(row.format, row.body);
    CHECK(s.code() == StatusCode::kUnprocessable);
    CHECK_THAT(s.message(), Contains(row.message));
  }
}

TEST_CASE("Formats: wrong JSON types where the format fixes them are 400 naming the field",
          "[formats]") {
  struct Row {
    std::string format, body, message;
  };
  const std::vector<Row> kRows = {
      {"elastic", R"("alert")", "body must be"},
      {"elastic", R"({"alerts":"x"})", "alerts must be an array"},
      {"elastic", R"([{"kibana.alert.uuid":"a"},7])", "alerts[1] must be an object"},
      {"kibana", R"([])", "body must be"},
      {"kibana", R"({"rule":"r"})", "rule must be an object"},
      {"kibana", R"({"rule":{"id":"r"},"context":{"alerts":{}}})",
       "context.alerts must be an array"},
      {"watcher", R"({"watch_id":"w","payload":{"hits":{"hits":{}}}})",
       "payload.hits.hits must be an array"},
      {"watcher", R"({"watch_id":"w","metadata":[]})", "metadata must be an object"},
      {"wazuh", R"(42)", "body must be"},
      {"wazuh", R"({"rule":[]})", "rule must be an object"},
      {"wazuh", R"({"rule":{"id":"1","level":"high"}})", "rule.level must be an integer"},
      {"wazuh", R"({"rule":{"id":"1","level":3},"data":"x"})", "data must be an object"},
      {"wazuh", R"([{"rule":{"id":"1","level":3}},"x"])", "alerts[1] must be an object"},
      {"splunk", R"({"sid":"x","result":"row"})", "result must be an object"},
      {"graylog", R"({"event_definition_id":"x","event":[]})", "event must be an object"},
      {"graylog", R"({"event_definition_id":"x","event":{},"backlog":{}})",
       "backlog must be an array"},
      {"grafana", R"({"alerts":{}})", "alerts must be an array"},
      {"grafana", R"({"alerts":["x"]})", "alerts[0] must be an object"},
      {"grafana", R"({"alerts":[{"labels":["a"]}]})", "alerts[0].labels must be an object"},
      {"elastalert", R"({"title":"t","artifacts":{}})", "artifacts must be an array"},
      {"suricata", R"({"event_type":"alert","alert":"x"})", "alert must be an object"},
      {"sentinel", R"({"name":"g","properties":"x"})", "properties must be an object"},
  };
  for (const auto& row : kRows) {
    INFO(row.format << ": " << row.body);
    Status s = ParseError(row.format, row.body);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(s.message(), Contains(row.message));
  }
}

// ---------------------------------------------------------------------------
// What is not an observable.

// Hosts of the senders' own UIs, runbooks and references in the samples.
const Strings kUiHosts = {
    "kibana.corp.example.com", "grafana.corp.example.com", "splunk-sh01.corp.example.com",
    "wiki.corp.example.com",   "portal.azure.com",         "security.microsoft.com",
    "www.virustotal.com",      "attack.mitre.org",         "learn.microsoft.com"};

TEST_CASE("Formats: links to the sender's UI, runbooks and references are never observables",
          "[formats]") {
  for (const auto& sample : AllSamples()) {
    INFO("sample " << sample);
    for (const auto& a : ParseSample(sample)) {
      for (const auto& o : a.observables) {
        for (const auto& host : kUiHosts) {
          INFO(observables::ObservableTypeName(o.type) << "=" << o.value);
          CHECK(o.value.find(host) == std::string::npos);
        }
      }
    }
  }
  // The links themselves, whatever their host.
  auto splunk = ParseOk("splunk", R"({"sid":"s","search_name":"n","app":"a",
      "results_link":"http://203.0.113.50:8000/app/search/@go?sid=s","result":{"src":"198.51.100.9"}})");
  CHECK(ObservableSet(splunk[0]) == Strings{"ip=198.51.100.9"});
  auto grafana = ParseOk(
      "grafana", R"({"receiver":"r","status":"firing","externalURL":"http://203.0.113.51:3000/",
      "alerts":[{"status":"firing","labels":{"alertname":"A"},"fingerprint":"f","startsAt":"2026-11-23T09:00:00Z",
      "generatorURL":"http://203.0.113.51:3000/alerting/x/view","panelURL":"http://203.0.113.51:3000/d/y",
      "annotations":{"description":"See http://203.0.113.52/runbook and https://runbooks.example.org/a",
      "runbook_url":"https://runbooks.example.org/a"}}]})");
  CHECK(grafana[0].observables.empty());
  auto wazuh =
      ParseOk("wazuh", R"({"rule":{"id":"87105","level":12},"agent":{"id":"001","name":"ws-1"},
      "data":{"virustotal":{"permalink":"https://www.virustotal.com/gui/file/abc","source":{"sha1":"0123456789abcdef0123456789abcdef01234567"}}}})");
  CHECK(ObservableSet(wazuh[0]) ==
        Strings{"hash=0123456789abcdef0123456789abcdef01234567", "hostname=ws-1"});
}

TEST_CASE("Formats: the log shipper's address is never an observable", "[formats]") {
  // Wazuh: the agent's address and the manager, even when the log names them.
  auto wazuh = ParseOk(
      "wazuh",
      R"({"rule":{"id":"5710","level":5},"agent":{"id":"007","name":"web-1","ip":"10.9.9.9"},
      "manager":{"name":"wazuh-mgr.corp.example.com"},"data":{"srcip":"203.0.113.9"},
      "full_log":"sshd: from 203.0.113.9 via 10.9.9.9 reported to wazuh-mgr.corp.example.com"})");
  CHECK(ObservableSet(wazuh[0]) == Strings{"hostname=web-1", "ip=203.0.113.9"});
  // Events of the manager's own agent (000) come from the manager: not the host of the event.
  auto manager =
      ParseOk("wazuh", R"({"rule":{"id":"5710","level":5},"agent":{"id":"000","name":"wazuh-mgr"},
      "data":{"srcip":"203.0.113.9"}})");
  CHECK(ObservableSet(manager[0]) == Strings{"ip=203.0.113.9"});
  // Graylog: the message source and gl2_remote_ip.
  auto graylog =
      ParseOk("graylog", R"({"event_definition_id":"d","event":{"id":"e","source":"graylog-1"},
      "backlog":[{"source":"10.8.8.8","message":"login from 203.0.113.10 relayed by 10.8.8.8 and 10.7.7.7",
                  "fields":{"gl2_remote_ip":"10.7.7.7"}}]})");
  CHECK(ObservableSet(graylog[0]) == Strings{"ip=203.0.113.10"});
  // Suricata through Filebeat: the sensor's host.name is the source.
  auto suricata = ParseOk(
      "suricata", R"({"event_type":"alert","alert":{"signature_id":1},"src_ip":"203.0.113.11",
      "host":{"name":"sensor-9"},"agent":{"hostname":"sensor-9"},"observer":{"ip":"10.6.6.6"}})");
  CHECK(suricata[0].source == "sensor-9");
  CHECK(ObservableSet(suricata[0]) == Strings{"ip=203.0.113.11"});
  // Splunk: `host` is the forwarder's.
  auto splunk = ParseOk(
      "splunk",
      R"({"sid":"s","search_name":"n","result":{"host":"fwd-01","src_ip":"203.0.113.12"}})");
  CHECK(ObservableSet(splunk[0]) == Strings{"ip=203.0.113.12"});
}

TEST_CASE("Formats: a browser version inside a user agent is never an IP", "[formats]") {
  const std::string ua =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
      "Safari/537.36";
  for (const auto& sample : AllSamples()) {
    INFO("sample " << sample);
    for (const auto& a : ParseSample(sample)) {
      for (const auto& o : a.observables) {
        CHECK_FALSE((o.type == ObservableType::kIp && o.value == "124.0.0.0"));
      }
    }
  }
  struct Row {
    std::string format, body;
  };
  const std::vector<Row> kRows = {
      {"wazuh",
       R"({"rule":{"id":"31101","level":5},"agent":{"id":"001","name":"web-1"},"full_log":"203.0.113.20 - - \"GET / HTTP/1.1\" 200 12 \"-\" \")" +
           ua + R"(\""})"},
      {"graylog",
       R"({"event_definition_id":"d","event":{"id":"e"},"backlog":[{"message":"GET / from 203.0.113.20 UA )" +
           ua + R"("}]})"},
      {"elastalert", R"({"num_hits":1,"num_matches":1,"rule_name":"r","message":"203.0.113.20 )" +
                         ua + R"(","user_agent":{"original":")" + ua + R"("}})"},
      {"splunk",
       R"({"sid":"s","search_name":"n","result":{"src_ip":"203.0.113.20","http_user_agent":")" +
           ua + R"("}})"},
      {"suricata",
       R"({"event_type":"alert","alert":{"signature_id":1},"src_ip":"203.0.113.20","http":{"http_user_agent":")" +
           ua + R"("}})"},
      {"kibana",
       R"({"rule":{"id":"r"},"alert":{"uuid":"u"},"context":{"message":"203.0.113.20 with )" + ua +
           R"("}})"},
  };
  for (const auto& row : kRows) {
    INFO(row.format << ": " << row.body);
    auto alerts = ParseOk(row.format, row.body);
    REQUIRE(alerts.size() == 1);
    Strings set = ObservableSet(alerts[0]);
    CHECK(std::find(set.begin(), set.end(), "ip=203.0.113.20") != set.end());
    CHECK(std::find(set.begin(), set.end(), "ip=124.0.0.0") == set.end());
  }
}

TEST_CASE("Formats: placeholders and loopback addresses are not observables", "[formats]") {
  auto wazuh =
      ParseOk("wazuh", R"({"rule":{"id":"60122","level":5},"agent":{"id":"000","name":"mgr"},
      "data":{"win":{"eventdata":{"ipAddress":"::1","targetUserName":"-","workstationName":"N/A",
      "subjectUserName":"svc_sql"}}}})");
  CHECK(ObservableSet(wazuh[0]) == Strings{"user=svc_sql"});
}

// ---------------------------------------------------------------------------
// Severity rules, exactly as decided (docs/ingest.md).

TEST_CASE("Formats: Wazuh rule.level maps 0-4 low, 5-7 medium, 8-11 high, 12-16 critical",
          "[formats]") {
  const std::vector<std::pair<std::string, Severity>> kLevels = {
      {"0", Severity::kLow},       {"4", Severity::kLow},
      {"5", Severity::kMedium},    {"7", Severity::kMedium},
      {"8", Severity::kHigh},      {"11", Severity::kHigh},
      {"12", Severity::kCritical}, {"16", Severity::kCritical},
      {"\"10\"", Severity::kHigh},  // a number sent as a string
  };
  for (const auto& [level, severity] : kLevels) {
    INFO("level " << level);
    auto a =
        ParseOk("wazuh", R"({"rule":{"id":"1","level":)" + level + R"(},"agent":{"id":"001"}})");
    CHECK(SeverityName(a[0].severity) == SeverityName(severity));
  }
}

TEST_CASE("Formats: Elastic uses kibana.alert.severity, else risk score 0-21/22-47/48-73/74-100",
          "[formats]") {
  const std::vector<std::pair<std::string, Severity>> kRows = {
      {R"("kibana.alert.risk_score":0)", Severity::kLow},
      {R"("kibana.alert.risk_score":21)", Severity::kLow},
      {R"("kibana.alert.risk_score":22)", Severity::kMedium},
      {R"("kibana.alert.risk_score":47)", Severity::kMedium},
      {R"("kibana.alert.risk_score":48)", Severity::kHigh},
      {R"("kibana.alert.risk_score":73)", Severity::kHigh},
      {R"("kibana.alert.risk_score":74)", Severity::kCritical},
      {R"("kibana.alert.risk_score":"100")", Severity::kCritical},
      {R"("kibana.alert.severity":"low","kibana.alert.risk_score":99)", Severity::kLow},
      {R"("kibana":{"alert":{"severity":"critical"}},"kibana.alert.rule.producer":"siem")",
       Severity::kCritical},
      {R"("kibana.alert.rule.producer":"siem")", Severity::kMedium},
  };
  for (const auto& [fields, severity] : kRows) {
    INFO(fields);
    auto a = ParseOk("elastic", R"({"kibana.alert.uuid":"u",)" + fields + "}");
    CHECK(SeverityName(a[0].severity) == SeverityName(severity));
  }
}

TEST_CASE("Formats: Graylog priority maps 0-1 low, 2 medium, 3 high, 4 critical", "[formats]") {
  const std::vector<std::pair<int, Severity>> kRows = {{0, Severity::kLow},
                                                       {1, Severity::kLow},
                                                       {2, Severity::kMedium},
                                                       {3, Severity::kHigh},
                                                       {4, Severity::kCritical}};
  for (const auto& [priority, severity] : kRows) {
    INFO("priority " << priority);
    auto a = ParseOk("graylog", R"({"event_definition_id":"d","event":{"id":"e","priority":)" +
                                    std::to_string(priority) + "}}");
    CHECK(SeverityName(a[0].severity) == SeverityName(severity));
  }
}

TEST_CASE("Formats: Grafana labels.severity maps critical, high, warning to medium, info to low",
          "[formats]") {
  const std::vector<std::pair<std::string, Severity>> kRows = {{"critical", Severity::kCritical},
                                                               {"high", Severity::kHigh},
                                                               {"warning", Severity::kMedium},
                                                               {"info", Severity::kLow},
                                                               {"page-me", Severity::kMedium}};
  for (const auto& [label, severity] : kRows) {
    INFO("severity " << label);
    auto a =
        ParseOk("grafana", R"({"receiver":"r","alerts":[{"labels":{"alertname":"A","severity":")" +
                               label + R"("},"fingerprint":"f"}]})");
    CHECK(SeverityName(a[0].severity) == SeverityName(severity));
  }
  auto none = ParseOk(
      "grafana", R"({"receiver":"r","alerts":[{"labels":{"alertname":"A"},"fingerprint":"f"}]})");
  CHECK(none[0].severity == Severity::kMedium);
}

TEST_CASE("Formats: Suricata alert.severity maps 1 high, 2 medium, 3 and above low", "[formats]") {
  const std::vector<std::pair<int, Severity>> kRows = {
      {1, Severity::kHigh}, {2, Severity::kMedium}, {3, Severity::kLow}, {4, Severity::kLow}};
  for (const auto& [level, severity] : kRows) {
    INFO("severity " << level);
    auto a = ParseOk("suricata", R"({"event_type":"alert","alert":{"signature_id":1,"severity":)" +
                                     std::to_string(level) + "}}");
    CHECK(SeverityName(a[0].severity) == SeverityName(severity));
  }
}

TEST_CASE("Formats: Sentinel High/Medium/Low/Informational map to high/medium/low/low",
          "[formats]") {
  const std::vector<std::pair<std::string, Severity>> kRows = {{"High", Severity::kHigh},
                                                               {"Medium", Severity::kMedium},
                                                               {"Low", Severity::kLow},
                                                               {"Informational", Severity::kLow}};
  for (const auto& [word, severity] : kRows) {
    INFO(word);
    auto a = ParseOk("sentinel",
                     R"({"name":"g","properties":{"title":"t","incidentNumber":1,"severity":")" +
                         word + R"("}})");
    CHECK(SeverityName(a[0].severity) == SeverityName(severity));
  }
}

TEST_CASE("Formats: senders without a severity use a `severity` field, else medium", "[formats]") {
  struct Row {
    std::string format, body;
    Severity severity;
  };
  const std::vector<Row> kRows = {
      {"splunk", R"({"sid":"s","search_name":"n","result":{"severity":"critical"}})",
       Severity::kCritical},
      {"splunk", R"({"sid":"s","search_name":"n","result":{"urgency":"low"}})", Severity::kLow},
      {"splunk", R"({"sid":"s","search_name":"n","result":{}})", Severity::kMedium},
      {"watcher", R"({"watch_id":"w","metadata":{"severity":"low"}})", Severity::kLow},
      {"watcher", R"({"watch_id":"w"})", Severity::kMedium},
      {"kibana", R"({"rule":{"id":"r"},"alert":{"id":"a"},"severity":"high"})", Severity::kHigh},
      {"kibana", R"({"rule":{"id":"r"},"alert":{"id":"a"}})", Severity::kMedium},
      {"elastalert", R"({"num_hits":1,"num_matches":1,"severity":"critical"})",
       Severity::kCritical},
      {"elastalert", R"({"title":"t","sourceRef":"r","severity":1})", Severity::kLow},
      {"elastalert", R"({"num_hits":1,"num_matches":1})", Severity::kMedium},
  };
  for (const auto& row : kRows) {
    INFO(row.format << ": " << row.body);
    auto a = ParseOk(row.format, row.body);
    CHECK(SeverityName(a[0].severity) == SeverityName(row.severity));
  }
}

// ---------------------------------------------------------------------------
// Field reading: nested and dotted names, numbers as strings, time forms.

TEST_CASE("Formats: nested and flattened names read alike", "[formats]") {
  auto nested =
      ParseOk("wazuh", R"({"rule":{"id":"5712","level":10,"description":"d"},"agent":{"id":"007"},
      "data":{"srcip":"203.0.113.7"},"timestamp":"2026-11-23T08:59:12.431+0000"})");
  auto dotted =
      ParseOk("wazuh", R"({"rule.id":5712,"rule.level":"10","rule.description":"d","agent.id":"007",
      "data.srcip":"203.0.113.7","timestamp":"2026-11-23T08:59:12.431Z"})");
  CHECK(nested[0].dedup_key == dotted[0].dedup_key);
  CHECK(nested[0].severity == dotted[0].severity);
  CHECK(nested[0].event_time == dotted[0].event_time);
  CHECK(ObservableSet(nested[0]) == ObservableSet(dotted[0]));
}

TEST_CASE("Formats: times in every form the senders use", "[formats]") {
  const int64_t kT = 1795424352431;  // 2026-11-23T08:59:12.431Z
  const std::vector<std::string> kForms = {
      R"("2026-11-23T08:59:12.431Z")",
      R"("2026-11-23T08:59:12.431+0000")",
      R"("2026-11-23T09:59:12.431+01:00")",
      R"("2026-11-23T08:59:12.4310000Z")",
      R"(1795424352431)",
      R"("1795424352431")",
      R"(1795424352.431)",
      R"("1795424352.431")",
  };
  for (const auto& form : kForms) {
    INFO(form);
    auto a = ParseOk(
        "wazuh", R"({"rule":{"id":"1","level":3},"agent":{"id":"001"},"timestamp":)" + form + "}");
    CHECK(a[0].event_time == kT);
  }
}

TEST_CASE("Formats: overlong text is cut, bad tags are skipped, never rejected", "[formats]") {
  std::string long_title(5000, 'x');
  auto a = ParseOk("graylog", R"({"event_definition_id":"d","event_definition_title":")" +
                                  long_title + R"(","event":{"id":"e","message":"m"}})");
  CHECK(a[0].title.size() == 1024);
  auto g = ParseOk("grafana", R"({"receiver":"r","alerts":[{"labels":{"alertname":"A","long":")" +
                                  std::string(200, 'y') + R"(","ok":"1"},"fingerprint":"f"}]})");
  CHECK(g[0].tags == Strings{"ok=1"});
}

}  // namespace
}  // namespace wf::ingest
