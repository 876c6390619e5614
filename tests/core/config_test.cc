// Tests of configuration loading (core/config.h): defaults < TOML file <
// WATCHFLOOR_* environment (through an injected getenv) < flags.
#include "core/config.h"

#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/core/temp_db.h"

namespace wf {
namespace {

using wf::testing::TempDb;

std::string WriteFile(const TempDb& tmp, const std::string& name, const std::string& text) {
  const std::string path = tmp.File(name);
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
  return path;
}

// A fake environment for ApplyEnvironment.
struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::vector<std::string> asked;
  std::function<const char*(const char*)> Fn() {
    return [this](const char* name) -> const char* {
      asked.emplace_back(name);
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

// Every setting, with a non-default value and how to read it back.
struct SettingRow {
  std::string name;
  std::string env;
  std::string value;       // as text (flag, environment)
  std::string toml_value;  // as TOML
  std::function<std::string(const Config&)> get;
};

std::vector<SettingRow> AllSettings() {
  auto str = [](std::string name, std::string value, std::string Config::*m) {
    std::string env = "WATCHFLOOR_";
    for (char ch : name) env += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    return SettingRow{name, env, value, "\"" + value + "\"", [m](const Config& c) { return c.*m; }};
  };
  auto i64 = [](std::string name, std::string value, int64_t Config::*m) {
    std::string env = "WATCHFLOOR_";
    for (char ch : name) env += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    return SettingRow{name, env, value, value,
                      [m](const Config& c) { return std::to_string(c.*m); }};
  };
  auto flag = [](std::string name, bool Config::*m) {
    std::string env = "WATCHFLOOR_";
    for (char ch : name) env += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    return SettingRow{name, env, "true", "true",
                      [m](const Config& c) { return std::string(c.*m ? "true" : "false"); }};
  };
  return {
      str("database.path", "/srv/watchfloor/wf.db", &Config::db_path),
      str("server.listen", "0.0.0.0:9443", &Config::listen),
      SettingRow{"server.threads", "WATCHFLOOR_SERVER_THREADS", "4", "4",
                 [](const Config& c) { return std::to_string(c.threads); }},
      str("server.tls_cert", "/etc/watchfloor/cert.pem", &Config::tls_cert),
      str("server.tls_key", "/etc/watchfloor/key.pem", &Config::tls_key),
      i64("server.max_connections", "77", &Config::max_connections),
      i64("server.header_timeout_ms", "1234", &Config::header_timeout_ms),
      i64("server.read_timeout_ms", "2345", &Config::read_timeout_ms),
      i64("server.idle_timeout_ms", "3456", &Config::idle_timeout_ms),
      i64("limits.ingest_body_bytes", "4096", &Config::ingest_body_bytes),
      i64("limits.api_body_bytes", "8192", &Config::api_body_bytes),
      i64("limits.attachment_body_bytes", "65536", &Config::attachment_body_bytes),
      i64("ingest.dedup_window_seconds", "600", &Config::dedup_window_seconds),
      flag("ingest.store_raw_deliveries", &Config::store_raw_deliveries),
      flag("ingest.thehive_duplicate_400", &Config::thehive_duplicate_400),
      i64("database.checkpoint_interval_ms", "250", &Config::checkpoint_interval_ms),
      i64("ingest.email_max_bytes", "4194304", &Config::email_max_bytes),
      i64("writer.max_batch", "64", &Config::writer_max_batch),
      i64("writer.max_delay_us", "1000", &Config::writer_max_delay_us),
      i64("writer.queue_capacity", "100", &Config::writer_queue_capacity),
      i64("auth.session_ttl_seconds", "3600", &Config::session_ttl_seconds),
      i64("auth.password_hash_ops", "3", &Config::password_hash_ops),
      i64("auth.password_hash_memory_kib", "16384", &Config::password_hash_memory_kib),
      str("cases.number_prefix", "IR", &Config::case_number_prefix),
      str("cases.l2_severity_floor", "medium", &Config::l2_severity_floor),
      str("cases.l3_severity_floor", "critical", &Config::l3_severity_floor),
      str("cases.attachments_dir", "/srv/evidence", &Config::attachments_dir),
      i64("sla.check_interval_ms", "5000", &Config::sla_check_interval_ms),
      str("notify.webhook_urls", "http://127.0.0.1:9/hook", &Config::webhook_urls),
      str("log.level", "debug", &Config::log_level),
  };
}

TEST_CASE("Config: defaults are those of SPEC 8", "[core]") {
  const Config c;
  CHECK(c.db_path == "var/watchfloor.db");
  CHECK(c.listen == "127.0.0.1:8080");
  CHECK(c.threads == 0);
  CHECK(c.tls_cert.empty());
  CHECK(c.tls_key.empty());
  CHECK(c.ingest_body_bytes == 1024 * 1024);
  CHECK(c.attachment_body_bytes == 25 * 1024 * 1024);
  CHECK(c.dedup_window_seconds == 24 * 3600);
  CHECK_FALSE(c.store_raw_deliveries);
  CHECK(c.writer_max_batch == 512);
  CHECK(c.writer_max_delay_us == 200);
  CHECK(c.writer_queue_capacity == 20000);
  CHECK(c.session_ttl_seconds == 12 * 3600);
  CHECK(c.log_level == "info");
}

TEST_CASE("Config: every setting works as a flag, an environment variable and a TOML key",
          "[core]") {
  const std::vector<SettingRow> rows = AllSettings();
  const std::vector<SettingInfo> described = DescribeSettings();
  // A new setting must be added to this table too.
  CHECK(described.size() == rows.size());
  const Config defaults;
  TempDb tmp;
  for (const SettingRow& row : rows) {
    INFO(row.name);
    const std::string default_text = row.get(defaults);
    REQUIRE(row.value != default_text);

    Config by_flag;
    Status st = ApplySetting(by_flag, row.name, row.value);
    INFO(st.ToString());
    REQUIRE(st.ok());
    CHECK(row.get(by_flag) == row.value);

    Config by_env;
    FakeEnv env;
    env.vars[row.env] = row.value;
    REQUIRE(ApplyEnvironment(by_env, env.Fn()).ok());
    CHECK(row.get(by_env) == row.value);

    Config by_file;
    const size_t dot = row.name.find('.');
    const std::string path =
        WriteFile(tmp, "one.toml",
                  "[" + row.name.substr(0, dot) + "]\n" + row.name.substr(dot + 1) + " = " +
                      row.toml_value + "\n");
    Status file_st = ApplyTomlFile(by_file, path);
    INFO(file_st.ToString());
    REQUIRE(file_st.ok());
    CHECK(row.get(by_file) == row.value);

    bool found = false;
    for (const SettingInfo& info : described) {
      if (info.name != row.name) continue;
      found = true;
      CHECK_THAT(info.env, Catch::Contains(row.env));
      CHECK(info.default_value == default_text);
      CHECK_FALSE(info.description.empty());
    }
    CHECK(found);
  }
}

TEST_CASE("Config: a TOML file sets values and leaves the rest at their defaults", "[core]") {
  TempDb tmp;
  const std::string path = WriteFile(tmp, "watchfloor.toml", R"(# Watchfloor
[database]
path = "/var/lib/watchfloor/wf.db"

[server]
listen = "0.0.0.0:9000"
threads = 8

[ingest]
store_raw_deliveries = true
dedup_window_seconds = 3600

[writer]
max_batch = 64

[log]
level = "warn"
)");
  Config c;
  Status st = ApplyTomlFile(c, path);
  INFO(st.ToString());
  REQUIRE(st.ok());
  CHECK(c.db_path == "/var/lib/watchfloor/wf.db");
  CHECK(c.listen == "0.0.0.0:9000");
  CHECK(c.threads == 8);
  CHECK(c.store_raw_deliveries);
  CHECK(c.dedup_window_seconds == 3600);
  CHECK(c.writer_max_batch == 64);
  CHECK(c.log_level == "warn");
  // Untouched.
  const Config defaults;
  CHECK(c.writer_queue_capacity == defaults.writer_queue_capacity);
  CHECK(c.session_ttl_seconds == defaults.session_ttl_seconds);
  CHECK(c.thehive_duplicate_400 == defaults.thehive_duplicate_400);
  CHECK(c.tls_cert.empty());
}

TEST_CASE("Config: an unknown key in the TOML file is an error naming it", "[core]") {
  struct Case {
    std::string toml;
    std::string named;
  };
  const std::vector<Case> cases = {
      {"[server]\nlisen = \"0.0.0.0:80\"\n", "server.lisen"},
      {"[bogus]\nkey = 1\n", "bogus.key"},
      {"[database]\npath = \"x.db\"\n[database.extra]\nx = 1\n", "extra"},
      {"listen = \"0.0.0.0:80\"\n", "listen"},
      {"[Server]\nlisten = \"0.0.0.0:80\"\n", "Server.listen"},  // names are case-sensitive
  };
  TempDb tmp;
  for (const Case& c : cases) {
    INFO(c.toml);
    const std::string path = WriteFile(tmp, "bad.toml", c.toml);
    Config config;
    Status st = ApplyTomlFile(config, path);
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(st.message(), Catch::Contains(c.named));
    CHECK_THAT(st.message(), Catch::Contains(path));
  }
}

TEST_CASE("Config: a TOML value of the wrong type is an error naming the key", "[core]") {
  struct Case {
    std::string toml;
    std::string named;
  };
  const std::vector<Case> cases = {
      {"[server]\nmax_connections = \"many\"\n", "server.max_connections"},
      {"[server]\nmax_connections = 1.5\n", "server.max_connections"},
      {"[server]\nmax_connections = 100.0\n", "server.max_connections"},
      {"[server]\nmax_connections = true\n", "server.max_connections"},
      {"[server]\nmax_connections = -1\n", "server.max_connections"},
      {"[server]\nthreads = 5000\n", "server.threads"},
      {"[server]\nlisten = 8080\n", "server.listen"},
      {"[server]\nlisten = [\"a\", \"b\"]\n", "server.listen"},
      {"[ingest]\nstore_raw_deliveries = \"yes\"\n", "ingest.store_raw_deliveries"},
      {"[log]\nlevel = { name = \"debug\" }\n", "log.level"},
  };
  TempDb tmp;
  for (const Case& c : cases) {
    INFO(c.toml);
    const std::string path = WriteFile(tmp, "bad.toml", c.toml);
    Config config;
    Status st = ApplyTomlFile(config, path);
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(st.message(), Catch::Contains(c.named));
  }
}

TEST_CASE("Config: a TOML boolean setting refuses an integer", "[core]") {
  // Bug report: ApplyTomlFile reads booleans with node.value<bool>(), which
  // toml++ also answers for integers (1 → true); integers are guarded with
  // is_integer(), booleans are not guarded with is_boolean().
  TempDb tmp;
  const std::string path = WriteFile(tmp, "bad.toml", "[ingest]\nstore_raw_deliveries = 1\n");
  Config c;
  Status st = ApplyTomlFile(c, path);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(c.store_raw_deliveries);
}

TEST_CASE("Config: TOML key errors name the line of the offending key", "[core]") {
  // Bug report: config.h promises "InvalidArgument naming the file, line and
  // key"; unknown-key and wrong-type errors name the file and key only.
  TempDb tmp;
  const std::string path = WriteFile(
      tmp, "bad.toml", "# comment\n\n[server]\nlisten = \"0.0.0.0:80\"\n\n\nlisen = \"x\"\n");
  Config c;
  Status st = ApplyTomlFile(c, path);
  REQUIRE(st.code() == StatusCode::kInvalidArgument);
  std::string without_path = st.message();
  if (auto at = without_path.find(path); at != std::string::npos) {
    without_path.erase(at, path.size());
  }
  CHECK_THAT(without_path, Catch::Contains("7"));
}

TEST_CASE("Config: malformed TOML is an error naming the file and the line", "[core]") {
  TempDb tmp;
  const std::string path = WriteFile(tmp, "broken.toml", "[server]\nlisten = \"unterminated\n");
  Config c;
  Status st = ApplyTomlFile(c, path);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(st.message(), Catch::Contains(path + ":2"));
  CHECK(c.listen == Config().listen);
}

TEST_CASE("Config: a missing TOML file is an error naming it", "[core]") {
  TempDb tmp;
  const std::string path = tmp.File("absent.toml");
  Config c;
  Status st = ApplyTomlFile(c, path);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(st.message(), Catch::Contains(path));
}

TEST_CASE("Config: the environment overrides the file", "[core]") {
  TempDb tmp;
  const std::string path = WriteFile(tmp, "watchfloor.toml",
                                     "[server]\nlisten = \"0.0.0.0:9000\"\n"
                                     "[writer]\nmax_batch = 64\n"
                                     "[ingest]\nstore_raw_deliveries = true\n");
  Config c;
  REQUIRE(ApplyTomlFile(c, path).ok());
  FakeEnv env;
  env.vars["WATCHFLOOR_SERVER_LISTEN"] = "127.0.0.1:7000";
  env.vars["WATCHFLOOR_INGEST_STORE_RAW_DELIVERIES"] = "false";
  env.vars["WATCHFLOOR_AUTH_SESSION_TTL_SECONDS"] = "60";
  env.vars["HOME"] = "/root";  // not ours: ignored
  Status st = ApplyEnvironment(c, env.Fn());
  INFO(st.ToString());
  REQUIRE(st.ok());
  CHECK(c.listen == "127.0.0.1:7000");
  CHECK_FALSE(c.store_raw_deliveries);
  CHECK(c.session_ttl_seconds == 60);
  CHECK(c.writer_max_batch == 64);  // from the file, not overridden
  for (const std::string& name : env.asked) {
    CHECK(name.rfind("WATCHFLOOR_", 0) == 0);
  }
}

TEST_CASE("Config: WATCHFLOOR_DB and WATCHFLOOR_LISTEN are short names", "[core]") {
  Config c;
  FakeEnv env;
  env.vars["WATCHFLOOR_DB"] = "/data/wf.db";
  env.vars["WATCHFLOOR_LISTEN"] = "[::1]:9000";
  REQUIRE(ApplyEnvironment(c, env.Fn()).ok());
  CHECK(c.db_path == "/data/wf.db");
  CHECK(c.listen == "[::1]:9000");
}

TEST_CASE("Config: an environment value of the wrong type is an error", "[core]") {
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"WATCHFLOOR_WRITER_MAX_BATCH", "lots"},
           {"WATCHFLOOR_INGEST_STORE_RAW_DELIVERIES", "maybe"},
           {"WATCHFLOOR_SERVER_MAX_CONNECTIONS", "-3"},
       }) {
    INFO(name << "=" << value);
    Config c;
    FakeEnv env;
    env.vars[name] = value;
    Status st = ApplyEnvironment(c, env.Fn());
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(st.message(), Catch::Contains("environment"));
  }
}

TEST_CASE("Config: ApplySetting reads whole numbers strictly", "[core]") {
  const std::vector<std::pair<std::string, bool>> values = {
      {"0", true},
      {"5", true},
      {"9223372036854775807", true},
      {"", false},
      {"12x", false},
      {" 5", false},
      {"5 ", false},
      {"-5", false},
      {"+5", false},
      {"1e3", false},
      {"0x10", false},
      {"1.0", false},
      {"99999999999999999999", false},
  };
  for (const auto& [value, ok] : values) {
    INFO("'" << value << "'");
    Config c;
    Status st = ApplySetting(c, "ingest.dedup_window_seconds", value);
    CHECK(st.ok() == ok);
    if (ok) {
      CHECK(std::to_string(c.dedup_window_seconds) == value);
    } else {
      CHECK(st.code() == StatusCode::kInvalidArgument);
      CHECK(c.dedup_window_seconds == Config().dedup_window_seconds);
    }
  }
  Config c;
  CHECK(ApplySetting(c, "server.threads", "1024").ok());
  CHECK(c.threads == 1024);
  CHECK(ApplySetting(c, "server.threads", "1025").code() == StatusCode::kInvalidArgument);
  CHECK(c.threads == 1024);
}

TEST_CASE("Config: ApplySetting reads booleans and refuses anything else", "[core]") {
  for (const char* yes : {"true", "1", "yes", "on"}) {
    INFO(yes);
    Config c;
    REQUIRE(ApplySetting(c, "ingest.store_raw_deliveries", yes).ok());
    CHECK(c.store_raw_deliveries);
  }
  for (const char* no : {"false", "0", "no", "off"}) {
    INFO(no);
    Config c;
    c.store_raw_deliveries = true;
    REQUIRE(ApplySetting(c, "ingest.store_raw_deliveries", no).ok());
    CHECK_FALSE(c.store_raw_deliveries);
  }
  for (const char* bad : {"", "maybe", "2", "truthy"}) {
    INFO(bad);
    Config c;
    CHECK(ApplySetting(c, "ingest.store_raw_deliveries", bad).code() ==
          StatusCode::kInvalidArgument);
    CHECK_FALSE(c.store_raw_deliveries);
  }
}

TEST_CASE("Config: ApplySetting refuses an unknown name, naming it", "[core]") {
  Config c;
  Status st = ApplySetting(c, "server.lisen", "0.0.0.0:80");
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(st.message(), Catch::Contains("server.lisen"));
  CHECK(ApplySetting(c, "", "x").code() == StatusCode::kInvalidArgument);
  CHECK(ApplySetting(c, "listen", "x").code() == StatusCode::kInvalidArgument);
  CHECK(c.listen == Config().listen);
}

TEST_CASE("Config: a password cost below libsodium's minimum is refused", "[core]") {
  // Bug report: auth.password_hash_ops / _memory_kib are described as "(min 1)"
  // and "(min 8)" but only negatives are refused; 0 passes and every password
  // hash then fails at run time as "password hashing ran out of memory".
  Config c;
  CHECK(ApplySetting(c, "auth.password_hash_ops", "0").code() == StatusCode::kInvalidArgument);
  CHECK(ApplySetting(c, "auth.password_hash_memory_kib", "7").code() ==
        StatusCode::kInvalidArgument);
  CHECK(ApplySetting(c, "auth.password_hash_ops", "1").ok());
  CHECK(ApplySetting(c, "auth.password_hash_memory_kib", "8").ok());
}

TEST_CASE("Config: SplitHostPort splits host:port and refuses malformed addresses", "[core]") {
  struct Case {
    std::string listen;
    bool ok;
    std::string host;
    uint16_t port;
  };
  const std::vector<Case> cases = {
      {"127.0.0.1:8080", true, "127.0.0.1", 8080},
      {"[::1]:9000", true, "::1", 9000},
      {"localhost:0", true, "localhost", 0},
      {"0.0.0.0:65535", true, "0.0.0.0", 65535},
      {"[2001:db8::7]:443", true, "2001:db8::7", 443},
      {"nohost", false, "", 0},
      {":80", false, "", 0},
      {"[]:80", false, "", 0},
      {"h:99999", false, "", 0},
      {"h:65536", false, "", 0},
      {"h:x", false, "", 0},
      {"h:", false, "", 0},
      {"h:-1", false, "", 0},
      {"h:+80", false, "", 0},
      {"h:80 ", false, "", 0},
      {"h:8o", false, "", 0},
      {"", false, "", 0},
  };
  for (const Case& c : cases) {
    INFO("'" << c.listen << "'");
    std::string host = "unchanged";
    uint16_t port = 1;
    Status st = SplitHostPort(c.listen, &host, &port);
    CHECK(st.ok() == c.ok);
    if (c.ok) {
      CHECK(host == c.host);
      CHECK(port == c.port);
    } else {
      CHECK(st.code() == StatusCode::kInvalidArgument);
      CHECK(host == "unchanged");
      CHECK(port == 1);
    }
  }
}

}  // namespace
}  // namespace wf
