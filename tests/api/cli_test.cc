// The `watchfloor` command line (issue 2 "CLI", SPEC 8), run as the real
// binary against temporary databases. Each command runs with a scrubbed
// environment (only the variables a test sets, plus PATH and sanitizer
// options) and with a temporary directory as its working directory, so that
// nothing can fall back to a developer's WATCHFLOOR_* settings or ./var.
//
// Also here: GET /api/v1/audit/verify after tampering, the API side of
// `audit verify`.
#include <fmt/format.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/crypto.h"
#include "core/sqlite.h"
#include "tests/support/test_server.h"

namespace wf::test {
namespace {

namespace fs = std::filesystem;

using Env = std::vector<std::pair<std::string, std::string>>;

constexpr char kAdminPassword[] = "cli admin password 2026";

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/watchfloor-cli-test-XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (d == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = d;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or could not run
  std::string out;
  std::string err;
};

// Runs `watchfloor args...` in `dir` with only `env` set (besides PATH, HOME
// and sanitizer options), stdout and stderr captured to files in `dir`.
RunResult Run(const TempDir& dir, const std::vector<std::string>& args, const Env& env = {}) {
  static int counter = 0;
  const int n = ++counter;
  const std::string out_file = dir / fmt::format(".out-{}", n);
  const std::string err_file = dir / fmt::format(".err-{}", n);
  std::string cmd = "cd " + ShellQuote(dir.path()) + " && env -i";
  const char* path = std::getenv("PATH");
  cmd += " PATH=" + ShellQuote(path ? path : "/usr/bin:/bin");
  cmd += " HOME=" + ShellQuote(dir.path()) + " USER=clitest";
  for (const char* pass : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(pass)) {
      cmd += fmt::format(" {}={}", pass, ShellQuote(v));
    }
  }
  for (const auto& [name, value] : env) {
    cmd += fmt::format(" {}={}", name, ShellQuote(value));
  }
  cmd += " " + ShellQuote(WATCHFLOOR_BIN);
  for (const auto& a : args) {
    cmd += " " + ShellQuote(a);
  }
  cmd += " >" + ShellQuote(out_file) + " 2>" + ShellQuote(err_file) + " </dev/null";
  RunResult r;
  const int status = std::system(cmd.c_str());
  if (status != -1 && WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  }
  r.out = ReadFile(out_file);
  r.err = ReadFile(err_file);
  std::error_code ec;
  fs::remove(out_file, ec);
  fs::remove(err_file, ec);
  return r;
}

std::string Describe(const RunResult& r) {
  return fmt::format("exit {}\n--- stdout ---\n{}--- stderr ---\n{}", r.exit_code, r.out, r.err);
}

size_t Occurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// One value from a database file the CLI wrote, on a fresh read-only connection.
std::string QueryText(const std::string& db_path, const std::string& sql) {
  db::OpenOptions o;
  o.read_only = true;
  auto db = db::Database::Open(db_path, o);
  if (!db.ok()) {
    throw std::runtime_error("open " + db_path + ": " + db.status().ToString());
  }
  auto st = (*db)->Prepare(sql);
  if (!st.ok()) {
    throw std::runtime_error("prepare: " + st.status().ToString());
  }
  auto row = st->Step();
  if (!row.ok() || !*row) {
    throw std::runtime_error("no row for: " + sql);
  }
  return st->IsNull(0) ? "NULL" : st->Text(0);
}

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  return std::stoll(QueryText(db_path, sql));
}

// Edits the audit trail behind everyone's back, as an attacker with file
// access would: the append-only trigger is dropped first.
void TamperAuditRecord(const std::string& db_path, int64_t seq) {
  auto db = db::Database::Open(db_path);
  REQUIRE(db.ok());
  Status st =
      (*db)->Exec(fmt::format("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET "
                              "details='{{\"x\":1}}' WHERE seq={};",
                              seq));
  INFO(st.ToString());
  REQUIRE(st.ok());
  REQUIRE((*db)->Changes() == 1);
}

RunResult InitDb(const TempDir& dir, const std::string& db_path) {
  RunResult r =
      Run(dir, {"init", "--db", db_path}, {{"WATCHFLOOR_ADMIN_PASSWORD", kAdminPassword}});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  return r;
}

