#include "observables/observable_type.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace wf::observables {

std::string_view ObservableTypeName(ObservableType type) {
  switch (type) {
    case ObservableType::kIp: return "ip";
    case ObservableType::kDomain: return "domain";
    case ObservableType::kUrl: return "url";
    case ObservableType::kMail: return "mail";
    case ObservableType::kHash: return "hash";
    case ObservableType::kFilename: return "filename";
    case ObservableType::kHostname: return "hostname";
    case ObservableType::kUser: return "user";
    case ObservableType::kUserAgent: return "user_agent";
    case ObservableType::kRegistry: return "registry";
    case ObservableType::kCve: return "cve";
    case ObservableType::kAsn: return "asn";
    case ObservableType::kMac: return "mac";
    case ObservableType::kOther: return "other";
  }
  return "other";
}

std::optional<ObservableType> ParseObservableType(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::array<std::pair<std::string_view, ObservableType>, 29> kNames = {{
      {"ip", ObservableType::kIp},
      {"ipv4", ObservableType::kIp},
      {"ipv6", ObservableType::kIp},
      {"ip_address", ObservableType::kIp},
      {"domain", ObservableType::kDomain},
      {"url", ObservableType::kUrl},
      {"uri", ObservableType::kUrl},
      {"mail", ObservableType::kMail},
      {"email", ObservableType::kMail},
      {"hash", ObservableType::kHash},
      {"md5", ObservableType::kHash},
      {"sha1", ObservableType::kHash},
      {"sha256", ObservableType::kHash},
      {"sha512", ObservableType::kHash},
      {"filename", ObservableType::kFilename},
      {"file", ObservableType::kFilename},
      {"hostname", ObservableType::kHostname},
      {"fqdn", ObservableType::kHostname},
      {"user", ObservableType::kUser},
      {"user_agent", ObservableType::kUserAgent},
      {"user-agent", ObservableType::kUserAgent},
      {"registry", ObservableType::kRegistry},
      {"cve", ObservableType::kCve},
      {"asn", ObservableType::kAsn},
      {"autonomous-system", ObservableType::kAsn},
      {"mac", ObservableType::kMac},
      {"mac_address", ObservableType::kMac},
      {"other", ObservableType::kOther},
      {"string", ObservableType::kOther},
  }};
  for (const auto& [n, t] : kNames) {
    if (n == lower) return t;
  }
  return std::nullopt;
}

}  // namespace wf::observables
