// Tests of hashing, tokens and password hashing (core/crypto.h), and, having
// no file of their own, of the JSON helpers (core/json.h, core/json_parse.h)
// and RFC 3339 time text (core/clock.h).
#include "core/crypto.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/json_parse.h"

namespace wf {
namespace {

// ---------------------------------------------------------------------------
// Crypto.

TEST_CASE("Crypto: InitCrypto succeeds and may be called again", "[core]") {
  CHECK(crypto::InitCrypto().ok());
  CHECK(crypto::InitCrypto().ok());
}

TEST_CASE("Crypto: Sha256Hex matches the FIPS 180-2 vectors", "[core]") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string("a\0b", 3), "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138"},
  };
  for (const auto& [input, hex] : vectors) {
    INFO("input of " << input.size() << " bytes");
    CHECK(crypto::Sha256Hex(input) == hex);
  }
  CHECK(crypto::Sha256Hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Crypto: HexEncode writes two lowercase digits a byte", "[core]") {
  CHECK(crypto::HexEncode("").empty());
  CHECK(crypto::HexEncode(std::string("\x00\x01\xab\xff\x10", 5)) == "0001abff10");
}

TEST_CASE("Crypto: Base64UrlEncode matches RFC 4648 without padding", "[core]") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff\xbf", "-_-_"},  // the URL-safe alphabet, not '+' and '/'
      {"\xff", "_w"},
      {"\xfb\xef", "--8"},
      {std::string("\0\0\0", 3), "AAAA"},
  };
  for (const auto& [input, encoded] : vectors) {
    INFO("'" << input << "'");
    CHECK(crypto::Base64UrlEncode(input) == encoded);
  }
}

bool IsBase64Url(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST_CASE("Crypto: RandomToken is the prefix and 43 base64url characters, never repeated",
          "[core]") {
  REQUIRE(crypto::InitCrypto().ok());
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = crypto::RandomToken("wfs_");
    REQUIRE(token.size() == 4 + 43);
    REQUIRE(token.rfind("wfs_", 0) == 0);
    REQUIRE(IsBase64Url(std::string_view(token).substr(4)));
    seen.insert(token);
  }
  CHECK(seen.size() == 1000);
  CHECK(crypto::RandomToken("").size() == 43);
  CHECK(crypto::RandomToken("wfk_").rfind("wfk_", 0) == 0);
}

TEST_CASE("Crypto: RandomBytes gives the length asked, different each time", "[core]") {
  CHECK(crypto::RandomBytes(0).empty());
  const std::string a = crypto::RandomBytes(32);
  const std::string b = crypto::RandomBytes(32);
  CHECK(a.size() == 32);
  CHECK(b.size() == 32);
  CHECK(a != b);
}

TEST_CASE("Crypto: ConstantTimeEquals compares whole strings", "[core]") {
  struct Case {
    std::string a, b;
    bool equal;
  };
  const std::vector<Case> cases = {
      {"", "", true},
      {"abc", "abc", true},
      {std::string("a\0c", 3), std::string("a\0c", 3), true},
      {"abc", "abd", false},
      {"abc", "xbc", false},
      {"abc", "ab", false},
      {"ab", "abc", false},
      {"", "a", false},
      {std::string("a\0c", 3), std::string("a\0d", 3), false},
  };
  for (const Case& c : cases) {
    INFO("'" << c.a << "' vs '" << c.b << "'");
    CHECK(crypto::ConstantTimeEquals(c.a, c.b) == c.equal);
  }
}

const crypto::PasswordHashCost kCheap{1, 8192};

TEST_CASE("Crypto: a password hash verifies its password and nothing else", "[core]") {
  REQUIRE(crypto::InitCrypto().ok());
  const std::string password = "correct horse battery staple";
  auto hash = crypto::HashPassword(password, kCheap);
  INFO(hash.status().ToString());
  REQUIRE(hash.ok());
  CHECK(hash->rfind("$argon2id$", 0) == 0);
  CHECK(hash->find(password) == std::string::npos);
  CHECK(crypto::VerifyPassword(password, *hash));

  for (const std::string& wrong :
       {std::string("correct horse battery stapl"), std::string("correct horse battery staple "),
        std::string("Correct horse battery staple"), std::string(""),
        password + std::string("\0", 1)}) {
    INFO("'" << wrong << "'");
    CHECK_FALSE(crypto::VerifyPassword(wrong, *hash));
  }

  // Salted: the same password hashes differently each time; both verify.
  auto again = crypto::HashPassword(password, kCheap);
  REQUIRE(again.ok());
  CHECK(*again != *hash);
  CHECK(crypto::VerifyPassword(password, *again));
}

