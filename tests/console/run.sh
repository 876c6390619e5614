#!/usr/bin/env bash
# The web console's end-to-end test: starts the real watchfloor binary on a
# temporary database and a free port (`init`, then `serve`), then drives
# Debian's chromium headless through playwright-core (node:test).
# Usage: run.sh WATCHFLOOR_BIN SOURCE_DIR [SCREENSHOT_DIR]
#   SCREENSHOT_DIR: where queue.png, case.png, reports.png and routing.png go (docs/img to refresh them).
set -euo pipefail
BIN=$(realpath "$1")
SRC=$(realpath "$2")
SHOTS=${3:+$(realpath -m "$3")}
HERE="$SRC/tests/console"
[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium is missing: run scripts/deps.sh"; exit 1; }
[ -d "$HERE/node_modules/playwright-core" ] || { echo "FAIL: tests/console/node_modules is missing: run scripts/deps.sh"; exit 1; }

WORK=$(mktemp -d /tmp/watchfloor-console-XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PASSWORD='console-test-admin-password'
export WATCHFLOOR_DB="$WORK/watchfloor.db"
WATCHFLOOR_ADMIN_PASSWORD="$PASSWORD" "$BIN" init > "$WORK/init.txt"
: > "$WORK/server.log"  # exists before the first read below (the background redirect may come later)
"$BIN" serve --listen 127.0.0.1:0 --set server.threads=2 2> "$WORK/server.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -nE 's/.*"event":"server.started","listen":"127.0.0.1:([0-9]+)".*/\1/p' "$WORK/server.log" | head -1 || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "FAIL: server did not start"; cat "$WORK/server.log"; exit 1; }

export WF_URL="http://127.0.0.1:$PORT"
export WF_ADMIN_PASSWORD="$PASSWORD"
export WF_SCREENSHOT_DIR="$SHOTS"
export WF_PROFILE_DIR="$WORK/chromium-profile"
cd "$HERE"
if ! node --test --test-reporter=spec console.test.mjs; then
  echo "--- server log (tail):"
  tail -30 "$WORK/server.log"
  exit 1
fi
