// The email channel over real HTTP: POST /api/v1/ingest/email with the sample
// mails of samples/email/, deduplication of a phish reported twice, content
// type and size refusals (nothing stored), attachments downloadable as
// evidence and carried onto the case on promote and merge.
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "tests/support/test_files.h"
#include "tests/support/test_server.h"

namespace wf::test {
namespace {

constexpr char kEmail[] = "/api/v1/ingest/email";
constexpr char kRfc822[] = "message/rfc822";
// SHA-256 of the invoice.pdf.exe in samples/email/04-attachment-base64.eml.
constexpr char kInvoiceSha256[] = "07ad0ff9b41dbadf0cd311e9fbd7f5673750c252339f98f14291b37e08a884c2";

std::string ReadMail(const std::string& name) { return ReadSample("email/" + name); }


struct Posted {
  int status = 0;
  int64_t id = 0;
  std::string outcome;
  int64_t occurrences = 0;
};

Posted PostMail(TestServer& s, const std::string& key, const std::string& mail) {
  ClientResponse r = s.Post(kEmail, mail, key, kRfc822);
  INFO(r.status << " " << r.body.substr(0, 600));
  Posted p;
  p.status = r.status;
  REQUIRE((r.status == 200 || r.status == 201));
  auto d = ParseJson(r.body);
  REQUIRE(d["results"].Size() == 1);
  const auto& x = d["results"][0];
  p.id = x["id"].GetInt64();
  p.outcome = x["status"].GetString();
  p.occurrences = x["occurrences"].GetInt64();
  return p;
}

bool HasObservable(const rapidjson::Value& alert, const std::string& type, const std::string& value) {
  for (const auto& o : alert["observables"].GetArray()) {
    if (type == o["type"].GetString() && value == o["value"].GetString()) return true;
  }
  return false;
}

bool HasTag(const rapidjson::Value& alert, const std::string& tag) {
  for (const auto& t : alert["tags"].GetArray()) {
    if (tag == t.GetString()) return true;
  }
  return false;
}

void CheckProblem(const ClientResponse& r, int status, const std::string& detail_has = {}) {
  INFO("HTTP " << r.status << " " << r.Header("content-type") << " " << r.body.substr(0, 400));
  CHECK(r.status == status);
  CHECK(r.Header("content-type").rfind("application/problem+json", 0) == 0);
  if (!detail_has.empty()) CHECK_THAT(JsonField(r.body, "detail"), Catch::Contains(detail_has));
}

// What a refused request must leave untouched, files included.
std::string Snapshot(TestServer& s) {
  std::string out;
  for (const auto& [table, n] : s.Counts()) out += fmt::format("{}={} ", table, n);
  for (const char* t : {"attachments", "alert_attachments", "case_attachments"}) {
    out += fmt::format("{}={} ", t, s.QueryInt(fmt::format("SELECT COUNT(*) FROM {}", t)));
  }
  std::filesystem::path dir = std::filesystem::path(s.db_path()).parent_path() / "attachments";
  size_t files = 0;
  if (std::filesystem::exists(dir)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) files += e.is_regular_file();
  }
  out += fmt::format("files={}", files);
  return out;
}

// A mail carrying one base64 attachment of `size` bytes.
std::string MailWithAttachment(size_t size, const std::string& message_id) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 7919) & 0xff);
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  b64.reserve(size * 4 / 3 + size / 38 + 8);
  size_t line = 0;
  for (size_t i = 0; i < size; i += 3) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16;
    if (i + 1 < size) v |= static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
    if (i + 2 < size) v |= static_cast<unsigned char>(data[i + 2]);
    b64.push_back(kAlphabet[(v >> 18) & 63]);
    b64.push_back(kAlphabet[(v >> 12) & 63]);
    b64.push_back(i + 1 < size ? kAlphabet[(v >> 6) & 63] : '=');
    b64.push_back(i + 2 < size ? kAlphabet[v & 63] : '=');
    if (++line == 19) {
      b64 += "\r\n";
      line = 0;
    }
  }
  return "From: big@sender.example\r\nTo: phishing@corp.example\r\nSubject: big attachment\r\n"
         "Message-ID: <" + message_id + ">\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
         "--BB\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=big.zip\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--BB--\r\n";
}

