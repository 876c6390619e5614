#include "api/handlers/handlers.h"
#include "api/request_context.h"
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

}  // namespace

void RegisterHealthRoutes(Router& r) {
  r.Add("GET", "/healthz", Healthz, AuthMode::kNone, BodyKind::kNone);
  r.Add("GET", "/readyz", Readyz, AuthMode::kNone, BodyKind::kNone);
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
  return r;
}

}  // namespace wf::api
