#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cmath>

#include "core/clock.h"
#include "core/json.h"

namespace wf::log {

namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::atomic<bool> g_quiet{false};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("watchfloor",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetLevel(std::string_view level) {
  Level l = Level::kInfo;
  if (level == "debug") l = Level::kDebug;
  if (level == "warn") l = Level::kWarn;
  if (level == "error") l = Level::kError;
  g_min_level = static_cast<int>(l);
}

void SetQuiet(bool quiet) { g_quiet = quiet; }

void Event(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (g_quiet || static_cast<int>(level) < g_min_level) return;
  std::string line = "{\"ts\":";
  json::AppendString(line, FormatRfc3339(SystemClock().NowMs()));
  line += ",\"level\":\"";
  line += LevelName(level);
  line += "\",\"event\":";
  json::AppendString(line, event);
  for (const Field& f : fields) {
    line.push_back(',');
    json::AppendString(line, f.key);
    line.push_back(':');
    if (const auto* s = std::get_if<std::string>(&f.value)) {
      json::AppendString(line, *s);
    } else if (const auto* i = std::get_if<int64_t>(&f.value)) {
      line += std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&f.value)) {
      line += std::isfinite(*d) ? fmt::format("{}", *d) : "null";
    } else if (const auto* b = std::get_if<bool>(&f.value)) {
      line += *b ? "true" : "false";
    }
  }
  line.push_back('}');
  Logger().info(line);
}

}  // namespace wf::log
