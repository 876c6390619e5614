#include "cases/evidence_store.h"

#include <algorithm>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json.h"

namespace wf::cases {

namespace {

Status WriteFileDurably(const std::filesystem::path& path, std::string_view data) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::Internal(fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
  if (std::filesystem::exists(path, ec)) return Status::Ok();  // content-addressed: already there
  std::string tmp = path.string() + ".tmp" + crypto::HexEncode(crypto::RandomBytes(4));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return Status::Internal(fmt::format("cannot write {}", tmp));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Internal(fmt::format("short write to {}", tmp));
    }
    off += static_cast<size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Internal(fmt::format("cannot store {}", path.string()));
  }
  int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace

std::string EvidencePath(const std::string& dir, const std::string& sha256) {
  return (std::filesystem::path(dir) / sha256.substr(0, 2) / sha256).string();
}

Result<std::string> StoreEvidenceFile(const std::string& dir, std::string_view data) {
  std::string sha = crypto::Sha256Hex(data);
  WF_RETURN_IF_ERROR(WriteFileDurably(EvidencePath(dir, sha), data));
  return sha;
}

std::string SafeFilename(std::string name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  std::string out;
  for (unsigned char ch : name) {
    if (ch < 0x20 || ch == 0x7f || ch == '"') continue;
    out.push_back(static_cast<char>(ch));
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
  if (out.size() > 255) out.resize(255);
  if (out.empty() || !json::IsValidUtf8(out)) out = "attachment.bin";
  return out;
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); });
}

}  // namespace wf::cases
