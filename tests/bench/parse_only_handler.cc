#include "tests/bench/parse_only_handler.h"

#include <fmt/format.h>

#include "api/problem.h"
#include "ingest/formats/registry.h"

namespace wf::bench {

uint64_t ParseOnlyHandler::BodyLimit(const api::HttpRequest&) const { return 1 << 20; }

void ParseOnlyHandler::Handle(api::HttpRequest request, api::Respond respond) {
  auto parsed = ingest::ParseBody("generic", request.body);
  if (!parsed.ok()) {
    respond(api::ProblemFromStatus(parsed.status(), "bench"));
    return;
  }
  // The shape of the real answer, one result per alert.
  std::string body = R"({"results":[)";
  for (size_t i = 0; i < parsed->alerts.size(); ++i) {
    body += fmt::format(R"({}{{"id":{},"status":"created","occurrences":1,"case":null}})",
                        i ? "," : "", ++parsed_);
  }
  body += "]}";
  api::HttpResponse r;
  r.status = 201;
  r.body = std::move(body);
  respond(std::move(r));
}

api::HttpResponse ParseOnlyHandler::Problem(const api::HttpRequest&, int status,
                                            std::string_view title, std::string_view detail) {
  return api::Problem(status, title, detail, "bench");
}

}  // namespace wf::bench
