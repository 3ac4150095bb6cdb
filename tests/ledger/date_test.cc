#include "ledger/date.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace probity {
namespace {

template <typename T>
void ExpectRefused(const Result<T>& r, std::string_view text,
                   const std::vector<std::string>& parts) {
  ASSERT_FALSE(r.ok()) << "accepted \"" << text << "\"";
  EXPECT_TRUE(r.status().IsInvalidArgument());
  for (const std::string& part : parts) {
    EXPECT_NE(r.status().message().find(part), std::string::npos)
        << "message for \"" << text << "\" lacks \"" << part << "\": " << r.status().message();
  }
}

void ExpectDateRefused(std::string_view text, const std::vector<std::string>& parts) {
  ExpectRefused(ParseDate(text), text, parts);
}

void ExpectTimestampRefused(std::string_view text, const std::vector<std::string>& parts) {
  ExpectRefused(ParseTimestamp(text), text, parts);
}

TEST(DateParse, AcceptsRealDays) {
  Result<Date> d = ParseDate("2026-01-31");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Date{2026, 1, 31}));
  EXPECT_TRUE(ParseDate("2024-02-29").ok());  // leap year
  EXPECT_TRUE(ParseDate("2000-02-29").ok());  // divisible by 400
  EXPECT_TRUE(ParseDate("1900-01-01").ok());
  EXPECT_TRUE(ParseDate("9999-12-31").ok());
}

TEST(DateParse, RefusesDaysThatDoNotExist) {
  ExpectDateRefused("2026-02-30", {"\"2026-02-30\" does not exist", "2026-02 has days 01 to 28"});
  ExpectDateRefused("2025-02-29", {"does not exist", "01 to 28"});
  ExpectDateRefused("1900-02-29", {"does not exist"});  // divisible by 100, not by 400
  ExpectDateRefused("2026-04-31", {"01 to 30"});
  ExpectDateRefused("2026-01-00", {"does not exist"});
  ExpectDateRefused("2026-01-32", {"01 to 31"});
}

TEST(DateParse, RefusesMonthAndYearOutOfRange) {
  ExpectDateRefused("2026-13-01", {"\"2026-13-01\" has month 13", "01 to 12"});
  ExpectDateRefused("2026-00-01", {"has month 00"});
  ExpectDateRefused("1899-12-31", {"year 1899", "1900 to 9999"});
  ExpectDateRefused("0000-01-01", {"year 0"});
}

TEST(DateParse, RefusesOtherShapes) {
  const std::vector<std::string> form = {"YYYY-MM-DD", "like 2026-01-31"};
  for (const char* text : {"2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "20260101",
                           "2026-01-01x", "+2026-01-01", "2026-0a-01", "２026-01-01"}) {
    ExpectDateRefused(text, form);
  }
  ExpectDateRefused("", {"is empty", "YYYY-MM-DD"});
  ExpectDateRefused(" 2026-01-01", {"\" 2026-01-01\"", "white space"});
  ExpectDateRefused("2026-01-01 ", {"white space"});
  ExpectDateRefused("2026-01-01T00:00:00Z", {"is a timestamp", "write only the date: 2026-01-01"});
}

TEST(DateFormat, FormatsWithPadding) {
  EXPECT_EQ(FormatDate(Date{2026, 1, 5}), "2026-01-05");
  EXPECT_EQ(FormatDate(Date{1900, 12, 31}), "1900-12-31");
}

