// probity donation import through the real binary: rejects file and exit
// codes, nothing written on a bad header, and an import killed with SIGKILL
// at random points and resumed until it ends with every row once.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

class ImportCliTest : public PreparedLedgerTest {
 protected:
  // Runs one integer query on the workspace ledger (raw key); -1 on error.
  std::int64_t Query(const std::string& sql) {
    const std::string script = SqlcipherKeyScript(ws_.ledger);
    sqlite3* db = nullptr;
    std::int64_t value = -1;
    if (sqlite3_open_v2(ws_.ledger.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
          sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return value;
  }
  // `rows` gifts of 0.01 to 0.99 EUR by cheque, alternating Jeanne and Paul (so
  // 12,000 rows stay under the party cap), ids R-1..R-rows.
  std::string GiftsCsv(int rows) {
    const Prepared& p = PreparedLedger();
    std::string csv = "external_id,donor,amount,currency,method,date\r\n";
    for (int i = 1; i <= rows; ++i) {
      char line[128];
      std::snprintf(line, sizeof line, "R-%d,%s,0.%02d,EUR,cheque,2026-11-%02d\r\n", i,
                    (i % 2 != 0 ? p.jeanne : p.paul).c_str(), 1 + i % 99, 1 + i % 28);
      csv += line;
    }
    return csv;
  }
  RunResult Import(const std::string& csv_path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"donation", "import", csv_path, "--scope", kScope};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }
};

TEST_F(ImportCliTest, RejectsGoToTheRejectsFileWithLineAndReason) {
  const Prepared& p = PreparedLedger();
  const std::string csv = ws_.dir / "gifts.csv";
  WriteFile(csv, "\xEF\xBB\xBF" "donor,amount,currency,method,date,nature\n" +
                     p.jeanne + ",10,EUR,cheque,2026-12-01,\n" +
                     p.jeanne + ",10,EUR,cheque,2026-12-01,\n" +       // the same row again
                     "\n" +
                     p.paul + ",\"7,600\",EUR,transfer,2026-12-02,\n" +  // over the cap
                     p.paul + ",9000,EUR,transfer,2026-12-02,gift\n" +
                     p.paul + ",5,EUR,cheque,2026-12-03,loan\n" +
                     "Jos\xE9,5,EUR,cheque,2026-12-03,\n");
  const std::int64_t before = CountEntries(ws_.ledger);
  RunResult r = Import(csv, {"--rejects", ws_.dir / "rejects.csv"});
  EXPECT_EQ(r.exit_code, kExitRefused) << r.Describe();
  EXPECT_TRUE(Has(r.err, "6 rows: 1 recorded, 0 already in the ledger (skipped), 5 rejected"))
      << r.Describe();
  EXPECT_FALSE(Has(r.err, "\r")) << "no progress bar when stderr is not a terminal";
  EXPECT_EQ(CountEntries(ws_.ledger), before + 1);
  const std::string rejects = ReadFile(ws_.dir / "rejects.csv");
  EXPECT_TRUE(Has(rejects, "line,reason,donor,amount,currency,method,date,nature\r\n")) << rejects;
  EXPECT_TRUE(Has(rejects, "3,duplicate external id sha256:")) << rejects;
  EXPECT_TRUE(Has(rejects, "5,\"")) << rejects;  // "7,600" is not an amount
  EXPECT_TRUE(Has(rejects, "6,\"a gift of 9,000.00 EUR would bring")) << rejects;
  EXPECT_TRUE(Has(rejects, "art. 11-4")) << rejects;
  EXPECT_TRUE(Has(rejects, "7,\"column nature: \"\"loan\"\" is not gift")) << rejects;
  EXPECT_TRUE(Has(rejects, "8,field 1 is not valid UTF-8")) << rejects;
  RunResult v = Run({"verify"});
  EXPECT_EQ(v.exit_code, kExitOk) << v.Describe();
}

TEST_F(ImportCliTest, BadHeaderOrFileWritesNothing) {
  const std::string csv = ws_.dir / "gifts.csv";
  WriteFile(csv, "donor,amount,currency,method,when\nS-0123456789,1,EUR,cash,2026-12-01\n");
  ExpectNothingWritten({"donation", "import", csv, "--scope", kScope}, kExitUsage,
                       "unknown column \"when\"");
  ExpectNothingWritten({"donation", "import", ws_.dir / "missing.csv", "--scope", kScope},
                       kExitUsage, "cannot read");
  WriteFile(csv, "donor,amount,currency,method,date\n");
  ExpectNothingWritten({"donation", "import", csv, "--scope", "no-such-scope"}, kExitUsage,
                       "no-such-scope");
}

// Kills the import with SIGKILL at random moments (through timeout(1)),
// resumes it each time, and checks that the ledger ends with exactly the
// file's rows, once each, and verifies.
TEST_F(ImportCliTest, KilledImportsResumeToExactlyTheFileOnce) {
  if (!HaveProgram("timeout")) GTEST_SKIP() << "needs timeout(1)";
  constexpr int kRows = 16000;
  const std::string csv = ws_.dir / "gifts.csv";
  WriteFile(csv, GiftsCsv(kRows));
  const char* seed_env = std::getenv("PROBITY_IMPORT_KILL_SEED");
  const auto seed = seed_env != nullptr ? static_cast<std::uint32_t>(std::stoul(seed_env))
                                        : std::random_device{}();
  std::printf("import kill test seed: %u (replay with PROBITY_IMPORT_KILL_SEED=%u)\n", seed, seed);
  std::mt19937 rng(seed);
  // Most of a run's first second or two is key derivation (Argon2id for the
  // ledger and for the key), and that time varies with the machine's load:
  // start killing after twice one open (verify), then move the moment later
  // after a run that recorded nothing and earlier after one that recorded a
  // lot, so that kills land before, inside and between batches. The random
  // spread narrows too after a run that recorded a lot: a fast build (an
  // optimised one imports thousands of rows in 400 ms) would otherwise finish
  // the file before the tenth kill.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Run({"verify"}).exit_code, kExitOk);
  int base_ms = 2 * static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count());
  const std::string donations = "SELECT count(*) FROM entries WHERE kind = 'donation'";
  const std::int64_t before = Query(donations);
  int spread_ms = 400;
  int killed = 0;
  int killed_mid_file = 0;  // after some rows were recorded, before the last
  std::int64_t last = before;
  std::vector<std::int64_t> progress;
  for (int round = 0; round < 30 && (killed < 10 || killed_mid_file < 5); ++round) {
    const int ms = base_ms + std::uniform_int_distribution<int>(0, spread_ms)(rng);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", ms / 1000.0);
    RunResult r = RunProgram({"timeout", "-s", "KILL", secs, ProbityBin(), "donation", "import",
                              csv, "--scope", kScope, "--batch-rows", "50"},
                             ws_.env);
    ASSERT_TRUE(r.exit_code == 128 + 9 || r.exit_code == kExitOk) << r.Describe();
    ASSERT_NE(r.exit_code, kExitOk) << "the import finished before ten kills; make kRows larger";
    ++killed;
    const std::int64_t now = Query(donations);
    ASSERT_GE(now, last) << "a resumed import lost rows";
    if (now > before && now < before + kRows) ++killed_mid_file;
    if (now == last) base_ms += 250;
    if (now - last > kRows / 20) {
      base_ms = std::max(base_ms - 150, 0);
      spread_ms = std::max(spread_ms / 2, 50);
    }
    progress.push_back(now - before);
    last = now;
  }
  RunResult r = Import(csv, {"--batch-rows", "50"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  std::string seen;
  for (std::int64_t n : progress) seen += std::to_string(n) + " ";
  std::printf("rows recorded after each killed run: %s\n", seen.c_str());
  EXPECT_GE(killed, 10) << "rows after each run: " << seen;
  EXPECT_GE(killed_mid_file, 5) << "rows after each run: " << seen;
  EXPECT_EQ(Query(donations), before + kRows);
  EXPECT_EQ(Query("SELECT count(*) FROM entries WHERE external_id GLOB 'R-*'"), kRows);
  EXPECT_EQ(Query("SELECT count(DISTINCT external_id) FROM entries WHERE external_id GLOB 'R-*'"),
            kRows);
  EXPECT_EQ(Query("SELECT sum(CAST(substr(external_id, 3) AS INTEGER)) FROM entries "
                  "WHERE external_id GLOB 'R-*'"),
            std::int64_t{kRows} * (kRows + 1) / 2);
  EXPECT_TRUE(Has(r.err, "0 rejected")) << r.Describe();
  RunResult v = Run({"verify"});
  EXPECT_EQ(v.exit_code, kExitOk) << v.Describe();
}

}  // namespace
}  // namespace probity::clitest
