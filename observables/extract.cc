#include "observables/extract.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>

#include "observables/observable_type.h"
#include "observables/refang.h"

namespace wf::observables {
namespace {

constexpr size_t kNpos = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != lower[i]) {
      return false;
    }
  }
  return true;
}

// Decodes one UTF-8 sequence at `i`; false when it is not well-formed.
bool DecodeAt(std::string_view s, size_t i, uint32_t* code_point, size_t* length) {
  const auto lead = static_cast<unsigned char>(s[i]);
  uint32_t minimum = 0;
  if (lead < 0x80) {
    *code_point = lead;
    *length = 1;
    return true;
  }
  if ((lead & 0xE0) == 0xC0) {
    *length = 2;
    *code_point = lead & 0x1Fu;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    *length = 3;
    *code_point = lead & 0x0Fu;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    *length = 4;
    *code_point = lead & 0x07u;
    minimum = 0x10000;
  } else {
    return false;
  }
  if (s.size() - i < *length) {
    return false;
  }
  for (size_t k = 1; k < *length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) {
      return false;
    }
    *code_point = (*code_point << 6) | (next & 0x3Fu);
  }
  return *code_point >= minimum && *code_point <= 0x10FFFF &&
         !(*code_point >= 0xD800 && *code_point <= 0xDFFF);
}

// Non-ASCII code points that read as part of a word (letters of any script),
// as opposed to punctuation, symbols and spaces, which separate. Coarse
// blocks are enough: the question is only "does this glue to an indicator".
bool IsWordCodePoint(uint32_t cp) {
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) {
    return false;  // C1 controls, NBSP, Latin-1 punctuation, × and ÷
  }
  if ((cp >= 0x2000 && cp <= 0x2BFF) ||  // general punctuation, symbols, arrows
      (cp >= 0x3000 && cp <= 0x303F) ||  // CJK punctuation
      (cp >= 0xE000 && cp <= 0xF8FF) ||  // private use
      (cp >= 0xFE10 && cp <= 0xFE6F) ||  // vertical, compatibility and small forms
      cp == 0xFEFF ||                    // BOM
      (cp >= 0xFF00 && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
      (cp >= 0xFF5B && cp <= 0xFF65) ||  // fullwidth punctuation
      cp >= 0x1F000) {                   // emoji and other symbols
    return false;
  }
  return true;
}

bool IsWordByte(char c, bool underscore_is_word) {
  return IsAlnum(c) || (underscore_is_word && c == '_');
}

// Whether the character that ends just before `pos` glues to a token there.
bool WordBefore(std::string_view s, size_t pos, bool underscore_is_word = true) {
  if (pos == 0) {
    return false;
  }
  if (IsAscii(s[pos - 1])) {
    return IsWordByte(s[pos - 1], underscore_is_word);
  }
  size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  uint32_t code_point = 0;
  size_t length = 0;
  return DecodeAt(s, start, &code_point, &length) && start + length == pos &&
         IsWordCodePoint(code_point);
}

// Whether the character that starts at `pos` glues to a token ending there.
bool WordAt(std::string_view s, size_t pos, bool underscore_is_word = true) {
  if (pos >= s.size()) {
    return false;
  }
  if (IsAscii(s[pos])) {
    return IsWordByte(s[pos], underscore_is_word);
  }
  uint32_t code_point = 0;
  size_t length = 0;
  return DecodeAt(s, pos, &code_point, &length) && IsWordCodePoint(code_point);
}

constexpr auto kUrlSchemes =
    std::to_array<std::string_view>({"ftp", "ftps", "http", "https", "sftp", "ws", "wss"});

bool IsUrlByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7F) {
    return false;
  }
  switch (c) {
    case '"':
    case '\'':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
      return false;
    default:
      return true;
  }
}

