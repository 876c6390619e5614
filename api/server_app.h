// ServerApp: the whole server assembled from a Config — database (migrated),
// writer, read pool, services, router and HTTP server. `watchfloor serve`
// and the integration tests build exactly this. Start/Stop from one thread.
#pragma once

#include <memory>

#include "cases/case_service.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/sqlite.h"
#include "core/status.h"

namespace wf::api {

struct ServerAppOptions {
  const Clock* clock = nullptr;  // nullptr: the system clock
};

class ServerApp {
 public:
  // Opens and migrates the database; does not listen yet.
  static Result<std::unique_ptr<ServerApp>> Create(Config config, ServerAppOptions options = {});
  ~ServerApp();
  ServerApp(const ServerApp&) = delete;
  ServerApp& operator=(const ServerApp&) = delete;

  // Binds and serves on the configured address (port 0 picks a free port).
  Status Start();
  uint16_t port() const;
  // Blocks until SIGINT/SIGTERM or Stop().
  void Wait();
  // Stops accepting, finishes queued writes, closes the database. Idempotent.
  void Stop();

  const Config& config() const;

  // Runs one SLA evaluation now and waits for it (the timer does the same
  // every sla.check_interval_ms); for tests with an injected clock.
  Result<cases::SlaCheckResult> RunSlaCheck();
  // Delivers due notifications now; returns how many were delivered.
  int DeliverOutbox();

  // Creates a user directly (actor "system"), as `watchfloor init` does for
  // the first admin; for bootstrap and tests.
  Status CreateUser(const std::string& login, const std::string& role, const std::string& password);

 private:
  struct Impl;
  explicit ServerApp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Opens the database at `path` (creating its folder), runs the migrations and
// returns the write connection. Shared by serve and the CLI commands.
Result<std::unique_ptr<db::Database>> OpenAndMigrate(const std::string& path);

}  // namespace wf::api
