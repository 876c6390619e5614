// Small JSON text helpers that need no parser: escaping and flat objects of
// strings (audit details, log lines). Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wf::json {

// Appends `text` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD.
void AppendString(std::string& out, std::string_view text);
std::string Quote(std::string_view text);

// {"k":"v",...} with every value a string.
std::string Object(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
std::string Object(const std::vector<std::pair<std::string, std::string>>& fields);

// ["a","b"]
std::string StringArray(const std::vector<std::string>& items);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

}  // namespace wf::json
