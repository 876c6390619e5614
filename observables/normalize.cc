#include "observables/normalize.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "observables/refang.h"

namespace wf::observables {
namespace {

// --- Tables ----------------------------------------------------------------
// Sorted (checked at compile time) for binary search. Lowercase ASCII.

// clang-format off
constexpr auto kKnownTlds = std::to_array<std::string_view>({
    "ac", "academy", "accountant", "ad", "ae", "aero", "af", "ag", "agency", "ai", "al", "am",
    "ao", "app", "aq", "ar", "arpa", "art", "as", "asia", "at", "au", "autos", "aw", "ax", "az",
    "ba", "bank", "bb", "bd", "be", "beauty", "berlin", "best", "bet", "bf", "bg", "bh", "bi",
    "bid", "biz", "bj", "blog", "bm", "bn", "bo", "boats", "bond", "bq", "br", "bs", "bt",
    "business", "buzz", "bv", "bw", "by", "bz", "ca", "capital", "cash", "casino", "cat", "cc",
    "cd", "center", "cf", "cfd", "cg", "ch", "ci", "city", "ck", "cl", "click", "cloud", "club",
    "cm", "cn", "co", "com", "company", "consulting", "coop", "corp", "cr", "cricket", "cu", "cv",
    "cw", "cx", "cy", "cyou", "cz", "date", "de", "deals", "delivery", "design", "dev", "digital",
    "dj", "dk", "dm", "do", "download", "dz", "ec", "edu", "education", "ee", "eg", "email", "er",
    "es", "et", "eu", "exchange", "express", "faith", "fi", "finance", "fit", "fj", "fk", "fm",
    "fo", "fr", "fun", "fund", "fyi", "ga", "games", "gb", "gd", "gdn", "ge", "gf", "gg", "gh",
    "gi", "gl", "global", "gm", "gn", "gov", "gp", "gq", "gr", "group", "gs", "gt", "gu", "guru",
    "gw", "gy", "hair", "health", "help", "hk", "hm", "hn", "home", "homes", "host", "hosting",
    "hr", "ht", "hu", "icu", "id", "ie", "il", "im", "in", "inc", "info", "int", "internal",
    "investments", "io", "iq", "ir", "is", "it", "je", "jm", "jo", "jobs", "jp", "ke", "kg", "kh",
    "ki", "kim", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "lan", "lat", "law", "lb", "lc",
    "legal", "li", "life", "link", "live", "lk", "llc", "loan", "local", "lol", "london", "lr",
    "ls", "lt", "ltd", "lu", "lv", "ly", "ma", "makeup", "market", "marketing", "mc", "md", "me",
    "media", "men", "mg", "mh", "mil", "mk", "ml", "mm", "mn", "mo", "mobi", "moe", "mom",
    "money", "monster", "mov", "mp", "mq", "mr", "ms", "mt", "mu", "museum", "mv", "mw", "mx",
    "my", "mz", "na", "name", "nc", "ne", "net", "network", "news", "nf", "ng", "ni", "ninja",
    "nl", "no", "np", "nr", "nu", "nyc", "nz", "om", "one", "onion", "online", "org", "pa",
    "page", "party", "pe", "pf", "pg", "ph", "pk", "pl", "pm", "pn", "poker", "post", "pr",
    "press", "pro", "ps", "pt", "pw", "py", "qa", "quest", "racing", "re", "ren", "rest",
    "review", "ro", "rocks", "rs", "ru", "run", "rw", "sa", "sale", "sb", "sbs", "sc", "school",
    "science", "sd", "se", "services", "sg", "sh", "shop", "si", "site", "sj", "sk", "skin", "sl",
    "sm", "sn", "so", "social", "software", "solutions", "space", "sr", "ss", "st", "store",
    "stream", "studio", "su", "support", "sv", "sx", "sy", "systems", "sz", "tc", "td", "team",
    "tech", "tel", "tf", "tg", "th", "tips", "tj", "tk", "tl", "tm", "tn", "to", "today", "tokyo",
    "tools", "top", "tr", "trade", "training", "travel", "tt", "tv", "tw", "tz", "ua", "ug", "uk",
    "university", "uno", "us", "uy", "uz", "va", "vc", "ve", "ventures", "vg", "vi", "vip", "vn",
    "vote", "vu", "wang", "webcam", "website", "wf", "wiki", "win", "work", "world", "ws", "xin",
    "xxx", "xyz", "yachts", "ye", "yt", "za", "zip", "zm", "zone", "zw",
});

constexpr auto kFileExtensions = std::to_array<std::string_view>({
    "7z", "ace", "apk", "application", "appx", "arj", "asp", "aspx", "avi", "bak", "bash", "bat",
    "bin", "bmp", "bz2", "c", "cab", "cer", "cfg", "chm", "class", "cmd", "conf", "cpl", "cpp",
    "crt", "crx", "cs", "csr", "css", "csv", "dat", "db", "deb", "der", "dll", "dmg", "dmp",
    "doc", "docm", "docx", "dot", "dotm", "drv", "dylib", "elf", "eml", "etl", "evtx", "exe",
    "gadget", "gem", "gif", "go", "gz", "h", "hpp", "hta", "htm", "html", "ico", "img", "inf",
    "ini", "ipa", "iqy", "iso", "jar", "java", "jpeg", "jpg", "js", "jse", "json", "jsp", "key",
    "kt", "lib", "library-ms", "lnk", "lock", "log", "lzh", "md", "mdmp", "mjs", "mkv", "mov",
    "mp3", "mp4", "msg", "msi", "msix", "msp", "nupkg", "o", "ocx", "ods", "odt", "old", "one",
    "ost", "p12", "pcap", "pcapng", "pdf", "pem", "pf", "pfx", "php", "phtml", "pid", "pkg", "pl",
    "plist", "pm", "png", "ppam", "ppt", "pptm", "pptx", "ps", "ps1", "psd1", "psm1", "pst", "py",
    "pyc", "pyw", "rar", "rb", "reg", "rpm", "rs", "rst", "rtf", "scf", "scr",
    "settingcontent-ms", "sh", "shtml", "sldm", "slk", "so", "sqlite", "svg", "swp", "sys", "tar",
    "tgz", "tif", "tiff", "tmp", "toml", "ts", "tsv", "txt", "url", "vbe", "vbs", "vhd", "vhdx",
    "vsix", "war", "wav", "webp", "whl", "wsf", "wsh", "xhtml", "xlam", "xll", "xls", "xlsb",
    "xlsm", "xlsx", "xml", "xpi", "xz", "yaml", "yml", "zip", "zsh",
});
// clang-format on

constexpr auto kAmbiguousTlds =
    std::to_array<std::string_view>({"md", "mov", "one", "ps", "py", "sh", "zip"});

static_assert(std::is_sorted(kKnownTlds.begin(), kKnownTlds.end()));
static_assert(std::is_sorted(kFileExtensions.begin(), kFileExtensions.end()));
static_assert(std::is_sorted(kAmbiguousTlds.begin(), kAmbiguousTlds.end()));

template <size_t N>
bool InTable(const std::array<std::string_view, N>& table, std::string_view key) {
  return std::binary_search(table.begin(), table.end(), key);
}

// --- ASCII and UTF-8 helpers ---------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = Lower(c);
  }
  return out;
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}

