// Tests of the generic ingest format (ingest/formats/generic.h) and of alert
// fingerprints (ingest/fingerprint.h). Pure functions: no database, no clock.
// Parser cases are table-driven: each row names itself through INFO, so a
// failing row is identified in the report.
#include "ingest/formats/generic.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ingest/fingerprint.h"

namespace wf::ingest {
namespace {

using Catch::Matchers::Contains;
using observables::ObservableType;

// 2026-11-23T09:00:00Z.
constexpr int64_t kNineUtc = 1795424400000;

// A minimal valid alert with `extra` members appended (`extra` starts with ',').
std::string Minimal(const std::string& extra = "") {
  return R"({"source":"siem-1","title":"Suspicious login")" + extra + "}";
}

std::vector<NormalizedAlert> ParseOk(const std::string& body) {
  auto r = ParseGeneric(body);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

NormalizedAlert ParseOne(const std::string& body) {
  auto alerts = ParseOk(body);
  REQUIRE(alerts.size() == 1);
  return alerts.front();
}

// ---------------------------------------------------------------------------
// ParseGeneric: mapping of a valid alert.

TEST_CASE("ParseGeneric: a full alert maps every field", "[ingest]") {
  const std::string body =
      R"({"source":"siem-1","source_ref":"A-123","rule_name":"ssh-bruteforce",)"
      R"("title":"Brute force on bastion","description":"Many failed logins",)"
      R"("severity":"high","tlp":"green","pap":"red","event_time":"2026-11-23T09:00:00Z",)"
      R"("tags":["ssh","bastion","ssh"],)"
      R"("observables":[{"type":"ip","value":"203.0.113.7","ioc":true},)"
      R"({"type":"domain","value":"Example.COM."},)"
      R"({"type":"sha256","value":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}],)"
      R"("fingerprint":"bastion-ssh-1"})";
  NormalizedAlert a = ParseOne(body);

  CHECK(a.source_kind == "generic");
  CHECK(a.source == "siem-1");
  CHECK(a.source_ref == "A-123");
  CHECK(a.rule_name == "ssh-bruteforce");
  CHECK(a.title == "Brute force on bastion");
  CHECK(a.description == "Many failed logins");
  CHECK(a.severity == Severity::kHigh);
  CHECK(a.tlp == Tlp::kGreen);
  CHECK(a.pap == Pap::kRed);
  REQUIRE(a.event_time.has_value());
  CHECK(*a.event_time == kNineUtc);
  CHECK(a.tags == std::vector<std::string>{"ssh", "bastion"});
  CHECK(a.dedup_key == "bastion-ssh-1");
  CHECK(a.raw_json == body);  // no "raw" member: the item itself, compact

  REQUIRE(a.observables.size() == 3);
  CHECK(a.observables[0].type == ObservableType::kIp);
  CHECK(a.observables[0].value == "203.0.113.7");
  CHECK(a.observables[0].ioc);
  CHECK(a.observables[1].type == ObservableType::kDomain);
  CHECK(a.observables[1].value == "example.com");
  CHECK_FALSE(a.observables[1].ioc);
  CHECK(a.observables[2].type == ObservableType::kHash);
  CHECK(a.observables[2].value ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("ParseGeneric: defaults apply when optional fields are absent", "[ingest]") {
  NormalizedAlert a = ParseOne(Minimal());
  CHECK(a.source_kind == "generic");
  CHECK(a.source_ref.empty());
  CHECK(a.rule_name.empty());
  CHECK(a.description.empty());
  CHECK(a.severity == Severity::kMedium);
  CHECK(a.tlp == Tlp::kAmber);
  CHECK(a.pap == Pap::kAmber);
  CHECK_FALSE(a.event_time.has_value());
  CHECK(a.tags.empty());
  CHECK(a.observables.empty());
  CHECK(a.dedup_key.empty());
  CHECK(a.raw_json == Minimal());
}

TEST_CASE("ParseGeneric: the raw object, when given, is the stored payload", "[ingest]") {
  NormalizedAlert a = ParseOne(Minimal(R"(,"raw":{"alert":{"id":7,"names":["a","b"]},"ok":true})"));
  CHECK(a.raw_json == R"({"alert":{"id":7,"names":["a","b"]},"ok":true})");
}

struct FieldRow {
  const char* name;
  std::string extra;  // members appended to Minimal()
  std::optional<Severity> severity;
  std::optional<Tlp> tlp;
  std::optional<Pap> pap;
  std::optional<int64_t> event_time;
};

TEST_CASE("ParseGeneric: severity, TLP, PAP and event time accept every documented spelling",
          "[ingest]") {
  const std::vector<FieldRow> rows = {
      {"severity low", R"(,"severity":"low")", Severity::kLow, {}, {}, {}},
      {"severity medium", R"(,"severity":"medium")", Severity::kMedium, {}, {}, {}},
      {"severity high", R"(,"severity":"high")", Severity::kHigh, {}, {}, {}},
      {"severity critical", R"(,"severity":"critical")", Severity::kCritical, {}, {}, {}},
      {"severity upper case", R"(,"severity":"CRITICAL")", Severity::kCritical, {}, {}, {}},
      {"severity 1 (TheHive)", R"(,"severity":1)", Severity::kLow, {}, {}, {}},
      {"severity 2 (TheHive)", R"(,"severity":2)", Severity::kMedium, {}, {}, {}},
      {"severity 3 (TheHive)", R"(,"severity":3)", Severity::kHigh, {}, {}, {}},
      {"severity 4 (TheHive)", R"(,"severity":4)", Severity::kCritical, {}, {}, {}},
      {"severity null is the default", R"(,"severity":null)", Severity::kMedium, {}, {}, {}},
      {"tlp clear", R"(,"tlp":"clear")", {}, Tlp::kClear, {}, {}},
      {"tlp white is clear", R"(,"tlp":"white")", {}, Tlp::kClear, {}, {}},
      {"tlp TLP:WHITE is clear", R"(,"tlp":"TLP:WHITE")", {}, Tlp::kClear, {}, {}},
      {"tlp green", R"(,"tlp":"green")", {}, Tlp::kGreen, {}, {}},
      {"tlp amber", R"(,"tlp":"amber")", {}, Tlp::kAmber, {}, {}},
      {"tlp amber+strict", R"(,"tlp":"amber+strict")", {}, Tlp::kAmberStrict, {}, {}},
      {"tlp red", R"(,"tlp":"red")", {}, Tlp::kRed, {}, {}},
      {"tlp 0", R"(,"tlp":0)", {}, Tlp::kClear, {}, {}},
      {"tlp 1", R"(,"tlp":1)", {}, Tlp::kGreen, {}, {}},
      {"tlp 2", R"(,"tlp":2)", {}, Tlp::kAmber, {}, {}},
      {"tlp 3", R"(,"tlp":3)", {}, Tlp::kRed, {}, {}},
      {"pap white is clear", R"(,"pap":"white")", {}, {}, Pap::kClear, {}},
      {"pap green", R"(,"pap":"green")", {}, {}, Pap::kGreen, {}},
      {"pap red", R"(,"pap":"red")", {}, {}, Pap::kRed, {}},
      {"pap 0", R"(,"pap":0)", {}, {}, Pap::kClear, {}},
      {"pap 2", R"(,"pap":2)", {}, {}, Pap::kAmber, {}},
      {"pap 3", R"(,"pap":3)", {}, {}, Pap::kRed, {}},
      {"event_time with Z", R"(,"event_time":"2026-11-23T09:00:00Z")", {}, {}, {}, kNineUtc},
      {"event_time with +0000", R"(,"event_time":"2026-11-23T09:00:00+0000")", {}, {}, {},
       kNineUtc},
      {"event_time with +00:00", R"(,"event_time":"2026-11-23T09:00:00+00:00")", {}, {}, {},
       kNineUtc},
      {"event_time with +02:00 is two hours earlier in UTC",
       R"(,"event_time":"2026-11-23T11:00:00+02:00")", {}, {}, {}, kNineUtc},
      {"event_time with -05:00", R"(,"event_time":"2026-11-23T04:00:00-05:00")", {}, {}, {},
       kNineUtc},
      {"event_time with milliseconds", R"(,"event_time":"2026-11-23T09:00:00.123Z")", {}, {}, {},
       kNineUtc + 123},
      {"event_time with 7 fractional digits is kept to ms",
       R"(,"event_time":"2026-11-23T09:00:00.1234567Z")", {}, {}, {}, kNineUtc + 123},
      {"event_time on a leap day", R"(,"event_time":"2028-02-29T00:00:00Z")", {}, {}, {},
       1835395200000},
      {"event_time on 29 February 2000 (leap by the 400 rule)",
       R"(,"event_time":"2000-02-29T00:00:00Z")", {}, {}, {}, 951782400000},
      {"event_time as epoch milliseconds", R"(,"event_time":1795424400123)", {}, {}, {},
       kNineUtc + 123},
  };
  for (const auto& row : rows) {
    INFO("row: " << row.name);
    CAPTURE(row.extra);
    NormalizedAlert a = ParseOne(Minimal(row.extra));
    if (row.severity) CHECK(a.severity == *row.severity);
    if (row.tlp) CHECK(a.tlp == *row.tlp);
    if (row.pap) CHECK(a.pap == *row.pap);
    if (row.event_time) {
      REQUIRE(a.event_time.has_value());
      CHECK(*a.event_time == *row.event_time);
    }
  }
}

struct ObservableRow {
  const char* name;
  std::string observables;  // the JSON array
  std::vector<AlertObservable> expected;
};

AlertObservable Obs(ObservableType type, std::string value, bool ioc = false) {
  AlertObservable o;
  o.type = type;
  o.value = std::move(value);
  o.ioc = ioc;
  return o;
}

TEST_CASE("ParseGeneric: observables are normalised and duplicates collapse", "[ingest]") {
  const std::vector<ObservableRow> rows = {
      {"ipv4 kept", R"([{"type":"ip","value":"203.0.113.7"}])",
       {Obs(ObservableType::kIp, "203.0.113.7")}},
      {"refanged ip", R"([{"type":"ip","value":"203[.]0[.]113[.]7"}])",
       {Obs(ObservableType::kIp, "203.0.113.7")}},
      {"domain lower-cased, trailing dot dropped", R"([{"type":"domain","value":"Example.COM."}])",
       {Obs(ObservableType::kDomain, "example.com")}},
      {"hash lower-cased", R"([{"type":"hash","value":"D41D8CD98F00B204E9800998ECF8427E"}])",
       {Obs(ObservableType::kHash, "d41d8cd98f00b204e9800998ecf8427e")}},
      {"alias md5 is a hash", R"([{"type":"md5","value":"d41d8cd98f00b204e9800998ecf8427e"}])",
       {Obs(ObservableType::kHash, "d41d8cd98f00b204e9800998ecf8427e")}},
      {"ioc flag kept", R"([{"type":"ip","value":"198.51.100.1","ioc":true}])",
       {Obs(ObservableType::kIp, "198.51.100.1", true)}},
      {"two spellings of one domain collapse",
       R"([{"type":"domain","value":"example.com"},{"type":"domain","value":"EXAMPLE.com."}])",
       {Obs(ObservableType::kDomain, "example.com")}},
      {"duplicate ORs ioc (first false, second true)",
       R"([{"type":"ip","value":"203.0.113.7"},{"type":"ip","value":"203.0.113.7","ioc":true}])",
       {Obs(ObservableType::kIp, "203.0.113.7", true)}},
      {"duplicate ORs ioc (first true, second false)",
       R"([{"type":"ip","value":"203.0.113.7","ioc":true},{"type":"ip","value":"203.0.113.7","ioc":false}])",
       {Obs(ObservableType::kIp, "203.0.113.7", true)}},
      {"same value, different types stay apart",
       R"([{"type":"domain","value":"example.com"},{"type":"hostname","value":"example.com"}])",
       {Obs(ObservableType::kDomain, "example.com"), Obs(ObservableType::kHostname, "example.com")}},
      {"order of first appearance kept",
       R"([{"type":"ip","value":"198.51.100.2"},{"type":"ip","value":"198.51.100.1"},{"type":"ip","value":"198.51.100.2"}])",
       {Obs(ObservableType::kIp, "198.51.100.2"), Obs(ObservableType::kIp, "198.51.100.1")}},
  };
  for (const auto& row : rows) {
    INFO("row: " << row.name);
    CAPTURE(row.observables);
    NormalizedAlert a = ParseOne(Minimal(R"(,"observables":)" + row.observables));
    REQUIRE(a.observables.size() == row.expected.size());
    for (size_t i = 0; i < row.expected.size(); ++i) {
      INFO("observable " << i);
      CHECK(a.observables[i].type == row.expected[i].type);
      CHECK(a.observables[i].value == row.expected[i].value);
      CHECK(a.observables[i].ioc == row.expected[i].ioc);
    }
  }
}

TEST_CASE("ParseGeneric: tags are deduplicated in first-seen order", "[ingest]") {
  NormalizedAlert a = ParseOne(Minimal(R"(,"tags":["b","a","b","c","a"])"));
  CHECK(a.tags == std::vector<std::string>{"b", "a", "c"});
}

TEST_CASE("ParseGeneric: an array yields one alert per item, in order", "[ingest]") {
  const std::string item0 = R"({"source":"s","title":"first","severity":"low"})";
  const std::string item1 = R"({"source":"s","title":"second","severity":"high"})";
  const std::string item2 = R"({"source":"t","title":"third","raw":{"n":3}})";
  auto alerts = ParseOk("[" + item0 + "," + item1 + "," + item2 + "]");
  REQUIRE(alerts.size() == 3);
  CHECK(alerts[0].title == "first");
  CHECK(alerts[0].severity == Severity::kLow);
  CHECK(alerts[0].raw_json == item0);
  CHECK(alerts[1].title == "second");
  CHECK(alerts[1].severity == Severity::kHigh);
  CHECK(alerts[1].raw_json == item1);
  CHECK(alerts[2].title == "third");
  CHECK(alerts[2].source == "t");
  CHECK(alerts[2].raw_json == R"({"n":3})");
}

TEST_CASE("ParseGeneric: whitespace around the body and inside it is accepted", "[ingest]") {
  auto alerts = ParseOk("  \n[ { \"source\" : \"s\" , \"title\" : \"t\" } ]\n");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].raw_json == R"({"source":"s","title":"t"})");
}

// ---------------------------------------------------------------------------
// ParseGeneric: rejections.

struct ErrorRow {
  const char* name;
  std::string body;
  StatusCode code;
  std::string in_message;  // the field (and item) the message must name; "" = not checked
};

std::string ManyTags(size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  return out + "]";
}

TEST_CASE("ParseGeneric: invalid bodies are rejected with the right code and field", "[ingest]") {
  const auto kBad = StatusCode::kInvalidArgument;
  const auto kRule = StatusCode::kUnprocessable;
  const std::string ok_item = R"({"source":"s","title":"t"})";
  const std::vector<ErrorRow> rows = {
      // Malformed JSON and wrong JSON types: 400.
      {"empty body", "", kBad, ""},
      {"truncated object", R"({"source":"s","title":)", kBad, ""},
      {"trailing garbage", Minimal() + "x", kBad, ""},
      {"single quotes", "{'source':'s','title':'t'}", kBad, ""},
      {"invalid UTF-8", "{\"source\":\"s\",\"title\":\"\xff\xfe\"}", kBad, ""},
      {"scalar number body", "42", kBad, "body"},
      {"scalar string body", R"("an alert")", kBad, "body"},
      {"null body", "null", kBad, "body"},
      {"boolean body", "true", kBad, "body"},
      {"non-object item in an array", "[" + ok_item + ",42]", kBad, "alerts[1]"},
      {"array nested in an array", "[[" + ok_item + "]]", kBad, "alerts[0]"},
      {"title is a number", R"({"source":"s","title":5})", kBad, "title"},
      {"source is an object", R"({"source":{},"title":"t"})", kBad, "source"},
      {"source_ref is a number", Minimal(R"(,"source_ref":12)"), kBad, "source_ref"},
      {"description is an array", Minimal(R"(,"description":["x"])"), kBad, "description"},
      {"fingerprint is a number", Minimal(R"(,"fingerprint":1)"), kBad, "fingerprint"},
      {"severity is a boolean", Minimal(R"(,"severity":true)"), kBad, "severity"},
      {"severity is a fraction", Minimal(R"(,"severity":2.5)"), kBad, "severity"},
      {"tlp is a boolean", Minimal(R"(,"tlp":false)"), kBad, "tlp"},
      {"pap is an array", Minimal(R"(,"pap":[1])"), kBad, "pap"},
      {"event_time is a boolean", Minimal(R"(,"event_time":true)"), kBad, "event_time"},
      {"event_time is a fraction", Minimal(R"(,"event_time":1.5)"), kBad, "event_time"},
      {"tags is a string", Minimal(R"(,"tags":"a,b")"), kBad, "tags"},
      {"a tag is a number", Minimal(R"(,"tags":["a",1])"), kBad, "tags"},
      {"observables is an object", Minimal(R"(,"observables":{})"), kBad, "observables"},
      {"an observable is a string", Minimal(R"(,"observables":["1.2.3.4"])"), kBad,
       "observables[0]"},
      {"observable value is a number", Minimal(R"(,"observables":[{"type":"ip","value":1}])"),
       kBad, "observables[0]"},
      {"observable ioc is a string",
       Minimal(R"(,"observables":[{"type":"ip","value":"203.0.113.7","ioc":"yes"}])"), kBad,
       "observables[0].ioc"},
      {"raw is a string", Minimal(R"(,"raw":"text")"), kBad, "raw"},
      // Valid JSON that breaks a rule: 422.
      {"empty array", "[]", kRule, ""},
      {"missing title", R"({"source":"s"})", kRule, "title"},
      {"empty title", R"({"source":"s","title":""})", kRule, "title"},
      {"null title", R"({"source":"s","title":null})", kRule, "title"},
      {"missing source", R"({"title":"t"})", kRule, "source"},
      {"empty source", R"({"source":"","title":"t"})", kRule, "source"},
      {"unknown severity", Minimal(R"(,"severity":"severe")"), kRule, "severity"},
      {"severity 0", Minimal(R"(,"severity":0)"), kRule, "severity"},
      {"severity 5", Minimal(R"(,"severity":5)"), kRule, "severity"},
      {"severity -1", Minimal(R"(,"severity":-1)"), kRule, "severity"},
      {"unknown tlp", Minimal(R"(,"tlp":"purple")"), kRule, "tlp"},
      {"tlp 4 (not TheHive 4)", Minimal(R"(,"tlp":4)"), kRule, "tlp"},
      {"unknown pap", Minimal(R"(,"pap":"amber+strict")"), kRule, "pap"},
      {"pap 4", Minimal(R"(,"pap":4)"), kRule, "pap"},
      {"event_time not a time", Minimal(R"(,"event_time":"yesterday")"), kRule, "event_time"},
      {"event_time date only", Minimal(R"(,"event_time":"2026-11-23")"), kRule, "event_time"},
      {"event_time month 13", Minimal(R"(,"event_time":"2026-13-01T00:00:00Z")"), kRule,
       "event_time"},
      {"event_time hour 24", Minimal(R"(,"event_time":"2026-11-23T24:00:00Z")"), kRule,
       "event_time"},
      {"event_time bad zone", Minimal(R"(,"event_time":"2026-11-23T09:00:00 CET")"), kRule,
       "event_time"},
      // RFC 3339 section 5.7: the day must exist in its month (not read as 2 March).
      {"event_time 30 February", Minimal(R"(,"event_time":"2026-02-30T00:00:00Z")"), kRule,
       "event_time"},
      {"event_time 29 February of a common year",
       Minimal(R"(,"event_time":"2026-02-29T00:00:00Z")"), kRule, "event_time"},
      {"event_time 29 February 2100 (not a leap year)",
       Minimal(R"(,"event_time":"2100-02-29T00:00:00Z")"), kRule, "event_time"},
      {"event_time 31 April", Minimal(R"(,"event_time":"2026-04-31T00:00:00Z")"), kRule,
       "event_time"},
      {"event_time day 0", Minimal(R"(,"event_time":"2026-04-00T00:00:00Z")"), kRule,
       "event_time"},
      {"event_time empty fraction", Minimal(R"(,"event_time":"2026-11-23T09:00:00.Z")"), kRule,
       "event_time"},
      {"unknown observable type",
       Minimal(R"(,"observables":[{"type":"planet","value":"mars"}])"), kRule,
       "observables[0].type"},
      {"observable without value", Minimal(R"(,"observables":[{"type":"ip"}])"), kRule,
       "observables[0]"},
      {"invalid ip", Minimal(R"(,"observables":[{"type":"ip","value":"999.1.1.1"}])"), kRule,
       "observables[0].value"},
      {"invalid hash",
       Minimal(R"(,"observables":[{"type":"ip","value":"203.0.113.7"},{"type":"hash","value":"xyz"}])"),
       kRule, "observables[1].value"},
      {"invalid domain", Minimal(R"(,"observables":[{"type":"domain","value":"not a domain"}])"),
       kRule, "observables[0].value"},
      {"title over 1024 bytes",
       R"({"source":"s","title":")" + std::string(1025, 'x') + "\"}", kRule, "title"},
      {"more than 100 tags", Minimal(R"(,"tags":)" + ManyTags(101)), kRule, "tags"},
      {"control character in a tag", Minimal(R"(,"tags":["ok","bad\u0001tag"])"), kRule, "tags"},
      {"newline in a tag", Minimal(R"(,"tags":["bad\ntag"])"), kRule, "tags"},
      {"empty tag", Minimal(R"(,"tags":[""])"), kRule, "tags"},
      {"tag over 128 bytes", Minimal(R"(,"tags":[")" + std::string(129, 't') + "\"]"), kRule,
       "tags"},
      {"control character in an observable tag",
       Minimal(R"(,"observables":[{"type":"ip","value":"203.0.113.7","tags":["a\u0007"]}])"),
       kRule, "observables[0].tags"},
      // Arrays: the message names the item; one bad item fails the body.
      {"third item has an unknown severity",
       "[" + ok_item + "," + ok_item + R"(,{"source":"s","title":"t","severity":"urgent"}])", kRule,
       "alerts[2].severity"},
      {"second item misses its title", "[" + ok_item + R"(,{"source":"s"}])", kRule,
       "alerts[1].title"},
      {"first item has a wrong type", R"([{"source":"s","title":["t"]},)" + ok_item + "]", kBad,
       "alerts[0].title"},
      {"observable of an item", "[" + ok_item + R"(,{"source":"s","title":"t","observables":[{"type":"ip","value":"1.2.3"}]}])",
       kRule, "alerts[1].observables[0].value"},
  };
  for (const auto& row : rows) {
    INFO("row: " << row.name);
    CAPTURE(row.body.size() > 300 ? row.body.substr(0, 300) + "..." : row.body);
    auto r = ParseGeneric(row.body);
    REQUIRE_FALSE(r.ok());
    CAPTURE(r.status().ToString());
    CHECK(StatusCodeName(r.status().code()) == StatusCodeName(row.code));
    if (!row.in_message.empty()) CHECK_THAT(r.status().message(), Contains(row.in_message));
  }
}

TEST_CASE("ParseGeneric: limits are inclusive at their edge", "[ingest]") {
  const std::vector<std::pair<const char*, std::string>> rows = {
      {"title of exactly 1024 bytes", R"({"source":"s","title":")" + std::string(1024, 'x') + "\"}"},
      {"exactly 100 tags", Minimal(R"(,"tags":)" + ManyTags(100))},
      {"tag of exactly 128 bytes", Minimal(R"(,"tags":[")" + std::string(128, 't') + "\"]")},
  };
  for (const auto& [name, body] : rows) {
    INFO("row: " << name);
    auto r = ParseGeneric(body);
    CAPTURE(r.status().ToString());
    CHECK(r.ok());
  }
}

