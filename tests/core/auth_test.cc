#include "core/auth_service.h"

#include <catch2/catch.hpp>

#include <future>

#include "tests/core/temp_db.h"

namespace wf::auth {
namespace {

TEST_CASE("probe", "[core]") {
  wf::testing::TempDb tmp;
  REQUIRE(crypto::InitCrypto().ok());
  ManualClock clock(1795424485000);
  Writer writer(wf::testing::OpenMigratedDb(tmp.path()));
  db::ReadPool reads(tmp.path());
  AuthOptions options;
  options.password_cost = crypto::PasswordHashCost{1, 8192};
  AuthService auth(writer, reads, clock, options);
  audit::Context ctx{"user:root", "r", "local"};
  std::promise<Result<User>> p1;
  auth.CreateUser({"alice", "Alice", "correct horse battery", Role::kL2}, ctx,
                  [&](Result<User> r) { p1.set_value(std::move(r)); });
  auto u = p1.get_future().get();
  REQUIRE(u.ok());
  std::promise<Result<LoginResult>> p2;
  auth.Login("alice", "correct horse battery", ctx, [&](Result<LoginResult> r) { p2.set_value(std::move(r)); });
  auto l = p2.get_future().get();
  REQUIRE(l.ok());
  auto p = auth.Authenticate(l->token);
  INFO(p.status().ToString());
  CHECK(p.ok());
}

}  // namespace
}  // namespace wf::auth
