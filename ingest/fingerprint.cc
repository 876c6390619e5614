#include "ingest/fingerprint.h"

#include <algorithm>

#include "core/crypto.h"

namespace wf::ingest {

namespace {
void Add(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}
}  // namespace

std::string ComputeFingerprint(const NormalizedAlert& a) {
  std::string buf;
  Add(buf, a.source_kind);
  Add(buf, a.source);
  if (!a.dedup_key.empty()) {
    Add(buf, "key");
    Add(buf, a.dedup_key);
  } else if (!a.source_ref.empty()) {
    Add(buf, "ref");
    Add(buf, a.source_ref);
  } else {
    // No identity from the sender: the same rule firing on the same things.
    Add(buf, "derived");
    Add(buf, a.rule_name.empty() ? a.title : a.rule_name);
    std::vector<std::string> keys;
    keys.reserve(a.observables.size());
    for (const auto& o : a.observables) {
      keys.push_back(std::string(observables::ObservableTypeName(o.type)) + "=" + o.value);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& k : keys) Add(buf, k);
  }
  return crypto::Sha256Hex(buf);
}

}  // namespace wf::ingest
