#include "ingest/formats/format.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/json_parse.h"
#include "ingest/formats/email.h"
#include "ingest/formats/registry.h"
#include "observables/extract.h"
#include "observables/normalize.h"

namespace wf::ingest {

const std::vector<FormatInfo>& Formats() {
  // Auto-detection tries these in order: the most specific signatures first,
  // generic last. ElastAlert comes before the formats whose documents it may
  // carry (its `num_hits`/`num_matches` are its own); Elastic Security before
  // Kibana (a security rule's Kibana body carries `kibana.alert.*` documents).
  static const std::vector<FormatInfo> kFormats = {
      {"sentinel", ParseSentinel, DetectSentinel},
      {"grafana", ParseGrafana, DetectGrafana},
      {"graylog", ParseGraylog, DetectGraylog},
      {"splunk", ParseSplunk, DetectSplunk},
      {"elastalert", ParseElastAlert, DetectElastAlert},
      {"elastic", ParseElastic, DetectElastic},
      {"kibana", ParseKibana, DetectKibana},
      {"watcher", ParseWatcher, DetectWatcher},
      {"wazuh", ParseWazuh, DetectWazuh},
      {"suricata", ParseSuricata, DetectSuricata},
      {"generic", ParseGenericValue, DetectGeneric},
  };
  return kFormats;
}

const FormatInfo* FindFormat(std::string_view name) {
  for (const auto& f : Formats()) {
    if (f.name == name) {
      return &f;
    }
  }
  return nullptr;
}

std::vector<std::string> SupportedFormats() {
  std::vector<std::string> out;
  for (const auto& f : Formats()) {
    out.emplace_back(f.name);
  }
  out.emplace_back("email");  // message/rfc822, not JSON: never auto-detected
  out.emplace_back("auto");
  return out;
}

Result<ParsedBody> ParseBody(std::string_view format, std::string_view body) {
  if (format == "email") {
    ParsedBody out;
    out.format = "email";
    WF_ASSIGN_OR_RETURN(NormalizedAlert alert, ParseEmail(body));
    out.alerts.push_back(std::move(alert));
    return out;
  }
  const FormatInfo* info = nullptr;
  if (format != "auto") {
    info = FindFormat(format);
    if (!info) {
      std::string names;
      for (const auto& n : SupportedFormats()) {
        names += (names.empty() ? "" : ", ") + n;
      }
      return Status::NotFound(fmt::format("ingest format '{}' is not supported; supported: {}",
                                          format.substr(0, 64), names));
    }
  }
  rapidjson::Document doc;
  WF_RETURN_IF_ERROR(json::Parse(body, doc));
  if (!info) {
    for (const auto& f : Formats()) {
      if (f.detect && f.detect(doc)) {
        info = &f;
        break;
      }
    }
    if (!info) {
      return Status::Unprocessable(
          "could not recognise the sender's format; post to /api/v1/ingest/{format} with the "
          "format named");
    }
  }
  ParsedBody out;
  out.format = std::string(info->name);
  WF_ASSIGN_OR_RETURN(out.alerts, info->parse(doc));
  return out;
}

namespace formats {

namespace {

using observables::ObservableType;

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Values senders write when a field has nothing in it.
bool IsPlaceholder(std::string_view value) {
  static constexpr std::string_view kPlaceholders[] = {"-",    "--",      "?",         "n/a",
                                                       "na",   "null",    "(null)",    "nil",
                                                       "none", "unknown", "undefined", "empty"};
  std::string lower = Lower(value);
  return std::find(std::begin(kPlaceholders), std::end(kPlaceholders), lower) !=
         std::end(kPlaceholders);
}

// Loopback and unspecified addresses say nothing about an attacker or a victim.
bool IsMeaninglessIp(std::string_view canonical) {
  return canonical == "0.0.0.0" || canonical == "::" || canonical == "::1" ||
         canonical.substr(0, 4) == "127.";
}

}  // namespace

Result<std::vector<NormalizedAlert>> ParseObjectOrArray(const rapidjson::Value& root,
                                                        ItemParser parse) {
  std::vector<NormalizedAlert> out;
  if (root.IsArray()) {
    if (root.Empty()) {
      return Status::Unprocessable("the array holds no alerts");
    }
    if (root.Size() > kMaxAlerts) {
      return Status::Unprocessable(fmt::format("a body may hold at most {} alerts", kMaxAlerts));
    }
    out.reserve(root.Size());
    size_t i = 0;
    for (const auto& item : root.GetArray()) {
      std::string where = fmt::format("alerts[{}]", i++);
      if (!item.IsObject()) {
        return Status::InvalidArgument(
            fmt::format("{} must be an object, not {}", where, json::TypeName(item)));
      }
      WF_ASSIGN_OR_RETURN(NormalizedAlert a, parse(item, where));
      out.push_back(std::move(a));
    }
    return out;
  }
  if (!root.IsObject()) {
    return Status::InvalidArgument(
        fmt::format("body must be an object or an array of them, not {}", json::TypeName(root)));
  }
  WF_ASSIGN_OR_RETURN(NormalizedAlert a, parse(root, std::string()));
  out.push_back(std::move(a));
  return out;
}

const rapidjson::Value& FirstItem(const rapidjson::Value& root) {
  if (root.IsArray() && !root.Empty()) {
    return root[0];
  }
  return root;
}

std::string Where(std::string_view item, std::string_view field) {
  if (field.empty()) {
    return item.empty() ? std::string("the body") : std::string(item);
  }
  if (item.empty()) {
    return std::string(field);
  }
  return fmt::format("{}.{}", item, field);
}

std::string Clip(std::string text, size_t max) {
  if (text.size() <= max) {
    return text;
  }
  size_t n = max;
  // Back off to the first byte of the character that would be cut.
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) {
    --n;
  }
  text.resize(n);
  return text;
}

std::string TitleText(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxTitleBytes + 4));
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    if (out.size() > kMaxTitleBytes + 4) {
      break;
    }
  }
  return Clip(std::string(Trim(out)), kMaxTitleBytes);
}

