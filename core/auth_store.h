// SQL for users, sessions and API keys (tables owned by core). Secrets are
// stored only as hashes: Argon2id for passwords, SHA-256 for random tokens.
// Functions take the connection explicitly; writes run on the writer thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/roles.h"
#include "core/sqlite.h"

namespace wf::auth {

struct User {
  int64_t id = 0;
  std::string login;
  std::string name;
  Role role = Role::kL1;
  bool disabled = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct ApiKey {
  int64_t id = 0;
  std::string name;
  std::string prefix;  // first characters of the key, to recognise it in lists
  std::vector<Scope> scopes;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
};

// AlreadyExists when the login is taken (case-insensitive).
Result<User> InsertUser(db::Database& db, const User& user, const std::string& password_hash);
Result<User> GetUser(db::Database& db, int64_t id);  // NotFound
// The user and its password hash, by login; NotFound.
Result<std::pair<User, std::string>> GetUserForLogin(db::Database& db, const std::string& login);
Result<std::vector<User>> ListUsers(db::Database& db);
// Writes every field of `user` (by id); `password_hash` only when given.
Status UpdateUser(db::Database& db, const User& user, const std::optional<std::string>& password_hash);
Result<int64_t> CountUsers(db::Database& db);

Status InsertSession(db::Database& db, const std::string& token_hash, int64_t user_id,
                     int64_t now_ms, int64_t expires_at_ms);
// The session's user when the session exists, has not expired and the user
// is enabled; Unauthenticated otherwise.
Result<User> LookupSession(db::Database& db, const std::string& token_hash, int64_t now_ms);
Status DeleteSession(db::Database& db, const std::string& token_hash);
Status DeleteUserSessions(db::Database& db, int64_t user_id);

Result<ApiKey> InsertApiKey(db::Database& db, const ApiKey& key, const std::string& key_hash);
Result<std::vector<ApiKey>> ListApiKeys(db::Database& db);
// NotFound for an unknown id; FailedPrecondition when already revoked.
Status RevokeApiKey(db::Database& db, int64_t id, int64_t now_ms);
// An unrevoked key by the hash of its secret; Unauthenticated otherwise.
Result<ApiKey> LookupApiKey(db::Database& db, const std::string& key_hash);

std::string ScopesToString(const std::vector<Scope>& scopes);  // "ingest,read"

}  // namespace wf::auth
