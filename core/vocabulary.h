// The shared vocabulary of SPEC 4: severity, TLP, PAP. Pure values; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace wf {

// Ordered: comparisons mean "at least as severe".
enum class Severity { kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };
std::string_view SeverityName(Severity s);  // "low", ...
// "low|medium|high|critical" (case-insensitive); nullopt otherwise.
std::optional<Severity> ParseSeverity(std::string_view name);
// TheHive's 1..4; nullopt outside.
std::optional<Severity> SeverityFromNumber(long long n);

enum class Tlp { kClear, kGreen, kAmber, kAmberStrict, kRed };
std::string_view TlpName(Tlp t);                       // "clear", "green", "amber", "amber+strict", "red"
std::optional<Tlp> ParseTlp(std::string_view name);   // also "white" → clear, case-insensitive
// TheHive's numbers: 0 white/clear, 1 green, 2 amber, 3 red; TheHive 5 adds 4 = red
// with 3 = amber+strict.
std::optional<Tlp> TlpFromNumber(long long n, bool thehive5);

enum class Pap { kClear, kGreen, kAmber, kRed };
std::string_view PapName(Pap p);
std::optional<Pap> ParsePap(std::string_view name);   // also "white"
std::optional<Pap> PapFromNumber(long long n);        // 0..3

}  // namespace wf