TEST(DateCivil, KnownDayNumbers) {
  EXPECT_EQ(DaysFromCivil(Date{1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil(Date{1970, 1, 2}), 1);
  EXPECT_EQ(DaysFromCivil(Date{1969, 12, 31}), -1);
  EXPECT_EQ(DaysFromCivil(Date{2000, 3, 1}), 11017);
  EXPECT_EQ(DaysFromCivil(Date{1900, 1, 1}), -25567);
  EXPECT_EQ(DaysFromCivil(Date{2026, 1, 1}), 20454);
  EXPECT_EQ(CivilFromDays(0), (Date{1970, 1, 1}));
  EXPECT_EQ(CivilFromDays(-1), (Date{1969, 12, 31}));
  EXPECT_EQ(CivilFromDays(11016), (Date{2000, 2, 29}));
}

TEST(DateCivil, RoundTripsEveryDayOfTheRange) {
  const std::int64_t first = DaysFromCivil(Date{1900, 1, 1});
  const std::int64_t last = DaysFromCivil(Date{9999, 12, 31});
  Date previous = CivilFromDays(first - 1);
  for (std::int64_t days = first; days <= last; ++days) {
    const Date d = CivilFromDays(days);
    ASSERT_TRUE(IsValidDate(d)) << days;
    ASSERT_EQ(DaysFromCivil(d), days);
    ASSERT_LT(previous, d);
    previous = d;
  }
}

TEST(DateCivil, AddMonthsKeepsTheDayOrTakesTheMonthsLast) {
  EXPECT_EQ(AddMonths(Date{2027, 2, 1}, 1), (Date{2027, 3, 1}));
  EXPECT_EQ(AddMonths(Date{2027, 1, 31}, 1), (Date{2027, 2, 28}));
  EXPECT_EQ(AddMonths(Date{2028, 1, 31}, 1), (Date{2028, 2, 29}));  // leap year
  EXPECT_EQ(AddMonths(Date{2100, 1, 31}, 1), (Date{2100, 2, 28}));  // not a leap year
  EXPECT_EQ(AddMonths(Date{2000, 1, 30}, 1), (Date{2000, 2, 29}));  // 400-year leap
  EXPECT_EQ(AddMonths(Date{2027, 3, 31}, 1), (Date{2027, 4, 30}));
  EXPECT_EQ(AddMonths(Date{2027, 12, 15}, 1), (Date{2028, 1, 15}));
  EXPECT_EQ(AddMonths(Date{2027, 11, 30}, 3), (Date{2028, 2, 29}));
  EXPECT_EQ(AddMonths(Date{2027, 5, 31}, -3), (Date{2027, 2, 28}));
  EXPECT_EQ(AddMonths(Date{2027, 1, 15}, -1), (Date{2026, 12, 15}));
  EXPECT_EQ(AddMonths(Date{2024, 2, 29}, 12), (Date{2025, 2, 28}));
  EXPECT_EQ(AddMonths(Date{2024, 2, 29}, 48), (Date{2028, 2, 29}));
  EXPECT_EQ(AddMonths(Date{2027, 6, 10}, 0), (Date{2027, 6, 10}));
  // Against a naive count: month by month, clamping each time from the start day.
  for (int start_day = 1; start_day <= 31; ++start_day) {
    for (int m = -30; m <= 30; ++m) {
      const Date d{2020, 1, start_day};
      const Date r = AddMonths(d, m);
      int y = 2020, mo = 1 + m;
      while (mo > 12) { mo -= 12; ++y; }
      while (mo < 1) { mo += 12; --y; }
      EXPECT_EQ(r, (Date{y, mo, std::min(start_day, DaysInMonth(y, mo))})) << start_day << " " << m;
    }
  }
}

TEST(DatePeriod, ParsesCountAndUnit) {
  EXPECT_EQ(*ParsePeriod("90d"), (Period{90, Period::Unit::kDays}));
  EXPECT_EQ(*ParsePeriod("18m"), (Period{18, Period::Unit::kMonths}));
  EXPECT_EQ(*ParsePeriod("3y"), (Period{3, Period::Unit::kYears}));
  EXPECT_EQ(*ParsePeriod("36600d"), (Period{36600, Period::Unit::kDays}));
  EXPECT_EQ(*ParsePeriod("100y"), (Period{100, Period::Unit::kYears}));
  for (const char* bad : {"", "y", "0y", "03y", "-3y", "3Y", "3 y", "3", "3w", "101y", "1201m",
                          "36601d", "9999999y", "3yy", "1.5y"}) {
    EXPECT_FALSE(ParsePeriod(bad).ok()) << bad;
  }
  for (const char* text : {"1d", "90d", "18m", "3y", "100y"}) {
    EXPECT_EQ(FormatPeriod(*ParsePeriod(text)), text);
  }
}

TEST(DatePeriod, AddsDaysMonthsAndYears) {
  EXPECT_EQ(AddPeriod(Date{2027, 1, 31}, Period{1, Period::Unit::kMonths}), (Date{2027, 2, 28}));
  EXPECT_EQ(AddPeriod(Date{2024, 2, 29}, Period{1, Period::Unit::kYears}), (Date{2025, 2, 28}));
  EXPECT_EQ(AddPeriod(Date{2027, 12, 31}, Period{1, Period::Unit::kDays}), (Date{2028, 1, 1}));
}

TEST(DateCivil, AddDays) {
  EXPECT_EQ(AddDays(Date{2024, 2, 28}, 1), (Date{2024, 2, 29}));
  EXPECT_EQ(AddDays(Date{2025, 2, 28}, 1), (Date{2025, 3, 1}));
  EXPECT_EQ(AddDays(Date{2026, 1, 1}, -1), (Date{2025, 12, 31}));
  EXPECT_EQ(AddDays(Date{2026, 1, 31}, 365), (Date{2027, 1, 31}));
  EXPECT_FALSE(IsValidDate(AddDays(Date{9999, 12, 31}, 1)));  // the caller's check
}

TEST(DateCivil, IsValidDate) {
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 0, 1));
  EXPECT_FALSE(IsValidDate(2023, 13, 1));
  EXPECT_FALSE(IsValidDate(1899, 12, 31));
  EXPECT_FALSE(IsValidDate(10000, 1, 1));
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_EQ(DaysInMonth(2400, 2), 29);
}

