// Calendar dates (YYYY-MM-DD) and UTC timestamps (RFC 3339, "YYYY-MM-DDTHH:MM:SSZ").
// Strict parsers: exactly that shape, real calendar days (2026-02-30 is refused),
// years 1900..9999. Timestamps refuse lower-case 't'/'z', offsets, fractions,
// 24:00:00 and leap seconds (second 60): Unix time has no slot for a leap second,
// so accepting one would make two texts mean the same instant.
#ifndef PROBITY_LEDGER_DATE_H_
#define PROBITY_LEDGER_DATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace probity {

constexpr int kDateYearMin = 1900;
constexpr int kDateYearMax = 9999;
// Bound on day counts given to CivilFromDays, so year arithmetic stays in an int.
constexpr std::int64_t kCivilDaysAbsMax = 100'000'000;  // about 273,000 years

struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  auto operator<=>(const Date&) const = default;
};

Result<Date> ParseDate(std::string_view text);
std::string FormatDate(const Date& d);      // asserts IsValidDate
std::int64_t DaysFromCivil(const Date& d);  // days since 1970-01-01; asserts IsValidDate
// Any day count within +-kCivilDaysAbsMax (asserted); the result may lie outside
// kDateYearMin..kDateYearMax, so check IsValidDate before formatting it.
Date CivilFromDays(std::int64_t days);
Date AddDays(const Date& d, std::int64_t days);  // same caveat as CivilFromDays
// The same day `months` later (or earlier, when negative); when that month is
// shorter, its last day: 2027-01-31 + 1 month = 2027-02-28, 2028-01-31 + 1 =
// 2028-02-29. This is how EU law counts a period in months (Regulation (EEC,
// Euratom) No 1182/71, art. 3(2)(c)), so GDPR Art. 12(3) deadlines use it. The
// result may lie outside kDateYearMin..kDateYearMax (check IsValidDate);
// |months| <= 12 * 100000 (asserted).
Date AddMonths(const Date& d, std::int64_t months);
// A real calendar day (Gregorian, proleptic) with the year in kDateYearMin..kDateYearMax.
bool IsValidDate(int year, int month, int day);
bool IsValidDate(const Date& d);
int DaysInMonth(int year, int month);  // month 1..12 (asserted)

// A retention or deadline period as people write it: "90d", "18m", "3y" (a
// count of 1..36600 days, 1..1200 months or 1..100 years; no sign, no leading
// zero, lower-case unit).
struct Period {
  enum class Unit { kDays, kMonths, kYears };
  std::int64_t count = 0;
  Unit unit = Unit::kDays;
  bool operator==(const Period&) const = default;
};
Result<Period> ParsePeriod(std::string_view text);
std::string FormatPeriod(const Period& p);  // the canonical text ParsePeriod reads
// d + p, counting months and years with AddMonths (2024-02-29 + 1y = 2025-02-28).
// The result may lie outside kDateYearMin..kDateYearMax (check IsValidDate).
Date AddPeriod(const Date& d, const Period& p);

// Seconds since the Unix epoch, UTC.
Result<std::int64_t> ParseTimestamp(std::string_view text);  // only the 'Z' form, no fractions
std::string FormatTimestamp(std::int64_t unix_seconds);
std::int64_t NowUnixSeconds();
Date TodayUtc();

}  // namespace probity

#endif  // PROBITY_LEDGER_DATE_H_
