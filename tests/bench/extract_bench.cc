// Observable extraction from a realistic 20 KB alert payload (issue 5):
// median and p99 time per payload over repeated runs, plus throughput.
// Usage: wf_bench_extract [--iterations N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "observables/extract.h"

namespace {

// About 20 KB of what a SIEM posts: log lines with IPs, URLs (some
// defanged), hashes, mail addresses, user agents with browser versions, file
// names that look like domains, and prose.
std::string Payload() {
  std::string p;
  int i = 0;
  while (p.size() < 20 * 1024) {
    p += "2026-11-23T09:0" + std::to_string(i % 10) + ":12Z fw01 DROP src=198.51.100." +
         std::to_string(i % 250) + " dst=10.0.0." + std::to_string(i % 200) +
         " dpt=443 proto=TCP\n";
    p += "GET hxxps://cdn" + std::to_string(i) +
         ".evil-example[.]com/payload.php?id=" + std::to_string(i) +
         " UA=\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 "
         "Safari/537.36\"\n";
    p += "Defender: Trojan:Win32/Emotet found in C:\\Users\\jdoe\\Downloads\\invoice_" +
         std::to_string(i) +
         ".pdf.exe sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b78" +
         std::to_string(100000 + i).substr(0, 6) + "\n";
    p += "From: billing" + std::to_string(i) +
         "@invoices-example.com To: jdoe@corp.example Subject: overdue, see report.pdf"
         " and version 1.2.3 of setup.msi; CVE-2024-" +
         std::to_string(3000 + i) + " exploited.\n";
    ++i;
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 2000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--iterations") iterations = std::max(1, std::atoi(argv[i + 1]));
  }
  const std::string payload = Payload();
  std::vector<double> micros;
  micros.reserve(static_cast<size_t>(iterations));
  size_t found = 0;
  for (int i = 0; i < iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto out = wf::observables::ExtractFromText(payload);
    auto end = std::chrono::steady_clock::now();
    found = out.size();
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double q) {
    return micros[static_cast<size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  double total = 0;
  for (double m : micros) total += m;
  std::printf("extract: payload %zu bytes, %zu observables, %d runs\n", payload.size(), found,
              iterations);
  std::printf("extract: p50 %.0f us, p99 %.0f us, max %.0f us, %.1f MB/s\n", pct(0.5), pct(0.99),
              micros.back(),
              static_cast<double>(payload.size()) * static_cast<double>(iterations) / total);
  return 0;
}
