#include "ingest/routing.h"

#include <algorithm>

#include <fmt/format.h>
#include <re2/re2.h>

#include "cases/case.h"
#include "core/json_parse.h"

namespace wf::ingest::routing {

// Limits that keep a rule cheap to evaluate and its errors readable.
namespace {
constexpr int kMaxDepth = 16;
constexpr int kMaxNodes = 256;
constexpr size_t kMaxActions = 32;
constexpr size_t kMaxListItems = 256;
constexpr size_t kMaxString = 1024;
}  // namespace

enum class CondKind {
  kAll, kAny, kNot, kField, kSeverityAtLeast, kSeverityAtMost, kTag, kObservableType, kKnownIoc,
  kTextContains
};
enum class Field { kFormat, kSource, kRuleName, kTitle };
enum class MatchOp { kEquals, kPrefix, kSuffix, kContains, kRegex };

struct Condition {
  CondKind kind = CondKind::kAll;
  std::vector<Condition> children;  // all / any / not (one)
  Field field = Field::kFormat;
  MatchOp op = MatchOp::kEquals;
  std::vector<std::string> values;  // equals: any of; others: one; contains: lower-cased
  std::shared_ptr<const re2::RE2> regex;
  Severity severity = Severity::kMedium;
  std::vector<observables::ObservableType> types;  // observable_type / known_ioc (empty: any)
};

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ContainsFolded(std::string_view haystack, std::string_view lower_needle) {
  if (lower_needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) == static_cast<unsigned char>(b);
                        });
  return it != haystack.end();
}

// ---------------------------------------------------------------- compiling

class Compiler {
 public:
  Status Fail(const std::string& path, const std::string& what) {
    return Status::Unprocessable(fmt::format("{}: {}", path, what));
  }

  Result<std::string> String(const rapidjson::Value& v, const std::string& path, bool allow_empty = false) {
    if (!v.IsString()) return Fail(path, fmt::format("expected a string, got {}", json::TypeName(v)));
    std::string s(v.GetString(), v.GetStringLength());
    if (!allow_empty && s.empty()) return Fail(path, "must not be empty");
    if (s.size() > kMaxString) return Fail(path, fmt::format("longer than {} bytes", kMaxString));
    return s;
  }

