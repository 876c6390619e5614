// RFC 9457 problem+json responses, and the one mapping from wf::Status to
// HTTP at the API edge. Internal details never reach the client: a 500 says
// only "internal error" and the request id; the Status goes to the log.
#pragma once

#include <string_view>

#include "api/http_message.h"
#include "core/status.h"

namespace wf::api {

int HttpStatusFor(StatusCode code);

HttpResponse Problem(int http_status, std::string_view title, std::string_view detail,
                     std::string_view request_id);

// Maps a non-OK Status; logs Internal ones with the request id.
HttpResponse ProblemFromStatus(const Status& status, std::string_view request_id);

std::string_view ReasonPhrase(int http_status);

}  // namespace wf::api