TEST(Timestamp, ParsesAndFormats) {
  Result<std::int64_t> t = ParseTimestamp("2026-01-31T14:05:09Z");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, 1769868309);
  EXPECT_EQ(FormatTimestamp(*t), "2026-01-31T14:05:09Z");
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestamp("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(*ParseTimestamp("9999-12-31T23:59:59Z"), 253402300799);
  EXPECT_EQ(FormatTimestamp(253402300799), "9999-12-31T23:59:59Z");
}

TEST(Timestamp, RoundTripsAcrossTheRange) {
  for (std::int64_t t = -2208988800; t < 253402300799; t += 987654321) {
    const std::string text = FormatTimestamp(t);
    Result<std::int64_t> back = ParseTimestamp(text);
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(*back, t) << text;
  }
}

TEST(Timestamp, RefusesCaseAndZoneVariants) {
  ExpectTimestampRefused("2026-01-31t14:05:09Z", {"lower-case 't'", "YYYY-MM-DDTHH:MM:SSZ"});
  ExpectTimestampRefused("2026-01-31T14:05:09z", {"lower-case 'z'"});
  ExpectTimestampRefused("2026-01-31T14:05:09+01:00", {"UTC offset", "'Z'"});
  ExpectTimestampRefused("2026-01-31T14:05:09-00:00", {"UTC offset"});
  ExpectTimestampRefused("2026-01-31T14:05:09", {"no 'Z' at the end"});
  ExpectTimestampRefused("2026-01-31T14:05:09ZZ", {"after the 'Z'"});
  ExpectTimestampRefused("2026-01-31 14:05:09Z", {"'T' between date and time"});
}

TEST(Timestamp, RefusesFractionsAndOutOfRangeClock) {
  ExpectTimestampRefused("2026-01-31T14:05:09.5Z", {"fractions of a second"});
  ExpectTimestampRefused("2026-01-31T14:05:09.000Z", {"fractions"});
  ExpectTimestampRefused("2026-01-31T24:00:00Z", {"hour 24", "00 to 23", "next day"});
  ExpectTimestampRefused("2016-12-31T23:59:60Z", {"leap second", "write :59"});
  ExpectTimestampRefused("2026-01-31T14:60:00Z", {"minute 60"});
  ExpectTimestampRefused("2026-01-31T14:05:61Z", {"second 61"});
}

TEST(Timestamp, RefusesBadDatesAndShapes) {
  ExpectTimestampRefused("2026-02-30T00:00:00Z", {"\"2026-02-30T00:00:00Z\"", "does not exist"});
  ExpectTimestampRefused("2026-1-31T14:05:09Z", {"does not start with a date"});
  ExpectTimestampRefused("2026-01-31", {"no time of day"});
  ExpectTimestampRefused("2026-01-31T14:05Z", {"HH:MM:SS"});
  ExpectTimestampRefused("2026-01-31T1:05:09Z", {"HH:MM:SS"});
  ExpectTimestampRefused("", {"is empty", "YYYY-MM-DDTHH:MM:SSZ"});
  ExpectTimestampRefused(" 2026-01-31T14:05:09Z", {"white space"});
  ExpectTimestampRefused("2026-01-31T14:05:09Z ", {"white space"});
  ExpectTimestampRefused("1899-12-31T23:59:59Z", {"year 1899"});
}

TEST(Clock, NowIsPlausible) {
  const std::int64_t now = NowUnixSeconds();
  EXPECT_GT(now, *ParseTimestamp("2024-01-01T00:00:00Z"));
  EXPECT_LT(now, *ParseTimestamp("2200-01-01T00:00:00Z"));
  const Date today = TodayUtc();
  EXPECT_TRUE(IsValidDate(today));
  // TodayUtc and NowUnixSeconds agree unless midnight falls between the calls.
  const std::int64_t today_start = DaysFromCivil(today) * 86400;
  EXPECT_LE(today_start, NowUnixSeconds());
  EXPECT_GT(today_start + 2 * 86400, now);
}

}  // namespace
}  // namespace probity
