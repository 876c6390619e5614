#include "core/roles.h"

#include <algorithm>

#include <fmt/format.h>

namespace wf::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kL1: return "l1";
    case Role::kL2: return "l2";
    case Role::kL3: return "l3";
    case Role::kManager: return "manager";
    case Role::kAdmin: return "admin";
    case Role::kAuditor: return "auditor";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kL1, Role::kL2, Role::kL3, Role::kManager, Role::kAdmin, Role::kAuditor}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kIngest: return "ingest";
    case Scope::kRead: return "read";
  }
  return "unknown";
}

std::optional<Scope> ParseScope(std::string_view name) {
  if (name == "ingest") return Scope::kIngest;
  if (name == "read") return Scope::kRead;
  return std::nullopt;
}

std::string Principal::ActorString() const {
  if (kind == Kind::kUser) return fmt::format("user:{}", name);
  return fmt::format("apikey:{}:{}", id, name);
}

bool Allows(const Principal& p, Permission perm) {
  if (p.kind == Principal::Kind::kApiKey) {
    auto has = [&](Scope s) { return std::find(p.scopes.begin(), p.scopes.end(), s) != p.scopes.end(); };
    switch (perm) {
      case Permission::kPostAlerts: return has(Scope::kIngest);
      case Permission::kRead: return has(Scope::kRead);
      default: return false;
    }
  }
  if (!p.role) return false;
  const Role r = *p.role;
  switch (perm) {
    case Permission::kPostAlerts: return false;
    case Permission::kRead: return true;
    case Permission::kTriage:
      return r == Role::kL1 || r == Role::kL2 || r == Role::kL3 || r == Role::kManager;
    case Permission::kEscalate: return r == Role::kL1 || r == Role::kL2 || r == Role::kManager;
    case Permission::kManageWorkflow: return r == Role::kManager || r == Role::kAdmin;
    case Permission::kManageUsers: return r == Role::kAdmin;
    case Permission::kReadAudit:
      return r == Role::kManager || r == Role::kAdmin || r == Role::kAuditor;
  }
  return false;
}

int MaxWorkTier(Role role) {
  switch (role) {
    case Role::kL1: return 1;
    case Role::kL2: return 2;
    case Role::kL3:
    case Role::kManager: return 3;
    default: return 0;
  }
}

}  // namespace wf::auth
