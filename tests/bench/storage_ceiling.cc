#include "tests/bench/storage_ceiling.h"

#include <vector>

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/migrations.h"
#include "core/sqlite.h"
#include "ingest/alert_service.h"
#include "ingest/formats/registry.h"

namespace wf::bench {

namespace {

struct Delivery {
  std::vector<ingest::NormalizedAlert> alerts;
  ingest::DeliveryMeta meta;
};

}  // namespace

std::vector<ingest::routing::Rule> BenchRules(int n) {
  std::vector<ingest::routing::Rule> out;
  for (int i = 0; i < n; ++i) {
    ingest::routing::Rule r;
    r.id = i + 1;
    r.name = fmt::format("bench rule {}", i + 1);
    if (i == n - 1) {
      r.when_json = R"({"all":[]})";
      r.then_json = R"([{"add_tags":"routed"}])";
    } else {
      switch (i % 5) {
        case 0:
          r.when_json = fmt::format(R"({{"rule_name":{{"regex":"^vendor-{}-[a-z]+$"}}}})", i);
          r.then_json = R"([{"add_tags":["vendor"]}])";
          break;
        case 1:
          r.when_json = fmt::format(R"({{"text_contains":["needle-{}","mimikatz-{}"]}})", i, i);
          r.then_json = R"([{"set_severity":"critical"}])";
          break;
        case 2:
          r.when_json = fmt::format(
              R"({{"all":[{{"source":{{"prefix":"dc-{}"}}}},{{"severity_at_least":"high"}}]}})", i);
          r.then_json = R"([{"assign_tier":"L2"}])";
          break;
        case 3:
          r.when_json = fmt::format(R"({{"any":[{{"tag":"team-{}"}},{{"observable_type":"registry"}}]}})", i);
          r.then_json = R"([{"add_tags":"team"}])";
          break;
        default:
          r.when_json = fmt::format(R"({{"not":{{"any":[{{"severity_at_most":"critical"}},{{"format":"x-{}"}}]}}}})", i);
          r.then_json = R"([{"ignore":"never"}])";
          break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<StorageCeilingResult> RunStorageCeiling(const StorageCeilingOptions& options,
                                               const BodySource& next_body) {
  WF_ASSIGN_OR_RETURN(auto db, db::Database::Open(options.db_path));
  WF_RETURN_IF_ERROR(db::Migrate(*db, db::SchemaMigrations()));
  const ingest::AlertOptions alert_options;
  StorageCeilingResult result;
  std::shared_ptr<const ingest::routing::RuleSet> rules = ingest::routing::RuleSet::Empty();
  if (options.rules > 0) {
    WF_ASSIGN_OR_RETURN(rules, ingest::routing::RuleSet::Compile(BenchRules(options.rules)));
  }
  ingest::RoutingContext routing{rules.get(), nullptr};
  const auto budget = std::chrono::duration_cast<std::chrono::nanoseconds>(options.duration);
  std::chrono::nanoseconds spent{0};
  // The server's clock advances too: one millisecond per batch keeps time moving.
  int64_t now_ms = 1795424400000;
  std::vector<Delivery> batch;
  for (;;) {
    if (options.count > 0 ? result.alerts >= options.count : spent >= budget) {
      break;
    }
    size_t size = options.batch;
    if (options.count > 0) {
      size = static_cast<size_t>(
          std::min<int64_t>(static_cast<int64_t>(size), options.count - result.alerts));
    }
    batch.clear();
    size_t alerts_in_batch = 0;
    while (batch.size() < size) {
      std::string body = next_body();
      auto parsed = ingest::ParseBody("generic", body);
      if (!parsed.ok()) {
        return Status::Internal(
            fmt::format("a generated body does not parse: {}", parsed.status().ToString()));
      }
      Delivery d;
      d.alerts = std::move(parsed->alerts);
      d.meta.remote_addr = "127.0.0.1";
      d.meta.api_key_id = 1;
      d.meta.actor = "apikey:1:bench";
      d.meta.payload_sha256 = crypto::Sha256Hex(body);
      d.meta.bytes = static_cast<int64_t>(body.size());
      alerts_in_batch += d.alerts.size();
      batch.push_back(std::move(d));
    }
    ++now_ms;
    const auto started = std::chrono::steady_clock::now();
    {
      db::Transaction tx(*db);
      WF_RETURN_IF_ERROR(tx.Begin());
      for (const Delivery& d : batch) {
        for (const auto& alert : d.alerts) {
          WF_ASSIGN_OR_RETURN(ingest::IngestResult r,
                              ingest::StoreAlert(*db, alert, d.meta, alert_options, now_ms, routing));
          (r.created ? result.created : result.duplicates) += 1;
        }
      }
      WF_RETURN_IF_ERROR(ingest::IndexNewAlerts(*db));
      WF_RETURN_IF_ERROR(tx.Commit());
    }
    const auto took = std::chrono::steady_clock::now() - started;
    spent += took;
    result.alerts += static_cast<int64_t>(alerts_in_batch);
    ++result.batches;
    result.latency.AddRepeated(took, alerts_in_batch);
  }
  result.seconds = std::chrono::duration<double>(spent).count();
  return result;
}

}  // namespace wf::bench
