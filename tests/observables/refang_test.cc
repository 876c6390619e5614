#include "observables/refang.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace wf::observables {
namespace {

const std::vector<std::pair<std::string, std::string>>& Table() {
  static const std::vector<std::pair<std::string, std::string>> rows = {
      // schemes
      {"hxxp://evil.com", "http://evil.com"},
      {"hxxps://evil.com/a", "https://evil.com/a"},
      {"hXXp://evil.com", "http://evil.com"},
      {"HXXPS://evil.com", "https://evil.com"},
      {"fxp://files.example.com", "ftp://files.example.com"},
      {"hxxp[:]//evil.com", "http://evil.com"},
      {"hxxps[://]evil.com", "https://evil.com"},
      {"http[:]//evil.com", "http://evil.com"},
      {"go to hxxp://a.com now", "go to http://a.com now"},
      {"(hxxp://a.com)", "(http://a.com)"},
      // dots
      {"evil[.]com", "evil.com"},
      {"evil(.)com", "evil.com"},
      {"evil{.}com", "evil.com"},
      {"evil[dot]com", "evil.com"},
      {"evil(dot)com", "evil.com"},
      {"evil{dot}com", "evil.com"},
      {"evil[DOT]com", "evil.com"},
      {"evil[ dot ]com", "evil.com"},
      {"evil ( dot ) com", "evil.com"},
      {"evil [dot] com", "evil.com"},
      {"evil [.] com", "evil.com"},
      {"1[.]2[.]3[.]4", "1.2.3.4"},
      {"a[.]b[.]c[.]example[.]org", "a.b.c.example.org"},
      // at
      {"bob[at]evil.com", "bob@evil.com"},
      {"bob(at)evil.com", "bob@evil.com"},
      {"bob{at}evil.com", "bob@evil.com"},
      {"bob[AT]evil.com", "bob@evil.com"},
      {"bob[@]evil.com", "bob@evil.com"},
      {"bob(@)evil.com", "bob@evil.com"},
      {"bob{@}evil.com", "bob@evil.com"},
      {"bob [at] evil [dot] com", "bob@evil.com"},
      {"bob(at)example(dot)co(dot)uk", "bob@example.co.uk"},
      // a full defanged URL
      {"hxxps[:]//login[.]evil[.]com/reset?u=bob[at]corp[.]com",
       "https://login.evil.com/reset?u=bob@corp.com"},
      // nested forms reach a fixed point
      {"[[.]]", "."},
      {"[.](.)", ".."},
      {"hxxp[[:]]//a", "http://a"},
      // prose and code stay as they are
      {"", ""},
      {"no defanging here", "no defanging here"},
      {"the dot com era", "the dot com era"},
      {"meet at noon", "meet at noon"},
      {"see [at] ", "see @ "},
      {"xhxxp://a.com", "xhxxp://a.com"},
      {"hxxp is a word", "hxxp is a word"},
      {"http://[::1]:80/", "http://[::1]:80/"},
      {"array[0] = f(x);", "array[0] = f(x);"},
      {"[dot ]", "[dot ]"},
      {"\xFF[.]\xFE", "\xFF.\xFE"},
  };
  return rows;
}

TEST_CASE("Refang: every table row is undone as expected", "[observables]") {
  for (const auto& [defanged, expected] : Table()) {
    INFO("input=" << defanged);
    CHECK(Refang(defanged) == expected);
  }
}

TEST_CASE("Refang: refanging twice changes nothing more", "[observables]") {
  for (const auto& row : Table()) {
    const std::string once = Refang(row.first);
    INFO("input=" << row.first << " once=" << once);
    CHECK(Refang(once) == once);
  }
}

TEST_CASE("RefangWithOffsets: each output byte maps back to where it came from", "[observables]") {
  for (const auto& row : Table()) {
    const std::string& input = row.first;
    INFO("input=" << input);
    const RefangedText refanged = RefangWithOffsets(input);
    REQUIRE(refanged.text == Refang(input));
    REQUIRE(refanged.source_begin.size() == refanged.text.size());
    REQUIRE(refanged.source_end.size() == refanged.text.size());
    for (size_t i = 0; i < refanged.text.size(); ++i) {
      CHECK(refanged.source_begin[i] < refanged.source_end[i]);
      CHECK(refanged.source_end[i] <= input.size());
      if (i > 0) {
        CHECK(refanged.source_begin[i - 1] <= refanged.source_begin[i]);
      }
    }
  }
  const RefangedText refanged = RefangWithOffsets("evil [dot] com");
  REQUIRE(refanged.text == "evil.com");
  CHECK(refanged.source_begin[4] == 4);  // the '.' stands for " [dot] "
  CHECK(refanged.source_end[4] == 11);
  CHECK(refanged.source_begin[5] == 11);
}

TEST_CASE("Refang: long nested input finishes in linear time", "[observables]") {
  std::string input(100000, '[');
  input += '.';
  input += std::string(100000, ']');
  CHECK(Refang(input) == ".");
  std::string spaced;
  for (int i = 0; i < 20000; ++i) {
    spaced += "a [dot] ";
  }
  CHECK(Refang(spaced).size() < spaced.size());
}

}  // namespace
}  // namespace wf::observables
