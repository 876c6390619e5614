#include "core/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace wf {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "medium";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  std::string l = Lower(name);
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (SeverityName(s) == l) return s;
  }
  return std::nullopt;
}

std::optional<Severity> SeverityFromNumber(long long n) {
  if (n < 1 || n > 4) return std::nullopt;
  return static_cast<Severity>(n);
}

std::string_view TlpName(Tlp t) {
  switch (t) {
    case Tlp::kClear: return "clear";
    case Tlp::kGreen: return "green";
    case Tlp::kAmber: return "amber";
    case Tlp::kAmberStrict: return "amber+strict";
    case Tlp::kRed: return "red";
  }
  return "amber";
}

std::optional<Tlp> ParseTlp(std::string_view name) {
  std::string l = Lower(name);
  if (l.starts_with("tlp:")) l = l.substr(4);
  if (l == "white") return Tlp::kClear;
  for (Tlp t : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    if (TlpName(t) == l) return t;
  }
  return std::nullopt;
}

std::optional<Tlp> TlpFromNumber(long long n, bool thehive5) {
  switch (n) {
    case 0: return Tlp::kClear;
    case 1: return Tlp::kGreen;
    case 2: return Tlp::kAmber;
    case 3: return thehive5 ? Tlp::kAmberStrict : Tlp::kRed;
    case 4: return thehive5 ? std::optional<Tlp>(Tlp::kRed) : std::nullopt;
    default: return std::nullopt;
  }
}

std::string_view PapName(Pap p) {
  switch (p) {
    case Pap::kClear: return "clear";
    case Pap::kGreen: return "green";
    case Pap::kAmber: return "amber";
    case Pap::kRed: return "red";
  }
  return "amber";
}

std::optional<Pap> ParsePap(std::string_view name) {
  std::string l = Lower(name);
  if (l.starts_with("pap:")) l = l.substr(4);
  if (l == "white") return Pap::kClear;
  for (Pap p : {Pap::kClear, Pap::kGreen, Pap::kAmber, Pap::kRed}) {
    if (PapName(p) == l) return p;
  }
  return std::nullopt;
}

std::optional<Pap> PapFromNumber(long long n) {
  if (n < 0 || n > 3) return std::nullopt;
  return static_cast<Pap>(n);
}

}  // namespace wf
