// JSON representation of an observable record for the HTTP API. Thread-safe.
#pragma once

#include <string>

#include "observables/observable_store.h"

namespace wf::observables {

// {"id","type","value","ioc","sighted","tlp","tags","first_seen","last_seen"}
std::string ObservableToJson(const ObservableRecord& o);

}  // namespace wf::observables
