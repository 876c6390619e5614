// Routing rules as pure logic: compiling (validation with the path of the bad
// part) and evaluating (conditions, actions, order, stop) without a database.
#include <catch2/catch.hpp>

#include "ingest/routing.h"

namespace wf::ingest::routing {
namespace {

using observables::ObservableType;

class FakeProbe : public IocProbe {
 public:
  std::vector<bool> known;
  int calls = 0;
  Result<std::vector<bool>> KnownIocs(const NormalizedAlert& alert) override {
    ++calls;
    std::vector<bool> out = known;
    out.resize(alert.observables.size(), false);
    return out;
  }
};

Rule MakeRule(int64_t id, std::string when, std::string then, bool enabled = true) {
  Rule r;
  r.id = id;
  r.name = "rule " + std::to_string(id);
  r.when_json = std::move(when);
  r.then_json = std::move(then);
  r.enabled = enabled;
  return r;
}

NormalizedAlert WazuhAlert() {
  NormalizedAlert a;
  a.source_kind = "wazuh";
  a.source = "wazuh-manager-01";
  a.rule_name = "5712";
  a.title = "sshd: brute force trying to get access to the system";
  a.description = "Multiple authentication failures from 203.0.113.7";
  a.severity = Severity::kHigh;
  a.tags = {"authentication_failures", "attack.t1110"};
  a.observables = {{ObservableType::kIp, "203.0.113.7", false, {}},
                   {ObservableType::kUser, "root", false, {}}};
  return a;
}

// Does a single rule with this condition match the alert?
bool Matches(const std::string& when, const NormalizedAlert& a = WazuhAlert(), FakeProbe* probe = nullptr) {
  auto set = RuleSet::Compile({MakeRule(1, when, R"([{"add_tags":"hit"}])")});
  REQUIRE(set.ok());
  FakeProbe local;
  auto plan = (*set)->Evaluate(a, probe ? *probe : local);
  REQUIRE(plan.ok());
  return !plan->matched.empty();
}

std::string CompileError(const std::string& when, const std::string& then = R"([{"stop":true}])") {
  auto r = CompileRule(MakeRule(1, when, then));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kUnprocessable);
  return r.status().message();
}

TEST_CASE("Routing conditions: fields match exactly, by list, prefix, suffix, contains and regex", "[routing]") {
  CHECK(Matches(R"({"format":"wazuh"})"));
  CHECK_FALSE(Matches(R"({"format":"elastic"})"));
  CHECK(Matches(R"({"format":["elastic","wazuh"]})"));
  CHECK(Matches(R"({"source":{"prefix":"wazuh-"}})"));
  CHECK_FALSE(Matches(R"({"source":{"prefix":"Wazuh-"}})"));
  CHECK(Matches(R"({"source":{"suffix":"-01"}})"));
  CHECK(Matches(R"({"title":{"contains":"BRUTE FORCE"}})"));
  CHECK_FALSE(Matches(R"({"title":{"contains":"ransomware"}})"));
  CHECK(Matches(R"({"rule_name":{"regex":"^57[0-9]{2}$"}})"));
  CHECK_FALSE(Matches(R"({"rule_name":{"regex":"^57[0-9]$"}})"));
  CHECK(Matches(R"({"rule_name":{"equals":["1","5712"]}})"));
}

TEST_CASE("Routing conditions: severity bounds, tags, observable types, text", "[routing]") {
  CHECK(Matches(R"({"severity_at_least":"high"})"));
  CHECK_FALSE(Matches(R"({"severity_at_least":"critical"})"));
  CHECK(Matches(R"({"severity_at_most":3})"));
  CHECK_FALSE(Matches(R"({"severity_at_most":"medium"})"));
  CHECK(Matches(R"({"tag":["x","attack.t1110"]})"));
  CHECK_FALSE(Matches(R"({"tag":"attack.t1059"})"));
  CHECK(Matches(R"({"observable_type":"ip"})"));
  CHECK_FALSE(Matches(R"({"observable_type":["url","hash"]})"));
  CHECK(Matches(R"({"text_contains":"authentication FAILURES"})"));
  CHECK(Matches(R"({"text_contains":["nothing","5712"]})"));  // rule name counts as text
  CHECK_FALSE(Matches(R"({"text_contains":"mimikatz"})"));
}

TEST_CASE("Routing conditions: all, any and not combine; an empty all matches everything", "[routing]") {
  CHECK(Matches(R"({"all":[]})"));
  CHECK_FALSE(Matches(R"({"any":[]})"));
  CHECK(Matches(R"({"all":[{"format":"wazuh"},{"severity_at_least":"high"}]})"));
  CHECK_FALSE(Matches(R"({"all":[{"format":"wazuh"},{"severity_at_least":"critical"}]})"));
  CHECK(Matches(R"({"any":[{"format":"elastic"},{"tag":"attack.t1110"}]})"));
  CHECK(Matches(R"({"not":{"format":"elastic"}})"));
  CHECK_FALSE(Matches(R"({"not":{"any":[{"format":"wazuh"},{"format":"elastic"}]}})"));
}

TEST_CASE("Routing conditions: known_ioc asks the probe once per alert, only when a rule needs it", "[routing]") {
  FakeProbe probe;
  probe.known = {false, true};  // the user "root" is a known IOC, the IP is not
  CHECK(Matches(R"({"known_ioc":true})", WazuhAlert(), &probe));
  CHECK(Matches(R"({"known_ioc":"user"})", WazuhAlert(), &probe));
  CHECK_FALSE(Matches(R"({"known_ioc":"ip"})", WazuhAlert(), &probe));
  CHECK(probe.calls == 3);

  FakeProbe unused;
  CHECK(Matches(R"({"format":"wazuh"})", WazuhAlert(), &unused));
  CHECK(unused.calls == 0);

  auto set = RuleSet::Compile({MakeRule(1, R"({"known_ioc":true})", R"([{"add_tags":"a"}])"),
                               MakeRule(2, R"({"known_ioc":"user"})", R"([{"add_tags":"b"}])")});
  REQUIRE(set.ok());
  FakeProbe once;
  once.known = {true, true};
  auto plan = (*set)->Evaluate(WazuhAlert(), once);
  REQUIRE(plan.ok());
  CHECK(plan->matched.size() == 2);
  CHECK(once.calls == 1);
}

TEST_CASE("Routing actions: rules run in order, see earlier changes, and stop ends evaluation", "[routing]") {
  auto set = RuleSet::Compile({
      MakeRule(1, R"({"format":"wazuh"})", R"([{"set_severity":"critical"},{"add_tags":["soc","attack.t1110"]}])"),
      MakeRule(2, R"({"severity_at_least":"critical"})", R"([{"assign_tier":"L2"},{"assign_user":"bob"}])"),
      MakeRule(3, R"({"all":[]})", R"([{"disabled rule":true}])", false),  // never compiled: disabled
      MakeRule(4, R"({"tag":"soc"})", R"([{"merge_on_ioc":true},{"promote":{"template":"phishing"}},{"notify":"http://127.0.0.1:9/hook"},{"stop":true}])"),
      MakeRule(5, R"({"all":[]})", R"([{"ignore":"never reached"}])"),
  });
  REQUIRE(set.ok());
  CHECK((*set)->size() == 4);
  FakeProbe probe;
  auto plan = (*set)->Evaluate(WazuhAlert(), probe);
  REQUIRE(plan.ok());
  REQUIRE(plan->matched.size() == 3);
  CHECK(plan->matched[0].rule_id == 1);
  CHECK(plan->matched[1].rule_id == 2);
  CHECK(plan->matched[2].rule_id == 4);
  CHECK(plan->severity == Severity::kCritical);
  CHECK(plan->tags == std::vector<std::string>{"authentication_failures", "attack.t1110", "soc"});
  CHECK(plan->tier == 2);
  CHECK(plan->assignee == "bob");
  REQUIRE(plan->steps.size() == 2);
  CHECK(plan->steps[0].kind == ActionKind::kMergeOnIoc);
  CHECK(plan->steps[1].kind == ActionKind::kPromote);
  CHECK(plan->steps[1].text == "phishing");
  REQUIRE(plan->notifies.size() == 1);
  CHECK(plan->notifies[0].url == "http://127.0.0.1:9/hook");
  CHECK(plan->matched[2].actions ==
        std::vector<std::string>{"merge into the open case sharing an IOC", "promote to a case (template phishing)",
                                 "notify http://127.0.0.1:9/hook", "stop"});
}

TEST_CASE("Routing validation: errors name the rule part that is wrong", "[routing]") {
  CHECK(CompileError(R"({"severity_at_least":"hgih"})") == "when.severity_at_least: unknown severity: use low, medium, high, critical (or 1-4)");
  CHECK(CompileError(R"({"all":[{"format":"wazuh"},{"colour":"red"}]})").starts_with("when.all[1]: unknown condition 'colour'"));
  CHECK(CompileError(R"({"format":"wazuh","source":"x"})").starts_with("when: a condition has exactly one key"));
  CHECK(CompileError(R"({"rule_name":{"regex":"(unclosed"}})").starts_with("when.rule_name.regex: invalid regular expression"));
  CHECK(CompileError(R"({"rule_name":{"like":"x"}})").starts_with("when.rule_name: unknown match 'like'"));
  CHECK(CompileError(R"({"observable_type":["ip","planet"]})") == "when.observable_type: unknown observable type 'planet'");
  CHECK(CompileError(R"({"tag":[]})") == "when.tag: must hold at least one value");
  CHECK(CompileError(R"({"format":""})") == "when.format: must not be empty");
  CHECK(CompileError(R"({"known_ioc":false})").starts_with("when.known_ioc:"));
  CHECK(CompileError(R"([1])").starts_with("when: a condition is an object"));
  CHECK(CompileError(R"({"format":"x"})", R"([])") == "then: a rule needs at least one action");
  CHECK(CompileError(R"({"format":"x"})", R"({"stop":true})").starts_with("then: expected an array"));
  CHECK(CompileError(R"({"format":"x"})", R"([{"stop":true},{"set_severity":"urgent"}])").starts_with("then[1].set_severity: unknown severity"));
  CHECK(CompileError(R"({"format":"x"})", R"([{"assign_tier":"L4"}])") == "then[0].assign_tier: unknown tier: use L1, L2 or L3");
  CHECK(CompileError(R"({"format":"x"})", R"([{"notify":"https://example.com/hook"}])").starts_with("then[0].notify: a webhook URL is http://"));
  CHECK(CompileError(R"({"format":"x"})", R"([{"promote":{"templat":"x"}}])").starts_with("then[0].promote: unknown field 'templat'"));
  CHECK(CompileError(R"({"format":"x"})", R"([{"ignore":""}])") == "then[0].ignore: must not be empty");
  CHECK(CompileError(R"({"format":"x"})", R"([{"add_tags":["ok","bad\u0001tag"]}])") == "then[0].add_tags: tags are 1 to 128 printable bytes");
  CHECK(CompileError(R"({"format":"x"})", R"([{"explode":true}])").starts_with("then[0]: unknown action 'explode'"));

  std::string deep = R"({"format":"x"})";
  for (int i = 0; i < 20; ++i) deep = R"({"not":)" + deep + "}";
  CHECK(CompileError(deep).find("nest deeper than 16 levels") != std::string::npos);

  auto set = RuleSet::Compile({MakeRule(1, R"({"format":"x"})", R"([{"stop":true}])"),
                               MakeRule(7, R"({"format":1})", R"([{"stop":true}])")});
  REQUIRE_FALSE(set.ok());
  CHECK(set.status().message().starts_with("rule 'rule 7': when.format: expected a string"));
}

TEST_CASE("Routing regexes run in linear time on hostile input (RE2)", "[routing]") {
  NormalizedAlert a = WazuhAlert();
  a.title = std::string(100000, 'a') + "!";
  // (a+)+$ backtracks exponentially in backtracking engines.
  CHECK_FALSE(Matches(R"({"title":{"regex":"^(a+)+$"}})", a));
  CHECK(Matches(R"({"title":{"regex":"(a+)+!$"}})", a));
}

}  // namespace
}  // namespace wf::ingest::routing