  // A string or an array of strings (any of them).
  Result<std::vector<std::string>> StringList(const rapidjson::Value& v, const std::string& path) {
    std::vector<std::string> out;
    if (v.IsString()) {
      WF_ASSIGN_OR_RETURN(std::string s, String(v, path));
      out.push_back(std::move(s));
      return out;
    }
    if (!v.IsArray()) return Fail(path, fmt::format("expected a string or an array of strings, got {}", json::TypeName(v)));
    if (v.Empty()) return Fail(path, "must hold at least one value");
    if (v.Size() > kMaxListItems) return Fail(path, fmt::format("more than {} values", kMaxListItems));
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      WF_ASSIGN_OR_RETURN(std::string s, String(v[i], fmt::format("{}[{}]", path, i)));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<Severity> SeverityValue(const rapidjson::Value& v, const std::string& path) {
    if (v.IsInt()) {
      if (auto s = SeverityFromNumber(v.GetInt())) return *s;
    } else if (v.IsString()) {
      if (auto s = ParseSeverity(std::string_view(v.GetString(), v.GetStringLength()))) return *s;
    }
    return Fail(path, "unknown severity: use low, medium, high, critical (or 1-4)");
  }

  Result<std::vector<observables::ObservableType>> Types(const rapidjson::Value& v, const std::string& path) {
    WF_ASSIGN_OR_RETURN(auto names, StringList(v, path));
    std::vector<observables::ObservableType> out;
    for (const auto& n : names) {
      auto t = observables::ParseObservableType(n);
      if (!t) return Fail(path, fmt::format("unknown observable type '{}'", n.substr(0, 64)));
      out.push_back(*t);
    }
    return out;
  }

  Result<Condition> Match(Field field, const rapidjson::Value& v, const std::string& path) {
    Condition c;
    c.kind = CondKind::kField;
    c.field = field;
    if (v.IsString() || v.IsArray()) {
      c.op = MatchOp::kEquals;
      WF_ASSIGN_OR_RETURN(c.values, StringList(v, path));
      return c;
    }
    if (!v.IsObject() || v.MemberCount() != 1) {
      return Fail(path, "expected a string, an array of strings, or one of {\"equals\"|\"prefix\"|\"suffix\"|\"contains\"|\"regex\": ...}");
    }
    const auto& m = *v.MemberBegin();
    std::string op(m.name.GetString(), m.name.GetStringLength());
    std::string sub = path + "." + op;
    if (op == "equals") {
      c.op = MatchOp::kEquals;
      WF_ASSIGN_OR_RETURN(c.values, StringList(m.value, sub));
      return c;
    }
    WF_ASSIGN_OR_RETURN(std::string s, String(m.value, sub));
    if (op == "prefix") {
      c.op = MatchOp::kPrefix;
    } else if (op == "suffix") {
      c.op = MatchOp::kSuffix;
    } else if (op == "contains") {
      c.op = MatchOp::kContains;
      s = Lower(s);
    } else if (op == "regex") {
      c.op = MatchOp::kRegex;
      re2::RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_shared<re2::RE2>(s, options);
      if (!re->ok()) return Fail(sub, fmt::format("invalid regular expression: {}", re->error()));
      c.regex = std::move(re);
    } else {
      return Fail(path, fmt::format("unknown match '{}': use equals, prefix, suffix, contains or regex", op.substr(0, 64)));
    }
    c.values.push_back(std::move(s));
    return c;
  }

  Result<Condition> Cond(const rapidjson::Value& v, const std::string& path, int depth) {
    if (depth > kMaxDepth) return Fail(path, fmt::format("conditions nest deeper than {} levels", kMaxDepth));
    if (++nodes_ > kMaxNodes) return Fail(path, fmt::format("more than {} conditions in one rule", kMaxNodes));
    if (!v.IsObject()) return Fail(path, fmt::format("a condition is an object, got {}", json::TypeName(v)));
    if (v.MemberCount() != 1) {
      return Fail(path, "a condition has exactly one key (combine several with all, any or not)");
    }
    const auto& m = *v.MemberBegin();
    std::string key(m.name.GetString(), m.name.GetStringLength());
    std::string sub = path + "." + key;
    const rapidjson::Value& arg = m.value;
    Condition c;
    if (key == "all" || key == "any") {
      c.kind = key == "all" ? CondKind::kAll : CondKind::kAny;
      if (!arg.IsArray()) return Fail(sub, fmt::format("expected an array of conditions, got {}", json::TypeName(arg)));
      for (rapidjson::SizeType i = 0; i < arg.Size(); ++i) {
        WF_ASSIGN_OR_RETURN(Condition child, Cond(arg[i], fmt::format("{}[{}]", sub, i), depth + 1));
        c.children.push_back(std::move(child));
      }
      return c;
    }
    if (key == "not") {
      c.kind = CondKind::kNot;
      WF_ASSIGN_OR_RETURN(Condition child, Cond(arg, sub, depth + 1));
      c.children.push_back(std::move(child));
      return c;
    }
    if (key == "format") return Match(Field::kFormat, arg, sub);
    if (key == "source") return Match(Field::kSource, arg, sub);
    if (key == "rule_name") return Match(Field::kRuleName, arg, sub);
    if (key == "title") return Match(Field::kTitle, arg, sub);
    if (key == "severity_at_least" || key == "severity_at_most") {
      c.kind = key == "severity_at_least" ? CondKind::kSeverityAtLeast : CondKind::kSeverityAtMost;
      WF_ASSIGN_OR_RETURN(c.severity, SeverityValue(arg, sub));
      return c;
    }
    if (key == "tag") {
      c.kind = CondKind::kTag;
      WF_ASSIGN_OR_RETURN(c.values, StringList(arg, sub));
      return c;
    }
    if (key == "observable_type") {
      c.kind = CondKind::kObservableType;
      WF_ASSIGN_OR_RETURN(c.types, Types(arg, sub));
      return c;
    }
    if (key == "known_ioc") {
      c.kind = CondKind::kKnownIoc;
      if (arg.IsBool()) {
        if (!arg.GetBool()) return Fail(sub, "use true, or a type or list of types (negate with not)");
        return c;
      }
      WF_ASSIGN_OR_RETURN(c.types, Types(arg, sub));
      return c;
    }
    if (key == "text_contains") {
      c.kind = CondKind::kTextContains;
      WF_ASSIGN_OR_RETURN(c.values, StringList(arg, sub));
      for (auto& s : c.values) s = Lower(s);
      return c;
    }
    return Fail(path, fmt::format(
                          "unknown condition '{}': use all, any, not, format, source, rule_name, title, "
                          "severity_at_least, severity_at_most, tag, observable_type, known_ioc, text_contains",
                          key.substr(0, 64)));
  }

  Result<Action> Act(const rapidjson::Value& v, const std::string& path) {
    if (!v.IsObject() || v.MemberCount() != 1) {
      return Fail(path, "an action is an object with exactly one key, e.g. {\"set_severity\": \"high\"}");
    }
    const auto& m = *v.MemberBegin();
    std::string key(m.name.GetString(), m.name.GetStringLength());
    std::string sub = path + "." + key;
    const rapidjson::Value& arg = m.value;
    Action a;
    if (key == "set_severity") {
      a.kind = ActionKind::kSetSeverity;
      WF_ASSIGN_OR_RETURN(a.severity, SeverityValue(arg, sub));
    } else if (key == "add_tags") {
      a.kind = ActionKind::kAddTags;
      WF_ASSIGN_OR_RETURN(a.tags, StringList(arg, sub));
      for (const auto& t : a.tags) {
        if (!IsValidTag(t)) return Fail(sub, "tags are 1 to 128 printable bytes");
      }
    } else if (key == "assign_user") {
      a.kind = ActionKind::kAssignUser;
      WF_ASSIGN_OR_RETURN(a.text, String(arg, sub));
    } else if (key == "assign_tier") {
      a.kind = ActionKind::kAssignTier;
      WF_ASSIGN_OR_RETURN(std::string t, String(arg, sub));
      auto tier = cases::ParseTier(t);
      if (!tier) return Fail(sub, "unknown tier: use L1, L2 or L3");
      a.tier = *tier;
    } else if (key == "ignore") {
      a.kind = ActionKind::kIgnore;
      WF_ASSIGN_OR_RETURN(a.text, String(arg, sub));
    } else if (key == "promote") {
      a.kind = ActionKind::kPromote;
      if (arg.IsObject()) {
        for (auto it = arg.MemberBegin(); it != arg.MemberEnd(); ++it) {
          std::string k(it->name.GetString(), it->name.GetStringLength());
          if (k != "template") return Fail(sub, fmt::format("unknown field '{}': promote takes template", k.substr(0, 64)));
          WF_ASSIGN_OR_RETURN(a.text, String(it->value, sub + ".template"));
        }
      } else if (!(arg.IsBool() && arg.GetBool())) {
        return Fail(sub, "use true or {\"template\": \"name\"}");
      }
    } else if (key == "merge_on_ioc") {
      a.kind = ActionKind::kMergeOnIoc;
      if (!(arg.IsBool() && arg.GetBool()) && !(arg.IsObject() && arg.MemberCount() == 0)) {
        return Fail(sub, "use true");
      }
    } else if (key == "notify") {
      a.kind = ActionKind::kNotify;
      const rapidjson::Value* url = &arg;
      if (arg.IsObject()) {
        if (!arg.HasMember("url") || arg.MemberCount() != 1) return Fail(sub, "use a URL or {\"url\": \"http://...\"}");
        url = &arg["url"];
        sub += ".url";
      }
      WF_ASSIGN_OR_RETURN(a.text, String(*url, sub));
      if (!a.text.starts_with("http://") || a.text.size() <= 7 ||
          std::any_of(a.text.begin(), a.text.end(),
                      [](char ch) { return static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f; })) {
        return Fail(sub, "a webhook URL is http://host[:port][/path] (HTTPS through a local proxy, see docs/operations.md)");
      }
    } else if (key == "stop") {
      a.kind = ActionKind::kStop;
      if (!(arg.IsBool() && arg.GetBool())) return Fail(sub, "use true");
    } else {
      return Fail(path, fmt::format("unknown action '{}': use set_severity, add_tags, assign_user, assign_tier, "
                                    "ignore, promote, merge_on_ioc, notify, stop",
                                    key.substr(0, 64)));
    }
    return a;
  }

 private:
  int nodes_ = 0;
};

// ---------------------------------------------------------------- evaluating

struct EvalContext {
  const NormalizedAlert& alert;
  const Plan& plan;
  IocProbe& probe;
  std::optional<std::vector<bool>> iocs;
  // Title, description and rule name, lower-cased once per alert (on the
  // first text_contains), so each needle is one fast substring search.
  std::optional<std::string> text;
  Status error;

