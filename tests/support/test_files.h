// Test helpers shared by the test programs: reading files and the samples
// shipped in samples/ (WATCHFLOOR_SOURCE_DIR is defined for the test
// targets), and reading JSON answers for assertions.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

namespace wf::test {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#ifdef WATCHFLOOR_SOURCE_DIR
// A file under samples/, e.g. "wazuh/01-ssh-bruteforce.json".
inline std::string ReadSample(const std::string& relative) {
  return ReadFile(std::string(WATCHFLOOR_SOURCE_DIR) + "/samples/" + relative);
}
#endif

inline rapidjson::Document ParseJson(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  INFO(body.substr(0, 2000));
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

// A member, or null when absent (or `v` is not an object).
inline const rapidjson::Value& Member(const rapidjson::Value& v, const char* key) {
  static const rapidjson::Value kNull;
  if (!v.IsObject()) return kNull;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? kNull : it->value;
}

// A member as text: strings bare, numbers and booleans printed, null "null".
inline std::string Text(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject() || !v.HasMember(key)) return "<missing>";
  const auto& m = Member(v, key);
  if (m.IsString()) return {m.GetString(), m.GetStringLength()};
  if (m.IsNull()) return "null";
  if (m.IsBool()) return m.GetBool() ? "true" : "false";
  if (m.IsInt64()) return std::to_string(m.GetInt64());
  return "<complex>";
}

}  // namespace wf::test