// ---------------------------------------------------------------------------
// Fingerprints.

NormalizedAlert Base() {
  NormalizedAlert a;
  a.source_kind = "generic";
  a.source = "siem-1";
  a.title = "Suspicious login";
  return a;
}

bool IsLowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST_CASE("Fingerprint: is 64 lowercase hex characters", "[ingest]") {
  NormalizedAlert with_ref = Base();
  with_ref.source_ref = "A-123";
  NormalizedAlert with_key = Base();
  with_key.dedup_key = "K";
  NormalizedAlert derived = Base();
  derived.observables = {Obs(ObservableType::kIp, "203.0.113.7")};
  for (const auto* a : {&with_ref, &with_key, &derived}) {
    std::string fp = ComputeFingerprint(*a);
    CAPTURE(fp);
    CHECK(IsLowerHex64(fp));
  }
}

TEST_CASE("Fingerprint: stored values stay stable across builds", "[ingest]") {
  // Fingerprints are persisted; a change of encoding would break deduplication
  // across an upgrade. Values computed independently (SHA-256 of the
  // length-prefixed fields).
  NormalizedAlert by_ref = Base();
  by_ref.source_ref = "A-123";
  CHECK(ComputeFingerprint(by_ref) ==
        "2d4127eed450b7b13bebb755fc64aa07cd9576fa78d6f967fb82fded3a19dc67");
  NormalizedAlert derived = Base();
  derived.observables = {Obs(ObservableType::kIp, "203.0.113.7"),
                         Obs(ObservableType::kDomain, "example.com")};
  CHECK(ComputeFingerprint(derived) ==
        "64ade4880aa801706b8f969662ac4006c9457b966fb7a73bd9c526391e30497c");
}

