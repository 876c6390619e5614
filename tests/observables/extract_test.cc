#include "observables/extract.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace wf::observables {
namespace {

using T = ObservableType;

// (type, value) pairs, in the order extracted.
std::vector<std::pair<T, std::string>> Values(const std::vector<ExtractedObservable>& found) {
  std::vector<std::pair<T, std::string>> out;
  out.reserve(found.size());
  for (const ExtractedObservable& e : found) {
    out.emplace_back(e.observable.type, e.observable.value);
  }
  return out;
}

bool Contains(const std::vector<ExtractedObservable>& found, T type, std::string_view value) {
  for (const ExtractedObservable& e : found) {
    if (e.observable.type == type && e.observable.value == value) {
      return true;
    }
  }
  return false;
}

bool ContainsType(const std::vector<ExtractedObservable>& found, T type) {
  for (const ExtractedObservable& e : found) {
    if (e.observable.type == type) {
      return true;
    }
  }
  return false;
}

std::string Describe(const std::vector<ExtractedObservable>& found) {
  std::string out;
  for (const ExtractedObservable& e : found) {
    out += std::string(ObservableTypeName(e.observable.type)) + ":" + e.observable.value + " <" +
           e.original + ">\n";
  }
  return out;
}

// The fuzzing property, checked on every text of this file.
void RequireCanonical(const std::vector<ExtractedObservable>& found) {
  for (const ExtractedObservable& e : found) {
    INFO("type=" << ObservableTypeName(e.observable.type) << " value=" << e.observable.value);
    const auto again = Normalize(e.observable.type, e.observable.value);
    REQUIRE(again.ok());
    CHECK(again.value() == e.observable);
    CHECK_FALSE(e.original.empty());
  }
}

std::vector<ExtractedObservable> Extract(std::string_view text) {
  auto found = ExtractFromText(text);
  RequireCanonical(found);
  return found;
}

TEST_CASE("ExtractFromText: a phishing mail body with a defanged URL and sender", "[observables]") {
  const std::string text =
      "From: \"PayPal Service\" <service[at]paypa1-secure[.]com>\n"
      "Subject: Your account is limited\n"
      "\n"
      "Dear customer, please verify your account at\n"
      "hxxps://paypa1-secure[.]com/login?session=8f3a&lang=en.\n"
      "If you did not request this, contact support@paypal.com.\n";
  const auto found = Extract(text);
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kMail, "service@paypa1-secure.com"},
      {T::kUrl, "https://paypa1-secure.com/login?session=8f3a&lang=en"},
      {T::kDomain, "paypa1-secure.com"},
      {T::kMail, "support@paypal.com"},
  };
  CHECK(Values(found) == expected);
  REQUIRE(found.size() == 4);
  CHECK(found[0].original == "service[at]paypa1-secure[.]com");
  CHECK(found[1].original == "hxxps://paypa1-secure[.]com/login?session=8f3a&lang=en");
  CHECK(found[2].original == "paypa1-secure[.]com");
}

TEST_CASE("ExtractFromText: a Windows Defender message with a SHA-256", "[observables]") {
  const std::string text =
      "Microsoft Defender Antivirus has detected malware or other potentially unwanted "
      "software.\r\n"
      " Name: Trojan:Win32/Emotet.RT!MTB\r\n"
      " ID: 2147735505\r\n"
      " Severity: Severe\r\n"
      " Path: file:_C:\\Users\\bob\\AppData\\Local\\Temp\\invoice_2024.exe\r\n"
      " SHA256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\r\n"
      " Detection Origin: Local machine\r\n"
      " User: CORP\\bob\r\n";
  const auto found = Extract(text);
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kHash, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
  };
  CHECK(Values(found) == expected);
  REQUIRE(found.size() == 1);
  CHECK(found[0].observable.hash_kind == HashKind::kSha256);
}

TEST_CASE("ExtractFromText: a firewall log line gives its source and destination IPs",
          "[observables]") {
  const std::string text =
      "Jun 10 12:00:01 fw01 kernel: [UFW BLOCK] IN=eth0 OUT= "
      "MAC=00:1a:2b:3c:4d:5e:00:1a:2b:3c:4d:5f:08:00 SRC=203.0.113.7 DST=10.0.0.5 LEN=60 "
      "TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51515 DPT=22 WINDOW=64240 SYN "
      "src6=2001:db8::7 dst6=fe80::1%eth0.";
  const auto found = Extract(text);
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kIp, "203.0.113.7"},
      {T::kIp, "10.0.0.5"},
      {T::kIp, "2001:db8::7"},
      {T::kIp, "fe80::1"},
  };
  CHECK(Values(found) == expected);
  REQUIRE(found.size() == 4);
  CHECK(found[0].observable.internal);  // documentation range
  CHECK(found[1].observable.internal);
}

