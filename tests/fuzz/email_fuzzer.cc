// libFuzzer target for the email channel's parser (ingest/formats/email.h):
// any bytes in, no crash, no sanitizer report, and every alert that comes out
// satisfies what the store and the evidence store rely on: valid UTF-8 text,
// canonical observables, attachments whose SHA-256 and size match their bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/crypto.h"
#include "core/json.h"
#include "ingest/fingerprint.h"
#include "ingest/formats/email.h"
#include "observables/normalize.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = wf::ingest::ParseEmail(body);
  if (!parsed.ok()) {
    // Rejections are client errors, never internal ones.
    Check(parsed.status().code() == wf::StatusCode::kInvalidArgument ||
          parsed.status().code() == wf::StatusCode::kUnprocessable);
    return 0;
  }
  const auto& a = *parsed;
  Check(a.source_kind == "email");
  Check(!a.source.empty() && !a.title.empty());
  Check(wf::json::IsValidUtf8(a.title) && wf::json::IsValidUtf8(a.description) &&
        wf::json::IsValidUtf8(a.source) && wf::json::IsValidUtf8(a.source_ref));
  Check(wf::ingest::ComputeFingerprint(a).size() == 64);
  for (const auto& t : a.tags) Check(wf::ingest::IsValidTag(t));
  for (const auto& o : a.observables) {
    auto again = wf::observables::Normalize(o.type, o.value);
    Check(again.ok() && again->value == o.value);
  }
  Check(a.attachments.size() <= wf::ingest::kMaxEmailAttachments + wf::ingest::kMaxEmailNesting);
  for (const auto& f : a.attachments) {
    Check(!f.data.empty());
    Check(f.size == static_cast<int64_t>(f.data.size()));
    Check(f.sha256 == wf::crypto::Sha256Hex(f.data));
    Check(!f.filename.empty() && wf::json::IsValidUtf8(f.filename));
  }
  return 0;
}