// `prefix` is lowercase.
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != prefix[i]) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsAsciiSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code_point = 0;
    uint32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1Fu;
      minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0Fu;
      minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07u;
      minimum = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i < length) {
      return false;
    }
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

// C0 controls, DEL, and C1 controls (U+0080..U+009F, encoded C2 80..C2 9F).
// `s` must be valid UTF-8.
bool HasControlCharacters(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      return true;
    }
    if (c == 0xC2 && i + 1 < s.size()) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= 0x80 && next <= 0x9F) {
        return true;
      }
    }
  }
  return false;
}

wf::Status Reject(std::string reason) { return wf::Status::Unprocessable(std::move(reason)); }

NormalizedObservable Make(ObservableType type, std::string value, bool internal = false,
                          HashKind hash_kind = HashKind::kNone) {
  NormalizedObservable result;
  result.type = type;
  result.value = std::move(value);
  result.hash_kind = hash_kind;
  result.internal = internal;
  return result;
}

// --- IP addresses -----------------------------------------------------------------

using Ipv4Bytes = std::array<uint8_t, 4>;
using Ipv6Bytes = std::array<uint8_t, 16>;

constexpr std::string_view kNotAnIp = "not a valid IPv4 or IPv6 address";

// Strict dotted quad: what every resolver and browser reads the same way.
// inet_aton's octal ("010"), hex ("0x7f") and short ("127.1") forms are
// refused rather than reinterpreted. On failure `reason` (when not null) gets
// a specific reason if `s` is shaped like an IPv4 address (digits and dots).
std::optional<Ipv4Bytes> ParseIpv4(std::string_view s, std::string_view* reason) {
  const bool shaped =
      !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c) || c == '.'; });
  auto fail = [&](std::string_view why) -> std::optional<Ipv4Bytes> {
    if (reason != nullptr && shaped) {
      *reason = why;
    }
    return std::nullopt;
  };
  Ipv4Bytes out{};
  size_t i = 0;
  for (size_t part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') {
        return fail("IPv4 address needs exactly four octets");
      }
      ++i;
    }
    const size_t start = i;
    uint32_t value = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 4) {
      value = value * 10 + static_cast<uint32_t>(s[i] - '0');
      ++i;
    }
    const size_t length = i - start;
    if (length == 0) {
      return fail("IPv4 address needs exactly four octets");
    }
    if (length > 1 && s[start] == '0') {
      return fail("IPv4 octets must not have leading zeros (010 reads as octal)");
    }
    if (length > 3 || value > 255) {
      return fail("IPv4 octets must be between 0 and 255");
    }
    out[part] = static_cast<uint8_t>(value);
  }
  if (i != s.size()) {
    return fail("IPv4 address needs exactly four octets");
  }
  return out;
}

