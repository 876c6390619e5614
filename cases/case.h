// Case domain types (SPEC 3, 4): cases, their timeline events, tasks and task
// logs, evidence, SLA policies and templates. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/vocabulary.h"

namespace wf::cases {

enum class CaseStatus { kOpen, kInProgress, kAwaitingInfo, kEscalated, kResolved, kClosed };
std::string_view CaseStatusName(CaseStatus s);
std::optional<CaseStatus> ParseCaseStatus(std::string_view name);

enum class Resolution { kTruePositive, kFalsePositive, kBenignPositive, kDuplicate, kIndeterminate };
std::string_view ResolutionName(Resolution r);
std::optional<Resolution> ParseResolution(std::string_view name);

enum class TaskStatus { kWaiting, kInProgress, kCompleted, kCancelled };
std::string_view TaskStatusName(TaskStatus s);
std::optional<TaskStatus> ParseTaskStatus(std::string_view name);

// "L1".."L3" ⇄ 1..3.
std::string TierName(int tier);
std::optional<int> ParseTier(std::string_view name);

struct Sla {
  std::optional<int64_t> ack_due, resolve_due;
  bool ack_breached = false, resolve_breached = false;
  std::optional<int64_t> paused_at;  // set while awaiting_info
  int64_t paused_ms = 0;
};

struct Case {
  int64_t id = 0;
  std::string number;  // SOC-2026-045
  std::string title, description;
  Severity severity = Severity::kMedium;
  int tier = 1;
  CaseStatus status = CaseStatus::kOpen;
  std::optional<int64_t> assignee_id;
  std::string assignee_login;  // filled on reads
  Tlp tlp = Tlp::kAmber;
  Pap pap = Pap::kAmber;
  std::vector<std::string> tags;
  std::string template_name;
  std::string created_by;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> acknowledged_at, resolved_at, closed_at;
  Sla sla;
  std::optional<Resolution> resolution;
  std::string root_cause, resolution_notes;
  std::optional<int> feedback_rating;
  std::string feedback_comment;
};

struct CaseEvent {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t time = 0;
  std::string actor;
  std::string kind;     // comment, created, status_changed, tier_changed, assigned, alert_merged, ...
  std::string body;     // Markdown for comments; a sentence otherwise
  std::string details_json = "{}";
};

struct Task {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string title, description;
  TaskStatus status = TaskStatus::kWaiting;
  std::optional<int64_t> assignee_id;
  int position = 0;
  std::optional<int64_t> due_at;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> completed_at;
};

struct TaskLog {
  int64_t id = 0;
  int64_t task_id = 0;
  int64_t case_id = 0;
  int64_t time = 0;
  std::string actor, body;
};

struct Attachment {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string sha256, filename, content_type, uploaded_by;
  int64_t size = 0;
  int64_t created_at = 0;
};

struct SlaPolicy {
  Severity severity = Severity::kMedium;
  int64_t ack_minutes = 0;
  int64_t resolve_minutes = 0;
  bool auto_escalate = false;
};

struct TemplateTask {
  std::string title, description;
};

struct CaseTemplate {
  int64_t id = 0;
  std::string name, description;
  std::optional<Severity> severity;
  std::vector<std::string> tags;
  std::vector<TemplateTask> tasks;
  int64_t created_at = 0, updated_at = 0;
};

}  // namespace wf::cases
