// ParseOnlyHandler: the HTTP ceiling of the ingest benchmark. Served by the
// product's own HttpServer (the Beast session layer the real server uses), it
// parses each body exactly as POST /api/v1/ingest/generic does
// (ingest::ParseBody) and answers 201 without authenticating or storing
// anything. What the real server reaches beyond this is lost to storage,
// authentication and bookkeeping.
//
// Thread safety: Handle() may run on several I/O threads at once.
#pragma once

#include <atomic>
#include <cstdint>

#include "api/http_message.h"

namespace wf::bench {

class ParseOnlyHandler final : public api::RequestHandler {
 public:
  uint64_t BodyLimit(const api::HttpRequest& header_only) const override;
  void Handle(api::HttpRequest request, api::Respond respond) override;
  api::HttpResponse Problem(const api::HttpRequest& request, int status, std::string_view title,
                            std::string_view detail) override;

  int64_t parsed() const { return parsed_.load(); }

 private:
  std::atomic<int64_t> parsed_{0};
};

}  // namespace wf::bench
