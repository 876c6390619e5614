// Dispatcher: the RequestHandler behind the HTTP server. For every request:
// request id, route lookup (404/405), content-type check (415), credentials
// (401), then the route's handler; every response gets X-Request-Id and
// security headers and is written to the JSON access log (never the query
// string or credentials). Thread-safe: Handle runs on any I/O thread.
#pragma once

#include <atomic>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/router.h"

namespace wf::api {

class Dispatcher final : public RequestHandler {
 public:
  Dispatcher(Router router, Services& services);

  uint64_t BodyLimit(const HttpRequest& header_only) const override;
  void Handle(HttpRequest request, Respond respond) override;
  HttpResponse Problem(const HttpRequest& request, int status, std::string_view title,
                       std::string_view detail) override;

 private:
  Router router_;
  Services& services_;
};

}  // namespace wf::api
