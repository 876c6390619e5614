// The sender formats: one parser per format (ingest/formats/<name>.cc) from
// the parsed JSON body to normalised alerts, plus a signature check for
// `auto`. The table of formats is explicit, in format.cc. A codec header:
// RapidJSON allowed; handlers use ingest/formats/registry.h instead.
// Parsers are pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/status.h"
#include "ingest/alert.h"
#include "ingest/formats/field_lookup.h"
#include "observables/observable_type.h"

namespace wf::ingest {

// Errors follow ParseGeneric's contract: InvalidArgument (400) for wrong JSON
// types where the format fixes them, Unprocessable (422) for a payload that
// is not an alert of this format (naming what is missing), and the message
// names the item for multi-alert bodies.
using FormatParser = Result<std::vector<NormalizedAlert>> (*)(const rapidjson::Value& root);
// True when the body carries this format's signature (for `auto`).
using FormatDetector = bool (*)(const rapidjson::Value& root);

struct FormatInfo {
  std::string_view name;
  FormatParser parse;
  FormatDetector detect;  // nullptr: never auto-detected
};

// Every format, in auto-detection order (most specific signature first).
const std::vector<FormatInfo>& Formats();
const FormatInfo* FindFormat(std::string_view name);

// The parsers (each in its own file). Field mappings, dedup keys and severity
// rules are documented per sender in docs/ingest.md.
Result<std::vector<NormalizedAlert>> ParseGenericValue(const rapidjson::Value& root);
bool DetectGeneric(const rapidjson::Value& root);

// elastic.cc: Elastic Security detection alerts (`kibana.alert.*` documents,
// alone, in an array, or under `alerts` / `context.alerts` / `alerts.*.data`).
Result<std::vector<NormalizedAlert>> ParseElastic(const rapidjson::Value& root);
bool DetectElastic(const rapidjson::Value& root);
// elastic.cc: Kibana stack-rule webhook connector bodies (`rule.*`, `alert.*`,
// `context`, or a summary's `alerts.new.data`): one alert per Kibana alert.
Result<std::vector<NormalizedAlert>> ParseKibana(const rapidjson::Value& root);
bool DetectKibana(const rapidjson::Value& root);
// watcher.cc: an Elasticsearch Watcher webhook action posting `ctx`.
Result<std::vector<NormalizedAlert>> ParseWatcher(const rapidjson::Value& root);
bool DetectWatcher(const rapidjson::Value& root);
// wazuh.cc: a Wazuh alert (custom integration), or the Shuffle integration's message.
Result<std::vector<NormalizedAlert>> ParseWazuh(const rapidjson::Value& root);
bool DetectWazuh(const rapidjson::Value& root);
// splunk.cc: Splunk's webhook alert action `{sid, search_name, app, owner, results_link, result}`.
Result<std::vector<NormalizedAlert>> ParseSplunk(const rapidjson::Value& root);
bool DetectSplunk(const rapidjson::Value& root);
// graylog.cc: Graylog's HTTP notification `{event_definition_id, ..., event, backlog}`.
Result<std::vector<NormalizedAlert>> ParseGraylog(const rapidjson::Value& root);
bool DetectGraylog(const rapidjson::Value& root);
// grafana.cc: Grafana unified alerting / Prometheus Alertmanager webhook; one alert per `alerts[]`.
Result<std::vector<NormalizedAlert>> ParseGrafana(const rapidjson::Value& root);
bool DetectGrafana(const rapidjson::Value& root);
// elastalert.cc: ElastAlert 2 `post`/`post2` match bodies and `hivealerter` (TheHive) bodies.
Result<std::vector<NormalizedAlert>> ParseElastAlert(const rapidjson::Value& root);
bool DetectElastAlert(const rapidjson::Value& root);
// suricata.cc: Suricata EVE `event_type: alert` records (raw, or Filebeat/Logstash ECS).
Result<std::vector<NormalizedAlert>> ParseSuricata(const rapidjson::Value& root);
bool DetectSuricata(const rapidjson::Value& root);
// sentinel.cc: a Microsoft Sentinel incident (Logic App incident trigger body or the incident
// resource).
Result<std::vector<NormalizedAlert>> ParseSentinel(const rapidjson::Value& root);
bool DetectSentinel(const rapidjson::Value& root);

// --- Helpers shared by the sender parsers ----------------------------------
// Machine senders are not rejected for overlong or odd values: text is cut to
// the limits, invalid tags and observables are skipped. Only a body that is
// not an alert of the format (or has wrong JSON types) is refused.
namespace formats {

inline constexpr size_t kMaxAlerts = 1000;  // per body
inline constexpr size_t kMaxTitleBytes = 1024;
inline constexpr size_t kMaxDescriptionBytes = 64 * 1024;
inline constexpr size_t kMaxTags = 100;          // per alert
inline constexpr size_t kMaxObservables = 1000;  // per alert

// One item of a body: the item (object) and its name in error messages
// ("" for a single-alert body, "alerts[2]" for an array).
using ItemParser = Result<NormalizedAlert> (*)(const rapidjson::Value& item,
                                               const std::string& where);

// A body that is one alert object or a JSON array of them (Logstash
// `json_batch`): each item goes through `parse`. InvalidArgument for a body
// or item that is not an object; Unprocessable for an empty or oversized array.
Result<std::vector<NormalizedAlert>> ParseObjectOrArray(const rapidjson::Value& root,
                                                        ItemParser parse);

// The item to look at for detection: the first element of an array, else the root.
const rapidjson::Value& FirstItem(const rapidjson::Value& root);

// "field" (single body), "alerts[2].field" (item), "the body" / "alerts[2]" (no field).
std::string Where(std::string_view item, std::string_view field = {});

// Text cut to at most `max` bytes at a UTF-8 character boundary.
std::string Clip(std::string text, size_t max);
// One line: control characters become spaces, trimmed, clipped to kMaxTitleBytes.
std::string TitleText(std::string_view text);
std::string DescriptionText(std::string_view text);

// Adds a tag when IsValidTag (after trimming), once, up to kMaxTags.
void AddTag(std::string_view tag, std::vector<std::string>* tags);
// MITRE ATT&CK technique id ("T1110", "t1110.001") → tag "attack.t1110.001".
// Anything else is ignored.
void AddAttackTag(std::string_view technique_id, std::vector<std::string>* tags);

// A severity word as senders write it: critical; high, error, major, severe;
// medium, moderate, warning, normal; low, minor, info(rmational), notice, none;
// or TheHive's 1-4. Case-insensitive. nullopt otherwise.
std::optional<Severity> SeverityFromWord(std::string_view word);

// The lowercase host of a URL ("https://kibana.corp:5601/app" → "kibana.corp");
// empty when `url` is not a valid URL.
std::string UrlHost(std::string_view url);

// Adds one observable from a sender's field, skipping placeholders ("-",
// "N/A", "null", "unknown", ...), loopback and unspecified IPs, values that do
// not normalise, and anything past kMaxObservables. A url also adds its host
// (a domain when it has two labels or more, an ip), as text extraction does.
// True when added or already present.
bool AddValue(observables::ObservableType type, std::string_view value,
              std::vector<AlertObservable>* out);
// A field that holds an IP or a host name, possibly with a port
// ("10.0.4.21:9100", "[2001:db8::1]:22", "web-01"): ip if it is one, else hostname.
void AddIpOrHostname(std::string_view value, std::vector<AlertObservable>* out);

// AddMappedObservables with AddValue's filtering.
void AddMapped(const Fields& fields, const std::vector<FieldMapping>& map,
               std::vector<AlertObservable>* out);

// Flat field names common in syslog-style and Graylog-style messages
// (source_ip, src_ip, username, user_agent, sha256, ...): the fields of a
// Graylog event and backlog, or of an ElastAlert match that is not ECS.
// Never `source`/`host`: those name the log shipper.
const std::vector<FieldMapping>& FlatFieldMap();

// Observables found in free text (observables/extract.h), except values in
// `exclude` (shipper addresses) and, when `skip_links`, URLs and the hosts of
// those URLs (links to the sender's UI, runbooks, references).
void AddText(std::string_view text, const std::vector<std::string>& exclude, bool skip_links,
             std::vector<AlertObservable>* out);

}  // namespace formats
}  // namespace wf::ingest
