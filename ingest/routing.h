// Routing rules (issue 8): what happens to a new alert on arrival. A rule is
// a condition tree over the normalised alert and a list of actions; rules run
// in order, each seeing the alert as earlier rules changed it, until one says
// `stop`. The JSON format (docs/automation.md) is validated and compiled once
// when rules are saved or loaded — evaluating an alert parses nothing and
// never allocates regexes. Pure logic: the database is reached through the
// IocProbe the caller supplies; stores and the writer live elsewhere.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/vocabulary.h"
#include "ingest/alert.h"

namespace wf::ingest::routing {

// A saved rule as stored (routing_rules row).
struct Rule {
  int64_t id = 0;
  std::string name;
  int64_t position = 0;
  bool enabled = true;
  std::string when_json = "{\"all\":[]}";  // the condition tree, JSON text
  std::string then_json = "[]";            // the action list, JSON text
  int64_t matches = 0;
  std::optional<int64_t> last_match;
  std::string created_by;
  int64_t created_at = 0, updated_at = 0;
};

enum class ActionKind {
  kSetSeverity, kAddTags, kAssignUser, kAssignTier, kIgnore, kPromote, kMergeOnIoc, kNotify, kStop
};

struct Action {
  ActionKind kind = ActionKind::kStop;
  Severity severity = Severity::kMedium;  // set_severity
  std::vector<std::string> tags;          // add_tags
  std::string text;                       // user login, ignore reason, template name, webhook URL
  int tier = 1;                           // assign_tier
  std::string Describe() const;           // "set severity high", "promote (template phishing)"
};

// "Has one of these observables already been marked IOC on the platform?"
// Answered from the database before the alert's own observables are stored;
// evaluation asks only when a rule has a known_ioc condition, at most once
// per alert.
class IocProbe {
 public:
  virtual ~IocProbe() = default;
  // For each observable of the alert, in order: marked IOC on the platform.
  virtual Result<std::vector<bool>> KnownIocs(const NormalizedAlert& alert) = 0;
};

struct Condition;  // compiled condition tree (routing.cc)

struct CompiledRule {
  int64_t id = 0;
  std::string name;
  std::shared_ptr<const Condition> when;
  std::vector<Action> then;
};

// What the rules decided for one alert. Severity and tags are the alert's as
// the rules left them; dispositions run in order after the alert is stored:
// ignore applies and ends them, merge_on_ioc applies when an open case shares
// an IOC (else the next one is tried), promote applies and ends them.
struct Plan {
  struct Match {
    int64_t rule_id = 0;
    std::string rule_name;
    std::vector<std::string> actions;  // described
  };
  struct Step {
    ActionKind kind = ActionKind::kIgnore;  // kIgnore, kMergeOnIoc or kPromote
    std::string text;                       // reason / template
    int64_t rule_id = 0;
    std::string rule_name;
  };
  struct Notify {
    std::string url;
    int64_t rule_id = 0;
    std::string rule_name;
  };
  std::vector<Match> matched;
  Severity severity = Severity::kMedium;
  std::vector<std::string> tags;
  std::optional<std::string> assignee;
  std::optional<int> tier;
  std::vector<Step> steps;
  std::vector<Notify> notifies;
};

class RuleSet {
 public:
  // Compiles the enabled rules, in the order given. Unprocessable names the
  // rule and the JSON path of the bad part.
  static Result<std::shared_ptr<const RuleSet>> Compile(const std::vector<Rule>& rules);
  static std::shared_ptr<const RuleSet> Empty();

  bool empty() const { return rules_.empty(); }
  size_t size() const { return rules_.size(); }
  // Runs every rule against `alert`. Errors come only from the probe.
  Result<Plan> Evaluate(const NormalizedAlert& alert, IocProbe& probe) const;

 private:
  std::vector<CompiledRule> rules_;
};

// Validates and compiles one rule's parts; Unprocessable with the path of the
// bad part ("when.all[1].severity_at_least: unknown severity 'hgih'").
Result<CompiledRule> CompileRule(const Rule& rule);

// The live rule set, swapped whole when rules change. Thread-safe.
class RuleBook {
 public:
  std::shared_ptr<const RuleSet> Current() const;
  void Replace(std::shared_ptr<const RuleSet> rules);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const RuleSet> rules_ = RuleSet::Empty();
};

}  // namespace wf::ingest::routing
