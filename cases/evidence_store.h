// The evidence store: files kept on disk content-addressed by SHA-256
// (<dir>/ab/abcdef…), shared by case attachments and the files that arrive
// with an alert (email attachments). Only the file side: the `attachments`
// rows that describe them are written by the callers' store code.
// Free functions; thread-safe (writes go through a unique temporary file and
// an atomic rename, so concurrent writers of the same content are harmless).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace wf::cases {

// Where the file of `sha256` (lowercase hex) lives under `dir`.
std::string EvidencePath(const std::string& dir, const std::string& sha256);

// Writes `data` under `dir` durably (temporary file, fsync, rename, fsync of
// the folder) and returns its SHA-256 in lowercase hex. A file already there
// is left alone (same name, same content). Internal when the disk refuses.
// Call it before committing the row that points at the file: a row never
// points at a missing file, and an orphan file left by a failed commit is
// harmless.
Result<std::string> StoreEvidenceFile(const std::string& dir, std::string_view data);

// A file name safe to store and to send back in Content-Disposition: the last
// path component, without control characters, quotes or leading dots and
// spaces, at most 255 bytes of valid UTF-8; "attachment.bin" when nothing is left.
std::string SafeFilename(std::string name);

// 64 lowercase hex digits.
bool IsSha256Hex(std::string_view s);

}  // namespace wf::cases
