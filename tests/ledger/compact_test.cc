// The replays' compact forms: a string table's ids name exactly the strings
// interned (through rehashing, which must not move them), and packed dates
// order as their YYYY-MM-DD texts do, which the ledger replay compared
// before it kept packed dates.
#include "ledger/compact.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace probity {
namespace {

TEST(StringTableTest, IdsAreDenseAndNameTheirStrings) {
  StringTable t;
  EXPECT_EQ(t.Find("EUR"), StringTable::kNone);
  EXPECT_EQ(t.Intern("EUR"), 0u);
  EXPECT_EQ(t.Intern("USD"), 1u);
  EXPECT_EQ(t.Intern("EUR"), 0u);
  EXPECT_EQ(t.Intern(""), 2u);  // the empty string is a string like another
  EXPECT_EQ(t.Find("USD"), 1u);
  EXPECT_EQ(t.Find("usd"), StringTable::kNone);
  EXPECT_EQ(t.Find(std::string("EUR\0", 4)), StringTable::kNone);
  EXPECT_EQ(t.Text(1), "USD");
  EXPECT_EQ(t.size(), 3u);
}

// Many strings, short (kept inside std::string) and long (on the heap): the
// hash table rehashes many times; every id still finds its string and back.
TEST(StringTableTest, ManyStringsSurviveRehashing) {
  StringTable t;
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    texts.push_back(i % 2 == 0 ? "S-" + std::to_string(i)
                               : std::string(40, 'x') + std::to_string(i));
    ASSERT_EQ(t.Intern(texts.back()), static_cast<StringTable::Id>(i));
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(t.Find(texts[i]), i);
    ASSERT_EQ(t.Text(static_cast<StringTable::Id>(i)), texts[i]);
  }
  EXPECT_EQ(t.size(), texts.size());
}

TEST(PackedDateTest, RoundTripsAndOrdersAsTheText) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> day(DaysFromCivil(Date{kDateYearMin, 1, 1}),
                                                  DaysFromCivil(Date{kDateYearMax, 12, 31}));
  std::vector<Date> dates = {{kDateYearMin, 1, 1}, {kDateYearMax, 12, 31}, {2024, 2, 29},
                             {2026, 12, 31},       {2027, 1, 1},           {2026, 9, 30},
                             {2026, 10, 1}};
  for (int i = 0; i < 2000; ++i) dates.push_back(CivilFromDays(day(rng)));
  for (std::size_t i = 0; i < 200; ++i) {  // neighbours, across months and years
    const Date next = AddDays(dates[i], static_cast<std::int64_t>(i % 3) - 1);
    if (IsValidDate(next)) dates.push_back(next);
  }
  for (const Date& a : dates) {
    ASSERT_EQ(UnpackDate(PackDate(a)), a);
    ASSERT_EQ(PackDateText(FormatDate(a)), PackDate(a));
    ASSERT_GT(PackDate(a), 0);  // 0 stays free for "no date"
  }
  for (std::size_t i = 0; i + 1 < dates.size(); ++i) {
    const Date& a = dates[i];
    const Date& b = dates[i + 1];
    ASSERT_EQ(PackDate(a) < PackDate(b), FormatDate(a) < FormatDate(b))
        << FormatDate(a) << " " << FormatDate(b);
    ASSERT_EQ(PackDate(a) == PackDate(b), a == b);
  }
}

}  // namespace
}  // namespace probity