TEST_CASE("Fingerprint: the same source and source_ref match whatever else changed",
          "[ingest]") {
  NormalizedAlert a = Base();
  a.source_ref = "A-123";
  a.observables = {Obs(ObservableType::kIp, "203.0.113.7")};
  NormalizedAlert b = a;
  b.title = "Completely different title";
  b.rule_name = "another-rule";
  b.description = "other";
  b.severity = Severity::kCritical;
  b.tags = {"x"};
  b.observables = {Obs(ObservableType::kDomain, "example.org")};
  b.raw_json = R"({"other":true})";
  CHECK(ComputeFingerprint(a) == ComputeFingerprint(b));

  NormalizedAlert c = a;
  c.source_ref = "A-124";
  CHECK(ComputeFingerprint(a) != ComputeFingerprint(c));
}

TEST_CASE("Fingerprint: differs across source_kind and source", "[ingest]") {
  NormalizedAlert a = Base();
  a.source_ref = "A-123";
  NormalizedAlert other_kind = a;
  other_kind.source_kind = "elastic";
  NormalizedAlert other_source = a;
  other_source.source = "siem-2";
  CHECK(ComputeFingerprint(a) != ComputeFingerprint(other_kind));
  CHECK(ComputeFingerprint(a) != ComputeFingerprint(other_source));
  CHECK(ComputeFingerprint(other_kind) != ComputeFingerprint(other_source));

  // Derived fingerprints are scoped the same way.
  NormalizedAlert d = Base();
  d.observables = {Obs(ObservableType::kIp, "203.0.113.7")};
  NormalizedAlert d_source = d;
  d_source.source = "siem-2";
  NormalizedAlert d_kind = d;
  d_kind.source_kind = "wazuh";
  CHECK(ComputeFingerprint(d) != ComputeFingerprint(d_source));
  CHECK(ComputeFingerprint(d) != ComputeFingerprint(d_kind));

  // Field boundaries cannot be shifted: "ab"+"c" is not "a"+"bc".
  NormalizedAlert s1 = a;
  s1.source_kind = "ab";
  s1.source = "c";
  NormalizedAlert s2 = a;
  s2.source_kind = "a";
  s2.source = "bc";
  CHECK(ComputeFingerprint(s1) != ComputeFingerprint(s2));
}

