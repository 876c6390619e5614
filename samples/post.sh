#!/bin/sh
# Posts the sample payloads in samples/<format>/ to a running Watchfloor, as
# each sender would: one request per file to /api/v1/ingest/<format> (or to
# /api/v1/ingest/auto with --auto). Prints, per file, the HTTP status and the
# answer's results. Exits 1 if any request did not get a 2xx.
set -u

usage() {
  cat <<'EOF'
Usage: samples/post.sh [-u URL] -k KEY [--auto] [FORMAT...]

Posts every sample payload (samples/<format>/*.json) to a running Watchfloor
server, one request per file, in file order, and prints per file the HTTP
status and the results ({"id","status","occurrences","case"} per alert).

  -u, --url URL   server base URL (default: http://127.0.0.1:8080,
                  or $WATCHFLOOR_URL)
  -k, --key KEY   an API key with the ingest scope (default: $WATCHFLOOR_KEY)
  -a, --auto      post to /api/v1/ingest/auto (format detection) instead of
                  /api/v1/ingest/<format>
  -h, --help      this help

FORMAT...         the sample folders to post (e.g. wazuh grafana); default:
                  every ingest format's folder under samples/ (generic,
                  elastic, kibana, watcher, wazuh, splunk, graylog, grafana,
                  elastalert, suricata, sentinel, email).

Example:
  samples/post.sh -k "$KEY" wazuh splunk
  201 wazuh/01-ssh-bruteforce.json {"results":[{"id":1,"status":"created",...}]}
  200 wazuh/02-ssh-bruteforce-again.json {"results":[{"id":1,"status":"duplicate","occurrences":2,...}]}
EOF
}

url="${WATCHFLOOR_URL:-http://127.0.0.1:8080}"
key="${WATCHFLOOR_KEY:-}"
auto=0
formats=""
while [ $# -gt 0 ]; do
  case "$1" in
    -u|--url) [ $# -ge 2 ] || { echo "post.sh: $1 needs a value" >&2; exit 2; }; url="$2"; shift 2 ;;
    --url=*) url="${1#*=}"; shift ;;
    -k|--key) [ $# -ge 2 ] || { echo "post.sh: $1 needs a value" >&2; exit 2; }; key="$2"; shift 2 ;;
    --key=*) key="${1#*=}"; shift ;;
    -a|--auto) auto=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; formats="$formats $*"; break ;;
    -*) echo "post.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) formats="$formats $1"; shift ;;
  esac
done

if [ -z "$key" ]; then
  echo "post.sh: an ingest API key is required: -k KEY (see --help)" >&2
  exit 2
fi
command -v curl >/dev/null 2>&1 || { echo "post.sh: curl is required" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
# The ingest formats with a sample folder (samples/ holds other things too,
# such as case templates).
known="generic elastic kibana watcher wazuh splunk graylog grafana elastalert suricata sentinel email"
if [ -z "$formats" ]; then
  for f in $known; do
    [ -d "$here/$f" ] && formats="$formats $f"
  done
fi

url="${url%/}"
body_file=$(mktemp) || exit 2
trap 'rm -f "$body_file"' EXIT INT TERM
failed=0
posted=0
for format in $formats; do
  if [ ! -d "$here/$format" ]; then
    echo "post.sh: no sample folder samples/$format" >&2
    failed=1
    continue
  fi
  target="$format"
  # email is never auto-detected (auto is JSON only)
  [ "$auto" -eq 1 ] && [ "$format" != email ] && target="auto"
  for file in "$here/$format"/*; do
    [ -f "$file" ] || continue
    case "$file" in
      *.json) type="application/json" ;;
      *.eml) type="message/rfc822" ;;
      *) continue ;;
    esac
    code=$(curl -sS -o "$body_file" -w '%{http_code}' -X POST \
      -H "Authorization: Bearer $key" -H "Content-Type: $type" \
      --data-binary "@$file" "$url/api/v1/ingest/$target") || code="000"
    posted=$((posted + 1))
    answer=$(tr -d '\n' < "$body_file")
    printf '%s %s/%s %s\n' "$code" "$format" "$(basename "$file")" "$answer"
    case "$code" in
      2??) ;;
      *) failed=1 ;;
    esac
  done
done
[ "$posted" -gt 0 ] || { echo "post.sh: no samples found" >&2; exit 1; }
exit "$failed"
