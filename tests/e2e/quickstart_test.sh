#!/usr/bin/env bash
# Runs the README's curl walk-through verbatim against a real server on a
# temporary database, and checks what each step answers.
# Usage: quickstart_test.sh WATCHFLOOR_BIN SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
WORK=$(mktemp -d /tmp/watchfloor-e2e-XXXXXX)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- walk-through output:"; cat "$WORK/out.txt" 2>/dev/null; echo "--- server log (tail):"; tail -20 "$WORK/server.log"; exit 1; }

PASSWORD='quickstart-test-password-42'
export WATCHFLOOR_DB="$WORK/watchfloor.db"
WATCHFLOOR_ADMIN_PASSWORD="$PASSWORD" "$BIN" init > "$WORK/init.txt"
grep -q "created" "$WORK/init.txt" || fail "init did not create the database"

: > "$WORK/server.log"  # exists before the first read below (the background redirect may come later)
"$BIN" serve --listen 127.0.0.1:0 --set server.threads=2 2> "$WORK/server.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -nE 's/.*"event":"server.started","listen":"127.0.0.1:([0-9]+)".*/\1/p' "$WORK/server.log" | head -1 || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || fail "server did not start"

# The README's walk-through block, as printed, with the real port and password.
awk '/^### Walk-through with curl/{f=1} f && /^```sh/{c=1; next} c && /^```/{exit} c' "$SRC/README.md" \
  | sed -e "s/127.0.0.1:8080/127.0.0.1:$PORT/g" \
        -e "s/^PASSWORD=.*/PASSWORD='$PASSWORD'/" > "$WORK/walkthrough.sh"
[ -s "$WORK/walkthrough.sh" ] || fail "no walk-through block found in README.md"
(cd "$SRC" && bash -euo pipefail "$WORK/walkthrough.sh") > "$WORK/out.txt" 2>&1 || fail "walk-through exited non-zero"

grep -q '"status":"created","occurrences":1' "$WORK/out.txt" || fail "step 3 did not create the alert"
grep -q 'HTTP 201' "$WORK/out.txt" || fail "step 3 did not answer 201"
grep -q '"status":"duplicate","occurrences":2' "$WORK/out.txt" || fail "step 4 was not a duplicate with occurrences 2"
grep -q 'HTTP 200' "$WORK/out.txt" || fail "step 4 did not answer 200"
grep -q 'SSH brute force against bastion-01' "$WORK/out.txt" || fail "step 5 did not list the alert"
grep -q '"login":"alice"' "$WORK/out.txt" || fail "step 6 did not create the analyst"
grep -q '"number":"SOC-[0-9]*-001"' "$WORK/out.txt" || fail "step 7 did not promote the alert to SOC-<year>-001"
grep -q '"status":"in_progress"' "$WORK/out.txt" || fail "step 8 did not take the case"
grep -q '"status":"resolved"' "$WORK/out.txt" || fail "step 8 did not resolve the case"
grep -q '"status":"closed"' "$WORK/out.txt" || fail "step 8 did not close the case"
grep -q '"kind":"comment"' "$WORK/out.txt" || fail "step 9 did not show the comment in the timeline"
grep -q '"action":"case.close","object_type":"case","object_id":"1"' "$WORK/out.txt" || fail "step 9 did not show the audit record"
grep -q '"ok":true' "$WORK/out.txt" || fail "audit trail did not verify"
echo "quickstart walk-through: 1 passed, 0 failed"
