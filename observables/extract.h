// Extraction of observables from free text: alert titles, descriptions,
// messages, log lines. Finds IPs, domains, URLs, mail addresses, hashes and
// CVE ids. (Structured payloads go through the field map instead.) Pure
// function of its input; thread-safe.
//
// How text is read. Callers can rely on these rules:
// - The text is refanged first (refang.h) and the refanged text is scanned.
//   `original` is the matched span as written in the input, e.g.
//   "hxxps://evil[.]com/a" for the url "https://evil.com/a".
// - Hand-written scanners, no regex: the work is linear in the input size.
//   Only the first kMaxExtractBytes bytes are read.
// - Matches are ASCII. Non-ASCII bytes never belong to a match. A non-ASCII
//   letter right next to a candidate voids it, so "pаypal.com" with a Cyrillic
//   "а" gives nothing instead of "ypal.com". Non-ASCII punctuation (curly
//   quotes, NBSP, dashes, CJK punctuation) and invalid UTF-8 bytes count as
//   separators.
// - url: the schemes http https ftp ftps sftp ws wss, up to whitespace, a
//   quote, < > \ ^ ` { | } or a non-ASCII byte. Trailing . , ; : ! ? * and
//   unbalanced ) or ] are dropped. Each url also gives its host, because
//   correlation by domain matters: a domain when it has two labels or more
//   (any TLD: the scheme vouches for it), an ip when it is an address.
//   Inside a url, only hashes and CVE ids are also looked for (a VirusTotal or
//   NVD link names one). Domains, IPs and mail addresses in paths and queries
//   are not extracted.
// - ip: a strict IPv4 dotted quad. It is skipped when directly preceded by a
//   letter, digit, '_', '.' or '/', or followed by a letter, digit or
//   ".<digit>". So "Chrome/124.0.0.0", "1.2.3.4.5", "v1.2.3.4" and
//   "4.3.2.1.in-addr.arpa" give no ip. IPv6 needs at least one decimal digit
//   ("Abc::Def" is a C++ name, not an address). A zone id ("%eth0") is left
//   out of the value.
// - mail: local@domain, when the domain passes
//   LooksLikePublicDomain(strong_context=true). The domain of a mail address
//   is not added as a separate domain.
// - domain: two labels or more, and LooksLikePublicDomain(strong_context=
//   false). The TLD must be in the table, so "file.exe", "report.pdf",
//   "index.html" and "version 1.2.3" are not domains. The TLDs zip mov md one
//   ps py sh also need three labels or more, so "invoice.zip" and "README.md"
//   are not domains but "cdn.evil.zip" is. Two more cases are skipped. A name
//   followed by '(' is a method call ("console.log("). A field-path key is
//   skipped too: a name followed by ':' or '=' (not a port) whose TLD is also
//   a common field name (company date email group host id name network zone).
//   Examples: "host.name: ws01", "rule.id=5710".
// - hash: 32, 40, 64 or 128 hex digits between non-alphanumerics, with the
//   kind set by length. Runs of decimal digits only and runs of one repeated
//   character (such as an all-zero null hash) are skipped.
// - cve: "CVE-YYYY-NNNN+" in any case.
// Results are deduplicated by (type, value) and come in order of first
// appearance; a url comes before the host it contains. Every value is
// canonical: Normalize(type, value) returns it unchanged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "observables/normalize.h"

namespace wf::observables {

inline constexpr size_t kMaxExtractBytes = 8 * 1024 * 1024;

struct ExtractedObservable {
  NormalizedObservable observable;
  std::string original;  // the span of the input it was read from, as written
};

// Never fails. Any bytes are accepted, including invalid UTF-8 and NULs; an
// empty or observable-free text gives an empty vector.
std::vector<ExtractedObservable> ExtractFromText(std::string_view text);

}  // namespace wf::observables
