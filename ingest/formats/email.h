// The email channel (POST /api/v1/ingest/email): one RFC 5322 message, as a
// mail server's pipe, procmail or fetchmail hands it over, becomes one alert.
// MIME is parsed by GMime 3 (no GMime type appears in this header).
//
// What is analysed. A user who reports phishing forwards the suspicious mail
// as an attachment: the report carries a message/rfc822 part (or an .eml
// file). Such a part is unwrapped, up to kMaxEmailNesting levels, and the
// innermost ORIGINAL message is analysed: its From, subject, body, links,
// received chain and attachments. The outer sender becomes the reporter (a
// mail observable tagged "reporter", named in the description with the
// reporter's own note) and the alert is tagged "phishing-report". A mail with
// no such part is analysed as it is.
//
// The alert: source_kind "email"; source the receiving mailbox (the outer
// Delivered-To, else the first To; "email" without either); rule_name
// "email"; title "Reported email: <subject>" for a report, else the subject;
// event_time from Date:; source_ref and dedup key the analysed message's
// Message-ID (so the same phish reported twice folds into one alert), else a
// SHA-256 over its sender, subject, date and body. Description: reporter,
// the analysed headers, the received chain, the attachments and the body text
// (text/plain preferred, text/html reduced to text), cut to the alert limits.
// Observables: sender, Reply-To and Return-Path (mail), the reporter, public
// IPs of the Received: chain, links, domains, IPs, mail addresses and hashes
// of the body and subject (observables/extract.h; refanged), the href targets
// of an HTML body, and each attachment's SHA-256 (hash) and name (filename).
// Attachments come back with their bytes, to be stored as evidence; the
// original message of a report is kept as an .eml attachment too.
//
// Every string that comes out is valid UTF-8: encoded-words (RFC 2047) and
// body charsets are converted by GMime; undeclared 8-bit text is read as
// UTF-8, else as Windows-1252.
//
// Thread-safe: GMime is initialised once (std::call_once) and each call
// parses into its own objects.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/status.h"
#include "ingest/alert.h"

namespace wf::ingest {

inline constexpr int kMaxEmailNesting = 3;             // message/rfc822 levels unwrapped
inline constexpr size_t kMaxEmailAttachments = 100;    // files kept per mail
inline constexpr size_t kMaxEmailBodyBytes = 48 * 1024;  // of body text in the description

// InvalidArgument (400) for an empty body or bytes that are not a MIME
// message at all; Unprocessable (422) for a message without a From address.
Result<NormalizedAlert> ParseEmail(std::string_view raw);

}  // namespace wf::ingest
