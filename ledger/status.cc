#include "ledger/status.h"

#include <cstdio>
#include <cstdlib>

namespace probity {

void AssertFail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "probity: internal error: assertion failed: %s (%s:%d)\n", expr, file, line);
  std::abort();
}

std::string Status::ToString() const {
  switch (code_) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "invalid argument: " + message_;
    case StatusCode::kNotFound:
      return "not found: " + message_;
    case StatusCode::kPolicyViolation:
      return "refused: " + message_;
    case StatusCode::kCorruption:
      return "corruption: " + message_;
    case StatusCode::kIoError:
      return "I/O error: " + message_;
    case StatusCode::kVerificationFailed:
      return "verification failed: " + message_;
    case StatusCode::kWrongPassphrase:
      return "wrong passphrase: " + message_;
    case StatusCode::kKeyRejected:
      return "key rejected: " + message_;
  }
  return message_;
}

std::string QuoteForMessage(std::string_view text) {
  constexpr std::size_t kQuoteBytesMax = 40;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kQuoteBytesMax; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte >= 0x7f || byte == '"' || byte == '\\') {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (text.size() > kQuoteBytesMax) out += "...";
  return out + "\"";
}

}  // namespace probity
