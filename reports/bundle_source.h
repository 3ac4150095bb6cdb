// Where an audit bundle's bytes come from, and the strict line reader over
// them that reads a window at a time (docs/format.md 17.1: lines ended by
// LF, no CR, no NUL, at most kBundleLineBytesMax bytes each, at most
// kBundleBytesMax in all; the limits are in reports/bundle.h). The verifier reads a bundle twice, from two
// offsets (reports/bundle.cc): its memory is the window, whatever the
// bundle's size. Internal to reports/.
#ifndef PROBITY_REPORTS_BUNDLE_SOURCE_H_
#define PROBITY_REPORTS_BUNDLE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/files.h"
#include "ledger/status.h"
#include "reports/bundle.h"

namespace probity {

// Random-access reads of a bundle. A read may return fewer bytes than asked
// (a file that is being written, a test's short reads); 0 means the end.
class BundleSource {
 public:
  virtual ~BundleSource() = default;
  [[nodiscard]] virtual Result<std::size_t> ReadAt(std::uint64_t offset, char* out,
                                                   std::size_t bytes) = 0;
};

// A bundle already in memory (a sealed bundle once opened, the tests). The
// text must outlive the source.
class TextBundleSource : public BundleSource {
 public:
  explicit TextBundleSource(std::string_view text) : text_(text) {}
  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t bytes) override;

 private:
  std::string_view text_;
};

// A regular file, read with pread: it is never held whole.
class FileBundleSource : public BundleSource {
 public:
  explicit FileBundleSource(const ReadOnlyFile& file) : file_(file) {}
  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t bytes) override {
    return file_.ReadAt(offset, out, bytes);
  }

 private:
  const ReadOnlyFile& file_;
};

// Reads lines from `offset` on, keeping at most one window of the bundle
// (1 MiB plus one line) in memory; the window is wiped when the
// reader goes, since a bundle holds personal data in clear. A line returned
// by Next stays valid until the next call to Next, Peek or AtEnd. Errors are
// VerificationFailed naming the line ("bundle line N: ..."), counted from
// `first_line`. Not thread safe.
struct BundleLinesLimits {
  std::size_t window_bytes = std::size_t{1} << 20;  // read at once, beyond the line being read
  std::size_t line_bytes_max = kBundleLineBytesMax;
};

class BundleLines {
 public:

  // `limits` smaller than the format's: for tests of the window's edges.
  BundleLines(BundleSource& source, std::uint64_t offset, std::int64_t first_line,
              BundleLinesLimits limits = BundleLinesLimits());
  ~BundleLines();
  BundleLines(const BundleLines&) = delete;
  BundleLines& operator=(const BundleLines&) = delete;

  // The next line without its LF; `expecting` names what the format wants
  // there, for the message when the bundle ends first.
  [[nodiscard]] Result<std::string_view> Next(const char* expecting);
  // The start of the next line without consuming it: at least its first
  // kPeekBytes bytes, fewer only if the line or the bundle ends first; ""
  // at the end, or on a read error, which Fail then returns instead of its
  // own message (an I/O error is not a malformed bundle).
  std::string_view Peek();
  // True if nothing follows the last line read.
  [[nodiscard]] Result<bool> AtEnd();
  // The offset in the bundle of the next line, and its number.
  std::uint64_t offset() const { return window_offset_ + begin_; }
  std::int64_t line_number() const { return number_ + 1; }
  Status Fail(const std::string& why) const;

  static constexpr std::size_t kPeekBytes = 16;

 private:
  // Reads until `bytes` bytes follow begin_ in the window, or the bundle ends.
  [[nodiscard]] Status Fill(std::size_t bytes);
  // Reads until the window holds an LF at or after begin_: its index, or npos
  // if the bundle ends first or the line is longer than the format allows.
  [[nodiscard]] Result<std::size_t> FindEol();
  // For a line longer than the format allows: reads on to its LF, so that
  // the message is the one the whole-text reader gave (cut short if none).
  Status Overlong();

  BundleSource& source_;
  const std::size_t line_bytes_max_;
  std::string window_;             // bytes [window_offset_, window_offset_ + end_)
  std::uint64_t window_offset_;    // offset in the bundle of window_[0]
  std::size_t begin_ = 0;          // the next line starts here
  std::size_t end_ = 0;            // bytes read so far
  std::size_t scanned_ = 0;        // no LF in [begin_, scanned_)
  bool eof_ = false;               // the source has no more bytes
  Status peek_error_;              // of the last Peek
  std::int64_t number_;            // of the last line returned
};

}  // namespace probity

#endif  // PROBITY_REPORTS_BUNDLE_SOURCE_H_
