// Observable types of SPEC 4 and their wire names. Pure values; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace wf::observables {

enum class ObservableType {
  kIp,
  kDomain,
  kUrl,
  kMail,
  kHash,
  kFilename,
  kHostname,
  kUser,
  kUserAgent,
  kRegistry,
  kCve,
  kAsn,
  kMac,
  kOther,
};

// "ip", "domain", ... exactly as SPEC 4 spells them.
std::string_view ObservableTypeName(ObservableType type);

// Parses a wire name (case-insensitive). Also accepts common aliases senders
// use: "ipv4"/"ipv6"/"ip_address" → ip, "fqdn" → hostname, "email" → mail,
// "md5"/"sha1"/"sha256"/"sha512" → hash, "file" → filename,
// "user-agent" → user_agent, "uri"/"url" → url. nullopt when unknown.
std::optional<ObservableType> ParseObservableType(std::string_view name);

}  // namespace wf::observables
