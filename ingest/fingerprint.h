// Fingerprinting for deduplication (SPEC 5): the sender's stable identity of
// an alert when it has one, else a SHA-256 over source, rule and the sorted
// key observables. Always scoped by source_kind and source so two senders'
// ids never collide. Pure function; thread-safe.
#pragma once

#include <string>

#include "ingest/alert.h"

namespace wf::ingest {

// 64 hex characters.
std::string ComputeFingerprint(const NormalizedAlert& alert);

}  // namespace wf::ingest
