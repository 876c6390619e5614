// SQL for observables and observable_links (tables owned by this module):
// one row per (type, normalised value) platform-wide, linked to every alert
// and case it was seen in. Functions take the connection explicitly; writes
// run on the writer thread inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
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

struct ObservableFilter {
  std::optional<ObservableType> type;
  std::optional<std::string> value;  // exact, normalised
  std::optional<bool> ioc;
  std::optional<std::string> tag;
  std::optional<int64_t> before_id;
  int limit = 50;
};

struct Link {
  std::string object_type;  // "alert" or "case"
  int64_t object_id = 0;
  int64_t created_at = 0;
  std::string created_by;
};

// An object sharing observables with another, for "related" lists.
struct Related {
  std::string object_type;
  int64_t object_id = 0;
  int64_t shared = 0;       // observables in common
  int64_t shared_iocs = 0;  // of which marked IOC
};

// Newest first.
Result<std::vector<ObservableRecord>> ListObservables(db::Database& db, const ObservableFilter& f);
Result<ObservableRecord> GetObservable(db::Database& db, int64_t id);  // NotFound
Result<std::optional<ObservableRecord>> FindObservable(db::Database& db, ObservableType type,
                                                       const std::string& value);
// Every alert and case the observable was seen in, newest first, at most `limit`.
Result<std::vector<Link>> LinksOf(db::Database& db, int64_t observable_id, int limit);
// How many alerts and cases link it.
Result<std::pair<int64_t, int64_t>> LinkCounts(db::Database& db, int64_t observable_id);
// Writes ioc, sighted, tlp and tags of `o` (by id).
Status UpdateObservable(db::Database& db, const ObservableRecord& o);
// Objects sharing observables with (object_type, object_id), ranked by shared
// IOCs then shared observables. Observables linked to more than
// `max_fanout` objects are skipped (a shared DNS server relates everything).
Result<std::vector<Related>> RelatedTo(db::Database& db, std::string_view object_type,
                                       int64_t object_id, int limit, int max_fanout = 1000);

// Observables linked to one object, ordered by type then value.
Result<std::vector<ObservableRecord>> ListForObject(db::Database& db, std::string_view object_type,
                                                    int64_t object_id);

}  // namespace wf::observables
