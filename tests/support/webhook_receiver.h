// A webhook receiver for tests: an api::HttpServer on a loopback port that
// records every request it is sent (with the X-Watchfloor-* headers) and
// answers 200.
#pragma once

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "api/http_server.h"

namespace wf::test {

struct Received {
  std::string method, target, event, message_id, content_type, body;
};

class WebhookReceiver final : public api::RequestHandler {
 public:
  explicit WebhookReceiver(uint16_t port = 0) : server_(Options(port), *this) {
    Status st = server_.Start();
    if (!st.ok()) throw std::runtime_error("webhook receiver: " + st.ToString());
  }
  ~WebhookReceiver() override { server_.Stop(); }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  uint16_t port() const { return server_.port(); }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  std::vector<Received> received(const std::string& event) const {
    std::vector<Received> out;
    for (auto& r : received()) {
      if (r.event == event) out.push_back(r);
    }
    return out;
  }

  uint64_t BodyLimit(const api::HttpRequest&) const override { return 1 << 20; }
  void Handle(api::HttpRequest request, api::Respond respond) override {
    {
      std::lock_guard lock(mu_);
      received_.push_back({request.method, request.target, std::string(request.Header("x-watchfloor-event")),
                           std::string(request.Header("x-watchfloor-message-id")),
                           std::string(request.Header("content-type")), request.body});
    }
    api::HttpResponse r;
    r.status = 200;
    r.body = "{}";
    respond(std::move(r));
  }
  api::HttpResponse Problem(const api::HttpRequest&, int status, std::string_view title,
                            std::string_view) override {
    api::HttpResponse r;
    r.status = status;
    r.content_type = "text/plain";
    r.body = std::string(title);
    return r;
  }

 private:
  static api::HttpServerOptions Options(uint16_t port) {
    api::HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.threads = 1;
    return o;
  }

  mutable std::mutex mu_;
  std::vector<Received> received_;
  api::HttpServer server_;  // last: stopped before the members it uses go away
};

}  // namespace wf::test
