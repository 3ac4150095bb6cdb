// RetentionRunsFrom / RetentionEndDate: retention_days whole days after the
// latest of the gift's date, its scope's end and its last refund.
#include "policies/retention.h"

#include <gtest/gtest.h>

#include <optional>

namespace probity {
namespace {

Date Ymd(const char* text) { return ParseDate(text).value(); }

Pack PackKeeping(std::int64_t days) {
  Pack p;
  p.id = "test";
  p.retention_days = days;
  return p;
}

ScopeInfo ScopeEnding(const char* until) {
  ScopeInfo s;
  s.id = "s";
  s.valid_from = Ymd("2026-01-01");
  s.valid_until = Ymd(until);
  return s;
}

Date End(std::int64_t days, const char* until, const char* given,
         std::optional<Date> refund = std::nullopt) {
  return RetentionEndDate(PackKeeping(days),
                          RetentionRunsFrom(ScopeEnding(until), Ymd(given), refund));
}

TEST(Retention, RunsFromTheScopesEndForAGiftMadeDuringTheScope) {
  // 3653 days (the French packs' ten years) kept after 2027-12-31: erasable from 2038-01-01.
  EXPECT_EQ(End(3653, "2027-12-31", "2026-05-01"), Ymd("2038-01-01"));
  EXPECT_EQ(End(1, "2027-12-31", "2027-12-31"), Ymd("2028-01-02"));
}

TEST(Retention, RunsFromTheGiftWhenItIsDatedAfterTheScope) {
  // A gift recorded after its scope ended (a late cheque): its own date counts.
  EXPECT_EQ(End(10, "2026-06-30", "2026-07-05"), Ymd("2026-07-16"));
}

TEST(Retention, RunsFromTheLastRefundWhenItIsLater) {
  EXPECT_EQ(End(10, "2026-06-30", "2026-05-01", Ymd("2026-08-01")), Ymd("2026-08-12"));
  // An earlier refund changes nothing.
  EXPECT_EQ(End(10, "2026-06-30", "2026-05-01", Ymd("2026-06-01")), Ymd("2026-07-11"));
}

TEST(Retention, CrossesLeapDays) {
  EXPECT_EQ(End(366, "2027-03-01", "2027-01-01"), Ymd("2028-03-02"));
  EXPECT_EQ(End(365, "2027-03-01", "2027-01-01"), Ymd("2028-03-01"));
  EXPECT_EQ(End(364, "2027-03-01", "2027-01-01"), Ymd("2028-02-29"));
}

}  // namespace
}  // namespace probity
