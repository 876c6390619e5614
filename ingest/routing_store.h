// SQL for routing_rules (owned by ingest) and the lookups rules need: which
// of an alert's observables are known IOCs, and the open case sharing one.
// Functions take the connection explicitly; writes run on the writer thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "ingest/alert.h"
#include "ingest/routing.h"

namespace wf::ingest::routing {

// Every rule, in evaluation order (position, then id).
Result<std::vector<Rule>> ListRules(db::Database& db);
Result<Rule> GetRule(db::Database& db, int64_t id);  // NotFound
Result<int64_t> InsertRule(db::Database& db, const Rule& rule);
Status UpdateRule(db::Database& db, const Rule& rule);
Status DeleteRule(db::Database& db, int64_t id);
Result<int64_t> NextPosition(db::Database& db);  // after the last rule, in steps of 10
Status RecordMatch(db::Database& db, int64_t id, int64_t now_ms);
// Loads and compiles the enabled rules.
Result<std::shared_ptr<const RuleSet>> LoadRuleSet(db::Database& db);

// Probe over a connection: an observable is a known IOC when the platform
// has it marked (before this alert's own observables are stored).
class DbIocProbe : public IocProbe {
 public:
  explicit DbIocProbe(db::Database& db) : db_(db) {}
  Result<std::vector<bool>> KnownIocs(const NormalizedAlert& alert) override;

 private:
  db::Database& db_;
};

struct CaseRef {
  int64_t id = 0;
  std::string number;
};
// The newest case that is not resolved or closed and is linked to one of
// these observables marked IOC (on the platform, or by the sender: `ioc`).
Result<std::optional<CaseRef>> FindOpenCaseSharingIoc(db::Database& db,
                                                      const std::vector<AlertObservable>& observables);

}  // namespace wf::ingest::routing
