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
  libgmime-3.0-dev      # MIME parsing for POST /api/v1/ingest/email
  catch2
  clang libclang-rt-14-dev   # libFuzzer targets (scripts/fuzz.sh)
  curl
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
