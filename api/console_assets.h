// The web console's static files (api/console/), compiled into the binary by
// cmake/embed_console.cmake: the page works from a fresh build with no
// network and nothing installed beside the executable. Immutable data;
// thread-safe. No Beast or other heavy header here: the table is plain views.
#pragma once

#include <span>
#include <string_view>

namespace wf::api {

struct ConsoleAsset {
  std::string_view path;          // "/index.html", "/app.js" (relative to api/console/)
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // strong ETag, quoted: the first 128 bits of the SHA-256
  std::string_view bytes;
};

// Every embedded file, sorted by path.
std::span<const ConsoleAsset> ConsoleAssets();

// The asset at `path` ("/app.js"), or nullptr.
const ConsoleAsset* FindConsoleAsset(std::string_view path);

// The headers every console response carries: the strict Content-Security-
// Policy, nosniff, no referrer, no framing.
inline constexpr std::string_view kConsoleCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

}  // namespace wf::api
