#include "observables/observable_service.h"

#include <fmt/format.h>

#include "core/json.h"
#include "core/vocabulary.h"

namespace wf::observables {

ObservableService::ObservableService(Writer& writer, db::ReadPool& reads, const Clock& clock)
    : writer_(writer), reads_(reads), clock_(clock) {}

Result<std::vector<ObservableRecord>> ObservableService::List(ObservableFilter filter) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return ListObservables(lease.db(), filter);
}

Result<ObservableDetail> ObservableService::Get(int64_t id, int link_limit) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  ObservableDetail d;
  WF_ASSIGN_OR_RETURN(d.record, GetObservable(lease.db(), id));
  WF_ASSIGN_OR_RETURN(d.links, LinksOf(lease.db(), id, link_limit));
  WF_ASSIGN_OR_RETURN(auto counts, LinkCounts(lease.db(), id));
  d.alert_count = counts.first;
  d.case_count = counts.second;
  return d;
}

Result<LookupResult> ObservableService::Lookup(const std::string& value,
                                               std::optional<ObservableType> type) {
  LookupResult r;
  auto norm = type ? Normalize(*type, value) : DetectAndNormalize(value);
  if (!norm.ok()) return Status::Unprocessable(norm.status().message());
  r.normalized = *norm;
  std::optional<ObservableRecord> found;
  {
    WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
    WF_ASSIGN_OR_RETURN(found, FindObservable(lease.db(), norm->type, norm->value));
  }
  if (found) {
    WF_ASSIGN_OR_RETURN(auto d, Get(found->id));
    r.seen = std::move(d);
  }
  return r;
}

void ObservableService::Update(int64_t id, ObservablePatch patch, const audit::Context& ctx,
                               std::function<void(Result<ObservableRecord>)> done) {
  if (patch.tlp && !ParseTlp(*patch.tlp)) {
    return done(Status::Unprocessable("tlp must be clear, green, amber, amber+strict or red"));
  }
  if (patch.tags) {
    if (patch.tags->size() > 100) return done(Status::Unprocessable("at most 100 tags"));
    for (const auto& t : *patch.tags) {
      if (t.empty() || t.size() > 128) return done(Status::Unprocessable("tags must be 1 to 128 bytes"));
    }
  }
  const Clock* clock = &clock_;
  SubmitForResult<ObservableRecord>(
      writer_,
      [id, patch, ctx, clock](db::Database& db) -> Result<ObservableRecord> {
        WF_ASSIGN_OR_RETURN(ObservableRecord o, GetObservable(db, id));
        std::vector<std::pair<std::string, std::string>> changes;
        if (patch.ioc && *patch.ioc != o.ioc) {
          o.ioc = *patch.ioc;
          changes.emplace_back("ioc", o.ioc ? "true" : "false");
        }
        if (patch.sighted && *patch.sighted != o.sighted) {
          o.sighted = *patch.sighted;
          changes.emplace_back("sighted", o.sighted ? "true" : "false");
        }
        if (patch.tlp) {
          std::string tlp(TlpName(*ParseTlp(*patch.tlp)));
          if (tlp != o.tlp) {
            o.tlp = tlp;
            changes.emplace_back("tlp", tlp);
          }
        }
        if (patch.tags) {
          o.tags_json = json::StringArray(*patch.tags);
          changes.emplace_back("tags", o.tags_json);
        }
        WF_RETURN_IF_ERROR(UpdateObservable(db, o));
        changes.emplace_back("value", fmt::format("{}:{}", ObservableTypeName(o.type), o.value));
        WF_RETURN_IF_ERROR(audit::Append(
            db, ctx, {"observable.update", "observable", std::to_string(id), json::Object(changes)},
            clock->NowMs()));
        return o;
      },
      std::move(done));
}

Result<std::vector<Related>> ObservableService::RelatedTo(const std::string& object_type,
                                                          int64_t object_id, int limit) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return observables::RelatedTo(lease.db(), object_type, object_id, limit);
}

}  // namespace wf::observables
