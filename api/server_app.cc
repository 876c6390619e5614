#include "api/server_app.h"

#include <filesystem>
#include <future>
#include <thread>

#include <fmt/format.h>

#include "api/dispatcher.h"
#include "api/handlers/handlers.h"
#include "api/http_server.h"
#include "core/auth_service.h"
#include "core/checkpointer.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/migrations.h"
#include "core/read_pool.h"
#include "core/writer.h"
#include "api/metrics.h"
#include "api/outbox_sender.h"
#include "cases/case_service.h"
#include "ingest/alert_service.h"
#include "ingest/routing_service.h"
#include "observables/observable_service.h"

namespace wf::api {

Result<std::unique_ptr<db::Database>> OpenAndMigrate(const std::string& path) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return Status::Unavailable(
          fmt::format("cannot create folder {}: {}", p.parent_path().string(), ec.message()));
    }
  }
  WF_ASSIGN_OR_RETURN(auto db, db::Database::Open(path));
  int applied = 0;
  WF_RETURN_IF_ERROR(db::Migrate(*db, db::SchemaMigrations(), &applied));
  if (applied > 0) {
    log::Event(log::Level::kInfo, "db.migrated",
               {{"path", path}, {"applied", applied}, {"version", db::LatestSchemaVersion()}});
  }
  return db;
}

struct ServerApp::Impl {
  Config config;
  SystemClock system_clock;
  const Clock* clock = nullptr;
  std::unique_ptr<db::Checkpointer> checkpointer;
  std::unique_ptr<Writer> writer;
  std::unique_ptr<db::ReadPool> reads;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<ingest::AlertService> alerts;
  std::unique_ptr<ingest::RoutingService> routing;
  std::unique_ptr<cases::CaseService> cases;
  std::unique_ptr<observables::ObservableService> observables;
  std::unique_ptr<OutboxSender> outbox;
  Metrics metrics;
  std::unique_ptr<Services> services;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<HttpServer> http;
  bool stopped = false;
};