TEST_CASE("Crypto: passwords are compared in full, NUL bytes included", "[core]") {
  REQUIRE(crypto::InitCrypto().ok());
  const std::string with_nul("abc\0defghijkl", 13);
  auto hash = crypto::HashPassword(with_nul, kCheap);
  REQUIRE(hash.ok());
  CHECK(crypto::VerifyPassword(with_nul, *hash));
  CHECK_FALSE(crypto::VerifyPassword("abc", *hash));
  CHECK_FALSE(crypto::VerifyPassword(std::string("abc\0defghijkX", 13), *hash));
}

TEST_CASE("Crypto: VerifyPassword answers false for a malformed stored hash", "[core]") {
  REQUIRE(crypto::InitCrypto().ok());
  auto good = crypto::HashPassword("password12345", kCheap);
  REQUIRE(good.ok());
  std::string flipped = *good;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  const std::vector<std::string> garbage = {
      "",
      "garbage",
      "password12345",  // a clear password is not a hash
      crypto::Sha256Hex("password12345"),
      "$argon2id$v=19$m=8,t=1,p=1$",
      "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
      good->substr(0, good->size() / 2),
      flipped,
      std::string(1000, 'a'),
      *good + std::string(200, 'x'),
  };
  for (const std::string& stored : garbage) {
    INFO("'" << stored << "'");
    CHECK_FALSE(crypto::VerifyPassword("password12345", stored));
  }
}

TEST_CASE("Crypto: a password cost below libsodium's minimum is an error", "[core]") {
  REQUIRE(crypto::InitCrypto().ok());
  auto too_cheap = crypto::HashPassword("password12345", crypto::PasswordHashCost{0, 8192});
  CHECK_FALSE(too_cheap.ok());
}

// ---------------------------------------------------------------------------
// JSON parsing of untrusted input.

std::string Nested(int depth, bool objects = false) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += objects ? "{\"a\":" : "[";
  s += "1";
  for (int i = 0; i < depth; ++i) s += objects ? "}" : "]";
  return s;
}

TEST_CASE("Json: Parse refuses malformed JSON, trailing garbage and invalid UTF-8", "[core]") {
  const std::vector<std::string> bad = {
      "",
      " ",
      "{",
      "}",
      "[1,]",
      "{\"a\":}",
      "{\"a\" 1}",
      "{'a':1}",
      "{a:1}",
      "nul",
      "tru",
      "01",
      "1.",
      "\"unterminated",
      "\"bad escape \\x\"",
      "\"\\ud800\"",  // lone surrogate escape
      "[1] x",
      "{} {}",
      "1 2",
      "{\"a\":1}}",
      "\"\xff\"",
      "\"\xc0\xaf\"",          // overlong '/'
      "\"\xed\xa0\x80\"",      // UTF-8 encoded surrogate
      "\"\xf4\x90\x80\x80\"",  // above U+10FFFF
      "\"\xe2\x82\"",          // truncated sequence
      std::string("\"a\0b\"", 5),
      "[\"a\x01\"]",  // raw control character in a string
  };
  for (const std::string& text : bad) {
    INFO("'" << text << "'");
    rapidjson::Document doc;
    Status st = json::Parse(text, doc);
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(st.message().empty());
  }
}

TEST_CASE("Json: Parse accepts well-formed JSON and reads it", "[core]") {
  rapidjson::Document doc;
  Status st = json::Parse(
      R"( {"title":"h\u00e9llo \"x\"","n":-12.5e1,"ok":true,"none":null,"list":[1,{"b":"\u20ac"}],)"
      "\"utf8\":\"\xe2\x82\xac \xf0\x9f\x9a\xa8\"} ",
      doc);
  INFO(st.ToString());
  REQUIRE(st.ok());
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["title"].GetString()) == "h\xc3\xa9llo \"x\"");
  CHECK(doc["n"].GetDouble() == -125.0);
  CHECK(doc["ok"].GetBool());
  CHECK(doc["none"].IsNull());
  CHECK(std::string(doc["list"][1]["b"].GetString()) == "\xe2\x82\xac");
  CHECK(std::string(doc["utf8"].GetString()) == "\xe2\x82\xac \xf0\x9f\x9a\xa8");
  CHECK(std::string(json::TypeName(doc)) == "object");
  CHECK(std::string(json::TypeName(doc["list"])) == "array");
  CHECK(std::string(json::TypeName(doc["title"])) == "string");
  CHECK(std::string(json::TypeName(doc["n"])) == "number");
  CHECK(std::string(json::TypeName(doc["ok"])) == "boolean");
  CHECK(std::string(json::TypeName(doc["none"])) == "null");

  for (const char* text : {"{}", "[]", "0", "\"\"", "null", " [ 1 , 2 ] "}) {
    INFO(text);
    rapidjson::Document d;
    CHECK(json::Parse(text, d).ok());
  }
}

