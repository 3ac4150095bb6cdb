// Donors, donations, refunds and consents through the library.
#include "ledger/gdpr_records.h"
#include "ledger/records.h"

#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

class RecordsTest : public LedgerTest {};

TEST_F(RecordsTest, DonorPiiIsEncryptedAndReadBack) {
  std::string s = AddPerson("Jeanne Martin");
  StoredEntry stored = ledger_->store().GetEntry(1).value();
  EXPECT_EQ(stored.body.find("Jeanne"), std::string::npos);
  EXPECT_EQ(stored.body.find("rue"), std::string::npos);
  DonorRecord d = GetDonor(*ledger_, s).value();
  ASSERT_TRUE(d.pii.has_value());
  EXPECT_EQ(d.pii->name, "Jeanne Martin");
  EXPECT_EQ(d.pii->nationality, "FR");
}

TEST_F(RecordsTest, DuplicateNamesAreReported) {
  std::string first = AddPerson("Jeanne Martin");
  auto second = AddDonor(*ledger_, key_, NewDonor{"person", DonorPii{"  jeanne   MARTIN ", "", "",
                                                                     "", "", "", ""}});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->likely_duplicates.size(), 1u);
  EXPECT_EQ(second->likely_duplicates[0], first);
}

TEST_F(RecordsTest, ErasedKeyLeavesAVerifiableLedger) {
  std::string s = AddPerson("Jeanne Martin");
  Give(s, "10");
  ASSERT_TRUE(ledger_->store().db().Exec("DELETE FROM subject_keys WHERE subject = '" + s + "'").ok());
  DonorRecord d = GetDonor(*ledger_, s).value();
  EXPECT_FALSE(d.pii.has_value());
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(RecordsTest, BadDonorsAreRefusedAndWriteNothing) {
  const std::int64_t before = Count();
  EXPECT_FALSE(AddDonor(*ledger_, key_, NewDonor{"person", DonorPii{}}).ok());
  EXPECT_FALSE(AddDonor(*ledger_, key_, NewDonor{"martian", DonorPii{"X", "", "", "", "", "", ""}}).ok());
  EXPECT_FALSE(AddDonor(*ledger_, key_, NewDonor{"person", DonorPii{"X", "fr", "", "", "", "", ""}}).ok());
  EXPECT_FALSE(AddDonor(*ledger_, key_, NewDonor{"person", DonorPii{"X\n", "", "", "", "", "", ""}}).ok());
  EXPECT_EQ(Count(), before);
}

TEST_F(RecordsTest, DonationToAnUnknownDonorIsNotFound) {
  const std::int64_t before = Count();
  auto seq = AddDonation(*ledger_, key_,
                         NewDonation{"S-0123456789", ParseMoney("5", "EUR", Sign::kPositive).value(),
                                     "cash", ParseDate("2026-01-01").value(), "x"});
  EXPECT_TRUE(seq.status().IsNotFound());
  EXPECT_EQ(Count(), before);
}

TEST_F(RecordsTest, RefundsNeverExceedTheDonation) {
  std::string s = AddPerson("Jeanne");
  std::int64_t gift = Give(s, "100.00", "2026-05-01");
  auto eur = [](const char* a) { return ParseMoney(a, "EUR", Sign::kPositive).value(); };
  auto date = ParseDate("2026-05-02").value();
  EXPECT_TRUE(AddRefund(*ledger_, key_, NewRefund{gift, eur("60"), date, "asked"}).ok());
  const std::int64_t before = Count();
  EXPECT_TRUE(AddRefund(*ledger_, key_, NewRefund{gift, eur("40.01"), date, ""})
                  .status().IsInvalidArgument());
  EXPECT_FALSE(AddRefund(*ledger_, key_, NewRefund{gift, ParseMoney("1", "USD", Sign::kPositive).value(),
                                                   date, ""}).ok());
  EXPECT_FALSE(AddRefund(*ledger_, key_, NewRefund{gift, eur("1"), ParseDate("2026-04-30").value(),
                                                   ""}).ok());
  EXPECT_TRUE(AddRefund(*ledger_, key_, NewRefund{1, eur("1"), date, ""}).status().IsNotFound());
  EXPECT_EQ(Count(), before);
  EXPECT_TRUE(AddRefund(*ledger_, key_, NewRefund{gift, eur("40"), date, ""}).ok());
  auto list = ListDonations(*ledger_, "", s).value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].refunded_minor, 10000);
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(RecordsTest, ConsentGrantAndWithdraw) {
  std::string s = AddPerson("Jeanne");
  auto date = ParseDate("2026-05-01").value();
  std::string hash(64, 'a');
  const NewWithdrawal withdrawal{s, "newsletter", date, "", ""};
  // No purpose registered yet: neither a consent nor a withdrawal can name it.
  std::int64_t before = Count();
  Status unknown = GrantConsent(*ledger_, key_, NewConsent{s, "newsletter", hash, "web", date})
                       .status();
  EXPECT_TRUE(unknown.IsNotFound()) << unknown.ToString();
  EXPECT_NE(unknown.message().find("probity purpose add newsletter"), std::string::npos);
  EXPECT_EQ(Count(), before);
  ASSERT_TRUE(AddPurpose(*ledger_, key_,
                         NewPurpose{"newsletter", "Art. 6(1)(a)", ParsePeriod("3y").value(),
                                    "The newsletter"})
                  .ok());
  before = Count();
  EXPECT_TRUE(WithdrawConsent(*ledger_, key_, withdrawal).status().IsNotFound());
  EXPECT_EQ(Count(), before);
  ASSERT_TRUE(GrantConsent(*ledger_, key_, NewConsent{s, "newsletter", hash, "web", date}).ok());
  ASSERT_TRUE(WithdrawConsent(*ledger_, key_, withdrawal).ok());
  EXPECT_TRUE(WithdrawConsent(*ledger_, key_, withdrawal).status().IsNotFound());
  EXPECT_FALSE(GrantConsent(*ledger_, key_, NewConsent{s, "News Letter", hash, "web", date}).ok());
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

}  // namespace
}  // namespace probity::testing
