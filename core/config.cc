#include "core/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <toml++/toml.h>

namespace wf {

namespace {

enum class Kind { kString, kInt, kBool };

struct Setting {
  const char* name;
  const char* short_env;  // nullptr unless it has a fixed short name
  Kind kind;
  const char* description;
  std::string Config::*str = nullptr;
  int64_t Config::*i64 = nullptr;
  int Config::*i32 = nullptr;
  bool Config::*flag = nullptr;
};

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = [] {
    std::vector<Setting> s;
    auto str = [&](const char* n, const char* env, const char* d, std::string Config::*m) {
      s.push_back({n, env, Kind::kString, d, m, nullptr, nullptr, nullptr});
    };
    auto i64 = [&](const char* n, const char* d, int64_t Config::*m) {
      s.push_back({n, nullptr, Kind::kInt, d, nullptr, m, nullptr, nullptr});
    };
    auto flag = [&](const char* n, const char* d, bool Config::*m) {
      s.push_back({n, nullptr, Kind::kBool, d, nullptr, nullptr, nullptr, m});
    };
    str("database.path", "WATCHFLOOR_DB", "SQLite database file", &Config::db_path);
    str("server.listen", "WATCHFLOOR_LISTEN", "address to listen on, host:port", &Config::listen);
    s.push_back({"server.threads", nullptr, Kind::kInt, "I/O threads (0 = one per core)", nullptr,
                 nullptr, &Config::threads, nullptr});
    str("server.tls_cert", nullptr, "PEM certificate chain; with tls_key enables HTTPS",
        &Config::tls_cert);
    str("server.tls_key", nullptr, "PEM private key", &Config::tls_key);
    i64("server.max_connections", "open connections at most", &Config::max_connections);
    i64("server.header_timeout_ms", "time to receive request headers", &Config::header_timeout_ms);
    i64("server.read_timeout_ms", "time to receive a request body", &Config::read_timeout_ms);
    i64("server.idle_timeout_ms", "idle keep-alive connection lifetime", &Config::idle_timeout_ms);
    i64("limits.ingest_body_bytes", "largest ingest request body", &Config::ingest_body_bytes);
    i64("limits.api_body_bytes", "largest request body elsewhere in the API", &Config::api_body_bytes);
    i64("limits.attachment_body_bytes", "largest evidence upload", &Config::attachment_body_bytes);
    i64("ingest.dedup_window_seconds", "how long a fingerprint folds re-deliveries into one alert",
        &Config::dedup_window_seconds);
    flag("ingest.store_raw_deliveries", "keep the raw body of every delivery",
         &Config::store_raw_deliveries);
    flag("ingest.thehive_duplicate_400",
         "answer a duplicate TheHive alert with 400 as TheHive does (default 201)",
         &Config::thehive_duplicate_400);
    i64("database.checkpoint_interval_ms",
        "how often a background thread checkpoints the WAL (0: SQLite does it inside COMMIT)",
        &Config::checkpoint_interval_ms);
    i64("ingest.email_max_bytes",
        "largest message POST /api/v1/ingest/email accepts, attachments included "
        "(0 = limits.attachment_body_bytes)",
        &Config::email_max_bytes);
    i64("writer.max_batch", "units of work per group commit", &Config::writer_max_batch);
    i64("writer.max_delay_us", "how long a group commit waits for more work",
        &Config::writer_max_delay_us);
    i64("writer.queue_capacity", "queued writes before 503 back-pressure",
        &Config::writer_queue_capacity);
    i64("auth.session_ttl_seconds", "session lifetime after login", &Config::session_ttl_seconds);
    i64("auth.password_hash_ops", "Argon2id passes for new password hashes (min 1)",
        &Config::password_hash_ops);
    i64("auth.password_hash_memory_kib", "Argon2id memory for new password hashes (min 8)",
        &Config::password_hash_memory_kib);
    str("cases.number_prefix", nullptr, "case numbers look like PREFIX-2026-045",
        &Config::case_number_prefix);
    str("cases.l2_severity_floor", nullptr, "escalating to L2 raises severity to at least this",
        &Config::l2_severity_floor);
    str("cases.l3_severity_floor", nullptr, "escalating to L3 raises severity to at least this",
        &Config::l3_severity_floor);
    str("cases.attachments_dir", nullptr, "evidence store (default: attachments/ next to the database)",
        &Config::attachments_dir);
    i64("sla.check_interval_ms", "how often SLA breaches are looked for", &Config::sla_check_interval_ms);
    str("notify.webhook_urls", nullptr,
        "comma-separated http:// URLs that receive escalation, SLA breach and assignment notifications",
        &Config::webhook_urls);
    str("log.level", nullptr, "debug, info, warn or error", &Config::log_level);
    return s;
  }();
  return kSettings;
}

std::string EnvName(const Setting& s) {
  std::string env = "WATCHFLOOR_";
  for (const char* p = s.name; *p; ++p) {
    env.push_back(*p == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(*p))));
  }
  return env;
}

