#include "api/http_session.h"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <ctime>
#include <exception>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/status.h"

namespace wf::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr uint32_t kHeaderLimit = 16 * 1024;
// Beast reads at most the free capacity of the buffer: 16 KiB reads instead of
// the default 512 bytes nearly double throughput.
constexpr size_t kReadChunk = size_t{16} * 1024;
// After a response that closes the connection, unread request bytes are
// drained for a short while so that closing does not send a RST that could
// destroy the response before the client has read it ("lingering close").
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr size_t kLingerMaxBytes = size_t{8} * 1024 * 1024;
constexpr std::chrono::seconds kTlsShutdownTimeout{2};

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

template <class Stream>
Stream MakeStream(tcp::socket&& socket, net::ssl::context* tls) {
  if constexpr (kIsTls<Stream>) {
    WF_CHECK(tls != nullptr);
    return Stream(std::move(socket), *tls);
  } else {
    return Stream(std::move(socket));
  }
}

std::string RemoteAddress(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) {
    return {};
  }
  net::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// "%41" → "A". nullopt for an invalid escape or a decoded NUL, which could
// cut a path short in any C API further down.
std::optional<std::string> DecodePath(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return std::nullopt;
      }
      const int high = HexValue(in[i + 1]);
      const int low = HexValue(in[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (c == '\0') {
      return std::nullopt;
    }
    out.push_back(c);
  }
  return out;
}

// The path part of a request target: origin-form "/a/b", absolute-form
// "http://host/a/b" (which servers must accept) or "*" (OPTIONS).
std::optional<std::string_view> TargetPath(std::string_view target_path) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target_path.size() >= scheme.size() &&
        beast::iequals(target_path.substr(0, scheme.size()), scheme)) {
      const size_t slash = target_path.find('/', scheme.size());
      return slash == std::string_view::npos ? std::string_view("/") : target_path.substr(slash);
    }
  }
  if (target_path == "*" || (!target_path.empty() && target_path.front() == '/')) {
    return target_path;
  }
  return std::nullopt;
}

// The Date header (RFC 9110 6.6.1) as an IMF-fixdate, formatted by hand to
// stay independent of the locale, and cached per thread for the second.
const std::string& HttpDate() {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 40> text{};
    std::snprintf(text.data(), text.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  kDays.at(static_cast<size_t>(utc.tm_wday)), utc.tm_mday,
                  kMonths.at(static_cast<size_t>(utc.tm_mon)), utc.tm_year + 1900, utc.tm_hour,
                  utc.tm_min, utc.tm_sec);
    cached = text.data();
    cached_second = now;
  }
  return cached;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsValidHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The session owns message framing; a handler may not set these.
bool IsReservedHeader(std::string_view name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection");
}

bool IsValidResponse(const HttpResponse& response) {
  if (response.status < 200 || response.status > 599 ||
      !IsValidHeaderValue(response.content_type)) {
    return false;
  }
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || IsReservedHeader(name) || !IsValidHeaderValue(value)) {
      return false;
    }
    for (char c : name) {
      if (!IsTokenChar(c)) {
        return false;
      }
    }
  }
  return true;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::end_of_stream).category();
}

}  // namespace

// --- SessionRegistry -------------------------------------------------------

bool SessionRegistry::Add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  if (closed_) {
    return false;
  }
  sessions_[session.get()] = session;
  return true;
}

void SessionRegistry::Remove(const Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionRegistry::CloseAll() {
  std::vector<std::weak_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    sessions.reserve(sessions_.size());
    for (const auto& [key, session] : sessions_) {
      sessions.push_back(session);
    }
  }
  // Outside the lock: dropping the last reference runs ~HttpSession, which
  // calls Remove().
  for (const auto& weak : sessions) {
    if (std::shared_ptr<Session> session = weak.lock()) {
      session->Close();
    }
  }
}

// --- HttpSession -----------------------------------------------------------

// The callback handed to RequestHandler::Handle. Copyable (std::function)
// and callable from any thread; only the first call for the current request
// has an effect.
template <class Stream>
class HttpSession<Stream>::Responder {
 public:
  Responder(std::shared_ptr<void> server_state, std::shared_ptr<HttpSession> session, uint64_t seq)
      : server_state_(std::move(server_state)), session_(std::move(session)), seq_(seq) {}

  void operator()(HttpResponse response) const {
    net::post(session_->executor_,
              [session = session_, seq = seq_, response = std::move(response)]() mutable {
                session->OnRespond(seq, std::move(response));
              });
  }

 private:
  // Declared first so that it is destroyed last: the session's socket must
  // die before the io_context it belongs to.
  std::shared_ptr<void> server_state_;
  std::shared_ptr<HttpSession> session_;
  uint64_t seq_;
};

