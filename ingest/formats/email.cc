#include "ingest/formats/email.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cases/evidence_store.h"
#include "core/crypto.h"
#include "core/json.h"
#include "ingest/formats/format.h"
#include "observables/extract.h"
#include "observables/normalize.h"

namespace wf::ingest {

namespace {

using observables::ObservableType;

// --- GMime plumbing ----------------------------------------------------------

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct GObjectUnref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(gpointer p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFree>;

struct ParserOptionsFree {
  void operator()(GMimeParserOptions* o) const { g_mime_parser_options_free(o); }
};
using ParserOptions = std::unique_ptr<GMimeParserOptions, ParserOptionsFree>;

ParserOptions MakeParserOptions() {
  ParserOptions o(g_mime_parser_options_new());
  // Undeclared 8-bit header text: UTF-8 if it is, else what Outlook and most
  // Western senders mean by it.
  static const char* kFallback[] = {"UTF-8", "windows-1252", nullptr};
  g_mime_parser_options_set_fallback_charsets(o.get(), kFallback);
  return o;
}

GPtr<GMimeMessage> ParseMessage(std::string_view bytes, GMimeParserOptions* options) {
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  return GPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), options));
}

std::string StreamBytes(GMimeStream* stream) {
  GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  if (!array || array->len == 0) return {};
  return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

// The part's content with its transfer encoding (base64, quoted-printable) undone.
std::string DecodedContent(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(content, out.get()) < 0) return {};
  return StreamBytes(out.get());
}

std::string SerializedMessage(GMimeMessage* m) {
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_object_write_to_stream(GMIME_OBJECT(m), nullptr, out.get()) < 0) return {};
  return StreamBytes(out.get());
}

// --- Text ----------------------------------------------------------------------

constexpr char32_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Valid UTF-8 out of whatever came: UTF-8 stays, anything else is read as
// Windows-1252 (a superset of ISO-8859-1 for printable text). NULs are dropped.
std::string ToUtf8(std::string_view text) {
  std::string in;
  in.reserve(text.size());
  for (char c : text) {
    if (c != '\0') in.push_back(c);
  }
  if (json::IsValidUtf8(in)) return in;
  std::string out;
  out.reserve(in.size() + in.size() / 4);
  for (unsigned char c : in) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0xA0) {
      AppendUtf8(kCp1252High[c - 0x80], &out);
    } else {
      AppendUtf8(c, &out);
    }
  }
  return out;
}

std::string ToUtf8(const char* text) { return text ? ToUtf8(std::string_view(text)) : std::string(); }

// Body text with mail line ends (CRLF) as plain newlines.
std::string BodyText(const char* text) {
  std::string in = ToUtf8(text);
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') continue;
    out.push_back(in[i]);
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && Lower(s.substr(s.size() - suffix.size())) == suffix;
}

// Decodes one HTML character reference starting at html[i] == '&'; advances i.
void AppendEntity(std::string_view html, size_t& i, std::string* out) {
  // Look only a few bytes ahead: text full of '&' must stay linear.
  size_t semi = html.substr(i, 12).find(';');
  if (semi != std::string_view::npos) semi += i;
  if (semi == std::string_view::npos || semi - i > 10) {
    out->push_back('&');
    ++i;
    return;
  }
  std::string name = Lower(html.substr(i + 1, semi - i - 1));
  char32_t cp = 0;
  if (name == "amp") cp = '&';
  else if (name == "lt") cp = '<';
  else if (name == "gt") cp = '>';
  else if (name == "quot") cp = '"';
  else if (name == "apos") cp = '\'';
  else if (name == "nbsp") cp = ' ';
  else if (name.size() > 1 && name[0] == '#') {
    bool hex = name[1] == 'x';
    std::string digits = name.substr(hex ? 2 : 1);
    if (!digits.empty() && digits.size() <= 7 &&
        std::all_of(digits.begin(), digits.end(),
                    [hex](char c) { return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                                               : (c >= '0' && c <= '9'); })) {
      unsigned long v = std::stoul(digits, nullptr, hex ? 16 : 10);
      if (v > 0 && v < 0x110000 && (v < 0xD800 || v > 0xDFFF)) cp = static_cast<char32_t>(v);
    }
  }
  if (cp == 0) {
    out->push_back('&');
    ++i;
    return;
  }
  AppendUtf8(cp, out);
  i = semi + 1;
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      AppendEntity(s, i, &out);
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

// The value of attribute `name` inside one tag's text ("a href=x class=y").
std::string AttributeValue(std::string_view tag, std::string_view name) {
  std::string lower = Lower(tag);
  size_t pos = 0;
  while ((pos = lower.find(name, pos)) != std::string::npos) {
    bool starts = pos > 0 && (std::isspace(static_cast<unsigned char>(lower[pos - 1])) != 0);
    size_t eq = pos + name.size();
    while (eq < lower.size() && std::isspace(static_cast<unsigned char>(lower[eq]))) ++eq;
    if (!starts || eq >= lower.size() || lower[eq] != '=') {
      pos += name.size();
      continue;
    }
    size_t v = eq + 1;
    while (v < tag.size() && std::isspace(static_cast<unsigned char>(tag[v]))) ++v;
    if (v >= tag.size()) return {};
    if (tag[v] == '"' || tag[v] == '\'') {
      size_t end = tag.find(tag[v], v + 1);
      if (end == std::string_view::npos) end = tag.size();
      return DecodeEntities(tag.substr(v + 1, end - v - 1));
    }
    size_t end = v;
    while (end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[end]))) ++end;
    return DecodeEntities(tag.substr(v, end - v));
  }
  return {};
}

