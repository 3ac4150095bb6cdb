// Someone who holds the ledger passphrase edits the file with the sqlcipher
// shell. The triggers stop casual edits; an editor who drops them is caught by
// `probity verify` (exit 4), which names the first bad entry. Without the key,
// neither sqlite3 nor sqlcipher can read the file at all.
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;

class TamperTest : public PreparedLedgerTest {
 protected:
  void SetUp() override {
    PreparedLedgerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (!HaveProgram("sqlcipher")) GTEST_SKIP() << "the sqlcipher shell is not installed";
  }

  // Runs `sql` in the sqlcipher shell on the workspace ledger, keyed.
  RunResult Sqlcipher(const std::string& sql) {
    return RunProgram({"sqlcipher", ws_.ledger}, {}, SqlcipherKeyScript(ws_.ledger) + sql);
  }

  // Runs verify (text and --json share one run's worth of checks each) and
  // checks that it fails with exit 4 naming `seq` as the first bad entry.
  void ExpectVerifyNames(std::int64_t seq, const std::string& why) {
    RunResult r = Run({"verify", "--json"});
    EXPECT_EQ(r.exit_code, kExitVerification) << r.Describe();
    json v = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(v.is_discarded()) << r.Describe();
    EXPECT_EQ(v["ok"], false);
    EXPECT_EQ(v["first_bad_entry"], seq) << r.Describe();
    const std::string named = "entry " + std::to_string(seq) + ":";
    EXPECT_TRUE(Has(r.err, named)) << "stderr should name " << named << "\n" << r.Describe();
    EXPECT_TRUE(Has(r.err, why)) << r.Describe();
    EXPECT_TRUE(Has(v.value("error", ""), named)) << r.Describe();
  }
};

TEST_F(TamperTest, TheRawKeyOpensTheLedger) {
  RunResult r = Sqlcipher("SELECT count(*) FROM entries;\n");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, std::to_string(PreparedLedger().entries) + "\n") << r.Describe();
}

TEST_F(TamperTest, AChangedByteInAnEntryBodyIsFound) {
  // Paul's gift, 1200.00 EUR, becomes 9200.00 EUR: one byte.
  const std::string seq = std::to_string(PreparedLedger().gift_large_seq);
  RunResult r = Sqlcipher(
      "DROP TRIGGER entries_no_update;\n"
      "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '\"amount_minor\":120000,',"
      " '\"amount_minor\":920000,') AS BLOB) WHERE seq = " + seq + ";\n"
      "SELECT count(*) FROM entries WHERE seq = " + seq +
      " AND instr(CAST(body AS TEXT), '920000') > 0;\n");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_EQ(r.out, "1\n") << "the edit did not take\n" << r.Describe();
  ExpectVerifyNames(PreparedLedger().gift_large_seq, "leaf hash");
}

TEST_F(TamperTest, AChangedSignatureIsFound) {
  const std::int64_t seq = PreparedLedger().refund_seq;
  RunResult r = Sqlcipher(
      "DROP TRIGGER entries_no_update;\n"
      "UPDATE entries SET sig = (SELECT sig FROM entries WHERE seq = 2) WHERE seq = " +
      std::to_string(seq) + ";\n");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectVerifyNames(seq, "signature does not verify");
}

TEST_F(TamperTest, ADeletedEntryIsFound) {
  RunResult r = Sqlcipher(
      "DROP TRIGGER entries_no_delete;\n"
      "DELETE FROM entries WHERE seq = " + std::to_string(PreparedLedger().gift_small_seq) +
      ";\n"
      "SELECT count(*) FROM entries;\n");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_EQ(r.out, std::to_string(PreparedLedger().entries - 1) + "\n") << r.Describe();
  ExpectVerifyNames(PreparedLedger().gift_small_seq, "missing");
}

TEST_F(TamperTest, TwoSwappedEntriesAreFound) {
  const Prepared& p = PreparedLedger();
  const std::int64_t a = p.gift_small_seq, b = p.gift_large_seq;
  ASSERT_EQ(b, a + 1);
  const std::string pair = "(" + std::to_string(a) + ", " + std::to_string(b) + ")";
  const std::string other = "(SELECT %s FROM temp.old o WHERE o.seq = " + std::to_string(a + b) +
                            " - entries.seq)";
  auto col = [&](const std::string& name) {
    std::string s = other;
    return name + " = " + s.replace(s.find("%s"), 2, name);
  };
  RunResult r = Sqlcipher(
      "DROP TRIGGER entries_no_update;\n"
      "CREATE TEMP TABLE old AS SELECT * FROM entries WHERE seq IN " + pair + ";\n"
      "UPDATE entries SET " + col("body") + ", " + col("sig") + ", " + col("leaf_hash") + ", " +
      col("kind") + ", " + col("subject") + ", " + col("scope") + " WHERE seq IN " + pair +
      ";\n"
      "SELECT group_concat(subject) FROM (SELECT subject FROM entries WHERE seq IN " + pair +
      " ORDER BY seq);\n");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_EQ(r.out, p.paul + "," + p.jeanne + "\n") << "the swap did not take\n" << r.Describe();
  ExpectVerifyNames(a, "entry " + std::to_string(a) + ": says it is entry " + std::to_string(b));
}

TEST_F(TamperTest, TriggersRefuseUpdateAndDelete) {
  const LedgerState before = StateOf(ws_.ledger);
  for (const char* sql : {"UPDATE entries SET kind = 'refund' WHERE seq = 1;\n",
                          "DELETE FROM entries WHERE seq = 6;\n",
                          "UPDATE checkpoints SET note = 'x';\n",
                          "DELETE FROM tree_nodes;\n",
                          "UPDATE meta SET value = 'x' WHERE name = 'magic';\n"}) {
    RunResult r = Sqlcipher(sql);
    EXPECT_TRUE(Has(r.err, "append-only")) << sql << r.Describe();
  }
  EXPECT_EQ(StateOf(ws_.ledger), before);
}

TEST_F(TamperTest, WithoutTheKeyNeitherShellCanReadIt) {
  RunResult nokey = RunProgram({"sqlcipher", ws_.ledger}, {}, "SELECT count(*) FROM entries;\n");
  EXPECT_TRUE(Has(nokey.err, "not a database")) << nokey.Describe();
  EXPECT_TRUE(nokey.out.empty()) << nokey.Describe();

  RunResult wrongkey = RunProgram(
      {"sqlcipher", ws_.ledger}, {},
      "PRAGMA key = 'correct horse battery staple';\nPRAGMA cipher_page_size = 4096;\n"
      "SELECT count(*) FROM entries;\n");
  EXPECT_TRUE(Has(wrongkey.err, "not a database")) << wrongkey.Describe();

  if (!HaveProgram("sqlite3")) GTEST_SKIP() << "the sqlite3 shell is not installed";
  RunResult plain = RunProgram({"sqlite3", ws_.ledger, "SELECT count(*) FROM entries;"}, {});
  EXPECT_NE(plain.exit_code, 0) << plain.Describe();
  EXPECT_TRUE(Has(plain.err, "not a database")) << plain.Describe();
}

}  // namespace
}  // namespace probity::clitest
