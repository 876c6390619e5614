// HttpSession: one HTTP/1.x connection, plain or TLS, in the style of
// Beast's advanced server. The session reads one request at a time, hands it
// to the RequestHandler as a plain HttpRequest and writes the HttpResponse the
// handler eventually gives back, then reads the next request (keep-alive).
// The session owns every timeout and limit; the handler never sees a socket.
//
// Per request:
//   1. wait for the first byte (idle timeout; keep-alive connections only),
//   2. read the header (header timeout, 16 KiB limit → 431),
//   3. ask RequestHandler::BodyLimit(header-only request); a Content-Length
//      above it is answered 413 before any body is read; otherwise answer
//      `Expect: 100-continue` and read the body (read timeout; a chunked
//      body that grows past the limit → 413),
//   4. RequestHandler::Handle(request, respond); `respond` may run on any
//      thread, and posts the response onto the session's strand,
//   5. write the response (read timeout), then loop or close.
// Response: status, Content-Type (if not empty), the handler's headers,
// `Server: watchfloor`, `Date` (unless the handler set one), Content-Length
// (none for 204/304, whose body is dropped; for HEAD the body is not sent),
// and keep-alive unless the handler set `close` or the client asked to close.
// A response with a status outside 200-599, a header name that is not an
// HTTP token, a value containing CR, LF or NUL, or a framing header
// (Content-Length, Transfer-Encoding, Connection) is never sent: it becomes a
// 500 from RequestHandler::Problem, as does an exception thrown by Handle;
// both close the connection. A second call of `respond` is ignored.
// Bad HTTP syntax, any version but HTTP/1.0 and 1.1, or an undecodable path
// (bad percent escape, decoded NUL) → 400. Every answer the session makes
// itself goes through RequestHandler::Problem and closes the connection
// afterwards. A timeout closes the connection without an answer (Beast's
// tcp_stream closes the socket on expiry); if part of a request had arrived,
// it is still reported to RequestHandler::Problem as 408 so that it is logged.
// After a response that closes the connection, the session shuts down its
// sending side and drains unread input for up to 2 s / 8 MiB, so that the
// close does not reset the connection before the client has read the answer.
//
// Ownership: a session owns itself through shared_ptr (shared_from_this), kept
// alive by its pending asynchronous operation or by the respond callback it
// handed out. It borrows the SessionConfig, which must outlive it (see
// HttpServer: the config lives in state that respond callbacks keep alive).
//
// Thread safety: everything runs on the session's strand (the executor of its
// socket). Close() and the respond callback may be called from any thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_message.h"

namespace wf::api {

class SessionRegistry;

// Settings shared by all sessions of one server.
struct SessionConfig {
  RequestHandler* handler = nullptr;    // non-null
  SessionRegistry* registry = nullptr;  // non-null
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds read_timeout{30000};  // body read and response write
  std::chrono::milliseconds idle_timeout{60000};  // between keep-alive requests
  // The state that holds the io_context, this config and the registry. Each
  // respond callback holds it strongly, so a handler that answers after the
  // server is gone still finds a live io_context to post to. Sessions hold it
  // weakly: a strong reference would form a cycle through the handlers queued
  // in that io_context.
  std::weak_ptr<void> server_state;
};

// The part of a session that the registry and the server see.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  virtual ~Session() = default;

  // Starts the session. Call once, right after construction.
  virtual void Run() = 0;

  // Closes the connection now (server shutdown): pending I/O is cancelled
  // and a response still being prepared by the handler is dropped.
  // Thread-safe; idempotent.
  virtual void Close() = 0;
};

// Live sessions of one server: counts them for the connection limit and
// closes them all at shutdown. Thread-safe.
class SessionRegistry {
 public:
  SessionRegistry() = default;
  SessionRegistry(const SessionRegistry&) = delete;
  SessionRegistry& operator=(const SessionRegistry&) = delete;

  // Registers a starting session. Returns false once CloseAll() has run: the
  // session must then close at once.
  bool Add(const std::shared_ptr<Session>& session);
  // Called by a session's destructor.
  void Remove(const Session* session);
  size_t size() const;
  // Refuses further Add()s and asks every live session to Close().
  void CloseAll();

 private:
  mutable std::mutex mutex_;
  bool closed_ = false;                                                  // guarded by mutex_
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;  // guarded by mutex_
};

// Stream is boost::beast::tcp_stream (plain HTTP) or
// boost::beast::ssl_stream<boost::beast::tcp_stream> (HTTPS).
template <class Stream>
class HttpSession final : public Session {
 public:
  // `tls` must be non-null for the TLS stream and is ignored otherwise. The
  // socket's executor must be a strand. An `over_capacity` session answers
  // its first request 503 and closes (the server's connection limit).
  HttpSession(boost::asio::ip::tcp::socket&& socket, boost::asio::ssl::context* tls,
              const SessionConfig& config, bool over_capacity);
  ~HttpSession() override;

  void Run() override;
  void Close() override;

 private:
  class Responder;
  enum class Phase { kReading, kHandling, kWriting, kClosing, kClosed };

  void OnRun();
  void DoHandshake();
  void OnHandshake(boost::beast::error_code ec);
  void DoWaitForRequest();
  void OnWaitForRequest(boost::beast::error_code ec, size_t bytes);
  void DoReadHeader();
  void OnReadHeader(boost::beast::error_code ec, size_t bytes);
  void DoWriteContinue();
  void OnWriteContinue(boost::beast::error_code ec, size_t bytes);
  void DoReadBody();
  void OnReadBody(boost::beast::error_code ec, size_t bytes);
  void Dispatch();
  void OnRespond(uint64_t request_seq, HttpResponse response);
  void DoWrite(HttpResponse response);
  void OnWrite(boost::beast::error_code ec, size_t bytes);
  void DoClose();
  void OnShutdown(boost::beast::error_code ec);
  void DoLinger();
  void OnLinger(boost::beast::error_code ec, size_t bytes);
  void CloseNow();

  // Answers on the session's own behalf (via RequestHandler::Problem) and
  // closes the connection after the write.
  void AnswerAndClose(int status, std::string_view title, std::string_view detail);
  // A read failed: answer, report or just close, depending on the error.
  void OnReadError(boost::beast::error_code ec);
  // Fills request_ from the parsed header. False if the target is unusable.
  bool BuildRequestHeader();
  // The request being read, as far as it is known, for RequestHandler::Problem.
  const HttpRequest& ReadingContext();
  std::shared_ptr<HttpSession> Self();

  Stream stream_;
  const boost::asio::any_io_executor executor_;  // the strand; copied for other threads
  const SessionConfig& config_;
  const bool over_capacity_;
  std::string remote_address_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  HttpRequest request_;          // the request being read
  HttpRequest handled_context_;  // the handler's request without headers and body
  unsigned version_ = 11;        // HTTP version of the current request
  bool client_keep_alive_ = true;
  bool head_request_ = false;
  bool close_after_write_ = false;
  uint64_t request_seq_ = 0;  // identifies the request a respond callback answers
  Phase phase_ = Phase::kReading;
  size_t lingered_bytes_ = 0;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
};

using PlainHttpSession = HttpSession<boost::beast::tcp_stream>;
using TlsHttpSession = HttpSession<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

extern template class HttpSession<boost::beast::tcp_stream>;
extern template class HttpSession<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace wf::api
