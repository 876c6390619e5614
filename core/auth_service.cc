#include "core/auth_service.h"

#include <fmt/format.h>

#include "core/json.h"
#include "core/log.h"

namespace wf::auth {

Status ValidateLogin(std::string_view login) {
  if (login.empty() || login.size() > 64) {
    return Status::Unprocessable("login must be 1 to 64 characters");
  }
  for (char c : login) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return Status::Unprocessable("login may contain only letters, digits and . _ - @");
  }
  return Status::Ok();
}

Status ValidatePassword(std::string_view password) {
  if (password.size() < 12) return Status::Unprocessable("password must be at least 12 characters");
  if (password.size() > 1024) return Status::Unprocessable("password must be at most 1024 bytes");
  return Status::Ok();
}

namespace {

Status ValidateName(std::string_view name) {
  if (name.empty() || name.size() > 200) return Status::Unprocessable("name must be 1 to 200 characters");
  return Status::Ok();
}

}  // namespace

AuthService::AuthService(Writer& writer, db::ReadPool& reads, const Clock& clock,
                         AuthOptions options)
    : writer_(writer), reads_(reads), clock_(clock), options_(options) {
  // Same cost as real hashes, of a random password nobody knows.
  auto h = crypto::HashPassword(crypto::RandomToken("dummy"), options_.password_cost);
  dummy_hash_ = h.ok() ? *h : std::string();
}

void AuthService::Login(const std::string& login, const std::string& password,
                        const audit::Context& ctx, std::function<void(Result<LoginResult>)> done) {
  const Status bad = Status::Unauthenticated("wrong login or password");
  std::optional<User> user;
  {
    auto lease = reads_.Acquire();
    if (!lease.ok()) return done(lease.status());
    auto found = GetUserForLogin(lease->db(), login);
    if (!found.ok() && found.status().code() != StatusCode::kNotFound) return done(found.status());
    // Always pay for one Argon2id verification, so the answer's timing does
    // not tell an unknown or disabled login from a wrong password.
    const std::string& hash = found.ok() ? found->second : dummy_hash_;
    bool match = crypto::VerifyPassword(password, hash);
    if (found.ok() && !found->first.disabled && match) user = found->first;
  }
  if (!user) {
    log::Event(log::Level::kWarn, "auth.login_failed",
               {{"login", login}, {"remote_addr", ctx.remote_addr}, {"request_id", ctx.request_id}});
    return done(bad);
  }
  std::string token = crypto::RandomToken(kSessionPrefix);
  std::string token_hash = crypto::Sha256Hex(token);
  int64_t now = clock_.NowMs();
  LoginResult result{token, now + options_.session_ttl_ms, *user};
  audit::Context actor_ctx = ctx;
  actor_ctx.actor = fmt::format("user:{}", user->login);
  SubmitForResult<LoginResult>(
      writer_,
      [result, token_hash, actor_ctx, now](db::Database& db) -> Result<LoginResult> {
        WF_RETURN_IF_ERROR(InsertSession(db, token_hash, result.user.id, now, result.expires_at));
        WF_RETURN_IF_ERROR(audit::Append(db, actor_ctx,
                                         {"auth.login", "user", std::to_string(result.user.id), "{}"},
                                         now));
        return result;
      },
      std::move(done));
}

void AuthService::Logout(const std::string& token, const audit::Context& ctx,
                         std::function<void(Status)> done) {
  std::string token_hash = crypto::Sha256Hex(token);
  int64_t now = clock_.NowMs();
  Status st = writer_.Submit(
      [token_hash, ctx, now](db::Database& db) -> Status {
        WF_RETURN_IF_ERROR(DeleteSession(db, token_hash));
        return audit::Append(db, ctx, {"auth.logout", "session", "", "{}"}, now);
      },
      done);
  if (!st.ok()) done(st);
}

Result<Principal> AuthService::Authenticate(std::string_view token) {
  if (token.empty()) return Status::Unauthenticated("credentials required");
  std::string hash = crypto::Sha256Hex(token);
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  Principal p;
  if (token.starts_with(kApiKeyPrefix)) {
    WF_ASSIGN_OR_RETURN(ApiKey key, LookupApiKey(lease.db(), hash));
    p.kind = Principal::Kind::kApiKey;
    p.id = key.id;
    p.name = key.name;
    p.scopes = key.scopes;
    return p;
  }
  if (token.starts_with(kSessionPrefix)) {
    WF_ASSIGN_OR_RETURN(User user, LookupSession(lease.db(), hash, clock_.NowMs()));
    p.kind = Principal::Kind::kUser;
    p.id = user.id;
    p.name = user.login;
    p.role = user.role;
    return p;
  }
  return Status::Unauthenticated("unrecognised credentials");
}