TEST_CASE("ExtractFromText: a user agent's Chrome version is not an IP", "[observables]") {
  const auto found = Extract(
      "GET /wp-login.php HTTP/1.1 from 198.51.100.23 ua=\"Mozilla/5.0 (Windows NT 10.0; "
      "Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
      "Safari/537.36 Edg/124.0.2478.51\"");
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {{T::kIp, "198.51.100.23"}};
  CHECK(Values(found) == expected);
}

TEST_CASE("ExtractFromText: file names and version numbers are not domains", "[observables]") {
  const auto found = Extract(
      "User ran file.exe and opened report.pdf, then setup.msi, index.html, script.ps1, "
      "invoice.zip, notes.txt, app.log, Invoke-Mimikatz.ps1 and README.md; agent "
      "version 1.2.3 (build 10.0.19045.3693), v2.4.1.8, e.g. node.js and Vue.js.");
  INFO(Describe(found));
  CHECK(found.empty());
}

TEST_CASE("ExtractFromText: real domains in prose, including ambiguous TLDs with three labels",
          "[observables]") {
  const auto found = Extract(
      "Beacons to cdn.evil-updates.zip and Evil-Domain.XYZ. were seen; socket.io is benign; "
      "4.3.2.1.in-addr.arpa was queried; see \xE2\x80\x9Cmalicious.ru\xE2\x80\x9D.");
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kDomain, "cdn.evil-updates.zip"},
      {T::kDomain, "evil-domain.xyz"},
      {T::kDomain, "socket.io"},
      {T::kDomain, "4.3.2.1.in-addr.arpa"},
      {T::kDomain, "malicious.ru"},
  };
  CHECK(Values(found) == expected);
}

TEST_CASE("ExtractFromText: CVE mentions in any case", "[observables]") {
  const auto found = Extract(
      "Exploitation of Log4Shell (cve-2021-44228) and CVE-2023-4966, see "
      "https://nvd.nist.gov/vuln/detail/CVE-2021-44228. Not a CVE: CVE-2021-12 or XCVE-2020-1234.");
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kCve, "CVE-2021-44228"},
      {T::kCve, "CVE-2023-4966"},
      {T::kUrl, "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"},
      {T::kDomain, "nvd.nist.gov"},
  };
  CHECK(Values(found) == expected);
}

TEST_CASE("ExtractFromText: a URL gives its host but nothing from its path", "[observables]") {
  const auto found = Extract(
      "(see http://203.0.113.9:8080/drop/evil.com/a@b.com?ip=10.1.1.1) and "
      "<https://[2001:db8::5]/x> and https://www.virustotal.com/gui/file/"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/detection, "
      "also http://intranet/wiki.");
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kUrl, "http://203.0.113.9:8080/drop/evil.com/a@b.com?ip=10.1.1.1"},
      {T::kIp, "203.0.113.9"},
      {T::kUrl, "https://[2001:db8::5]/x"},
      {T::kIp, "2001:db8::5"},
      {T::kUrl,
       "https://www.virustotal.com/gui/file/"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/detection"},
      {T::kDomain, "www.virustotal.com"},
      {T::kHash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {T::kUrl, "http://intranet/wiki"},
  };
  CHECK(Values(found) == expected);
}

TEST_CASE("ExtractFromText: field-path keys are not domains", "[observables]") {
  const auto found = Extract(
      "host.name: ws-042\nuser.name: bob\nrule.mitre.id: T1059\n\"user.email\": \"x\"\n"
      "agent.id=007\nconsole.log(x)\nlogin from evil.host:8443 and phish.email");
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kDomain, "evil.host"},
      {T::kDomain, "phish.email"},
  };
  CHECK(Values(found) == expected);
}

TEST_CASE("ExtractFromText: results are deduplicated in first-seen order", "[observables]") {
  const auto found = Extract(
      "8.8.8.8 then EVIL.com then 8.8.8.8 again, evil[.]com again, then 1.1.1.1 and evil.com.");
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kIp, "8.8.8.8"},
      {T::kDomain, "evil.com"},
      {T::kIp, "1.1.1.1"},
  };
  CHECK(Values(found) == expected);
  CHECK(found[1].original == "EVIL.com");
}

TEST_CASE("ExtractFromText: a letter of another script glued to a name voids it", "[observables]") {
  // "pаypal.com" with a Cyrillic "а" must not become "ypal.com".
  const auto found = Extract(
      "login at p\xD0\xB0ypal.com today, or \xE4\xBD\xA0"
      "evil.com");
  INFO(Describe(found));
  CHECK(found.empty());
}

