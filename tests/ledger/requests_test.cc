// The GDPR request register through the library: opening, extending and
// closing requests (request_records.cc), the fold read back (requests.cc),
// deadlines across month ends, and every refusal writing nothing.
#include "ledger/requests.h"

#include <gtest/gtest.h>

#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

Date Ymd(const char* text) { return ParseDate(text).value(); }

NewClosing Closing(std::int64_t id, const char* date, const char* outcome = "answered") {
  NewClosing c;
  c.request_seq = id;
  c.date = Ymd(date);
  c.outcome = outcome;
  return c;
}

class RequestsTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    jeanne_ = AddPerson("Jeanne");
  }
  std::int64_t Open(const char* type, const char* received) {
    auto seq = OpenRequest(*ledger_, key_, NewRequest{jeanne_, type, Ymd(received), "email"}, today_);
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? *seq : -1;
  }
  Status Extend(std::int64_t id, const char* date, std::int64_t months = 1) {
    return ExtendRequest(*ledger_, key_, NewExtension{id, Ymd(date), "many requests", months}, today_)
        .status();
  }
  Status Close(NewClosing c) { return CloseRequest(*ledger_, key_, c, today_).status(); }
  RequestRecord Load(std::int64_t id) { return LoadRequest(ledger_->store(), id).value(); }
  // A refusal that must leave the ledger as it was.
  void ExpectRefused(const Status& st, const std::string& why, std::int64_t count_before) {
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find(why), std::string::npos) << st.ToString();
    EXPECT_EQ(Count(), count_before);
  }

  std::string jeanne_;
  Date today_ = Ymd("2100-12-31");
};

TEST(RequestDeadlines, OneMonthAcrossMonthEnds) {
  EXPECT_EQ(RequestFirstDue(Ymd("2027-01-31")), Ymd("2027-02-28"));
  EXPECT_EQ(RequestFirstDue(Ymd("2028-01-31")), Ymd("2028-02-29"));  // leap year
  EXPECT_EQ(RequestFirstDue(Ymd("2100-01-31")), Ymd("2100-02-28"));  // not a leap year
  EXPECT_EQ(RequestFirstDue(Ymd("2000-01-31")), Ymd("2000-02-29"));  // divisible by 400
  EXPECT_EQ(RequestFirstDue(Ymd("2027-03-31")), Ymd("2027-04-30"));
  EXPECT_EQ(RequestFirstDue(Ymd("2027-12-15")), Ymd("2028-01-15"));
  EXPECT_EQ(RequestDueLimit(Ymd("2027-11-30")), Ymd("2028-02-29"));
  EXPECT_EQ(RequestDueLimit(Ymd("2027-01-31")), Ymd("2027-04-30"));
}