// HTML reduced to readable text, roughly: tags stripped, script/style/head
// dropped, block ends as line breaks, character references decoded, blank
// runs collapsed. The href targets of links go to `links`.
std::string HtmlToText(std::string_view html, std::vector<std::string>* links) {
  std::string text;
  text.reserve(html.size() / 2);
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '&') {
      AppendEntity(html, i, &text);
      continue;
    }
    if (c != '<') {
      text.push_back(c);
      ++i;
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    // The tag, up to a '>' outside quotes.
    size_t j = i + 1;
    char quote = 0;
    while (j < html.size()) {
      if (quote) {
        if (html[j] == quote) quote = 0;
      } else if (html[j] == '"' || html[j] == '\'') {
        quote = html[j];
      } else if (html[j] == '>') {
        break;
      }
      ++j;
    }
    std::string_view tag = html.substr(i + 1, std::min(j, html.size()) - i - 1);
    i = j < html.size() ? j + 1 : html.size();
    bool closing = !tag.empty() && tag[0] == '/';
    size_t name_start = closing ? 1 : 0;
    size_t name_end = name_start;
    while (name_end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[name_end]))) ++name_end;
    std::string name = Lower(tag.substr(name_start, name_end - name_start));
    if (!closing && (name == "script" || name == "style" || name == "head" || name == "title")) {
      // Skip to the matching end tag, compared without case (one pass, no copy).
      size_t end = i;
      while ((end = html.find("</", end)) != std::string_view::npos) {
        std::string_view candidate = html.substr(end + 2, name.size());
        if (candidate.size() == name.size() &&
            std::equal(candidate.begin(), candidate.end(), name.begin(), [](char a, char b) {
              return std::tolower(static_cast<unsigned char>(a)) == b;
            })) {
          break;
        }
        end += 2;
      }
      if (end == std::string_view::npos) {
        i = html.size();
      } else {
        size_t gt = html.find('>', end);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
      }
      continue;
    }
    if (!closing && name == "a" && links) {
      std::string href = AttributeValue(tag, "href");
      if (!href.empty()) links->push_back(std::move(href));
    }
    if (name == "br" || name == "p" || name == "div" || name == "tr" || name == "li" ||
        name == "table" || name == "blockquote" || name == "hr" ||
        (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6')) {
      text.push_back('\n');
    } else if (name == "td" || name == "th") {
      text.push_back(' ');
    }
  }
  // Collapse blank runs: spaces within lines, and more than one empty line.
  std::string out;
  out.reserve(text.size());
  int newlines = 0;
  bool space = false;
  for (char ch : text) {
    if (ch == '\r') continue;
    if (ch == '\n') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (newlines < 2 && !out.empty()) out.push_back('\n');
      ++newlines;
      space = false;
      continue;
    }
    if (ch == ' ' || ch == '\t') {
      space = true;
      continue;
    }
    if (space && newlines == 0 && !out.empty()) out.push_back(' ');
    space = false;
    newlines = 0;
    out.push_back(ch);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// --- The MIME tree -------------------------------------------------------------

struct EmbeddedMessage {
  GMimeMessage* message = nullptr;  // owned by the tree or by `owned`
  std::string filename;
};

