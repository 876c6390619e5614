// RequestContext: what a handler gets besides the Respond callback — the
// request, path parameters, the authenticated principal, the request id and
// the services. Owned by a shared_ptr so asynchronous completions can keep
// it alive. One per request; not shared between threads concurrently.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/http_message.h"
#include "api/json_io.h"
#include "core/audit.h"
#include "core/config.h"
#include "core/roles.h"

namespace wf {
class Clock;
class Writer;
namespace db { class ReadPool; }
namespace auth { class AuthService; }
namespace ingest { class AlertService; class RoutingService; }
namespace cases { class CaseService; }
namespace observables { class ObservableService; }
}  // namespace wf

namespace wf::api {

class Metrics;

// Long-lived services, owned by ServerApp; handlers borrow them.
struct Services {
  const Config& config;
  const Clock& clock;
  Writer& writer;
  db::ReadPool& reads;
  auth::AuthService& auth;
  ingest::AlertService& alerts;
  cases::CaseService& cases;
  observables::ObservableService& observables;
  Metrics& metrics;
  ingest::RoutingService& routing;
};

struct RequestContext {
  RequestContext(HttpRequest req, Services& svc) : request(std::move(req)), services(svc), query(request.query) {}

  HttpRequest request;
  Services& services;
  QueryParams query;
  std::map<std::string, std::string> params;
  std::optional<auth::Principal> principal;
  std::string credential;  // the token used, for logout; never logged
  std::string request_id;

  audit::Context Audit() const;
  // PermissionDenied unless the principal may do it (deny by default).
  Status Require(auth::Permission permission) const;
  // A positive integer path parameter; NotFound otherwise (an id that cannot exist).
  Result<int64_t> IdParam(const std::string& name) const;
  // ?key=<RFC 3339>; absent → nullopt; malformed → InvalidArgument.
  Result<std::optional<int64_t>> TimeQuery(const char* key) const;
  // ?limit=1..max, default `def`.
  Result<int> LimitQuery(int def, int max) const;
  // ?cursor=<opaque next_cursor of a previous page>.
  Result<std::optional<int64_t>> CursorQuery() const;
};

using ContextPtr = std::shared_ptr<RequestContext>;

// Responds with `json` (status 200 by default).
void RespondJson(const Respond& respond, std::string json, int status = 200);
// Responds with the problem for a non-OK status.
void RespondError(const RequestContext& ctx, const Respond& respond, const Status& status);

}  // namespace wf::api

// Handler helpers: answer with the error and return when `expr` failed,
// otherwise move its value into `lhs`. Expect `ctx` and `respond` in scope.
#define WF_TRY(lhs, expr)                                                          \
  auto WF_CONCAT(wf_try_, __LINE__) = (expr);                                      \
  if (!WF_CONCAT(wf_try_, __LINE__).ok()) {                                        \
    return ::wf::api::RespondError(*ctx, respond, WF_CONCAT(wf_try_, __LINE__).status()); \
  }                                                                                \
  lhs = std::move(*WF_CONCAT(wf_try_, __LINE__))

// Answers 403 and returns unless the caller holds `perm`.
#define WF_REQUIRE(perm)                                                           \
  if (::wf::Status wf_req_ = ctx->Require(perm); !wf_req_.ok()) {                  \
    return ::wf::api::RespondError(*ctx, respond, wf_req_);                        \
  }
