#include "tests/bench/report.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace wf::bench {

namespace {

bool LooksNumeric(const std::string& s) {
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != ',' && c != '.' && c != '-' && c != '+' && c != '%' && c != '<' && c != '>') {
      return false;
    }
  }
  return digit;
}

// The value after "name:" in a /proc file of "name: value" lines.
std::string ProcField(const char* file, const std::string& name) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) {
      key.pop_back();
    }
    if (key == name) {
      std::string value = line.substr(colon + 1);
      const size_t start = value.find_first_not_of(" \t");
      return start == std::string::npos ? std::string() : value.substr(start);
    }
  }
  return {};
}

int64_t LeadingInteger(const std::string& s) {
  if (s.empty()) {
    return -1;
  }
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> width(headers_.size(), 0);
  for (size_t i = 0; i < headers_.size(); ++i) {
    width[i] = headers_[i].size();
    for (const auto& row : rows_) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& cell = cells[i];
      const bool right = !header && i > 0 && LooksNumeric(cell);
      out += i ? "  " : "";
      out += right ? fmt::format("{:>{}}", cell, width[i]) : fmt::format("{:<{}}", cell, width[i]);
    }
    while (!out.empty() && out.back() == ' ') {
      out.pop_back();
    }
    out += '\n';
  };
  line(headers_, true);
  size_t total = 0;
  for (size_t w : width) {
    total += w;
  }
  out += std::string(total + 2 * (width.size() - 1), '-') + '\n';
  for (const auto& row : rows_) {
    line(row, false);
  }
  return out;
}

std::string Thousands(double value) {
  const long long n = std::llround(value);
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Fixed(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

void AppendSummary(const std::string& path, const std::vector<std::string>& fields) {
  if (path.empty()) {
    return;
  }
  std::ofstream out(path, std::ios::app);
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string field = fields[i];
    for (char& c : field) {
      if (c == '\t' || c == '\n') {
        c = ' ';
      }
    }
    out << (i ? "\t" : "") << field;
  }
  out << '\n';
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  if (!(in >> a >> b >> c)) {
    return "?";
  }
  return a + " " + b + " " + c;
}

double LoadAverage1() {
  std::ifstream in("/proc/loadavg");
  double a = -1;
  if (!(in >> a)) {
    return -1;
  }
  return a;
}

int64_t ProcStatusKib(const std::string& field) {
  return LeadingInteger(ProcField("/proc/self/status", field));
}

std::string CpuModel() {
  std::string model = ProcField("/proc/cpuinfo", "model name");
  return model.empty() ? "unknown" : model;
}

int64_t MemTotalKib() { return LeadingInteger(ProcField("/proc/meminfo", "MemTotal")); }

double ProcessCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) {
    return 0;
  }
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace wf::bench
