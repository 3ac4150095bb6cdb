// Status and Result<T>: how the library reports errors (STYLE.md rule 2).
//
// A Status is a kind plus a message written for the person at the terminal:
// what was wrong and what to do. cli/main.cc maps each kind to one exit code.
// Thread safety: plain values; copy freely.
#ifndef PROBITY_LEDGER_STATUS_H_
#define PROBITY_LEDGER_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/assert.h"

namespace probity {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from the user: exit 2
  kNotFound,            // a named thing does not exist: exit 2
  kPolicyViolation,     // refused by a policy rule: exit 3
  kCorruption,          // stored or supplied data is damaged: exit 1
  kIoError,             // file system, database, OS: exit 1
  kVerificationFailed,  // a signature, hash or proof does not check: exit 4
  kWrongPassphrase,     // passphrase or key cannot be used: exit 5
  kKeyRejected,         // key file unusable (permissions, format): exit 5
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status PolicyViolation(std::string m) { return {StatusCode::kPolicyViolation, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status VerificationFailed(std::string m) {
    return {StatusCode::kVerificationFailed, std::move(m)};
  }
  static Status WrongPassphrase(std::string m) { return {StatusCode::kWrongPassphrase, std::move(m)}; }
  static Status KeyRejected(std::string m) { return {StatusCode::kKeyRejected, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }
  bool IsVerificationFailed() const { return code_ == StatusCode::kVerificationFailed; }
  bool IsWrongPassphrase() const { return code_ == StatusCode::kWrongPassphrase; }

  // A copy with `context` put in front of the message ("entry 12: ...").
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    PROBITY_ASSERT(!status_.ok());
  }
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    PROBITY_ASSERT(ok());
    return *value_;
  }
  const T& value() const& {
    PROBITY_ASSERT(ok());
    return *value_;
  }
  T&& value() && {
    PROBITY_ASSERT(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

// User input in quotation marks for an error message: at most 40 bytes (enough
// to recognise it, short enough that a pasted file does not flood the
// terminal), and bytes that would garble a terminal written as \xNN.
std::string QuoteForMessage(std::string_view text);

}  // namespace probity

// Early return of a failed Status.
#define PROBITY_RETURN_IF_ERROR(expr)           \
  do {                                          \
    ::probity::Status _st = (expr);             \
    if (!_st.ok()) return _st;                  \
  } while (0)

#define PROBITY_CONCAT_INNER(a, b) a##b
#define PROBITY_CONCAT(a, b) PROBITY_CONCAT_INNER(a, b)
// `PROBITY_ASSIGN_OR_RETURN(auto x, Foo());` declares x from a Result or returns its Status.
#define PROBITY_ASSIGN_OR_RETURN(lhs, expr) \
  PROBITY_ASSIGN_OR_RETURN_IMPL(PROBITY_CONCAT(_res_, __LINE__), lhs, expr)
#define PROBITY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // PROBITY_LEDGER_STATUS_H_
