#include "observables/refang.h"

#include <array>
#include <cstddef>
#include <limits>
#include <utility>

#include "core/status.h"

namespace wf::observables {
namespace {

struct Pattern {
  std::string_view from;  // lowercase; matched case-insensitively
  std::string_view to;
  bool word_start;  // the byte before must not be a letter or digit
  bool eat_spaces;  // "a [dot] b" -> "a.b"
};

constexpr auto kPatterns = std::to_array<Pattern>({
    {"[.]", ".", false, true},       {"(.)", ".", false, true},
    {"{.}", ".", false, true},       {"[dot]", ".", false, true},
    {"(dot)", ".", false, true},     {"{dot}", ".", false, true},
    {"[ dot ]", ".", false, true},   {"( dot )", ".", false, true},
    {"{ dot }", ".", false, true},   {"[at]", "@", false, true},
    {"(at)", "@", false, true},      {"{at}", "@", false, true},
    {"[ at ]", "@", false, true},    {"( at )", "@", false, true},
    {"{ at }", "@", false, true},    {"[@]", "@", false, true},
    {"(@)", "@", false, true},       {"{@}", "@", false, true},
    {"[:]", ":", false, false},      {"[://]", "://", false, false},
    {"hxxp:", "http:", true, false}, {"hxxps:", "https:", true, false},
    {"fxp:", "ftp:", true, false},
});

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The input bytes an output byte stands for, half-open.
struct SourceRange {
  uint32_t begin;
  uint32_t end;
};

// Every pattern ends in one of these; other bytes skip the pattern search.
bool CanEndPattern(char c) { return c == ']' || c == ')' || c == '}' || c == ':'; }

// The rewriting works on the output as a stack: after each byte is appended,
// the tail is checked against the patterns, and a match is popped and its
// replacement pushed byte by byte (which may complete an outer pattern, as in
// "[[.]]" or "hxxp[:]//"). The output therefore never holds a pattern, which
// is what makes Refang idempotent; each byte is pushed and popped a bounded
// number of times, which keeps it linear.
class Refanger {
 public:
  Refanger(std::string_view input, bool track) : input_(input), track_(track) {}

  void Run() {
    out_.reserve(input_.size());
    if (track_) {
      begin_.reserve(input_.size());
      end_.reserve(input_.size());
    }
    next_ = 0;
    while (next_ < input_.size()) {
      const size_t at = next_++;
      Push(input_[at], SourceRange{static_cast<uint32_t>(at), static_cast<uint32_t>(at + 1)});
    }
  }

  std::string TakeText() { return std::move(out_); }
  std::vector<uint32_t> TakeBegin() { return std::move(begin_); }
  std::vector<uint32_t> TakeEnd() { return std::move(end_); }

 private:
  [[nodiscard]] bool TailMatches(std::string_view pattern) const {
    if (out_.size() < pattern.size()) {
      return false;
    }
    const size_t start = out_.size() - pattern.size();
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (ToLowerAscii(out_[start + i]) != pattern[i]) {
        return false;
      }
    }
    return true;
  }

  void Truncate(size_t size) {
    out_.resize(size);
    if (track_) {
      begin_.resize(size);
      end_.resize(size);
    }
  }

  void Push(char c, SourceRange source) {
    out_.push_back(c);
    if (track_) {
      begin_.push_back(source.begin);
      end_.push_back(source.end);
    }
    if (!CanEndPattern(c)) {
      return;
    }
    for (const Pattern& pattern : kPatterns) {
      if (!TailMatches(pattern.from)) {
        continue;
      }
      size_t start = out_.size() - pattern.from.size();
      if (pattern.word_start && start > 0 && IsAsciiAlnum(out_[start - 1])) {
        continue;
      }
      SourceRange range{track_ ? begin_[start] : 0, track_ ? end_.back() : 0};
      // "example [dot] com": one space on each side between two words goes
      // with the separator. Only the input can supply the space after.
      if (pattern.eat_spaces && start >= 2 && out_[start - 1] == ' ' &&
          IsAsciiAlnum(out_[start - 2]) && next_ + 1 < input_.size() && input_[next_] == ' ' &&
          IsAsciiAlnum(input_[next_ + 1])) {
        start -= 1;
        if (track_) {
          range = SourceRange{begin_[start], static_cast<uint32_t>(next_ + 1)};
        }
        next_ += 1;
      }
      Truncate(start);
      for (char r : pattern.to) {
        Push(r, range);
      }
      return;
    }
  }

  std::string_view input_;
  bool track_;
  size_t next_ = 0;  // index of the next input byte to read
  std::string out_;
  std::vector<uint32_t> begin_;
  std::vector<uint32_t> end_;
};

}  // namespace

std::string Refang(std::string_view text) {
  Refanger refanger(text, /*track=*/false);
  refanger.Run();
  return refanger.TakeText();
}

RefangedText RefangWithOffsets(std::string_view text) {
  WF_CHECK(text.size() < std::numeric_limits<uint32_t>::max());
  Refanger refanger(text, /*track=*/true);
  refanger.Run();
  RefangedText result;
  result.text = refanger.TakeText();
  result.source_begin = refanger.TakeBegin();
  result.source_end = refanger.TakeEnd();
  return result;
}

}  // namespace wf::observables
