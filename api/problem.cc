#include "api/problem.h"

#include "core/json.h"
#include "core/log.h"

namespace wf::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnprocessable: return 422;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

std::string_view ReasonPhrase(int s) {
  switch (s) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

HttpResponse Problem(int http_status, std::string_view title, std::string_view detail,
                     std::string_view request_id) {
  HttpResponse r;
  r.status = http_status;
  r.content_type = "application/problem+json";
  std::string body = "{\"type\":\"about:blank\",\"title\":";
  json::AppendString(body, title);
  body += ",\"status\":" + std::to_string(http_status) + ",\"detail\":";
  json::AppendString(body, detail);
  body += ",\"request_id\":";
  json::AppendString(body, request_id);
  body += "}";
  r.body = std::move(body);
  if (http_status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"watchfloor\"");
  if (http_status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

HttpResponse ProblemFromStatus(const Status& status, std::string_view request_id) {
  int code = HttpStatusFor(status.code());
  if (status.code() == StatusCode::kInternal) {
    log::Event(log::Level::kError, "http.internal_error",
               {{"request_id", request_id}, {"error", status.message()}});
    return Problem(500, ReasonPhrase(500), "internal error; quote the request id to an admin",
                   request_id);
  }
  return Problem(code, ReasonPhrase(code), status.message(), request_id);
}

}  // namespace wf::api
