#include "cases/state_machine.h"

#include <algorithm>

#include <fmt/format.h>

namespace wf::cases {

std::vector<CaseStatus> AllowedTransitions(CaseStatus from) {
  using S = CaseStatus;
  switch (from) {
    case S::kOpen: return {S::kInProgress, S::kEscalated};
    case S::kInProgress: return {S::kAwaitingInfo, S::kEscalated, S::kResolved};
    case S::kAwaitingInfo: return {S::kInProgress, S::kEscalated};
    case S::kEscalated: return {S::kInProgress};
    case S::kResolved: return {S::kClosed, S::kInProgress};
    case S::kClosed: return {S::kInProgress};
  }
  return {};
}

Status CheckTransition(CaseStatus from, CaseStatus to) {
  auto allowed = AllowedTransitions(from);
  if (std::find(allowed.begin(), allowed.end(), to) != allowed.end()) return Status::Ok();
  std::string names;
  for (CaseStatus s : allowed) {
    if (!names.empty()) names += ", ";
    names += CaseStatusName(s);
  }
  return Status::FailedPrecondition(fmt::format("a case cannot go from {} to {}; from {} it can go to: {}",
                                                CaseStatusName(from), CaseStatusName(to),
                                                CaseStatusName(from), names));
}

}  // namespace wf::cases
