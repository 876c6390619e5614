// The watchfloor executable: serve, init, user add, apikey create,
// audit verify, backup, migrate, settings.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "api/server_app.h"
#include "core/audit.h"
#include "core/auth_service.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/migrations.h"
#include "core/read_pool.h"
#include "core/writer.h"
#include "ingest/alert_service.h"
#include "ingest/formats/registry.h"

namespace {

using wf::Status;

struct GlobalFlags {
  std::string config_file;
  std::string db;
  std::string listen;
  std::string log_level;
  std::vector<std::string> sets;
};

int Fail(const Status& st) {
  std::cerr << "error: " << st.message() << "\n";
  return st.code() == wf::StatusCode::kInvalidArgument ? 2 : 1;
}

wf::Result<wf::Config> LoadConfig(const GlobalFlags& g) {
  wf::Config c;
  std::string file = g.config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("WATCHFLOOR_CONFIG")) file = env;
  }
  if (!file.empty()) WF_RETURN_IF_ERROR(wf::ApplyTomlFile(c, file));
  WF_RETURN_IF_ERROR(wf::ApplyEnvironment(c, [](const char* name) { return std::getenv(name); }));
  for (const auto& s : g.sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument(fmt::format("--set takes name=value, not '{}'", s));
    }
    WF_RETURN_IF_ERROR(wf::ApplySetting(c, s.substr(0, eq), s.substr(eq + 1)));
  }
  if (!g.db.empty()) c.db_path = g.db;
  if (!g.listen.empty()) c.listen = g.listen;
  if (!g.log_level.empty()) c.log_level = g.log_level;
  return c;
}

// The services a CLI command needs, on the same database the server uses.
struct Local {
  std::unique_ptr<wf::Writer> writer;
  std::unique_ptr<wf::db::ReadPool> reads;
  wf::SystemClock clock;
  std::unique_ptr<wf::auth::AuthService> auth;
  wf::audit::Context ctx;

  static wf::Result<std::unique_ptr<Local>> Open(const wf::Config& c) {
    WF_RETURN_IF_ERROR(wf::crypto::InitCrypto());
    auto l = std::make_unique<Local>();
    WF_ASSIGN_OR_RETURN(auto db, wf::api::OpenAndMigrate(c.db_path));
    l->writer = std::make_unique<wf::Writer>(std::move(db));
    l->reads = std::make_unique<wf::db::ReadPool>(c.db_path);
    wf::auth::AuthOptions ao;
    ao.session_ttl_ms = c.session_ttl_seconds * 1000;
    ao.password_cost.ops = static_cast<unsigned long long>(c.password_hash_ops);
    ao.password_cost.mem_bytes = static_cast<size_t>(c.password_hash_memory_kib) * 1024;
    l->auth = std::make_unique<wf::auth::AuthService>(*l->writer, *l->reads, l->clock, ao);
    const char* user = std::getenv("USER");
    l->ctx = {fmt::format("cli:{}", user ? user : "unknown"), "cli", "local"};
    return l;
  }
};

