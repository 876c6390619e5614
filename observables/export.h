// Exports of a case's observables: a STIX 2.1 bundle, a MISP event, or CSV.
// Pure functions of their inputs (plus random ids); thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "observables/observable_store.h"

namespace wf::observables {

// What an export needs to know of the case (this module does not know cases).
struct ExportCase {
  std::string number, title, description;
  std::string severity;  // low..critical
  std::string tlp;       // clear..red
  int64_t created_at = 0;
};

// A STIX 2.1 bundle: the producer identity, a report for the case, an
// indicator per observable with a STIX pattern ([ipv4-addr:value = '...'],
// [file:hashes.'SHA-256' = '...'], ...), a vulnerability per CVE, and the TLP
// marking definitions of STIX 2.1. `other` observables have no pattern and
// are left out (listed in the report's description).
std::string ExportStix(const ExportCase& c, const std::vector<ObservableRecord>& obs, int64_t now_ms);

// A MISP event ({"Event":{...,"Attribute":[...]}}) with MISP attribute types
// (ip-dst, domain, hostname, url, email-src, md5/sha1/sha256/sha512, filename,
// user-agent, regkey, vulnerability, AS, mac-address, target-user, text),
// to_ids from the IOC flag, and a tlp tag.
std::string ExportMisp(const ExportCase& c, const std::vector<ObservableRecord>& obs);

// RFC 4180 CSV with a header: type,value,hash_kind,ioc,sighted,tlp,tags,first_seen,last_seen.
// Cells starting with = + - @ are prefixed with ' (spreadsheet formula injection).
std::string ExportCsv(const std::vector<ObservableRecord>& obs);

// The STIX pattern for one observable; empty when the type has none.
std::string StixPattern(const ObservableRecord& o);

}  // namespace wf::observables
