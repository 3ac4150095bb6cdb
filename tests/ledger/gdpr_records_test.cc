// Purposes and the consent status per purpose (gdpr_records.cc), with the
// consent writes of records_refund_consent.cc that depend on them.
#include "ledger/gdpr_records.h"

#include <gtest/gtest.h>

#include "ledger/records.h"
#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

Date D(const char* text) { return ParseDate(text).value(); }

class GdprRecordsTest : public LedgerTest {
 protected:
  Status Purpose(const std::string& id, const char* retention = "3y",
                 const std::string& basis = "Art. 6(1)(a), Art. 9(2)(a)",
                 const std::string& description = "The campaign newsletter") {
    return AddPurpose(*ledger_, key_, NewPurpose{id, basis, ParsePeriod(retention).value(),
                                                 description})
        .status();
  }
  Result<std::int64_t> Grant(const std::string& s, const char* date, const char* version = "") {
    return GrantConsent(*ledger_, key_,
                        NewConsent{s, "newsletter", std::string(64, 'b'), "web", D(date), version,
                                   "form 12:03 UTC"});
  }
  Result<std::int64_t> Withdraw(const std::string& s, const char* date) {
    return WithdrawConsent(*ledger_, key_, NewWithdrawal{s, "newsletter", D(date), "email", ""});
  }
  ConsentStatus StatusOf(const std::string& s, const std::string& purpose) {
    const std::vector<ConsentStatus> all = LoadConsentStatus(ledger_->store(), s).value();
    for (const ConsentStatus& c : all) {
      if (c.purpose == purpose) return c;
    }
    ADD_FAILURE() << "no row for " << purpose;
    return {};
  }
};

TEST_F(GdprRecordsTest, PurposesAreAddedOnceAndListedInOrder) {
  ASSERT_TRUE(Purpose("newsletter").ok());
  ASSERT_TRUE(Purpose("events", "18m", "Art. 6(1)(f)", "Invitations to meetings").ok());
  std::vector<PurposeRecord> all = LoadPurposes(ledger_->store()).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].purpose, "newsletter");
  EXPECT_EQ(all[0].basis, "Art. 6(1)(a), Art. 9(2)(a)");
  EXPECT_EQ(FormatPeriod(all[0].retention), "3y");
  EXPECT_EQ(all[1].purpose, "events");
  EXPECT_EQ(FormatPeriod(all[1].retention), "18m");
  EXPECT_EQ(all[1].description, "Invitations to meetings");
  EXPECT_EQ(FindPurpose(ledger_->store(), "events").value().seq, all[1].seq);
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(GdprRecordsTest, PurposeRefusalsWriteNothing) {
  ASSERT_TRUE(Purpose("newsletter").ok());
  const std::int64_t before = Count();
  Status twice = Purpose("newsletter", "1y");
  EXPECT_TRUE(twice.IsInvalidArgument()) << twice.ToString();
  EXPECT_NE(twice.message().find("already registered"), std::string::npos);
  EXPECT_FALSE(Purpose("News Letter").ok());
  EXPECT_FALSE(Purpose("").ok());
  EXPECT_NE(Purpose("x", "3y", "").message().find("--basis is empty"), std::string::npos);
  EXPECT_NE(Purpose("x", "3y", std::string(257, 'a')).message().find("--basis is longer"),
            std::string::npos);
  EXPECT_NE(Purpose("x", "3y", "Art. 6", "").message().find("--description is empty"),
            std::string::npos);
  EXPECT_NE(Purpose("x", "3y", "Art. 6", "a\nb").message().find("control character"),
            std::string::npos);
  EXPECT_NE(Purpose("x", "3y", "Art. 6", std::string(1025, 'a')).message().find("longer"),
            std::string::npos);
  EXPECT_EQ(Count(), before);
  Status missing = FindPurpose(ledger_->store(), "events").status();
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_NE(missing.message().find("probity purpose add events"), std::string::npos);
}

