#include "api/handlers/handlers.h"
#include <fmt/format.h>

#include "api/metrics.h"
#include "api/request_context.h"
#include "cases/case_service.h"
#include "core/read_pool.h"
#include "core/writer.h"

namespace wf::api {

namespace {

void Healthz(ContextPtr, Respond respond) { RespondJson(respond, R"({"status":"ok"})"); }

// Ready when a read connection answers and the writer accepts work.
void Readyz(ContextPtr ctx, Respond respond) {
  auto lease = ctx->services.reads.Acquire();
  bool db_ok = false;
  if (lease.ok()) {
    auto st = lease->db().Prepare("SELECT 1");
    db_ok = st.ok() && st->Step().ok();
  }
  WriterStats w = ctx->services.writer.stats();
  bool writer_ok = w.queue_depth < static_cast<size_t>(ctx->services.config.writer_queue_capacity);
  JsonBuilder b;
  b.BeginObject()
      .Key("status").String(db_ok && writer_ok ? "ready" : "not_ready")
      .Key("database").Bool(db_ok)
      .Key("writer_queue_depth").Int(static_cast<int64_t>(w.queue_depth))
      .EndObject();
  RespondJson(respond, b.Take(), db_ok && writer_ok ? 200 : 503);
}

// Prometheus exposition; needs a user session or a `read` key (Prometheus:
// `authorization: {credentials: <key>}`), as metrics describe the SOC's work.
void MetricsEndpoint(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  std::vector<Metrics::Gauge> gauges;
  WriterStats w = ctx->services.writer.stats();
  gauges.push_back({"watchfloor_writer_queue_depth", "Units of work waiting for the writer.",
                    {{"", static_cast<double>(w.queue_depth)}}});
  gauges.push_back({"watchfloor_writer_rejected_total", "Writes refused with 503 because the queue was full.",
                    {{"", static_cast<double>(w.rejected)}}, "counter"});
  if (auto backlog = ctx->services.cases.OutboxBacklog(); backlog.ok()) {
    gauges.push_back({"watchfloor_outbox_backlog", "Notifications not yet delivered.",
                      {{"", static_cast<double>(*backlog)}}});
  }
  if (auto counts = ctx->services.cases.OpenCaseCounts(); counts.ok()) {
    Metrics::Gauge open{"watchfloor_cases_open", "Cases not resolved or closed, by tier and severity.", {}};
    Metrics::Gauge breached{"watchfloor_cases_sla_breached", "Open cases with a breached SLA, by tier and severity.", {}};
    for (const auto& c : *counts) {
      std::string labels = fmt::format("tier=\"L{}\",severity=\"{}\"", c.tier, SeverityName(c.severity));
      open.samples.emplace_back(labels, static_cast<double>(c.count));
      breached.samples.emplace_back(labels, static_cast<double>(c.breached));
    }
    gauges.push_back(std::move(open));
    gauges.push_back(std::move(breached));
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = ctx->services.metrics.Render(gauges);
  respond(std::move(r));
}

}  // namespace

void RegisterHealthRoutes(Router& r) {
  r.Add("GET", "/healthz", Healthz, AuthMode::kNone, BodyKind::kNone);
  r.Add("GET", "/readyz", Readyz, AuthMode::kNone, BodyKind::kNone);
  r.Add("GET", "/metrics", MetricsEndpoint, AuthMode::kUser, BodyKind::kNone);
}

Router BuildRouter() {
  Router r;
  RegisterHealthRoutes(r);
  RegisterAuthRoutes(r);
  RegisterAdminRoutes(r);
  RegisterIngestRoutes(r);
  RegisterAlertRoutes(r);
  RegisterCaseRoutes(r);
  RegisterObservableRoutes(r);
  RegisterTheHiveRoutes(r);
  RegisterSearchRoutes(r);
  RegisterReportRoutes(r);
  RegisterKnowledgeRoutes(r);
  RegisterRoutingRoutes(r);
  RegisterConsoleRoutes(r);
  return r;
}

}  // namespace wf::api
