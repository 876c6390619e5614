// The schema, as an append-only list of migrations. Never edit a migration
// that has shipped: add a new one. Table ownership (who may write SQL against
// which table) is by module: core owns users/sessions/api_keys/audit_log,
// observables owns observables/observable_links, ingest owns alerts*.
#include <array>

#include "core/migrations.h"

namespace wf::db {

namespace {

constexpr char kV1[] = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,
  key_prefix   TEXT NOT NULL,
  scopes       TEXT NOT NULL,
  created_by   INTEGER REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
);

CREATE TABLE audit_log (
  seq          INTEGER PRIMARY KEY,
  time         INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  object_type  TEXT NOT NULL,
  object_id    TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  remote_addr  TEXT NOT NULL,
  details      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_time ON audit_log(time);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE observables (
  id          INTEGER PRIMARY KEY,
  type        TEXT NOT NULL,
  value       TEXT NOT NULL,
  ioc         INTEGER NOT NULL DEFAULT 0,
  sighted     INTEGER NOT NULL DEFAULT 0,
  tlp         TEXT NOT NULL DEFAULT 'amber',
  tags        TEXT NOT NULL DEFAULT '[]',
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  UNIQUE (type, value)
);
CREATE INDEX observables_value ON observables(value);

CREATE TABLE observable_links (
  observable_id  INTEGER NOT NULL REFERENCES observables(id),
  object_type    TEXT NOT NULL,
  object_id      INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,
  created_by     TEXT NOT NULL,
  PRIMARY KEY (observable_id, object_type, object_id)
) WITHOUT ROWID;
CREATE INDEX observable_links_object ON observable_links(object_type, object_id);

CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY,
  fingerprint  TEXT NOT NULL,
  source_kind  TEXT NOT NULL,
  source       TEXT NOT NULL,
  source_ref   TEXT,
  rule_name    TEXT,
  title        TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  severity     INTEGER NOT NULL,
  tlp          TEXT NOT NULL DEFAULT 'amber',
  pap          TEXT NOT NULL DEFAULT 'amber',
  status       TEXT NOT NULL DEFAULT 'new',
  case_id      INTEGER,
  occurrences  INTEGER NOT NULL DEFAULT 1,
  first_seen   INTEGER NOT NULL,
  last_seen    INTEGER NOT NULL,
  event_time   INTEGER,
  tags         TEXT NOT NULL DEFAULT '[]',
  raw_first    TEXT,
  raw_latest   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX alerts_fingerprint ON alerts(fingerprint, id);
CREATE INDEX alerts_status ON alerts(status, id);
CREATE INDEX alerts_severity ON alerts(severity, id);
CREATE INDEX alerts_source ON alerts(source, id);
CREATE INDEX alerts_source_kind ON alerts(source_kind, id);
CREATE INDEX alerts_case ON alerts(case_id) WHERE case_id IS NOT NULL;

CREATE TABLE alert_tags (
  tag       TEXT NOT NULL,
  alert_id  INTEGER NOT NULL REFERENCES alerts(id),
  PRIMARY KEY (tag, alert_id)
) WITHOUT ROWID;

CREATE TABLE alert_deliveries (
  id              INTEGER PRIMARY KEY,
  alert_id        INTEGER NOT NULL REFERENCES alerts(id),
  received_at     INTEGER NOT NULL,
  remote_addr     TEXT NOT NULL,
  api_key_id      INTEGER,
  payload_sha256  TEXT NOT NULL,
  bytes           INTEGER NOT NULL,
  raw             TEXT
);
CREATE INDEX alert_deliveries_alert ON alert_deliveries(alert_id);

CREATE VIRTUAL TABLE alerts_fts USING fts5(
  title, description, content='alerts', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER alerts_fts_insert AFTER INSERT ON alerts BEGIN
  INSERT INTO alerts_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER alerts_fts_delete AFTER DELETE ON alerts BEGIN
  INSERT INTO alerts_fts(alerts_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, description ON alerts BEGIN
  INSERT INTO alerts_fts(alerts_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO alerts_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
)sql";

constexpr std::array<Migration, 1> kMigrations = {{
    {1, "initial schema: auth, audit, observables, alerts", kV1},
}};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace wf::db
