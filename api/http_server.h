// HttpServer: the public face of the HTTP layer. Owns the Asio io_context,
// its I/O threads, the listener and (for HTTPS) the TLS context; every
// request goes to a RequestHandler (api/http_message.h). No Beast or Asio
// type appears here (pimpl), so including this header costs nothing.
//
// Sessions, limits and timeouts: see api/http_session.h and api/listener.h.
// The server is plain HTTP, or HTTPS when both tls_cert_file and
// tls_key_file are set (TLS 1.2 or newer, PEM files, the certificate file
// may hold the chain).
//
// Lifetime: the handler must outlive the server's I/O, i.e. until Stop()
// returns. A `respond` callback that the handler still holds after that may
// be called or dropped at any time later, from any thread: it keeps the
// io_context alive by itself and its response is discarded.
//
// Thread safety: Start(), Stop() and Wait() are serialised internally and
// may be called from any thread except an I/O thread (a handler or a
// RunEvery function); port() and RunEvery() from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http_message.h"
#include "core/status.h"

namespace wf::api {

struct HttpServerOptions {
  std::string host = "127.0.0.1";                   // an IP address or a resolvable name
  uint16_t port = 8080;                             // 0 = ephemeral (tests)
  int threads = 1;                                  // I/O threads, at least 1
  std::chrono::milliseconds header_timeout{10000};  // TLS handshake, then each request header
  std::chrono::milliseconds read_timeout{30000};    // each request body, each response write
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive connection between requests
  size_t max_connections = 1024;                    // at least 1; see api/listener.h
  std::string tls_cert_file, tls_key_file;          // both set → HTTPS; both empty → plain HTTP
};

class HttpServer {
 public:
  // Borrows `handler`. Does not bind yet.
  HttpServer(HttpServerOptions options, RequestHandler& handler);
  // Stops and joins (see Stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Errors:
  //   InvalidArgument    bad options (threads < 1, max_connections 0, a
  //                      non-positive timeout, only one of the TLS files,
  //                      an unresolvable host, unreadable TLS files);
  //   Unavailable        the address cannot be bound ("address:port" in
  //                      the message);
  //   FailedPrecondition already started, or already stopped.
  Status Start();

  // The bound port (useful with port 0); 0 before a successful Start().
  uint16_t port() const;

  // Runs `fn` on an I/O thread about every `period` (measured from the end
  // of one run to the start of the next; runs never overlap) until Stop().
  // May be called before Start() (the first run is then one period after
  // Start()) or while running; ignored after Stop(). `fn` should not throw:
  // an exception is caught and dropped so that the timer keeps going.
  void RunEvery(std::chrono::milliseconds period, std::function<void()> fn);

  // Stops accepting, closes all connections (responses still being prepared
  // are dropped), cancels the RunEvery timers and joins the I/O threads,
  // letting handlers already running finish (after 5 s, whatever is still
  // queued is abandoned). Idempotent; returns once stopped. Stop() before
  // Start() makes a later Start() fail.
  void Stop();

  // Blocks until Stop() is called elsewhere or SIGINT/SIGTERM arrives, then
  // stops (as Stop()) and returns. Returns at once if the server is not
  // running. The signal handlers are installed only while Wait() blocks.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wf::api
