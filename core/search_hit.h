// One full-text search result, as every module's search returns it. In
// `snippet`, matched terms are wrapped in U+0002 (start) and U+0003 (end) so
// a client can highlight them without ever treating alert text as markup.
// A plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wf {

inline constexpr char kHighlightStart[] = "\x02";
inline constexpr char kHighlightEnd[] = "\x03";

struct SearchHit {
  std::string type;  // alert, case, comment, task_log
  int64_t id = 0;
  std::optional<int64_t> case_id;
  std::string case_number;
  std::string title;    // alert or case title; for comments and logs, their case's title
  std::string snippet;  // highlighted excerpt
  double rank = 0;      // bm25: lower is better
  int64_t time = 0;
};

}  // namespace wf
