#include "observables/observable_json.h"

#include "core/clock.h"
#include "core/json.h"

namespace wf::observables {

std::string ObservableToJson(const ObservableRecord& o) {
  std::string out = "{\"id\":" + std::to_string(o.id) + ",\"type\":";
  json::AppendString(out, ObservableTypeName(o.type));
  out += ",\"value\":";
  json::AppendString(out, o.value);
  out += ",\"ioc\":";
  out += o.ioc ? "true" : "false";
  out += ",\"sighted\":";
  out += o.sighted ? "true" : "false";
  out += ",\"tlp\":";
  json::AppendString(out, o.tlp);
  out += ",\"tags\":";
  out += o.tags_json.empty() ? "[]" : o.tags_json;
  out += ",\"first_seen\":";
  json::AppendString(out, FormatRfc3339(o.first_seen));
  out += ",\"last_seen\":";
  json::AppendString(out, FormatRfc3339(o.last_seen));
  out += "}";
  return out;
}

}  // namespace wf::observables