std::string DescriptionText(std::string_view text) {
  return Clip(std::string(Trim(text.substr(0, kMaxDescriptionBytes + 4))), kMaxDescriptionBytes);
}

void AddTag(std::string_view tag, std::vector<std::string>* tags) {
  tag = Trim(tag);
  if (!IsValidTag(tag) || tags->size() >= kMaxTags) {
    return;
  }
  if (std::find(tags->begin(), tags->end(), tag) != tags->end()) {
    return;
  }
  tags->emplace_back(tag);
}

void AddAttackTag(std::string_view id, std::vector<std::string>* tags) {
  id = Trim(id);
  // T1234 or T1234.123
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (id.size() != 5 && id.size() != 9) {
    return;
  }
  if (id[0] != 'T' && id[0] != 't') {
    return;
  }
  if (!digits(id.substr(1, 4))) {
    return;
  }
  if (id.size() == 9 && (id[5] != '.' || !digits(id.substr(6)))) {
    return;
  }
  AddTag("attack." + Lower(id), tags);
}

std::optional<Severity> SeverityFromWord(std::string_view word) {
  std::string w = Lower(Trim(word));
  if (w == "critical" || w == "crit" || w == "very high" || w == "very-high" || w == "4") {
    return Severity::kCritical;
  }
  if (w == "high" || w == "error" || w == "err" || w == "major" || w == "severe" || w == "3") {
    return Severity::kHigh;
  }
  if (w == "medium" || w == "moderate" || w == "warning" || w == "warn" || w == "normal" ||
      w == "2") {
    return Severity::kMedium;
  }
  if (w == "low" || w == "minor" || w == "info" || w == "informational" || w == "information" ||
      w == "notice" || w == "none" || w == "1") {
    return Severity::kLow;
  }
  return std::nullopt;
}

std::string UrlHost(std::string_view url) {
  auto norm = observables::Normalize(ObservableType::kUrl, url);
  if (!norm.ok()) {
    return {};
  }
  return std::string(observables::UrlHost(norm->value));
}

bool AddValue(ObservableType type, std::string_view value, std::vector<AlertObservable>* out) {
  value = Trim(value);
  if (value.empty() || IsPlaceholder(value)) {
    return false;
  }
  auto norm = observables::Normalize(type, value);
  if (!norm.ok()) {
    return false;
  }
  if (norm->type == ObservableType::kIp && IsMeaninglessIp(norm->value)) {
    return false;
  }
  for (const auto& o : *out) {
    if (o.type == norm->type && o.value == norm->value) {
      return true;
    }
  }
  if (out->size() >= kMaxObservables) {
    return false;
  }
  if (!AddObservable(norm->type, norm->value, false, out)) {
    return false;
  }
  // As in text (observables/extract.h): a url also gives its host, because
  // correlation by domain matters.
  if (norm->type == ObservableType::kUrl) {
    std::string_view host = observables::UrlHost(norm->value);
    if (host.size() > 2 && host.front() == '[') {
      host = host.substr(1, host.size() - 2);
    }
    if (observables::Normalize(ObservableType::kIp, host).ok()) {
      AddValue(ObservableType::kIp, host, out);
    } else if (host.find('.') != std::string_view::npos) {
      AddValue(ObservableType::kDomain, host, out);
    }
  }
  return true;
}

