// AlertFactory: the alerts every ingest benchmark path sends, as bodies of the
// generic format (docs/ingest.md). Realistic rather than random: a dozen
// detection rules, about 1.5 KB per body (description, tags, a raw event),
// 3 to 5 observables of which a few are hot (the DNS server, a scanner, the
// identity provider), some warm (2,000 workstations, 500 users) and most rare
// (public addresses, file hashes). A share of the bodies (30 % by default)
// re-send an earlier alert's source_ref: duplicates that the server folds into
// the existing alert; a few of those (5 %) bring a new tag, which the server
// merges into the alert's tags.
//
// Deterministic: the same options give the same sequence of bodies, so the
// HTTP path and the storage ceiling see exactly the same alerts.
// Not synchronised: one factory per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wf::bench {

struct AlertFactoryOptions {
  uint64_t seed = 1;
  double duplicate_ratio = 0.30;  // share of bodies that re-send an earlier alert
  size_t body_bytes = 1536;       // approximate size of each body
  // Duplicates pick among the most recent distinct alerts (they re-fire soon,
  // well inside the 24 h deduplication window).
  size_t duplicate_horizon = 10000;
  // Share of duplicates that carry a tag the alert did not have yet (a sender
  // re-scoring or re-labelling a re-fired alert): the server merges it in.
  double duplicate_new_tag_ratio = 0.05;
  int64_t base_time_ms = 1795424400000;  // 2026-11-23T09:00:00Z
};

struct GeneratedAlert {
  std::string body;
  bool duplicate = false;
  uint64_t alert = 0;  // which distinct alert this body is (0, 1, 2, ...)
};

class AlertFactory {
 public:
  explicit AlertFactory(AlertFactoryOptions options = {});

  GeneratedAlert Next();

  uint64_t produced() const { return produced_; }
  uint64_t distinct() const { return distinct_; }

 private:
  std::string Body(uint64_t alert, uint64_t delivery, bool new_tag) const;

  AlertFactoryOptions options_;
  uint64_t state_;
  uint64_t produced_ = 0;
  uint64_t distinct_ = 0;
};

}  // namespace wf::bench