std::string CurrentValue(const Config& c, const Setting& s) {
  if (s.str) return c.*(s.str);
  if (s.i64) return std::to_string(c.*(s.i64));
  if (s.i32) return std::to_string(c.*(s.i32));
  return c.*(s.flag) ? "true" : "false";
}

const Setting* Find(const std::string& name) {
  for (const Setting& s : Settings()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

// Settings with a floor above zero (libsodium refuses cheaper Argon2id).
int64_t MinimumOf(const Setting& s) {
  std::string_view n = s.name;
  if (n == "auth.password_hash_ops") return 1;
  if (n == "auth.password_hash_memory_kib") return 8;
  if (n == "writer.max_batch" || n == "writer.queue_capacity") return 1;
  return 0;
}

Status SetInt(Config& c, const Setting& s, int64_t v) {
  if (v < MinimumOf(s)) {
    return Status::InvalidArgument(fmt::format("{} must be at least {}", s.name, MinimumOf(s)));
  }
  if (s.i64) {
    c.*(s.i64) = v;
  } else {
    if (v > 1024) return Status::InvalidArgument(fmt::format("{} is too large", s.name));
    c.*(s.i32) = static_cast<int>(v);
  }
  return Status::Ok();
}

}  // namespace

std::vector<SettingInfo> DescribeSettings() {
  Config defaults;
  std::vector<SettingInfo> out;
  for (const Setting& s : Settings()) {
    std::string env = EnvName(s);
    if (s.short_env) env = std::string(s.short_env) + " or " + env;
    out.push_back({s.name, env, s.description, CurrentValue(defaults, s)});
  }
  return out;
}

Status ApplySetting(Config& c, const std::string& name, const std::string& value) {
  const Setting* s = Find(name);
  if (!s) return Status::InvalidArgument(fmt::format("unknown setting '{}'", name));
  switch (s->kind) {
    case Kind::kString: c.*(s->str) = value; return Status::Ok();
    case Kind::kBool:
      if (value == "true" || value == "1" || value == "yes" || value == "on") {
        c.*(s->flag) = true;
      } else if (value == "false" || value == "0" || value == "no" || value == "off") {
        c.*(s->flag) = false;
      } else {
        return Status::InvalidArgument(fmt::format("{} must be true or false, not '{}'", name, value));
      }
      return Status::Ok();
    case Kind::kInt: {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        return Status::InvalidArgument(fmt::format("{} must be a whole number, not '{}'", name, value));
      }
      return SetInt(c, *s, v);
    }
  }
  return Status::Ok();
}

Status ApplyTomlFile(Config& c, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                               e.source().begin.column, e.description()));
  }
  // Every key in the file must be known: a typo must not pass silently.
  for (const auto& [section, node] : table) {
    const toml::table* sub = node.as_table();
    if (!sub) {
      return Status::InvalidArgument(
          fmt::format("{}: '{}' must be a [section]", path, std::string_view(section.str())));
    }
    for (const auto& [key, value] : *sub) {
      std::string name = fmt::format("{}.{}", section.str(), key.str());
      std::string where = fmt::format("{}:{}", path, value.source().begin.line);
      const Setting* s = Find(name);
      if (!s) return Status::InvalidArgument(fmt::format("{}: unknown setting '{}'", where, name));
      if (s->kind == Kind::kString) {
        auto v = value.value<std::string>();
        if (!v || !value.is_string()) {
          return Status::InvalidArgument(fmt::format("{}: {} must be a string", where, name));
        }
        c.*(s->str) = *v;
      } else if (s->kind == Kind::kBool) {
        if (!value.is_boolean()) {
          return Status::InvalidArgument(fmt::format("{}: {} must be true or false", where, name));
        }
        c.*(s->flag) = *value.value<bool>();
      } else {
        auto v = value.value<int64_t>();
        if (!v || !value.is_integer()) {
          return Status::InvalidArgument(fmt::format("{}: {} must be a whole number", where, name));
        }
        Status st = SetInt(c, *s, *v);
        if (!st.ok()) return Status::InvalidArgument(fmt::format("{}: {}", where, st.message()));
      }
    }
  }
  return Status::Ok();
}

Status ApplyEnvironment(Config& c, const std::function<const char*(const char*)>& getenv_fn) {
  for (const Setting& s : Settings()) {
    const char* v = getenv_fn(EnvName(s).c_str());
    if (s.short_env) {
      if (const char* short_v = getenv_fn(s.short_env)) v = short_v;
    }
    if (v) {
      Status st = ApplySetting(c, s.name, v);
      if (!st.ok()) return Status::InvalidArgument(fmt::format("environment: {}", st.message()));
    }
  }
  return Status::Ok();
}

Status SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) {
    return Status::InvalidArgument(fmt::format("listen address '{}' must be host:port", listen));
  }
  std::string h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return Status::InvalidArgument(fmt::format("listen address '{}' has no host", listen));
  unsigned v = 0;
  const char* b = listen.data() + colon + 1;
  const char* e = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e || v > 65535) {
    return Status::InvalidArgument(fmt::format("listen address '{}' has a bad port", listen));
  }
  *host = h;
  *port = static_cast<uint16_t>(v);
  return Status::Ok();
}

}  // namespace wf
