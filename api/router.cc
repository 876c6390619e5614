#include "api/router.h"

namespace wf::api {

namespace {
std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  if (!path.empty() && path.front() == '/') start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}
}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, AuthMode auth,
                 BodyKind body) {
  Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.auth = auth;
  route.body = body;
  route.segments = Split(route.pattern);
  routes_.push_back(std::move(route));
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch out;
  std::vector<std::string> parts = Split(path);
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        if (parts[i].empty()) ok = false;
        params[seg.substr(1, seg.size() - 2)] = parts[i];
      } else {
        ok = seg == parts[i];
      }
    }
    if (!ok) continue;
    out.path_matched = true;
    if (out.allowed.find(r.method) == std::string::npos) {
      out.allowed += (out.allowed.empty() ? "" : ", ") + r.method;
      if (r.method == "GET") out.allowed += ", HEAD";
    }
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      out.route = &r;
      out.params = std::move(params);
      return out;
    }
  }
  return out;
}

}  // namespace wf::api