TEST_CASE("ExtractFromText: hashes need clean boundaries and real content", "[observables]") {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const auto found = Extract("md5=" + md5 + " zero=" + std::string(32, '0') +
                             " digits=" + std::string(30, '7') + "12" + " glued=x" + md5 +
                             " sample_" + md5 + ".bin guid=550e8400-e29b-41d4-a716-446655440000");
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {{T::kHash, md5}};
  CHECK(Values(found) == expected);
  CHECK(found[0].observable.hash_kind == HashKind::kMd5);
}

TEST_CASE("ExtractFromText: empty and observable-free texts give nothing", "[observables]") {
  CHECK(Extract("").empty());
  CHECK(Extract("   \n\t").empty());
  CHECK(Extract("The quick brown fox jumps over the lazy dog. Nothing to see: 12:30:45.").empty());
  CHECK(Extract("std::vector<int> v; Foo::Bar(); a::b").empty());
}

TEST_CASE("ExtractFromText: invalid UTF-8 bytes do not crash and separate tokens",
          "[observables]") {
  std::string text =
      "\xFF\xFE"
      "1.2.3.4\xC3"
      " evil.com\xED\xA0\x80 \xF0\x9F\x98";
  text += std::string("\0\x80\xBF", 3);
  text += "8.8.8.8";
  const auto found = Extract(text);
  INFO(Describe(found));
  const std::vector<std::pair<T, std::string>> expected = {
      {T::kIp, "1.2.3.4"},
      {T::kDomain, "evil.com"},
      {T::kIp, "8.8.8.8"},
  };
  CHECK(Values(found) == expected);
  std::string noise;
  for (int i = 0; i < 4096; ++i) {
    noise += static_cast<char>((i * 131 + 7) % 256);
  }
  RequireCanonical(ExtractFromText(noise));
}

TEST_CASE("ExtractFromText: 20 KB of alert text", "[observables]") {
  std::string text;
  int line = 0;
  while (text.size() < size_t{20} * 1024) {
    text += "2024-06-10T12:00:" + std::to_string(line % 60) +
            "Z sshd[4242]: Failed password for invalid user admin from 198.51.100." +
            std::to_string(line % 200) + " port 51515 ssh2; reported by hxxp://scanner" +
            std::to_string(line % 7) + "[.]example[.]net/report ua=Chrome/124.0.0.0\n";
    ++line;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto found = Extract(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO(Describe(found));
  size_t ips = 0;
  size_t urls = 0;
  size_t domains = 0;
  for (const ExtractedObservable& e : found) {
    ips += e.observable.type == T::kIp ? 1 : 0;
    urls += e.observable.type == T::kUrl ? 1 : 0;
    domains += e.observable.type == T::kDomain ? 1 : 0;
  }
  CHECK(ips == static_cast<size_t>(std::min(line, 200)));
  CHECK(urls == 7);
  CHECK(domains == 7);
  CHECK_FALSE(Contains(found, T::kIp, "124.0.0.0"));
  CHECK(elapsed < std::chrono::seconds(2));  // far below, even under sanitizers
}

TEST_CASE("ExtractFromText: adversarial inputs stay fast", "[observables]") {
  const std::vector<std::string> inputs = {
      std::string(200000, '.'),
      std::string(200000, ':'),
      std::string(200000, '@'),
      std::string(200000, 'a'),
      [] {
        std::string s;
        for (int i = 0; i < 50000; ++i) {
          s += "a.b.";
        }
        return s;
      }(),
      [] {
        std::string s;
        for (int i = 0; i < 20000; ++i) {
          s += "http://";
        }
        return s;
      }(),
      [] {
        std::string s;
        for (int i = 0; i < 20000; ++i) {
          s += "http://_/";
        }
        return s;
      }(),
      [] {
        std::string s;
        for (int i = 0; i < 20000; ++i) {
          s += "a@b.c@";
        }
        return s;
      }(),
      [] {
        std::string s(100000, '[');
        s += "http://a.com/";
        s += std::string(100000, ')');
        return s;
      }(),
      [] {
        std::string s;
        for (int i = 0; i < 40000; ++i) {
          s += "1.2.3.";
        }
        return s;
      }(),
  };
  for (const std::string& input : inputs) {
    INFO("input starts " << input.substr(0, 24));
    const auto start = std::chrono::steady_clock::now();
    const auto found = Extract(input);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(found.size() <= 2);
  }
}

TEST_CASE("ExtractFromText: extracted IPs carry the internal flag", "[observables]") {
  const auto found = Extract("from 192.168.1.10 to 93.184.216.34");
  REQUIRE(found.size() == 2);
  CHECK(found[0].observable.internal);
  CHECK_FALSE(found[1].observable.internal);
  CHECK(ContainsType(found, T::kIp));
}

}  // namespace
}  // namespace wf::observables
