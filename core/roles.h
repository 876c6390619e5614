// Roles, API-key scopes and the permission table of SPEC 6 (deny by default).
// Pure values and functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wf::auth {

enum class Role { kL1, kL2, kL3, kManager, kAdmin, kAuditor };

std::string_view RoleName(Role role);                  // "l1", ..., "auditor"
std::optional<Role> ParseRole(std::string_view name);  // exact lowercase names

enum class Scope { kIngest, kRead };
std::string_view ScopeName(Scope scope);
std::optional<Scope> ParseScope(std::string_view name);

enum class Permission {
  kPostAlerts,      // ingest
  kRead,            // alerts, cases, observables, reports
  kTriage,          // alert triage, promote, merge
  kEscalate,
  kManageWorkflow,  // assign others, SLA policies, routing rules, templates
  kManageUsers,     // users, API keys
  kReadAudit,
};

// Who is calling: a user (through a session) or an API key.
struct Principal {
  enum class Kind { kUser, kApiKey };
  Kind kind = Kind::kUser;
  int64_t id = 0;            // users.id or api_keys.id
  std::string name;          // login, or key name
  std::optional<Role> role;  // users only
  std::vector<Scope> scopes; // API keys only

  // "user:alice" / "apikey:7:splunk-prod": how the audit log names actors.
  std::string ActorString() const;
};

// True when the principal may do `permission` (SPEC 6 table).
bool Allows(const Principal& principal, Permission permission);

// The highest case tier (1..3) a role may work; 0 when it may work none.
int MaxWorkTier(Role role);

}  // namespace wf::auth