TEST_CASE("Json: Serialize writes compact JSON that parses back the same", "[core]") {
  rapidjson::Document doc;
  REQUIRE(json::Parse(R"({ "a" : [ 1 , 2 , { "b" : "c\n" } ] , "d" : null })", doc).ok());
  const std::string out = json::Serialize(doc);
  CHECK(out == R"({"a":[1,2,{"b":"c\n"}],"d":null})");
  rapidjson::Document again;
  REQUIRE(json::Parse(out, again).ok());
  CHECK(again == doc);
}

TEST_CASE("Json: nesting is limited to 64 levels by default", "[core]") {
  for (bool objects : {false, true}) {
    INFO((objects ? "objects" : "arrays"));
    rapidjson::Document ok64;
    Status st64 = json::Parse(Nested(64, objects), ok64);
    INFO(st64.ToString());
    CHECK(st64.ok());
    rapidjson::Document bad65;
    CHECK(json::Parse(Nested(65, objects), bad65).code() == StatusCode::kInvalidArgument);
  }
  rapidjson::Document custom;
  CHECK(json::Parse(Nested(3), custom, 3).ok());
  CHECK(json::Parse(Nested(4), custom, 3).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Json: input nested 10,000 deep is refused without crashing", "[core]") {
  rapidjson::Document doc;
  CHECK(json::Parse(Nested(10000), doc).code() == StatusCode::kInvalidArgument);
  CHECK(json::Parse(std::string(10000, '['), doc).code() == StatusCode::kInvalidArgument);
  CHECK(json::Parse(std::string(10000, '{'), doc).code() == StatusCode::kInvalidArgument);
  std::string mixed;
  for (int i = 0; i < 5000; ++i) mixed += "[{\"k\":";
  CHECK(json::Parse(mixed, doc).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Json: the parser is iterative: 100,000 levels parse when allowed", "[core]") {
  // A recursive parser would exhaust the stack here.
  rapidjson::Document doc;
  Status st = json::Parse(Nested(100000), doc, 200000);
  INFO(st.ToString());
  CHECK(st.ok());
  CHECK(doc.IsArray());
}

TEST_CASE("Json: brackets inside strings do not count as nesting", "[core]") {
  rapidjson::Document doc;
  const std::string brackets(1000, '[');
  CHECK(json::Parse("[\"" + brackets + "\"]", doc).ok());
  CHECK(json::Parse("{\"k\":\"\\\"" + brackets + "\"}", doc).ok());  // after an escaped quote
  CHECK(json::Parse("[\"\\\\\"," + Nested(63) + "]", doc).ok());     // an escaped backslash ends
  CHECK(json::Parse("[\"\\\\\"," + Nested(64) + "]", doc).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Json: ParseStringArray keeps the strings of an array and nothing else", "[core]") {
  using V = std::vector<std::string>;
  CHECK(json::ParseStringArray(R"(["a","b"])") == V{"a", "b"});
  CHECK(json::ParseStringArray(R"(["a",1,null,{"x":"y"},["z"],"c"])") == V{"a", "c"});
  CHECK(json::ParseStringArray(R"(["\u00e9","a\u0000b"])") ==
        V{"\xc3\xa9", std::string("a\0b", 3)});
  CHECK(json::ParseStringArray("[]").empty());
  CHECK(json::ParseStringArray(R"({"a":"b"})").empty());
  CHECK(json::ParseStringArray(R"("a")").empty());
  CHECK(json::ParseStringArray("").empty());
  CHECK(json::ParseStringArray(R"(["a",)").empty());
  CHECK(json::ParseStringArray("[\"\xff\"]").empty());
}

// ---------------------------------------------------------------------------
// JSON text helpers.

TEST_CASE("Json: AppendString escapes quotes, backslashes and control characters", "[core]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", R"("")"},
      {"plain", R"("plain")"},
      {"a\"b", R"("a\"b")"},
      {"back\\slash", R"("back\\slash")"},
      {"\n\r\t", R"("\n\r\t")"},
      {"\x01\x08\x0c\x1f", R"("\u0001\u0008\u000c\u001f")"},
      {std::string("a\0b", 3), R"("a\u0000b")"},
      {"\x7f", "\"\x7f\""},
      {"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x9a\xa8",
       "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x9a\xa8\""},
      {"</script>", R"("</script>")"},
  };
  for (const auto& [input, quoted] : cases) {
    INFO("'" << input << "'");
    CHECK(json::Quote(input) == quoted);
    std::string out = "prefix:";
    json::AppendString(out, input);
    CHECK(out == "prefix:" + quoted);
    // And it parses back to the input.
    rapidjson::Document doc;
    REQUIRE(json::Parse(quoted, doc).ok());
    CHECK(std::string(doc.GetString(), doc.GetStringLength()) == input);
  }
}

TEST_CASE("Json: AppendString replaces invalid UTF-8 with U+FFFD", "[core]") {
  const std::string kReplacement = "\xef\xbf\xbd";
  CHECK(json::Quote("\xff") == "\"" + kReplacement + "\"");
  CHECK(json::Quote(std::string("a\xff") + "b") == "\"a" + kReplacement + "b\"");
  CHECK(json::Quote("a\xc3") == "\"a" + kReplacement + "\"");  // truncated at the end
  CHECK(json::Quote("\x80") == "\"" + kReplacement + "\"");    // lone continuation byte
  for (const std::string& bad :
       {std::string("\xc0\xaf"), std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"),
        std::string("\xe2\x82"), std::string("ok \xfe\xff ok")}) {
    INFO("'" << bad << "'");
    const std::string quoted = json::Quote(bad);
    CHECK(json::IsValidUtf8(quoted));
    CHECK(quoted.find(kReplacement) != std::string::npos);
    rapidjson::Document doc;
    CHECK(json::Parse(quoted, doc).ok());
  }
}

TEST_CASE("Json: Object builds a flat object of escaped strings", "[core]") {
  CHECK(json::Object({}) == "{}");
  CHECK(json::Object({{"login", "bob"}, {"role", "l2"}}) == R"({"login":"bob","role":"l2"})");
  CHECK(json::Object({{"k\"", "v\n"}}) == R"({"k\"":"v\n"})");
  std::vector<std::pair<std::string, std::string>> fields = {{"a", "1"}, {"b", "\xff"}};
  CHECK(json::Object(fields) == "{\"a\":\"1\",\"b\":\"\xef\xbf\xbd\"}");
}

