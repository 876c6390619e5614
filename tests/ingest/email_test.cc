// The email channel's parser (ingest/formats/email.h) on the sample mails in
// samples/email/ and on mails built here: fields, unwrapping of forwarded
// messages, charsets, transfer encodings, attachments, rejections.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/crypto.h"
#include "core/json.h"
#include "ingest/fingerprint.h"
#include "ingest/formats/email.h"
#include "ingest/formats/registry.h"
#include "tests/support/test_files.h"

#ifndef WATCHFLOOR_SOURCE_DIR
#define WATCHFLOOR_SOURCE_DIR "/work/main"
#endif

namespace wf::ingest {
namespace {

using Catch::Matchers::Contains;
using observables::ObservableType;

// SHA-256 of the invoice.pdf.exe in samples/email/04-attachment-base64.eml.
constexpr char kInvoiceSha256[] = "07ad0ff9b41dbadf0cd311e9fbd7f5673750c252339f98f14291b37e08a884c2";

std::string ReadMail(const std::string& name) { return test::ReadSample("email/" + name); }

NormalizedAlert Parse(const std::string& raw) {
  auto r = ParseEmail(raw);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

const AlertObservable* Find(const NormalizedAlert& a, ObservableType type, const std::string& value) {
  for (const auto& o : a.observables) {
    if (o.type == type && o.value == value) return &o;
  }
  return nullptr;
}

bool HasTag(const AlertObservable* o, const std::string& tag) {
  return o && std::find(o->tags.begin(), o->tags.end(), tag) != o->tags.end();
}

bool HasAlertTag(const NormalizedAlert& a, const std::string& tag) {
  return std::find(a.tags.begin(), a.tags.end(), tag) != a.tags.end();
}

void CheckUtf8(const NormalizedAlert& a) {
  CHECK(json::IsValidUtf8(a.title));
  CHECK(json::IsValidUtf8(a.description));
  CHECK(json::IsValidUtf8(a.source));
  for (const auto& o : a.observables) CHECK(json::IsValidUtf8(o.value));
  for (const auto& f : a.attachments) CHECK(json::IsValidUtf8(f.filename));
}

// 2026-11-23T07:41:05Z
constexpr int64_t kPhishDateMs = 1795419665000;

TEST_CASE("Email: a forwarded phish is unwrapped and the original analysed", "[email]") {
  NormalizedAlert a = Parse(ReadMail("01-forwarded-phish.eml"));
  CHECK(a.source_kind == "email");
  CHECK(a.rule_name == "email");
  CHECK(a.source == "phishing@corp.example");  // the receiving mailbox (Delivered-To)
  CHECK(a.title == "Reported email: Your account has been limited - action required");
  CHECK(a.source_ref == "20261123074105.7731@paypa1-secure.example");
  CHECK(a.dedup_key == "message-id:20261123074105.7731@paypa1-secure.example");
  REQUIRE(a.event_time);
  CHECK(*a.event_time == kPhishDateMs);  // the original's Date:, not the forward's
  CHECK(HasAlertTag(a, "email"));
  CHECK(HasAlertTag(a, "phishing-report"));
  CHECK_FALSE(HasAlertTag(a, "has-attachment"));

  CHECK(HasTag(Find(a, ObservableType::kMail, "service@paypa1-secure.example"), "sender"));
  CHECK(HasTag(Find(a, ObservableType::kMail, "billing-desk@mailbox-support.example"), "reply-to"));
  CHECK(HasTag(Find(a, ObservableType::kMail, "bounce-7731@mailer.paypa1-secure.example"), "return-path"));
  CHECK(HasTag(Find(a, ObservableType::kMail, "alice@corp.example"), "reporter"));
  // The received chain of the original: public relays only.
  CHECK(HasTag(Find(a, ObservableType::kIp, "203.0.113.45"), "received"));
  CHECK(HasTag(Find(a, ObservableType::kIp, "198.51.100.23"), "received"));
  CHECK(Find(a, ObservableType::kIp, "10.12.0.7") == nullptr);
  CHECK(Find(a, ObservableType::kIp, "10.20.0.5") == nullptr);  // the forward's own relay
  // The defanged link of the body, refanged, and its host.
  CHECK(Find(a, ObservableType::kUrl, "https://paypa1-secure.example/login/verify?id=88213") != nullptr);
  CHECK(Find(a, ObservableType::kDomain, "paypa1-secure.example") != nullptr);

  CHECK_THAT(a.description, Contains("Reported by: Alice Martin <alice@corp.example>"));
  CHECK_THAT(a.description, Contains("did not click"));  // the reporter's note
  CHECK_THAT(a.description, Contains("From: PayPal Service <service@paypa1-secure.example>"));
  CHECK_THAT(a.description, Contains("Received from: 203.0.113.45, 198.51.100.23"));
  CHECK_THAT(a.description, Contains("We noticed unusual activity"));
  CHECK_THAT(a.raw_json, Contains("\"reported_by\":\"Alice Martin <alice@corp.example>\""));

  // The original is kept as evidence, without becoming an observable.
  REQUIRE(a.attachments.size() == 1);
  CHECK(a.attachments[0].content_type == "message/rfc822");
  CHECK(a.attachments[0].filename == "Your account has been limited.eml");
  CHECK_THAT(a.attachments[0].data, Contains("Subject: Your account has been limited"));
  CHECK(a.attachments[0].sha256 == crypto::Sha256Hex(a.attachments[0].data));
  CHECK(Find(a, ObservableType::kHash, a.attachments[0].sha256) == nullptr);
  CheckUtf8(a);
}

TEST_CASE("Email: the same phish reported by two users has the same fingerprint", "[email]") {
  // Bob's report attaches the original as a base64 application/octet-stream .eml.
  NormalizedAlert alice = Parse(ReadMail("01-forwarded-phish.eml"));
  NormalizedAlert bob = Parse(ReadMail("02-forwarded-phish-second-reporter.eml"));
  CHECK(bob.title == alice.title);
  CHECK(bob.source_ref == alice.source_ref);
  CHECK(ComputeFingerprint(bob) == ComputeFingerprint(alice));
  CHECK(HasTag(Find(bob, ObservableType::kMail, "bob@corp.example"), "reporter"));
  CHECK(Find(bob, ObservableType::kMail, "alice@corp.example") == nullptr);
  CHECK_THAT(bob.description, Contains("Reported by: Bob Lee <bob@corp.example>"));
  CHECK_THAT(bob.description, Contains("reported with the button"));  // HTML note as text
  REQUIRE(bob.attachments.size() == 1);
  CHECK(bob.attachments[0].filename == "message.eml");
}

TEST_CASE("Email: multipart/alternative with quoted-printable HTML", "[email]") {
  NormalizedAlert a = Parse(ReadMail("03-multipart-alternative-qp.eml"));
  CHECK(a.title == "Password expiry notice");  // not forwarded: the subject alone
  CHECK(a.source == "bob@corp.example");       // no Delivered-To: the first To
  CHECK_FALSE(HasAlertTag(a, "phishing-report"));
  REQUIRE(a.event_time);
  CHECK(*a.event_time == 1795515298000);  // 2026-11-24T11:14:58+01:00
  // text/plain is preferred for the description, soft line breaks undone.
  CHECK_THAT(a.description, Contains("To keep the same password, please\nclick here."));
  CHECK_THAT(a.description, !Contains("<p>"));
  // The HTML part's link target is what matters: it differs from the text.
  CHECK(HasTag(Find(a, ObservableType::kUrl,
                    "https://login-microsoftonline.account-verify.example/common/oauth2?client=o365&user=bob"),
               "link"));
  CHECK(Find(a, ObservableType::kDomain, "login-microsoftonline.account-verify.example") != nullptr);
  CHECK(HasTag(Find(a, ObservableType::kMail, "it-helpdesk@account-verify.example"), "link"));
  CHECK(Find(a, ObservableType::kUrl, "https://portal.office.com/") != nullptr);
  CHECK(Find(a, ObservableType::kIp, "192.0.2.77") != nullptr);
  CHECK(a.attachments.empty());
  CheckUtf8(a);
}

TEST_CASE("Email: an HTML-only body is reduced to text", "[email]") {
  std::string mail =
      "From: a@sender.example\r\nTo: b@corp.example\r\nSubject: html\r\nMessage-ID: <h1@x.example>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
      "<html><head><style>.x{}</style><script>var a='<p>';</script></head><body>"
      "<p>Caf&eacute; &amp; cr&#232;me &#x263A;</p><div>Line&nbsp;two</div>"
      "<!-- hidden https://comment.example/ --><a href='http://evil.example/x?a=1&amp;b=2'>ok</a></body></html>\r\n";
  NormalizedAlert a = Parse(mail);
  CHECK_THAT(a.description, Contains("&eacute; & crème \xE2\x98\xBA"));  // unknown names stay as written
  CHECK_THAT(a.description, Contains("Line two"));
  CHECK_THAT(a.description, !Contains("var a"));
  CHECK_THAT(a.description, !Contains("comment.example"));
  CHECK(Find(a, ObservableType::kUrl, "http://evil.example/x?a=1&b=2") != nullptr);
  CheckUtf8(a);
}

TEST_CASE("Email: hostile HTML (unclosed tags, runs of '&', script without end) is read in one pass",
          "[email]") {
  // Quadratic scans would take hours here and hit the test timeout.
  std::string html(2'000'000, '&');
  for (int i = 0; i < 100000; ++i) html += "<STYLE>a</style><b>";
  html += "<a href=\"http://after.example/\">link</a><script>no end";
  std::string mail = "From: x@evil.example\r\nSubject: big\r\nContent-Type: text/html\r\n\r\n" + html;
  NormalizedAlert a = Parse(mail);
  CHECK_THAT(a.description, Contains("&&&&&"));
  CHECK(Find(a, ObservableType::kUrl, "http://after.example/") != nullptr);
  CheckUtf8(a);
}

TEST_CASE("Email: a base64 attachment is decoded, hashed and named", "[email]") {
  NormalizedAlert a = Parse(ReadMail("04-attachment-base64.eml"));
  REQUIRE(a.attachments.size() == 1);
  const AlertAttachment& f = a.attachments[0];
  CHECK(f.filename == "invoice.pdf.exe");
  CHECK(f.content_type == "application/octet-stream");
  CHECK(f.size == 313);
  CHECK(f.data.size() == 313);
  CHECK(f.data.substr(0, 2) == "MZ");
  CHECK(f.sha256 == kInvoiceSha256);
  CHECK(HasTag(Find(a, ObservableType::kHash, kInvoiceSha256), "attachment"));
  CHECK(HasTag(Find(a, ObservableType::kFilename, "invoice.pdf.exe"), "attachment"));
  CHECK(HasAlertTag(a, "has-attachment"));
  CHECK_THAT(a.description, Contains(std::string("- invoice.pdf.exe (application/octet-stream, 313 bytes, sha256 ") +
                                     kInvoiceSha256 + ")"));
  // "from smtp... ([203.0.113.99])": a bracket with no host name.
  CHECK(HasTag(Find(a, ObservableType::kIp, "203.0.113.99"), "received"));
  CHECK_THAT(a.raw_json, Contains("\"attachments\":[\"invoice.pdf.exe\"]"));
}

TEST_CASE("Email: ISO-8859-1 and Windows-1252 headers and bodies come out as UTF-8", "[email]") {
  NormalizedAlert a = Parse(ReadMail("05-latin1-encoded-words.eml"));
  // Encoded-words in two charsets, the euro sign from Windows-1252.
  CHECK(a.title == "Re\xC3\xA7u de paiement \xC3\xA0 v\xC3\xA9rifier \xE2\x82\xAC 1\xC2\xA0" "250");
  CHECK_THAT(a.description, Contains("From: Service Cl\xC3\xA9ments S\xC3\xA9" "curit\xC3\xA9"));
  CHECK_THAT(a.description, Contains("To: Chlo\xC3\xA9 Dupr\xC3\xA9 <chloe@corp.example>"));
  // The 8-bit ISO-8859-1 body.
  CHECK_THAT(a.description, Contains("Bonjour Chlo\xC3\xA9,"));
  CHECK_THAT(a.description, Contains("Votre re\xC3\xA7u de paiement est pr\xC3\xAAt."));
  CheckUtf8(a);

  NormalizedAlert report = Parse(ReadMail("06-plain-report.eml"));
  // Windows-1252 curly quotes in an encoded-word; quoted-printable cp1252 body.
  CHECK(report.title == "Suspicious call and SMS about my \xE2\x80\x9Cparcel\xE2\x80\x9D");
  CHECK_THAT(report.description, Contains("held \xE2\x80\x93 pay \xE2\x82\xAC 2,99"));
  CheckUtf8(report);
}

TEST_CASE("Email: a Shift_JIS subject and body come out as UTF-8", "[email]") {
  // "請求書のご確認" as a base64 encoded-word; "お支払いは本日までです。" in Shift_JIS, base64.
  std::string mail =
      "From: =?Shift_JIS?B?kL+LgY+R?= <billing@jp-invoice.example>\r\n"
      "Subject: =?Shift_JIS?B?kL+LgY+RgsyCsoptlEY=?=\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "gqiOeJWlgqKCzZZ7k/qC3ILFgsWCt4FC\r\n";
  NormalizedAlert a = Parse(mail);
  CHECK(a.title == "\xE8\xAB\x8B\xE6\xB1\x82\xE6\x9B\xB8\xE3\x81\xAE\xE3\x81\x94\xE7\xA2\xBA\xE8\xAA\x8D");
  CHECK_THAT(a.description, Contains("From: \xE8\xAB\x8B\xE6\xB1\x82\xE6\x9B\xB8 <billing@jp-invoice.example>"));
  CHECK_THAT(a.description, Contains("\xE3\x81\x8A\xE6\x94\xAF\xE6\x89\x95\xE3\x81\x84"));  // お支払い
  CheckUtf8(a);
}

TEST_CASE("Email: a plain report without a forwarded message is analysed as it is", "[email]") {
  NormalizedAlert a = Parse(ReadMail("06-plain-report.eml"));
  CHECK(a.source == "phishing@corp.example");
  CHECK_FALSE(HasAlertTag(a, "phishing-report"));
  CHECK(HasTag(Find(a, ObservableType::kMail, "dave@corp.example"), "sender"));
  CHECK(Find(a, ObservableType::kDomain, "parcel-redelivery.example") != nullptr);
  CHECK(Find(a, ObservableType::kIp, "45.33.32.156") != nullptr);
  CHECK(Find(a, ObservableType::kIp, "10.30.4.17") == nullptr);  // an internal relay
  CHECK(a.attachments.empty());
}

std::string Wrap(const std::string& inner, int level) {
  return "From: forwarder" + std::to_string(level) + "@corp.example\r\n"
         "To: phishing@corp.example\r\nSubject: FW level " + std::to_string(level) + "\r\n"
         "Message-ID: <fw" + std::to_string(level) + "@corp.example>\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b" + std::to_string(level) + "\"\r\n\r\n"
         "--b" + std::to_string(level) + "\r\nContent-Type: text/plain\r\n\r\nnote " + std::to_string(level) +
         "\r\n--b" + std::to_string(level) + "\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "\r\n--b" +
         std::to_string(level) + "--\r\n";
}

TEST_CASE("Email: nested forwards are unwrapped to a bounded depth", "[email]") {
  std::string original =
      "From: attacker@evil.example\r\nSubject: the original\r\nMessage-ID: <orig@evil.example>\r\n"
      "Content-Type: text/plain\r\n\r\nbody of the original\r\n";
  SECTION("two levels: the original is analysed, the outermost sender reports it") {
    NormalizedAlert a = Parse(Wrap(Wrap(original, 2), 1));
    CHECK(a.title == "Reported email: the original");
    CHECK(a.source_ref == "orig@evil.example");
    CHECK(HasTag(Find(a, ObservableType::kMail, "forwarder1@corp.example"), "reporter"));
    CHECK(Find(a, ObservableType::kMail, "forwarder2@corp.example") == nullptr);
    CHECK(HasTag(Find(a, ObservableType::kMail, "attacker@evil.example"), "sender"));
    CHECK_THAT(a.description, Contains("note 1"));
    CHECK(a.attachments.size() == 2);  // each unwrapped message, as .eml evidence
  }
  SECTION("deeper than the bound: the third level is analysed and the rest is said") {
    std::string mail = original;
    for (int level = 5; level >= 1; --level) mail = Wrap(mail, level);
    NormalizedAlert a = Parse(mail);
    CHECK(a.title == "Reported email: FW level 4");
    CHECK_THAT(a.description, Contains("nested deeper than 3 levels"));
    CHECK(a.attachments.size() == 3);
  }
}

TEST_CASE("Email: a message without Message-ID folds by content", "[email]") {
  std::string mail = "From: x@evil.example\r\nSubject: s\r\nDate: Mon, 23 Nov 2026 07:00:00 +0000\r\n\r\nbody\r\n";
  NormalizedAlert a = Parse(mail);
  NormalizedAlert b = Parse(mail);
  CHECK(a.source_ref.empty());
  CHECK(a.dedup_key.starts_with("content:"));
  CHECK(a.dedup_key == b.dedup_key);
  NormalizedAlert c = Parse(mail + "more\r\n");
  CHECK(c.dedup_key != a.dedup_key);
}

TEST_CASE("Email: undeclared 8-bit text and a missing subject", "[email]") {
  std::string mail =
      "From: x@evil.example\r\nSubject: Facture r\xE9gl\xE9" "e\r\n\r\nMontant d\xFB : 12 \x80\r\n";
  NormalizedAlert a = Parse(mail);
  CHECK(a.title == "Facture r\xC3\xA9gl\xC3\xA9" "e");
  CHECK_THAT(a.description, Contains("Montant d\xC3\xBB : 12 \xE2\x82\xAC"));
  CheckUtf8(a);
  NormalizedAlert none = Parse("From: x@evil.example\r\n\r\nhello\r\n");
  CHECK(none.title == "(no subject)");
}

TEST_CASE("Email: inline text attachments and many parts", "[email]") {
  std::string mail =
      "From: x@evil.example\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
      "--zz\r\nContent-Type: text/plain\r\n\r\nthe body\r\n"
      "--zz\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment; filename=\"../../etc/notes.txt\"\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\nsecret=3Dvalue\r\n"
      "--zz\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
      "--zz--\r\n";
  NormalizedAlert a = Parse(mail);
  REQUIRE(a.attachments.size() == 2);
  CHECK(a.attachments[0].filename == "notes.txt");  // no path
  CHECK(a.attachments[0].data == "secret=value");
  CHECK(a.attachments[1].filename == "part.png");
  CHECK(a.attachments[1].content_type == "image/png");
  CHECK(a.attachments[1].data == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK_THAT(a.description, Contains("the body"));
  CHECK_THAT(a.description, !Contains("secret"));
}

TEST_CASE("Email: garbage, empty bodies and headless text are refused", "[email]") {
  struct Case {
    std::string body;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"", StatusCode::kInvalidArgument},
      {std::string("\x01\x02\x03\xff\xfe garbage\n\n\x00zz", 16), StatusCode::kInvalidArgument},
      {"hello world\nthis is not a mail\n", StatusCode::kInvalidArgument},
      {"{\"title\":\"json, not a mail\"}", StatusCode::kUnprocessable},
      {"Subject: no sender\r\n\r\nbody\r\n", StatusCode::kUnprocessable},
      {"From: \r\nSubject: empty sender\r\n\r\nbody\r\n", StatusCode::kUnprocessable},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto r = ParseEmail(c.body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == c.code);
  }
}

TEST_CASE("Email: the registry routes the email format and auto never detects it", "[email]") {
  auto r = ParseBody("email", ReadMail("04-attachment-base64.eml"));
  REQUIRE(r.ok());
  CHECK(r->format == "email");
  REQUIRE(r->alerts.size() == 1);
  auto names = SupportedFormats();
  CHECK(std::find(names.begin(), names.end(), "email") != names.end());
  auto detected = ParseBody("auto", ReadMail("04-attachment-base64.eml"));
  CHECK_FALSE(detected.ok());
}

}  // namespace
}  // namespace wf::ingest
