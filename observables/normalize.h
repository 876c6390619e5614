// Validation and canonical forms of observables (SPEC 4 types). The canonical
// value is the correlation key: the platform keeps one row per (type, value),
// so two spellings of the same indicator must normalise to the same string,
// and a canonical value normalises to itself again (idempotence).
//
// Pure functions: no I/O, no state, no locale; thread-safe. Errors are
// wf::Status::Unprocessable (HTTP 422) with a reason meant for the analyst;
// the reason never echoes the rejected value.
//
// Rules, by type (every type first rejects invalid UTF-8, trims surrounding
// ASCII whitespace, then rejects empty values, control characters (C0, DEL,
// C1) and values over kMaxValueBytes, kMaxUrlBytes for urls):
//
//   ip        Refanged. IPv4 as strict dotted quad: four decimal octets 0-255,
//             no leading zeros ("010.1.1.1" is octal to inet_aton), no octal,
//             hex or short forms ("0x7f.1", "127.1"). IPv6 in RFC 5952 text:
//             lowercase, no leading zeros, the longest run (first on ties) of
//             two or more zero groups as "::". IPv4-mapped addresses stay
//             IPv6 ("::ffff:1.2.3.4", distinct from "1.2.3.4") and are the only
//             ones written with a dotted tail. "[2001:db8::1]" is accepted
//             (brackets dropped); zone ids ("fe80::1%eth0") are rejected.
//             `internal` is set for the ranges listed at IsInternalIp.
//   domain    Refanged. Lowercased, one trailing dot removed, at most 253
//             characters, at least two labels, labels of 1-63 characters from
//             [a-z0-9-] not starting or ending with '-', the last label not all
//             digits. Internationalised names are accepted in punycode
//             ("xn--..."); raw non-ASCII names are rejected with a reason that
//             asks for punycode. No TLD table here: an analyst who says
//             "domain" may mean "dc01.corp" (see LooksLikePublicDomain).
//   hostname  As domain, but a single label ("ws-042") is allowed.
//   url       Refanged. "scheme://[userinfo@]host[:port][path][?query][#frag]".
//             Scheme required and lowercased; host lowercased and validated as
//             a hostname (single label allowed: "http://intranet/") or IP
//             (IPv6 in brackets, canonical as for ip; hex hosts like
//             "0x7f000001" rejected); port canonical decimal 0-65535, dropped
//             when it is the scheme's default (http 80, https 443, ws 80,
//             wss 443, ftp 21) or empty; for http, https, ws, wss and ftp an
//             empty path becomes "/" (RFC 3986 6.2.3). Userinfo, path, query
//             and fragment are kept byte for byte. Spaces are rejected.
//             `internal` is set when the host is an internal IP.
//   mail      Refanged. An optional "mailto:" is dropped. Local part kept as
//             sent (1-64 bytes, no spaces or characters that need quoting);
//             the domain after the last '@' follows the domain rules.
//   hash      Hex digits only, lowercased; hash_kind by length: 32 md5,
//             40 sha1, 64 sha256, 128 sha512. Other lengths are rejected.
//   cve       "CVE-YYYY-NNNN+" uppercased; year >= 1999; a sequence longer
//             than four digits has no leading zero (MITRE's syntax).
//   mac       Six octets as "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff",
//             "aabb.ccdd.eeff" (Cisco) or twelve bare hex digits, written as
//             lowercase colon form.
//   asn       "AS15169", "as15169", "ASN15169", "15169" or asdot "AS1.10"
//             (= 65546) -> "AS15169"; 0-4294967295, no leading zeros.
//             `internal` is set for private, reserved and documentation ASNs
//             (0, 23456 AS_TRANS, 64496-131071: documentation, private and
//             reserved, 4200000000-4294967295: private and reserved).
//   filename, user, user_agent, registry, other
//             Kept verbatim once trimmed: not refanged (a defanged form inside
//             a file name or registry path is evidence, not a typo) and not
//             case-folded. Unicode format characters such as RLO (U+202E) are
//             kept: they are part of what an attacker used.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "observables/observable_type.h"

namespace wf::observables {

enum class HashKind { kNone, kMd5, kSha1, kSha256, kSha512 };

inline constexpr size_t kMaxValueBytes = 4096;
inline constexpr size_t kMaxUrlBytes = 8192;

struct NormalizedObservable {
  ObservableType type = ObservableType::kOther;
  std::string value;  // canonical form, the correlation key
  HashKind hash_kind = HashKind::kNone;
  // True when the value is not a globally meaningful Internet identity: an IP
  // in one of the ranges of IsInternalIp (also for a url whose host is such an
  // IP), or a private/reserved/documentation ASN. Informational: callers must
  // not drop observables because of it (documentation ranges such as
  // 203.0.113.0/24 are internal here, yet appear in exercises as attackers).
  bool internal = false;