TEST_CASE("Json: IsValidUtf8 refuses overlongs, surrogates and out-of-range code points",
          "[core]") {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"", true},
      {"abc", true},
      {"\xc3\xa9", true},            // é
      {"\xe2\x82\xac", true},        // €
      {"\xf0\x9d\x84\x9e", true},    // U+1D11E
      {"\xf4\x8f\xbf\xbf", true},    // U+10FFFF
      {"\xef\xbf\xbd", true},        // U+FFFD
      {std::string("\0", 1), true},  // NUL is valid UTF-8
      {"\xff", false},
      {"\x80", false},                  // lone continuation
      {"\xc0\xaf", false},              // overlong
      {"\xe0\x80\xaf", false},          // overlong
      {"\xf0\x80\x80\xaf", false},      // overlong
      {"\xed\xa0\x80", false},          // surrogate U+D800
      {"\xed\xbf\xbf", false},          // surrogate U+DFFF
      {"\xf4\x90\x80\x80", false},      // U+110000
      {"\xf8\x88\x80\x80\x80", false},  // five-byte form
      {"\xe2\x82", false},              // truncated
      {"a\xc3", false},                 // truncated at the end
      {"\xc3\x28", false},              // bad continuation
  };
  for (const auto& [text, valid] : cases) {
    INFO("'" << text << "'");
    CHECK(json::IsValidUtf8(text) == valid);
  }
}

// ---------------------------------------------------------------------------
// RFC 3339 time text.

constexpr int64_t kT = 1795424485000;  // 2026-11-23T09:01:25Z

