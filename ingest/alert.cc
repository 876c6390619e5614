#include "ingest/alert.h"

namespace wf::ingest {

std::string_view AlertStatusName(AlertStatus s) {
  switch (s) {
    case AlertStatus::kNew: return "new";
    case AlertStatus::kUpdated: return "updated";
    case AlertStatus::kIgnored: return "ignored";
    case AlertStatus::kImported: return "imported";
  }
  return "new";
}

std::optional<AlertStatus> ParseAlertStatus(std::string_view name) {
  for (AlertStatus s :
       {AlertStatus::kNew, AlertStatus::kUpdated, AlertStatus::kIgnored, AlertStatus::kImported}) {
    if (AlertStatusName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (unsigned char c : tag) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace wf::ingest
