// Refanging: undoing the "defanging" analysts and tools apply to indicators so
// that they cannot be clicked or resolved by accident (hxxp://evil[.]com,
// bob[at]example(dot)com). Callers keep the text as it was sent; these
// functions return a new string. Pure functions of their input; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wf::observables {

// Returns `text` with these forms rewritten (letters in any case):
//   hxxp:  hxxps:  fxp:          -> http:  https:  ftp:   (only at the start of a word)
//   [.]  (.)  {.}  [dot]  (dot)  {dot}  [ dot ]  ( dot )  { dot }   -> .
//   [at] (at) {at} [@] (@) {@}  [ at ]  ( at )  { at }              -> @
//   [:]  -> :        [://]  -> ://
// The bare word " dot " / " at " is never rewritten: prose stays prose. When a
// bracketed dot or at stands between two words with one space on each side
// ("example [dot] com"), those two spaces go too ("example.com").
//
// The result is a fixed point: Refang(Refang(x)) == Refang(x), also for nested
// forms such as "[[.]]". Runs in time linear in the size of `text`.
std::string Refang(std::string_view text);

// Refang() plus, for every byte of the result, the half-open byte range of the
// input it came from, so that a match found in the refanged text can be shown
// as it was written ("hxxp://evil[.]com").
struct RefangedText {
  std::string text;
  std::vector<uint32_t> source_begin;  // one entry per byte of `text`
  std::vector<uint32_t> source_end;    // one entry per byte of `text`
};

// Requires text.size() < 4 GiB (checked; a violation is a bug in the caller).
RefangedText RefangWithOffsets(std::string_view text);

}  // namespace wf::observables
