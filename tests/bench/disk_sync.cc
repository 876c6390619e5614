#include "tests/bench/disk_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace wf::bench {

Result<LatencyStats> MeasureSyncLatency(const std::string& dir, int count) {
  const std::string path = dir + "/sync-probe.bin";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    return Status::Unavailable(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  const std::string block(4096, 'w');
  LatencyStats stats;
  Status status;
  for (int i = 0; i < count && status.ok(); ++i) {
    const auto started = std::chrono::steady_clock::now();
    if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size()) ||
        fdatasync(fd) != 0) {
      status =
          Status::Unavailable(fmt::format("write/fdatasync {}: {}", path, std::strerror(errno)));
      break;
    }
    stats.Add(std::chrono::steady_clock::now() - started);
  }
  close(fd);
  unlink(path.c_str());
  if (!status.ok()) {
    return status;
  }
  return stats;
}

}  // namespace wf::bench
