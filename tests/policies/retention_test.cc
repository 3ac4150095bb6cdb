// RetentionEndDate: the pack's retention_days after the later of the gift's
// date and its scope's end.
#include "policies/retention.h"

#include <gtest/gtest.h>

namespace probity {
namespace {

Date D(const char* text) { return ParseDate(text).value(); }

Pack PackKeeping(std::int64_t days) {
  Pack p;
  p.id = "test";
  p.retention_days = days;
  return p;
}

ScopeInfo ScopeEnding(const char* until) {
  ScopeInfo s;
  s.id = "s";
  s.valid_from = D("2026-01-01");
  s.valid_until = D(until);
  return s;
}

TEST(Retention, RunsFromTheScopesEndForAGiftMadeDuringTheScope) {
  // 3653 days (the French packs' ten years) from 2027-12-31.
  EXPECT_EQ(RetentionEndDate(PackKeeping(3653), ScopeEnding("2027-12-31"), D("2026-05-01")),
            D("2037-12-31"));
  EXPECT_EQ(RetentionEndDate(PackKeeping(1), ScopeEnding("2027-12-31"), D("2027-12-31")),
            D("2028-01-01"));
}

TEST(Retention, RunsFromTheGiftWhenItIsDatedAfterTheScope) {
  // A gift recorded after its scope ended (a late cheque): its own date counts.
  EXPECT_EQ(RetentionEndDate(PackKeeping(10), ScopeEnding("2026-06-30"), D("2026-07-05")),
            D("2026-07-15"));
}

TEST(Retention, CrossesLeapDays) {
  EXPECT_EQ(RetentionEndDate(PackKeeping(366), ScopeEnding("2027-03-01"), D("2027-01-01")),
            D("2028-03-01"));
  EXPECT_EQ(RetentionEndDate(PackKeeping(365), ScopeEnding("2027-03-01"), D("2027-01-01")),
            D("2028-02-29"));
}

}  // namespace
}  // namespace probity
