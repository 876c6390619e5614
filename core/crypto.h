// Hashing, randomness and password hashing (OpenSSL and libsodium behind one
// header). All functions are thread-safe once InitCrypto() has run.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace wf::crypto {

// Initialises libsodium; call once at start-up (idempotent).
Status InitCrypto();

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// `n` cryptographically random bytes.
std::string RandomBytes(size_t n);

// A random secret token: `prefix` + 43 characters of base64url (256 bits).
std::string RandomToken(std::string_view prefix);

// Equal in time independent of where the inputs differ (lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string HexEncode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);

struct PasswordHashCost {
  unsigned long long ops = 2;                 // Argon2id passes (libsodium "interactive")
  size_t mem_bytes = 64ull * 1024 * 1024;     // 64 MiB
};

// Argon2id (libsodium crypto_pwhash_str), self-describing PHC string.
Result<std::string> HashPassword(std::string_view password, PasswordHashCost cost = {});
// True when `password` matches `stored`; false on mismatch or a malformed hash.
bool VerifyPassword(std::string_view password, const std::string& stored);

}  // namespace wf::crypto
