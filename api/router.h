// Router: the explicit route table built at start-up. Patterns are literal
// segments and `{name}` parameters ("/api/v1/alerts/{id}"). Matching is by
// segment, exact, case-sensitive. Immutable after construction; thread-safe
// for concurrent Match().
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "core/roles.h"

namespace wf::api {

struct RequestContext;
using Handler = std::function<void(std::shared_ptr<RequestContext>, Respond)>;

enum class AuthMode {
  kNone,    // public (health, login)
  kUser,    // a user session or an API key (the handler checks permissions)
  kIngest,  // like kUser, plus Basic and ?api_key= for senders that cannot set headers
};

enum class BodyKind {
  kNone,  // any body ignored; no content-type check
  kJson,  // application/json (or +json) required when a body is present
  kAny,   // raw bodies (ingest of non-JSON formats, uploads): the handler checks
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  AuthMode auth = AuthMode::kUser;
  BodyKind body = BodyKind::kJson;
  std::vector<std::string> segments;
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  bool path_matched = false;  // some route has this path (405 rather than 404)
  std::string allowed;        // the methods that path takes, for Allow on a 405
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler, AuthMode auth, BodyKind body);
  RouteMatch Match(std::string_view method, std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace wf::api
