// Suricata: EVE JSON records with `event_type: alert`, as Logstash's `http`
// output posts them (one per request, or a `json_batch` array), raw or as
// the Filebeat/Elastic Agent module writes them (`suricata.eve.*` plus ECS).
// Mapping, dedup key and severity rule: docs/ingest.md, "Suricata".
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/json_parse.h"
#include "ingest/formats/field_lookup.h"
#include "ingest/formats/format.h"
#include "observables/normalize.h"

namespace wf::ingest {

namespace {

using observables::ObservableType;
using rapidjson::Value;

constexpr std::string_view kEve = "suricata.eve.";

// Raw EVE puts the record at the root; the Filebeat module nests it under
// suricata.eve and copies the addresses to ECS.
class Eve {
 public:
  explicit Eve(const Value& item) : f_(item) {
    prefix_ = f_.Has("alert.signature_id") || f_.Has("event_type") ? "" : std::string(kEve);
  }
  std::optional<std::string> String(std::string_view path, std::string_view ecs = {}) const {
    if (auto v = f_.String(prefix_ + std::string(path))) {
      return v;
    }
    if (!ecs.empty()) {
      return f_.String(ecs);
    }
    return std::nullopt;
  }
  std::optional<int64_t> Int(std::string_view path, std::string_view ecs = {}) const {
    if (auto v = f_.Int(prefix_ + std::string(path))) {
      return v;
    }
    if (!ecs.empty()) {
      return f_.Int(ecs);
    }
    return std::nullopt;
  }
  std::optional<int64_t> Time(std::string_view path, std::string_view ecs) const {
    if (auto v = f_.Time(prefix_ + std::string(path))) {
      return v;
    }
    return f_.Time(ecs);
  }
  std::vector<std::string> List(std::string_view path) const {
    return f_.StringList(prefix_ + std::string(path));
  }
  const Value* Find(std::string_view path) const { return f_.Find(prefix_ + std::string(path)); }
  const Fields& fields() const { return f_; }

