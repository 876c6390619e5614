// JSON in and out for handlers, without exposing RapidJSON: JsonBody reads a
// request body with typed, error-reporting accessors; JsonBuilder writes a
// response. Not thread-safe; one per request.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace wf::api {

class JsonBody {
 public:
  // InvalidArgument on malformed JSON, invalid UTF-8, deep nesting, or a body
  // that is not a JSON object.
  static Result<JsonBody> Parse(std::string_view body);
  JsonBody(JsonBody&&) noexcept;
  JsonBody& operator=(JsonBody&&) noexcept;
  ~JsonBody();

  bool Has(const char* key) const;  // present and not null
  // Absent or null → nullopt; wrong type → InvalidArgument naming the field.
  Result<std::optional<std::string>> String(const char* key) const;
  Result<std::optional<int64_t>> Int(const char* key) const;
  Result<std::optional<bool>> Bool(const char* key) const;
  Result<std::optional<std::vector<std::string>>> StringArray(const char* key) const;
  Result<std::optional<std::vector<int64_t>>> IntArray(const char* key) const;
  // Any JSON value, re-serialised compactly (absent or null → nullopt).
  std::optional<std::string> Raw(const char* key) const;
  // An array of objects, each as its own JsonBody.
  Result<std::optional<std::vector<JsonBody>>> ObjectArray(const char* key) const;
  // Unprocessable naming the first key not in `known` (catches typos such as "severty").
  Status OnlyKnownKeys(std::initializer_list<std::string_view> known) const;

 private:
  struct Impl;
  explicit JsonBody(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A required string field: Unprocessable "<key> is required" when absent or empty.
Result<std::string> RequiredString(const JsonBody& body, const char* key);

class JsonBuilder {
 public:
  JsonBuilder();
  ~JsonBuilder();
  JsonBuilder(const JsonBuilder&) = delete;
  JsonBuilder& operator=(const JsonBuilder&) = delete;

  JsonBuilder& BeginObject();
  JsonBuilder& EndObject();
  JsonBuilder& BeginArray();
  JsonBuilder& EndArray();
  JsonBuilder& Key(std::string_view key);
  JsonBuilder& String(std::string_view value);
  JsonBuilder& Int(int64_t value);
  JsonBuilder& Double(double value);
  JsonBuilder& Bool(bool value);
  JsonBuilder& Null();
  JsonBuilder& Time(int64_t epoch_ms);               // RFC 3339 string
  JsonBuilder& OptTime(std::optional<int64_t> epoch_ms);
  JsonBuilder& OptString(const std::optional<std::string>& value);
  // Inserts already-serialised JSON (from our own encoders) as a value.
  JsonBuilder& RawValue(std::string_view json);
  std::string Take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parsed query string: percent-decoded, '+' as space; the last value wins for
// Get, all values for GetAll.
class QueryParams {
 public:
  explicit QueryParams(std::string_view raw_query);
  std::optional<std::string> Get(std::string_view key) const;
  std::vector<std::string> GetAll(std::string_view key) const;
  bool valid() const { return valid_; }  // false on a bad %-escape or invalid UTF-8

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  bool valid_ = true;
};

// Percent-decodes; false on a bad escape.
bool PercentDecode(std::string_view in, std::string* out, bool plus_as_space);

}  // namespace wf::api