bool PasswordMatches(const std::string& db_path, const std::string& login,
                     const std::string& password) {
  REQUIRE(crypto::InitCrypto().ok());
  const std::string hash =
      QueryText(db_path, fmt::format("SELECT password_hash FROM users WHERE login = '{}'", login));
  return crypto::VerifyPassword(password, hash);
}

// --- help
// ---------------------------------------------------------------------

TEST_CASE(
    "CLI: --help of the program and of each subcommand exits 0 and names "
    "its options",
    "[cli]") {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> mentions;
  };
  const std::vector<Case> cases = {
      {{"--help"},
       {"--config", "--db", "--listen", "--set", "serve", "init", "user", "apikey", "audit",
        "backup", "migrate", "settings"}},
      {{"serve", "--help"}, {"Serve", "--help"}},
      {{"init", "--help"}, {"admin", "WATCHFLOOR_ADMIN_PASSWORD"}},
      {{"user", "--help"}, {"add"}},
      {{"user", "add", "--help"}, {"--role", "--name", "login", "l1", "auditor"}},
      {{"apikey", "--help"}, {"create"}},
      {{"apikey", "create", "--help"}, {"--name", "--scope", "ingest"}},
      {{"audit", "--help"}, {"verify"}},
      {{"audit", "verify", "--help"}, {"hash chain"}},
      {{"backup", "--help"}, {"FILE"}},
      {{"migrate", "--help"}, {"schema"}},
      {{"settings", "--help"}, {"setting"}},
  };
  for (const auto& c : cases) {
    RunResult r = Run(dir, c.args);
    INFO("watchfloor " << fmt::format("{}", fmt::join(c.args, " ")) << "\n" << Describe(r));
    CHECK(r.exit_code == 0);
    for (const auto& m : c.mentions) {
      CHECK_THAT(r.out, Catch::Contains(m));
    }
  }
  // Asking for help creates no database anywhere.
  CHECK_FALSE(fs::exists(dir / "var"));
}

// SPEC 8 / issue 2: --db, --listen and --config are the fixed flags other tools
// depend on; `serve --help` is where an operator looks for them.
TEST_CASE("CLI: serve --help names --db, --listen and --config", "[cli]") {
  TempDir dir;
  RunResult r = Run(dir, {"serve", "--help"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("--db"));
  CHECK_THAT(r.out, Catch::Contains("--listen"));
  CHECK_THAT(r.out, Catch::Contains("--config"));
}

TEST_CASE("CLI: an unknown subcommand or flag exits non-zero", "[cli]") {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {"frobnicate"}, {"init", "--no-such-flag"}, {"user"}}) {
    RunResult r = Run(dir, args);
    INFO(fmt::format("watchfloor {}\n", fmt::join(args, " ")) << Describe(r));
    CHECK(r.exit_code != 0);
    CHECK_FALSE((r.out + r.err).empty());
  }
  CHECK_FALSE(fs::exists(dir / "var"));
}

// --- init
// ---------------------------------------------------------------------

TEST_CASE(
    "CLI: init with WATCHFLOOR_ADMIN_PASSWORD creates the admin and "
    "never prints the password",
    "[cli]") {
  TempDir dir;
  const std::string db = dir / "sub/dir/wf.db";
  RunResult first = InitDb(dir, db);
  INFO(Describe(first));
  REQUIRE(fs::exists(db));
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM users") == 1);
  CHECK(QueryText(db, "SELECT role FROM users WHERE login = 'admin'") == "admin");
  CHECK(PasswordMatches(db, "admin", kAdminPassword));
  CHECK(first.out.find(kAdminPassword) == std::string::npos);
  CHECK(first.err.find(kAdminPassword) == std::string::npos);
  CHECK(QueryText(db, "SELECT password_hash FROM users").find(kAdminPassword) == std::string::npos);
  CHECK_FALSE(fs::exists(dir / "var"));
  const int64_t audit_rows = QueryInt(db, "SELECT COUNT(*) FROM audit_log");
  CHECK(audit_rows >= 1);

  // A second init changes nothing and says so.
  RunResult second =
      Run(dir, {"init", "--db", db}, {{"WATCHFLOOR_ADMIN_PASSWORD", "another password 1234"}});
  INFO(Describe(second));
  CHECK(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("already initialised"));
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM users") == 1);
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM audit_log") == audit_rows);
  CHECK(PasswordMatches(db, "admin", kAdminPassword));
}

