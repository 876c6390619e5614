#include "tests/support/test_server.h"

#include <filesystem>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "core/sqlite.h"

namespace wf::test {

namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/watchfloor-test-XXXXXX";
  char* d = mkdtemp(tmpl);
  if (!d) throw std::runtime_error("mkdtemp failed");
  return d;
}

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

}  // namespace

std::string JsonField(const std::string& json, const std::string& key) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError()) return {};
  std::function<std::string(const rapidjson::Value&)> find = [&](const rapidjson::Value& v) -> std::string {
    if (v.IsObject()) {
      auto it = v.FindMember(key.c_str());
      if (it != v.MemberEnd()) {
        const auto& f = it->value;
        if (f.IsString()) return f.GetString();
        if (f.IsInt64()) return std::to_string(f.GetInt64());
        if (f.IsBool()) return f.GetBool() ? "true" : "false";
        if (f.IsNull()) return "null";
        return "<complex>";
      }
      for (const auto& m : v.GetObject()) {
        std::string r = find(m.value);
        if (!r.empty()) return r;
      }
    } else if (v.IsArray()) {
      for (const auto& e : v.GetArray()) {
        std::string r = find(e);
        if (!r.empty()) return r;
      }
    }
    return {};
  };
  return find(doc);
}

TestServer::TestServer(const std::function<void(Config&)>& tweak) {
  dir_ = MakeTempDir();
  config_.db_path = dir_ + "/watchfloor.db";
  config_.listen = "127.0.0.1:0";
  config_.threads = 2;
  config_.log_level = "error";
  config_.password_hash_ops = 1;  // libsodium's minimum cost: tests log in often
  config_.password_hash_memory_kib = 8;
  if (tweak) tweak(config_);
  StartApp();
  admin_token_ = CreateUserToken("admin", "admin");
}

void TestServer::StartApp() {
  auto app = api::ServerApp::Create(config_, api::ServerAppOptions{&clock_});
  Require(app.ok(), "ServerApp::Create: " + app.status().ToString());
  app_ = std::move(*app);
  Status st = app_->Start();
  Require(st.ok(), "ServerApp::Start: " + st.ToString());
  client_ = std::make_unique<HttpClient>(port());
}

void TestServer::Restart() {
  Stop();
  app_.reset();
  StartApp();
}

TestServer::~TestServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void TestServer::Stop() {
  client_.reset();
  if (app_) app_->Stop();
}

std::string TestServer::CreateUserToken(const std::string& login, const std::string& role) {
  if (admin_token_.empty()) {
    // Bootstrap: the admin is created directly, exactly as `watchfloor init` does.
    Status st = app_->CreateUser(login, role, kTestPassword);
    Require(st.ok(), "bootstrap admin: " + st.ToString());
  } else {
    auto r = Post("/api/v1/users",
                  fmt::format(R"({{"login":"{}","name":"{}","role":"{}","password":"{}"}})", login,
                              login, role, kTestPassword),
                  admin_token_);
    Require(r.status == 201, "create user: " + r.body);
  }
  auto r = client_->Request("POST", "/api/v1/auth/login",
                            fmt::format(R"({{"login":"{}","password":"{}"}})", login, kTestPassword),
                            {{"Content-Type", "application/json"}});
  Require(r.status == 200, "login: " + r.body);
  return JsonField(r.body, "token");
}

std::string TestServer::CreateApiKey(const std::string& name, const std::string& scope) {
  auto r = Post("/api/v1/api-keys", fmt::format(R"({{"name":"{}","scopes":["{}"]}})", name, scope),
                admin_token_);
  Require(r.status == 201, "create api key: " + r.body);
  return JsonField(r.body, "key");
}

int64_t TestServer::QueryInt(const std::string& sql) {
  db::OpenOptions o;
  o.read_only = true;
  auto db = db::Database::Open(config_.db_path, o);
  Require(db.ok(), "open db");
  auto st = (*db)->Prepare(sql);
  Require(st.ok(), "prepare: " + st.status().ToString());
  auto row = st->Step();
  Require(row.ok() && *row, "no row for: " + sql);
  return st->Int64(0);
}

std::vector<std::pair<std::string, int64_t>> TestServer::Counts() {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const char* t : {"alerts", "alert_deliveries", "observables", "observable_links", "users",
                        "api_keys", "audit_log", "alert_tags"}) {
    out.emplace_back(t, QueryInt(fmt::format("SELECT COUNT(*) FROM {}", t)));
  }
  return out;
}

ClientResponse TestServer::Post(const std::string& target, const std::string& body,
                                const std::string& token, const std::string& content_type) {
  std::vector<std::pair<std::string, std::string>> h;
  if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return client_->Request("POST", target, body, h);
}

ClientResponse TestServer::Get(const std::string& target, const std::string& token) {
  std::vector<std::pair<std::string, std::string>> h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return client_->Request("GET", target, {}, h);
}

ClientResponse TestServer::Patch(const std::string& target, const std::string& body,
                                 const std::string& token) {
  std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return client_->Request("PATCH", target, body, h);
}

ClientResponse TestServer::Put(const std::string& target, const std::string& body,
                               const std::string& token) {
  std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return client_->Request("PUT", target, body, h);
}

ClientResponse TestServer::Delete(const std::string& target, const std::string& token) {
  std::vector<std::pair<std::string, std::string>> h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return client_->Request("DELETE", target, {}, h);
}

}  // namespace wf::test
