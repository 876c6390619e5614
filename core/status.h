// wf::Status and wf::Result<T>: the error values that cross module boundaries.
//
// A Status is a code from Abseil's canonical set plus a human message meant
// for the client (never internal details: those go to the log). Result<T>
// holds either a value or a non-OK Status. Both are plain values, safe to
// copy and move between threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace wf {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input: bad JSON, wrong types (HTTP 400)
  kUnprocessable,       // well-formed input that breaks a rule (HTTP 422)
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // state conflict (409)
  kPermissionDenied,    // authenticated but not allowed (403)
  kUnauthenticated,     // no or bad credentials (401)
  kResourceExhausted,   // size or rate limit (413/429)
  kUnavailable,         // overloaded or shutting down (503)
  kInternal,            // a bug or an environmental failure (500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status Unprocessable(std::string m) { return {StatusCode::kUnprocessable, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::string_view StatusCodeName(StatusCode code);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "Result built from an OK status");
    if (status_.ok()) {
      status_ = Status::Internal("Result built from an OK status");
    }
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

// Crash on "cannot happen": a broken invariant is a bug, not an error to handle.
[[noreturn]] void CheckFailed(const char* expr, const char* file, int line);

}  // namespace wf

#define WF_CHECK(cond)                                   \
  do {                                                   \
    if (!(cond)) ::wf::CheckFailed(#cond, __FILE__, __LINE__); \
  } while (0)

#define WF_CONCAT_INNER(a, b) a##b
#define WF_CONCAT(a, b) WF_CONCAT_INNER(a, b)

#define WF_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::wf::Status wf_status_ = (expr);         \
    if (!wf_status_.ok()) return wf_status_;  \
  } while (0)

#define WF_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

#define WF_ASSIGN_OR_RETURN(lhs, expr) \
  WF_ASSIGN_OR_RETURN_IMPL(WF_CONCAT(wf_result_, __LINE__), lhs, expr)
