// Calendar dates (YYYY-MM-DD) and UTC timestamps (RFC 3339, "YYYY-MM-DDTHH:MM:SSZ").
// Strict parsers: exactly that shape, real calendar days (2026-02-30 is refused),
// years 1900..9999.
#ifndef PROBITY_LEDGER_DATE_H_
#define PROBITY_LEDGER_DATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace probity {

struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  auto operator<=>(const Date&) const = default;
};

Result<Date> ParseDate(std::string_view text);
std::string FormatDate(const Date& d);
std::int64_t DaysFromCivil(const Date& d);  // days since 1970-01-01
Date CivilFromDays(std::int64_t days);
Date AddDays(const Date& d, std::int64_t days);
bool IsValidDate(int year, int month, int day);

// Seconds since the Unix epoch, UTC.
Result<std::int64_t> ParseTimestamp(std::string_view text);  // only the 'Z' form, no fractions
std::string FormatTimestamp(std::int64_t unix_seconds);
std::int64_t NowUnixSeconds();
Date TodayUtc();

}  // namespace probity

#endif  // PROBITY_LEDGER_DATE_H_
