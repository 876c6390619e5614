// RoutingService: saving routing rules (manager; ordered, enabled flag,
// audited, validated and compiled on save) and the dry run that answers which
// rules a sample alert matches and what they would do. The live rule set
// lives in AlertService::rules() and is replaced after each committed change.
// Thread safety: all methods may be called from any thread; callbacks run on
// the writer thread (or inline when refused before any write).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/read_pool.h"
#include "core/roles.h"
#include "core/writer.h"
#include "ingest/alert_service.h"
#include "ingest/routing.h"

namespace wf::ingest {

// Fields of a create (name, when, then required) or a patch (any of them).
struct RuleInput {
  std::optional<std::string> name;
  std::optional<int64_t> position;
  std::optional<bool> enabled;
  std::optional<std::string> when_json, then_json;
};

// What the rules would do to one alert of a sample payload.
struct DryRun {
  NormalizedAlert alert;
  routing::Plan plan;
  std::string status = "new";           // "new", "ignored", or "resolved" (a resolution notice: not routed)
  std::optional<std::string> ignore_reason;
  std::optional<std::string> case_action;  // "merge into SOC-2026-004", "promote to a case (template phishing)"
};

class RoutingService {
 public:
  RoutingService(Writer& writer, db::ReadPool& reads, const Clock& clock, AlertService& alerts);

  // Compiles the saved rules into the live set (at start-up).
  Status Load();

  Result<std::vector<routing::Rule>> List(const auth::Principal& p);
  Result<routing::Rule> Get(const auth::Principal& p, int64_t id);
  void Create(RuleInput in, const auth::Principal& p, const audit::Context& ctx,
              std::function<void(Result<routing::Rule>)> done);
  void Update(int64_t id, RuleInput in, const auth::Principal& p, const audit::Context& ctx,
              std::function<void(Result<routing::Rule>)> done);
  void Delete(int64_t id, const auth::Principal& p, const audit::Context& ctx, std::function<void(Status)> done);
  // Runs `rules` (the saved ones when absent) against `alerts` without writing.
  Result<std::vector<DryRun>> Test(const auth::Principal& p, const std::vector<NormalizedAlert>& alerts,
                                   const std::optional<std::vector<routing::Rule>>& rules);

 private:
  Writer& writer_;
  db::ReadPool& reads_;
  const Clock& clock_;
  AlertService& alerts_;
};

}  // namespace wf::ingest
