// The value syntax of .fec files (format 8.x): text as printable ASCII cut to
// the schema's length, amounts with two decimals, dates YYYYMMDD. Amounts are
// integer minor units (cents) in and out; nothing passes through floating
// point.
#ifndef PROBITY_REPORTS_FEC_TEXT_H_
#define PROBITY_REPORTS_FEC_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/date.h"
#include "ledger/status.h"

namespace probity::fec {

constexpr char kFieldSeparator = '\x1c';

// UTF-8 text as printable ASCII (0x20..0x7E), at most `chars_max` characters:
// Latin letters lose their accents (e -> e, AE ligature -> AE, sharp s -> ss),
// typographic quotes and dashes become ' " -, control characters (and the
// field separator) become a space, anything else (and invalid UTF-8) '?'.
std::string ToFecText(std::string_view utf8, std::size_t chars_max);

// "1234.56", "-5.00": cents with two decimals.
std::string FormatAmount(std::int64_t cents);
// "20260401".
std::string FormatFecDate(const Date& d);

// Inverse of FormatAmount, also "12", "12.5" (as filers write them). Refuses
// anything else, and magnitudes over 999,999,999.99 (the schema's bound).
Result<std::int64_t> ParseAmount(std::string_view text);
Result<Date> ParseFecDate(std::string_view text);

}  // namespace probity::fec

#endif  // PROBITY_REPORTS_FEC_TEXT_H_
