#include "cases/case.h"

#include <array>

namespace wf::cases {

namespace {
template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::pair<std::string_view, E>, N>& table, std::string_view name) {
  for (const auto& [n, e] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}
template <typename E, size_t N>
std::string_view Name(const std::array<std::pair<std::string_view, E>, N>& table, E value) {
  for (const auto& [n, e] : table) {
    if (e == value) return n;
  }
  return "unknown";
}

constexpr std::array<std::pair<std::string_view, CaseStatus>, 6> kStatuses = {{
    {"open", CaseStatus::kOpen},
    {"in_progress", CaseStatus::kInProgress},
    {"awaiting_info", CaseStatus::kAwaitingInfo},
    {"escalated", CaseStatus::kEscalated},
    {"resolved", CaseStatus::kResolved},
    {"closed", CaseStatus::kClosed},
}};
constexpr std::array<std::pair<std::string_view, Resolution>, 5> kResolutions = {{
    {"true_positive", Resolution::kTruePositive},
    {"false_positive", Resolution::kFalsePositive},
    {"benign_positive", Resolution::kBenignPositive},
    {"duplicate", Resolution::kDuplicate},
    {"indeterminate", Resolution::kIndeterminate},
}};
constexpr std::array<std::pair<std::string_view, TaskStatus>, 4> kTaskStatuses = {{
    {"waiting", TaskStatus::kWaiting},
    {"in_progress", TaskStatus::kInProgress},
    {"completed", TaskStatus::kCompleted},
    {"cancelled", TaskStatus::kCancelled},
}};
}  // namespace

std::string_view CaseStatusName(CaseStatus s) { return Name(kStatuses, s); }
std::optional<CaseStatus> ParseCaseStatus(std::string_view n) { return Parse(kStatuses, n); }
std::string_view ResolutionName(Resolution r) { return Name(kResolutions, r); }
std::optional<Resolution> ParseResolution(std::string_view n) { return Parse(kResolutions, n); }
std::string_view TaskStatusName(TaskStatus s) { return Name(kTaskStatuses, s); }
std::optional<TaskStatus> ParseTaskStatus(std::string_view n) { return Parse(kTaskStatuses, n); }

std::string TierName(int tier) { return "L" + std::to_string(tier); }

std::optional<int> ParseTier(std::string_view name) {
  if (name == "L1" || name == "l1") return 1;
  if (name == "L2" || name == "l2") return 2;
  if (name == "L3" || name == "l3") return 3;
  return std::nullopt;
}

}  // namespace wf::cases