void AuthService::CreateUser(NewUser nu, const audit::Context& ctx,
                             std::function<void(Result<User>)> done) {
  if (Status st = ValidateLogin(nu.login); !st.ok()) return done(st);
  if (Status st = ValidateName(nu.name); !st.ok()) return done(st);
  if (Status st = ValidatePassword(nu.password); !st.ok()) return done(st);
  auto hash = crypto::HashPassword(nu.password, options_.password_cost);
  if (!hash.ok()) return done(hash.status());
  int64_t now = clock_.NowMs();
  User user;
  user.login = nu.login;
  user.name = nu.name;
  user.role = nu.role;
  user.created_at = user.updated_at = now;
  SubmitForResult<User>(
      writer_,
      [user, hash = *hash, ctx, now](db::Database& db) -> Result<User> {
        WF_ASSIGN_OR_RETURN(User created, InsertUser(db, user, hash));
        std::string details = json::Object({{"login", created.login},
                                            {"name", created.name},
                                            {"role", std::string(RoleName(created.role))}});
        WF_RETURN_IF_ERROR(audit::Append(
            db, ctx, {"user.create", "user", std::to_string(created.id), details}, now));
        return created;
      },
      std::move(done));
}

void AuthService::UpdateUser(int64_t id, UserPatch patch, const audit::Context& ctx,
                             std::function<void(Result<User>)> done) {
  if (patch.name) {
    if (Status st = ValidateName(*patch.name); !st.ok()) return done(st);
  }
  std::optional<std::string> hash;
  if (patch.password) {
    if (Status st = ValidatePassword(*patch.password); !st.ok()) return done(st);
    auto h = crypto::HashPassword(*patch.password, options_.password_cost);
    if (!h.ok()) return done(h.status());
    hash = *h;
  }
  int64_t now = clock_.NowMs();
  SubmitForResult<User>(
      writer_,
      [id, patch, hash, ctx, now](db::Database& db) -> Result<User> {
        WF_ASSIGN_OR_RETURN(User user, auth::GetUser(db, id));
        std::vector<std::pair<std::string, std::string>> changed;
        if (patch.name) {
          user.name = *patch.name;
          changed.emplace_back("name", *patch.name);
        }
        if (patch.role) {
          user.role = *patch.role;
          changed.emplace_back("role", std::string(RoleName(*patch.role)));
        }
        if (patch.disabled) {
          user.disabled = *patch.disabled;
          changed.emplace_back("disabled", *patch.disabled ? "true" : "false");
        }
        if (hash) changed.emplace_back("password", "changed");
        user.updated_at = now;
        WF_RETURN_IF_ERROR(auth::UpdateUser(db, user, hash));
        // A new password, a new role or a disabled account ends existing sessions.
        if (hash || patch.role || (patch.disabled && *patch.disabled)) {
          WF_RETURN_IF_ERROR(DeleteUserSessions(db, id));
        }
        WF_RETURN_IF_ERROR(audit::Append(
            db, ctx, {"user.update", "user", std::to_string(id), json::Object(changed)}, now));
        return user;
      },
      std::move(done));
}

Result<std::vector<User>> AuthService::ListUsers() {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return auth::ListUsers(lease.db());
}

Result<User> AuthService::GetUser(int64_t id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return auth::GetUser(lease.db(), id);
}

void AuthService::CreateApiKey(std::string name, std::vector<Scope> scopes,
                               std::optional<int64_t> created_by, const audit::Context& ctx,
                               std::function<void(Result<CreatedApiKey>)> done) {
  if (Status st = ValidateName(name); !st.ok()) return done(st);
  if (scopes.empty()) return done(Status::Unprocessable("scopes must name at least one scope"));
  std::string secret = crypto::RandomToken(kApiKeyPrefix);
  std::string hash = crypto::Sha256Hex(secret);
  int64_t now = clock_.NowMs();
  ApiKey key;
  key.name = std::move(name);
  key.prefix = secret.substr(0, kApiKeyPrefix.size() + 6);
  key.scopes = std::move(scopes);
  key.created_by = created_by;
  key.created_at = now;
  SubmitForResult<CreatedApiKey>(
      writer_,
      [key, hash, secret, ctx, now](db::Database& db) -> Result<CreatedApiKey> {
        WF_ASSIGN_OR_RETURN(ApiKey created, InsertApiKey(db, key, hash));
        std::string details = json::Object(
            {{"name", created.name}, {"prefix", created.prefix}, {"scopes", ScopesToString(created.scopes)}});
        WF_RETURN_IF_ERROR(audit::Append(
            db, ctx, {"apikey.create", "api_key", std::to_string(created.id), details}, now));
        return CreatedApiKey{created, secret};
      },
      std::move(done));
}

void AuthService::RevokeApiKey(int64_t id, const audit::Context& ctx,
                               std::function<void(Status)> done) {
  int64_t now = clock_.NowMs();
  Status st = writer_.Submit(
      [id, ctx, now](db::Database& db) -> Status {
        WF_RETURN_IF_ERROR(auth::RevokeApiKey(db, id, now));
        return audit::Append(db, ctx, {"apikey.revoke", "api_key", std::to_string(id), "{}"}, now);
      },
      done);
  if (!st.ok()) done(st);
}

Result<std::vector<ApiKey>> AuthService::ListApiKeys() {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return auth::ListApiKeys(lease.db());
}

}  // namespace wf::auth
