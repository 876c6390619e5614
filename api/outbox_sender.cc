#include "api/outbox_sender.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "core/log.h"
#include "core/outbox.h"

namespace wf::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

struct Url {
  std::string host, port, target;
};

Result<Url> ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    return Status::InvalidArgument(fmt::format("webhook URL '{}' must start with http://", url));
  }
  std::string rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  Url u;
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    u.host = hostport.substr(0, colon);
    u.port = hostport.substr(colon + 1);
  } else {
    u.host = hostport;
    u.port = "80";
  }
  if (u.host.size() > 2 && u.host.front() == '[' && u.host.back() == ']') u.host = u.host.substr(1, u.host.size() - 2);
  if (u.host.empty() || u.port.empty()) return Status::InvalidArgument(fmt::format("webhook URL '{}' has no host", url));
  return u;
}

// One POST; OK on a 2xx.
Status Post(const Url& u, int64_t id, const std::string& event, const std::string& body,
            std::chrono::milliseconds timeout) {
  try {
    net::io_context ioc;
    net::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    auto results = resolver.resolve(u.host, u.port);
    stream.connect(results);
    http::request<http::string_body> req{http::verb::post, u.target, 11};
    req.set(http::field::host, u.host);
    req.set(http::field::user_agent, "watchfloor-outbox");
    req.set(http::field::content_type, "application/json");
    req.set("X-Watchfloor-Event", event);
    // Delivery is at-least-once: the id lets a receiver drop a repeat.
    req.set("X-Watchfloor-Message-Id", std::to_string(id));
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    if (res.result_int() < 200 || res.result_int() >= 300) {
      return Status::Unavailable(fmt::format("HTTP {}", res.result_int()));
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Unavailable(e.what());
  }
}

}  // namespace

Result<std::vector<std::string>> ParseWebhookUrls(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    start = comma + 1;
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) continue;
    WF_RETURN_IF_ERROR(ParseUrl(item).status());
    out.push_back(item);
  }
  return out;
}

OutboxSender::OutboxSender(OutboxOptions options, Writer& writer, db::ReadPool& reads, const Clock& clock)
    : options_(std::move(options)), writer_(writer), reads_(reads), clock_(clock) {}

OutboxSender::~OutboxSender() { Stop(); }

void OutboxSender::Start() {
  // Always runs: routing rules may name their own webhook even when no
  // notify.webhook_urls are configured.
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void OutboxSender::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    DeliverDue();
    lock.lock();
    cv_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

int OutboxSender::DeliverDue() {
  std::lock_guard pass(deliver_mu_);
  std::vector<outbox::Message> due;
  {
    auto lease = reads_.Acquire();
    if (!lease.ok()) return 0;
    auto r = outbox::Due(lease->db(), clock_.NowMs(), 100, !options_.urls.empty());
    if (!r.ok()) return 0;
    due = std::move(*r);
  }
  int delivered = 0;
  for (const auto& m : due) {
    Status result;
    const std::vector<std::string> own{m.url};
    for (const auto& url : m.url.empty() ? options_.urls : own) {
      auto u = ParseUrl(url);
      Status st = u.ok() ? Post(*u, m.id, m.event, m.payload, options_.timeout) : u.status();
      if (!st.ok()) {
        result = Status::Unavailable(fmt::format("{}: {}", url, st.message()));
        break;
      }
    }
    int64_t now = clock_.NowMs();
    int64_t id = m.id;
    Status write = writer_.Run([id, now, result](db::Database& db) {
      if (result.ok()) return outbox::MarkDelivered(db, id, now);
      return outbox::MarkFailed(db, id, result.message(), now);
    });
    if (result.ok() && write.ok()) {
      ++delivered;
    } else if (!result.ok()) {
      log::Event(log::Level::kWarn, "outbox.delivery_failed",
                 {{"id", id}, {"event", m.event}, {"attempts", m.attempts + 1}, {"error", result.message()}});
    }
  }
  return delivered;
}

}  // namespace wf::api
