// Plain HTTP request/response values exchanged between the Beast session
// layer (api/http_session.cc) and the request handling (api/dispatcher.h).
// No Beast type appears here, so handlers and tests compile without Beast.
// Values; safe to move between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wf::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target: path + optional "?query"
  std::string path;    // decoded path without the query
  std::string query;   // raw query string without '?'
  // Header names lowercased, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // "ip" of the peer
  bool keep_alive = true;

  // First header with this lowercase name, or empty.
  std::string_view Header(std::string_view lowercase_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after writing
};

using Respond = std::function<void(HttpResponse)>;

// What the session layer calls for every complete request. Implementations
// must call `respond` exactly once, from any thread.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // Maximum body size accepted for this request, decided from the header
  // alone (method, path, content type). Bodies beyond it get 413.
  virtual uint64_t BodyLimit(const HttpRequest& header_only) const = 0;

  virtual void Handle(HttpRequest request, Respond respond) = 0;

  // Called by the session layer when it answers on its own (413, 400 for an
  // unparseable request, timeouts) so the answer is logged like any other.
  virtual HttpResponse Problem(const HttpRequest& request, int status, std::string_view title,
                               std::string_view detail) = 0;
};

}  // namespace wf::api