TEST_CASE("Clock: ParseRfc3339 reads the forms SIEMs send", "[core]") {
  const std::vector<std::pair<std::string, int64_t>> cases = {
      {"2026-11-23T09:01:25Z", kT},
      {"2026-11-23T09:01:25+0000", kT},
      {"2026-11-23T09:01:25+00:00", kT},
      {"2026-11-23T09:01:25-00:00", kT},
      {"2026-11-23T11:01:25+02:00", kT},
      {"2026-11-23T11:01:25+0200", kT},
      {"2026-11-23T04:31:25-04:30", kT},
      {"2026-11-24T00:30:00+01:00", 1795476600000},  // crosses midnight
      {"2026-11-23T09:01:25.1234567Z", kT + 123},
      {"2026-11-23T09:01:25.999999999Z", kT + 999},
      {"2026-11-23T09:01:25.5Z", kT + 500},
      {"2026-11-23T09:01:25.05+00:00", kT + 50},
      {"2026-11-23T09:01:25,250Z", kT + 250},
      {"2026-11-23 09:01:25Z", kT},
      {"2026-11-23 09:01:25.123+00:00", kT + 123},
      {"2026-11-23t09:01:25z", kT},
      {"2026-11-23T09:01:25", kT},  // no zone: UTC (Splunk, Wazuh)
      {"2024-02-29T00:00:00Z", 1709164800000},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1000},
      {"2026-12-31T23:59:60Z", 1798761600000},  // a leap second reads as the next second
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    int64_t ms = -42;
    REQUIRE(ParseRfc3339(text, &ms));
    CHECK(ms == expected);
  }
}

TEST_CASE("Clock: ParseRfc3339 refuses malformed timestamps", "[core]") {
  const std::vector<std::string> bad = {
      "",
      "2026",
      "2026-11-23",
      "2026-11-23T09:01",
      "2026-11-23T09:01:25.",
      "2026-11-23T09:01:25.Z",
      "2026-11-23T09:01:25+",
      "2026-11-23T09:01:25+02",
      "2026-11-23T09:01:25+2:00",
      "2026-11-23T09:01:25+02:",
      "2026-11-23T09:01:25+02:00:00",
      "2026-11-23T09:01:25+0200x",
      "2026-11-23T09:01:25Zjunk",
      "2026-11-23T09:01:25 Z",
      "2026-11-23T09:01:25Z ",
      " 2026-11-23T09:01:25Z",
      "2026/11/23T09:01:25Z",
      "2026-11-23X09:01:25Z",
      "2026-1-23T09:01:25Z",
      "20261123T090125Z",
      "-026-11-23T09:01:25Z",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-11-00T00:00:00Z",
      "2026-11-32T00:00:00Z",
      "2026-11-23T24:00:00Z",
      "2026-11-23T09:60:00Z",
      "2026-11-23T09:01:61Z",
      "2026-11-23T09:01:25+24:00",
      "2026-11-23T09:01:25+01:60",
      "2026-11-23T09:01:25EST",
  };
  for (const std::string& text : bad) {
    INFO("'" << text << "'");
    int64_t ms = 0;
    CHECK_FALSE(ParseRfc3339(text, &ms));
  }
}

TEST_CASE("Clock: ParseRfc3339 refuses days that do not exist in their month", "[core]") {
  // Bug report: only day <= 31 is checked, so 30 February reads as 2 March.
  for (const char* text : {"2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
                           "2026-04-31T00:00:00Z", "2026-06-31T00:00:00Z", "2026-09-31T00:00:00Z",
                           "2026-11-31T00:00:00Z"}) {
    INFO(text);
    int64_t ms = 0;
    CHECK_FALSE(ParseRfc3339(text, &ms));
  }
  int64_t ms = 0;
  CHECK(ParseRfc3339("2000-02-29T00:00:00Z", &ms));  // 2000 was a leap year
}

TEST_CASE("Clock: FormatRfc3339 writes UTC with milliseconds and round-trips", "[core]") {
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {0, "1970-01-01T00:00:00.000Z"},
      {kT + 123, "2026-11-23T09:01:25.123Z"},
      {kT + 7, "2026-11-23T09:01:25.007Z"},
      {-1, "1969-12-31T23:59:59.999Z"},
      {1709164800000, "2024-02-29T00:00:00.000Z"},
      {253402300799999, "9999-12-31T23:59:59.999Z"},
  };
  for (const auto& [ms, text] : cases) {
    INFO(ms);
    CHECK(FormatRfc3339(ms) == text);
    int64_t back = 0;
    REQUIRE(ParseRfc3339(text, &back));
    CHECK(back == ms);
  }
}

TEST_CASE("Clock: ManualClock reads what the test sets", "[core]") {
  ManualClock clock(kT);
  CHECK(clock.NowMs() == kT);
  clock.Advance(1500);
  CHECK(clock.NowMs() == kT + 1500);
  clock.Set(5);
  CHECK(clock.NowMs() == 5);
  const Clock& as_clock = clock;
  CHECK(as_clock.NowMs() == 5);
}

}  // namespace
}  // namespace wf
