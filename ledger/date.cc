#include "ledger/date.h"

#include <ctime>

#include "ledger/ascii.h"

namespace probity {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr const char* kDateForm = "write it as YYYY-MM-DD, like 2026-01-31";
constexpr const char* kTimestampForm =
    "write it as YYYY-MM-DDTHH:MM:SSZ, like 2026-01-31T14:05:00Z";
constexpr std::size_t kDateBytes = 10;       // YYYY-MM-DD
constexpr std::size_t kTimestampBytes = 20;  // YYYY-MM-DDTHH:MM:SSZ

// Value of the decimal digits text[pos, pos + count); the caller has checked they are digits.
int DigitsValue(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// Zero-padded decimal, for the fixed-width fields of dates and times.
std::string Padded(std::int64_t value, std::size_t width) {
  PROBITY_ASSERT(value >= 0);
  std::string digits = std::to_string(value);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

// True if text matches a pattern where 'D' stands for any digit and every
// other pattern byte must match exactly.
bool MatchesShape(std::string_view text, std::string_view pattern) {
  if (text.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (pattern[i] == 'D' ? !IsDigit(text[i]) : text[i] != pattern[i]) return false;
  }
  return true;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Floor division, so times before 1970 land on the right day.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  PROBITY_ASSERT(b > 0);
  return a / b - (a % b < 0 ? 1 : 0);
}

Status DateError(std::string_view text, const std::string& what) {
  return Status::InvalidArgument("date " + QuoteForMessage(text) + " " + what);
}

// Explains a text that is not ten characters of the right shape.
Status DateShapeError(std::string_view text) {
  if (text.empty()) return DateError(text, std::string("is empty; ") + kDateForm);
  if (IsBlank(text.front()) || IsBlank(text.back())) {
    return DateError(text, std::string("has white space around it; ") + kDateForm);
  }
  if (text.size() > kDateBytes && MatchesShape(text.substr(0, kDateBytes), "DDDD-DD-DD") &&
      (text[kDateBytes] == 'T' || text[kDateBytes] == 't' || text[kDateBytes] == ' ')) {
    return DateError(text, "is a timestamp, not a date; write only the date: " +
                               std::string(text.substr(0, kDateBytes)));
  }
  return DateError(text, std::string("is not in the form YYYY-MM-DD; ") + kDateForm);
}

Status CheckCalendar(std::string_view text, const Date& d) {
  if (d.year < kDateYearMin || d.year > kDateYearMax) {
    return DateError(text, "has year " + std::to_string(d.year) + "; years " +
                               std::to_string(kDateYearMin) + " to " +
                               std::to_string(kDateYearMax) + " are accepted");
  }
  if (d.month < 1 || d.month > 12) {
    return DateError(text, "has month " + Padded(d.month, 2) + "; months are 01 to 12");
  }
  const int days = DaysInMonth(d.year, d.month);
  if (d.day < 1 || d.day > days) {
    return DateError(text, "does not exist: " + std::string(text.substr(0, 7)) +
                               " has days 01 to " + std::to_string(days));
  }
  return Status::OK();
}

Status TimestampError(std::string_view text, const std::string& what) {
  return Status::InvalidArgument("timestamp " + QuoteForMessage(text) + " " + what + "; " +
                                 kTimestampForm);
}

// Explains what follows the date when it is not "THH:MM:SSZ".
Status TimestampShapeError(std::string_view text) {
  if (text.size() == kDateBytes) return TimestampError(text, "has no time of day");
  const char separator = text[kDateBytes];
  if (separator == 't') return TimestampError(text, "has a lower-case 't'");
  if (separator != 'T') return TimestampError(text, "does not have 'T' between date and time");
  if (!MatchesShape(text.substr(kDateBytes, 9), "TDD:DD:DD")) {
    return TimestampError(text, "does not have the time as HH:MM:SS");
  }
  if (text.size() == kTimestampBytes - 1) return TimestampError(text, "has no 'Z' at the end");
  const char zone = text[kTimestampBytes - 1];
  if (zone == 'z') return TimestampError(text, "has a lower-case 'z'");
  if (zone == '.' || zone == ',') {
    return TimestampError(text, "has fractions of a second, which are not accepted");
  }
  if (zone == '+' || zone == '-') {
    return TimestampError(text, "has a UTC offset; only UTC, written 'Z', is accepted");
  }
  if (zone == 'Z') return TimestampError(text, "has characters after the 'Z'");
  return TimestampError(text, "does not end in 'Z'");
}

// Seconds into the day from "HH:MM:SS" at text[11..19).
Result<std::int64_t> ParseClock(std::string_view text) {
  const int hour = DigitsValue(text, 11, 2);
  const int minute = DigitsValue(text, 14, 2);
  const int second = DigitsValue(text, 17, 2);
  if (hour > 23) {
    return TimestampError(text, "has hour " + Padded(hour, 2) +
                                    "; hours are 00 to 23 (write 24:00:00 as 00:00:00 of the "
                                    "next day)");
  }
  if (minute > 59) return TimestampError(text, "has minute " + Padded(minute, 2) + " (00 to 59)");
  if (second == 60) {
    return TimestampError(text, "is a leap second, which Unix time cannot represent (write :59)");
  }
  if (second > 59) return TimestampError(text, "has second " + Padded(second, 2) + " (00 to 59)");
  return std::int64_t{hour} * 3600 + minute * 60 + second;
}

}  // namespace

int DaysInMonth(int year, int month) {
  PROBITY_ASSERT(month >= 1);
  PROBITY_ASSERT(month <= 12);
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool IsValidDate(int year, int month, int day) {
  if (year < kDateYearMin || year > kDateYearMax) return false;
  if (month < 1 || month > 12) return false;
  return day >= 1 && day <= DaysInMonth(year, month);
}

bool IsValidDate(const Date& d) { return IsValidDate(d.year, d.month, d.day); }

Result<Date> ParseDate(std::string_view text) {
  if (!MatchesShape(text, "DDDD-DD-DD")) return DateShapeError(text);
  const Date d{DigitsValue(text, 0, 4), DigitsValue(text, 5, 2), DigitsValue(text, 8, 2)};
  PROBITY_RETURN_IF_ERROR(CheckCalendar(text, d));
  PROBITY_ASSERT(IsValidDate(d));
  return d;
}

std::string FormatDate(const Date& d) {
  PROBITY_ASSERT(IsValidDate(d));
  return Padded(d.year, 4) + "-" + Padded(d.month, 2) + "-" + Padded(d.day, 2);
}

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil:
// integer only, exact for the proleptic Gregorian calendar. Eras are 400-year
// cycles starting on March 1 so the leap day falls at the end of a year.
std::int64_t DaysFromCivil(const Date& d) {
  PROBITY_ASSERT(IsValidDate(d));
  const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                           // [0, 399]
  const std::int64_t mp = d.month > 2 ? d.month - 3 : d.month + 9;  // [0, 11]
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;          // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;   // [0, 146096]
  return era * 146097 + doe - 719468;
}

// Hinnant's civil_from_days, the inverse of the above.
Date CivilFromDays(std::int64_t days) {
  PROBITY_ASSERT(days <= kCivilDaysAbsMax);
  PROBITY_ASSERT(days >= -kCivilDaysAbsMax);
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;                           // [1, 31]
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;                            // [1, 12]
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return Date{static_cast<int>(year), static_cast<int>(month), static_cast<int>(day)};
}

Date AddDays(const Date& d, std::int64_t days) {
  PROBITY_ASSERT(days <= kCivilDaysAbsMax);
  PROBITY_ASSERT(days >= -kCivilDaysAbsMax);
  return CivilFromDays(DaysFromCivil(d) + days);
}

Date AddMonths(const Date& d, std::int64_t months) {
  PROBITY_ASSERT(months <= 12 * 100000);
  PROBITY_ASSERT(months >= -12 * 100000);
  const std::int64_t index = std::int64_t{d.year} * 12 + (d.month - 1) + months;
  const std::int64_t year = index >= 0 ? index / 12 : -((-index + 11) / 12);
  Date out;
  out.year = static_cast<int>(year);
  out.month = static_cast<int>(index - year * 12) + 1;
  const int last = out.year >= 1 ? DaysInMonth(out.year, out.month) : 28;
  out.day = d.day < last ? d.day : last;
  return out;
}

Result<Period> ParsePeriod(std::string_view text) {
  const auto bad = [&] {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a period; write a count and a unit: 90d (days, up "
                                   "to 36600), 18m (months, up to 1200) or 3y (years, up to 100)");
  };
  if (text.size() < 2 || text.size() > 6 || text[0] < '1' || text[0] > '9') return bad();
  Period p;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return bad();
    p.count = p.count * 10 + (text[i] - '0');
  }
  std::int64_t max = 0;
  switch (text.back()) {
    case 'd': p.unit = Period::Unit::kDays; max = 36600; break;
    case 'm': p.unit = Period::Unit::kMonths; max = 1200; break;
    case 'y': p.unit = Period::Unit::kYears; max = 100; break;
    default: return bad();
  }
  if (p.count > max) return bad();
  return p;
}

std::string FormatPeriod(const Period& p) {
  const char unit = p.unit == Period::Unit::kDays ? 'd' : p.unit == Period::Unit::kMonths ? 'm' : 'y';
  return std::to_string(p.count) + unit;
}

Date AddPeriod(const Date& d, const Period& p) {
  switch (p.unit) {
    case Period::Unit::kDays: return AddDays(d, p.count);
    case Period::Unit::kMonths: return AddMonths(d, p.count);
    case Period::Unit::kYears: return AddMonths(d, p.count * 12);
  }
  PROBITY_ASSERT(false);
  return d;
}

Result<std::int64_t> ParseTimestamp(std::string_view text) {
  if (text.empty()) return TimestampError(text, "is empty");
  if (IsBlank(text.front()) || IsBlank(text.back())) {
    return TimestampError(text, "has white space around it");
  }
  if (text.size() < kDateBytes || !MatchesShape(text.substr(0, kDateBytes), "DDDD-DD-DD")) {
    return TimestampError(text, "does not start with a date YYYY-MM-DD");
  }
  // The date part goes through ParseDate so calendar mistakes read the same.
  Result<Date> date = ParseDate(text.substr(0, kDateBytes));
  if (!date.ok()) return date.status().WithContext("timestamp " + QuoteForMessage(text));
  if (!MatchesShape(text, "DDDD-DD-DDTDD:DD:DDZ")) return TimestampShapeError(text);
  PROBITY_ASSIGN_OR_RETURN(const std::int64_t seconds_of_day, ParseClock(text));
  return DaysFromCivil(*date) * kSecondsPerDay + seconds_of_day;
}

std::string FormatTimestamp(std::int64_t unix_seconds) {
  const std::int64_t days = FloorDiv(unix_seconds, kSecondsPerDay);
  const std::int64_t seconds_of_day = unix_seconds - days * kSecondsPerDay;
  PROBITY_ASSERT(days <= kCivilDaysAbsMax);
  PROBITY_ASSERT(days >= -kCivilDaysAbsMax);
  const Date d = CivilFromDays(days);
  return FormatDate(d) + "T" + Padded(seconds_of_day / 3600, 2) + ":" +
         Padded(seconds_of_day / 60 % 60, 2) + ":" + Padded(seconds_of_day % 60, 2) + "Z";
}

std::int64_t NowUnixSeconds() {
  timespec now{};
  const int rc = clock_gettime(CLOCK_REALTIME, &now);
  PROBITY_ASSERT(rc == 0);
  return static_cast<std::int64_t>(now.tv_sec);
}

Date TodayUtc() { return CivilFromDays(FloorDiv(NowUnixSeconds(), kSecondsPerDay)); }

}  // namespace probity
