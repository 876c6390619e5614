// libFuzzer target for one sender format (chosen at compile time by
// WF_FUZZ_FORMAT, e.g. "wazuh"): any bytes in, no crash, no sanitizer report,
// and every alert that comes out satisfies the invariants the store relies on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/fingerprint.h"
#include "ingest/formats/registry.h"
#include "observables/normalize.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = wf::ingest::ParseBody(WF_FUZZ_FORMAT, body);
  if (!parsed.ok()) {
    // Rejections are client errors, never internal ones.
    Check(parsed.status().code() != wf::StatusCode::kInternal);
    return 0;
  }
  for (const auto& a : parsed->alerts) {
    Check(!a.source_kind.empty());
    Check(wf::ingest::ComputeFingerprint(a).size() == 64);
    for (const auto& o : a.observables) {
      // Every stored value is canonical: it normalises to itself.
      auto again = wf::observables::Normalize(o.type, o.value);
      Check(again.ok() && again->value == o.value);
    }
  }
  return 0;
}
