#!/usr/bin/env bash
# Memory soak (issue 6): a real `watchfloor serve` on a fresh database under a
# steady ingest load from wf_bench_ingest, its RSS sampled every 30 s.
#
#   tests/bench/soak.sh [minutes=10] [rate=1000]     (BUILD_DIR=build by default)
#
# Prints one line per sample (minute, RSS, anonymous, file-backed, alerts
# stored) and the load generator's table. Bounded memory means the RSS
# levels off: the SQLite page caches and mmap window fill, then stay.
set -euo pipefail
MINUTES=${1:-10}
RATE=${2:-1000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
BIN=$BUILD/api/watchfloor
BENCH=$BUILD/tests/bench/wf_bench_ingest
[ -x "$BIN" ] && [ -x "$BENCH" ] || { echo "build first: make build (missing $BIN or $BENCH)"; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=
SAMPLER_PID=
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export WATCHFLOOR_DB="$WORK/soak.db"
WATCHFLOOR_ADMIN_PASSWORD='soak-admin-password' "$BIN" init > /dev/null
KEY=$("$BIN" apikey create --name soak | grep -oE 'wfk_[A-Za-z0-9_-]+' | head -1)
: > "$WORK/server.log"  # exists before the first read below (the background redirect may come later)
"$BIN" serve --listen 127.0.0.1:0 --log-level warn 2> "$WORK/server.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -nE 's/.*"listen":"127.0.0.1:([0-9]+)".*/\1/p' "$WORK/server.log" | head -1 || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
if [ -z "$PORT" ]; then
  # --log-level warn hides server.started: ask the kernel instead.
  PORT=$(ss -ltnp 2>/dev/null | grep "pid=$SERVER_PID," | grep -oE '127.0.0.1:[0-9]+' | head -1 | cut -d: -f2)
fi
[ -n "$PORT" ] || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }

kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$SERVER_PID/status"; }
echo "soak: ${MINUTES} min at ${RATE} alerts/s against pid $SERVER_PID on port $PORT"
printf '%-8s %-10s %-10s %-10s %s\n' minute rss_mb anon_mb file_mb alerts
(
  start=$(date +%s)
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    now=$(date +%s)
    alerts=$(sqlite3 "$WATCHFLOOR_DB" "SELECT COUNT(*) FROM alerts" 2>/dev/null || echo "?")
    printf '%-8s %-10s %-10s %-10s %s\n' "$(awk -v s=$((now - start)) 'BEGIN{printf "%.1f", s/60}')" \
      "$(awk -v k="$(kib VmRSS)" 'BEGIN{printf "%.1f", k/1024}')" \
      "$(awk -v k="$(kib RssAnon)" 'BEGIN{printf "%.1f", k/1024}')" \
      "$(awk -v k="$(kib RssFile)" 'BEGIN{printf "%.1f", k/1024}')" "$alerts"
    sleep 30
  done
) &
SAMPLER_PID=$!
"$BENCH" --url "http://127.0.0.1:$PORT" --key "$KEY" --paths rate --rate "$RATE" \
  --duration $((MINUTES * 60)) --warmup 1
sleep 1
echo "peak RSS: $(awk -v k="$(kib VmHWM)" 'BEGIN{printf "%.1f", k/1024}') MB"
