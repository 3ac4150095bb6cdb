// The single-pass reader behind ParseCanonical: it checks canonical form while
// it parses (docs/format.md §2), so stored bytes are read once, with no
// re-serialisation to compare against. It says only yes or no; ParseCanonical
// falls back to the checked parse for the message when it says no.
//
// What it accepts is exactly what Canonicalize writes:
//   value   = object / array / string / integer / true / false / null
//   object  = "{" [ string ":" value *( "," string ":" value ) ] "}"
//             with keys strictly increasing in UTF-16 code units (RFC 8785
//             §3.2.3), hence no duplicates
//   integer = "0" / [ "-" ] digit1-9 *digit, |n| <= 2^53 - 1 ("-0" is not)
//   string  = '"' *( UTF-8 scalar other than '"', '\' and U+0000..U+001F
//             / \" / \\ / \b / \f / \n / \r / \t
//             / \u00xx, lower-case hex, for the other controls ) '"'
//   no white space; at most kJsonDepthMax nested arrays and objects; at most
//   kCanonicalBytesMax bytes; nothing after the value.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "ledger/ascii.h"
#include "ledger/canonical_json.h"
#include "ledger/exact_reader.h"
#include "ledger/utf8.h"

namespace probity {
namespace {

constexpr int kIntegerDigitsMax = 16;  // 2^53 - 1 = 9007199254740991

// The first UTF-16 code unit of a scalar value, which decides the order of two
// different scalars: only U+E000..U+FFFF against a supplementary character
// differs from code point order (the supplementary's lead surrogate is lower).
std::uint32_t FirstUtf16Unit(std::uint32_t cp) {
  return cp < 0x10000 ? cp : 0xd800 + ((cp - 0x10000) >> 10);
}

// a < b in UTF-16 code units, for valid UTF-8 `a` and `b`. Where the bytes
// first differ, both strings are inside the same character position (the
// bytes before are equal), so comparing the two characters there decides.
bool Utf16Less(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i == a.size() || i == b.size()) return a.size() < b.size();
  std::size_t start = i;
  while (start > 0 && (static_cast<unsigned char>(a[start]) & 0xc0u) == 0x80u) --start;
  std::size_t pa = start, pb = start;
  std::uint32_t ca = 0, cb = 0;
  if (!DecodeUtf8(a, &pa, &ca) || !DecodeUtf8(b, &pb, &cb)) return false;  // not reached
  const std::uint32_t ua = FirstUtf16Unit(ca), ub = FirstUtf16Unit(cb);
  return ua != ub ? ua < ub : ca < cb;
}

class CanonicalReader : private ExactReader {
 public:
  explicit CanonicalReader(std::string_view bytes) : ExactReader(bytes) {}

  std::optional<Json> ReadAll() {
    Json value;
    if (!Value(0, &value) || pos_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  // `depth` counts the arrays and objects around the value.
  bool Value(int depth, Json* out) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth + 1 > kJsonDepthMax) return false;
      return c == '{' ? Object(depth + 1, out) : Array(depth + 1, out);
    }
    if (c == '"') {
      std::string s;
      if (!String(&s)) return false;
      *out = std::move(s);
      return true;
    }
    if (c == '-' || IsDigit(c)) return Integer(out);
    if (Word("true")) return *out = true, true;
    if (Word("false")) return *out = false, true;
    if (Word("null")) return *out = nullptr, true;
    return false;
  }

  // Typed as nlohmann types them: unsigned without a sign, signed with one.
  bool Integer(Json* out) {
    const bool negative = Next('-');
    if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return false;
    if (text_[pos_] == '0') {
      ++pos_;
      if (negative) return false;  // -0 is written 0
      *out = std::uint64_t{0};
      return pos_ >= text_.size() || !IsDigit(text_[pos_]);
    }
    std::uint64_t n = 0;
    int digits = 0;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) {
      if (++digits > kIntegerDigitsMax) return false;
      n = n * 10 + static_cast<std::uint64_t>(text_[pos_] - '0');
      ++pos_;
    }
    if (n > static_cast<std::uint64_t>(kJsonIntegerAbsMax)) return false;
    if (negative) {
      *out = -static_cast<std::int64_t>(n);
    } else {
      *out = n;
    }
    return true;
  }

  // One escape after the backslash at text_[pos_ - 1]: only those JCS writes.
  bool Escape(std::string* out) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_++];
    switch (c) {
      case '"': *out += '"'; return true;
      case '\\': *out += '\\'; return true;
      case 'b': *out += '\b'; return true;
      case 'f': *out += '\f'; return true;
      case 'n': *out += '\n'; return true;
      case 'r': *out += '\r'; return true;
      case 't': *out += '\t'; return true;
      case 'u': break;
      default: return false;
    }
    if (text_.size() - pos_ < 4 || text_[pos_] != '0' || text_[pos_ + 1] != '0') return false;
    const int high = LowerHexValue(text_[pos_ + 2]), low = LowerHexValue(text_[pos_ + 3]);
    if (high < 0 || low < 0) return false;
    const int code = high * 16 + low;
    if (code >= 0x20 || code == '\b' || code == '\f' || code == '\n' || code == '\r' ||
        code == '\t') {
      return false;  // written as itself or as a two-character escape
    }
    pos_ += 4;
    *out += static_cast<char>(code);
    return true;
  }

  bool String(std::string* out) {
    if (!Next('"')) return false;
    for (;;) {
      // The run of bytes copied as they are.
      const std::size_t run = pos_;
      while (pos_ < text_.size()) {
        const auto byte = static_cast<unsigned char>(text_[pos_]);
        if (byte < 0x20 || byte == '"' || byte == '\\') break;
        if (byte < 0x80) {
          ++pos_;
          continue;
        }
        std::uint32_t cp = 0;
        if (!DecodeUtf8(text_, &pos_, &cp)) return false;
      }
      out->append(text_.substr(run, pos_ - run));
      if (pos_ >= text_.size()) return false;
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\' || !Escape(out)) return false;  // a raw control character, or a bad escape
    }
  }

  bool Array(int depth, Json* out) {
    ++pos_;  // '['
    *out = Json::array();
    if (Next(']')) return true;
    auto& array = out->get_ref<Json::array_t&>();
    do {
      array.emplace_back();
      if (!Value(depth, &array.back())) return false;
    } while (Next(','));
    return Next(']');
  }

  bool Object(int depth, Json* out) {
    ++pos_;  // '{'
    *out = Json::object();
    if (Next('}')) return true;
    auto& object = out->get_ref<Json::object_t&>();
    std::string previous;
    bool first = true;
    do {
      std::string key;
      if (!String(&key)) return false;
      if (!first && !Utf16Less(previous, key)) return false;  // out of order or duplicate
      if (!Next(':')) return false;
      Json value;
      if (!Value(depth, &value)) return false;
      previous = key;
      first = false;
      // The map orders by bytes; for ASCII keys that is the order read, so the
      // hint is right and the insertion constant time.
      object.emplace_hint(object.end(), std::move(key), std::move(value));
    } while (Next(','));
    return Next('}');
  }
};

}  // namespace

std::optional<Json> ReadCanonicalExact(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > kCanonicalBytesMax) return std::nullopt;
  return CanonicalReader(bytes).ReadAll();
}

}  // namespace probity