template <class Stream>
HttpSession<Stream>::HttpSession(tcp::socket&& socket, net::ssl::context* tls,
                                 const SessionConfig& config, bool over_capacity)
    : stream_(MakeStream<Stream>(std::move(socket), tls)),
      executor_(stream_.get_executor()),
      config_(config),
      over_capacity_(over_capacity),
      remote_address_(RemoteAddress(beast::get_lowest_layer(stream_).socket())) {
  WF_CHECK(config_.handler != nullptr && config_.registry != nullptr);
  buffer_.reserve(kReadChunk);
}

template <class Stream>
HttpSession<Stream>::~HttpSession() {
  config_.registry->Remove(this);
}

template <class Stream>
std::shared_ptr<HttpSession<Stream>> HttpSession<Stream>::Self() {
  return std::static_pointer_cast<HttpSession>(shared_from_this());
}

template <class Stream>
void HttpSession<Stream>::Run() {
  if (!config_.registry->Add(shared_from_this())) {
    return;  // the server is stopping; the socket closes with the session
  }
  // The socket was accepted on its own strand: run there from the start.
  net::dispatch(executor_, beast::bind_front_handler(&HttpSession::OnRun, Self()));
}

template <class Stream>
void HttpSession<Stream>::Close() {
  net::post(executor_, [self = Self()] { self->CloseNow(); });
}

template <class Stream>
void HttpSession<Stream>::CloseNow() {
  phase_ = Phase::kClosed;
  // Cancels pending operations (they complete with operation_aborted) and
  // the timers.
  beast::get_lowest_layer(stream_).close();
}

template <class Stream>
void HttpSession<Stream>::OnRun() {
  if (phase_ == Phase::kClosed) {
    return;
  }
  beast::error_code ec;
  beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true), ec);
  if constexpr (kIsTls<Stream>) {
    DoHandshake();
  } else {
    DoWaitForRequest();
  }
}

template <class Stream>
void HttpSession<Stream>::DoHandshake() {
  if constexpr (kIsTls<Stream>) {
    beast::get_lowest_layer(stream_).expires_after(config_.header_timeout);
    stream_.async_handshake(net::ssl::stream_base::server,
                            beast::bind_front_handler(&HttpSession::OnHandshake, Self()));
  }
}

template <class Stream>
void HttpSession<Stream>::OnHandshake(beast::error_code ec) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  if (ec) {
    CloseNow();
    return;
  }
  DoWaitForRequest();
}

template <class Stream>
void HttpSession<Stream>::DoWaitForRequest() {
  phase_ = Phase::kReading;
  if (buffer_.size() > 0) {
    DoReadHeader();  // a pipelined request is already here
    return;
  }
  // Idle until the first byte of the next request, then the header timeout.
  beast::get_lowest_layer(stream_).expires_after(config_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&HttpSession::OnWaitForRequest, Self()));
}

template <class Stream>
void HttpSession<Stream>::OnWaitForRequest(beast::error_code ec, size_t bytes) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  if (ec) {
    CloseNow();  // the client closed, or stayed idle too long
    return;
  }
  buffer_.commit(bytes);
  DoReadHeader();
}

template <class Stream>
void HttpSession<Stream>::DoReadHeader() {
  phase_ = Phase::kReading;
  request_ = HttpRequest{};
  version_ = 11;
  client_keep_alive_ = true;
  head_request_ = false;
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  // Unlimited while reading the header: the limit depends on the request and
  // is set once the header is known (a limit here would turn a large
  // Content-Length into a header error).
  parser_->body_limit(boost::none);
  beast::get_lowest_layer(stream_).expires_after(config_.header_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnReadHeader, Self()));
}

template <class Stream>
void HttpSession<Stream>::OnReadHeader(beast::error_code ec, size_t /*bytes*/) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  if (ec) {
    OnReadError(ec);
    return;
  }
  const auto& message = parser_->get();
  version_ = message.version();
  client_keep_alive_ = message.keep_alive();
  head_request_ = message.method() == http::verb::head;
  if (!BuildRequestHeader()) {
    AnswerAndClose(400, "Bad Request",
                   "The request target is not a valid path (bad percent escape or NUL).");
    return;
  }
  if (over_capacity_) {
    AnswerAndClose(503, "Service Unavailable", "The server has too many open connections.");
    return;
  }
  uint64_t limit = 0;
  try {
    limit = config_.handler->BodyLimit(request_);
  } catch (const std::exception&) {
    AnswerAndClose(500, "Internal Server Error", "The request could not be handled.");
    return;
  }
  // Refuse an announced oversized body before the client sends it.
  if (const boost::optional<uint64_t> length = parser_->content_length();
      length.has_value() && *length > limit) {
    AnswerAndClose(413, "Payload Too Large",
                   "The request body is larger than " + std::to_string(limit) + " bytes.");
    return;
  }
  parser_->body_limit(limit);
  if (parser_->is_done()) {
    Dispatch();
    return;
  }
  if (version_ >= 11 && beast::iequals(message[http::field::expect], "100-continue")) {
    DoWriteContinue();
    return;
  }
  DoReadBody();
}