std::optional<Ipv6Bytes> ParseIpv6(std::string_view s) {
  // 45 = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".
  if (s.size() < 2 || s.size() > 45) {
    return std::nullopt;
  }
  for (char c : s) {
    if (!IsHex(c) && c != ':' && c != '.') {
      return std::nullopt;
    }
  }
  // libcs differ on the dotted tail; hold it to the same strict IPv4 rules.
  if (const size_t dot = s.find('.'); dot != std::string_view::npos) {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos || colon > dot ||
        !ParseIpv4(s.substr(colon + 1), nullptr)) {
      return std::nullopt;
    }
  }
  std::array<char, 46> buffer{};
  std::memcpy(buffer.data(), s.data(), s.size());
  Ipv6Bytes out{};
  if (inet_pton(AF_INET6, buffer.data(), out.data()) != 1) {
    return std::nullopt;
  }
  return out;
}

std::string FormatIpv4(const uint8_t* b) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      out += '.';
    }
    out += std::to_string(b[i]);
  }
  return out;
}

bool IsIpv4Mapped(const Ipv6Bytes& a) {
  return std::all_of(a.begin(), a.begin() + 10, [](uint8_t b) { return b == 0; }) &&
         a[10] == 0xFF && a[11] == 0xFF;
}

// RFC 5952: lowercase, no leading zeros, the longest run (the first on ties)
// of at least two zero groups shortened to "::"; dotted tail only for
// IPv4-mapped addresses. Written here rather than by inet_ntop, whose choice
// of dotted tails differs between libcs.
std::string FormatIpv6(const Ipv6Bytes& a) {
  if (IsIpv4Mapped(a)) {
    return "::ffff:" + FormatIpv4(&a[12]);
  }
  std::array<uint32_t, 8> groups{};
  for (size_t i = 0; i < 8; ++i) {
    groups[i] = (static_cast<uint32_t>(a[2 * i]) << 8) | a[2 * i + 1];
  }
  size_t best_start = 8;
  size_t best_length = 0;
  for (size_t i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < 8 && groups[j] == 0) {
      ++j;
    }
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  if (best_length < 2) {
    best_start = 8;
  }
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') {
      out += ':';
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const uint32_t nibble = (groups[i] >> shift) & 0xFu;
      if (nibble != 0 || started || shift == 0) {
        out += kHexDigits[nibble];
        started = true;
      }
    }
  }
  return out;
}

bool IsInternalIpv4(const uint8_t* b) {
  return b[0] == 0 ||                                   // 0.0.0.0/8 "this network"
         b[0] == 10 ||                                  // 10.0.0.0/8
         (b[0] == 100 && (b[1] & 0xC0) == 64) ||        // 100.64.0.0/10 CGNAT
         b[0] == 127 ||                                 // loopback
         (b[0] == 169 && b[1] == 254) ||                // link-local
         (b[0] == 172 && (b[1] & 0xF0) == 16) ||        // 172.16.0.0/12
         (b[0] == 192 && b[1] == 0 && b[2] == 0) ||     // IETF protocol assignments
         (b[0] == 192 && b[1] == 0 && b[2] == 2) ||     // TEST-NET-1
         (b[0] == 192 && b[1] == 168) ||                // 192.168.0.0/16
         (b[0] == 198 && (b[1] & 0xFE) == 18) ||        // benchmarking
         (b[0] == 198 && b[1] == 51 && b[2] == 100) ||  // TEST-NET-2
         (b[0] == 203 && b[1] == 0 && b[2] == 113) ||   // TEST-NET-3
         b[0] >= 224;                                   // multicast, reserved, broadcast
}

