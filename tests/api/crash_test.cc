// Durability: an alert that got a 2xx survives kill -9 of the server
// (SPEC 2: the answer is sent only after the group commit reached disk).
// Runs the real binary, posts from several connections, kills it mid-stream
// with SIGKILL, then checks the database file directly.
#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/audit.h"
#include "core/sqlite.h"
#include "tests/support/http_client.h"

extern char** environ;

namespace wf::test {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/watchfloor-crash-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

pid_t Spawn(const std::vector<std::string>& args, const std::string& log_file) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

// The port the server logged in its server.started event.
uint16_t WaitForPort(const std::string& log_file) {
  std::regex re(R"re("event":"server.started","listen":"127\.0\.0\.1:(\d+)")re");
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(log_file);
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_search(line, m, re)) return static_cast<uint16_t>(std::stoi(m[1]));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

std::string Run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}

TEST_CASE("Crash: every alert acknowledged before kill -9 is in the database afterwards", "[crash]") {
  TempDir dir;
  const std::string db = dir.path + "/wf.db";
  const std::string bin = WATCHFLOOR_BIN;
  REQUIRE(Run(fmt::format("WATCHFLOOR_ADMIN_PASSWORD='crash test password' {} init --db {} 2>&1", bin, db))
              .find("created") != std::string::npos);
  std::string key = Run(fmt::format("{} apikey create --name crash --db {} 2>/dev/null", bin, db));
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  REQUIRE(key.rfind("wfk_", 0) == 0);

  const std::string log = dir.path + "/server.log";
  pid_t pid = Spawn({bin, "serve", "--db", db, "--listen", "127.0.0.1:0", "--set", "server.threads=2"}, log);
  REQUIRE(pid > 0);
  uint16_t port = WaitForPort(log);
  REQUIRE(port != 0);

  std::mutex mu;
  std::set<std::string> acked;
  std::atomic<bool> stop{false};
  std::atomic<int> total{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      HttpClient client(port);
      for (int i = 0; !stop; ++i) {
        std::string ref = fmt::format("crash-{}-{}", t, i);
        std::string body = fmt::format(
            R"({{"source":"crash-test","source_ref":"{}","title":"alert {}","severity":"low",)"
            R"("observables":[{{"type":"ip","value":"10.{}.{}.{}"}}]}})",
            ref, ref, t, (i / 250) % 250, i % 250);
        auto r = client.Request("POST", "/api/v1/ingest/generic", body,
                                {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key}});
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acked.insert(ref);
          ++total;
        } else if (r.status == 0) {
          break;  // the server is gone
        }
      }
    });
  }
  // Kill while requests are in flight, after some have been acknowledged.
  for (int i = 0; i < 200 && total < 300; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  waitpid(pid, &status, 0);
  stop = true;
  for (auto& s : senders) s.join();
  INFO("acknowledged before the kill: " << acked.size());
  REQUIRE(acked.size() > 0);

  // Reopen the file as the restarted server would (WAL recovery happens here).
  auto conn = db::Database::Open(db);
  REQUIRE(conn.ok());
  auto check = (*conn)->IntegrityCheck();
  REQUIRE(check.ok());
  CHECK(*check == "ok");
  auto st = (*conn)->Prepare("SELECT source_ref FROM alerts WHERE source = 'crash-test'");
  REQUIRE(st.ok());
  std::set<std::string> stored;
  while (true) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    stored.insert(st->Text(0));
  }
  size_t missing = 0;
  for (const auto& ref : acked) {
    if (!stored.count(ref)) ++missing;
  }
  CHECK(missing == 0);
  CHECK(stored.size() >= acked.size());
  auto verify = audit::Verify(**conn);
  REQUIRE(verify.ok());
  CHECK(verify->ok);

  // And the server starts again on the recovered file.
  pid_t again = Spawn({bin, "serve", "--db", db, "--listen", "127.0.0.1:0"}, log);
  REQUIRE(again > 0);
  uint16_t port2 = WaitForPort(log);
  CHECK(port2 != 0);
  HttpClient client(port2);
  CHECK(client.Request("GET", "/readyz").status == 200);
  kill(again, SIGTERM);
  waitpid(again, &status, 0);
}

}  // namespace
}  // namespace wf::test
