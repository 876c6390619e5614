// Logging: one JSON object per line on stderr (events and the access log),
// through spdlog. Callers pass named fields; secrets must never be passed.
// Thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace wf::log {

enum class Level { kDebug, kInfo, kWarn, kError };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(std::string(v)) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
  Field(std::string_view k, int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(std::string_view k, uint64_t v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  std::string_view key;
  std::variant<std::string, int64_t, double, bool> value;
};

// Sets the minimum level ("debug", "info", "warn", "error"); default info.
void SetLevel(std::string_view level);
// Silences everything (tests, CLI commands whose stdout is the product).
void SetQuiet(bool quiet);

// {"ts":"...","level":"info","event":"...", fields...}
void Event(Level level, std::string_view event, std::initializer_list<Field> fields = {});

}  // namespace wf::log