bool IsInternalIpv6(const Ipv6Bytes& a) {
  if (IsIpv4Mapped(a)) {
    return IsInternalIpv4(&a[12]);
  }
  const bool nat64_prefix = a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B;
  if (nat64_prefix &&
      std::all_of(a.begin() + 4, a.begin() + 12, [](uint8_t b) { return b == 0; })) {
    return IsInternalIpv4(&a[12]);  // 64:ff9b::/96 well-known NAT64
  }
  if (nat64_prefix && a[4] == 0x00 && a[5] == 0x01) {
    return true;  // 64:ff9b:1::/48 local-use NAT64
  }
  if (a[0] == 0x00) {
    return true;  // ::/8: unspecified, loopback, IPv4-compatible
  }
  if (a[0] == 0x01 && std::all_of(a.begin() + 1, a.begin() + 8, [](uint8_t b) { return b == 0; })) {
    return true;  // 100::/64 discard-only
  }
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8) {
    return true;  // 2001:db8::/32 documentation
  }
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x02 && a[4] == 0 && a[5] == 0) {
    return true;  // 2001:2::/48 benchmarking
  }
  if (a[0] == 0x3F && a[1] == 0xFF && (a[2] & 0xF0) == 0) {
    return true;  // 3fff::/20 documentation
  }
  return (a[0] & 0xFE) == 0xFC ||                    // fc00::/7 unique local
         (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||  // fe80::/10 link-local
         (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) ||  // fec0::/10 old site-local
         a[0] == 0xFF;                               // ff00::/8 multicast
}

constexpr std::string_view kZoneIdReason =
    "IPv6 zone ids (such as %eth0) are not accepted; give the address without it";

wf::Result<NormalizedObservable> NormalizeIp(std::string_view s) {
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') {
    s = s.substr(1, s.size() - 2);
  }
  if (const size_t percent = s.find('%'); percent != std::string_view::npos) {
    if (ParseIpv6(s.substr(0, percent))) {
      return Reject(std::string(kZoneIdReason));
    }
    return Reject(std::string(kNotAnIp));
  }
  if (s.find(':') == std::string_view::npos) {
    std::string_view reason;
    if (const auto v4 = ParseIpv4(s, &reason)) {
      return Make(ObservableType::kIp, FormatIpv4(v4->data()), IsInternalIpv4(v4->data()));
    }
    return Reject(std::string(reason.empty() ? kNotAnIp : reason));
  }
  if (const auto v6 = ParseIpv6(s)) {
    return Make(ObservableType::kIp, FormatIpv6(*v6), IsInternalIpv6(*v6));
  }
  return Reject(std::string(kNotAnIp));
}

// --- Domains ------------------------------------------------------------------------

// Lowercase, no trailing dot, RFC 1035/1123 label rules. `what` names the
// value in reasons ("domain", "URL host", ...).
wf::Result<std::string> CanonicalDomain(std::string_view s, bool allow_single_label,
                                        std::string_view what) {
  auto fail = [&](std::string_view why) {
    return Reject(std::string(what) + " " + std::string(why));
  };
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return fail(
          "contains non-ASCII characters; give internationalised names in punycode (xn--...)");
    }
  }
  if (!s.empty() && s.back() == '.') {
    s.remove_suffix(1);
  }
  if (s.empty()) {
    return fail("is empty");
  }
  if (s.size() > 253) {
    return fail("is longer than 253 characters");
  }
  std::string out = LowerCopy(s);
  const std::string_view name = out;
  size_t labels = 0;
  std::string_view last_label;
  for (size_t start = 0;;) {
    const size_t dot = name.find('.', start);
    const std::string_view label =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) {
      return fail("has an empty label");
    }
    if (label.size() > 63) {
      return fail("has a label longer than 63 characters");
    }
    for (char c : label) {
      if (!IsDigit(c) && !(c >= 'a' && c <= 'z') && c != '-') {
        return fail(c == '_' ? "labels may not contain '_'"
                             : "labels may contain only letters, digits and '-'");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return fail("labels must not start or end with '-'");
    }
    ++labels;
    last_label = label;
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  if (labels < 2 && !allow_single_label) {
    return fail("needs at least two labels (example.com)");
  }
  if (AllOf(last_label, IsDigit)) {
    return fail("must not end in an all-numeric label (an IP address is type ip)");
  }
  return out;
}

// --- URLs ---------------------------------------------------------------------------

bool IsSchemeChar(char c) { return IsAlnum(c) || c == '+' || c == '-' || c == '.'; }

bool IsValidScheme(std::string_view scheme) {
  return !scheme.empty() && IsAlpha(scheme.front()) &&
         std::all_of(scheme.begin(), scheme.end(), IsSchemeChar);
}

