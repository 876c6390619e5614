// TestServer: a real ServerApp on a temporary SQLite file, listening on a
// loopback port chosen by the OS, with a ManualClock. Integration tests talk
// to it over real HTTP with HttpClient and read the database file directly
// to check what was (or was not) written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/server_app.h"
#include "core/clock.h"
#include "core/config.h"
#include "tests/support/http_client.h"

namespace wf::test {

// 2026-11-23T09:00:00Z
inline constexpr int64_t kTestEpochMs = 1795424400000;

class TestServer {
 public:
  // `tweak` may adjust the config before start (limits, windows...).
  explicit TestServer(const std::function<void(Config&)>& tweak = {});
  ~TestServer();

  uint16_t port() const { return app_->port(); }
  const std::string& db_path() const { return config_.db_path; }
  const std::string& dir() const { return dir_; }
  ManualClock& clock() { return clock_; }
  HttpClient& client() { return *client_; }
  // The server itself: RunSlaCheck(), DeliverOutbox() with the injected clock.
  api::ServerApp& app() { return *app_; }

  // The admin's session token (created with a known password at start).
  const std::string& admin_token() const { return admin_token_; }
  // Creates a user with `role` and returns a session token for it.
  std::string CreateUserToken(const std::string& login, const std::string& role);
  // Creates an API key with the scope and returns its secret.
  std::string CreateApiKey(const std::string& name, const std::string& scope = "ingest");

  // Runs a query returning a single integer on a fresh connection.
  int64_t QueryInt(const std::string& sql);
  // Row counts of the tables a rejected request must not touch.
  std::vector<std::pair<std::string, int64_t>> Counts();

  ClientResponse Post(const std::string& target, const std::string& body, const std::string& token,
                      const std::string& content_type = "application/json");
  ClientResponse Get(const std::string& target, const std::string& token);
  ClientResponse Patch(const std::string& target, const std::string& body, const std::string& token);
  ClientResponse Put(const std::string& target, const std::string& body, const std::string& token);
  ClientResponse Delete(const std::string& target, const std::string& token);

  void Stop();
  // Stops the server and starts a new one on the same database, config and
  // clock (a new port); tokens stay valid, being stored in the database.
  void Restart();

 private:
  void StartApp();

  std::string dir_;
  Config config_;
  ManualClock clock_{kTestEpochMs};
  std::unique_ptr<api::ServerApp> app_;
  std::unique_ptr<HttpClient> client_;
  std::string admin_token_;
};

inline constexpr char kTestPassword[] = "correct horse battery staple";

// Minimal JSON field extraction for assertions: the first "key": value at any
// depth, as raw text (strings without quotes). Enough for tests; not a parser.
std::string JsonField(const std::string& json, const std::string& key);

}  // namespace wf::test
