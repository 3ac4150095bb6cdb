#include "reports/bundle_source.h"

#include <algorithm>
#include <cstring>

#include "ledger/wipe.h"

namespace probity {

Result<std::size_t> TextBundleSource::ReadAt(std::uint64_t offset, char* out, std::size_t bytes) {
  if (offset >= text_.size()) return std::size_t{0};
  const std::string_view rest = text_.substr(static_cast<std::size_t>(offset), bytes);
  std::memcpy(out, rest.data(), rest.size());
  return rest.size();
}

BundleLines::BundleLines(BundleSource& source, std::uint64_t offset, std::int64_t first_line,
                         BundleLinesLimits limits)
    : source_(source),
      line_bytes_max_(limits.line_bytes_max),
      window_(limits.window_bytes + limits.line_bytes_max + 1, '\0'),
      window_offset_(offset),
      number_(first_line - 1) {
  PROBITY_ASSERT(first_line >= 1);
  PROBITY_ASSERT(limits.window_bytes >= 1 && limits.line_bytes_max >= kPeekBytes);
}

BundleLines::~BundleLines() { Wipe(window_); }

Status BundleLines::Fail(const std::string& why) const {
  if (!peek_error_.ok()) return peek_error_;  // what made Peek see no line
  return Status::VerificationFailed("bundle line " + std::to_string(number_) + ": " + why);
}

Status BundleLines::Fill(std::size_t bytes) {
  PROBITY_ASSERT(bytes <= line_bytes_max_ + 1);
  while (end_ - begin_ < bytes && !eof_) {
    if (end_ == window_.size()) {
      // Keep only the line being read: at most line_bytes_max_ + 1 bytes.
      std::memmove(window_.data(), window_.data() + begin_, end_ - begin_);
      window_offset_ += begin_;
      scanned_ -= begin_;
      end_ -= begin_;
      begin_ = 0;
    }
    const std::uint64_t at = window_offset_ + end_;
    // One byte past the limit is enough to know the bundle is too large.
    const std::uint64_t room = std::uint64_t{kBundleBytesMax} + 1 - std::min<std::uint64_t>(at, kBundleBytesMax);
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(window_.size() - end_, room));
    PROBITY_ASSIGN_OR_RETURN(std::size_t got, source_.ReadAt(at, window_.data() + end_, want));
    PROBITY_ASSERT(got <= want);
    end_ += got;
    eof_ = got == 0;
    if (window_offset_ + end_ > kBundleBytesMax) {
      return Status::VerificationFailed("the bundle is larger than the format allows");
    }
  }
  return Status::OK();
}

Result<std::size_t> BundleLines::FindEol() {
  for (;;) {
    const void* lf = std::memchr(window_.data() + scanned_, '\n', end_ - scanned_);
    if (lf != nullptr) return static_cast<std::size_t>(static_cast<const char*>(lf) - window_.data());
    scanned_ = end_;
    if (end_ - begin_ > line_bytes_max_) return Overlong();
    PROBITY_RETURN_IF_ERROR(Fill(end_ - begin_ + 1));
    if (scanned_ == end_) return std::string_view::npos;  // the bundle ends without an LF
  }
}

Status BundleLines::Overlong() {
  for (;;) {
    begin_ = scanned_ = end_;  // nothing of this line is needed any more
    PROBITY_RETURN_IF_ERROR(Fill(1));
    if (begin_ == end_) return Fail("the bundle is cut short (no final newline)");
    if (std::memchr(window_.data() + begin_, '\n', end_ - begin_) != nullptr) {
      return Fail("line is longer than the format allows");
    }
  }
}

Result<std::string_view> BundleLines::Next(const char* expecting) {
  ++number_;
  PROBITY_RETURN_IF_ERROR(Fill(1));
  if (begin_ == end_) {
    return Fail(std::string("the bundle is cut short: expected ") + expecting);
  }
  PROBITY_ASSIGN_OR_RETURN(std::size_t eol, FindEol());
  if (eol == std::string_view::npos) return Fail("the bundle is cut short (no final newline)");
  const std::string_view line(window_.data() + begin_, eol - begin_);
  if (line.size() > line_bytes_max_) return Fail("line is longer than the format allows");
  if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos) {
    return Fail("line holds a carriage return or NUL byte");
  }
  begin_ = scanned_ = eol + 1;
  return line;
}

std::string_view BundleLines::Peek() {
  peek_error_ = Fill(kPeekBytes);
  if (!peek_error_.ok()) return {};
  const std::string_view start(window_.data() + begin_, std::min(end_ - begin_, kPeekBytes));
  return start.substr(0, start.find('\n'));
}

Result<bool> BundleLines::AtEnd() {
  PROBITY_RETURN_IF_ERROR(Fill(1));
  return begin_ == end_;
}

}  // namespace probity