TEST_F(RequestsTest, OpenComputesTheDueDateAndTheFoldReadsItBack) {
  const std::int64_t id = Open("access", "2028-01-31");
  RequestRecord r = Load(id);
  EXPECT_EQ(r.seq, id);
  EXPECT_EQ(r.subject, jeanne_);
  EXPECT_EQ(r.type, "access");
  EXPECT_EQ(r.channel, "email");
  EXPECT_EQ(r.first_due, Ymd("2028-02-29"));
  EXPECT_EQ(r.due, Ymd("2028-02-29"));
  EXPECT_FALSE(r.closed);
  EXPECT_FALSE(r.Overdue(Ymd("2028-02-29")));  // the due day itself is in time
  EXPECT_TRUE(r.Overdue(Ymd("2028-03-01")));
  EXPECT_EQ(r.DaysToDue(Ymd("2028-02-27")), 2);
  EXPECT_EQ(r.DaysToDue(Ymd("2028-03-02")), -2);
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(RequestsTest, OpenRefusals) {
  const std::int64_t before = Count();
  ExpectRefused(OpenRequest(*ledger_, key_, NewRequest{jeanne_, "access", Ymd("2027-01-02"), "email"},
                            Ymd("2027-01-01"))
                    .status(),
                "in the future", before);
  ExpectRefused(OpenRequest(*ledger_, key_,
                            NewRequest{"S-0000000000", "access", Ymd("2027-01-02"), "email"}, today_)
                    .status(),
                "no donor S-0000000000", before);
  ExpectRefused(OpenRequest(*ledger_, key_, NewRequest{jeanne_, "deletion", Ymd("2027-01-02"), "email"},
                            today_)
                    .status(),
                "must be one of", before);
  ExpectRefused(OpenRequest(*ledger_, key_, NewRequest{jeanne_, "access", Ymd("2027-01-02"), "E Mail"},
                            today_)
                    .status(),
                "--channel", before);
}

TEST_F(RequestsTest, ExtendByTwoMonthsCountsFromReceipt) {
  const std::int64_t id = Open("access", "2027-01-31");
  ASSERT_TRUE(Extend(id, "2027-02-28").ok());
  EXPECT_EQ(Load(id).due, Ymd("2027-03-31"));  // received + 2 months, not 28 Feb + 1 month
  ASSERT_TRUE(Extend(id, "2027-02-28").ok());
  RequestRecord r = Load(id);
  EXPECT_EQ(r.due, Ymd("2027-04-30"));
  ASSERT_EQ(r.extensions.size(), 2u);
  EXPECT_EQ(r.extensions[0].due, Ymd("2027-03-31"));
  EXPECT_EQ(r.extensions[1].reason, "many requests");
  EXPECT_EQ(r.first_due, Ymd("2027-02-28"));
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(RequestsTest, ExtensionLimits) {
  const std::int64_t id = Open("access", "2028-01-31");
  std::int64_t before = Count();
  ExpectRefused(Extend(id, "2028-03-01"), "too late", before);  // after 29 Feb 2028
  ExpectRefused(Extend(id, "2028-01-30"), "before", before);
  ExpectRefused(Extend(id, "2028-02-10", 3), "--months must be 1 or 2", before);
  ExpectRefused(Extend(id, "2028-02-10", 0), "--months must be 1 or 2", before);
  ExpectRefused(ExtendRequest(*ledger_, key_, NewExtension{id, Ymd("2028-02-10"), "", 1}, today_)
                    .status(),
                "--reason", before);
  ExpectRefused(ExtendRequest(*ledger_, key_, NewExtension{id, Ymd("2028-02-10"), "x", 1},
                              Ymd("2028-02-09"))
                    .status(),
                "in the future", before);
  ASSERT_TRUE(Extend(id, "2028-02-29", 2).ok());
  EXPECT_EQ(Load(id).due, Ymd("2028-04-30"));
  before = Count();
  ExpectRefused(Extend(id, "2028-02-29"), "received + 3 months", before);  // twice, past 3 months
  ASSERT_TRUE(Close(Closing(id, "2028-04-01")).ok());
  before = Count();
  ExpectRefused(Extend(id, "2028-02-01"), "was closed", before);
}

TEST_F(RequestsTest, ExtendOnlyARequest) {
  const std::int64_t before = Count();
  ExpectRefused(Extend(0, "2027-02-01"), "there is no GDPR request 0", before);
  ExpectRefused(Extend(999, "2027-02-01"), "there is no GDPR request 999", before);
  ExpectRefused(Extend(-1, "2027-02-01"), "there is no GDPR request -1", before);
}

TEST_F(RequestsTest, CloseRecordsTheOutcome) {
  const std::int64_t erasure = Open("erasure", "2027-01-10");
  const std::int64_t access = Open("access", "2027-01-10");
  NewClosing refused = Closing(erasure, "2027-02-01", "refused");
  std::int64_t before = Count();
  ExpectRefused(Close(refused), "legal basis", before);
  refused.basis = "Art. 17(3)(b): campaign accounts are kept";
  refused.possible_from = "2032-01-01";
  ASSERT_TRUE(Close(refused).ok());
  RequestRecord r = Load(erasure);
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.outcome, "refused");
  EXPECT_EQ(r.possible_from, "2032-01-01");
  EXPECT_EQ(r.closed_date, Ymd("2027-02-01"));
  EXPECT_FALSE(r.Late(Ymd("2030-01-01")));
  before = Count();
  ExpectRefused(Close(refused), "was closed", before);
  ExpectRefused(Close(Closing(access, "2027-01-09")),
                "before it was received", before);
  NewClosing possible = Closing(access, "2027-02-01");
  possible.possible_from = "2032-01-01";
  ExpectRefused(Close(possible), "only to a refused erasure", before);
  possible.possible_from = "2032-02-30";
  ExpectRefused(Close(possible), "--possible-from", before);
  NewClosing sent = Closing(access, "2027-02-15");
  sent.note = "sent";
  ASSERT_TRUE(Close(sent).ok());
  EXPECT_TRUE(Load(access).Late(Ymd("2027-02-15")));  // closed after its 10 February deadline
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(RequestsTest, RegisterOrderPutsOverdueFirst) {
  const std::int64_t late = Open("access", "2027-01-10");     // due 2027-02-10
  const std::int64_t soon = Open("erasure", "2027-02-05");    // due 2027-03-05
  const std::int64_t later = Open("access", "2027-02-01");    // due 2027-03-01
  const std::int64_t oldest = Open("objection", "2027-01-01");  // due 2027-02-01
  const std::int64_t closed = Open("access", "2026-12-01");
  ASSERT_TRUE(Close(Closing(closed, "2026-12-05")).ok());
  std::vector<RequestRecord> all = LoadRequests(ledger_->store(), "").value();
  ASSERT_EQ(all.size(), 5u);
  OrderRegister(Ymd("2027-02-20"), &all);
  std::vector<std::int64_t> ids;
  for (const RequestRecord& r : all) ids.push_back(r.seq);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{oldest, late, closed, later, soon}));
  EXPECT_EQ(LoadRequests(ledger_->store(), AddPerson("Paul")).value().size(), 0u);
}

}  // namespace
}  // namespace probity::testing
