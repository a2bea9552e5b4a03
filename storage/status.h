// Status and Result<T>: how every fallible call across a module boundary reports failure.
//
// A Status is either OK or carries a code and a one-line message meant for a person ("stream
// 'weather' does not exist"). The OK status holds a null pointer, so returning it costs nothing.
// Result<T> is a T or a non-OK Status. Both are [[nodiscard]]: ignoring an error is a bug.
// Only main() turns a Status into an exit code and a message.
//
// Thread-safety: immutable after construction; safe to copy and share across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace freshet {

class [[nodiscard]] Status {
 public:
  // Codes are stable: the CLI maps them to exit codes (see ExitCodeFor in tools/).
  enum class Code : uint8_t {
    kOk = 0,
    kInvalidArgument,     // the caller's input is wrong (bad flag, bad JSON, over a limit)
    kNotFound,            // a named stream, table, item or consumer does not exist
    kAlreadyExists,       // create of something that exists
    kFailedPrecondition,  // the state does not allow it (e.g. directory held by a writer)
    kCorruption,          // stored data is not what freshet wrote
    kIOError,             // the file system failed (fsync, ENOSPC, ...)
    kAborted,             // interrupted (signal) before completion
    kInternal,            // a bug
    kLimitExceeded,       // a quota of the stored state would be exceeded (e.g. open shards)
  };

  Status() noexcept = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
  static Status FailedPrecondition(std::string msg) { return Status(Code::kFailedPrecondition, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status LimitExceeded(std::string msg) { return Status(Code::kLimitExceeded, std::move(msg)); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }

  // The message without a code prefix; empty for OK.
  const std::string& message() const;
  // "invalid argument: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>". OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    Code code;
    std::string message;
  };
  Status(Code code, std::string msg) : state_(std::make_shared<const State>(State{code, std::move(msg)})) {}
  std::shared_ptr<const State> state_;
};

std::string_view CodeName(Status::Code code);

// A value of type T, or the Status explaining why there is none.
// REQUIRES: value() only when ok(); status() is OK when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : rep_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : rep_(std::move(status)) {}  // NOLINT: REQUIRES !status.ok()

  bool ok() const { return std::holds_alternative<T>(rep_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(rep_); }

  T& value() & { return std::get<T>(rep_); }
  const T& value() const& { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> rep_;
};

}  // namespace freshet

// Propagates a non-OK Status to the caller.
#define FRESHET_RETURN_IF_ERROR(expr) \
  do {                                \
    ::freshet::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (0)

#define FRESHET_CONCAT_INNER(a, b) a##b
#define FRESHET_CONCAT(a, b) FRESHET_CONCAT_INNER(a, b)
// Declares `lhs` from a Result's value, or returns its Status.
#define FRESHET_ASSIGN_OR_RETURN(lhs, expr) FRESHET_ASSIGN_OR_RETURN_IMPL(FRESHET_CONCAT(_res_, __LINE__), lhs, expr)
#define FRESHET_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