TEST_CASE(
    "CLI: init without WATCHFLOOR_ADMIN_PASSWORD prints a generated "
    "password exactly once",
    "[cli]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  RunResult first = Run(dir, {"init", "--db", db});
  INFO(Describe(first));
  REQUIRE(first.exit_code == 0);
  const std::string marker = "(shown once, store it now): ";
  const size_t at = first.out.find(marker);
  REQUIRE(at != std::string::npos);
  const size_t start = at + marker.size();
  const std::string password = first.out.substr(start, first.out.find('\n', start) - start);
  CHECK(password.size() >= 16);
  CHECK(Occurrences(first.out + first.err, password) == 1);
  CHECK(PasswordMatches(db, "admin", password));

  // Not shown again, and not replaced.
  RunResult second = Run(dir, {"init", "--db", db});
  INFO(Describe(second));
  CHECK(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("already initialised"));
  CHECK(second.out.find(marker) == std::string::npos);
  CHECK(Occurrences(second.out + second.err, password) == 0);
  CHECK(PasswordMatches(db, "admin", password));

  // Two fresh databases get two different passwords.
  RunResult other = Run(dir, {"init", "--db", dir / "other.db"});
  REQUIRE(other.exit_code == 0);
  CHECK(other.out.find(password) == std::string::npos);
}

// --- user add, apikey create
// ------------------------------------------------------

TEST_CASE(
    "CLI: user add creates a user with its role, and an unknown role "
    "fails clearly",
    "[cli]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  InitDb(dir, db);
  const Env pw{{"WATCHFLOOR_USER_PASSWORD", "bob's password 2026"}};

  RunResult ok = Run(dir, {"user", "add", "bob", "--role", "l2", "--db", db}, pw);
  INFO(Describe(ok));
  CHECK(ok.exit_code == 0);
  CHECK(QueryText(db, "SELECT role FROM users WHERE login = 'bob'") == "l2");
  CHECK(PasswordMatches(db, "bob", "bob's password 2026"));
  CHECK(ok.out.find("bob's password 2026") == std::string::npos);

  const int64_t users = QueryInt(db, "SELECT COUNT(*) FROM users");
  const int64_t audit_rows = QueryInt(db, "SELECT COUNT(*) FROM audit_log");
  RunResult bad = Run(dir, {"user", "add", "carol", "--role", "wizard", "--db", db}, pw);
  INFO(Describe(bad));
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains("wizard"));
  CHECK_THAT(bad.err, Catch::Contains("l1, l2, l3, manager, admin, auditor"));
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM users WHERE login = 'carol'") == 0);

  RunResult dup = Run(dir, {"user", "add", "bob", "--role", "l1", "--db", db}, pw);
  INFO(Describe(dup));
  CHECK(dup.exit_code != 0);
  CHECK_THAT(dup.err, Catch::Contains("bob"));
  RunResult weak = Run(dir, {"user", "add", "dave", "--role", "l1", "--db", db},
                       {{"WATCHFLOOR_USER_PASSWORD", "short"}});
  INFO(Describe(weak));
  CHECK(weak.exit_code != 0);
  CHECK_THAT(weak.err, Catch::Contains("password"));
  RunResult no_role = Run(dir, {"user", "add", "erin", "--db", db}, pw);
  CHECK(no_role.exit_code != 0);
  CHECK_THAT(no_role.out + no_role.err, Catch::Contains("--role"));

  CHECK(QueryInt(db, "SELECT COUNT(*) FROM users") == users);
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM audit_log") == audit_rows);
}

