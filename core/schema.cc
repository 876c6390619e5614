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

constexpr char kV2[] = R"sql(
ALTER TABLE alerts ADD COLUMN resolved_at INTEGER;

CREATE TABLE case_sequences (
  year  INTEGER PRIMARY KEY,
  last  INTEGER NOT NULL
);

CREATE TABLE cases (
  id                INTEGER PRIMARY KEY,
  number            TEXT NOT NULL UNIQUE,
  year              INTEGER NOT NULL,
  seq               INTEGER NOT NULL,
  title             TEXT NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  severity          INTEGER NOT NULL,
  tier              INTEGER NOT NULL DEFAULT 1,
  status            TEXT NOT NULL DEFAULT 'open',
  assignee_id       INTEGER REFERENCES users(id),
  tlp               TEXT NOT NULL DEFAULT 'amber',
  pap               TEXT NOT NULL DEFAULT 'amber',
  tags              TEXT NOT NULL DEFAULT '[]',
  template          TEXT,
  created_by        TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  acknowledged_at   INTEGER,
  resolved_at       INTEGER,
  closed_at         INTEGER,
  ack_due           INTEGER,
  resolve_due       INTEGER,
  ack_breached      INTEGER NOT NULL DEFAULT 0,
  resolve_breached  INTEGER NOT NULL DEFAULT 0,
  paused_at         INTEGER,
  paused_ms         INTEGER NOT NULL DEFAULT 0,
  resolution        TEXT,
  root_cause        TEXT,
  resolution_notes  TEXT,
  feedback_rating   INTEGER,
  feedback_comment  TEXT,
  UNIQUE (year, seq)
);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_tier ON cases(tier, id);
CREATE INDEX cases_severity ON cases(severity, id);
CREATE INDEX cases_assignee ON cases(assignee_id, id);
CREATE INDEX cases_ack_due ON cases(ack_due) WHERE acknowledged_at IS NULL AND ack_breached = 0;
CREATE INDEX cases_resolve_due ON cases(resolve_due) WHERE resolved_at IS NULL AND resolve_breached = 0;

CREATE TABLE case_tags (
  tag      TEXT NOT NULL,
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  PRIMARY KEY (tag, case_id)
) WITHOUT ROWID;

