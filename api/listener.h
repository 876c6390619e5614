// Listener: accepts TCP connections and starts an HttpSession for each, in
// the style of Beast's advanced server.
//
// Connection limit: while fewer than `max_connections` sessions are live, a
// new connection gets a normal session. Beyond that, up to twice the limit,
// the connection still gets a session, but one that reads the first request
// header and answers it 503 (through RequestHandler::Problem, with
// `Retry-After: 1`) and closes: clients see a proper HTTP answer and the
// access log records it. Past twice the limit a new connection is closed at
// once, unanswered, so a flood cannot grow memory without bound.
//
// Accept errors: transient resource errors (out of file descriptors or
// memory) pause accepting for 100 ms instead of spinning; others are skipped.
//
// Ownership: shared_ptr (its pending accept keeps it alive). Borrows the
// io_context, the TLS context (null for plain HTTP) and the SessionConfig,
// which must outlive it and its sessions.
//
// Thread safety: Listen() and port() before Run(), from one thread. Run()
// once. Stop() from any thread. Everything else runs on the acceptor's strand.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "api/http_session.h"
#include "core/status.h"

namespace wf::api {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io_context, boost::asio::ssl::context* tls,
           const SessionConfig& config, size_t max_connections);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Opens, binds and listens. Unavailable (with "address:port" in the
  // message) if any step fails, e.g. the port is taken.
  Status Listen(const boost::asio::ip::tcp::endpoint& endpoint);

  // The bound port, once Listen() succeeded.
  uint16_t port() const;

  // Starts accepting connections.
  void Run();

  // Stops accepting: closes the acceptor. Live sessions are not touched.
  void Stop();

 private:
  void DoAccept();
  void OnAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void OnBackoff(boost::beast::error_code ec);

  boost::asio::io_context& io_context_;
  boost::asio::ssl::context* const tls_;
  const SessionConfig& config_;
  const size_t max_connections_;
  boost::asio::ip::tcp::acceptor acceptor_;  // on its own strand
  boost::asio::steady_timer backoff_timer_;  // on the acceptor's strand
  uint16_t port_ = 0;
  bool stopped_ = false;  // on the strand
};

}  // namespace wf::api
