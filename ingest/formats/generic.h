// The generic ingest format of SPEC 5: one alert object, or a JSON array of
// them. Pure function; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/alert.h"

namespace wf::ingest {

// Errors: InvalidArgument (400) for malformed JSON or wrong JSON types;
// Unprocessable (422) for valid JSON that breaks a rule (missing title or
// source, unknown severity or observable type, invalid observable value).
// Messages name the offending item and field: "alerts[2].severity: ...".
// All-or-nothing: one bad item fails the whole body.
Result<std::vector<NormalizedAlert>> ParseGeneric(std::string_view body);

}  // namespace wf::ingest
