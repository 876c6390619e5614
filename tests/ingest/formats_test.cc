#include "ingest/formats/registry.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ingest/fingerprint.h"

#ifndef WATCHFLOOR_SOURCE_DIR
#define WATCHFLOOR_SOURCE_DIR "/work/main"
#endif

namespace wf::ingest {
namespace {
std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
TEST_CASE("dump", "[.dump]") {
  for (const auto& dir : std::filesystem::directory_iterator(WATCHFLOOR_SOURCE_DIR "/samples")) {
    std::string format = dir.path().filename();
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) files.push_back(f.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      if (f.extension() != ".json") continue;
      std::string body = Read(f);
      auto r = ParseBody(format, body);
      auto d = ParseBody("auto", body);
      std::cout << "=== " << format << "/" << f.filename().string() << " auto=" << (d.ok() ? d->format : d.status().ToString()) << "\n";
      if (!r.ok()) { std::cout << "ERROR " << r.status().ToString() << "\n"; continue; }
      for (const auto& a : r->alerts) {
        std::cout << " title: " << a.title << "\n rule: " << a.rule_name << "\n source: " << a.source
                  << "\n ref: " << a.source_ref << "\n sev: " << SeverityName(a.severity)
                  << "\n key: " << a.dedup_key << "\n fp: " << ComputeFingerprint(a).substr(0, 12)
                  << "\n time: " << (a.event_time ? std::to_string(*a.event_time) : "-")
                  << "\n resolved: " << a.resolved << "\n desc: " << a.description.substr(0, 300) << "\n tags:";
        for (const auto& t : a.tags) std::cout << " [" << t << "]";
        std::cout << "\n obs:";
        for (const auto& o : a.observables) std::cout << " " << observables::ObservableTypeName(o.type) << "=" << o.value << ";";
        std::cout << "\n";
      }
    }
  }
}
}  // namespace
}  // namespace wf::ingest