  const std::string& Text() {
    if (!text) {
      std::string t;
      t.reserve(alert.title.size() + alert.description.size() + alert.rule_name.size() + 2);
      t.append(alert.title).append(1, '\n').append(alert.description).append(1, '\n').append(alert.rule_name);
      for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      text = std::move(t);
    }
    return *text;
  }
};

std::string_view FieldValue(const NormalizedAlert& a, Field f) {
  switch (f) {
    case Field::kFormat: return a.source_kind;
    case Field::kSource: return a.source;
    case Field::kRuleName: return a.rule_name;
    case Field::kTitle: return a.title;
  }
  return {};
}

bool MatchField(const Condition& c, std::string_view v) {
  switch (c.op) {
    case MatchOp::kEquals:
      return std::find(c.values.begin(), c.values.end(), v) != c.values.end();
    case MatchOp::kPrefix: return v.starts_with(c.values[0]);
    case MatchOp::kSuffix: return v.ends_with(c.values[0]);
    case MatchOp::kContains: return ContainsFolded(v, c.values[0]);
    case MatchOp::kRegex:
      return re2::RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *c.regex);
  }
  return false;
}

bool HasType(const std::vector<observables::ObservableType>& types, observables::ObservableType t) {
  return types.empty() || std::find(types.begin(), types.end(), t) != types.end();
}

