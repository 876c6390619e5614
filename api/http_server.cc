#include "api/http_server.h"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "api/http_session.h"
#include "api/listener.h"

namespace wf::api {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// How long Stop() lets the I/O threads finish what is queued before it
// abandons the rest.
constexpr std::chrono::seconds kDrainTimeout{5};

// What sessions and respond callbacks share. Owned by the server and, through
// each outstanding respond callback, by the handler: a handler that answers
// after the server is gone must still find an io_context to post to (its
// response is then dropped), and a session must never outlive the io_context
// that its socket belongs to. Sessions reach it through SessionConfig.
struct ServerState {
  ServerState(RequestHandler& handler, const HttpServerOptions& options)
      : io_context(options.threads > 0 ? options.threads : 1) {
    config.handler = &handler;
    config.registry = &registry;
    config.header_timeout = options.header_timeout;
    config.read_timeout = options.read_timeout;
    config.idle_timeout = options.idle_timeout;
  }

  // The io_context is declared last so that it is destroyed first: the
  // sessions owned by its queued handlers die while the registry and the
  // config that they use still exist.
  SessionRegistry registry;
  SessionConfig config;
  std::optional<net::ssl::context> tls;
  net::io_context io_context;
};

// One RunEvery timer. Its handlers run on its own strand, so Stop() (posted
// there) never races with a run.
class PeriodicTask {
 public:
  PeriodicTask(net::io_context& io_context, std::chrono::milliseconds period,
               std::function<void()> fn)
      : timer_(net::make_strand(io_context)), period_(period), fn_(std::move(fn)) {}
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // The owner keeps the task alive until the io_context no longer runs
  // handlers (HttpServer::Stop joins the I/O threads before the tasks die).
  void Start() {
    net::post(timer_.get_executor(), [this] { Arm(); });
  }
  void Stop() {
    net::post(timer_.get_executor(), [this] {
      stopped_ = true;
      timer_.cancel();
    });
  }

 private:
  void Arm() {
    if (stopped_) {
      return;
    }
    timer_.expires_after(period_);
    timer_.async_wait([this](beast::error_code ec) { OnTimer(ec); });
  }

  void OnTimer(beast::error_code ec) {
    if (ec || stopped_) {
      return;
    }
    try {
      fn_();
    } catch (...) {
      // Documented: a throwing task must not stop the timer or an I/O thread.
    }
    Arm();
  }

  net::steady_timer timer_;
  const std::chrono::milliseconds period_;
  const std::function<void()> fn_;
  bool stopped_ = false;  // on the timer's strand
};

Status ValidateOptions(const HttpServerOptions& options) {
  if (options.threads < 1) {
    return Status::InvalidArgument("the HTTP server needs at least one I/O thread");
  }
  if (options.max_connections == 0) {
    return Status::InvalidArgument("max_connections must be at least 1");
  }
  if (options.header_timeout.count() <= 0 || options.read_timeout.count() <= 0 ||
      options.idle_timeout.count() <= 0) {
    return Status::InvalidArgument("HTTP timeouts must be positive");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument("TLS needs both a certificate file and a key file");
  }
  return Status::Ok();
}

Result<tcp::endpoint> ResolveEndpoint(const std::string& host, uint16_t port) {
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (!ec) {
    return tcp::endpoint(address, port);
  }
  net::io_context io_context;
  tcp::resolver resolver(io_context);
  const tcp::resolver::results_type results =
      resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve the listen host \"" + host +
                                   "\": " + (ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

Status LoadTls(net::ssl::context& context, const std::string& cert_file,
               const std::string& key_file) {
  beast::error_code ec;
  context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                          net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                          net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use,
                      ec);
  if (ec) {
    return Status::InvalidArgument("cannot configure TLS: " + ec.message());
  }
  context.use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load the TLS certificate from " + cert_file + ": " +
                                   ec.message());
  }
  context.use_private_key_file(key_file, net::ssl::context::pem, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load the TLS key from " + key_file + ": " +
                                   ec.message());
  }
  return Status::Ok();
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions server_options, RequestHandler& request_handler)
      : options(std::move(server_options)),
        state(std::make_shared<ServerState>(request_handler, options)) {
    state->config.server_state = state;
  }

  Status Start();
  void Stop();
  void Wait();
  void RunEvery(std::chrono::milliseconds period, std::function<void()> fn);
  bool OnIoThread() const;
  void RequestStop();

  const HttpServerOptions options;
  // Declared before everything that uses the io_context, so destroyed after.
  std::shared_ptr<ServerState> state;
  std::shared_ptr<Listener> listener;
  std::atomic<uint16_t> port{0};

  std::mutex lifecycle_mutex;        // serialises Start, Stop and Wait
  bool started = false;              // guarded by lifecycle_mutex
  bool stopped = false;              // guarded by lifecycle_mutex
  std::vector<std::thread> threads;  // guarded by lifecycle_mutex
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::unique_ptr<net::signal_set> signals;  // guarded by lifecycle_mutex

  std::mutex tasks_mutex;
  bool tasks_stopped = false;                        // guarded by tasks_mutex
  std::vector<std::unique_ptr<PeriodicTask>> tasks;  // guarded by tasks_mutex

  std::mutex wait_mutex;
  std::condition_variable wait_cv;
  bool stop_requested = false;  // guarded by wait_mutex
  int running_threads = 0;      // guarded by wait_mutex
};

