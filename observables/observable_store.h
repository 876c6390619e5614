// SQL for observables and observable_links (tables owned by this module):
// one row per (type, normalised value) platform-wide, linked to every alert
// and case it was seen in. Functions take the connection explicitly; writes
// run on the writer thread inside the caller's transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/sqlite.h"
#include "observables/observable_type.h"

namespace wf::observables {

struct ObservableRecord {
  int64_t id = 0;
  ObservableType type = ObservableType::kOther;
  std::string value;
  bool ioc = false;
  bool sighted = false;
  std::string tlp = "amber";
  std::string tags_json = "[]";
  int64_t first_seen = 0;
  int64_t last_seen = 0;
};

struct LinkResult {
  int64_t observable_id = 0;
  bool new_observable = false;  // first time this (type, value) was seen anywhere
  bool new_link = false;        // first time on this object
};

// Records that (type, value) — already normalised — was seen on the object
// ("alert" or "case") at `now_ms`: creates the observable or refreshes its
// last_seen (and sets ioc when `ioc`), then links it. Idempotent per object.
Result<LinkResult> UpsertAndLink(db::Database& db, ObservableType type, std::string_view value,
                                 bool ioc, std::string_view object_type, int64_t object_id,
                                 std::string_view created_by, int64_t now_ms);

// Links every observable of one object to another (alert → case on promote
// and merge); returns how many links were new.
Result<int64_t> CopyLinks(db::Database& db, std::string_view from_type, int64_t from_id,
                          std::string_view to_type, int64_t to_id, std::string_view created_by,
                          int64_t now_ms);

// Observables linked to one object, ordered by type then value.
Result<std::vector<ObservableRecord>> ListForObject(db::Database& db, std::string_view object_type,
                                                    int64_t object_id);

}  // namespace wf::observables