std::optional<uint32_t> DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") {
    return 80;
  }
  if (scheme == "https" || scheme == "wss") {
    return 443;
  }
  if (scheme == "ftp") {
    return 21;
  }
  return std::nullopt;
}

// Schemes whose empty path means "/" (RFC 3986 6.2.3).
bool EmptyPathIsSlash(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" ||
         scheme == "ftp";
}

wf::Result<NormalizedObservable> NormalizeUrl(std::string_view s) {
  if (s.find(' ') != std::string_view::npos) {
    return Reject("URL must not contain spaces; percent-encode them (%20)");
  }
  const size_t separator = s.find("://");
  if (separator == std::string_view::npos) {
    return Reject("URL needs a scheme and a host (http://example.com/...)");
  }
  if (!IsValidScheme(s.substr(0, separator))) {
    return Reject("URL scheme is not valid (expected http, https, ftp, ...)");
  }
  const std::string scheme = LowerCopy(s.substr(0, separator));
  const std::string_view rest = s.substr(separator + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  const size_t at = authority.rfind('@');
  const std::string_view userinfo =
      at == std::string_view::npos ? std::string_view() : authority.substr(0, at);
  const std::string_view host_port =
      at == std::string_view::npos ? authority : authority.substr(at + 1);

  std::string host;
  bool internal = false;
  bool has_port = false;
  std::string_view port;
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find(']');
    if (close == std::string_view::npos) {
      return Reject("URL host has an unclosed '['");
    }
    const std::string_view inner = host_port.substr(1, close - 1);
    if (inner.find('%') != std::string_view::npos) {
      return Reject(std::string(kZoneIdReason));
    }
    const auto v6 = ParseIpv6(inner);
    if (!v6) {
      return Reject("URL host in brackets is not a valid IPv6 address");
    }
    host = "[" + FormatIpv6(*v6) + "]";
    internal = IsInternalIpv6(*v6);
    const std::string_view after = host_port.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return Reject("URL has characters after its IPv6 host");
      }
      has_port = true;
      port = after.substr(1);
    }
  } else {
    const size_t colon = host_port.find(':');
    const std::string_view raw_host = host_port.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = host_port.substr(colon + 1);
    }
    if (raw_host.empty()) {
      return Reject("URL has no host");
    }
    if (std::all_of(raw_host.begin(), raw_host.end(),
                    [](char c) { return IsDigit(c) || c == '.'; })) {
      // Browsers read any all-numeric host as an IPv4 address.
      std::string_view reason;
      const auto v4 = ParseIpv4(raw_host, &reason);
      if (!v4) {
        return Reject("URL host: " + std::string(reason.empty() ? kNotAnIp : reason));
      }
      host = FormatIpv4(v4->data());
      internal = IsInternalIpv4(v4->data());
    } else {
      WF_ASSIGN_OR_RETURN(host, CanonicalDomain(raw_host, /*allow_single_label=*/true, "URL host"));
      // Browsers also read a last label such as "0x7f000001" as an address.
      const std::string_view last_label = std::string_view(host).substr(host.rfind('.') + 1);
      if (last_label.substr(0, 2) == "0x" && AllOf(last_label.substr(2), IsHex)) {
        return Reject("URL host looks like a hexadecimal IP address; give it as a dotted quad");
      }
    }
  }

  std::string out = scheme + "://";
  if (at != std::string_view::npos) {
    out.append(userinfo);
    out += '@';
  }
  out += host;
  if (has_port && !port.empty()) {
    if (!AllOf(port, IsDigit)) {
      return Reject("URL port must be a number between 0 and 65535");
    }
    const size_t first = std::min(port.find_first_not_of('0'), port.size() - 1);
    const std::string_view digits = port.substr(first);
    uint32_t value = 0;
    for (char c : digits) {
      value = value * 10 + static_cast<uint32_t>(c - '0');
      if (value > 65535) {
        return Reject("URL port must be a number between 0 and 65535");
      }
    }
    if (DefaultPort(scheme) != value) {
      out += ':';
      out += std::to_string(value);
    }
  }
  if ((tail.empty() || tail.front() == '?' || tail.front() == '#') && EmptyPathIsSlash(scheme)) {
    out += '/';
  }
  out.append(tail);
  return Make(ObservableType::kUrl, std::move(out), internal);
}

// --- Mail ---------------------------------------------------------------------------

