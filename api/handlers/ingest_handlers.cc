#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/metrics.h"
#include "api/problem.h"
#include "api/request_context.h"
#include "core/crypto.h"
#include "ingest/alert_json.h"
#include "ingest/alert_service.h"
#include "ingest/formats/registry.h"

namespace wf::api {

namespace {

bool IsJson(std::string_view ct) {
  std::string_view base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Some senders (Splunk's webhook, older Wazuh scripts) send no content type
  // or text/plain with a JSON body: accept those, refuse the clearly wrong.
  return lower.empty() || lower == "application/json" || lower == "text/plain" ||
         (lower.starts_with("application/") && lower.ends_with("+json"));
}

// The email channel takes the message as a mail server hands it over.
bool IsRfc822(std::string_view ct) {
  std::string_view base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "message/rfc822";
}

void Ingest(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kPostAlerts); !st.ok()) {
    return RespondError(*ctx, respond, st);
  }
  const bool email = ctx->params["format"] == "email";
  if (email && !IsRfc822(ctx->request.Header("content-type"))) {
    HttpResponse r = Problem(415, "Unsupported Media Type",
                             "send the raw email (headers and body, as a mail server hands it over) "
                             "with Content-Type: message/rfc822",
                             ctx->request_id);
    return respond(std::move(r));
  }
  if (!email && !IsJson(ctx->request.Header("content-type"))) {
    HttpResponse r = Problem(415, "Unsupported Media Type", "send the alert as application/json",
                             ctx->request_id);
    return respond(std::move(r));
  }
  auto parsed = ingest::ParseBody(ctx->params["format"], ctx->request.body);
  if (!parsed.ok()) {
    if (parsed.status().code() != StatusCode::kNotFound) {
      ctx->services.metrics.CountIngest(ctx->params["format"], "rejected");
    }
    return RespondError(*ctx, respond, parsed.status());
  }
  std::string format = parsed->format;
  ingest::DeliveryMeta meta;
  meta.remote_addr = ctx->request.remote_address;
  meta.api_key_id = ctx->principal->kind == auth::Principal::Kind::kApiKey
                        ? std::optional<int64_t>(ctx->principal->id)
                        : std::nullopt;
  meta.actor = ctx->principal->ActorString();
  meta.payload_sha256 = crypto::Sha256Hex(ctx->request.body);
  meta.bytes = static_cast<int64_t>(ctx->request.body.size());
  if (ctx->services.alerts.options().store_raw_deliveries) meta.raw_body = ctx->request.body;
  ctx->services.alerts.Ingest(
      std::move(parsed->alerts), std::move(meta),
      [ctx, respond, format](Result<std::vector<ingest::IngestResult>> r) {
        if (!r.ok()) {
          ctx->services.metrics.CountIngest(format, "rejected");
          return RespondError(*ctx, respond, r.status());
        }
        bool all_new = true;
        for (const auto& x : *r) {
          all_new = all_new && x.created;
          ctx->services.metrics.CountIngest(format, std::string(ingest::IngestOutcomeName(x.outcome)));
        }
        RespondJson(respond, ingest::IngestResultsToJson(*r), all_new ? 201 : 200);
      });
}

}  // namespace

void RegisterIngestRoutes(Router& r) {
  r.Add("POST", "/api/v1/ingest/{format}", Ingest, AuthMode::kIngest, BodyKind::kAny);
}

}  // namespace wf::api
