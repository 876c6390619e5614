#include "tests/bench/load_client.h"

#include <deque>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace wf::bench {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::seconds kIoTimeout{30};
// After the last request went out, answers still owed are waited for this long.
constexpr std::chrono::seconds kDrainLimit{60};

class Driver;

// One keep-alive connection: at most one request in flight.
class Connection {
 public:
  Connection(net::io_context& io, Driver& driver, tcp::endpoint endpoint)
      : io_(io), driver_(driver), endpoint_(endpoint) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Connect();
  void Send(std::string request, SteadyClock::time_point due);
  void Close();

 private:
  void OnConnect(beast::error_code ec);
  void OnWrite(beast::error_code ec);
  void OnRead(beast::error_code ec);

  net::io_context& io_;
  Driver& driver_;
  tcp::endpoint endpoint_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::string request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  SteadyClock::time_point due_;
};

class Driver {
 public:
  Driver(const LoadTarget& target, const LoadOptions& options, const BodySource& next_body)
      : target_(target), options_(options), next_body_(next_body) {}

  LoadResult Run();

  void OnConnected(Connection& c) { Idle(c); }
  void OnConnectFailed(const std::string& what);
  void OnAnswer(Connection& c, SteadyClock::time_point due, int status, bool keep_alive,
                const std::string& body);
  void OnRequestFailed(Connection& c, const std::string& what);

 private:
  void Idle(Connection& c);
  void Dispatch(Connection& c, SteadyClock::time_point due);
  void Tick();
  void StopIssuing();
  void MaybeFinish();
  bool MoreToSend() const;
  void Note(const std::string& what);

  const LoadTarget& target_;
  const LoadOptions& options_;
  const BodySource& next_body_;
  net::io_context io_;
  net::steady_timer tick_{io_};
  net::steady_timer deadline_{io_};
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;
  std::deque<SteadyClock::time_point> pending_;  // fixed rate: due, not yet sent
  std::string prefix_;
  SteadyClock::time_point start_, warm_end_, end_, next_due_, last_measured_answer_;
  std::chrono::nanoseconds period_{0};
  bool issuing_ = true;
  bool finished_ = false;
  int64_t in_flight_ = 0;
  int live_connections_ = 0;
  LoadResult result_;
};

void Connection::Connect() {
  stream_.emplace(io_);
  buffer_.clear();
  stream_->expires_after(kIoTimeout);
  stream_->async_connect(endpoint_, [this](beast::error_code ec) { OnConnect(ec); });
}

void Connection::OnConnect(beast::error_code ec) {
  if (ec) {
    stream_.reset();
    driver_.OnConnectFailed("connect: " + ec.message());
    return;
  }
  beast::error_code ignored;
  stream_->socket().set_option(tcp::no_delay(true), ignored);
  driver_.OnConnected(*this);
}

void Connection::Send(std::string request, SteadyClock::time_point due) {
  request_ = std::move(request);
  due_ = due;
  stream_->expires_after(kIoTimeout);
  net::async_write(*stream_, net::buffer(request_),
                   [this](beast::error_code ec, size_t) { OnWrite(ec); });
}

void Connection::OnWrite(beast::error_code ec) {
  if (ec) {
    driver_.OnRequestFailed(*this, "write: " + ec.message());
    return;
  }
  parser_.emplace();
  parser_->body_limit(16 * 1024 * 1024);
  http::async_read(*stream_, buffer_, *parser_, [this](beast::error_code e, size_t) { OnRead(e); });
}

void Connection::OnRead(beast::error_code ec) {
  if (ec) {
    driver_.OnRequestFailed(*this, "read: " + ec.message());
    return;
  }
  const auto& message = parser_->get();
  const int status = static_cast<int>(message.result_int());
  const bool keep_alive = message.keep_alive();
  driver_.OnAnswer(*this, due_, status, keep_alive, message.body());
}

void Connection::Close() {
  if (stream_) {
    beast::error_code ignored;
    stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_->close();
    stream_.reset();
  }
}

LoadResult Driver::Run() {
  beast::error_code ec;
  tcp::endpoint endpoint;
  const auto address = net::ip::make_address(target_.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, target_.port);
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(target_.host, std::to_string(target_.port), ec);
    if (ec || results.empty()) {
      result_.first_error = fmt::format("cannot resolve {}: {}", target_.host, ec.message());
      return result_;
    }
    endpoint = results.begin()->endpoint();
  }
  prefix_ =
      fmt::format("POST {} HTTP/1.1\r\nHost: {}:{}\r\n", target_.path, target_.host, target_.port);
  for (const auto& [name, value] : target_.headers) {
    prefix_ += fmt::format("{}: {}\r\n", name, value);
  }
  prefix_ += "Content-Type: application/json\r\nContent-Length: ";

  start_ = SteadyClock::now();
  const bool counted = options_.count > 0;
  warm_end_ = counted ? start_ : start_ + options_.warmup;
  end_ = counted ? SteadyClock::time_point::max() : warm_end_ + options_.duration;
  next_due_ = start_;
  if (options_.rate > 0) {
    period_ = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / options_.rate));
  }
  for (int i = 0; i < options_.connections; ++i) {
    connections_.push_back(std::make_unique<Connection>(io_, *this, endpoint));
  }
  live_connections_ = options_.connections;
  for (auto& c : connections_) {
    c->Connect();
  }
  if (options_.rate > 0) {
    Tick();
  } else if (!counted) {
    tick_.expires_at(end_);
    tick_.async_wait([this](beast::error_code e) {
      if (!e) {
        StopIssuing();
      }
    });
  }
  io_.run();
  for (auto& c : connections_) {
    c->Close();
  }
  result_.not_sent += static_cast<int64_t>(pending_.size());
  if (last_measured_answer_ > warm_end_) {
    result_.measured_seconds =
        std::chrono::duration<double>(last_measured_answer_ - warm_end_).count();
  }
  return result_;
}

