#include "observables/normalize.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace wf::observables {
namespace {

using T = ObservableType;

// One row of the normalisation table. `expected` is the canonical value when
// the row is valid, else a fragment of the reason.
struct Row {
  ObservableType type;
  std::string input;
  bool ok;
  std::string expected;
  bool internal = false;
  HashKind hash_kind = HashKind::kNone;
};

Row Valid(ObservableType type, std::string input, std::string expected, bool internal = false) {
  return {type, std::move(input), true, std::move(expected), internal, HashKind::kNone};
}

Row ValidHash(std::string input, std::string expected, HashKind kind) {
  return {T::kHash, std::move(input), true, std::move(expected), false, kind};
}

Row Invalid(ObservableType type, std::string input, std::string reason) {
  return {type, std::move(input), false, std::move(reason)};
}

std::string Label(size_t n) { return {std::string(n, 'a')}; }

// "invoice<U+202E>fdp.exe" displays as "invoiceexe.pdf": evidence, kept as sent.
constexpr std::string_view kRightToLeftOverrideName =
    "invoice\xE2\x80\xAE"
    "fdp.exe";

const std::vector<Row>& Table() {
  static const std::vector<Row> rows = {
      // --- IPv4 -------------------------------------------------------------
      Valid(T::kIp, "1.2.3.4", "1.2.3.4"),
      Valid(T::kIp, "8.8.8.8", "8.8.8.8"),
      Valid(T::kIp, " 8.8.4.4 \n", "8.8.4.4"),
      Valid(T::kIp, "93.184.216.34", "93.184.216.34"),
      Valid(T::kIp, "1[.]2[.]3[.]4", "1.2.3.4"),
      Valid(T::kIp, "0.0.0.0", "0.0.0.0", true),
      Valid(T::kIp, "255.255.255.255", "255.255.255.255", true),
      Valid(T::kIp, "10.0.0.1", "10.0.0.1", true),
      Valid(T::kIp, "10.255.255.255", "10.255.255.255", true),
      Valid(T::kIp, "11.0.0.1", "11.0.0.1"),
      Valid(T::kIp, "100.64.0.1", "100.64.0.1", true),
      Valid(T::kIp, "100.127.255.255", "100.127.255.255", true),
      Valid(T::kIp, "100.63.255.255", "100.63.255.255"),
      Valid(T::kIp, "100.128.0.1", "100.128.0.1"),
      Valid(T::kIp, "127.0.0.1", "127.0.0.1", true),
      Valid(T::kIp, "169.254.10.20", "169.254.10.20", true),
      Valid(T::kIp, "172.16.0.1", "172.16.0.1", true),
      Valid(T::kIp, "172.31.255.255", "172.31.255.255", true),
      Valid(T::kIp, "172.15.255.255", "172.15.255.255"),
      Valid(T::kIp, "172.32.0.1", "172.32.0.1"),
      Valid(T::kIp, "192.168.1.1", "192.168.1.1", true),
      Valid(T::kIp, "192.169.0.1", "192.169.0.1"),
      Valid(T::kIp, "192.0.0.8", "192.0.0.8", true),
      Valid(T::kIp, "192.0.2.10", "192.0.2.10", true),
      Valid(T::kIp, "198.18.0.1", "198.18.0.1", true),
      Valid(T::kIp, "198.19.255.255", "198.19.255.255", true),
      Valid(T::kIp, "198.20.0.1", "198.20.0.1"),
      Valid(T::kIp, "198.51.100.7", "198.51.100.7", true),
      Valid(T::kIp, "203.0.113.7", "203.0.113.7", true),
      Valid(T::kIp, "203.0.114.7", "203.0.114.7"),
      Valid(T::kIp, "224.0.0.251", "224.0.0.251", true),
      Valid(T::kIp, "240.0.0.1", "240.0.0.1", true),
      Invalid(T::kIp, "010.1.1.1", "leading zeros"),
      Invalid(T::kIp, "1.2.3.04", "leading zeros"),
      Invalid(T::kIp, "256.1.1.1", "between 0 and 255"),
      Invalid(T::kIp, "1.2.3.1000", "between 0 and 255"),
      Invalid(T::kIp, "1.2.3", "exactly four octets"),
      Invalid(T::kIp, "1.2.3.4.5", "exactly four octets"),
      Invalid(T::kIp, "127.1", "exactly four octets"),
      Invalid(T::kIp, "1.2..4", "exactly four octets"),
      Invalid(T::kIp, "1.2.3.4.", "exactly four octets"),
      Invalid(T::kIp, "2130706433", "IPv4"),
      Invalid(T::kIp, "0x7f.0.0.1", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "0177.0.0.1", "leading zeros"),
      Invalid(T::kIp, "1.2.3.4:80", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "1.2.3.4/24", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "example.com", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "", "empty"),
      Invalid(T::kIp, " \t ", "empty"),
      // --- IPv6 -------------------------------------------------------------
      Valid(T::kIp, "2001:db8::1", "2001:db8::1", true),
      Valid(T::kIp, "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1", true),
      Valid(T::kIp, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", true),
      Valid(T::kIp, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", true),
      Valid(T::kIp, "2001:db8:0:0:0:0:2:1", "2001:db8::2:1", true),
      Valid(T::kIp, "2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::", true),
      Valid(T::kIp, "2001:db8::0:1", "2001:db8::1", true),
      Valid(T::kIp, "[2001:db8::1]", "2001:db8::1", true),
      Valid(T::kIp, "::", "::", true),
      Valid(T::kIp, "::1", "::1", true),
      Valid(T::kIp, "0:0:0:0:0:0:0:1", "::1", true),
      Valid(T::kIp, "::0.0.0.1", "::1", true),
      Valid(T::kIp, "1::", "1::", true),
      Valid(T::kIp, "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", true),  // in reserved ::/8
      Valid(T::kIp, "2a00:1450:4001:0811:0000:0000:0000:200e", "2a00:1450:4001:811::200e"),
      Valid(T::kIp, "::ffff:1.2.3.4", "::ffff:1.2.3.4"),
      Valid(T::kIp, "::FFFF:10.0.0.1", "::ffff:10.0.0.1", true),
      Valid(T::kIp, "::ffff:c000:0280", "::ffff:192.0.2.128", true),
      Valid(T::kIp, "::ffff:0:0", "::ffff:0.0.0.0", true),
      Valid(T::kIp, "2606:4700:4700::1111", "2606:4700:4700::1111"),
      Valid(T::kIp, "2606:4700:4700:0:0:0:0:1111", "2606:4700:4700::1111"),
      Valid(T::kIp, "2001:4860:4860::8888", "2001:4860:4860::8888"),
      Valid(T::kIp, "64:ff9b::8.8.8.8", "64:ff9b::808:808"),
      Valid(T::kIp, "64:ff9b::10.0.0.1", "64:ff9b::a00:1", true),
      Valid(T::kIp, "fe80::1", "fe80::1", true),
      Valid(T::kIp, "FD12:3456:789A::1", "fd12:3456:789a::1", true),
      Valid(T::kIp, "ff02::fb", "ff02::fb", true),
      Valid(T::kIp, "3fff::1", "3fff::1", true),
      Valid(T::kIp, "2001:2::1", "2001:2::1", true),
      Invalid(T::kIp, "fe80::1%eth0", "zone ids"),
      Invalid(T::kIp, "fe80::1%25eth0", "zone ids"),
      Invalid(T::kIp, "[fe80::1%eth0]", "zone ids"),
      Invalid(T::kIp, "2001:db8::1::2", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "2001:db8:::1", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "12345::1", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "2001:db8::g", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "::ffff:01.2.3.4", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "::ffff:1.2.3", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "1:2:3:4:5:6:7:8:9", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, "1:2:3:4:5:6:7", "not a valid IPv4 or IPv6 address"),
      Invalid(T::kIp, ":1", "not a valid IPv4 or IPv6 address"),
      // --- domain -----------------------------------------------------------
      Valid(T::kDomain, "Example.COM", "example.com"),
      Valid(T::kDomain, "example.com.", "example.com"),
      Valid(T::kDomain, "  www.example.co.uk  ", "www.example.co.uk"),
      Valid(T::kDomain, "evil[.]com", "evil.com"),
      Valid(T::kDomain, "evil(.)com", "evil.com"),
      Valid(T::kDomain, "evil{.}com", "evil.com"),
      Valid(T::kDomain, "evil[dot]com", "evil.com"),
      Valid(T::kDomain, "evil [dot] com", "evil.com"),
      Valid(T::kDomain, "xn--80ak6aa92e.com", "xn--80ak6aa92e.com"),
      Valid(T::kDomain, "XN--MNCHEN-3YA.de", "xn--mnchen-3ya.de"),
      Valid(T::kDomain, "123.example.com", "123.example.com"),
      Valid(T::kDomain, "a-b.c-d.example", "a-b.c-d.example"),
      Valid(T::kDomain, "a.b", "a.b"),
      Valid(T::kDomain, "dc01.corp.local", "dc01.corp.local"),
      Valid(T::kDomain, "invoice.zip", "invoice.zip"),
      Valid(T::kDomain, Label(63) + ".com", Label(63) + ".com"),
      Valid(T::kDomain, Label(63) + "." + Label(63) + "." + Label(63) + "." + Label(61),
            Label(63) + "." + Label(63) + "." + Label(63) + "." + Label(61)),
      Valid(T::kDomain, Label(63) + "." + Label(63) + "." + Label(63) + "." + Label(61) + ".",
            Label(63) + "." + Label(63) + "." + Label(63) + "." + Label(61)),
      Invalid(T::kDomain, Label(64) + ".com", "longer than 63"),
      Invalid(T::kDomain, Label(63) + "." + Label(63) + "." + Label(63) + "." + Label(62),
              "longer than 253"),
      Invalid(T::kDomain, "localhost", "at least two labels"),
      Invalid(T::kDomain, "example..com", "empty label"),
      Invalid(T::kDomain, ".example.com", "empty label"),
      Invalid(T::kDomain, "example.com..", "empty label"),
      Invalid(T::kDomain, "-evil.com", "start or end with '-'"),
      Invalid(T::kDomain, "evil-.com", "start or end with '-'"),
      Invalid(T::kDomain, "ex_ample.com", "'_'"),
      Invalid(T::kDomain, "exa mple.com", "only letters, digits and '-'"),
      Invalid(T::kDomain, "*.example.com", "only letters, digits and '-'"),
      Invalid(T::kDomain,
              "b\xC3\xBC"
              "cher.de",
              "punycode"),
      Invalid(T::kDomain, "1.2.3.4", "all-numeric"),
      Invalid(T::kDomain, "example.123", "all-numeric"),
      Invalid(T::kDomain, ".", "empty"),
      // --- hostname ---------------------------------------------------------
      Valid(T::kHostname, "WS-042", "ws-042"),
      Valid(T::kHostname, "DESKTOP-AB12CD", "desktop-ab12cd"),
      Valid(T::kHostname, "dc01.corp.local.", "dc01.corp.local"),
      Valid(T::kHostname, "localhost", "localhost"),
      Invalid(T::kHostname, "-ws", "start or end with '-'"),
      Invalid(T::kHostname, "ws_01", "'_'"),
      Invalid(T::kHostname, "12345", "all-numeric"),
      Invalid(T::kHostname, Label(64), "longer than 63"),
      // --- url --------------------------------------------------------------
      Valid(T::kUrl, "http://Example.COM:80/Path?Q=1", "http://example.com/Path?Q=1"),
      Valid(T::kUrl, "HTTPS://example.com:443", "https://example.com/"),
      Valid(T::kUrl, "https://example.com:8443/a", "https://example.com:8443/a"),
      Valid(T::kUrl, "http://example.com:443/", "http://example.com:443/"),
      Valid(T::kUrl, "https://example.com:80/", "https://example.com:80/"),
      Valid(T::kUrl, "hxxp://evil[.]com/login", "http://evil.com/login"),
      Valid(T::kUrl, "hxxps[:]//evil[.]com/x", "https://evil.com/x"),
      Valid(T::kUrl, "hXXps[://]evil[.]com", "https://evil.com/"),
      Valid(T::kUrl, "http://[2001:DB8::1]:8080/x", "http://[2001:db8::1]:8080/x", true),
      Valid(T::kUrl, "http://[::ffff:1.2.3.4]/", "http://[::ffff:1.2.3.4]/"),
      Valid(T::kUrl, "http://10.0.0.1/admin", "http://10.0.0.1/admin", true),
      Valid(T::kUrl, "http://user:Pass@Example.com/", "http://user:Pass@example.com/"),
      Valid(T::kUrl, "ftp://files.example.com:21/pub", "ftp://files.example.com/pub"),
      Valid(T::kUrl, "http://intranet/", "http://intranet/"),
      Valid(T::kUrl, "https://example.com?q=1", "https://example.com/?q=1"),
      Valid(T::kUrl, "https://example.com/#Frag", "https://example.com/#Frag"),
      Valid(T::kUrl, "http://example.com:/", "http://example.com/"),
      Valid(T::kUrl, "http://example.com:0080/", "http://example.com/"),
      Valid(T::kUrl, "https://example.com./a", "https://example.com/a"),
      Valid(T::kUrl, "https://example.com/a%20b/C?X=Y&z=%2F",
            "https://example.com/a%20b/C?X=Y&z=%2F"),
      Valid(T::kUrl, "ldap://DC01.corp.local:389/dc=corp", "ldap://dc01.corp.local:389/dc=corp"),
      Valid(T::kUrl, "tcp://203.0.113.7:4444", "tcp://203.0.113.7:4444", true),
      Invalid(T::kUrl, "example.com/path", "needs a scheme"),
      Invalid(T::kUrl, "1http://x.com/", "scheme is not valid"),
      Invalid(T::kUrl, "http://", "no host"),
      Invalid(T::kUrl, "http:///path", "no host"),
      Invalid(T::kUrl, "http://user@/", "no host"),
      Invalid(T::kUrl, "http://exa mple.com/", "spaces"),
      Invalid(T::kUrl, "http://example.com:99999/", "port"),
      Invalid(T::kUrl, "http://example.com:8o/", "port"),
      Invalid(T::kUrl, "http://[fe80::1%eth0]/", "zone ids"),
      Invalid(T::kUrl, "http://[2001:db8::1/", "unclosed"),
      Invalid(T::kUrl, "http://[2001:db8::zz]/", "not a valid IPv6"),
      Invalid(T::kUrl, "http://[::1]x/", "after its IPv6 host"),
      Invalid(T::kUrl, "http://0x7f000001/", "hexadecimal"),
      Invalid(T::kUrl, "http://0X7F000001./", "hexadecimal"),
      Invalid(T::kUrl, "http://a.0x10/", "hexadecimal"),
      Invalid(T::kUrl, "http://127.1/", "exactly four octets"),
      Invalid(T::kUrl, "http://010.0.0.1/", "leading zeros"),
      Invalid(T::kUrl,
              "http://b\xC3\xBC"
              "cher.de/",
              "punycode"),
      Invalid(T::kUrl, "http://ex_ample.com/", "'_'"),
      // --- mail -------------------------------------------------------------
      Valid(T::kMail, "Alice.Smith@Example.COM", "Alice.Smith@example.com"),
      Valid(T::kMail, "bob[at]evil[.]com", "bob@evil.com"),
      Valid(T::kMail, "bob(at)example(dot)com", "bob@example.com"),
      Valid(T::kMail, "mailto:carol@example.org", "carol@example.org"),
      Valid(T::kMail, "first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk"),
      Valid(T::kMail, "j\xC3\xB6rg@example.de", "j\xC3\xB6rg@example.de"),
      Valid(T::kMail, Label(64) + "@example.com", Label(64) + "@example.com"),
      Invalid(T::kMail, Label(65) + "@example.com", "longer than 64"),
      Invalid(T::kMail, "noat.example.com", "needs an '@'"),
      Invalid(T::kMail, "@example.com", "empty local part"),
      Invalid(T::kMail, "bob@localhost", "at least two labels"),
      Invalid(T::kMail, "bob smith@example.com", "need quoting"),
      Invalid(T::kMail, "a@b@example.com", "need quoting"),
      Invalid(T::kMail, "bob@[192.0.2.1]", "domain literals"),
      Invalid(T::kMail, "bob@exam_ple.com", "'_'"),
      Invalid(T::kMail, "bob@", "mail domain is empty"),
      // --- hash -------------------------------------------------------------
      ValidHash("D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e",
                HashKind::kMd5),
      ValidHash(" d41d8cd98f00b204e9800998ecf8427e\t", "d41d8cd98f00b204e9800998ecf8427e",
                HashKind::kMd5),
      ValidHash("da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "da39a3ee5e6b4b0d3255bfef95601890afd80709", HashKind::kSha1),
      ValidHash("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HashKind::kSha256),
      ValidHash("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
                "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
                HashKind::kSha512),
      Invalid(T::kHash, std::string(31, 'a'), "32, 40, 64 or 128 hex digits"),
      Invalid(T::kHash, std::string(33, 'a'), "32, 40, 64 or 128 hex digits"),
      Invalid(T::kHash, std::string(63, 'a'), "32, 40, 64 or 128 hex digits"),
      Invalid(T::kHash, std::string(127, 'a'), "32, 40, 64 or 128 hex digits"),
      Invalid(T::kHash, "g41d8cd98f00b204e9800998ecf8427e", "only hex digits"),
      Invalid(T::kHash, "d41d8cd98f00b204 e9800998ecf8427e", "only hex digits"),
      Invalid(T::kHash, "0xd41d8cd98f00b204e9800998ecf8427e", "only hex digits"),
      Invalid(T::kHash, "sha256:e3b0c44298fc1c149afbf4c8996fb924", "only hex digits"),
      // --- cve --------------------------------------------------------------
      Valid(T::kCve, "cve-2021-44228", "CVE-2021-44228"),
      Valid(T::kCve, "CVE-1999-0001", "CVE-1999-0001"),
      Valid(T::kCve, "CVE-2024-123456", "CVE-2024-123456"),
      Invalid(T::kCve, "CVE-2021-123", "CVE-2024-12345"),
      Invalid(T::kCve, "CVE-21-44228", "CVE-2024-12345"),
      Invalid(T::kCve, "CVE_2021_44228", "CVE-2024-12345"),
      Invalid(T::kCve, "CVE-2021-4422a", "CVE-2024-12345"),
      Invalid(T::kCve, "2021-44228", "CVE-2024-12345"),
      Invalid(T::kCve, "CVE-1998-0001", "1999 or later"),
      Invalid(T::kCve, "CVE-2021-044228", "leading zero"),
      // --- mac --------------------------------------------------------------
      Valid(T::kMac, "00:1A:2B:3C:4D:5E", "00:1a:2b:3c:4d:5e"),
      Valid(T::kMac, "00-1a-2b-3c-4d-5e", "00:1a:2b:3c:4d:5e"),
      Valid(T::kMac, "001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e"),
      Valid(T::kMac, "001A2B3C4D5E", "00:1a:2b:3c:4d:5e"),
      Invalid(T::kMac, "00:1a:2b:3c:4d", "six hex octets"),
      Invalid(T::kMac, "00:1a-2b:3c:4d:5e", "six hex octets"),
      Invalid(T::kMac, "00:1a:2b:3c:4d:5g", "six hex octets"),
      Invalid(T::kMac, "0:1a:2b:3c:4d:5e:ff", "six hex octets"),
      Invalid(T::kMac, "001a.2b3c-4d5e", "six hex octets"),
      // --- asn --------------------------------------------------------------
      Valid(T::kAsn, "AS15169", "AS15169"),
      Valid(T::kAsn, "as15169", "AS15169"),
      Valid(T::kAsn, "15169", "AS15169"),
      Valid(T::kAsn, "ASN13335", "AS13335"),
      Valid(T::kAsn, "AS0", "AS0", true),
      Valid(T::kAsn, "AS23456", "AS23456", true),
      Valid(T::kAsn, "AS64512", "AS64512", true),
      Valid(T::kAsn, "AS1.10", "AS65546", true),
      Valid(T::kAsn, "AS4200000000", "AS4200000000", true),
      Valid(T::kAsn, "AS4294967295", "AS4294967295", true),
      Valid(T::kAsn, "AS396982", "AS396982"),
      Invalid(T::kAsn, "AS4294967296", "between 0 and 4294967295"),
      Invalid(T::kAsn, "AS99999999999", "between 0 and 4294967295"),
      Invalid(T::kAsn, "AS015169", "leading zeros"),
      Invalid(T::kAsn, "AS", "between 0 and 4294967295"),
      Invalid(T::kAsn, "AS-1", "between 0 and 4294967295"),
      Invalid(T::kAsn, "AS 15169", "between 0 and 4294967295"),
      Invalid(T::kAsn, "AS1.65536", "between 0 and 4294967295"),
      // --- verbatim types ---------------------------------------------------
      Valid(T::kFilename, "  invoice.pdf.exe ", "invoice.pdf.exe"),
      Valid(T::kFilename, "report[.]pdf", "report[.]pdf"),
      Valid(T::kFilename, R"(C:\Windows\Temp\Evil.exe)", R"(C:\Windows\Temp\Evil.exe)"),
      Valid(T::kFilename, "R\xC3\xA9sum\xC3\xA9.docx", "R\xC3\xA9sum\xC3\xA9.docx"),
      Valid(T::kFilename, std::string(kRightToLeftOverrideName),
            std::string(kRightToLeftOverrideName)),
      Valid(T::kUser, R"(CORP\Alice)", R"(CORP\Alice)"),
      Valid(T::kUser, "alice@corp.example", "alice@corp.example"),
      Valid(T::kUserAgent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"),
      Valid(T::kRegistry, R"( HKLM\Software\Microsoft\Windows\CurrentVersion\Run )",
            R"(HKLM\Software\Microsoft\Windows\CurrentVersion\Run)"),
      Valid(T::kOther, "anything goes [.] here", "anything goes [.] here"),
      Valid(T::kOther, std::string(kMaxValueBytes, 'x'), std::string(kMaxValueBytes, 'x')),
      Valid(T::kUrl, "https://example.com/" + std::string(kMaxUrlBytes - 20, 'p'),
            "https://example.com/" + std::string(kMaxUrlBytes - 20, 'p')),
      Invalid(T::kFilename, "a\tb", "control characters"),
      Invalid(T::kFilename, "", "empty"),
      Invalid(T::kUser, "alice\x01", "control characters"),
      Invalid(T::kUserAgent, "Mozilla\r\n/5.0", "control characters"),
      Invalid(T::kRegistry, "HKLM\\Run\x7F", "control characters"),
      Invalid(T::kOther, std::string("a\0b", 3), "control characters"),
      Invalid(T::kOther, "next\xC2\x85line", "control characters"),
      Invalid(T::kOther, "\xFF\xFE", "UTF-8"),
      Invalid(T::kOther, "caf\xC3", "UTF-8"),
      Invalid(T::kOther, "\xC0\xAF", "UTF-8"),
      Invalid(T::kOther, "\xED\xA0\x80", "UTF-8"),
      Invalid(T::kOther, "\xF4\x90\x80\x80", "UTF-8"),
      Invalid(T::kDomain, "evil\xFF.com", "UTF-8"),
      Invalid(T::kOther, std::string(kMaxValueBytes + 1, 'x'), "longer than 4096 bytes"),
      Invalid(T::kFilename, std::string(kMaxValueBytes + 1, 'x'), "longer than 4096 bytes"),
      Invalid(T::kDomain, std::string(kMaxValueBytes + 1, 'x'), "longer than 4096 bytes"),
      Invalid(T::kUrl, "https://example.com/" + std::string(kMaxUrlBytes, 'p'),
              "longer than 8192 bytes"),
  };
  return rows;
}

TEST_CASE("Normalize: the table has at least 150 rows, valid and invalid", "[observables]") {
  size_t valid = 0;
  for (const Row& row : Table()) {
    valid += row.ok ? 1 : 0;
  }
  CHECK(Table().size() >= 150);
  CHECK(valid >= 60);
  CHECK(Table().size() - valid >= 60);
}

TEST_CASE("Normalize: every table row gives its canonical value or its reason", "[observables]") {
  for (const Row& row : Table()) {
    INFO("type=" << ObservableTypeName(row.type) << " input=" << row.input);
    const auto result = Normalize(row.type, row.input);
    if (row.ok) {
      REQUIRE(result.ok());
      CHECK(result->type == row.type);
      CHECK(result->value == row.expected);
      CHECK(result->internal == row.internal);
      CHECK(result->hash_kind == row.hash_kind);
    } else {
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().code() == StatusCode::kUnprocessable);
      CHECK_THAT(result.status().message(), Catch::Contains(row.expected));
    }
  }
}

TEST_CASE("Normalize: every canonical value normalises to itself", "[observables]") {
  for (const Row& row : Table()) {
    if (!row.ok) {
      continue;
    }
    const auto first = Normalize(row.type, row.input);
    REQUIRE(first.ok());
    INFO("type=" << ObservableTypeName(row.type) << " canonical=" << first->value);
    const auto second = Normalize(row.type, first->value);
    REQUIRE(second.ok());
    CHECK(second.value() == first.value());
  }
}

TEST_CASE("Normalize: reasons never echo the rejected value", "[observables]") {
  const auto result = Normalize(T::kDomain, "secret-token_value.example");
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.status().message(), !Catch::Contains("secret-token"));
}

TEST_CASE("Normalize: the internal flag agrees with IsInternalIp", "[observables]") {
  for (const Row& row : Table()) {
    if (!row.ok || row.type != T::kIp) {
      continue;
    }
    INFO("ip=" << row.expected);
    CHECK(IsInternalIp(row.expected) == row.internal);
  }
  CHECK_FALSE(IsInternalIp("not an ip"));
}

TEST_CASE("HashKindName: names every kind", "[observables]") {
  CHECK(HashKindName(HashKind::kNone) == "none");
  CHECK(HashKindName(HashKind::kMd5) == "md5");
  CHECK(HashKindName(HashKind::kSha1) == "sha1");
  CHECK(HashKindName(HashKind::kSha256) == "sha256");
  CHECK(HashKindName(HashKind::kSha512) == "sha512");
}

struct DetectRow {
  std::string input;
  bool ok;
  ObservableType type;
  std::string expected;  // canonical value, or a fragment of the reason
};

TEST_CASE("DetectAndNormalize: guesses the type of representative values", "[observables]") {
  const std::vector<DetectRow> rows = {
      {"203.0.113.7", true, T::kIp, "203.0.113.7"},
      {" 8.8.8.8 ", true, T::kIp, "8.8.8.8"},
      {"1[.]2[.]3[.]4", true, T::kIp, "1.2.3.4"},
      {"2001:DB8::1", true, T::kIp, "2001:db8::1"},
      {"[2001:db8::1]", true, T::kIp, "2001:db8::1"},
      {"::ffff:1.2.3.4", true, T::kIp, "::ffff:1.2.3.4"},
      {"fe80::1%eth0", false, T::kIp, "zone ids"},
      {"010.1.1.1", false, T::kIp, "leading zeros"},
      {"hxxps://evil[.]com/x", true, T::kUrl, "https://evil.com/x"},
      {"HTTP://Example.com:80", true, T::kUrl, "http://example.com/"},
      {"http://exa mple.com", false, T::kUrl, "spaces"},
      {"bob[at]evil[.]com", true, T::kMail, "bob@evil.com"},
      {"Alice@Example.com", true, T::kMail, "Alice@example.com"},
      {"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", true, T::kHash,
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"d41d8cd98f00b204e9800998ecf8427e", true, T::kHash, "d41d8cd98f00b204e9800998ecf8427e"},
      {"cve-2021-44228", true, T::kCve, "CVE-2021-44228"},
      {"CVE-2021-1", false, T::kCve, "CVE-2024-12345"},
      {"00-1A-2B-3C-4D-5E", true, T::kMac, "00:1a:2b:3c:4d:5e"},
      {"001a.2b3c.4d5e", true, T::kMac, "00:1a:2b:3c:4d:5e"},
      {"AS15169", true, T::kAsn, "AS15169"},
      {"asn13335", true, T::kAsn, "AS13335"},
      {"15169", true, T::kOther, "15169"},
      {"Evil[.]COM", true, T::kDomain, "evil.com"},
      {"dc01.corp.local", true, T::kDomain, "dc01.corp.local"},
      {"server.lab", true, T::kDomain, "server.lab"},
      {"updates.files.zip", true, T::kDomain, "updates.files.zip"},
      {"invoice.pdf", true, T::kFilename, "invoice.pdf"},
      {"invoice.zip", true, T::kFilename, "invoice.zip"},
      {"report[.]pdf", true, T::kFilename, "report.pdf"},
      {"setup.msi", true, T::kFilename, "setup.msi"},
      {"ws-042", true, T::kOther, "ws-042"},
      {"1.2.3", true, T::kOther, "1.2.3"},
      {"powershell -enc SQBFAFgA", true, T::kOther, "powershell -enc SQBFAFgA"},
      {"meet at noon", true, T::kOther, "meet at noon"},
      {"the [dot] end", true, T::kDomain, "the.end"},
      {"", false, T::kOther, "empty"},
      {"\xFF", false, T::kOther, "UTF-8"},
      {"a\x01", false, T::kOther, "control characters"},
  };
  for (const DetectRow& row : rows) {
    INFO("input=" << row.input);
    const auto result = DetectAndNormalize(row.input);
    if (row.ok) {
      REQUIRE(result.ok());
      CHECK(result->type == row.type);
      CHECK(result->value == row.expected);
      const auto again = Normalize(result->type, result->value);
      REQUIRE(again.ok());
      CHECK(again.value() == result.value());
    } else {
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().code() == StatusCode::kUnprocessable);
      CHECK_THAT(result.status().message(), Catch::Contains(row.expected));
    }
  }
}

TEST_CASE("LooksLikePublicDomain: file extensions and ambiguous TLDs", "[observables]") {
  CHECK(LooksLikePublicDomain("evil.com", false));
  CHECK(LooksLikePublicDomain("socket.io", false));
  CHECK_FALSE(LooksLikePublicDomain("file.exe", false));
  CHECK_FALSE(LooksLikePublicDomain("report.pdf", false));
  CHECK_FALSE(LooksLikePublicDomain("invoice.zip", false));
  CHECK(LooksLikePublicDomain("invoice.zip", true));
  CHECK(LooksLikePublicDomain("cdn.files.zip", false));
  CHECK_FALSE(LooksLikePublicDomain("readme.md", false));
  CHECK_FALSE(LooksLikePublicDomain("localhost", true));
  CHECK(IsKnownTld("xyz"));
  CHECK_FALSE(IsKnownTld("exe"));
  CHECK(IsFileExtension("ps1"));
  CHECK(IsAmbiguousTld("mov"));
}

TEST_CASE("UrlHost: the host of canonical urls", "[observables]") {
  CHECK(UrlHost("https://example.com/a") == "example.com");
  CHECK(UrlHost("http://user:pw@example.com:8080/") == "example.com");
  CHECK(UrlHost("http://[2001:db8::1]:8080/x") == "[2001:db8::1]");
  CHECK(UrlHost("http://10.0.0.1/") == "10.0.0.1");
  CHECK(UrlHost("not a url").empty());
}

}  // namespace
}  // namespace wf::observables
