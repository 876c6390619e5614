// JSON representations of cases and their parts for the HTTP API. Pure
// functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "cases/case.h"
#include "cases/case_service.h"

namespace wf::cases {

// The case with `sla: {ack_due, resolve_due, ack_breached, resolve_breached,
// remaining_ms, paused}` computed at `now_ms`.
std::string CaseToJson(const Case& c, int64_t now_ms);
// The case plus observables, alert ids and the open task count.
std::string CaseDetailToJson(const CaseDetail& d, int64_t now_ms);
std::string EventToJson(const CaseEvent& e);
// A task, with its logs when given.
std::string TaskToJson(const Task& t, const std::vector<TaskLog>& logs);
std::string TaskLogToJson(const TaskLog& l);
std::string AttachmentToJson(const Attachment& a);
std::string SlaPolicyToJson(const SlaPolicy& p);
std::string TemplateToJson(const CaseTemplate& t);

}  // namespace wf::cases