TEST_CASE("Fingerprint: an explicit fingerprint wins over source_ref", "[ingest]") {
  NormalizedAlert a = Base();
  a.dedup_key = "bastion-ssh";
  a.source_ref = "A-1";
  NormalizedAlert b = Base();
  b.dedup_key = "bastion-ssh";
  b.source_ref = "A-2";
  b.title = "Other";
  CHECK(ComputeFingerprint(a) == ComputeFingerprint(b));

  NormalizedAlert ref_only = Base();
  ref_only.source_ref = "A-1";
  CHECK(ComputeFingerprint(a) != ComputeFingerprint(ref_only));

  NormalizedAlert other_key = a;
  other_key.dedup_key = "bastion-rdp";
  CHECK(ComputeFingerprint(a) != ComputeFingerprint(other_key));

  // A key equal to someone's source_ref is still a different identity.
  NormalizedAlert key_a1 = Base();
  key_a1.dedup_key = "A-1";
  CHECK(ComputeFingerprint(key_a1) != ComputeFingerprint(ref_only));
}

TEST_CASE("Fingerprint: the generic fingerprint field becomes the dedup key", "[ingest]") {
  auto one = ParseOne(Minimal(R"(,"source_ref":"A-1","fingerprint":"K")"));
  auto two = ParseOne(R"({"source":"siem-1","title":"Other","source_ref":"A-2","fingerprint":"K"})");
  CHECK(one.dedup_key == "K");
  CHECK(ComputeFingerprint(one) == ComputeFingerprint(two));
}