  friend bool operator==(const NormalizedObservable&, const NormalizedObservable&) = default;
};

// Validates and canonicalises `raw` as `type` by the rules above.
// Success: the canonical value, hash_kind for hashes, the internal flag.
// Error: Status::Unprocessable("<reason>"), e.g. "not a valid IPv4 or IPv6
// address", "hash must be 32, 40, 64 or 128 hex digits".
wf::Result<NormalizedObservable> Normalize(ObservableType type, std::string_view raw);

// Guesses the type of a bare value (GET /observables/lookup?value=...) and
// normalises it as that type. The value is refanged first, then tried in this
// order:
//   ip         dotted quad shape (four dot-separated numbers) or valid IPv6
//              (bracketed, or with a zone id, which is then rejected);
//   url        "scheme://...";
//   mail       contains '@' and is a valid mail address;
//   hash       32, 40, 64 or 128 hex digits;
//   cve        starts with "CVE-" (errors reported as cve errors);
//   mac        a valid MAC in one of the separated forms (twelve bare hex
//              digits stay "other": too ambiguous);
//   asn        "AS"/"ASN" followed by a number (a bare number stays "other");
//   domain     a valid domain (two labels or more) whose TLD is in the table
//              or not a file extension;
//   filename   a valid domain shape whose last label is a file extension and
//              not a usable TLD ("invoice.pdf", "invoice.zip");
//   other      anything else, kept verbatim (not refanged).
// Errors as Normalize for the guessed type.
wf::Result<NormalizedObservable> DetectAndNormalize(std::string_view raw);

// "none", "md5", "sha1", "sha256", "sha512".
std::string_view HashKindName(HashKind kind);

// Ranges for which an IP's `internal` flag is set (IANA special-purpose
// registries, "not globally reachable", plus multicast):
//   IPv4: 0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10 (CGNAT), 127.0.0.0/8,
//         169.254.0.0/16, 172.16.0.0/12, 192.0.0.0/24, 192.0.2.0/24,
//         192.168.0.0/16, 198.18.0.0/15 (benchmarking), 198.51.100.0/24,
//         203.0.113.0/24 (documentation), 224.0.0.0/4 (multicast),
//         240.0.0.0/4 (reserved, broadcast).
//   IPv6: ::/8 (unspecified, loopback, IPv4-compatible), 64:ff9b:1::/48,
//         100::/64 (discard), 2001:2::/48 (benchmarking), 2001:db8::/32 and
//         3fff::/20 (documentation), fc00::/7 (ULA), fe80::/10 (link-local),
//         fec0::/10 (old site-local), ff00::/8 (multicast); IPv4-mapped
//         ::ffff:0:0/96 and NAT64 64:ff9b::/96 follow the embedded IPv4.
// `canonical_ip` must be a canonical ip value (as Normalize returns); false
// for anything else.
bool IsInternalIp(std::string_view canonical_ip);

// --- TLD heuristics, shared by extraction and detection -------------------

// True when `label` (lowercase) is in the compact table of top-level domains:
// every delegated two-letter ccTLD, the classic gTLDs, the new gTLDs that
// matter in practice (app dev cloud xyz top online site shop ...), plus the
// special-use and private names seen in enterprise logs: arpa onion local
// internal lan corp home.
bool IsKnownTld(std::string_view label);

// True when `label` (lowercase) is a common file extension (exe dll pdf docx
// zip ps1 ...), whether or not it is also a TLD.
bool IsFileExtension(std::string_view label);

// Real TLDs that are far more often file extensions in alert text: zip, mov,
// md, one, ps, py, sh. A name ending in one counts as a domain only when it
// has three labels or more or comes from a strong context (inside a URL,
// after '@' in a mail address, or typed as domain explicitly).
bool IsAmbiguousTld(std::string_view label);

// Whether a canonical domain reads as an Internet domain in free text: its
// TLD is known, and an ambiguous TLD is backed by three labels or by
// `strong_context`. "file.exe", "report.pdf", "invoice.zip" -> false;
// "evil.com", "cdn.files.zip" -> true; "a.zip" with strong_context -> true.
bool LooksLikePublicDomain(std::string_view canonical_domain, bool strong_context);

// The host of a canonical url value (as Normalize returns), as written there:
// lowercase, IPv6 in brackets. Empty if `canonical_url` is not one.
std::string_view UrlHost(std::string_view canonical_url);

}  // namespace wf::observables
