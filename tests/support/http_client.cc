// Asio's configuration comes from the wf_asio target (CMakeLists.txt), shared
// with wf_api_http: both are linked into the same test executables.
#include "tests/support/http_client.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <functional>
#include <optional>

namespace wf::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::chrono::seconds kTimeout{30};

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

template <class StringView>
std::string ToString(StringView s) {
  return std::string(s.data(), s.size());
}

// Runs one asynchronous operation to completion on `io_context`; the
// operation's own deadline (tcp_stream expiry) bounds the wait.
template <class Initiate>
beast::error_code RunOne(net::io_context& io_context, Initiate initiate) {
  beast::error_code result = net::error::would_block;
  initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
  io_context.restart();
  io_context.run();
  return result;
}

std::optional<tcp::endpoint> Resolve(net::io_context& io_context, const std::string& host,
                                     uint16_t port) {
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (!ec) {
    return tcp::endpoint(address, port);
  }
  tcp::resolver resolver(io_context);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    return std::nullopt;
  }
  return results.begin()->endpoint();
}

ClientResponse Failure(std::string_view step, const beast::error_code& ec) {
  ClientResponse response;
  response.body = "HttpClient: " + std::string(step) + " failed: " + ec.message();
  return response;
}

}  // namespace

std::string ClientResponse::Header(std::string_view lowercase) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase) {
      return value;
    }
  }
  return {};
}

struct HttpClient::Impl {
  beast::error_code Connect() {
    stream.reset();
    buffer.clear();
    const std::optional<tcp::endpoint> endpoint = Resolve(io_context, host, port);
    if (!endpoint.has_value()) {
      return net::error::host_not_found;
    }
    stream.emplace(io_context);
    stream->expires_after(kTimeout);
    const beast::error_code ec =
        RunOne(io_context, [&](auto handler) { stream->async_connect(*endpoint, handler); });
    if (ec) {
      stream.reset();
      return ec;
    }
    ++connections;
    return {};
  }

  net::io_context io_context;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  uint16_t port = 0;
  std::string host;
  int connections = 0;
};

HttpClient::HttpClient(uint16_t port, std::string host) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->host = std::move(host);
}

HttpClient::~HttpClient() = default;

int HttpClient::connections_opened() const { return impl_->connections; }

ClientResponse HttpClient::Request(std::string_view method, std::string_view target,
                                   std::string_view body,
                                   std::vector<std::pair<std::string, std::string>> headers) {
  http::request<http::string_body> request;
  request.version(11);
  request.method_string({method.data(), method.size()});
  request.target({target.data(), target.size()});
  bool has_host = false;
  for (const auto& [name, value] : headers) {
    has_host = has_host || Lowercase(name) == "host";
    request.insert(beast::string_view(name.data(), name.size()),
                   beast::string_view(value.data(), value.size()));
  }
  if (!has_host) {
    request.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
  }
  request.body() = std::string(body);
  request.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    if (!impl_->stream.has_value()) {
      if (beast::error_code ec = impl_->Connect()) {
        return Failure("connect", ec);
      }
      fresh = true;
    }
    const bool may_retry = !fresh && attempt == 0;
    beast::tcp_stream& stream = *impl_->stream;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    parser.header_limit(1024 * 1024);
    parser.skip(request.method() == http::verb::head);
    // Read while writing: a server may answer before the body is sent (413)
    // and stop reading it.
    beast::error_code write_ec = net::error::would_block;
    beast::error_code read_ec = net::error::would_block;
    bool write_done = false;
    bool answered_early = false;
    stream.expires_after(kTimeout);
    http::async_write(stream, request, [&](beast::error_code ec, size_t) {
      write_ec = ec;
      write_done = true;
    });
    http::async_read(stream, impl_->buffer, parser, [&](beast::error_code ec, size_t) {
      read_ec = ec;
      if (!write_done) {
        answered_early = true;
        stream.cancel();  // stop the write; the connection is not reusable
      }
    });
    impl_->io_context.restart();
    impl_->io_context.run();
    if (read_ec) {
      const bool retry = may_retry && !parser.got_some();
      impl_->stream.reset();
      if (retry) {
        continue;  // the kept-alive connection had been closed by the server
      }
      return write_ec && write_ec != net::error::operation_aborted ? Failure("write", write_ec)
                                                                   : Failure("read", read_ec);
    }
    const auto& message = parser.get();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    response.body = message.body();
    for (const auto& field : message) {
      response.headers.emplace_back(Lowercase(ToString(field.name_string())),
                                    ToString(field.value()));
    }
    if (!message.keep_alive() || answered_early || write_ec) {
      impl_->stream.reset();
    }
    return response;
  }
}

std::string HttpClient::Raw(uint16_t port, std::string_view bytes, int timeout_ms) {
  net::io_context io_context;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  beast::tcp_stream stream(io_context);
  stream.expires_at(deadline);
  const beast::error_code ec = RunOne(io_context, [&](auto handler) {
    stream.async_connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port), handler);
  });
  if (ec) {
    return {};
  }

  std::string received;
  std::array<char, size_t{16} * 1024> chunk{};
  std::function<void()> read_more = [&] {
    stream.async_read_some(net::buffer(chunk), [&](beast::error_code read_ec, size_t n) {
      received.append(chunk.data(), n);
      if (read_ec) {
        // Closed by the server, or the deadline: stop writing as well.
        stream.close();
        return;
      }
      read_more();
    });
  };
  stream.expires_at(deadline);
  read_more();
  net::async_write(stream, net::buffer(bytes.data(), bytes.size()),
                   [](beast::error_code, size_t) {});
  io_context.restart();
  io_context.run();
  return received;
}

}  // namespace wf::test