TEST_CASE("Fingerprint: without an identity it derives from rule and sorted observables",
          "[ingest]") {
  NormalizedAlert a = Base();
  a.rule_name = "ssh-bruteforce";
  a.observables = {Obs(ObservableType::kIp, "203.0.113.7"),
                   Obs(ObservableType::kDomain, "example.com"),
                   Obs(ObservableType::kHash, "d41d8cd98f00b204e9800998ecf8427e")};
  const std::string fp = ComputeFingerprint(a);

  SECTION("the order of observables does not matter") {
    NormalizedAlert b = a;
    std::swap(b.observables[0], b.observables[2]);
    CHECK(ComputeFingerprint(b) == fp);
  }
  SECTION("a repeated observable does not matter") {
    NormalizedAlert b = a;
    b.observables.push_back(Obs(ObservableType::kIp, "203.0.113.7"));
    CHECK(ComputeFingerprint(b) == fp);
  }
  SECTION("the ioc flag does not matter") {
    NormalizedAlert b = a;
    b.observables[0].ioc = true;
    CHECK(ComputeFingerprint(b) == fp);
  }
  SECTION("with a rule name the title does not matter") {
    NormalizedAlert b = a;
    b.title = "Another title";
    CHECK(ComputeFingerprint(b) == fp);
  }
  SECTION("an extra observable changes it") {
    NormalizedAlert b = a;
    b.observables.push_back(Obs(ObservableType::kIp, "198.51.100.1"));
    CHECK(ComputeFingerprint(b) != fp);
  }
  SECTION("a missing observable changes it") {
    NormalizedAlert b = a;
    b.observables.pop_back();
    CHECK(ComputeFingerprint(b) != fp);
  }
  SECTION("the same value under another type changes it") {
    NormalizedAlert b = a;
    b.observables[1].type = ObservableType::kHostname;
    CHECK(ComputeFingerprint(b) != fp);
  }
  SECTION("another rule changes it") {
    NormalizedAlert b = a;
    b.rule_name = "rdp-bruteforce";
    CHECK(ComputeFingerprint(b) != fp);
  }
  SECTION("without a rule name the title is used") {
    NormalizedAlert no_rule = a;
    no_rule.rule_name.clear();
    NormalizedAlert same_title = no_rule;
    NormalizedAlert other_title = no_rule;
    other_title.title = "Another title";
    CHECK(ComputeFingerprint(no_rule) == ComputeFingerprint(same_title));
    CHECK(ComputeFingerprint(no_rule) != ComputeFingerprint(other_title));
  }
  SECTION("a source_ref replaces the derived identity") {
    NormalizedAlert b = a;
    b.source_ref = "A-9";
    CHECK(ComputeFingerprint(b) != fp);
  }
}

}  // namespace
}  // namespace wf::ingest