TEST_F(GdprRecordsTest, ConsentStatusGrantWithdrawRegrant) {
  ASSERT_TRUE(Purpose("newsletter").ok());
  ASSERT_TRUE(Purpose("events", "1y").ok());
  const std::string s = AddPerson("Jeanne");
  EXPECT_EQ(StatusOf(s, "newsletter").state, "never");
  const std::int64_t first = Grant(s, "2027-01-10", "v1").value();
  ConsentStatus given = StatusOf(s, "newsletter");
  EXPECT_EQ(given.state, "given");
  EXPECT_EQ(given.since, "2027-01-10");
  EXPECT_EQ(given.consent_seq, first);
  EXPECT_EQ(given.text_version, "v1");
  EXPECT_EQ(given.channel, "web");
  EXPECT_EQ(given.evidence, "form 12:03 UTC");
  EXPECT_EQ(given.text_sha256, std::string(64, 'b'));
  // Granting again while in force replaces it: the new wording is the one in force.
  const std::int64_t second = Grant(s, "2027-02-01", "v2").value();
  EXPECT_EQ(StatusOf(s, "newsletter").consent_seq, second);
  EXPECT_EQ(StatusOf(s, "newsletter").text_version, "v2");
  EXPECT_EQ(StatusOf(s, "newsletter").grants, 2);
  // Withdrawing before the consent it withdraws is refused.
  std::int64_t before = Count();
  EXPECT_TRUE(Withdraw(s, "2027-01-31").status().IsInvalidArgument());
  EXPECT_EQ(Count(), before);
  const std::int64_t withdrawal = Withdraw(s, "2027-03-01").value();
  ConsentStatus withdrawn = StatusOf(s, "newsletter");
  EXPECT_EQ(withdrawn.state, "withdrawn");
  EXPECT_EQ(withdrawn.since, "2027-03-01");
  EXPECT_EQ(withdrawn.withdrawal_seq, withdrawal);
  EXPECT_EQ(withdrawn.withdrawal_channel, "email");
  EXPECT_EQ(withdrawn.consent_seq, second);
  before = Count();
  Status again = Withdraw(s, "2027-03-02").status();
  EXPECT_TRUE(again.IsNotFound());
  EXPECT_NE(again.message().find("no consent in force"), std::string::npos);
  EXPECT_EQ(Count(), before);
  // Regranting after a withdrawal puts a consent in force again.
  const std::int64_t third = Grant(s, "2027-04-01", "v2").value();
  EXPECT_EQ(StatusOf(s, "newsletter").state, "given");
  EXPECT_EQ(StatusOf(s, "newsletter").consent_seq, third);
  EXPECT_EQ(StatusOf(s, "newsletter").withdrawal_seq, -1);
  EXPECT_EQ(StatusOf(s, "events").state, "never");
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(GdprRecordsTest, ConsentRefusalsWriteNothing) {
  ASSERT_TRUE(Purpose("newsletter").ok());
  const std::string s = AddPerson("Jeanne");
  const std::int64_t before = Count();
  EXPECT_TRUE(Grant("S-0000000000", "2027-01-10").status().IsNotFound());
  EXPECT_FALSE(Grant(s, "2027-01-10", "v\t1").ok());
  EXPECT_FALSE(GrantConsent(*ledger_, key_,
                            NewConsent{s, "newsletter", std::string(64, 'b'), "", D("2027-01-10")})
                   .ok());
  EXPECT_FALSE(GrantConsent(*ledger_, key_,
                            NewConsent{s, "newsletter", std::string(64, 'b'), "Web Form",
                                       D("2027-01-10")})
                   .ok());
  EXPECT_TRUE(LoadConsentStatus(ledger_->store(), "S-0000000000").status().IsNotFound());
  EXPECT_EQ(Count(), before);
}

}  // namespace
}  // namespace probity::testing