bool Eval(const Condition& c, EvalContext& ctx) {
  switch (c.kind) {
    case CondKind::kAll:
      for (const auto& ch : c.children) {
        if (!Eval(ch, ctx)) return false;
      }
      return true;
    case CondKind::kAny:
      for (const auto& ch : c.children) {
        if (Eval(ch, ctx)) return true;
      }
      return false;
    case CondKind::kNot: return !Eval(c.children[0], ctx);
    case CondKind::kField: return MatchField(c, FieldValue(ctx.alert, c.field));
    case CondKind::kSeverityAtLeast: return ctx.plan.severity >= c.severity;
    case CondKind::kSeverityAtMost: return ctx.plan.severity <= c.severity;
    case CondKind::kTag:
      for (const auto& t : ctx.plan.tags) {
        if (std::find(c.values.begin(), c.values.end(), t) != c.values.end()) return true;
      }
      return false;
    case CondKind::kObservableType:
      for (const auto& o : ctx.alert.observables) {
        if (HasType(c.types, o.type)) return true;
      }
      return false;
    case CondKind::kKnownIoc: {
      if (ctx.alert.observables.empty()) return false;
      if (!ctx.iocs) {
        auto r = ctx.probe.KnownIocs(ctx.alert);
        if (!r.ok()) {
          ctx.error = r.status();
          ctx.iocs = std::vector<bool>(ctx.alert.observables.size(), false);
        } else {
          ctx.iocs = std::move(*r);
        }
      }
      for (size_t i = 0; i < ctx.alert.observables.size() && i < ctx.iocs->size(); ++i) {
        if ((*ctx.iocs)[i] && HasType(c.types, ctx.alert.observables[i].type)) return true;
      }
      return false;
    }
    case CondKind::kTextContains: {
      const std::string& text = ctx.Text();
      for (const auto& needle : c.values) {
        if (text.find(needle) != std::string::npos) return true;
      }
      return false;
    }
  }
  return false;
}

}  // namespace

std::string Action::Describe() const {
  switch (kind) {
    case ActionKind::kSetSeverity: return fmt::format("set severity {}", SeverityName(severity));
    case ActionKind::kAddTags: return fmt::format("add tags {}", fmt::join(tags, ", "));
    case ActionKind::kAssignUser: return fmt::format("assign to {}", text);
    case ActionKind::kAssignTier: return fmt::format("assign to tier {}", cases::TierName(tier));
    case ActionKind::kIgnore: return fmt::format("ignore: {}", text);
    case ActionKind::kPromote:
      return text.empty() ? std::string("promote to a case") : fmt::format("promote to a case (template {})", text);
    case ActionKind::kMergeOnIoc: return "merge into the open case sharing an IOC";
    case ActionKind::kNotify: return fmt::format("notify {}", text);
    case ActionKind::kStop: return "stop";
  }
  return "";
}

