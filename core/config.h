// Config: every setting of the server, loaded from (later overrides earlier)
// built-in defaults < TOML file < WATCHFLOOR_* environment < command-line.
// Each setting has one dotted name ("ingest.dedup_window_seconds") used as the
// TOML key (section.key), as the flag `--set name=value`, and, upper-cased
// with '.' → '_', as the environment variable WATCHFLOOR_INGEST_DEDUP_WINDOW_SECONDS.
// Two have short fixed names too: WATCHFLOOR_DB / --db and WATCHFLOOR_LISTEN / --listen.
// A plain value type; not synchronised.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace wf {

struct Config {
  // [database]
  std::string db_path = "var/watchfloor.db";
  // [server]
  std::string listen = "127.0.0.1:8080";
  int threads = 0;  // 0 = one per core
  std::string tls_cert;
  std::string tls_key;
  int64_t max_connections = 1024;
  int64_t header_timeout_ms = 10000;
  int64_t read_timeout_ms = 30000;
  int64_t idle_timeout_ms = 60000;
  // [limits]
  int64_t ingest_body_bytes = 1 << 20;
  int64_t api_body_bytes = 1 << 20;
  int64_t attachment_body_bytes = 25 << 20;
  // [ingest]
  int64_t dedup_window_seconds = 24 * 3600;
  bool store_raw_deliveries = false;
  bool thehive_duplicate_400 = false;
  int64_t checkpoint_interval_ms = 1000;  // [database]; 0: SQLite checkpoints inside COMMIT
  int64_t email_max_bytes = 0;  // 0: limits.attachment_body_bytes
  // [writer]
  int64_t writer_max_batch = 512;
  int64_t writer_max_delay_us = 200;
  int64_t writer_queue_capacity = 20000;
  // [auth]
  int64_t session_ttl_seconds = 12 * 3600;
  int64_t password_hash_ops = 2;            // Argon2id passes
  int64_t password_hash_memory_kib = 65536; // Argon2id memory
  // [cases]
  std::string case_number_prefix = "SOC";
  std::string l2_severity_floor = "high";
  std::string l3_severity_floor = "high";
  std::string attachments_dir;  // empty: "attachments" next to the database
  // [sla]
  int64_t sla_check_interval_ms = 15000;
  // [notify]
  std::string webhook_urls;  // comma-separated http:// URLs
  // [log]
  std::string log_level = "info";
};

// The settings table, for --help and docs: name, environment variable, description.
struct SettingInfo {
  std::string name, env, description, default_value;
};
std::vector<SettingInfo> DescribeSettings();

// Applies one setting by dotted name; InvalidArgument on an unknown name or a
// value of the wrong type ("not a number").
Status ApplySetting(Config& config, const std::string& name, const std::string& value);

// Applies a TOML file; InvalidArgument naming the file, line and key on error.
Status ApplyTomlFile(Config& config, const std::string& path);

// Applies WATCHFLOOR_* variables found through `getenv`.
Status ApplyEnvironment(Config& config,
                        const std::function<const char*(const char*)>& getenv_fn);

// Splits "host:port" ("[::1]:8080" for IPv6); InvalidArgument when malformed.
Status SplitHostPort(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace wf