TEST_CASE("Email API: every sample mail becomes an alert with its fields and observables", "[api][email]") {
  TestServer s;
  const std::string key = s.CreateApiKey("mailbox");
  const std::string analyst = s.CreateUserToken("ana", "l1");

  Posted phish = PostMail(s, key, ReadMail("01-forwarded-phish.eml"));
  CHECK(phish.status == 201);
  CHECK(phish.outcome == "created");
  auto a = ParseJson(s.Get(fmt::format("/api/v1/alerts/{}", phish.id), analyst).body);
  CHECK(std::string(a["source_kind"].GetString()) == "email");
  CHECK(std::string(a["source"].GetString()) == "phishing@corp.example");
  CHECK(std::string(a["rule_name"].GetString()) == "email");
  CHECK(std::string(a["title"].GetString()) == "Reported email: Your account has been limited - action required");
  CHECK_THAT(std::string(a["description"].GetString()), Catch::Contains("Reported by: Alice Martin"));
  CHECK(HasTag(a, "phishing-report"));
  CHECK(HasObservable(a, "mail", "service@paypa1-secure.example"));
  CHECK(HasObservable(a, "mail", "billing-desk@mailbox-support.example"));
  CHECK(HasObservable(a, "mail", "alice@corp.example"));
  CHECK(HasObservable(a, "ip", "203.0.113.45"));
  CHECK(HasObservable(a, "url", "https://paypa1-secure.example/login/verify?id=88213"));
  REQUIRE(a["attachments"].Size() == 1);
  CHECK(std::string(a["attachments"][0]["content_type"].GetString()) == "message/rfc822");

  Posted invoice = PostMail(s, key, ReadMail("04-attachment-base64.eml"));
  CHECK(invoice.status == 201);
  auto b = ParseJson(s.Get(fmt::format("/api/v1/alerts/{}", invoice.id), analyst).body);
  CHECK(HasObservable(b, "hash", kInvoiceSha256));
  CHECK(HasObservable(b, "filename", "invoice.pdf.exe"));
  REQUIRE(b["attachments"].Size() == 1);
  const auto& f = b["attachments"][0];
  CHECK(std::string(f["filename"].GetString()) == "invoice.pdf.exe");
  CHECK(std::string(f["content_type"].GetString()) == "application/octet-stream");
  CHECK(f["size"].GetInt64() == 313);
  CHECK(std::string(f["sha256"].GetString()) == kInvoiceSha256);
  CHECK(std::string(f["download"].GetString()) == std::string("/api/v1/attachments/") + kInvoiceSha256);

  for (const char* name : {"03-multipart-alternative-qp.eml", "05-latin1-encoded-words.eml", "06-plain-report.eml"}) {
    INFO(name);
    Posted p = PostMail(s, key, ReadMail(name));
    CHECK(p.status == 201);
  }
  auto latin = ParseJson(s.Get("/api/v1/alerts?source_kind=email&q=paiement", analyst).body);
  REQUIRE(latin["alerts"].Size() == 1);
  CHECK(std::string(latin["alerts"][0]["title"].GetString()) ==
        "Re\xC3\xA7u de paiement \xC3\xA0 v\xC3\xA9rifier \xE2\x82\xAC 1\xC2\xA0" "250");
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts WHERE source_kind = 'email'") == 5);
}

TEST_CASE("Email API: the same phish reported twice folds into one alert", "[api][email]") {
  TestServer s;
  const std::string key = s.CreateApiKey("mailbox");
  const std::string analyst = s.CreateUserToken("ana", "l1");
  Posted first = PostMail(s, key, ReadMail("01-forwarded-phish.eml"));
  CHECK(first.status == 201);

  SECTION("the very same mail delivered again") {
    Posted again = PostMail(s, key, ReadMail("01-forwarded-phish.eml"));
    CHECK(again.status == 200);
    CHECK(again.outcome == "duplicate");
    CHECK(again.id == first.id);
    CHECK(again.occurrences == 2);
    CHECK(s.QueryInt("SELECT COUNT(*) FROM alert_attachments") == 1);  // linked once
  }
  SECTION("another user forwards the same original") {
    Posted bob = PostMail(s, key, ReadMail("02-forwarded-phish-second-reporter.eml"));
    CHECK(bob.status == 200);
    CHECK(bob.outcome == "duplicate");
    CHECK(bob.id == first.id);
    CHECK(bob.occurrences == 2);
    auto a = ParseJson(s.Get(fmt::format("/api/v1/alerts/{}", first.id), analyst).body);
    CHECK(a["occurrences"].GetInt64() == 2);
    CHECK(HasObservable(a, "mail", "alice@corp.example"));
    CHECK(HasObservable(a, "mail", "bob@corp.example"));  // the second reporter is linked too
  }
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alerts") == 1);
  CHECK(s.QueryInt("SELECT COUNT(*) FROM alert_deliveries") == 2);
}

