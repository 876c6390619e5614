// Entry point for handlers: parse a request body in a named format (or
// `auto`), without exposing RapidJSON. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/alert.h"

namespace wf::ingest {

struct ParsedBody {
  std::string format;  // the format used (the detected one for `auto`)
  std::vector<NormalizedAlert> alerts;
};

// NotFound for an unknown format (naming the supported ones); for `auto`,
// Unprocessable when no format's signature matches. Otherwise the format
// parser's errors. `email` takes a raw RFC 5322 message (formats/email.h),
// every other format JSON; `auto` detects JSON formats only.
Result<ParsedBody> ParseBody(std::string_view format, std::string_view body);

// The names accepted by POST /api/v1/ingest/{format}.
std::vector<std::string> SupportedFormats();

}  // namespace wf::ingest
