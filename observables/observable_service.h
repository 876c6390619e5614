// ObservableService: platform-wide correlation ("where else have we seen
// 203.0.113.7?"), lookups, IOC marking and related objects. Reads use the read
// pool; changes go through the writer with an audit record.
// Thread safety: all methods may be called from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/read_pool.h"
#include "core/writer.h"
#include "observables/normalize.h"
#include "observables/observable_store.h"

namespace wf::observables {

struct ObservableDetail {
  ObservableRecord record;
  std::vector<Link> links;  // newest first, bounded
  int64_t alert_count = 0, case_count = 0;
};

struct LookupResult {
  NormalizedObservable normalized;     // detected type and canonical value
  std::optional<ObservableDetail> seen;  // nullopt: never seen here
};

struct ObservablePatch {
  std::optional<bool> ioc, sighted;
  std::optional<std::string> tlp;
  std::optional<std::vector<std::string>> tags;
};

class ObservableService {
 public:
  ObservableService(Writer& writer, db::ReadPool& reads, const Clock& clock);

  Result<std::vector<ObservableRecord>> List(ObservableFilter filter);
  Result<ObservableDetail> Get(int64_t id, int link_limit = 200);
  // Detects the type of a bare value (or uses `type`), normalises it and says
  // where it was seen. Unprocessable when the value is not valid.
  Result<LookupResult> Lookup(const std::string& value, std::optional<ObservableType> type);
  void Update(int64_t id, ObservablePatch patch, const audit::Context& ctx,
              std::function<void(Result<ObservableRecord>)> done);
  Result<std::vector<Related>> RelatedTo(const std::string& object_type, int64_t object_id, int limit);

 private:
  Writer& writer_;
  db::ReadPool& reads_;
  const Clock& clock_;
};

}  // namespace wf::observables
