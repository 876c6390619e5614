// The audit trail (SPEC 3 audit_log): append-only records chained by SHA-256,
// each written in the same transaction as the change it records. Verifiable
// offline (watchfloor audit verify) and through the API.
//
// Functions take the connection explicitly; Append must run on the writer
// thread inside the caller's transaction. Thread safety: that of the Database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite.h"

namespace wf::audit {

// Who did it, from where, in which request: carried from the HTTP edge (or
// the CLI) into every service call that changes something.
struct Context {
  std::string actor;        // Principal::ActorString(), or "cli:<user>" / "system"
  std::string request_id;   // X-Request-Id, or "cli"
  std::string remote_addr;  // peer address, or "local"
};

struct Entry {
  std::string action;       // "user.create", "alert.update", ...
  std::string object_type;  // "user", "alert", ...
  std::string object_id;
  std::string details_json = "{}";  // a JSON object; never secrets
};

struct Record {
  int64_t seq = 0;
  int64_t time = 0;
  std::string actor, action, object_type, object_id, request_id, remote_addr, details_json;
  std::string prev_hash, hash;
};

// The hash of a record given its predecessor's hash (exposed for tests and
// offline verification tools).
std::string ComputeHash(const Record& record);

// Appends one record at `now_ms`, chained to the newest one.
Status Append(db::Database& db, const Context& ctx, const Entry& entry, int64_t now_ms);

struct Query {
  std::optional<std::string> actor, action, object_type, object_id;
  std::optional<int64_t> since, until;   // ms, inclusive / exclusive
  std::optional<int64_t> before_seq;     // cursor: records with seq below this
  int limit = 100;
};

// Newest first.
Result<std::vector<Record>> List(db::Database& db, const Query& query);

struct Verification {
  bool ok = true;
  int64_t checked = 0;
  std::optional<int64_t> first_broken_seq;
  std::string reason;     // why that link is broken
  std::string head_hash;  // hash of the newest record ("" when empty)
};

// Walks the whole chain in order and reports the first broken link: a hash
// that does not match the record, a prev_hash that does not match the
// predecessor, or a gap in seq.
Result<Verification> Verify(db::Database& db);

}  // namespace wf::audit