CREATE TABLE case_events (
  id       INTEGER PRIMARY KEY,
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  time     INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  kind     TEXT NOT NULL,
  body     TEXT NOT NULL DEFAULT '',
  details  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE tasks (
  id            INTEGER PRIMARY KEY,
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  title         TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL DEFAULT 'waiting',
  assignee_id   INTEGER REFERENCES users(id),
  position      INTEGER NOT NULL,
  due_at        INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  completed_at  INTEGER
);
CREATE INDEX tasks_case ON tasks(case_id, position);

CREATE TABLE task_logs (
  id       INTEGER PRIMARY KEY,
  task_id  INTEGER NOT NULL REFERENCES tasks(id),
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  time     INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  body     TEXT NOT NULL
);
CREATE INDEX task_logs_task ON task_logs(task_id, id);

CREATE TABLE attachments (
  sha256        TEXT PRIMARY KEY,
  size          INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE case_attachments (
  id            INTEGER PRIMARY KEY,
  case_id       INTEGER NOT NULL REFERENCES cases(id),
  sha256        TEXT NOT NULL REFERENCES attachments(sha256),
  filename      TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  uploaded_by   TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id, id);
CREATE INDEX case_attachments_sha ON case_attachments(sha256);

CREATE TABLE sla_policies (
  severity         INTEGER PRIMARY KEY,
  ack_minutes      INTEGER NOT NULL,
  resolve_minutes  INTEGER NOT NULL,
  auto_escalate    INTEGER NOT NULL DEFAULT 0,
  updated_at       INTEGER NOT NULL
);
INSERT INTO sla_policies (severity, ack_minutes, resolve_minutes, auto_escalate, updated_at) VALUES
  (4, 15, 240, 0, 0), (3, 30, 480, 0, 0), (2, 240, 4320, 0, 0), (1, 1440, 10080, 0, 0);

CREATE TABLE case_templates (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  description  TEXT NOT NULL DEFAULT '',
  severity     INTEGER,
  tags         TEXT NOT NULL DEFAULT '[]',
  tasks        TEXT NOT NULL DEFAULT '[]',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  event            TEXT NOT NULL,
  payload          TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  delivered_at     INTEGER,
  last_error       TEXT
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE delivered_at IS NULL;

CREATE VIRTUAL TABLE cases_fts USING fts5(
  title, description, content='cases', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
  INSERT INTO cases_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
  INSERT INTO cases_fts(cases_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF title, description ON cases BEGIN
  INSERT INTO cases_fts(cases_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO cases_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
)sql";

constexpr char kV3[] = R"sql(
CREATE VIRTUAL TABLE comments_fts USING fts5(
  body, content='case_events', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER comments_fts_insert AFTER INSERT ON case_events WHEN new.kind = 'comment' BEGIN
  INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON case_events WHEN old.kind = 'comment' BEGIN
  INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body ON case_events WHEN old.kind = 'comment' BEGIN
  INSERT INTO comments_fts(comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO comments_fts(rowid, body) SELECT id, body FROM case_events WHERE kind = 'comment';

CREATE VIRTUAL TABLE task_logs_fts USING fts5(
  body, content='task_logs', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER task_logs_fts_insert AFTER INSERT ON task_logs BEGIN
  INSERT INTO task_logs_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER task_logs_fts_delete AFTER DELETE ON task_logs BEGIN
  INSERT INTO task_logs_fts(task_logs_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER task_logs_fts_update AFTER UPDATE OF body ON task_logs BEGIN
  INSERT INTO task_logs_fts(task_logs_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO task_logs_fts(rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO task_logs_fts(rowid, body) SELECT id, body FROM task_logs;
)sql";

constexpr char kV4[] = R"sql(
CREATE TABLE knowledge_articles (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER REFERENCES cases(id),
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  tags        TEXT NOT NULL DEFAULT '[]',
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX knowledge_articles_case ON knowledge_articles(case_id);
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
  title, body, content='knowledge_articles', content_rowid='id', tokenize='unicode61');
CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge_articles BEGIN
  INSERT INTO knowledge_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge_articles BEGIN
  INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF title, body ON knowledge_articles BEGIN
  INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO knowledge_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE INDEX cases_resolution ON cases(resolution, resolved_at) WHERE resolution IS NOT NULL;
)sql";

// Tag rows are replaced by object id (SetTags): without these, each replace
// scanned the whole tag table on the writer thread (found by tests/bench).
constexpr char kV5[] = R"sql(
CREATE INDEX alert_tags_alert ON alert_tags(alert_id);
CREATE INDEX case_tags_case ON case_tags(case_id);
)sql";

// Automation (issue 8): routing rules applied on arrival, what they did to an
// alert, and files that arrive with an alert (the email channel).
constexpr char kV6[] = R"sql(
CREATE TABLE routing_rules (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  position    INTEGER NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1,
  definition  TEXT NOT NULL,
  matches     INTEGER NOT NULL DEFAULT 0,
  last_match  INTEGER,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX routing_rules_position ON routing_rules(position, id);
ALTER TABLE alerts ADD COLUMN assignee TEXT;
ALTER TABLE alerts ADD COLUMN tier TEXT;
ALTER TABLE alerts ADD COLUMN ignore_reason TEXT;
ALTER TABLE alerts ADD COLUMN suppressed_by INTEGER;
CREATE INDEX alerts_suppressed ON alerts(created_at) WHERE suppressed_by IS NOT NULL;
CREATE TABLE alert_attachments (
  id            INTEGER PRIMARY KEY,
  alert_id      INTEGER NOT NULL REFERENCES alerts(id),
  sha256        TEXT NOT NULL REFERENCES attachments(sha256),
  filename      TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX alert_attachments_alert ON alert_attachments(alert_id, id);
CREATE INDEX alert_attachments_sha ON alert_attachments(sha256);
ALTER TABLE outbox ADD COLUMN url TEXT;
)sql";

// Alert titles and descriptions are indexed once per writer transaction
// (ingest::IndexNewAlerts, the writer's before-commit step) instead of by a
// trigger per alert: with the trigger, every later statement that opened a
// statement journal made FTS5 flush its pending data — one index segment per
// alert, 17 % of the writer's instructions in ingest profiles (issue 6).
// A new alert's id waits in alerts_fts_pending until then; the update and
// delete triggers leave the index alone for rows still waiting (a deleted
// one just leaves the queue), so the index always matches the table.
constexpr char kV7[] = R"sql(
DROP TRIGGER alerts_fts_insert;
DROP TRIGGER alerts_fts_delete;
DROP TRIGGER alerts_fts_update;
CREATE TABLE alerts_fts_pending (id INTEGER PRIMARY KEY);
CREATE TRIGGER alerts_fts_pending_insert AFTER INSERT ON alerts BEGIN
  INSERT INTO alerts_fts_pending (id) VALUES (new.id);
END;
CREATE TRIGGER alerts_fts_delete AFTER DELETE ON alerts BEGIN
  INSERT INTO alerts_fts(alerts_fts, rowid, title, description)
    SELECT 'delete', old.id, old.title, old.description
    WHERE NOT EXISTS (SELECT 1 FROM alerts_fts_pending WHERE id = old.id);
  DELETE FROM alerts_fts_pending WHERE id = old.id;
END;
CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, description ON alerts
  WHEN NOT EXISTS (SELECT 1 FROM alerts_fts_pending WHERE id = old.id) BEGIN
  INSERT INTO alerts_fts(alerts_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO alerts_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
)sql";

// GET /api/v1/reports/summary (issue 7): each figure reads only the period's
// entries of a covering index instead of scanning its table (18 s for 30 days
// at a million alerts). Ingest pays one more index entry per alert, delivery
// and link; cases and their events are written rarely.
constexpr char kV8[] = R"sql(
CREATE INDEX alerts_created ON alerts(created_at, source, source_kind, severity, status, rule_name, occurrences);
CREATE INDEX alert_deliveries_received ON alert_deliveries(received_at);
CREATE INDEX observable_links_created ON observable_links(object_type, created_at, observable_id);
CREATE INDEX cases_created ON cases(created_at, severity);
CREATE INDEX cases_acknowledged ON cases(acknowledged_at, severity, created_at, ack_due, ack_breached)
  WHERE acknowledged_at IS NOT NULL;
CREATE INDEX cases_resolved ON cases(resolved_at, severity, created_at, resolve_due, resolve_breached, resolution)
  WHERE resolved_at IS NOT NULL;
CREATE INDEX cases_closed ON cases(closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_assignee_resolved ON cases(assignee_id, resolved_at, created_at, status);
CREATE INDEX case_events_kind_time ON case_events(kind, time);
-- Alert links per observable, kept by triggers in the linking transaction:
-- the report's top observables visit observables by this count, most linked
-- first, and stop when no remaining one can reach the top (ingest/alert_report.cc).
CREATE TABLE observable_alert_links (
  observable_id  INTEGER PRIMARY KEY,
  links          INTEGER NOT NULL
);
CREATE INDEX observable_alert_links_count ON observable_alert_links(links);
INSERT INTO observable_alert_links (observable_id, links)
  SELECT observable_id, COUNT(*) FROM observable_links WHERE object_type = 'alert' GROUP BY observable_id;
CREATE TRIGGER observable_alert_links_insert AFTER INSERT ON observable_links WHEN new.object_type = 'alert' BEGIN
  INSERT INTO observable_alert_links (observable_id, links) VALUES (new.observable_id, 1)
    ON CONFLICT (observable_id) DO UPDATE SET links = links + 1;
END;
CREATE TRIGGER observable_alert_links_delete AFTER DELETE ON observable_links WHEN old.object_type = 'alert' BEGIN
  UPDATE observable_alert_links SET links = links - 1 WHERE observable_id = old.observable_id;
END;
)sql";

// Term lists of the full-text indexes, for expanding a bare prefix query
// into its terms (core/search.cc).
constexpr char kV9[] = R"sql(
CREATE VIRTUAL TABLE alerts_fts_vocab USING fts5vocab(alerts_fts, row);
CREATE VIRTUAL TABLE cases_fts_vocab USING fts5vocab(cases_fts, row);
CREATE VIRTUAL TABLE comments_fts_vocab USING fts5vocab(comments_fts, row);
CREATE VIRTUAL TABLE task_logs_fts_vocab USING fts5vocab(task_logs_fts, row);
)sql";

// GET /cases?sla_breached=true walked every case newest first and kept the
// breached ones; this partial index holds only those (cases are written
// rarely). The WHERE matches the list query's filter word for word.
constexpr char kV10[] = R"sql(
CREATE INDEX cases_sla_breached ON cases(id) WHERE (ack_breached = 1 OR resolve_breached = 1);
)sql";

constexpr std::array<Migration, 10> kMigrations = {{
    {1, "initial schema: auth, audit, observables, alerts", kV1},
    {2, "cases, tasks, timeline, attachments, SLA policies, templates, outbox", kV2},
    {3, "full-text search over comments and task logs", kV3},
    {4, "knowledge base articles", kV4},
    {5, "indexes for replacing an object's tags", kV5},
    {6, "routing rules, alert routing columns, alert attachments, per-message webhook URL", kV6},
    {7, "alert full-text indexing once per transaction instead of per alert", kV7},
    {8, "covering indexes and link counts for the summary report's periods", kV8},
    {9, "term lists of the full-text indexes (prefix queries)", kV9},
    {10, "index of the cases whose SLA is breached", kV10},
}};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace wf::db
