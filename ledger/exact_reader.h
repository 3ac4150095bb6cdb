// The steps the one-pass readers of canonical bytes share (canonical_read.cc,
// entry_facts.cc): a position in the bytes, moved only by an exact match.
// Internal to ledger/.
#ifndef PROBITY_LEDGER_EXACT_READER_H_
#define PROBITY_LEDGER_EXACT_READER_H_

#include <cstddef>
#include <string_view>

namespace probity {

// The value of a lower-case hex digit, or -1.
inline int LowerHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads `text_` from `pos_` on; the bytes must outlive it.
class ExactReader {
 protected:
  explicit ExactReader(std::string_view bytes) : text_(bytes) {}

  // Consumes `c` if it is next.
  bool Next(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  // Consumes `word` if it is next.
  bool Word(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_EXACT_READER_H_