wf::Result<NormalizedObservable> NormalizeMail(std::string_view s) {
  if (StartsWithIgnoreCase(s, "mailto:")) {
    s.remove_prefix(7);
  }
  const size_t at = s.rfind('@');
  if (at == std::string_view::npos) {
    return Reject("mail address needs an '@'");
  }
  const std::string_view local = s.substr(0, at);
  const std::string_view domain = s.substr(at + 1);
  if (local.empty()) {
    return Reject("mail address has an empty local part");
  }
  if (local.size() > 64) {
    return Reject("mail local part is longer than 64 bytes");
  }
  constexpr std::string_view kNeedQuoting = " \"(),:;<>@[\\]";
  if (local.find_first_of(kNeedQuoting) != std::string_view::npos) {
    return Reject("mail local part contains characters that need quoting");
  }
  if (!domain.empty() && domain.front() == '[') {
    return Reject("mail domain literals ([192.0.2.1]) are not accepted");
  }
  WF_ASSIGN_OR_RETURN(std::string canonical_domain,
                      CanonicalDomain(domain, /*allow_single_label=*/false, "mail domain"));
  std::string out(local);
  out += '@';
  out += canonical_domain;
  if (out.size() > 254) {
    return Reject("mail address is longer than 254 bytes");
  }
  return Make(ObservableType::kMail, std::move(out));
}

// --- Hashes, CVE, MAC, ASN ---------------------------------------------------------

wf::Result<NormalizedObservable> NormalizeHash(std::string_view s) {
  if (!AllOf(s, IsHex)) {
    return Reject("hash must contain only hex digits (0-9, a-f)");
  }
  HashKind kind = HashKind::kNone;
  switch (s.size()) {
    case 32:
      kind = HashKind::kMd5;
      break;
    case 40:
      kind = HashKind::kSha1;
      break;
    case 64:
      kind = HashKind::kSha256;
      break;
    case 128:
      kind = HashKind::kSha512;
      break;
    default:
      return Reject("hash must be 32, 40, 64 or 128 hex digits (md5, sha1, sha256, sha512)");
  }
  return Make(ObservableType::kHash, LowerCopy(s), false, kind);
}

wf::Result<NormalizedObservable> NormalizeCve(std::string_view s) {
  constexpr std::string_view kShape = "CVE id must look like CVE-2024-12345";
  if (s.size() < 13 || s.size() > 28 || !StartsWithIgnoreCase(s, "cve-") || s[8] != '-') {
    return Reject(std::string(kShape));
  }
  const std::string_view year = s.substr(4, 4);
  const std::string_view sequence = s.substr(9);
  if (!AllOf(year, IsDigit) || !AllOf(sequence, IsDigit)) {
    return Reject(std::string(kShape));
  }
  if (year < "1999") {
    return Reject("CVE year must be 1999 or later");
  }
  if (sequence.size() > 4 && sequence.front() == '0') {
    return Reject("CVE sequence numbers longer than four digits have no leading zero");
  }
  std::string out = "CVE-";
  out.append(year);
  out += '-';
  out.append(sequence);
  return Make(ObservableType::kCve, std::move(out));
}

wf::Result<NormalizedObservable> NormalizeMac(std::string_view s) {
  std::string hex;
  if (s.size() == 17 && (s[2] == ':' || s[2] == '-')) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (i % 3 == 2) {
        if (s[i] != s[2]) {
          hex.clear();
          break;
        }
      } else if (IsHex(s[i])) {
        hex += Lower(s[i]);
      } else {
        hex.clear();
        break;
      }
    }
  } else if (s.size() == 14 && s[4] == '.' && s[9] == '.') {
    for (size_t i = 0; i < s.size(); ++i) {
      if (i == 4 || i == 9) {
        continue;
      }
      if (!IsHex(s[i])) {
        hex.clear();
        break;
      }
      hex += Lower(s[i]);
    }
  } else if (s.size() == 12 && AllOf(s, IsHex)) {
    hex = LowerCopy(s);
  }
  if (hex.size() != 12) {
    return Reject(
        "MAC address must be six hex octets (aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or "
        "aabb.ccdd.eeff)");
  }
  std::string out;
  for (size_t i = 0; i < 12; i += 2) {
    if (i > 0) {
      out += ':';
    }
    out += hex[i];
    out += hex[i + 1];
  }
  return Make(ObservableType::kMac, std::move(out));
}

std::string_view StripAsnPrefix(std::string_view s) {
  if (StartsWithIgnoreCase(s, "asn")) {
    return s.substr(3);
  }
  if (StartsWithIgnoreCase(s, "as")) {
    return s.substr(2);
  }
  return s;
}