TEST_CASE(
    "CLI: apikey create prints a wfk_ key on stdout once and stores only "
    "its hash",
    "[cli]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  InitDb(dir, db);
  RunResult r = Run(dir, {"apikey", "create", "--name", "splunk", "--db", db});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  std::string key = r.out;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
    key.pop_back();
  }
  CHECK(key.rfind("wfk_", 0) == 0);
  CHECK(key.size() >= 30);
  CHECK(key.find('\n') == std::string::npos);  // stdout is the key alone
  CHECK(r.err.find(key) == std::string::npos);
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM api_keys WHERE name = 'splunk'") == 1);
  CHECK_THAT(QueryText(db, "SELECT scopes FROM api_keys WHERE name = 'splunk'"),
             Catch::Contains("ingest"));
  CHECK(QueryInt(db, fmt::format("SELECT COUNT(*) FROM api_keys WHERE key_hash = '{0}' OR "
                                 "key_prefix = '{0}' OR name = '{0}'",
                                 key)) == 0);

  RunResult read =
      Run(dir, {"apikey", "create", "--name", "grafana", "--scope", "read", "--db", db});
  CHECK(read.exit_code == 0);
  CHECK(QueryText(db, "SELECT scopes FROM api_keys WHERE name = 'grafana'").find("ingest") ==
        std::string::npos);
  RunResult bad = Run(dir, {"apikey", "create", "--name", "x", "--scope", "admin", "--db", db});
  INFO(Describe(bad));
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains("admin"));
  CHECK(bad.out.find("wfk_") == std::string::npos);
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM api_keys") == 2);
}

// --- audit verify
// -------------------------------------------------------------------

TEST_CASE(
    "CLI: audit verify says OK on a fresh database and exits 3 naming an "
    "altered record",
    "[cli][audit]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  InitDb(dir, db);
  RunResult fresh = Run(dir, {"audit", "verify", "--db", db});
  INFO(Describe(fresh));
  CHECK(fresh.exit_code == 0);
  CHECK_THAT(fresh.out, Catch::Contains("OK:"));

  TamperAuditRecord(db, 1);
  RunResult broken = Run(dir, {"audit", "verify", "--db", db});
  INFO(Describe(broken));
  CHECK(broken.exit_code == 3);
  CHECK_THAT(broken.out, Catch::Contains("seq 1"));
  CHECK(broken.out.find("OK:") == std::string::npos);  // "BROKEN" contains "OK"
}

TEST_CASE("CLI: audit verify names the first altered record, not the last", "[cli][audit]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  InitDb(dir, db);
  REQUIRE(Run(dir, {"apikey", "create", "--name", "a", "--db", db}).exit_code == 0);
  REQUIRE(Run(dir, {"apikey", "create", "--name", "b", "--db", db}).exit_code == 0);
  REQUIRE(QueryInt(db, "SELECT COUNT(*) FROM audit_log") >= 3);
  TamperAuditRecord(db, 2);
  RunResult broken = Run(dir, {"audit", "verify", "--db", db});
  INFO(Describe(broken));
  CHECK(broken.exit_code == 3);
  CHECK_THAT(broken.out, Catch::Contains("seq 2"));

  // A deleted record breaks the chain too.
  TempDir dir2;
  const std::string db2 = dir2 / "wf.db";
  InitDb(dir2, db2);
  REQUIRE(Run(dir2, {"apikey", "create", "--name", "a", "--db", db2}).exit_code == 0);
  REQUIRE(Run(dir2, {"apikey", "create", "--name", "b", "--db", db2}).exit_code == 0);
  {
    auto conn = db::Database::Open(db2);
    REQUIRE(conn.ok());
    REQUIRE((*conn)
                ->Exec("DROP TRIGGER audit_log_no_delete; DELETE FROM "
                       "audit_log WHERE seq = 2;")
                .ok());
  }
  RunResult gap = Run(dir2, {"audit", "verify", "--db", db2});
  INFO(Describe(gap));
  CHECK(gap.exit_code == 3);
  CHECK_THAT(gap.out, Catch::Contains("seq 3"));
}

TEST_CASE(
    "API: GET /audit/verify reports the first broken link after a row is "
    "edited behind the "
    "server's back",
    "[api][audit]") {
  TestServer s;
  s.CreateApiKey("k1");
  s.CreateUserToken("aud", "auditor");
  auto ok = s.Get("/api/v1/audit/verify", s.admin_token());
  REQUIRE(ok.status == 200);
  REQUIRE(JsonField(ok.body, "ok") == "true");
  REQUIRE(std::stoi(JsonField(ok.body, "checked")) >= 3);
  CHECK(JsonField(ok.body, "first_broken_seq") == "null");

  TamperAuditRecord(s.db_path(), 2);  // while the server runs

  auto broken = s.Get("/api/v1/audit/verify", s.admin_token());
  INFO(broken.body);
  REQUIRE(broken.status == 200);
  CHECK(JsonField(broken.body, "ok") == "false");
  CHECK(JsonField(broken.body, "first_broken_seq") == "2");
  CHECK(JsonField(broken.body, "checked") == "2");
  CHECK_THAT(JsonField(broken.body, "reason"), Catch::Contains("altered"));
}