struct Collected {
  std::string plain, html;
  std::vector<AlertAttachment> attachments;
  std::vector<EmbeddedMessage> messages;
  size_t skipped_attachments = 0;
};

// Recursion bound for hostile nesting of multiparts (GMime builds the tree;
// this walk must not overflow the stack on it).
constexpr int kMaxMimeDepth = 64;

void AddAttachment(std::string filename, std::string content_type, std::string data, Collected* c) {
  if (data.empty()) return;
  if (c->attachments.size() >= kMaxEmailAttachments) {
    ++c->skipped_attachments;
    return;
  }
  AlertAttachment a;
  a.filename = cases::SafeFilename(std::move(filename));
  a.content_type = content_type.empty() || content_type.size() > 100 ? "application/octet-stream"
                                                                      : std::move(content_type);
  a.sha256 = crypto::Sha256Hex(data);
  a.size = static_cast<int64_t>(data.size());
  a.data = std::move(data);
  c->attachments.push_back(std::move(a));
}

void Walk(GMimeObject* obj, int depth, std::vector<GPtr<GMimeMessage>>* owned,
          GMimeParserOptions* options, Collected* c) {
  if (!obj || depth > kMaxMimeDepth) return;
  if (GMIME_IS_MULTIPART(obj)) {
    GMimeMultipart* mp = GMIME_MULTIPART(obj);
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; ++i) Walk(g_mime_multipart_get_part(mp, i), depth + 1, owned, options, c);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(obj)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
    if (inner) {
      const char* name = g_mime_object_get_content_disposition_parameter(obj, "filename");
      if (!name) name = g_mime_object_get_content_type_parameter(obj, "name");
      c->messages.push_back({inner, ToUtf8(name)});
    }
    return;
  }
  if (!GMIME_IS_PART(obj)) return;
  GMimePart* part = GMIME_PART(obj);
  std::string filename = ToUtf8(g_mime_part_get_filename(part));
  const char* disposition = g_mime_object_get_disposition(obj);
  bool attachment = !filename.empty() || (disposition && g_ascii_strcasecmp(disposition, "attachment") == 0);
  GMimeContentType* ct = g_mime_object_get_content_type(obj);
  std::string mime_type;
  if (ct) {
    GString_ t(g_mime_content_type_get_mime_type(ct));
    if (t) mime_type = Lower(t.get());
  }
  const bool is_plain = mime_type == "text/plain";
  const bool is_html = mime_type == "text/html";
  if (!attachment && GMIME_IS_TEXT_PART(obj) && (is_plain || is_html)) {
    GString_ text(g_mime_text_part_get_text(GMIME_TEXT_PART(obj)));
    std::string utf8 = BodyText(text.get());
    std::string& slot = is_plain ? c->plain : c->html;
    if (slot.empty()) slot = std::move(utf8);
    return;
  }
  std::string data = DecodedContent(part);
  // A forwarded message saved as a file (Outlook's "attach as .eml", or a
  // message/rfc822 part some clients label application/octet-stream).
  if (EndsWithNoCase(filename, ".eml") && !data.empty()) {
    GPtr<GMimeMessage> inner = ParseMessage(data, options);
    if (inner && g_mime_message_get_from(inner.get()) &&
        internet_address_list_length(g_mime_message_get_from(inner.get())) > 0) {
      c->messages.push_back({inner.get(), filename});
      owned->push_back(std::move(inner));
      return;
    }
  }
  if (filename.empty()) {
    filename = mime_type.empty() ? "attachment.bin" : "part." + mime_type.substr(mime_type.find('/') + 1);
  }
  AddAttachment(std::move(filename), std::move(mime_type), std::move(data), c);
}

Collected CollectParts(GMimeMessage* m, std::vector<GPtr<GMimeMessage>>* owned, GMimeParserOptions* options) {
  Collected c;
  Walk(g_mime_message_get_mime_part(m), 0, owned, options, &c);
  return c;
}

// --- Addresses and headers -------------------------------------------------------

struct Address {
  std::string addr;     // local@domain as written
  std::string display;  // "Name <local@domain>", decoded
};

void CollectAddresses(InternetAddressList* list, int depth, std::vector<Address>* out) {
  if (!list || depth > 4) return;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n && out->size() < 100; ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      Address x;
      x.addr = ToUtf8(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
      GString_ s(internet_address_to_string(a, nullptr, FALSE));
      x.display = ToUtf8(s.get());
      if (!x.addr.empty()) out->push_back(std::move(x));
    } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
      CollectAddresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), depth + 1, out);
    }
  }
}

