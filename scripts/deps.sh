#!/usr/bin/env bash
# Installs the Debian 12 packages Watchfloor builds and tests with.
# Idempotent: installs only what is missing, so a second run costs a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake ccache pkg-config
  libboost1.81-dev      # Beast/Asio (header-only)
  libsqlite3-dev sqlite3
  rapidjson-dev libfmt-dev libspdlog-dev
  libcli11-dev libtomlplusplus-dev
  libssl-dev libsodium-dev
  libre2-dev            # routing-rule regexes (linear time)
  libgmime-3.0-dev      # MIME parsing for POST /api/v1/ingest/email
  catch2
  clang libclang-rt-14-dev   # libFuzzer targets (scripts/fuzz.sh)
  curl
  chromium              # the web console's end-to-end tests (tests/console/, playwright-core)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm drive the browser tests; any installation will do (Debian's,
# or NodeSource's, which bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "deps: done"
fi

# The browser tests' npm packages (playwright-core, pinned by the committed
# package-lock.json): `npm ci` when node_modules is missing or was installed
# from another lock file. It never downloads a browser (Debian's chromium is used).
CONSOLE_TESTS="$(cd "$(dirname "$0")/.." && pwd)/tests/console"
if [ -f "$CONSOLE_TESTS/package-lock.json" ]; then
  want=$(sha256sum "$CONSOLE_TESTS/package-lock.json" | cut -d' ' -f1)
  have=$(cat "$CONSOLE_TESTS/node_modules/.watchfloor-lock-sha256" 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    echo "deps: npm ci in tests/console"
    (cd "$CONSOLE_TESTS" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$CONSOLE_TESTS/node_modules/.watchfloor-lock-sha256"
  fi
fi
