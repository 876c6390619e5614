// JSON representation of alerts for the HTTP API. Pure functions; thread-safe.
#pragma once

#include <string>

#include "ingest/alert.h"
#include "ingest/alert_service.h"

namespace wf::ingest {

std::string AlertToJson(const Alert& alert);
std::string AlertDetailToJson(const AlertDetail& detail);
std::string IngestResultsToJson(const std::vector<IngestResult>& results);

}  // namespace wf::ingest