std::vector<Address> Addresses(InternetAddressList* list) {
  std::vector<Address> out;
  CollectAddresses(list, 0, &out);
  return out;
}

std::vector<Address> HeaderAddresses(GMimeMessage* m, const char* header, GMimeParserOptions* options) {
  const char* value = g_mime_object_get_header(GMIME_OBJECT(m), header);
  if (!value) return {};
  GPtr<InternetAddressList> list(internet_address_list_parse(options, value));
  return Addresses(list.get());
}

std::string Header(GMimeMessage* m, const char* name) {
  return ToUtf8(g_mime_object_get_header(GMIME_OBJECT(m), name));
}

std::string Joined(const std::vector<Address>& list) {
  std::string out;
  for (const auto& a : list) out += (out.empty() ? "" : ", ") + a.display;
  return out;
}

// Private, loopback, link-local and shared ranges are the sender's or our own
// relays: linking every report to them would relate every phish to every other.
bool IsPrivateRelay(const std::string& ip) {
  if (ip.find(':') != std::string::npos) {
    std::string l = Lower(ip);
    return l.starts_with("fc") || l.starts_with("fd") || l.starts_with("fe80") || l == "::1";
  }
  unsigned a = 0, b = 0;
  if (std::sscanf(ip.c_str(), "%u.%u", &a, &b) != 2) return true;
  return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
         (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127) || a == 0;
}

// IPs of the relays in the Received: chain, newest hop first, without internal ones.
std::vector<std::string> ReceivedIps(GMimeMessage* m) {
  std::vector<std::string> out;
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(m));
  if (!headers) return out;
  int n = g_mime_header_list_get_count(headers);
  auto add = [&out](std::string_view candidate) {
    auto norm = observables::Normalize(ObservableType::kIp, candidate);
    if (!norm.ok() || IsPrivateRelay(norm->value)) return;
    if (std::find(out.begin(), out.end(), norm->value) == out.end() && out.size() < 50) {
      out.push_back(norm->value);
    }
  };
  for (int i = 0; i < n; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(headers, i);
    const char* name = h ? g_mime_header_get_name(h) : nullptr;
    if (!name || g_ascii_strcasecmp(name, "Received") != 0) continue;
    const char* raw = g_mime_header_get_value(h);
    if (!raw) continue;
    std::string_view value(raw);
    // "from mx.example ([203.0.113.5])", "[IPv6:2001:db8::5]"
    for (size_t open = value.find('['); open != std::string_view::npos; open = value.find('[', open + 1)) {
      size_t close = value.find(']', open);
      if (close == std::string_view::npos) break;
      std::string_view inside = value.substr(open + 1, close - open - 1);
      if (inside.size() > 5 && Lower(inside.substr(0, 5)) == "ipv6:") inside.remove_prefix(5);
      add(inside);
    }
    // Exchange writes "from HOST (203.0.113.5) by ...".
    for (const auto& e : observables::ExtractFromText(value)) {
      if (e.observable.type == ObservableType::kIp) add(e.observable.value);
    }
  }
  return out;
}

void AddTagged(ObservableType type, std::string_view value, const char* tag,
               std::vector<AlertObservable>* out) {
  if (!formats::AddValue(type, value, out)) return;
  auto norm = observables::Normalize(type, value);
  if (!norm.ok()) return;
  for (auto& o : *out) {
    if (o.type == norm->type && o.value == norm->value) {
      if (std::find(o.tags.begin(), o.tags.end(), tag) == o.tags.end()) o.tags.emplace_back(tag);
      return;
    }
  }
}

std::string FormatSize(int64_t bytes) { return fmt::format("{} bytes", bytes); }

}  // namespace