// --- backup, migrate, settings
// ------------------------------------------------------

TEST_CASE("CLI: backup writes a copy whose integrity is ok and which holds the admin", "[cli]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  InitDb(dir, db);
  const std::string copy = dir / "backup.db";
  RunResult r = Run(dir, {"backup", copy, "--db", db});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("integrity: ok"));
  REQUIRE(fs::exists(copy));
  {
    db::OpenOptions o;
    o.read_only = true;
    auto backup = db::Database::Open(copy, o);
    REQUIRE(backup.ok());
    auto check = (*backup)->IntegrityCheck();
    REQUIRE(check.ok());
    CHECK(*check == "ok");
  }
  CHECK(QueryText(copy, "SELECT role FROM users WHERE login = 'admin'") == "admin");
  CHECK(PasswordMatches(copy, "admin", kAdminPassword));
  // The copy's audit trail verifies on its own.
  RunResult verify = Run(dir, {"audit", "verify", "--db", copy});
  INFO(Describe(verify));
  CHECK(verify.exit_code == 0);

  // Backing up a database that does not exist fails and creates nothing.
  RunResult missing = Run(dir, {"backup", dir / "never.db", "--db", dir / "missing.db"});
  INFO(Describe(missing));
  CHECK(missing.exit_code != 0);
  CHECK_FALSE(fs::exists(dir / "missing.db"));
  CHECK_FALSE(fs::exists(dir / "never.db"));
}

TEST_CASE("CLI: migrate on an existing database exits 0 and keeps its data", "[cli]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  InitDb(dir, db);
  const int64_t version = QueryInt(db, "PRAGMA user_version");
  CHECK(version >= 1);
  for (int i = 0; i < 2; ++i) {
    RunResult r = Run(dir, {"migrate", "--db", db});
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(fmt::format("schema version {}", version)));
  }
  CHECK(QueryInt(db, "PRAGMA user_version") == version);
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM users WHERE login = 'admin'") == 1);
  CHECK(Run(dir, {"audit", "verify", "--db", db}).exit_code == 0);
}

TEST_CASE("CLI: settings lists each setting with its environment variable", "[cli]") {
  TempDir dir;
  RunResult r = Run(dir, {"settings"});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  for (const char* m : {"ingest.dedup_window_seconds", "WATCHFLOOR_INGEST_DEDUP_WINDOW_SECONDS",
                        "database.path", "WATCHFLOOR_DB", "server.listen", "WATCHFLOOR_LISTEN",
                        "limits.ingest_body_bytes", "86400"}) {
    CHECK_THAT(r.out, Catch::Contains(m));
  }
  CHECK_FALSE(fs::exists(dir / "var"));
}

// --- configuration precedence
// ---------------------------------------------------------

