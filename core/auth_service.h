// AuthService: logins and sessions, users and API keys (SPEC 6). Validates,
// hashes secrets, and writes through the Writer with an audit record in the
// same transaction. Secrets (passwords, tokens, keys) never reach the log or
// the database in clear; a new API key's secret is returned once.
//
// Thread safety: all methods may be called from any thread. Asynchronous
// methods call their callback exactly once, on the writer thread (or inline
// when the input is rejected before any write).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/audit.h"
#include "core/auth_store.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/read_pool.h"
#include "core/roles.h"
#include "core/writer.h"

namespace wf::auth {

struct AuthOptions {
  int64_t session_ttl_ms = 12LL * 3600 * 1000;
  crypto::PasswordHashCost password_cost;
};

struct NewUser {
  std::string login, name, password;
  Role role = Role::kL1;
};

struct UserPatch {
  std::optional<std::string> name, password;
  std::optional<Role> role;
  std::optional<bool> disabled;
};

struct LoginResult {
  std::string token;  // shown once
  int64_t expires_at = 0;
  User user;
};

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // shown once
};

// Token prefixes tell a session from an API key at a glance (and in leak scanners).
inline constexpr std::string_view kSessionPrefix = "wfs_";
inline constexpr std::string_view kApiKeyPrefix = "wfk_";

// Rules for logins (1–64 of [A-Za-z0-9._@-]) and passwords (12–1024 bytes).
Status ValidateLogin(std::string_view login);
Status ValidatePassword(std::string_view password);

class AuthService {
 public:
  AuthService(Writer& writer, db::ReadPool& reads, const Clock& clock, AuthOptions options = {});

  // Unauthenticated on a wrong login or password (same message for both).
  void Login(const std::string& login, const std::string& password, const audit::Context& ctx,
             std::function<void(Result<LoginResult>)> done);
  void Logout(const std::string& token, const audit::Context& ctx,
              std::function<void(Status)> done);

  // Resolves a bearer token or API key to a principal; Unauthenticated when
  // unknown, expired, revoked or disabled.
  Result<Principal> Authenticate(std::string_view token);

  void CreateUser(NewUser user, const audit::Context& ctx, std::function<void(Result<User>)> done);
  void UpdateUser(int64_t id, UserPatch patch, const audit::Context& ctx,
                  std::function<void(Result<User>)> done);
  Result<std::vector<User>> ListUsers();
  Result<User> GetUser(int64_t id);

  void CreateApiKey(std::string name, std::vector<Scope> scopes, std::optional<int64_t> created_by,
                    const audit::Context& ctx, std::function<void(Result<CreatedApiKey>)> done);
  void RevokeApiKey(int64_t id, const audit::Context& ctx, std::function<void(Status)> done);
  Result<std::vector<ApiKey>> ListApiKeys();

 private:
  Writer& writer_;
  db::ReadPool& reads_;
  const Clock& clock_;
  AuthOptions options_;
  std::string dummy_hash_;  // verified against for unknown logins (constant timing)
};

}  // namespace wf::auth