TEST_CASE("Email API: a wrong content type is refused with 415 and stores nothing", "[api][email]") {
  TestServer s;
  const std::string key = s.CreateApiKey("mailbox");
  const std::string mail = ReadMail("04-attachment-base64.eml");
  const std::string before = Snapshot(s);
  CheckProblem(s.Post(kEmail, mail, key, "text/plain"), 415, "message/rfc822");
  CheckProblem(s.Post(kEmail, mail, key, "application/json"), 415, "message/rfc822");
  CheckProblem(s.Post(kEmail, mail, key, ""), 415, "message/rfc822");
  // A JSON format does not take a mail.
  CheckProblem(s.Post("/api/v1/ingest/generic", mail, key, kRfc822), 415, "application/json");
  CHECK(Snapshot(s) == before);
  // Parameters after the type are fine.
  CHECK(s.Post(kEmail, mail, key, "message/rfc822; charset=us-ascii").status == 201);
}

TEST_CASE("Email API: what is not a mail is refused and stores nothing", "[api][email]") {
  TestServer s;
  const std::string key = s.CreateApiKey("mailbox");
  const std::string before = Snapshot(s);
  CheckProblem(s.Post(kEmail, "", key, kRfc822), 400, "empty");
  CheckProblem(s.Post(kEmail, std::string("\x00\x01\xff\xfe\x89PNG", 8), key, kRfc822), 400, "not an email");
  CheckProblem(s.Post(kEmail, "Subject: who sent this?\r\n\r\nbody\r\n", key, kRfc822), 422, "From");
  CHECK(Snapshot(s) == before);
}

TEST_CASE("Email API: only an ingest key posts mail", "[api][email]") {
  TestServer s;
  const std::string mail = ReadMail("06-plain-report.eml");
  const std::string analyst = s.CreateUserToken("ana", "l1");
  const std::string reader = s.CreateApiKey("reader", "read");
  const std::string before = Snapshot(s);
  CHECK(s.Post(kEmail, mail, "", kRfc822).status == 401);
  CHECK(s.Post(kEmail, mail, analyst, kRfc822).status == 403);
  CHECK(s.Post(kEmail, mail, reader, kRfc822).status == 403);
  CHECK(Snapshot(s) == before);
}

TEST_CASE("Email API: a mail over the email limit gets 413 and stores nothing", "[api][email]") {
  SECTION("a 20 MB attachment over a configured 1 MiB limit") {
    TestServer s([](Config& c) { c.email_max_bytes = 1 << 20; });
    const std::string key = s.CreateApiKey("mailbox");
    const std::string before = Snapshot(s);
    CheckProblem(s.Post(kEmail, MailWithAttachment(20'000'000, "big-1@sender.example"), key, kRfc822), 413,
                 "larger than 1048576 bytes");
    CHECK(Snapshot(s) == before);
    CHECK(s.Get("/healthz", "").status == 200);
  }
  SECTION("a 20 MB attachment is over the default 25 MiB once base64-encoded") {
    TestServer s;
    const std::string key = s.CreateApiKey("mailbox");
    const std::string before = Snapshot(s);
    std::string mail = MailWithAttachment(20'000'000, "big-2@sender.example");
    REQUIRE(mail.size() > (25u << 20));
    CheckProblem(s.Post(kEmail, mail, key, kRfc822), 413, "larger than 26214400 bytes");
    CHECK(Snapshot(s) == before);
  }
  SECTION("a mail over the 1 MiB ingest limit but under the email limit is taken") {
    TestServer s([](Config& c) { c.email_max_bytes = 4 << 20; });
    const std::string key = s.CreateApiKey("mailbox");
    const std::string analyst = s.CreateUserToken("ana", "l1");
    std::string mail = MailWithAttachment(2'000'000, "big-3@sender.example");
    REQUIRE(mail.size() > (1u << 20));
    Posted p = PostMail(s, key, mail);
    CHECK(p.status == 201);
    auto a = ParseJson(s.Get(fmt::format("/api/v1/alerts/{}", p.id), analyst).body);
    REQUIRE(a["attachments"].Size() == 1);
    CHECK(a["attachments"][0]["size"].GetInt64() == 2'000'000);
    // JSON ingest keeps its own 1 MiB limit.
    CheckProblem(s.Post("/api/v1/ingest/generic", std::string(1'200'000, ' '), key), 413);
  }
}

