#include "reports/fec_text.h"

#include <array>

#include "ledger/assert.h"
#include "ledger/money.h"

namespace probity::fec {
namespace {

constexpr std::int64_t kAmountCentsMax = 99999999999;  // 999,999,999.99 (F3/SchA schemas)

// U+00C0..U+00FF without their accents; "" for the two that have no letter.
constexpr std::array<const char*, 64> kLatin1Letters = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F (Latin Extended-A): the base letter of each (its Unicode
// decomposition without the accent; the ligatures are handled before).
constexpr std::string_view kLatinExtA =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlL"
    "lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

// One code point as ASCII.
std::string Transliterate(std::uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return " ";
  if (cp < 0x7F) return std::string(1, static_cast<char>(cp));
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1Letters[cp - 0xC0];
  if (cp == 0x132 || cp == 0x133) return cp == 0x132 ? "IJ" : "ij";
  if (cp == 0x152 || cp == 0x153) return cp == 0x152 ? "OE" : "oe";
  if (cp >= 0x100 && cp < 0x100 + kLatinExtA.size()) return std::string(1, kLatinExtA[cp - 0x100]);
  switch (cp) {
    case 0xA0: return " ";                           // no-break space
    case 0x2018: case 0x2019: case 0x201A: return "'";
    case 0x201C: case 0x201D: case 0x201E: return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: return "-";
    case 0x2026: return "...";
    default: return "?";
  }
}

// Decodes one UTF-8 sequence at `i`; sets `len`. Invalid input: U+FFFD, len 1.
std::uint32_t DecodeUtf8(std::string_view s, std::size_t i, std::size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  *len = 1;
  if (n == 0 || i + n > s.size()) return 0xFFFD;
  std::uint32_t cp = n == 1 ? b0 : b0 & (0xFFu >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  *len = n;
  return cp;
}

}  // namespace

std::string ToFecText(std::string_view utf8, std::size_t chars_max) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size() && out.size() < chars_max;) {
    std::size_t len = 1;
    const std::uint32_t cp = DecodeUtf8(utf8, i, &len);
    out += Transliterate(cp);
    i += len;
  }
  if (out.size() > chars_max) out.resize(chars_max);
  PROBITY_ASSERT(out.size() <= chars_max);
  return out;
}

std::string FormatAmount(std::int64_t cents) {
  const bool negative = cents < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  std::string frac = std::to_string(magnitude % 100);
  if (frac.size() < 2) frac.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + frac;
}

std::string FormatFecDate(const Date& d) {
  std::string iso = FormatDate(d);  // YYYY-MM-DD
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
}

Result<std::int64_t> ParseAmount(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  Result<Money> money = ParseMoney(text, "USD", Sign::kNonNegative);
  if (!money.ok()) {
    return Status::InvalidArgument("amount " + QuoteForMessage(text) + ": " +
                                   money.status().message());
  }
  const std::int64_t cents = money->amount_minor_i64();
  if (cents > kAmountCentsMax) {
    return Status::InvalidArgument("amount " + QuoteForMessage(text) +
                                   " is over 999,999,999.99");
  }
  return negative ? -cents : cents;
}

Result<Date> ParseFecDate(std::string_view text) {
  bool digits = text.size() == 8;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    return Status::InvalidArgument("date " + QuoteForMessage(text) + " is not YYYYMMDD");
  }
  std::string iso = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" +
                    std::string(text.substr(6, 2));
  return ParseDate(iso);
}

}  // namespace probity::fec
