// Bad input, as a user would type it: amounts, currencies, dates and ids the
// program must refuse (exit 2) before writing anything; records that do not
// exist; files that are not ledgers, or are truncated (exit 1, never a pass).
#include <sys/stat.h>
#include <unistd.h>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

class BadInputTest : public PreparedLedgerTest {
 protected:
  std::vector<std::string> Donation(const std::string& donor, const std::string& amount,
                                    const std::string& currency, const std::string& date,
                                    const std::string& scope) {
    return {"donation", "add", "--donor", donor,      "--amount", amount, "--currency",
            currency,   "--method", "cheque", "--date", date,     "--scope", scope};
  }
  std::vector<std::string> GoodDonationWithAmount(const std::string& amount) {
    return Donation(PreparedLedger().jeanne, amount, "EUR", "2026-11-10", kScope);
  }
};

TEST_F(BadInputTest, UnknownCurrency) {
  ExpectNothingWritten(Donation(PreparedLedger().jeanne, "150.00", "EUX", "2026-11-10",
                                kScope),
                       kExitUsage, "unknown currency \"EUX\"");
}

TEST_F(BadInputTest, ThreeDecimalsInEuros) {
  ExpectNothingWritten(GoodDonationWithAmount("4600.505"), kExitUsage, "4600.505");
}

TEST_F(BadInputTest, NegativeAmount) {
  ExpectNothingWritten(GoodDonationWithAmount("-5"), kExitUsage, "-5");
}

TEST_F(BadInputTest, ExponentNotation) {
  ExpectNothingWritten(GoodDonationWithAmount("1e3"), kExitUsage, "1e3");
}

TEST_F(BadInputTest, NotANumber) {
  ExpectNothingWritten(GoodDonationWithAmount("NaN"), kExitUsage, "NaN");
}

TEST_F(BadInputTest, EmptyAmount) {
  ExpectNothingWritten(GoodDonationWithAmount(""), kExitUsage, "empty");
}

TEST_F(BadInputTest, ThousandsSeparator) {
  ExpectNothingWritten(GoodDonationWithAmount("4,600.00"), kExitUsage, "4,600.00");
}

TEST_F(BadInputTest, ZeroAmount) {
  ExpectNothingWritten(GoodDonationWithAmount("0.00"), kExitUsage, "zero");
}

TEST_F(BadInputTest, ImpossibleDate) {
  ExpectNothingWritten(Donation(PreparedLedger().jeanne, "150.00", "EUR", "2026-02-30",
                                kScope),
                       kExitUsage, "2026-02-30");
}

TEST_F(BadInputTest, DateInAnotherFormat) {
  ExpectNothingWritten(Donation(PreparedLedger().jeanne, "150.00", "EUR", "30/01/2026",
                                kScope),
                       kExitUsage, "30/01/2026");
}

TEST_F(BadInputTest, MalformedDonorId) {
  ExpectNothingWritten(Donation("S-XYZ", "150.00", "EUR", "2026-11-10", kScope),
                       kExitUsage, "\"S-XYZ\" is not a subject id");
}

TEST_F(BadInputTest, ScopeIdWithForbiddenCharacters) {
  ExpectNothingWritten(Donation(PreparedLedger().jeanne, "150.00", "EUR", "2026-11-10",
                                "FR_Pres"),
                       kExitUsage, "FR_Pres");
}

TEST_F(BadInputTest, UnknownMethod) {
  std::vector<std::string> args = GoodDonationWithAmount("10");
  args[9] = "bitcoin";  // the value after --method
  ExpectNothingWritten(args, kExitUsage, "bitcoin");
}

TEST_F(BadInputTest, UnknownDonorId) {
  ExpectNothingWritten(Donation("S-0000000000", "150.00", "EUR", "2026-11-10", kScope),
                       kExitUsage, "no donor S-0000000000");
}

TEST_F(BadInputTest, RefundMoreThanTheDonation) {
  // Jeanne's gift is 150.00 EUR.
  ExpectNothingWritten({"refund", "--donation", std::to_string(PreparedLedger().gift_small_seq),
                        "--amount", "150.01", "--currency", "EUR",
                        "--date", "2026-11-10"},
                       kExitUsage, "150");
}

TEST_F(BadInputTest, RefundOfWhatIsLeftAfterAPartialRefund) {
  // Paul's gift is 1200 EUR with 200.00 already refunded: 1000.01 is too much.
  ExpectNothingWritten({"refund", "--donation", std::to_string(PreparedLedger().gift_large_seq),
                        "--amount", "1000.01", "--currency", "EUR",
                        "--date", "2026-11-10"},
                       kExitUsage, "1,000");
}