bool Driver::MoreToSend() const {
  if (!issuing_) {
    return false;
  }
  if (options_.count > 0) {
    return result_.sent + static_cast<int64_t>(pending_.size()) < options_.count;
  }
  return SteadyClock::now() < end_;
}

void Driver::Idle(Connection& c) {
  if (finished_) {
    return;
  }
  if (options_.rate > 0) {
    if (!pending_.empty()) {
      const auto due = pending_.front();
      pending_.pop_front();
      Dispatch(c, due);
      return;
    }
    idle_.push_back(&c);
    MaybeFinish();
    return;
  }
  if (MoreToSend()) {
    Dispatch(c, SteadyClock::now());
    return;
  }
  StopIssuing();
  idle_.push_back(&c);
  MaybeFinish();
}

void Driver::Dispatch(Connection& c, SteadyClock::time_point due) {
  std::string body = next_body_();
  std::string request = prefix_;
  request += std::to_string(body.size());
  request += "\r\n\r\n";
  request += body;
  ++result_.sent;
  ++in_flight_;
  c.Send(std::move(request), due);
}

void Driver::Tick() {
  if (!issuing_) {
    return;
  }
  const auto now = SteadyClock::now();
  while (next_due_ <= now) {
    if (next_due_ >= end_ ||
        (options_.count > 0 &&
         result_.sent + static_cast<int64_t>(pending_.size()) >= options_.count)) {
      StopIssuing();
      return;
    }
    pending_.push_back(next_due_);
    next_due_ += period_;
  }
  while (!pending_.empty() && !idle_.empty()) {
    Connection* c = idle_.back();
    idle_.pop_back();
    const auto due = pending_.front();
    pending_.pop_front();
    Dispatch(*c, due);
  }
  tick_.expires_at(next_due_);
  tick_.async_wait([this](beast::error_code ec) {
    if (!ec) {
      Tick();
    }
  });
}

void Driver::StopIssuing() {
  if (!issuing_) {
    return;
  }
  issuing_ = false;
  tick_.cancel();
  deadline_.expires_after(kDrainLimit);
  deadline_.async_wait([this](beast::error_code ec) {
    if (!ec && !finished_) {
      Note(fmt::format("{} answers still owed {} s after the end; gave up", in_flight_,
                       kDrainLimit.count()));
      result_.failed += in_flight_;
      finished_ = true;
      io_.stop();
    }
  });
  MaybeFinish();
}

void Driver::MaybeFinish() {
  if (finished_) {
    return;
  }
  const bool nothing_to_send = (!issuing_ && pending_.empty()) || live_connections_ == 0;
  if (!nothing_to_send || in_flight_ > 0) {
    return;
  }
  finished_ = true;
  tick_.cancel();
  deadline_.cancel();
  for (auto& c : connections_) {
    c->Close();
  }
}

void Driver::Note(const std::string& what) {
  if (result_.first_error.empty()) {
    result_.first_error = what;
  }
}

void Driver::OnConnectFailed(const std::string& what) {
  if (finished_) {
    return;  // closed at the end while reconnecting
  }
  Note(what);
  ++result_.failed;
  --live_connections_;
  MaybeFinish();
}

void Driver::OnAnswer(Connection& c, SteadyClock::time_point due, int status, bool keep_alive,
                      const std::string& body) {
  const auto now = SteadyClock::now();
  --in_flight_;
  ++result_.statuses[status];
  const bool measured = due >= warm_end_;
  if (status >= 200 && status < 300) {
    ++result_.acknowledged;
    if (measured) {
      ++result_.measured_acknowledged;
      result_.latency.Add(now - due);
      last_measured_answer_ = now;
    }
  } else if (status == 503) {
    ++result_.rejected;
  } else {
    ++result_.failed;
    Note(fmt::format("HTTP {}: {}", status, body.substr(0, 300)));
  }
  if (keep_alive) {
    Idle(c);
    return;
  }
  c.Close();
  if (issuing_ || !pending_.empty()) {
    c.Connect();  // comes back through OnConnected
  } else {
    MaybeFinish();
  }
}

void Driver::OnRequestFailed(Connection& c, const std::string& what) {
  --in_flight_;
  ++result_.failed;
  Note(what);
  c.Close();
  if (issuing_ || !pending_.empty()) {
    c.Connect();
  } else {
    MaybeFinish();
  }
}

}  // namespace

LoadResult RunLoad(const LoadTarget& target, const LoadOptions& options,
                   const BodySource& next_body) {
  Driver driver(target, options, next_body);
  return driver.Run();
}

}  // namespace wf::bench
