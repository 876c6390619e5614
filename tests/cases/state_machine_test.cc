// The case status state machine of SPEC 4, every from × to pair, table-driven.
// The table below is written from the SPEC, not from the implementation:
//   open → in_progress ⇄ awaiting_info
//   open | in_progress | awaiting_info → escalated → in_progress
//   in_progress → resolved → closed
//   resolved | closed → in_progress (reopen)
#include "cases/state_machine.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cases/case.h"

namespace wf::cases {
namespace {

using S = CaseStatus;

constexpr std::array<S, 6> kAllStatuses = {S::kOpen,      S::kInProgress, S::kAwaitingInfo,
                                           S::kEscalated, S::kResolved,   S::kClosed};

struct Row {
  S from;
  std::vector<S> allowed;
};

// SPEC 4, one row per status.
const std::vector<Row>& SpecTable() {
  static const std::vector<Row> table = {
      {S::kOpen, {S::kInProgress, S::kEscalated}},
      {S::kInProgress, {S::kAwaitingInfo, S::kEscalated, S::kResolved}},
      {S::kAwaitingInfo, {S::kInProgress, S::kEscalated}},
      {S::kEscalated, {S::kInProgress}},
      {S::kResolved, {S::kClosed, S::kInProgress}},
      {S::kClosed, {S::kInProgress}},
  };
  return table;
}

bool Contains(const std::vector<S>& v, S s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<std::string> Names(std::vector<S> v) {
  std::vector<std::string> out;
  for (S s : v) out.emplace_back(CaseStatusName(s));
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("State machine: the table covers every status exactly once", "[cases][state]") {
  for (S s : kAllStatuses) {
    auto n = std::count_if(SpecTable().begin(), SpecTable().end(),
                           [&](const Row& r) { return r.from == s; });
    INFO(CaseStatusName(s));
    CHECK(n == 1);
  }
}

TEST_CASE("State machine: AllowedTransitions lists exactly SPEC 4's targets for each status",
          "[cases][state]") {
  for (const Row& row : SpecTable()) {
    INFO("from " << CaseStatusName(row.from));
    CHECK(Names(AllowedTransitions(row.from)) == Names(row.allowed));
  }
}

TEST_CASE("State machine: every from × to pair is allowed or refused as SPEC 4 says",
          "[cases][state]") {
  int allowed = 0, refused = 0;
  for (const Row& row : SpecTable()) {
    for (S to : kAllStatuses) {
      INFO(CaseStatusName(row.from) << " → " << CaseStatusName(to));
      Status st = CheckTransition(row.from, to);
      if (Contains(row.allowed, to)) {
        CHECK(st.ok());
        ++allowed;
      } else {
        REQUIRE_FALSE(st.ok());
        // FailedPrecondition is HTTP 409 at the API edge.
        CHECK(st.code() == StatusCode::kFailedPrecondition);
        // The detail names both ends and every allowed target.
        std::string msg(st.message());
        CHECK(msg.find(std::string(CaseStatusName(row.from))) != std::string::npos);
        CHECK(msg.find(std::string(CaseStatusName(to))) != std::string::npos);
        for (S ok : row.allowed) {
          INFO("allowed target " << CaseStatusName(ok) << " in: " << msg);
          CHECK(msg.find(std::string(CaseStatusName(ok))) != std::string::npos);
        }
        ++refused;
      }
    }
  }
  // 11 arrows in SPEC 4; the other 25 of the 36 pairs are refused.
  CHECK(allowed == 11);
  CHECK(refused == 25);
}

TEST_CASE("State machine: no status transitions to itself", "[cases][state]") {
  for (S s : kAllStatuses) {
    INFO(CaseStatusName(s));
    CHECK_FALSE(CheckTransition(s, s).ok());
  }
}

TEST_CASE("State machine: the refusal message lists the allowed targets after the colon",
          "[cases][state]") {
  // "from closed it can go to: in_progress" — the client can act on it.
  Status st = CheckTransition(S::kClosed, S::kResolved);
  REQUIRE_FALSE(st.ok());
  std::string msg(st.message());
  auto colon = msg.rfind(':');
  REQUIRE(colon != std::string::npos);
  CHECK(msg.substr(colon) == ": in_progress");
}

TEST_CASE("State machine: status names parse back to the same status", "[cases][state]") {
  for (S s : kAllStatuses) {
    auto parsed = ParseCaseStatus(CaseStatusName(s));
    REQUIRE(parsed);
    CHECK(*parsed == s);
  }
  CHECK_FALSE(ParseCaseStatus("Open"));
  CHECK_FALSE(ParseCaseStatus("reopened"));
  CHECK_FALSE(ParseCaseStatus(""));
}

}  // namespace
}  // namespace wf::cases
