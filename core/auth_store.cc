#include "core/auth_store.h"

#include <fmt/format.h>

namespace wf::auth {

namespace {


constexpr char kInsertUserSql[] =
    "INSERT INTO users (login, name, role, password_hash, disabled, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kGetUserSql[] =
    "SELECT id, login, name, role, disabled, created_at, updated_at FROM users WHERE id = ?";
constexpr char kGetUserForLoginSql[] =
    "SELECT id, login, name, role, disabled, created_at, updated_at, password_hash FROM users "
    "WHERE login = ?";
constexpr char kListUsersSql[] =
    "SELECT id, login, name, role, disabled, created_at, updated_at FROM users ORDER BY id";
constexpr char kUpdateUserSql[] =
    "UPDATE users SET name = ?, role = ?, disabled = ?, updated_at = ?, "
    "password_hash = COALESCE(?, password_hash) WHERE id = ?";
constexpr char kCountUsersSql[] = "SELECT COUNT(*) FROM users";

constexpr char kInsertSessionSql[] =
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)";
constexpr char kLookupSessionSql[] =
    "SELECT u.id, u.login, u.name, u.role, u.disabled, u.created_at, u.updated_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0";
constexpr char kDeleteSessionSql[] = "DELETE FROM sessions WHERE token_hash = ?";
constexpr char kDeleteUserSessionsSql[] = "DELETE FROM sessions WHERE user_id = ?";

constexpr char kInsertApiKeySql[] =
    "INSERT INTO api_keys (name, key_hash, key_prefix, scopes, created_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr char kListApiKeysSql[] =
    "SELECT id, name, key_prefix, scopes, created_by, created_at, revoked_at FROM api_keys "
    "ORDER BY id";
constexpr char kRevokeApiKeySql[] =
    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
constexpr char kApiKeyExistsSql[] = "SELECT 1 FROM api_keys WHERE id = ?";
constexpr char kLookupApiKeySql[] =
    "SELECT id, name, key_prefix, scopes, created_by, created_at, revoked_at FROM api_keys "
    "WHERE key_hash = ? AND revoked_at IS NULL";

User ReadUser(const db::Statement& st) {
  User u;
  u.id = st.Int64(0);
  u.login = st.Text(1);
  u.name = st.Text(2);
  u.role = ParseRole(st.Text(3)).value_or(Role::kAuditor);
  u.disabled = st.Int64(4) != 0;
  u.created_at = st.Int64(5);
  u.updated_at = st.Int64(6);
  return u;
}

std::vector<Scope> ParseScopes(const std::string& text) {
  std::vector<Scope> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (auto s = ParseScope(std::string_view(text).substr(start, end - start))) out.push_back(*s);
    start = end + 1;
  }
  return out;
}

ApiKey ReadApiKey(const db::Statement& st) {
  ApiKey k;
  k.id = st.Int64(0);
  k.name = st.Text(1);
  k.prefix = st.Text(2);
  k.scopes = ParseScopes(st.Text(3));
  k.created_by = st.OptInt64(4);
  k.created_at = st.Int64(5);
  k.revoked_at = st.OptInt64(6);
  return k;
}

}  // namespace

std::string ScopesToString(const std::vector<Scope>& scopes) {
  std::string out;
  for (Scope s : scopes) {
    if (!out.empty()) out += ',';
    out += ScopeName(s);
  }
  return out;
}

Result<User> InsertUser(db::Database& db, const User& user, const std::string& password_hash) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertUserSql));
  st->BindAll(user.login, user.name, std::string(RoleName(user.role)), password_hash,
              user.disabled, user.created_at, user.updated_at);
  Status s = st->Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists(fmt::format("login '{}' is already taken", user.login));
  }
  WF_RETURN_IF_ERROR(s);
  User out = user;
  out.id = db.LastInsertRowId();
  return out;
}

Result<User> GetUser(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetUserSql));
  st->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no user with id {}", id));
  return ReadUser(*st);
}

Result<std::pair<User, std::string>> GetUserForLogin(db::Database& db, const std::string& login) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetUserForLoginSql));
  st->Bind(1, login);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no such login");
  return std::make_pair(ReadUser(*st), st->Text(7));
}

Result<std::vector<User>> ListUsers(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListUsersSql));
  std::vector<User> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadUser(*st));
  }
  return out;
}

Status UpdateUser(db::Database& db, const User& user,
                  const std::optional<std::string>& password_hash) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kUpdateUserSql));
  st->BindAll(user.name, std::string(RoleName(user.role)), user.disabled, user.updated_at,
              password_hash, user.id);
  WF_RETURN_IF_ERROR(st->Run());
  if (db.Changes() == 0) return Status::NotFound(fmt::format("no user with id {}", user.id));
  return Status::Ok();
}

Result<int64_t> CountUsers(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kCountUsersSql));
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int64(0) : 0;
}

Status InsertSession(db::Database& db, const std::string& token_hash, int64_t user_id,
                     int64_t now_ms, int64_t expires_at_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertSessionSql));
  st->BindAll(token_hash, user_id, now_ms, expires_at_ms);
  return st->Run();
}

Result<User> LookupSession(db::Database& db, const std::string& token_hash, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kLookupSessionSql));
  st->BindAll(token_hash, now_ms);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::Unauthenticated("session is invalid or expired");
  return ReadUser(*st);
}

Status DeleteSession(db::Database& db, const std::string& token_hash) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kDeleteSessionSql));
  st->Bind(1, token_hash);
  return st->Run();
}

Status DeleteUserSessions(db::Database& db, int64_t user_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kDeleteUserSessionsSql));
  st->Bind(1, user_id);
  return st->Run();
}

Result<ApiKey> InsertApiKey(db::Database& db, const ApiKey& key, const std::string& key_hash) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertApiKeySql));
  st->BindAll(key.name, key_hash, key.prefix, ScopesToString(key.scopes), key.created_by,
              key.created_at);
  WF_RETURN_IF_ERROR(st->Run());
  ApiKey out = key;
  out.id = db.LastInsertRowId();
  return out;
}

Result<std::vector<ApiKey>> ListApiKeys(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListApiKeysSql));
  std::vector<ApiKey> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back(ReadApiKey(*st));
  }
  return out;
}

Status RevokeApiKey(db::Database& db, int64_t id, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * exists, db.Cached(kApiKeyExistsSql));
  exists->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, exists->Step());
  exists->Reset();
  if (!row) return Status::NotFound(fmt::format("no API key with id {}", id));
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kRevokeApiKeySql));
  st->BindAll(now_ms, id);
  WF_RETURN_IF_ERROR(st->Run());
  if (db.Changes() == 0) return Status::FailedPrecondition(fmt::format("API key {} is already revoked", id));
  return Status::Ok();
}

Result<ApiKey> LookupApiKey(db::Database& db, const std::string& key_hash) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kLookupApiKeySql));
  st->Bind(1, key_hash);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::Unauthenticated("API key is invalid or revoked");
  return ReadApiKey(*st);
}

}  // namespace wf::auth
