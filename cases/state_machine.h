// The case status state machine of SPEC 4, in one place:
//   open → in_progress ⇄ awaiting_info
//   open | in_progress | awaiting_info → escalated → in_progress
//   in_progress → resolved → closed
//   resolved | closed → in_progress (reopen)
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "cases/case.h"
#include "core/status.h"

namespace wf::cases {

std::vector<CaseStatus> AllowedTransitions(CaseStatus from);

// OK when from → to is allowed; FailedPrecondition (HTTP 409) otherwise,
// naming the allowed transitions.
Status CheckTransition(CaseStatus from, CaseStatus to);

}  // namespace wf::cases