TEST_CASE("CLI: --db overrides WATCHFLOOR_DB, which overrides the TOML file", "[cli][config]") {
  TempDir dir;
  auto write_config = [&](const std::string& name, const std::string& db_path) {
    const std::string file = dir / name;
    std::ofstream(file) << fmt::format("[database]\npath = \"{}\"\n", db_path);
    return file;
  };
  const Env password{{"WATCHFLOOR_ADMIN_PASSWORD", kAdminPassword}};

  SECTION("file, environment and flag: the flag wins") {
    const std::string config = write_config("c1.toml", dir / "a1.db");
    Env env = password;
    env.emplace_back("WATCHFLOOR_DB", dir / "b1.db");
    RunResult r = Run(dir, {"init", "--config", config, "--db", dir / "c1.db"}, env);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(dir / "c1.db"));
    CHECK_FALSE(fs::exists(dir / "b1.db"));
    CHECK_FALSE(fs::exists(dir / "a1.db"));
  }
  SECTION("file and environment: the environment wins") {
    const std::string config = write_config("c2.toml", dir / "a2.db");
    Env env = password;
    env.emplace_back("WATCHFLOOR_DB", dir / "b2.db");
    RunResult r = Run(dir, {"init", "--config", config}, env);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(dir / "b2.db"));
    CHECK_FALSE(fs::exists(dir / "a2.db"));
  }
  SECTION("the long environment name works like WATCHFLOOR_DB") {
    const std::string config = write_config("c3.toml", dir / "a3.db");
    Env env = password;
    env.emplace_back("WATCHFLOOR_DATABASE_PATH", dir / "b3.db");
    RunResult r = Run(dir, {"init", "--config", config}, env);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(dir / "b3.db"));
    CHECK_FALSE(fs::exists(dir / "a3.db"));
  }
  SECTION("file only: the file wins over the default") {
    const std::string config = write_config("c4.toml", dir / "a4.db");
    RunResult r = Run(dir, {"init", "--config", config}, password);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(dir / "a4.db"));
    CHECK_FALSE(fs::exists(dir / "var"));
  }
  SECTION("WATCHFLOOR_CONFIG names the file when --config is absent") {
    const std::string config = write_config("c5.toml", dir / "a5.db");
    Env env = password;
    env.emplace_back("WATCHFLOOR_CONFIG", config);
    RunResult r = Run(dir, {"init"}, env);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(dir / "a5.db"));
    CHECK_FALSE(fs::exists(dir / "var"));
  }
  SECTION(
      "nothing given: the default ./var/watchfloor.db, relative to the "
      "working directory") {
    RunResult r = Run(dir, {"init"}, password);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(dir / "var/watchfloor.db"));
  }
}

TEST_CASE("CLI: an unknown key in the TOML file fails and names the key", "[cli][config]") {
  TempDir dir;
  const Env password{{"WATCHFLOOR_ADMIN_PASSWORD", kAdminPassword}};
  struct Case {
    const char* what;
    std::string toml;
    std::string names;
  };
  const std::vector<Case> cases = {
      {"a misspelt key",
       fmt::format("[database]\npath = \"{}\"\n[ingest]\ndedup_windw_seconds = 60\n", dir / "x.db"),
       "ingest.dedup_windw_seconds"},
      {"an unknown section",
       fmt::format("[database]\npath = \"{}\"\n[nope]\nkey = 1\n", dir / "x.db"), "nope.key"},
      {"a key outside any section", fmt::format("pth = \"{}\"\n", dir / "x.db"), "pth"},
      {"a value of the wrong type",
       fmt::format("[database]\npath = \"{}\"\n[ingest]\ndedup_window_seconds "
                   "= \"soon\"\n",
                   dir / "x.db"),
       "ingest.dedup_window_seconds"},
  };
  for (const auto& c : cases) {
    const std::string file = dir / "bad.toml";
    std::ofstream(file) << c.toml;
    RunResult r = Run(dir, {"init", "--config", file}, password);
    INFO("case: " << c.what << "\n" << Describe(r));
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains(c.names));
    CHECK_FALSE(fs::exists(dir / "x.db"));
    CHECK_FALSE(fs::exists(dir / "var"));
  }
}

}  // namespace
}  // namespace wf::test

namespace wf::test {
namespace {

TEST_CASE("CLI: demo loads every sample folder into the queue, duplicates folded", "[cli]") {
  TempDir dir;
  const std::string db = dir / "wf.db";
  InitDb(dir, db);
  RunResult r = Run(dir, {"demo", "--db", db, "--samples", std::string(WATCHFLOOR_SOURCE_DIR) + "/samples"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("alerts created"));
  CHECK(QueryInt(db, "SELECT COUNT(DISTINCT source_kind) FROM alerts") >= 10);
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM alerts WHERE occurrences > 1") >= 5);
  CHECK(QueryInt(db, "SELECT COUNT(*) FROM alert_deliveries") > QueryInt(db, "SELECT COUNT(*) FROM alerts"));
  // A missing folder is a clear error, not a crash.
  RunResult missing = Run(dir, {"demo", "--db", db, "--samples", dir / "nope"});
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.err, Catch::Contains("no samples folder"));
}

}  // namespace
}  // namespace wf::test