TEST_F(BadInputTest, RefundOfAnEntryThatIsNotADonation) {
  ExpectNothingWritten({"refund", "--donation", "1", "--amount", "1", "--currency", "EUR",
                        "--date", "2026-11-10"},
                       kExitUsage, "entry 1");
}

// A policy rule, not a syntax rule: 7,500 EUR a year per person to a party.
TEST_F(BadInputTest, DonationOverThePackCapIsRefusedByPolicy) {
  ExpectNothingWritten(GoodDonationWithAmount("7600.00"), kExitRefused, "7,500");
}

TEST_F(BadInputTest, ScopeThatWasNeverAdded) {
  ExpectNothingWritten(Donation(PreparedLedger().jeanne, "150.00", "EUR", "2026-11-10",
                                "fr-pres-2032"),
                       kExitUsage, "fr-pres-2032");
}

TEST_F(BadInputTest, ConsentWithdrawWithoutConsent) {
  ExpectNothingWritten({"consent", "withdraw", "--donor", PreparedLedger().paul, "--purpose",
                        "newsletter", "--date", "2026-11-10"},
                       kExitUsage, "no consent in force");
}

TEST_F(BadInputTest, ConsentGrantWithoutWording) {
  ExpectNothingWritten({"consent", "grant", "--donor", PreparedLedger().paul, "--purpose",
                        "newsletter", "--date", "2026-11-10"},
                       kExitUsage, "--text");
}

TEST_F(BadInputTest, MissingRequiredOption) {
  ExpectNothingWritten({"donation", "add", "--donor", PreparedLedger().jeanne, "--amount", "10"},
                       kExitUsage, "--currency");
}

// Files that are not ledgers or not whole: operational errors (exit 1) that
// say what is wrong, found before a passphrase is spent on them where possible.
class NotALedgerTest : public PreparedLedgerTest {
 protected:
  void ExpectRefused(const std::string& problem) {
    for (const char* command : {"verify", "log"}) {
      RunResult r = Run({command});
      EXPECT_EQ(r.exit_code, kExitOperational) << command << "\n" << r.Describe();
      EXPECT_TRUE(Has(r.err, problem)) << command << "\n" << r.Describe();
      EXPECT_TRUE(Has(r.err, ws_.ledger)) << command << "\n" << r.Describe();
      EXPECT_TRUE(r.out.empty()) << r.Describe();
    }
    const std::string before = FileSha256Hex(ws_.ledger);
    RunResult add = Run({"donor", "add", "--name", "X Y"});
    EXPECT_EQ(add.exit_code, kExitOperational) << add.Describe();
    EXPECT_EQ(FileSha256Hex(ws_.ledger), before) << "a write changed a file that is not a ledger";
  }
};

TEST_F(NotALedgerTest, ATextFile) {
  WriteFile(ws_.ledger, "date,amount\n2026-01-01,150.00\n");
  ExpectRefused("not a Probity ledger");
}

TEST_F(NotALedgerTest, APlainSqliteDatabase) {
  std::string db(2 * 4096, '\0');
  db.replace(0, 16, std::string("SQLite format 3\0", 16));
  WriteFile(ws_.ledger, db);
  ExpectRefused("unencrypted SQLite database");
}

TEST_F(NotALedgerTest, TruncatedToANonPageMultiple) {
  const off_t size = static_cast<off_t>(ReadFile(ws_.ledger).size());
  ASSERT_EQ(truncate(ws_.ledger.c_str(), size / 2 + 100), 0);
  ExpectRefused("truncated");
}

// Cut at a page boundary, the file still looks whole: the damage is found
// when the missing pages are read. Whatever the message, verify must fail.
TEST_F(NotALedgerTest, TruncatedToHalfAtAPageBoundary) {
  const off_t size = static_cast<off_t>(ReadFile(ws_.ledger).size());
  const off_t half = size / 2 / 4096 * 4096;
  ASSERT_GT(half, 0);
  ASSERT_EQ(truncate(ws_.ledger.c_str(), half), 0);
  RunResult r = Run({"verify"});
  EXPECT_NE(r.exit_code, kExitOk) << r.Describe();
  EXPECT_FALSE(Has(r.out, "ok")) << r.Describe();
  EXPECT_TRUE(Has(r.err, "damaged") || Has(r.err, "malformed") || Has(r.err, "truncated") ||
              Has(r.err, "missing"))
      << r.Describe();
}

TEST_F(NotALedgerTest, AnEmptyFile) {
  WriteFile(ws_.ledger, "");
  ExpectRefused("not a Probity ledger");
}

}  // namespace
}  // namespace probity::clitest