Status HttpServer::Impl::Start() {
  std::lock_guard lock(lifecycle_mutex);
  if (started) {
    return Status::FailedPrecondition("the HTTP server is already started");
  }
  if (stopped) {
    return Status::FailedPrecondition("the HTTP server has been stopped");
  }
  WF_RETURN_IF_ERROR(ValidateOptions(options));
  if (!options.tls_cert_file.empty()) {
    state->tls.emplace(net::ssl::context::tls_server);
    WF_RETURN_IF_ERROR(LoadTls(*state->tls, options.tls_cert_file, options.tls_key_file));
  }
  WF_ASSIGN_OR_RETURN(const tcp::endpoint endpoint, ResolveEndpoint(options.host, options.port));

  auto new_listener =
      std::make_shared<Listener>(state->io_context, state->tls ? &*state->tls : nullptr,
                                 state->config, options.max_connections);
  WF_RETURN_IF_ERROR(new_listener->Listen(endpoint));
  listener = std::move(new_listener);
  port = listener->port();

  work.emplace(state->io_context.get_executor());
  listener->Run();
  {
    std::lock_guard wait_lock(wait_mutex);
    running_threads = options.threads;
  }
  threads.reserve(static_cast<size_t>(options.threads));
  for (int i = 0; i < options.threads; ++i) {
    threads.emplace_back([this] {
      state->io_context.run();
      {
        std::lock_guard wait_lock(wait_mutex);
        --running_threads;
      }
      wait_cv.notify_all();
    });
  }
  started = true;
  return Status::Ok();
}

bool HttpServer::Impl::OnIoThread() const {
  const std::thread::id self = std::this_thread::get_id();
  for (const std::thread& thread : threads) {
    if (thread.get_id() == self) {
      return true;
    }
  }
  return false;
}

void HttpServer::Impl::RequestStop() {
  {
    std::lock_guard wait_lock(wait_mutex);
    stop_requested = true;
  }
  wait_cv.notify_all();
}

void HttpServer::Impl::Stop() {
  std::lock_guard lock(lifecycle_mutex);
  RequestStop();
  if (stopped) {
    return;
  }
  stopped = true;
  std::vector<PeriodicTask*> to_stop;
  {
    std::lock_guard tasks_lock(tasks_mutex);
    tasks_stopped = true;
    for (const auto& task : tasks) {
      to_stop.push_back(task.get());
    }
  }
  if (!started) {
    return;
  }
  // Joining from an I/O thread would wait for itself.
  WF_CHECK(!OnIoThread());

  listener->Stop();
  state->registry.CloseAll();
  for (PeriodicTask* task : to_stop) {
    task->Stop();
  }
  if (signals) {
    net::post(signals->get_executor(), [set = signals.get()] { set->cancel(); });
  }
  // Without the work guard the threads return once everything above has
  // run; sessions waiting for their handler hold no I/O and do not block.
  work.reset();
  {
    std::unique_lock wait_lock(wait_mutex);
    if (!wait_cv.wait_for(wait_lock, kDrainTimeout, [this] { return running_threads == 0; })) {
      state->io_context.stop();
    }
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  threads.clear();
}

void HttpServer::Impl::Wait() {
  {
    std::lock_guard lock(lifecycle_mutex);
    if (!started || stopped) {
      return;
    }
    if (!signals) {
      signals = std::make_unique<net::signal_set>(net::make_strand(state->io_context));
      beast::error_code ec;
      signals->add(SIGINT, ec);
      signals->add(SIGTERM, ec);
      signals->async_wait([this](beast::error_code wait_ec, int /*signal*/) {
        if (!wait_ec) {
          RequestStop();
        }
      });
    }
  }
  {
    std::unique_lock wait_lock(wait_mutex);
    wait_cv.wait(wait_lock, [this] { return stop_requested; });
  }
  Stop();
  std::lock_guard lock(lifecycle_mutex);
  signals.reset();  // the I/O threads are joined: nothing else touches it
}

void HttpServer::Impl::RunEvery(std::chrono::milliseconds period, std::function<void()> fn) {
  WF_CHECK(period.count() > 0);
  std::lock_guard tasks_lock(tasks_mutex);
  if (tasks_stopped) {
    return;
  }
  tasks.push_back(std::make_unique<PeriodicTask>(state->io_context, period, std::move(fn)));
  tasks.back()->Start();
}

HttpServer::HttpServer(HttpServerOptions options, RequestHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

HttpServer::~HttpServer() { impl_->Stop(); }

Status HttpServer::Start() { return impl_->Start(); }

uint16_t HttpServer::port() const { return impl_->port.load(); }

void HttpServer::RunEvery(std::chrono::milliseconds period, std::function<void()> fn) {
  impl_->RunEvery(period, std::move(fn));
}

void HttpServer::Stop() { impl_->Stop(); }

void HttpServer::Wait() { impl_->Wait(); }

}  // namespace wf::api