Result<NormalizedAlert> ParseEmail(std::string_view raw) {
  if (raw.empty()) {
    return Status::InvalidArgument("the body is empty: send the raw message (RFC 5322) as message/rfc822");
  }
  InitGMime();
  ParserOptions options = MakeParserOptions();
  GPtr<GMimeMessage> top = ParseMessage(raw, options.get());
  if (!top) {
    return Status::InvalidArgument("the body is not an email message: no RFC 5322 header could be read");
  }
  std::vector<Address> top_from = Addresses(g_mime_message_get_from(top.get()));
  if (top_from.empty()) {
    return Status::Unprocessable(
        "the body is not an email message with a sender: no From address; send the whole message, "
        "headers included");
  }

  // Unwrap forwarded originals: the innermost message (bounded) is analysed.
  std::vector<GPtr<GMimeMessage>> owned;
  GMimeMessage* analysed = top.get();
  Collected parts = CollectParts(analysed, &owned, options.get());
  Collected outer;
  std::vector<AlertAttachment> originals;  // the forwarded messages, kept as evidence
  int depth = 0;
  bool deeper = false;
  while (!parts.messages.empty()) {
    if (depth == kMaxEmailNesting) {
      deeper = true;
      break;
    }
    EmbeddedMessage next = parts.messages.front();
    if (depth == 0) outer = std::move(parts);
    Collected ignored;
    std::string eml = SerializedMessage(next.message);
    std::string name = next.filename.empty() ? "original-message.eml" : next.filename;
    if (!EndsWithNoCase(name, ".eml")) name += ".eml";
    AddAttachment(std::move(name), "message/rfc822", std::move(eml), &ignored);
    for (auto& a : ignored.attachments) originals.push_back(std::move(a));
    analysed = next.message;
    parts = CollectParts(analysed, &owned, options.get());
    ++depth;
  }
  const bool forwarded = depth > 0;

  NormalizedAlert n;
  n.source_kind = "email";
  n.rule_name = "email";

  // The receiving mailbox is the channel the report came in by.
  std::vector<Address> mailbox = HeaderAddresses(top.get(), "Delivered-To", options.get());
  if (mailbox.empty()) mailbox = Addresses(g_mime_message_get_to(top.get()));
  n.source = mailbox.empty() ? "email" : formats::TitleText(Lower(mailbox.front().addr));
  if (n.source.empty()) n.source = "email";

  std::string subject = ToUtf8(g_mime_message_get_subject(analysed));
  std::string shown_subject = formats::TitleText(subject);
  if (shown_subject.empty()) shown_subject = "(no subject)";
  n.title = formats::TitleText(forwarded ? "Reported email: " + shown_subject : shown_subject);

  std::string message_id = ToUtf8(g_mime_message_get_message_id(analysed));
  if (message_id.size() > 998) message_id.resize(998);
  n.source_ref = formats::TitleText(message_id);

  if (GDateTime* date = g_mime_message_get_date(analysed)) {
    int64_t seconds = g_date_time_to_unix(date);
    if (seconds > 0 && seconds < 253402300800LL) {  // before year 10000
      n.event_time = seconds * 1000 + g_date_time_get_microsecond(date) / 1000;
    }
  }

  std::vector<Address> from = Addresses(g_mime_message_get_from(analysed));
  std::vector<Address> reply_to = Addresses(g_mime_message_get_reply_to(analysed));
  std::vector<Address> return_path = HeaderAddresses(analysed, "Return-Path", options.get());
  std::vector<Address> to = Addresses(g_mime_message_get_to(analysed));
  std::vector<std::string> received = ReceivedIps(analysed);

  std::vector<std::string> links;
  std::string body = parts.plain;
  std::string html_text = parts.html.empty() ? std::string() : HtmlToText(parts.html, &links);
  if (body.empty()) body = html_text;
  std::string note;
  if (forwarded) {
    note = outer.plain.empty() ? HtmlToText(outer.html, nullptr) : outer.plain;
  }

  // Observables: who sent it, where it came from, what it points at, what it carries.
  for (const auto& a : from) AddTagged(ObservableType::kMail, a.addr, "sender", &n.observables);
  for (const auto& a : reply_to) AddTagged(ObservableType::kMail, a.addr, "reply-to", &n.observables);
  for (const auto& a : return_path) AddTagged(ObservableType::kMail, a.addr, "return-path", &n.observables);
  if (forwarded) AddTagged(ObservableType::kMail, top_from.front().addr, "reporter", &n.observables);
  for (const auto& ip : received) AddTagged(ObservableType::kIp, ip, "received", &n.observables);
  formats::AddText(subject, {}, false, &n.observables);
  formats::AddText(std::string_view(body).substr(0, observables::kMaxExtractBytes), {}, false, &n.observables);
  // An HTML body's text and its links differ in a phish ("paypal.com" shown, elsewhere linked).
  if (!parts.plain.empty() && !html_text.empty()) {
    formats::AddText(std::string_view(html_text).substr(0, observables::kMaxExtractBytes), {}, false,
                     &n.observables);
  }
  for (const auto& link : links) {
    if (Lower(link).starts_with("mailto:")) {
      std::string target = link.substr(7, link.find('?') == std::string::npos ? std::string::npos
                                                                               : link.find('?') - 7);
      AddTagged(ObservableType::kMail, target, "link", &n.observables);
    } else if (Lower(link).starts_with("http://") || Lower(link).starts_with("https://")) {
      AddTagged(ObservableType::kUrl, link, "link", &n.observables);
    }
  }
  for (const auto& a : parts.attachments) {
    AddTagged(ObservableType::kHash, a.sha256, "attachment", &n.observables);
    AddTagged(ObservableType::kFilename, a.filename, "attachment", &n.observables);
  }

  formats::AddTag("email", &n.tags);
  if (forwarded) formats::AddTag("phishing-report", &n.tags);
  if (!parts.attachments.empty()) formats::AddTag("has-attachment", &n.tags);

  // The description: what an analyst reads first.
  std::string d;
  if (forwarded) {
    d += fmt::format("Reported by: {}\n", top_from.front().display);
    std::string clipped = formats::Clip(formats::DescriptionText(note), 4096);
    if (!clipped.empty()) d += "Reporter's note:\n" + clipped + "\n";
    d += "\n";
  }
  auto line = [&d](std::string_view name, const std::string& value) {
    if (!value.empty()) d += fmt::format("{}: {}\n", name, formats::TitleText(value));
  };
  line("From", Joined(from));
  line("Reply-To", Joined(reply_to));
  line("Return-Path", Joined(return_path));
  line("To", Joined(to));
  line("Subject", subject);
  line("Date", Header(analysed, "Date"));
  line("Message-ID", message_id);
  if (!received.empty()) {
    std::string chain;
    for (const auto& ip : received) chain += (chain.empty() ? "" : ", ") + ip;
    line("Received from", chain);
  }
  if (!parts.attachments.empty()) {
    d += "Attachments:\n";
    for (const auto& a : parts.attachments) {
      d += fmt::format("- {} ({}, {}, sha256 {})\n", a.filename, a.content_type, FormatSize(a.size), a.sha256);
    }
  }
  if (parts.skipped_attachments > 0) {
    d += fmt::format("({} more attachments not kept: at most {} per mail)\n", parts.skipped_attachments,
                     kMaxEmailAttachments);
  }
  if (deeper) {
    d += fmt::format("(the original carries more forwarded messages, nested deeper than {} levels: not unwrapped)\n",
                     kMaxEmailNesting);
  }
  if (!body.empty()) {
    std::string text = formats::Clip(body, kMaxEmailBodyBytes);
    d += "\n" + text;
    if (text.size() < body.size()) d += fmt::format("\n[… body cut at {} of {} bytes]", text.size(), body.size());
  }
  n.description = formats::DescriptionText(d);

  // Same message, same alert: the Message-ID, else its content.
  n.dedup_key = !message_id.empty()
                    ? "message-id:" + message_id
                    : "content:" + crypto::Sha256Hex(fmt::format("{}\n{}\n{}\n{}", from.empty() ? "" : from[0].addr,
                                                                 subject, Header(analysed, "Date"), body));

  // raw: the analysed headers and the attachment list (not the whole mail).
  std::vector<std::string> attachment_names;
  for (const auto& a : parts.attachments) attachment_names.push_back(a.filename);
  std::string raw_json = "{";
  auto field = [&raw_json](std::string_view key, const std::string& value, bool raw_value = false) {
    if (raw_json.size() > 1) raw_json += ",";
    json::AppendString(raw_json, key);
    raw_json += ":";
    if (raw_value) {
      raw_json += value;
    } else {
      json::AppendString(raw_json, value);
    }
  };
  field("message_id", message_id);
  field("from", Joined(from));
  field("reply_to", Joined(reply_to));
  field("return_path", Joined(return_path));
  field("to", formats::Clip(Joined(to), 4096));
  field("subject", subject);
  field("date", Header(analysed, "Date"));
  field("reported_by", forwarded ? top_from.front().display : std::string());
  field("mailbox", n.source);
  field("nesting", std::to_string(depth), true);
  field("attachments", json::StringArray(attachment_names), true);
  raw_json += "}";
  n.raw_json = std::move(raw_json);

  n.attachments = std::move(parts.attachments);
  for (auto& o : originals) {
    if (n.attachments.size() < kMaxEmailAttachments + kMaxEmailNesting) n.attachments.push_back(std::move(o));
  }
  return n;
}

}  // namespace wf::ingest
