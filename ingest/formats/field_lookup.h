// Field lookup shared by every sender format: reads a name such as
// "kibana.alert.rule.name" whether the payload nests it
// ({"kibana":{"alert":{"rule":{"name":...}}}}), flattens it
// ({"kibana.alert.rule.name":...}) or mixes both ({"kibana.alert":{"rule.name":...}}).
// Numbers sent as strings and strings sent as numbers are read alike.
// A codec header: RapidJSON is allowed here (format parsers only).
// Not thread-safe per instance; cheap to construct.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "ingest/alert.h"

namespace wf::ingest {

class Fields {
 public:
  explicit Fields(const rapidjson::Value& root) : root_(root) {}

  // The value at a dotted path, nested or flattened; nullptr when absent or null.
  const rapidjson::Value* Find(std::string_view path) const;
  bool Has(std::string_view path) const { return Find(path) != nullptr; }

  // A string; numbers and booleans are rendered as text. Empty strings count
  // as absent. Arrays: the first element that reads as a string.
  std::optional<std::string> String(std::string_view path) const;
  // The first of several paths that is present.
  std::optional<std::string> FirstString(std::initializer_list<std::string_view> paths) const;
  // An integer; decimal strings ("12") and whole floats (12.0) accepted.
  std::optional<int64_t> Int(std::string_view path) const;
  std::optional<double> Number(std::string_view path) const;
  // A time in any form the senders use: RFC 3339 (Z, +0000, +00:00, 7
  // fractional digits), epoch milliseconds (number or string), epoch seconds
  // as a float or a string with a fraction ("1700000000.123"). Milliseconds.
  std::optional<int64_t> Time(std::string_view path) const;
  // Strings of an array (non-strings rendered), or a single string as one.
  std::vector<std::string> StringList(std::string_view path) const;

  const rapidjson::Value& root() const { return root_; }

 private:
  const rapidjson::Value& root_;
};

// Reads a time value (see Fields::Time) from a single JSON value.
std::optional<int64_t> ReadTime(const rapidjson::Value& v);
// Reads text (see Fields::String) from a single JSON value.
std::optional<std::string> ReadString(const rapidjson::Value& v);

// One entry of a structured field map: the payload path and the observable
// type of its value(s).
struct FieldMapping {
  std::string_view path;
  observables::ObservableType type;
};

// The ECS names every Elastic-family sender uses (source.ip, destination.ip,
// host.name, user.name, file.hash.sha256, url.full, dns.question.name,
// email.from.address, ...).
const std::vector<FieldMapping>& EcsFieldMap();

// Adds every value found under `map` as a normalised observable (invalid
// values are skipped silently: a sender's odd field must not reject the
// alert), de-duplicated against `out`.
void AddMappedObservables(const Fields& fields, const std::vector<FieldMapping>& map,
                          std::vector<AlertObservable>* out);

// Adds one observable if it normalises; returns false (and adds nothing) otherwise.
bool AddObservable(observables::ObservableType type, std::string_view value, bool ioc,
                   std::vector<AlertObservable>* out);

// Adds the observables found in free text (titles, messages, descriptions).
void AddTextObservables(std::string_view text, std::vector<AlertObservable>* out);

}  // namespace wf::ingest