template <class Stream>
void HttpSession<Stream>::DoWriteContinue() {
  continue_ = {};
  continue_.version(11);
  continue_.result(http::status::continue_);
  beast::get_lowest_layer(stream_).expires_after(config_.read_timeout);
  http::async_write(stream_, continue_,
                    beast::bind_front_handler(&HttpSession::OnWriteContinue, Self()));
}

template <class Stream>
void HttpSession<Stream>::OnWriteContinue(beast::error_code ec, size_t /*bytes*/) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  if (ec) {
    CloseNow();
    return;
  }
  DoReadBody();
}

template <class Stream>
void HttpSession<Stream>::DoReadBody() {
  beast::get_lowest_layer(stream_).expires_after(config_.read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::OnReadBody, Self()));
}

template <class Stream>
void HttpSession<Stream>::OnReadBody(beast::error_code ec, size_t /*bytes*/) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  if (ec) {
    OnReadError(ec);
    return;
  }
  request_.body = std::move(parser_->get().body());
  Dispatch();
}

template <class Stream>
void HttpSession<Stream>::OnReadError(beast::error_code ec) {
  if (ec == http::error::header_limit) {
    AnswerAndClose(431, "Request Header Fields Too Large",
                   "The request header is larger than " + std::to_string(kHeaderLimit) + " bytes.");
  } else if (ec == http::error::body_limit) {
    AnswerAndClose(413, "Payload Too Large", "The request body is too large.");
  } else if (ec == beast::error::timeout) {
    // tcp_stream has closed the socket: no answer is possible, but a request
    // that had started is reported so that it is logged.
    if (parser_.has_value() && parser_->got_some()) {
      (void)config_.handler->Problem(ReadingContext(), 408, "Request Timeout",
                                     "The request was not received in time.");
    }
    CloseNow();
  } else if (IsHttpParseError(ec) && ec != http::error::end_of_stream &&
             ec != http::error::partial_message) {
    AnswerAndClose(400, "Bad Request", "The request is not valid HTTP/1.1: " + ec.message() + ".");
  } else {
    // The client went away (end of stream, possibly mid-request), a socket or
    // TLS error, or operation_aborted.
    CloseNow();
  }
}

template <class Stream>
bool HttpSession<Stream>::BuildRequestHeader() {
  const auto& message = parser_->get();
  request_.method = std::string(message.method_string());
  request_.target = std::string(message.target());
  request_.remote_address = remote_address_;
  request_.keep_alive = client_keep_alive_;
  std::string_view target = request_.target;
  std::string_view path = target;
  if (const size_t question = target.find('?'); question != std::string_view::npos) {
    path = target.substr(0, question);
    request_.query = std::string(target.substr(question + 1));
  }
  const std::optional<std::string_view> raw_path = TargetPath(path);
  if (!raw_path.has_value()) {
    return false;
  }
  std::optional<std::string> decoded = DecodePath(*raw_path);
  if (!decoded.has_value()) {
    return false;
  }
  request_.path = std::move(*decoded);
  request_.headers.reserve(static_cast<size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) {
    request_.headers.emplace_back(Lowercase(field.name_string()), std::string(field.value()));
  }
  return true;
}

template <class Stream>
const HttpRequest& HttpSession<Stream>::ReadingContext() {
  if (request_.method.empty() && parser_.has_value()) {
    // The start line may have been parsed even if the rest of the header was not.
    const auto& message = parser_->get();
    request_.method = std::string(message.method_string());
    request_.target = std::string(message.target());
  }
  request_.remote_address = remote_address_;
  return request_;
}

template <class Stream>
void HttpSession<Stream>::Dispatch() {
  phase_ = Phase::kHandling;
  ++request_seq_;
  parser_.reset();
  handled_context_ = HttpRequest{};
  handled_context_.method = request_.method;
  handled_context_.target = request_.target;
  handled_context_.path = request_.path;
  handled_context_.query = request_.query;
  handled_context_.remote_address = remote_address_;
  handled_context_.keep_alive = request_.keep_alive;
  std::shared_ptr<void> server_state = config_.server_state.lock();
  // Handlers run only while the server state (which owns the io_context) lives.
  WF_CHECK(server_state != nullptr);
  HttpRequest request = std::move(request_);
  request_ = HttpRequest{};
  try {
    config_.handler->Handle(std::move(request),
                            Responder(std::move(server_state), Self(), request_seq_));
  } catch (const std::exception&) {
    // Exceptions should not cross the module boundary; if one does, answer
    // 500 and ignore whatever the handler may still send for this request.
    ++request_seq_;
    HttpResponse response;
    try {
      response = config_.handler->Problem(handled_context_, 500, "Internal Server Error",
                                          "The request could not be handled.");
    } catch (const std::exception&) {
      response = HttpResponse{500, "text/plain", {}, "Internal Server Error\n", true};
    }
    response.close = true;
    DoWrite(std::move(response));
  }
}