Result<CompiledRule> CompileRule(const Rule& rule) {
  Compiler compiler;
  CompiledRule out;
  out.id = rule.id;
  out.name = rule.name;
  rapidjson::Document when;
  if (Status st = json::Parse(rule.when_json, when); !st.ok()) {
    return Status::Unprocessable(fmt::format("when: {}", st.message()));
  }
  WF_ASSIGN_OR_RETURN(Condition c, compiler.Cond(when, "when", 1));
  out.when = std::make_shared<const Condition>(std::move(c));
  rapidjson::Document then;
  if (Status st = json::Parse(rule.then_json, then); !st.ok()) {
    return Status::Unprocessable(fmt::format("then: {}", st.message()));
  }
  if (!then.IsArray()) return compiler.Fail("then", fmt::format("expected an array of actions, got {}", json::TypeName(then)));
  if (then.Empty()) return compiler.Fail("then", "a rule needs at least one action");
  if (then.Size() > kMaxActions) return compiler.Fail("then", fmt::format("more than {} actions", kMaxActions));
  for (rapidjson::SizeType i = 0; i < then.Size(); ++i) {
    WF_ASSIGN_OR_RETURN(Action a, compiler.Act(then[i], fmt::format("then[{}]", i)));
    out.then.push_back(std::move(a));
  }
  return out;
}

Result<std::shared_ptr<const RuleSet>> RuleSet::Compile(const std::vector<Rule>& rules) {
  auto set = std::make_shared<RuleSet>();
  for (const Rule& r : rules) {
    if (!r.enabled) continue;
    auto compiled = CompileRule(r);
    if (!compiled.ok()) {
      return Status(compiled.status().code(),
                    fmt::format("rule '{}': {}", r.name.substr(0, 64), compiled.status().message()));
    }
    set->rules_.push_back(std::move(*compiled));
  }
  return std::shared_ptr<const RuleSet>(std::move(set));
}

std::shared_ptr<const RuleSet> RuleSet::Empty() {
  static const auto empty = std::make_shared<const RuleSet>();
  return empty;
}

Result<Plan> RuleSet::Evaluate(const NormalizedAlert& alert, IocProbe& probe) const {
  Plan plan;
  plan.severity = alert.severity;
  plan.tags = alert.tags;
  EvalContext ctx{alert, plan, probe, std::nullopt, std::nullopt, Status::Ok()};
  for (const CompiledRule& rule : rules_) {
    bool matched = Eval(*rule.when, ctx);
    if (!ctx.error.ok()) return ctx.error;
    if (!matched) continue;
    Plan::Match match;
    match.rule_id = rule.id;
    match.rule_name = rule.name;
    bool stop = false;
    for (const Action& a : rule.then) {
      match.actions.push_back(a.Describe());
      switch (a.kind) {
        case ActionKind::kSetSeverity: plan.severity = a.severity; break;
        case ActionKind::kAddTags:
          for (const auto& t : a.tags) {
            if (std::find(plan.tags.begin(), plan.tags.end(), t) == plan.tags.end()) plan.tags.push_back(t);
          }
          break;
        case ActionKind::kAssignUser: plan.assignee = a.text; break;
        case ActionKind::kAssignTier: plan.tier = a.tier; break;
        case ActionKind::kIgnore:
        case ActionKind::kPromote:
        case ActionKind::kMergeOnIoc: plan.steps.push_back({a.kind, a.text, rule.id, rule.name}); break;
        case ActionKind::kNotify: plan.notifies.push_back({a.text, rule.id, rule.name}); break;
        case ActionKind::kStop: stop = true; break;
      }
    }
    plan.matched.push_back(std::move(match));
    if (stop) break;
  }
  return plan;
}

std::shared_ptr<const RuleSet> RuleBook::Current() const {
  std::lock_guard lock(mu_);
  return rules_;
}

void RuleBook::Replace(std::shared_ptr<const RuleSet> rules) {
  std::lock_guard lock(mu_);
  rules_ = std::move(rules);
}

}  // namespace wf::ingest::routing
