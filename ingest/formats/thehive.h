// TheHive's alert API bodies (POST /api/alert for TheHive 3/4 with
// `artifacts[]`, POST /api/v1/alert for TheHive 5 with `observables[]`), so
// integrations written for TheHive (ElastAlert2's hivealerter, thehive4py
// scripts, Wazuh/Splunk TheHive apps) work by changing only the URL and key.
// Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/alert.h"

namespace wf::ingest {

enum class TheHiveApi { kV0, kV1 };

// One alert. `severity` 1–4; `tlp` 0–3 (v1: 0–4, with 3 amber+strict);
// `pap` 0–3; `date` epoch ms; `artifacts`/`observables` with `dataType` and
// `data` (a string, or in v0 an array of strings). Required: title, type,
// source (TheHive requires sourceRef too; we accept its absence). The
// dedup key is source + type + title + the sorted observables, because
// senders commonly randomise sourceRef on every run; sourceRef is kept as
// source_ref. Unknown dataTypes become `other`.
Result<NormalizedAlert> ParseTheHiveAlert(std::string_view body, TheHiveApi api);

}  // namespace wf::ingest
