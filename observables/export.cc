#include "observables/export.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/json_parse.h"

namespace wf::observables {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

std::string UuidV4() {
  std::string b = crypto::RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = crypto::HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

// STIX patterning string literal: quote and backslash escaped.
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

const char* TlpMarking(std::string_view tlp) {
  // The TLP 1.0 marking definitions fixed by STIX 2.1 (section 7.2.1.4).
  if (tlp == "clear") return "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
  if (tlp == "green") return "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
  if (tlp == "red") return "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
  return "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";  // amber, amber+strict
}

std::string HashAlgo(size_t len) {
  switch (len) {
    case 32: return "MD5";
    case 40: return "SHA-1";
    case 64: return "SHA-256";
    case 128: return "SHA-512";
    default: return "";
  }
}

std::vector<std::string> Tags(const ObservableRecord& o) { return json::ParseStringArray(o.tags_json); }

// The stricter of two TLP names (clear < green < amber < amber+strict < red).
std::string_view StricterTlp(std::string_view a, std::string_view b) {
  auto rank = [](std::string_view t) {
    if (t == "clear" || t == "white") return 0;
    if (t == "green") return 1;
    if (t == "amber+strict") return 3;
    if (t == "red") return 4;
    return 2;
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace

std::string StixPattern(const ObservableRecord& o) {
  const std::string& v = o.value;
  switch (o.type) {
    case ObservableType::kIp:
      return fmt::format("[{}:value = {}]", v.find(':') != std::string::npos ? "ipv6-addr" : "ipv4-addr", Quote(v));
    case ObservableType::kDomain:
    case ObservableType::kHostname: return fmt::format("[domain-name:value = {}]", Quote(v));
    case ObservableType::kUrl: return fmt::format("[url:value = {}]", Quote(v));
    case ObservableType::kMail: return fmt::format("[email-addr:value = {}]", Quote(v));
    case ObservableType::kHash: {
      std::string algo = HashAlgo(v.size());
      if (algo.empty()) return {};
      return fmt::format("[file:hashes.'{}' = {}]", algo, Quote(v));
    }
    case ObservableType::kFilename: return fmt::format("[file:name = {}]", Quote(v));
    case ObservableType::kUser: return fmt::format("[user-account:user_id = {}]", Quote(v));
    case ObservableType::kUserAgent:
      return fmt::format("[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = {}]", Quote(v));
    case ObservableType::kRegistry: return fmt::format("[windows-registry-key:key = {}]", Quote(v));
    case ObservableType::kAsn: {
      std::string digits = v.rfind("AS", 0) == 0 ? v.substr(2) : v;
      return fmt::format("[autonomous-system:number = {}]", digits);
    }
    case ObservableType::kMac: return fmt::format("[mac-addr:value = {}]", Quote(v));
    case ObservableType::kCve:
    case ObservableType::kOther: return {};
  }
  return {};
}

std::string ExportStix(const ExportCase& c, const std::vector<ObservableRecord>& obs, int64_t now_ms) {
  const std::string now = FormatRfc3339(now_ms);
  const std::string identity = "identity--" + UuidV4();
  const char* marking = TlpMarking(c.tlp);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  Str(w, "bundle");
  w.Key("id");
  Str(w, "bundle--" + UuidV4());
  w.Key("objects");
  w.StartArray();
  // The producer.
  w.StartObject();
  w.Key("type"); Str(w, "identity");
  w.Key("spec_version"); Str(w, "2.1");
  w.Key("id"); Str(w, identity);
  w.Key("created"); Str(w, now);
  w.Key("modified"); Str(w, now);
  w.Key("name"); Str(w, "Watchfloor");
  w.Key("identity_class"); Str(w, "system");
  w.EndObject();
  std::vector<std::string> refs;
  std::vector<std::string> skipped;
  for (const auto& o : obs) {
    std::string pattern = StixPattern(o);
    std::string created = FormatRfc3339(o.first_seen);
    std::string modified = FormatRfc3339(std::max(o.last_seen, o.first_seen));
    if (o.type == ObservableType::kCve) {
      std::string id = "vulnerability--" + UuidV4();
      refs.push_back(id);
      w.StartObject();
      w.Key("type"); Str(w, "vulnerability");
      w.Key("spec_version"); Str(w, "2.1");
      w.Key("id"); Str(w, id);
      w.Key("created_by_ref"); Str(w, identity);
      w.Key("created"); Str(w, created);
      w.Key("modified"); Str(w, modified);
      w.Key("name"); Str(w, o.value);
      w.Key("external_references");
      w.StartArray();
      w.StartObject();
      w.Key("source_name"); Str(w, "cve");
      w.Key("external_id"); Str(w, o.value);
      w.EndObject();
      w.EndArray();
      w.Key("object_marking_refs"); w.StartArray(); Str(w, marking); w.EndArray();
      w.EndObject();
      continue;
    }
    if (pattern.empty()) {
      skipped.push_back(fmt::format("{}: {}", ObservableTypeName(o.type), o.value));
      continue;
    }
    std::string id = "indicator--" + UuidV4();
    refs.push_back(id);
    w.StartObject();
    w.Key("type"); Str(w, "indicator");
    w.Key("spec_version"); Str(w, "2.1");
    w.Key("id"); Str(w, id);
    w.Key("created_by_ref"); Str(w, identity);
    w.Key("created"); Str(w, created);
    w.Key("modified"); Str(w, modified);
    w.Key("name"); Str(w, fmt::format("{} {}", ObservableTypeName(o.type), o.value));
    w.Key("indicator_types");
    w.StartArray();
    Str(w, o.ioc ? "malicious-activity" : "unknown");
    w.EndArray();
    w.Key("pattern"); Str(w, pattern);
    w.Key("pattern_type"); Str(w, "stix");
    w.Key("pattern_version"); Str(w, "2.1");
    w.Key("valid_from"); Str(w, created);
    auto tags = Tags(o);
    if (!tags.empty()) {
      w.Key("labels");
      w.StartArray();
      for (const auto& t : tags) Str(w, t);
      w.EndArray();
    }
    w.Key("object_marking_refs"); w.StartArray(); Str(w, TlpMarking(StricterTlp(o.tlp, c.tlp))); w.EndArray();
    w.EndObject();
  }
  // The case, as a report referring to everything above.
  w.StartObject();
  w.Key("type"); Str(w, "report");
  w.Key("spec_version"); Str(w, "2.1");
  w.Key("id"); Str(w, "report--" + UuidV4());
  w.Key("created_by_ref"); Str(w, identity);
  w.Key("created"); Str(w, FormatRfc3339(c.created_at));
  w.Key("modified"); Str(w, now);
  w.Key("name"); Str(w, fmt::format("{}: {}", c.number, c.title));
  std::string description = c.description;
  if (!skipped.empty()) {
    description += "\n\nObservables without a STIX pattern:";
    for (const auto& s : skipped) description += "\n- " + s;
  }
  w.Key("description"); Str(w, description);
  w.Key("report_types"); w.StartArray(); Str(w, "threat-report"); w.EndArray();
  w.Key("published"); Str(w, now);
  w.Key("labels"); w.StartArray(); Str(w, "severity:" + c.severity); w.EndArray();
  w.Key("object_refs");
  w.StartArray();
  refs.push_back(identity);
  for (const auto& r : refs) Str(w, r);
  w.EndArray();
  w.Key("object_marking_refs"); w.StartArray(); Str(w, marking); w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string ExportMisp(const ExportCase& c, const std::vector<ObservableRecord>& obs) {
  auto misp_type = [](const ObservableRecord& o) -> std::pair<std::string, std::string> {
    switch (o.type) {
      case ObservableType::kIp: return {"ip-dst", "Network activity"};
      case ObservableType::kDomain: return {"domain", "Network activity"};
      case ObservableType::kHostname: return {"hostname", "Network activity"};
      case ObservableType::kUrl: return {"url", "Network activity"};
      case ObservableType::kMail: return {"email-src", "Payload delivery"};
      case ObservableType::kHash: {
        std::string algo = HashAlgo(o.value.size());
        std::string t = algo == "MD5" ? "md5" : algo == "SHA-1" ? "sha1" : algo == "SHA-256" ? "sha256" : "sha512";
        return {t, "Payload delivery"};
      }
      case ObservableType::kFilename: return {"filename", "Payload delivery"};
      case ObservableType::kUser: return {"target-user", "Targeting data"};
      case ObservableType::kUserAgent: return {"user-agent", "Network activity"};
      case ObservableType::kRegistry: return {"regkey", "Persistence mechanism"};
      case ObservableType::kCve: return {"vulnerability", "External analysis"};
      case ObservableType::kAsn: return {"AS", "Network activity"};
      case ObservableType::kMac: return {"mac-address", "Network activity"};
      case ObservableType::kOther: return {"text", "Other"};
    }
    return {"text", "Other"};
  };
  // MISP threat levels: 1 high, 2 medium, 3 low, 4 undefined.
  std::string threat = c.severity == "critical" || c.severity == "high" ? "1" : c.severity == "medium" ? "2" : "3";
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("Event");
  w.StartObject();
  w.Key("uuid"); Str(w, UuidV4());
  w.Key("info"); Str(w, fmt::format("{}: {}", c.number, c.title));
  w.Key("date"); Str(w, FormatRfc3339(c.created_at).substr(0, 10));
  w.Key("threat_level_id"); Str(w, threat);
  w.Key("analysis"); Str(w, "1");
  w.Key("distribution"); Str(w, "0");
  w.Key("Tag");
  w.StartArray();
  w.StartObject();
  w.Key("name"); Str(w, "tlp:" + (c.tlp == "clear" ? std::string("white") : c.tlp));
  w.EndObject();
  w.EndArray();
  w.Key("Attribute");
  w.StartArray();
  for (const auto& o : obs) {
    auto [type, category] = misp_type(o);
    w.StartObject();
    w.Key("uuid"); Str(w, UuidV4());
    w.Key("type"); Str(w, type);
    w.Key("category"); Str(w, category);
    w.Key("value"); Str(w, o.type == ObservableType::kAsn && o.value.rfind("AS", 0) == 0 ? o.value.substr(2) : o.value);
    w.Key("to_ids"); w.Bool(o.ioc);
    w.Key("comment"); Str(w, fmt::format("first seen {}", FormatRfc3339(o.first_seen)));
    auto tags = Tags(o);
    if (!tags.empty()) {
      w.Key("Tag");
      w.StartArray();
      for (const auto& t : tags) {
        w.StartObject();
        w.Key("name"); Str(w, t);
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string ExportCsv(const std::vector<ObservableRecord>& obs) {
  auto cell = [](std::string_view v) {
    std::string s(v);
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
      s.insert(s.begin(), '\'');
    }
    bool quote = s.find_first_of(",\"\r\n") != std::string::npos;
    if (!quote) return s;
    std::string out = "\"";
    for (char c : s) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
    return out;
  };
  std::string out = "type,value,hash_kind,ioc,sighted,tlp,tags,first_seen,last_seen\r\n";
  for (const auto& o : obs) {
    std::string tags;
    for (const auto& t : Tags(o)) tags += (tags.empty() ? "" : ";") + t;
    std::string algo = o.type == ObservableType::kHash ? HashAlgo(o.value.size()) : "";
    out += fmt::format("{},{},{},{},{},{},{},{},{}\r\n", ObservableTypeName(o.type), cell(o.value), algo,
                       o.ioc ? "true" : "false", o.sighted ? "true" : "false", cell(o.tlp), cell(tags),
                       FormatRfc3339(o.first_seen), FormatRfc3339(o.last_seen));
  }
  return out;
}

}  // namespace wf::observables
