#include "api/listener.h"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <chrono>
#include <string>
#include <utility>

namespace wf::api {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::chrono::milliseconds kAcceptBackoff{100};

std::string EndpointString(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

// Errors after which accepting again at once would fail again at once.
bool IsResourceExhaustion(const beast::error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec == beast::errc::too_many_files_open_in_system;
}

}  // namespace

Listener::Listener(net::io_context& io_context, net::ssl::context* tls, const SessionConfig& config,
                   size_t max_connections)
    : io_context_(io_context),
      tls_(tls),
      config_(config),
      max_connections_(max_connections),
      acceptor_(net::make_strand(io_context)),
      backoff_timer_(acceptor_.get_executor()) {}

Status Listener::Listen(const tcp::endpoint& endpoint) {
  auto fail = [&](std::string_view step, const beast::error_code& ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Status::Unavailable("cannot " + std::string(step) + " " + EndpointString(endpoint) +
                               ": " + ec.message());
  };
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) {
    return fail("open a socket for", ec);
  }
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) {
    return fail("set SO_REUSEADDR for", ec);
  }
  acceptor_.bind(endpoint, ec);
  if (ec) {
    return fail("bind", ec);
  }
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail("listen on", ec);
  }
  const tcp::endpoint bound = acceptor_.local_endpoint(ec);
  if (ec) {
    return fail("read the bound address of", ec);
  }
  port_ = bound.port();
  return Status::Ok();
}

uint16_t Listener::port() const { return port_; }

void Listener::Run() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->DoAccept(); });
}

void Listener::Stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->backoff_timer_.cancel();
  });
}

void Listener::DoAccept() {
  if (stopped_) {
    return;
  }
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(io_context_),
                         beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
}

void Listener::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopped_ || ec == net::error::operation_aborted) {
    return;
  }
  if (ec) {
    if (IsResourceExhaustion(ec)) {
      backoff_timer_.expires_after(kAcceptBackoff);
      backoff_timer_.async_wait(
          beast::bind_front_handler(&Listener::OnBackoff, shared_from_this()));
      return;
    }
    DoAccept();  // e.g. the client reset the connection before we accepted it
    return;
  }
  const size_t live = config_.registry->size();
  if (live >= 2 * max_connections_) {
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    const bool over_capacity = live >= max_connections_;
    std::shared_ptr<Session> session;
    if (tls_ != nullptr) {
      session = std::make_shared<TlsHttpSession>(std::move(socket), tls_, config_, over_capacity);
    } else {
      session =
          std::make_shared<PlainHttpSession>(std::move(socket), nullptr, config_, over_capacity);
    }
    session->Run();
  }
  DoAccept();
}

void Listener::OnBackoff(beast::error_code ec) {
  if (ec) {
    return;  // cancelled by Stop()
  }
  DoAccept();
}

}  // namespace wf::api