// Decimal without leading zeros, at most `max`.
std::optional<uint64_t> ParsePlainNumber(std::string_view s, uint64_t max) {
  if (!AllOf(s, IsDigit) || s.size() > 10 || (s.size() > 1 && s.front() == '0')) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (char c : s) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) {
    return std::nullopt;
  }
  return value;
}

wf::Result<NormalizedObservable> NormalizeAsn(std::string_view s) {
  const std::string_view number = StripAsnPrefix(s);
  std::optional<uint64_t> value;
  if (const size_t dot = number.find('.'); dot != std::string_view::npos) {
    // asdot (RFC 5396): high.low, each 0-65535.
    const auto high = ParsePlainNumber(number.substr(0, dot), 65535);
    const auto low = ParsePlainNumber(number.substr(dot + 1), 65535);
    if (high && low) {
      value = *high * 65536 + *low;
    }
  } else {
    value = ParsePlainNumber(number, 4294967295ull);
  }
  if (!value) {
    return Reject(
        "ASN must be a number between 0 and 4294967295 without leading zeros, optionally "
        "written AS15169");
  }
  const uint64_t v = *value;
  // 0 and 23456 (AS_TRANS) reserved; 64496-64511 and 65536-65551 documentation;
  // 64512-65534 and 4200000000-4294967294 private; 65535, 65552-131071 and
  // 4294967295 reserved.
  const bool internal = v == 0 || v == 23456 || (v >= 64496 && v <= 131071) || v >= 4200000000ull;
  return Make(ObservableType::kAsn, "AS" + std::to_string(v), internal);
}

// --- Entry points ---------------------------------------------------------------------

// The checks every type shares. Returns the trimmed value.
wf::Result<std::string_view> Precheck(std::string_view raw, size_t limit) {
  if (!IsValidUtf8(raw)) {
    return Reject("value is not valid UTF-8");
  }
  const std::string_view value = Trim(raw);
  if (value.empty()) {
    return Reject("value is empty");
  }
  if (value.size() > limit) {
    return Reject("value is longer than " + std::to_string(limit) + " bytes");
  }
  if (HasControlCharacters(value)) {
    return Reject("value contains control characters");
  }
  return value;
}

bool IsNetworkType(ObservableType type) {
  return type == ObservableType::kIp || type == ObservableType::kDomain ||
         type == ObservableType::kHostname || type == ObservableType::kUrl ||
         type == ObservableType::kMail;
}

// `value` has passed Precheck; network types are refanged here.
wf::Result<NormalizedObservable> NormalizeChecked(ObservableType type, std::string_view value) {
  std::string refanged;
  if (IsNetworkType(type)) {
    refanged = Refang(value);
    value = Trim(refanged);
    if (value.empty()) {
      return Reject("value is empty");
    }
  }
  switch (type) {
    case ObservableType::kIp:
      return NormalizeIp(value);
    case ObservableType::kDomain:
    case ObservableType::kHostname: {
      const bool hostname = type == ObservableType::kHostname;
      WF_ASSIGN_OR_RETURN(std::string name,
                          CanonicalDomain(value, hostname, hostname ? "hostname" : "domain"));
      return Make(type, std::move(name));
    }
    case ObservableType::kUrl:
      return NormalizeUrl(value);
    case ObservableType::kMail:
      return NormalizeMail(value);
    case ObservableType::kHash:
      return NormalizeHash(value);
    case ObservableType::kCve:
      return NormalizeCve(value);
    case ObservableType::kMac:
      return NormalizeMac(value);
    case ObservableType::kAsn:
      return NormalizeAsn(value);
    case ObservableType::kFilename:
    case ObservableType::kUser:
    case ObservableType::kUserAgent:
    case ObservableType::kRegistry:
    case ObservableType::kOther:
      return Make(type, std::string(value));
  }
  return Make(ObservableType::kOther, std::string(value));
}

bool LooksLikeDottedQuad(std::string_view s) {
  return AllOf(s, [](char c) { return IsDigit(c) || c == '.'; }) &&
         std::count(s.begin(), s.end(), '.') == 3;
}

bool LooksLikeIpv6(std::string_view s) {
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') {
    s = s.substr(1, s.size() - 2);
  }
  s = s.substr(0, s.find('%'));
  return s.find(':') != std::string_view::npos && ParseIpv6(s).has_value();
}

bool LooksLikeUrl(std::string_view s) {
  const size_t separator = s.find("://");
  return separator != std::string_view::npos && IsValidScheme(s.substr(0, separator));
}

bool LooksLikeAsn(std::string_view s) {
  const std::string_view number = StripAsnPrefix(s);
  return number.size() < s.size() && !number.empty() && IsDigit(number.front()) &&
         std::all_of(number.begin(), number.end(), [](char c) { return IsDigit(c) || c == '.'; });
}