template <class Stream>
void HttpSession<Stream>::OnRespond(uint64_t request_seq, HttpResponse response) {
  if (phase_ != Phase::kHandling || request_seq != request_seq_) {
    return;  // closed meanwhile, or a second call for the same request
  }
  DoWrite(std::move(response));
}

template <class Stream>
void HttpSession<Stream>::AnswerAndClose(int status, std::string_view title,
                                         std::string_view detail) {
  HttpResponse response;
  try {
    response = config_.handler->Problem(ReadingContext(), status, title, detail);
  } catch (const std::exception&) {
    response = HttpResponse{status, "text/plain", {}, std::string(title) + "\n", true};
  }
  if (status == 503) {
    response.headers.emplace_back("retry-after", "1");
  }
  response.close = true;
  DoWrite(std::move(response));
}

template <class Stream>
void HttpSession<Stream>::DoWrite(HttpResponse response) {
  phase_ = Phase::kWriting;
  if (!IsValidResponse(response)) {
    // A handler bug (bad status, header injection, framing header): never
    // put it on the wire.
    try {
      response = config_.handler->Problem(handled_context_, 500, "Internal Server Error",
                                          "The server produced an invalid response.");
    } catch (const std::exception&) {
      response = {};
    }
    if (!IsValidResponse(response)) {
      response = HttpResponse{500, "text/plain", {}, "Internal Server Error\n", true};
    }
    response.close = true;
  }
  close_after_write_ = response.close || !client_keep_alive_ || over_capacity_;
  response_ = {};
  response_.version(version_);
  response_.result(static_cast<unsigned>(response.status));
  response_.set(http::field::server, "watchfloor");
  const bool handler_sets_date =
      std::any_of(response.headers.begin(), response.headers.end(),
                  [](const auto& header) { return beast::iequals(header.first, "date"); });
  if (!handler_sets_date) {
    response_.set(http::field::date, HttpDate());
  }
  if (!response.content_type.empty()) {
    response_.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    response_.insert(name, value);
  }
  response_.keep_alive(!close_after_write_);
  const bool bodyless_status = response.status == 204 || response.status == 304;
  if (!bodyless_status) {
    response_.content_length(response.body.size());
    if (!head_request_) {
      response_.body() = std::move(response.body);
    }
  }
  beast::get_lowest_layer(stream_).expires_after(config_.read_timeout);
  http::async_write(stream_, response_, beast::bind_front_handler(&HttpSession::OnWrite, Self()));
}

template <class Stream>
void HttpSession<Stream>::OnWrite(beast::error_code ec, size_t /*bytes*/) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  if (ec) {
    CloseNow();
    return;
  }
  if (close_after_write_) {
    DoClose();
    return;
  }
  response_ = {};  // release the body before waiting
  DoWaitForRequest();
}

template <class Stream>
void HttpSession<Stream>::DoClose() {
  phase_ = Phase::kClosing;
  if constexpr (kIsTls<Stream>) {
    beast::get_lowest_layer(stream_).expires_after(kTlsShutdownTimeout);
    stream_.async_shutdown(beast::bind_front_handler(&HttpSession::OnShutdown, Self()));
  } else {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
      CloseNow();
      return;
    }
    // One deadline for the whole drain; later reads keep it.
    beast::get_lowest_layer(stream_).expires_after(kLingerTimeout);
    lingered_bytes_ = 0;
    DoLinger();
  }
}

template <class Stream>
void HttpSession<Stream>::OnShutdown(beast::error_code /*ec*/) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  CloseNow();
}

template <class Stream>
void HttpSession<Stream>::DoLinger() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&HttpSession::OnLinger, Self()));
}

template <class Stream>
void HttpSession<Stream>::OnLinger(beast::error_code ec, size_t bytes) {
  if (phase_ == Phase::kClosed) {
    return;
  }
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kLingerMaxBytes) {
    CloseNow();  // usually end_of_stream: the client has read the answer and closed
    return;
  }
  DoLinger();
}

template class HttpSession<beast::tcp_stream>;
template class HttpSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace wf::api