ServerApp::ServerApp(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ServerApp::~ServerApp() { Stop(); }

Result<std::unique_ptr<ServerApp>> ServerApp::Create(Config config, ServerAppOptions options) {
  WF_RETURN_IF_ERROR(crypto::InitCrypto());
  log::SetLevel(config.log_level);
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->clock = options.clock ? options.clock : &impl->system_clock;
  const Config& c = impl->config;
  WF_ASSIGN_OR_RETURN(auto db, OpenAndMigrate(c.db_path));
  if (c.checkpoint_interval_ms > 0) {
    // Checkpoints leave the writer's COMMITs (core/checkpointer.h).
    WF_RETURN_IF_ERROR(db->Exec(fmt::format("PRAGMA wal_autocheckpoint={}", db::Checkpointer::kWriterFallbackPages)));
    impl->checkpointer = std::make_unique<db::Checkpointer>(c.db_path, std::chrono::milliseconds(c.checkpoint_interval_ms));
  }
  WriterOptions wo;
  wo.max_batch = static_cast<size_t>(std::max<int64_t>(1, c.writer_max_batch));
  wo.max_delay = std::chrono::microseconds(c.writer_max_delay_us);
  wo.queue_capacity = static_cast<size_t>(std::max<int64_t>(1, c.writer_queue_capacity));
  Metrics* metrics = &impl->metrics;
  wo.on_batch = [metrics](size_t units, std::chrono::nanoseconds commit) {
    metrics->ObserveBatch(units, std::chrono::duration<double>(commit).count());
  };
  wo.before_commit = ingest::IndexNewAlerts;
  impl->writer = std::make_unique<Writer>(std::move(db), wo);
  impl->reads = std::make_unique<db::ReadPool>(c.db_path);
  auth::AuthOptions ao;
  ao.session_ttl_ms = c.session_ttl_seconds * 1000;
  ao.password_cost.ops = static_cast<unsigned long long>(c.password_hash_ops);
  ao.password_cost.mem_bytes = static_cast<size_t>(c.password_hash_memory_kib) * 1024;
  impl->auth = std::make_unique<auth::AuthService>(*impl->writer, *impl->reads, *impl->clock, ao);
  cases::CaseOptions co;
  co.number_prefix = c.case_number_prefix;
  auto l2 = ParseSeverity(c.l2_severity_floor);
  auto l3 = ParseSeverity(c.l3_severity_floor);
  if (!l2 || !l3) {
    return Status::InvalidArgument("cases.l2_severity_floor and l3_severity_floor must be low, medium, high or critical");
  }
  co.l2_floor = *l2;
  co.l3_floor = *l3;
  co.attachments_dir = c.attachments_dir;
  if (co.attachments_dir.empty()) {
    co.attachments_dir = (std::filesystem::path(c.db_path).parent_path() / "attachments").string();
  }
  ingest::AlertOptions alo;
  alo.dedup_window_ms = c.dedup_window_seconds * 1000;
  alo.store_raw_deliveries = c.store_raw_deliveries;
  impl->alerts =
      std::make_unique<ingest::AlertService>(*impl->writer, *impl->reads, *impl->clock, alo, co);
  impl->routing = std::make_unique<ingest::RoutingService>(*impl->writer, *impl->reads, *impl->clock, *impl->alerts);
  WF_RETURN_IF_ERROR(impl->routing->Load());
  impl->cases = std::make_unique<cases::CaseService>(*impl->writer, *impl->reads, *impl->clock, co);
  impl->observables =
      std::make_unique<observables::ObservableService>(*impl->writer, *impl->reads, *impl->clock);
  OutboxOptions oo;
  WF_ASSIGN_OR_RETURN(oo.urls, ParseWebhookUrls(c.webhook_urls));
  impl->outbox = std::make_unique<OutboxSender>(oo, *impl->writer, *impl->reads, *impl->clock);
  impl->services = std::make_unique<Services>(Services{impl->config, *impl->clock, *impl->writer,
                                                       *impl->reads, *impl->auth, *impl->alerts,
                                                       *impl->cases, *impl->observables,
                                                       impl->metrics, *impl->routing});

  impl->dispatcher = std::make_unique<Dispatcher>(BuildRouter(), *impl->services);
  return std::unique_ptr<ServerApp>(new ServerApp(std::move(impl)));
}

Status ServerApp::Start() {
  const Config& c = impl_->config;
  HttpServerOptions o;
  WF_RETURN_IF_ERROR(SplitHostPort(c.listen, &o.host, &o.port));
  int threads = c.threads > 0 ? c.threads : static_cast<int>(std::thread::hardware_concurrency());
  o.threads = std::max(1, threads);
  o.header_timeout = std::chrono::milliseconds(c.header_timeout_ms);
  o.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  o.max_connections = static_cast<size_t>(c.max_connections);
  o.tls_cert_file = c.tls_cert;
  o.tls_key_file = c.tls_key;
  impl_->http = std::make_unique<HttpServer>(o, *impl_->dispatcher);
  WF_RETURN_IF_ERROR(impl_->http->Start());
  if (c.sla_check_interval_ms > 0) {
    cases::CaseService* cs = impl_->cases.get();
    impl_->http->RunEvery(std::chrono::milliseconds(c.sla_check_interval_ms), [cs] {
      cs->RunSlaCheck([](Result<cases::SlaCheckResult> r) {
        if (!r.ok()) {
          log::Event(log::Level::kError, "sla.check_failed", {{"error", r.status().message()}});
        } else if (r->ack_breaches + r->resolve_breaches > 0) {
          log::Event(log::Level::kInfo, "sla.breaches",
                     {{"ack", r->ack_breaches}, {"resolve", r->resolve_breaches},
                      {"auto_escalations", r->auto_escalations}});
        }
      });
    });
  }
  impl_->outbox->Start();
  if (impl_->checkpointer) WF_RETURN_IF_ERROR(impl_->checkpointer->Start());
  log::Event(log::Level::kInfo, "server.started",
             {{"listen", fmt::format("{}:{}", o.host, impl_->http->port())},
              {"threads", o.threads},
              {"tls", !o.tls_cert_file.empty()},
              {"db", c.db_path}});
  return Status::Ok();
}

uint16_t ServerApp::port() const { return impl_->http ? impl_->http->port() : 0; }

void ServerApp::Wait() {
  if (impl_->http) impl_->http->Wait();
}

void ServerApp::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->http) impl_->http->Stop();
  if (impl_->outbox) impl_->outbox->Stop();
  // Writes already accepted are committed before the database closes.
  if (impl_->writer) impl_->writer->Stop();
  if (impl_->checkpointer) impl_->checkpointer->Stop();
  log::Event(log::Level::kInfo, "server.stopped", {});
}

const Config& ServerApp::config() const { return impl_->config; }

Result<cases::SlaCheckResult> ServerApp::RunSlaCheck() {
  std::promise<Result<cases::SlaCheckResult>> done;
  impl_->cases->RunSlaCheck([&done](Result<cases::SlaCheckResult> r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

int ServerApp::DeliverOutbox() { return impl_->outbox->DeliverDue(); }

Status ServerApp::CreateUser(const std::string& login, const std::string& role,
                             const std::string& password) {
  auto r = auth::ParseRole(role);
  if (!r) return Status::InvalidArgument(fmt::format("unknown role '{}'", role));
  std::promise<Status> done;
  impl_->auth->CreateUser({login, login, password, *r}, {"system", "bootstrap", "local"},
                          [&done](Result<auth::User> u) { done.set_value(u.status()); });
  return done.get_future().get();
}

}  // namespace wf::api
