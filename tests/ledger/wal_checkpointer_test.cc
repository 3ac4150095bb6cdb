// The background checkpointer: while it runs, commits that fill the log wake
// its thread, which copies the log into the database file on its own
// connection; the file reopens and verifies.
#include "ledger/wal_checkpointer.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

class WalCheckpointerTest : public LedgerTest {
 protected:
  // One transaction of `n` donation entries: enough pages for the log to
  // pass kWalCheckpointFrames.
  void AppendGifts(int n) {
    auto added = ledger_->Append(key_, [&](AppendBatch& batch) -> Status {
      for (int i = 0; i < n; ++i) {
        EntryDraft d{"donation", Json{{"anonymous", true}, {"amount_minor", 100 + i},
                                      {"currency", "EUR"}, {"method", "cash"},
                                      {"date", "2026-05-01"}, {"scope", "fr-pres-2027"},
                                      {"receipt", std::string(250, 'r')}}};
        PROBITY_RETURN_IF_ERROR(batch.Add(std::move(d)).status());
      }
      return Status::OK();
    });
    ASSERT_TRUE(added.ok()) << added.status().ToString();
  }
};

TEST_F(WalCheckpointerTest, CommitsThatFillTheLogAreCopiedIntoTheFileByTheThread) {
  Store& store = ledger_->store();
  EXPECT_EQ(store.background_checkpoints(), 0);
  ASSERT_TRUE(store.StartBackgroundCheckpoints().ok());
  const auto file_before = std::filesystem::file_size(path_);
  for (int i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(AppendGifts(3000));
  // The thread runs on its own time: wait for it (a functional wait, not a
  // timing: it only bounds how long a broken checkpointer takes to fail).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (store.background_checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(store.background_checkpoints(), 1);
  store.StopBackgroundCheckpoints();
  EXPECT_EQ(store.background_checkpoints(), 0);
  // The pages went from the log into the file: it grew by several batches.
  EXPECT_GT(std::filesystem::file_size(path_), file_before + 1024 * 1024);
  Reopen();
  EXPECT_EQ(Count(), 1 + 3 * 3000);
  Result<VerifyReport> report = VerifyLedger(*ledger_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->failure.ok()) << report->failure.ToString();
}

}  // namespace
}  // namespace probity::testing