 private:
  Fields f_;
  std::string prefix_;
};

// alert.severity: 1 high, 2 medium, 3 and above low (Suricata's 1 is the most severe).
Severity EveSeverity(std::optional<int64_t> s) {
  if (!s) {
    return Severity::kMedium;
  }
  if (*s <= 1) {
    return Severity::kHigh;
  }
  if (*s == 2) {
    return Severity::kMedium;
  }
  return Severity::kLow;
}

// A host name from traffic (HTTP Host, TLS SNI, DNS query): an IP, a public
// domain, or else a host name.
void AddHost(std::string_view value, std::vector<AlertObservable>* out) {
  auto domain = observables::Normalize(ObservableType::kDomain, value);
  if (domain.ok() && observables::LooksLikePublicDomain(domain->value, /*strong_context=*/true)) {
    formats::AddValue(ObservableType::kDomain, domain->value, out);
    return;
  }
  formats::AddIpOrHostname(value, out);
}

// "<alice@example.com>" → "alice@example.com".
std::string_view Unbracket(std::string_view s) {
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

const std::vector<FieldMapping>& EcsMap() {
  // ECS names the Filebeat module fills. Not host.*, agent.* or observer.*:
  // those name the sensor and the shipper.
  using T = ObservableType;
  static const std::vector<FieldMapping> kMap = {
      {"source.ip", T::kIp},
      {"destination.ip", T::kIp},
      {"url.original", T::kUrl},
      {"url.full", T::kUrl},
      {"url.domain", T::kDomain},
      {"dns.question.name", T::kDomain},
      {"tls.client.server_name", T::kDomain},
      {"user_agent.original", T::kUserAgent},
      {"file.hash.md5", T::kHash},
      {"file.hash.sha1", T::kHash},
      {"file.hash.sha256", T::kHash},
      {"file.name", T::kFilename},
  };
  return kMap;
}

void AddObservables(const Eve& e, std::optional<int64_t> dest_port,
                    std::vector<AlertObservable>* out) {
  for (std::string_view path : {"src_ip", "dest_ip"}) {
    if (auto ip = e.String(path)) {
      formats::AddValue(ObservableType::kIp, *ip, out);
    }
  }
  auto http_host = e.String("http.hostname");
  if (http_host) {
    auto path = e.String("http.url");
    if (path && !path->empty() && path->front() == '/') {
      std::string port;
      if (dest_port && *dest_port != 80) {
        port = fmt::format(":{}", *dest_port);
      }
      formats::AddValue(ObservableType::kUrl, fmt::format("http://{}{}{}", *http_host, port, *path),
                        out);
    }
    AddHost(*http_host, out);
  }
  if (auto ua = e.String("http.http_user_agent")) {
    formats::AddValue(ObservableType::kUserAgent, *ua, out);
  }
  if (auto sni = e.String("tls.sni")) {
    AddHost(*sni, out);
  }
  // DNS: EVE v1 "dns.rrname", v2 "dns.query[].rrname", v3 "dns.queries[].rrname".
  if (auto rrname = e.String("dns.rrname")) {
    AddHost(*rrname, out);
  }
  for (std::string_view list : {"dns.query", "dns.queries"}) {
    const Value* v = e.Find(list);
    if (!v || !v->IsArray()) {
      continue;
    }
    for (const auto& q : v->GetArray()) {
      if (auto name = Fields(q).String("rrname")) {
        AddHost(*name, out);
      }
    }
  }
  for (std::string_view path : {"fileinfo.md5", "fileinfo.sha1", "fileinfo.sha256"}) {
    if (auto h = e.String(path)) {
      formats::AddValue(ObservableType::kHash, *h, out);
    }
  }
  if (auto name = e.String("fileinfo.filename")) {
    formats::AddValue(ObservableType::kFilename, *name, out);
  }
  if (auto from = e.String("smtp.mail_from")) {
    formats::AddValue(ObservableType::kMail, Unbracket(*from), out);
  }
  for (const auto& to : e.List("smtp.rcpt_to")) {
    formats::AddValue(ObservableType::kMail, Unbracket(to), out);
  }
  formats::AddMapped(e.fields(), EcsMap(), out);
}

Result<NormalizedAlert> ParseItem(const Value& item, const std::string& where) {
  Eve e(item);
  if (const Value* alert = e.Find("alert"); alert && !alert->IsObject()) {
    return Status::InvalidArgument(fmt::format(
        "{} must be an object, not {}", formats::Where(where, "alert"), json::TypeName(*alert)));
  }
  if (auto type = e.String("event_type"); type && *type != "alert") {
    return Status::Unprocessable(fmt::format("{} is '{}': only alert records are alerts",
                                             formats::Where(where, "event_type"),
                                             formats::Clip(*type, 64)));
  }
  auto sid = e.Int("alert.signature_id", "rule.id");
  if (!sid) {
    return Status::Unprocessable(fmt::format("{} is missing: the body is not a Suricata EVE alert",
                                             formats::Where(where, "alert.signature_id")));
  }
  int64_t gid = e.Int("alert.gid").value_or(1);
  std::string signature_id = fmt::format("{}:{}", gid, *sid);
  auto src = e.String("src_ip", "source.ip").value_or("");
  auto dest = e.String("dest_ip", "destination.ip").value_or("");
  auto dest_port = e.Int("dest_port", "destination.port");
  auto src_port = e.Int("src_port", "source.port");
  std::string proto = e.String("proto", "network.transport").value_or("");
  std::transform(proto.begin(), proto.end(), proto.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });

  NormalizedAlert a;
  a.source_kind = "suricata";
  // The sensor (EVE `host` is Suricata's sensor-name), not an observable.
  a.source =
      e.fields()
          .FirstString({"host", "observer.name", "observer.hostname", "host.name", "host.hostname"})
          .value_or("suricata");
  a.source = formats::Clip(a.source, 256);
  a.rule_name = formats::TitleText(
      e.String("alert.signature", "rule.name").value_or("Suricata signature " + signature_id));
  a.title = a.rule_name;
  a.severity = EveSeverity(e.Int("alert.severity", "event.severity"));
  a.event_time = e.Time("timestamp", "@timestamp");

  std::string flow = fmt::format("{} {}{} -> {}{}", proto.empty() ? "IP" : proto, src,
                                 src_port ? fmt::format(":{}", *src_port) : "", dest,
                                 dest_port ? fmt::format(":{}", *dest_port) : "");
  std::string description = fmt::format("Signature {}", signature_id);
  if (auto rev = e.Int("alert.rev")) {
    description += fmt::format(" rev {}", *rev);
  }
  if (auto category = e.String("alert.category", "rule.category")) {
    description += "\nCategory: " + *category;
  }
  description += "\nFlow: " + flow;
  if (auto app = e.String("app_proto")) {
    description += " (" + *app + ")";
  }
  if (auto action = e.String("alert.action")) {
    description += "\nAction: " + *action;
  }
  a.description = formats::DescriptionText(description);

  for (const auto& tag : e.List("alert.metadata.tag")) {
    formats::AddTag(tag, &a.tags);
  }
  for (const auto& id : e.List("alert.metadata.mitre_technique_id")) {
    formats::AddAttackTag(id, &a.tags);
  }
  for (const auto& id : e.fields().StringList("threat.technique.id")) {
    formats::AddAttackTag(id, &a.tags);
  }

  // The signature and the conversation's ends; never flow_id (one connection)
  // nor the source port (a new one per connection).
  a.dedup_key = fmt::format("{} {} {} -> {}:{}", signature_id, proto, src, dest,
                            dest_port ? std::to_string(*dest_port) : "");
  AddObservables(e, dest_port, &a.observables);
  a.raw_json = json::Serialize(item);
  return a;
}

}  // namespace

bool DetectSuricata(const rapidjson::Value& root) {
  const Value& item = formats::FirstItem(root);
  if (!item.IsObject()) {
    return false;
  }
  Fields f(item);
  if (f.Has("alert.signature_id")) {
    return f.String("event_type").value_or("alert") == "alert";
  }
  return f.Has("suricata.eve.alert.signature_id") ||
         f.String("suricata.eve.event_type").value_or("") == "alert";
}

Result<std::vector<NormalizedAlert>> ParseSuricata(const rapidjson::Value& root) {
  return formats::ParseObjectOrArray(root, ParseItem);
}

}  // namespace wf::ingest
