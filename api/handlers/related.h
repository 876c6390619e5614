// "related": other open cases and recent alerts sharing observables with an
// alert or a case, ranked by shared IOCs then shared observables (SPEC 5).
#pragma once

#include <string>

#include "api/json_io.h"
#include "api/request_context.h"

namespace wf::api {

// {"cases": [...], "alerts": [...]}: at most 10 open cases and 10 alerts seen
// in the last 30 days.
std::string RelatedJson(const RequestContext& ctx, const std::string& object_type, int64_t id);

// Adds "related" as the last member of a serialised JSON object.
std::string WithRelated(std::string object_json, const std::string& related_json);

}  // namespace wf::api