// `value` is trimmed and refanged.
ObservableType GuessType(std::string_view value) {
  if (LooksLikeDottedQuad(value) || LooksLikeIpv6(value)) {
    return ObservableType::kIp;
  }
  if (LooksLikeUrl(value)) {
    return ObservableType::kUrl;
  }
  if (value.find('@') != std::string_view::npos && NormalizeMail(value).ok()) {
    return ObservableType::kMail;
  }
  if (AllOf(value, IsHex) &&
      (value.size() == 32 || value.size() == 40 || value.size() == 64 || value.size() == 128)) {
    return ObservableType::kHash;
  }
  if (StartsWithIgnoreCase(value, "cve-")) {
    return ObservableType::kCve;
  }
  if ((value.size() == 17 || value.size() == 14) && NormalizeMac(value).ok()) {
    return ObservableType::kMac;
  }
  if (LooksLikeAsn(value)) {
    return ObservableType::kAsn;
  }
  if (const auto domain = CanonicalDomain(value, /*allow_single_label=*/false, "domain");
      domain.ok()) {
    if (LooksLikePublicDomain(*domain, /*strong_context=*/false)) {
      return ObservableType::kDomain;
    }
    const std::string_view tld = std::string_view(*domain).substr(domain->rfind('.') + 1);
    if (IsFileExtension(tld) || IsAmbiguousTld(tld)) {
      return ObservableType::kFilename;
    }
    return ObservableType::kDomain;
  }
  return ObservableType::kOther;
}

}  // namespace

wf::Result<NormalizedObservable> Normalize(ObservableType type, std::string_view raw) {
  const size_t limit = type == ObservableType::kUrl ? kMaxUrlBytes : kMaxValueBytes;
  WF_ASSIGN_OR_RETURN(const std::string_view value, Precheck(raw, limit));
  return NormalizeChecked(type, value);
}

wf::Result<NormalizedObservable> DetectAndNormalize(std::string_view raw) {
  WF_ASSIGN_OR_RETURN(const std::string_view value, Precheck(raw, kMaxUrlBytes));
  const std::string refanged = Refang(value);
  const std::string_view candidate = Trim(refanged);
  if (candidate.empty()) {
    return Reject("value is empty");
  }
  const ObservableType type = GuessType(candidate);
  if (type == ObservableType::kOther) {
    // Nothing network-like: the value is kept as it was sent, not refanged.
    return Normalize(ObservableType::kOther, value);
  }
  return Normalize(type, candidate);
}

std::string_view HashKindName(HashKind kind) {
  switch (kind) {
    case HashKind::kNone:
      return "none";
    case HashKind::kMd5:
      return "md5";
    case HashKind::kSha1:
      return "sha1";
    case HashKind::kSha256:
      return "sha256";
    case HashKind::kSha512:
      return "sha512";
  }
  return "none";
}

bool IsInternalIp(std::string_view canonical_ip) {
  if (canonical_ip.find(':') != std::string_view::npos) {
    const auto v6 = ParseIpv6(canonical_ip);
    return v6 && IsInternalIpv6(*v6);
  }
  const auto v4 = ParseIpv4(canonical_ip, nullptr);
  return v4 && IsInternalIpv4(v4->data());
}

bool IsKnownTld(std::string_view label) { return InTable(kKnownTlds, label); }

bool IsFileExtension(std::string_view label) { return InTable(kFileExtensions, label); }

bool IsAmbiguousTld(std::string_view label) { return InTable(kAmbiguousTlds, label); }

bool LooksLikePublicDomain(std::string_view canonical_domain, bool strong_context) {
  const size_t last_dot = canonical_domain.rfind('.');
  if (last_dot == std::string_view::npos) {
    return false;
  }
  const std::string_view tld = canonical_domain.substr(last_dot + 1);
  if (!IsKnownTld(tld)) {
    return false;
  }
  if (IsAmbiguousTld(tld) && !strong_context &&
      std::count(canonical_domain.begin(), canonical_domain.end(), '.') < 2) {
    return false;
  }
  return true;
}

std::string_view UrlHost(std::string_view canonical_url) {
  const size_t separator = canonical_url.find("://");
  if (separator == std::string_view::npos) {
    return {};
  }
  const std::string_view rest = canonical_url.substr(separator + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  const std::string_view host_port =
      at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find(']');
    return close == std::string_view::npos ? std::string_view() : host_port.substr(0, close + 1);
  }
  return host_port.substr(0, host_port.find(':'));
}

}  // namespace wf::observables
