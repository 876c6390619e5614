// Parsing untrusted JSON safely with RapidJSON: iterative parser (no stack
// overflow on deep input), UTF-8 validation, a nesting limit. For codec files
// (*_json.cc, format parsers) only: domain headers never include RapidJSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/status.h"

namespace wf::json {

inline constexpr int kDefaultMaxDepth = 64;

// InvalidArgument with a short reason (offset included) on malformed JSON,
// invalid UTF-8, or nesting deeper than `max_depth`.
Status Parse(std::string_view text, rapidjson::Document& doc, int max_depth = kDefaultMaxDepth);

// The strings of a JSON array of strings (stored columns such as tags);
// anything else gives an empty vector.
std::vector<std::string> ParseStringArray(std::string_view text);

// Serialises a value compactly.
std::string Serialize(const rapidjson::Value& value);

// The JSON type name of a value ("object", "string", ...) for error messages.
const char* TypeName(const rapidjson::Value& value);

}  // namespace wf::json
