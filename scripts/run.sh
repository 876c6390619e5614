#!/usr/bin/env bash
# `make run`: first run creates ./var/watchfloor.db and the admin, then serves.
set -euo pipefail
BIN=${1:-build/api/watchfloor}
DB=${WATCHFLOOR_DB:-var/watchfloor.db}
LISTEN=${WATCHFLOOR_LISTEN:-127.0.0.1:8080}
export WATCHFLOOR_DB="$DB" WATCHFLOOR_LISTEN="$LISTEN"

if [ ! -f "$DB" ]; then
  echo "== First run: creating $DB and the admin account"
  "$BIN" init
  echo
fi

cat <<MSG
== Watchfloor serving on http://$LISTEN  (Ctrl-C to stop)

Open the console in a browser: http://$LISTEN/  (user admin, the password printed at first run)

Or use the API. Log in (use the admin password printed at first run):
  TOKEN=\$(curl -s http://$LISTEN/api/v1/auth/login -H 'Content-Type: application/json' \\
      -d '{"login":"admin","password":"<password>"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

Create an ingest API key and post a sample alert:
  KEY=\$(curl -s http://$LISTEN/api/v1/api-keys -H "Authorization: Bearer \$TOKEN" \\
      -H 'Content-Type: application/json' -d '{"name":"demo","scopes":["ingest"]}' \\
      | sed -E 's/.*"key":"([^"]+)".*/\1/')
  curl -s http://$LISTEN/api/v1/ingest/generic -H "Authorization: Bearer \$KEY" \\
      -H 'Content-Type: application/json' --data @samples/generic/brute-force.json

List the queue:
  curl -s http://$LISTEN/api/v1/alerts -H "Authorization: Bearer \$TOKEN"

Fill the queue with the sample payloads of every supported SIEM (in another terminal):
  $BIN demo

The README walks through the rest.
MSG

exec "$BIN" serve