TEST_CASE("Email API: an attachment is downloadable as evidence by readers only", "[api][email]") {
  TestServer s;
  const std::string key = s.CreateApiKey("mailbox");
  PostMail(s, key, ReadMail("04-attachment-base64.eml"));
  const std::string target = std::string("/api/v1/attachments/") + kInvoiceSha256;
  for (const char* role : {"l1", "auditor"}) {
    INFO(role);
    ClientResponse r = s.Get(target, s.CreateUserToken(std::string("u-") + role, role));
    REQUIRE(r.status == 200);
    CHECK(crypto::Sha256Hex(r.body) == kInvoiceSha256);
    CHECK(r.body.size() == 313);
    CHECK(r.Header("content-type") == "application/octet-stream");
    CHECK_THAT(r.Header("content-disposition"), Catch::Contains("filename=\"invoice.pdf.exe\""));
  }
  CHECK(s.Get(target, key).status == 403);  // an ingest key does not read
  CHECK(s.Get(target, "").status == 401);
  CHECK(s.Get("/api/v1/attachments/" + std::string(64, 'a'), s.admin_token()).status == 404);
}

TEST_CASE("Email API: promote and merge carry the alert's attachments onto the case", "[api][email]") {
  TestServer s;
  const std::string key = s.CreateApiKey("mailbox");
  const std::string analyst = s.CreateUserToken("ana", "l1");
  Posted invoice = PostMail(s, key, ReadMail("04-attachment-base64.eml"));
  Posted phish = PostMail(s, key, ReadMail("01-forwarded-phish.eml"));

  ClientResponse promoted = s.Post(fmt::format("/api/v1/alerts/{}/promote", invoice.id), "{}", analyst);
  REQUIRE(promoted.status == 201);
  auto c = ParseJson(promoted.body);
  const int64_t case_id = c["id"].GetInt64();
  auto files = ParseJson(s.Get(fmt::format("/api/v1/cases/{}/attachments", case_id), analyst).body);
  INFO(s.Get(fmt::format("/api/v1/cases/{}/attachments", case_id), analyst).body);
  REQUIRE(files["attachments"].Size() == 1);
  CHECK(std::string(files["attachments"][0]["filename"].GetString()) == "invoice.pdf.exe");
  CHECK(std::string(files["attachments"][0]["sha256"].GetString()) == kInvoiceSha256);
  CHECK(files["attachments"][0]["size"].GetInt64() == 313);
  CHECK(s.QueryInt(fmt::format("SELECT COUNT(*) FROM case_events WHERE case_id = {} AND kind = "
                               "'attachment_added'", case_id)) == 1);
  // The hash observable came along with the alert's other observables.
  CHECK(s.QueryInt(fmt::format("SELECT COUNT(*) FROM observable_links l JOIN observables o ON o.id = "
                               "l.observable_id WHERE l.object_type = 'case' AND l.object_id = {} AND "
                               "o.value = '{}'", case_id, kInvoiceSha256)) == 1);

  ClientResponse merged = s.Post(fmt::format("/api/v1/alerts/{}/merge", phish.id),
                                 fmt::format(R"({{"case":"{}"}})", case_id), analyst);
  REQUIRE(merged.status == 200);
  files = ParseJson(s.Get(fmt::format("/api/v1/cases/{}/attachments", case_id), analyst).body);
  REQUIRE(files["attachments"].Size() == 2);
  CHECK(std::string(files["attachments"][1]["content_type"].GetString()) == "message/rfc822");

  // A re-reported mail whose alert is already in a case brings nothing twice.
  Posted again = PostMail(s, key, ReadMail("04-attachment-base64.eml"));
  CHECK(again.outcome == "duplicate");
  CHECK(s.QueryInt(fmt::format("SELECT COUNT(*) FROM case_attachments WHERE case_id = {}", case_id)) == 2);
}

}  // namespace
}  // namespace wf::test
