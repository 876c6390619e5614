// The outbox: notifications (escalation, SLA breach, assignment, ...) written
// in the same transaction as the change that causes them, and delivered
// later by a sender loop — at least once, surviving restarts. SQL for the
// `outbox` table (owned by core). Functions take the connection explicitly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sqlite.h"

namespace wf::outbox {

struct Message {
  int64_t id = 0;
  std::string event;    // "case.escalated", "case.sla_breached", "case.assigned"
  std::string payload;  // JSON object
  int64_t created_at = 0;
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;
  std::string url;  // a routing rule's own webhook; empty: the configured notify.webhook_urls
};

Status Enqueue(db::Database& db, const std::string& event, const std::string& payload,
               int64_t now_ms, const std::string& url = {});
// Undelivered messages due at `now_ms`, oldest first; those without their own
// URL only when `with_default_urls` (webhook URLs are configured).
Result<std::vector<Message>> Due(db::Database& db, int64_t now_ms, int limit, bool with_default_urls = true);
Status MarkDelivered(db::Database& db, int64_t id, int64_t now_ms);
// Schedules the next attempt with exponential backoff (1 s doubling, at most 1 h).
Status MarkFailed(db::Database& db, int64_t id, const std::string& error, int64_t now_ms);
Result<int64_t> Backlog(db::Database& db);

}  // namespace wf::outbox