bool IsLocalPartByte(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool IsHostByte(char c) { return IsAlnum(c) || c == '.' || c == '-'; }

bool IsNameByte(char c) { return IsAlnum(c) || c == '.' || c == '-' || c == '_'; }

// TLDs that are also common last segments of field paths (ECS, Wazuh,
// ElastAlert's "field: value" bodies): "host.name", "rule.id", "user.email".
bool IsFieldLikeTld(std::string_view tld) {
  static constexpr auto kFieldLike = std::to_array<std::string_view>(
      {"company", "date", "email", "group", "host", "id", "name", "network", "zone"});
  return std::find(kFieldLike.begin(), kFieldLike.end(), tld) != kFieldLike.end();
}

class Scanner {
 public:
  explicit Scanner(std::string_view input)
      : input_(input),
        refanged_(RefangWithOffsets(input)),
        text_(refanged_.text),
        mask_(text_.size(), 0) {}
  Scanner(const Scanner&) = delete;  // text_ points into refanged_
  Scanner& operator=(const Scanner&) = delete;

  std::vector<ExtractedObservable> Run() {
    // Order matters: each pass leaves a mask that the later ones respect.
    ScanUrls();
    ScanIpv6();
    ScanMails();
    ScanIpv4();
    ScanDomains();
    ScanHashes();
    ScanCves();
    return Collect();
  }

 private:
  struct Match {
    size_t begin;  // byte range in text_
    size_t end;
    NormalizedObservable observable;
  };

  static constexpr uint8_t kInUrl = 1;
  static constexpr uint8_t kTaken = 2;

  void Add(size_t begin, size_t end, NormalizedObservable observable) {
    matches_.push_back(Match{begin, end, std::move(observable)});
  }

  void Mark(size_t begin, size_t end, uint8_t bit) {
    for (size_t i = begin; i < end; ++i) {
      mask_[i] |= bit;
    }
  }

  [[nodiscard]] bool Masked(size_t begin, size_t end) const {
    for (size_t i = begin; i < end; ++i) {
      if (mask_[i] != 0) {
        return true;
      }
    }
    return false;
  }

  // --- url ---

  void ScanUrls() {
    size_t from = 0;
    while (true) {
      const size_t separator = text_.find("://", from);
      if (separator == kNpos) {
        return;
      }
      from = separator + 3;
      size_t begin = kNpos;
      for (std::string_view scheme : kUrlSchemes) {
        if (separator >= scheme.size() &&
            EqualsIgnoreCase(text_.substr(separator - scheme.size(), scheme.size()), scheme) &&
            !WordBefore(text_, separator - scheme.size())) {
          begin = separator - scheme.size();
          break;
        }
      }
      if (begin == kNpos) {
        continue;
      }
      size_t end = separator + 3;
      while (end < text_.size() && end - begin < kMaxUrlBytes && IsUrlByte(text_[end])) {
        ++end;
      }
      end = TrimUrlEnd(begin, end);
      // Resume after the candidate even when it fails: rescanning the same
      // run from each "://" inside it would make the work quadratic.
      from = std::max(from, end);
      auto url = Normalize(ObservableType::kUrl, text_.substr(begin, end - begin));
      if (!url.ok()) {
        continue;
      }
      const std::string canonical = url->value;
      Add(begin, end, std::move(url).value());
      Mark(begin, end, kInUrl);
      AddUrlHost(separator + 3, end, canonical);
    }
  }

  // Drops sentence punctuation and closing brackets that the URL did not open:
  // "(see http://a.com/x)." -> "http://a.com/x".
  [[nodiscard]] size_t TrimUrlEnd(size_t begin, size_t end) const {
    const std::string_view url = text_.substr(begin, end - begin);
    auto parens = std::count(url.begin(), url.end(), '(') - std::count(url.begin(), url.end(), ')');
    auto brackets =
        std::count(url.begin(), url.end(), '[') - std::count(url.begin(), url.end(), ']');
    while (end > begin) {
      const char c = text_[end - 1];
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '*') {
        --end;
      } else if (c == ')' && parens < 0) {
        --end;
        ++parens;
      } else if (c == ']' && brackets < 0) {
        --end;
        ++brackets;
      } else {
        break;
      }
    }
    return end;
  }

  // Adds the host of a URL found at [.., end) whose authority starts at
  // `authority_begin`, as a domain or an ip.
  void AddUrlHost(size_t authority_begin, size_t end, const std::string& canonical_url) {
    const std::string_view rest = text_.substr(authority_begin, end - authority_begin);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    const size_t at = authority.rfind('@');
    const size_t host_begin = authority_begin + (at == kNpos ? 0 : at + 1);
    size_t host_end = authority_begin + authority.size();
    const std::string_view host_port = text_.substr(host_begin, host_end - host_begin);
    if (!host_port.empty() && host_port.front() == '[') {
      const size_t close = host_port.find(']');
      host_end = host_begin + (close == kNpos ? host_port.size() : close + 1);
    } else if (const size_t colon = host_port.find(':'); colon != kNpos) {
      host_end = host_begin + colon;
    }
    if (host_end <= host_begin) {
      return;
    }
    std::string_view host = UrlHost(canonical_url);
    if (host.size() > 2 && host.front() == '[') {
      host = host.substr(1, host.size() - 2);
    }
    const bool is_ip = host.find(':') != kNpos || std::all_of(host.begin(), host.end(), [](char c) {
                         return IsDigit(c) || c == '.';
                       });
    if (is_ip) {
      if (auto ip = Normalize(ObservableType::kIp, host); ip.ok()) {
        Add(host_begin, host_end, std::move(ip).value());
      }
    } else if (host.find('.') != kNpos) {
      if (auto domain = Normalize(ObservableType::kDomain, host); domain.ok()) {
        Add(host_begin, host_end, std::move(domain).value());
      }
    }
  }

  // --- ip ---

  void ScanIpv6() {
    size_t i = 0;
    while (i < text_.size()) {
      if (!IsHex(text_[i]) && text_[i] != ':') {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < text_.size() && (IsHex(text_[j]) || text_[j] == ':' || text_[j] == '.')) {
        ++j;
      }
      TryIpv6(i, j);
      i = j;
    }
  }

  void TryIpv6(size_t begin, size_t end) {
    if (WordBefore(text_, begin)) {
      return;
    }
    size_t stop = end;
    if (text_[stop - 1] == '.') {
      --stop;  // end of a sentence
    }
    if (stop - begin >= 2 && text_[stop - 1] == ':' && text_[stop - 2] != ':') {
      --stop;  // "from 2001:db8::1: refused"
    }
    if (stop == end && WordAt(text_, end)) {
      return;
    }
    const std::string_view candidate = text_.substr(begin, stop - begin);
    if (std::count(candidate.begin(), candidate.end(), ':') < 2 ||
        std::none_of(candidate.begin(), candidate.end(), IsDigit) || Masked(begin, stop)) {
      return;
    }
    if (auto ip = Normalize(ObservableType::kIp, candidate); ip.ok()) {
      Add(begin, stop, std::move(ip).value());
      Mark(begin, stop, kTaken);
    }
  }

  void ScanIpv4() {
    size_t i = 0;
    while (i < text_.size()) {
      if (!IsDigit(text_[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < text_.size() && (IsDigit(text_[j]) || text_[j] == '.')) {
        ++j;
      }
      TryIpv4(i, j);
      i = j;
    }
  }

  void TryIpv4(size_t begin, size_t end) {
    // "Chrome/124.0.0.0", "v1.2.3.4", "x.1.2.3.4": a version or a path, not an
    // address. The run is maximal, so "1.2.3.4.5" arrives whole and fails.
    if (begin > 0 && (text_[begin - 1] == '.' || text_[begin - 1] == '/')) {
      return;
    }
    if (WordBefore(text_, begin) || WordAt(text_, end)) {
      return;
    }
    size_t stop = end;
    if (text_[stop - 1] == '.') {
      --stop;  // end of a sentence
    }
    if (stop <= begin || Masked(begin, stop)) {
      return;
    }
    if (auto ip = Normalize(ObservableType::kIp, text_.substr(begin, stop - begin)); ip.ok()) {
      Add(begin, stop, std::move(ip).value());
      Mark(begin, stop, kTaken);
    }
  }

  // --- mail ---

  void ScanMails() {
    for (size_t at = text_.find('@'); at != kNpos; at = text_.find('@', at + 1)) {
      if (mask_[at] != 0) {
        continue;
      }
      size_t begin = at;
      while (begin > 0 && at - begin < 64 && IsLocalPartByte(text_[begin - 1])) {
        --begin;
      }
      if (begin > 0 && IsLocalPartByte(text_[begin - 1])) {
        continue;  // local part longer than 64 bytes
      }
      while (begin < at && text_[begin] == '.') {
        ++begin;
      }
      if (begin == at || WordBefore(text_, begin)) {
        continue;
      }
      size_t end = at + 1;
      while (end < text_.size() && end - at <= 254 && IsHostByte(text_[end])) {
        ++end;
      }
      while (end > at + 1 && (text_[end - 1] == '.' || text_[end - 1] == '-')) {
        --end;
      }
      if (WordAt(text_, end) || Masked(begin, end)) {
        continue;
      }
      auto mail = Normalize(ObservableType::kMail, text_.substr(begin, end - begin));
      if (!mail.ok()) {
        continue;
      }
      const std::string_view domain =
          std::string_view(mail->value).substr(mail->value.rfind('@') + 1);
      if (!LooksLikePublicDomain(domain, /*strong_context=*/true)) {
        continue;
      }
      Add(begin, end, std::move(mail).value());
      Mark(begin, end, kTaken);
    }
  }

  // --- domain ---

  void ScanDomains() {
    size_t i = 0;
    while (i < text_.size()) {
      if (!IsNameByte(text_[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < text_.size() && IsNameByte(text_[j])) {
        ++j;
      }
      TryDomain(i, j);
      i = j;
    }
  }

  void TryDomain(size_t begin, size_t end) {
    if (WordBefore(text_, begin) || WordAt(text_, end)) {
      return;
    }
    if (end < text_.size() && text_[end] == '(') {
      return;  // a method call: "console.log(", "$client.download("
    }
    size_t first = begin;
    size_t stop = end;
    while (first < stop && (text_[first] == '.' || text_[first] == '-')) {
      ++first;
    }
    while (stop > first && (text_[stop - 1] == '.' || text_[stop - 1] == '-')) {
      --stop;
    }
    if (stop - first < 4 || stop - first > 253) {
      return;
    }
    const std::string_view candidate = text_.substr(first, stop - first);
    const size_t last_dot = candidate.rfind('.');
    if (last_dot == kNpos) {
      return;
    }
    // Cheap TLD check before the full normalisation.
    std::string tld(candidate.substr(last_dot + 1));
    for (char& c : tld) {
      c = Lower(c);
    }
    if (!IsKnownTld(tld) || Masked(first, stop)) {
      return;
    }
    auto domain = Normalize(ObservableType::kDomain, candidate);
    if (!domain.ok() || !LooksLikePublicDomain(domain->value, /*strong_context=*/false)) {
      return;
    }
    if (IsFieldLikeTld(tld) && IsKeyContext(end)) {
      return;
    }
    Add(first, stop, std::move(domain).value());
  }

  // "host.name: ws01", "\"user.id\": 5", "rule.id=5710" (but not "evil.host:8080").
  [[nodiscard]] bool IsKeyContext(size_t pos) const {
    if (pos < text_.size() && (text_[pos] == '"' || text_[pos] == '\'')) {
      ++pos;
    }
    while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t')) {
      ++pos;
    }
    if (pos >= text_.size()) {
      return false;
    }
    if (text_[pos] == '=') {
      return true;
    }
    return text_[pos] == ':' && !(pos + 1 < text_.size() && IsDigit(text_[pos + 1]));
  }

  // --- hash ---

  void ScanHashes() {
    size_t i = 0;
    while (i < text_.size()) {
      if (!IsAlnum(text_[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < text_.size() && IsAlnum(text_[j])) {
        ++j;
      }
      TryHash(i, j);
      i = j;
    }
  }

  void TryHash(size_t begin, size_t end) {
    const size_t length = end - begin;
    if (length != 32 && length != 40 && length != 64 && length != 128) {
      return;
    }
    const std::string_view candidate = text_.substr(begin, length);
    if (!std::all_of(candidate.begin(), candidate.end(), IsHex) ||
        std::all_of(candidate.begin(), candidate.end(), IsDigit) ||
        candidate.find_first_not_of(candidate.front()) == kNpos) {
      return;
    }
    // '_' separates here: "sample_<sha256>.bin".
    if (WordBefore(text_, begin, /*underscore_is_word=*/false) ||
        WordAt(text_, end, /*underscore_is_word=*/false)) {
      return;
    }
    if (auto hash = Normalize(ObservableType::kHash, candidate); hash.ok()) {
      Add(begin, end, std::move(hash).value());
    }
  }

  // --- cve ---

  void ScanCves() {
    for (size_t i = 0; i + 13 <= text_.size(); ++i) {
      if (Lower(text_[i]) != 'c' || !EqualsIgnoreCase(text_.substr(i, 4), "cve-") ||
          WordBefore(text_, i)) {
        continue;
      }
      size_t end = i + 9;
      while (end < text_.size() && end - i < 28 && IsDigit(text_[end])) {
        ++end;
      }
      if (WordAt(text_, end)) {
        continue;
      }
      if (auto cve = Normalize(ObservableType::kCve, text_.substr(i, end - i)); cve.ok()) {
        Add(i, end, std::move(cve).value());
        i = end - 1;
      }
    }
  }

  // --- results ---

  std::vector<ExtractedObservable> Collect() {
    std::stable_sort(matches_.begin(), matches_.end(),
                     [](const Match& a, const Match& b) { return a.begin < b.begin; });
    std::vector<ExtractedObservable> out;
    std::unordered_set<std::string> seen;
    for (Match& match : matches_) {
      std::string key(ObservableTypeName(match.observable.type));
      key += '\n';
      key += match.observable.value;
      if (!seen.insert(std::move(key)).second) {
        continue;
      }
      const size_t source_begin = refanged_.source_begin[match.begin];
      const size_t source_end = refanged_.source_end[match.end - 1];
      out.push_back(
          ExtractedObservable{std::move(match.observable),
                              std::string(input_.substr(source_begin, source_end - source_begin))});
    }
    return out;
  }

  std::string_view input_;
  RefangedText refanged_;
  std::string_view text_;  // refanged_.text
  std::vector<uint8_t> mask_;
  std::vector<Match> matches_;
};

}  // namespace

std::vector<ExtractedObservable> ExtractFromText(std::string_view text) {
  if (text.size() > kMaxExtractBytes) {
    text = text.substr(0, kMaxExtractBytes);
  }
  Scanner scanner(text);
  return scanner.Run();
}

}  // namespace wf::observables
