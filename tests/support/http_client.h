// HttpClient: a small blocking HTTP/1.1 client for tests, over loopback.
// One keep-alive connection, opened on first use and reopened when the server
// has closed it. No Beast or Asio type appears here (pimpl).
//
// Failures do not throw: a request that cannot be completed returns status 0
// with the reason in `body`, so a failure in a worker thread stays a test
// failure instead of terminating the process. Every network operation has a
// 30 s deadline, so a broken server fails a test instead of hanging it.
//
// Thread safety: one HttpClient per thread; Raw() is reentrant.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wf::test {

struct ClientResponse {
  int status = 0;  // 0: no response (see body)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercased names

  // First header with this lowercase name, or empty.
  std::string Header(std::string_view lowercase) const;
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the response. Sets Host (unless given) and
  // Content-Length; Content-Type only if given in `headers`. If a reused
  // connection turns out to be closed before any response byte, the request
  // is sent once more on a new connection.
  ClientResponse Request(std::string_view method, std::string_view target,
                         std::string_view body = {},
                         std::vector<std::pair<std::string, std::string>> headers = {});

  // How many connections this client has opened so far (keep-alive tests).
  int connections_opened() const;

  // Sends raw bytes on a fresh connection and returns what came back, read
  // until the server closes or `timeout_ms` passes; for malformed-request
  // tests. Reading runs while writing, so an early answer is not lost.
  static std::string Raw(uint16_t port, std::string_view bytes, int timeout_ms = 5000);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wf::test