void AddIpOrHostname(std::string_view value, std::vector<AlertObservable>* out) {
  value = Trim(value);
  if (value.empty()) {
    return;
  }
  std::string_view host = value;
  if (host.front() == '[') {
    size_t close = host.find(']');
    if (close != std::string_view::npos) {
      host = host.substr(1, close - 1);
    }
  } else if (host.find(':') == host.rfind(':') && host.find(':') != std::string_view::npos) {
    // One colon: "host:port" (an IPv6 address has two or more).
    std::string_view port = host.substr(host.find(':') + 1);
    if (!port.empty() &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      host = host.substr(0, host.find(':'));
    }
  }
  if (observables::Normalize(ObservableType::kIp, host).ok()) {
    AddValue(ObservableType::kIp, host, out);
  } else {
    AddValue(ObservableType::kHostname, host, out);
  }
}

void AddMapped(const Fields& fields, const std::vector<FieldMapping>& map,
               std::vector<AlertObservable>* out) {
  for (const auto& m : map) {
    for (const auto& value : fields.StringList(m.path)) {
      AddValue(m.type, value, out);
    }
  }
}

const std::vector<FieldMapping>& FlatFieldMap() {
  using T = ObservableType;
  static const std::vector<FieldMapping> kMap = {
      {"source_ip", T::kIp},
      {"src_ip", T::kIp},
      {"srcip", T::kIp},
      {"client_ip", T::kIp},
      {"remote_ip", T::kIp},
      {"remote_addr", T::kIp},
      {"destination_ip", T::kIp},
      {"dest_ip", T::kIp},
      {"dst_ip", T::kIp},
      {"dstip", T::kIp},
      {"ip_address", T::kIp},
      {"user", T::kUser},
      {"username", T::kUser},
      {"user_name", T::kUser},
      {"source_user_name", T::kUser},
      {"target_user_name", T::kUser},
      {"destination_hostname", T::kHostname},
      {"source_hostname", T::kHostname},
      {"domain", T::kDomain},
      {"dns_query", T::kDomain},
      {"query_request", T::kDomain},
      {"url", T::kUrl},
      {"http_url", T::kUrl},
      {"request_url", T::kUrl},
      {"user_agent", T::kUserAgent},
      {"http_user_agent", T::kUserAgent},
      {"md5", T::kHash},
      {"sha1", T::kHash},
      {"sha256", T::kHash},
      {"hash_md5", T::kHash},
      {"hash_sha1", T::kHash},
      {"hash_sha256", T::kHash},
      {"file_hash", T::kHash},
      {"file_name", T::kFilename},
      {"filename", T::kFilename},
      {"email", T::kMail},
      {"sender", T::kMail},
      {"recipient", T::kMail},
      {"cve", T::kCve},
  };
  return kMap;
}

void AddText(std::string_view text, const std::vector<std::string>& exclude, bool skip_links,
             std::vector<AlertObservable>* out) {
  if (text.empty()) {
    return;
  }
  std::vector<std::string> link_hosts;
  // A url comes before the host it contains (extract.h), so its host is
  // known by the time the host itself is reported.
  for (const auto& e : observables::ExtractFromText(text)) {
    const auto& o = e.observable;
    if (skip_links && o.type == ObservableType::kUrl) {
      std::string_view host = observables::UrlHost(o.value);
      if (host.size() > 2 && host.front() == '[') {
        host = host.substr(1, host.size() - 2);
      }
      link_hosts.emplace_back(host);
      continue;
    }
    if (std::find(exclude.begin(), exclude.end(), o.value) != exclude.end()) {
      continue;
    }
    if ((o.type == ObservableType::kDomain || o.type == ObservableType::kIp) &&
        std::find(link_hosts.begin(), link_hosts.end(), o.value) != link_hosts.end()) {
      continue;
    }
    AddValue(o.type, o.value, out);
  }
}

}  // namespace formats
}  // namespace wf::ingest