template <typename T, typename Call>
wf::Result<T> Await(Call call) {
  std::promise<wf::Result<T>> p;
  auto f = p.get_future();
  call([&p](wf::Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}

std::string PasswordFromEnvOrRandom(const char* env, bool* generated) {
  if (const char* v = std::getenv(env); v && *v) {
    *generated = false;
    return v;
  }
  *generated = true;
  return wf::crypto::Base64UrlEncode(wf::crypto::RandomBytes(18));
}

int CmdServe(const wf::Config& c) {
  auto app = wf::api::ServerApp::Create(c);
  if (!app.ok()) return Fail(app.status());
  if (Status st = (*app)->Start(); !st.ok()) return Fail(st);
  (*app)->Wait();
  (*app)->Stop();
  return 0;
}

int CmdInit(const wf::Config& c) {
  auto local = Local::Open(c);
  if (!local.ok()) return Fail(local.status());
  auto users = (*local)->auth->ListUsers();
  if (!users.ok()) return Fail(users.status());
  for (const auto& u : *users) {
    if (u.login == "admin") {
      std::cout << "watchfloor: " << c.db_path << " is already initialised (user 'admin' exists).\n";
      return 0;
    }
  }
  bool generated = false;
  std::string password = PasswordFromEnvOrRandom("WATCHFLOOR_ADMIN_PASSWORD", &generated);
  wf::auth::NewUser nu{"admin", "Administrator", password, wf::auth::Role::kAdmin};
  auto created = Await<wf::auth::User>([&](auto done) {
    (*local)->auth->CreateUser(nu, (*local)->ctx, std::move(done));
  });
  if (!created.ok()) return Fail(created.status());
  std::cout << "watchfloor: created " << c.db_path << " and the user 'admin'.\n";
  if (generated) {
    std::cout << "admin password (shown once, store it now): " << password << "\n";
  } else {
    std::cout << "admin password: taken from WATCHFLOOR_ADMIN_PASSWORD\n";
  }
  return 0;
}

int CmdUserAdd(const wf::Config& c, const std::string& login, const std::string& name,
               const std::string& role_name) {
  auto role = wf::auth::ParseRole(role_name);
  if (!role) {
    return Fail(Status::InvalidArgument(
        fmt::format("role '{}' is not one of l1, l2, l3, manager, admin, auditor", role_name)));
  }
  auto local = Local::Open(c);
  if (!local.ok()) return Fail(local.status());
  bool generated = false;
  std::string password = PasswordFromEnvOrRandom("WATCHFLOOR_USER_PASSWORD", &generated);
  wf::auth::NewUser nu{login, name.empty() ? login : name, password, *role};
  auto created = Await<wf::auth::User>([&](auto done) {
    (*local)->auth->CreateUser(nu, (*local)->ctx, std::move(done));
  });
  if (!created.ok()) return Fail(created.status());
  std::cout << fmt::format("created user '{}' (id {}, role {})\n", created->login, created->id,
                           wf::auth::RoleName(created->role));
  if (generated) std::cout << "password (shown once): " << password << "\n";
  return 0;
}

int CmdApiKeyCreate(const wf::Config& c, const std::string& name,
                    const std::vector<std::string>& scope_names) {
  std::vector<wf::auth::Scope> scopes;
  for (const auto& s : scope_names) {
    auto scope = wf::auth::ParseScope(s);
    if (!scope) return Fail(Status::InvalidArgument(fmt::format("scope '{}' is not ingest or read", s)));
    scopes.push_back(*scope);
  }
  auto local = Local::Open(c);
  if (!local.ok()) return Fail(local.status());
  auto created = Await<wf::auth::CreatedApiKey>([&](auto done) {
    (*local)->auth->CreateApiKey(name, scopes, std::nullopt, (*local)->ctx, std::move(done));
  });
  if (!created.ok()) return Fail(created.status());
  std::cerr << fmt::format("created API key '{}' (id {}, scopes {}); the key is shown once:\n",
                           created->key.name, created->key.id,
                           wf::auth::ScopesToString(created->key.scopes));
  std::cout << created->secret << "\n";
  return 0;
}

int CmdAuditVerify(const wf::Config& c) {
  wf::db::OpenOptions o;
  o.read_only = true;
  auto db = wf::db::Database::Open(c.db_path, o);
  if (!db.ok()) return Fail(db.status());
  auto v = wf::audit::Verify(**db);
  if (!v.ok()) return Fail(v.status());
  if (v->ok) {
    std::cout << fmt::format("audit trail OK: {} records, head hash {}\n", v->checked,
                             v->head_hash.empty() ? "(empty)" : v->head_hash);
    return 0;
  }
  std::cout << fmt::format("audit trail BROKEN at seq {}: {} ({} records checked)\n",
                           *v->first_broken_seq, v->reason, v->checked);
  return 3;
}

int CmdBackup(const wf::Config& c, const std::string& dest) {
  wf::db::OpenOptions o;
  o.read_only = true;
  auto db = wf::db::Database::Open(c.db_path, o);
  if (!db.ok()) return Fail(db.status());
  std::cerr << "backing up " << c.db_path << " to " << dest << " ...\n";
  if (Status st = (*db)->BackupTo(dest); !st.ok()) return Fail(st);
  auto out = wf::db::Database::Open(dest, o);
  if (!out.ok()) return Fail(out.status());
  auto check = (*out)->IntegrityCheck();
  if (!check.ok()) return Fail(check.status());
  std::cout << "backup written to " << dest << " (integrity: " << *check << ")\n";
  return *check == "ok" ? 0 : 1;
}

int CmdMigrate(const wf::Config& c) {
  auto db = wf::api::OpenAndMigrate(c.db_path);
  if (!db.ok()) return Fail(db.status());
  std::cout << fmt::format("{} is at schema version {}\n", c.db_path, wf::db::LatestSchemaVersion());
  return 0;
}

// Loads samples/<format>/*.json through the same parsers and store as the
// HTTP ingest, so a new user sees a populated queue.
int CmdDemo(const wf::Config& c, const std::string& samples_dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(samples_dir)) {
    return Fail(Status::InvalidArgument(fmt::format("no samples folder at {} (use --samples DIR)", samples_dir)));
  }
  auto local = Local::Open(c);
  if (!local.ok()) return Fail(local.status());
  wf::ingest::AlertService alerts(*(*local)->writer, *(*local)->reads, (*local)->clock,
                                  {c.dedup_window_seconds * 1000, false});
  std::vector<fs::path> files;
  for (const auto& dir : fs::directory_iterator(samples_dir)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (f.path().extension() == ".json") files.push_back(f.path());
    }
  }
  std::sort(files.begin(), files.end());
  int created = 0, duplicates = 0, skipped = 0;
  for (const auto& f : files) {
    std::string format = f.parent_path().filename().string();
    if (format == "templates" || format == "grafana-dashboards") continue;
    std::ifstream in(f, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = wf::ingest::ParseBody(format, body);
    if (!parsed.ok()) {
      std::cerr << fmt::format("  skipped {}: {}\n", f.string(), parsed.status().message());
      ++skipped;
      continue;
    }
    wf::ingest::DeliveryMeta meta{"local", std::nullopt, (*local)->ctx.actor, wf::crypto::Sha256Hex(body),
                                  static_cast<int64_t>(body.size()), ""};
    auto r = Await<std::vector<wf::ingest::IngestResult>>([&](auto done) {
      alerts.Ingest(std::move(parsed->alerts), meta, std::move(done));
    });
    if (!r.ok()) return Fail(r.status());
    for (const auto& x : *r) (x.created ? created : duplicates)++;
  }
  std::cout << fmt::format("demo: {} files loaded: {} alerts created, {} deliveries folded as duplicates{}\n",
                           files.size(), created, duplicates,
                           skipped ? fmt::format(", {} skipped", skipped) : "");
  return 0;
}

int CmdSettings() {
  for (const auto& s : wf::DescribeSettings()) {
    std::cout << fmt::format("{:32} {:48} default: {}\n    {}\n", s.name, s.env,
                             s.default_value.empty() ? "(none)" : s.default_value, s.description);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Watchfloor: security incident response platform.\n"
               "Settings come from defaults < --config FILE < WATCHFLOOR_* environment < flags;\n"
               "`watchfloor settings` lists them all."};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalFlags g;
  app.add_option("--config", g.config_file, "TOML configuration file (env WATCHFLOOR_CONFIG)");
  app.add_option("--db", g.db, "SQLite database file (env WATCHFLOOR_DB; default var/watchfloor.db)");
  app.add_option("--listen", g.listen,
                 "address to serve on, HOST:PORT (env WATCHFLOOR_LISTEN; default 127.0.0.1:8080)");
  app.add_option("--log-level", g.log_level, "debug, info, warn or error");
  app.add_option("--set", g.sets, "any setting as name=value, e.g. --set ingest.dedup_window_seconds=3600");

  auto* serve = app.add_subcommand("serve", "Serve the HTTP API and console");
  auto* init = app.add_subcommand(
      "init", "Create the database and the user 'admin' (password from WATCHFLOOR_ADMIN_PASSWORD, "
              "else generated and printed once)");
  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand(
      "add", "Add a user (password from WATCHFLOOR_USER_PASSWORD, else generated and printed once)");
  std::string login, name, role;
  user_add->add_option("login", login, "login name")->required();
  user_add->add_option("--name", name, "display name (default: the login)");
  user_add->add_option("--role", role, "l1, l2, l3, manager, admin or auditor")->required();
  auto* apikey = app.add_subcommand("apikey", "Manage API keys");
  apikey->require_subcommand(1);
  auto* apikey_create = apikey->add_subcommand("create", "Create an API key; prints it once on stdout");
  std::string key_name;
  std::vector<std::string> scopes{"ingest"};
  apikey_create->add_option("--name", key_name, "what the key is for, e.g. splunk-prod")->required();
  apikey_create->add_option("--scope", scopes, "ingest (default) or read; repeatable");
  auto* audit_cmd = app.add_subcommand("audit", "Audit trail");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand(
      "verify", "Check the audit trail's hash chain; exit 3 and the first broken record if altered");
  auto* backup = app.add_subcommand("backup", "Online backup of the database to FILE (SQLite backup API)");
  std::string backup_file;
  backup->add_option("FILE", backup_file, "destination file")->required();
  auto* migrate = app.add_subcommand("migrate", "Bring the database schema up to date");
  auto* settings = app.add_subcommand("settings", "List every setting, its environment variable and default");
  auto* demo = app.add_subcommand("demo", "Load the sample SIEM payloads of samples/ into the alert queue");
  std::string samples_dir = "samples";
  demo->add_option("--samples", samples_dir, "folder with one subfolder per format (default: samples)");

  const std::string global_footer =
      "Global options (before or after the command): --config FILE, --db PATH, --listen HOST:PORT,\n"
      "--log-level LEVEL, --set name=value. See `watchfloor --help` and `watchfloor settings`.";
  for (auto* sub : {serve, init, user_add, apikey_create, audit_verify, backup, migrate, settings, demo}) {
    sub->footer(global_footer);
  }

  CLI11_PARSE(app, argc, argv);

  auto config = LoadConfig(g);
  if (!config.ok()) return Fail(config.status());
  wf::log::SetLevel(config->log_level);
  if (!serve->parsed()) wf::log::SetQuiet(true);  // CLI output is the product

  if (serve->parsed()) return CmdServe(*config);
  if (init->parsed()) return CmdInit(*config);
  if (user_add->parsed()) return CmdUserAdd(*config, login, name, role);
  if (apikey_create->parsed()) return CmdApiKeyCreate(*config, key_name, scopes);
  if (audit_verify->parsed()) return CmdAuditVerify(*config);
  if (backup->parsed()) return CmdBackup(*config, backup_file);
  if (migrate->parsed()) return CmdMigrate(*config);
  if (settings->parsed()) return CmdSettings();
  if (demo->parsed()) return CmdDemo(*config, samples_dir);
  return 2;
}
