// libFuzzer target over extraction and normalisation (issue 5): any bytes in,
// no crash, and every extracted or normalised value re-normalises to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "observables/extract.h"
#include "observables/normalize.h"
#include "observables/refang.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& e : wf::observables::ExtractFromText(text)) {
    auto again = wf::observables::Normalize(e.observable.type, e.observable.value);
    if (!again.ok() || again->value != e.observable.value) std::abort();
  }
  auto detected = wf::observables::DetectAndNormalize(text);
  if (detected.ok()) {
    auto again = wf::observables::Normalize(detected->type, detected->value);
    if (!again.ok() || again->value != detected->value) std::abort();
  }
  (void)wf::observables::Refang(text);
  return 0;
}
