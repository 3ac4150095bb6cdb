// kill -9 of an appending process, at random moments and mid-transaction.
// SQLite's WAL with synchronous=FULL promises that a commit is all or
// nothing; these tests check that the ledger built on it keeps that promise:
// after every kill the file opens, verifies in full, never loses a committed
// entry, and never holds part of a multi-entry transaction.
//
// The random delays come from a seeded std::mt19937; the seed is printed and
// can be replayed with PROBITY_CRASH_SEED=<n>.
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "ledger/records.h"
#include "ledger/verify.h"

namespace probity {
namespace {

constexpr int kRandomKillRounds = 24;
constexpr int kBatchKillRounds = 12;
constexpr int kPausedBatchKillRounds = 4;
constexpr int kBatchEntries = 50;
constexpr int kPauseAfterEntries = 25;
constexpr int kDelayMsMin = 1;
constexpr int kDelayMsMax = 200;

KdfParams CrashKdf() { return KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }
SecretBytes CrashPass() { return SecretBytes::FromString("crash test passphrase"); }

std::uint32_t CrashSeed() {
  const char* env = std::getenv("PROBITY_CRASH_SEED");
  if (env != nullptr) return static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10));
  return std::random_device{}();
}

EntryDraft DonationDraft(const std::string& subject) {
  return EntryDraft{"donation", Json{{"subject", subject}, {"amount_minor", 500},
                                     {"currency", "EUR"}, {"method", "card"},
                                     {"date", "2026-05-01"}, {"scope", "crash"}}};
}

// The child's whole life: append until killed. Never returns normally.
// With pause_fd >= 0 it stops half-way through a batch, announces that on
// notify_fd and waits to be killed there.
[[noreturn]] void AppendForever(const std::string& path, const NamedKey& key,
                                const std::string& subject, int batch_entries, int notify_fd,
                                int pause_fd) {
  auto ledger = Ledger::Open(path, CrashPass(), CrashKdf());
  if (!ledger.ok()) _exit(2);
  for (;;) {
    auto seqs = (*ledger)->Append(key, [&](AppendBatch& batch) -> Status {
      for (int i = 0; i < batch_entries; ++i) {
        if (pause_fd >= 0 && i == kPauseAfterEntries) {
          const char byte = 'p';
          if (write(notify_fd, &byte, 1) != 1) _exit(3);
          char ignored = 0;
          for (;;) (void)read(pause_fd, &ignored, 1);  // until SIGKILL
        }
        PROBITY_RETURN_IF_ERROR(batch.Add(DonationDraft(subject)).status());
      }
      return Status::OK();
    });
    if (!seqs.ok()) _exit(1);
  }
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    std::string tmpl = (std::filesystem::temp_directory_path() / "probity-crash-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/test.ledger";
    key_ = NamedKey{"treasurer", GenerateSigningKey().value()};
    seed_ = CrashSeed();
    rng_.seed(seed_);
    std::printf("crash test seed: %u (replay with PROBITY_CRASH_SEED=%u)\n", seed_, seed_);
    auto ledger = Ledger::Create(path_, CrashPass(), "test.example/crash", key_, CrashKdf());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    auto donor = AddDonor(**ledger, key_, NewDonor{"person", DonorPii{"Crash Donor", "FR", "FR",
                                                                      "", "", "", ""}});
    ASSERT_TRUE(donor.ok()) << donor.status().ToString();
    subject_ = donor->subject;
    base_count_ = (*ledger)->store().EntryCount().value();
  }  // the parent's connection is closed before any fork
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Opens the ledger as a fresh process would after the crash, verifies it in
  // full, and returns its entry count (-1 after a failed assertion).
  std::int64_t VerifiedCount() {
    auto ledger = Ledger::Open(path_, CrashPass(), CrashKdf());
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    if (!ledger.ok()) return -1;
    auto report = VerifyLedger(**ledger);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return -1;
    EXPECT_TRUE(report->failure.ok()) << "seed " << seed_ << ": " << report->failure.ToString();
    return report->entries;
  }

  int RandomDelayMs() { return std::uniform_int_distribution<int>(kDelayMsMin, kDelayMsMax)(rng_); }

  // Forks an appender, kills it with SIGKILL after `delay_ms` (or, when
  // pause_mid_batch, once it says it is half-way through a batch), reaps it.
  void RunAndKill(int batch_entries, int delay_ms, bool pause_mid_batch) {
    int notify[2];
    int pause[2];
    ASSERT_EQ(pipe(notify), 0);
    ASSERT_EQ(pipe(pause), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(notify[0]);
      close(pause[1]);
      AppendForever(path_, key_, subject_, batch_entries, notify[1],
                    pause_mid_batch ? pause[0] : -1);
    }
    close(notify[1]);
    close(pause[0]);
    if (pause_mid_batch) {
      char byte = 0;
      EXPECT_EQ(read(notify[0], &byte, 1), 1) << "the child died before pausing";
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    close(notify[0]);
    close(pause[1]);
    // Anything but our SIGKILL means the child failed on its own.
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child exited by itself with status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }

  std::string dir_;
  std::string path_;
  NamedKey key_;
  std::string subject_;
  std::int64_t base_count_ = 0;
  std::uint32_t seed_ = 0;
  std::mt19937 rng_;
};

TEST_F(CrashTest, KillDuringSingleEntryAppendsNeverLosesOrDamages) {
  std::int64_t previous = base_count_;
  for (int round = 0; round < kRandomKillRounds; ++round) {
    const int delay_ms = RandomDelayMs();
    RunAndKill(/*batch_entries=*/1, delay_ms, /*pause_mid_batch=*/false);
    const std::int64_t count = VerifiedCount();
    std::printf("round %2d: killed after %3d ms, %lld entries\n", round, delay_ms,
                static_cast<long long>(count));
    ASSERT_GE(count, previous) << "seed " << seed_ << ": committed entries were lost";
    previous = count;
  }
  EXPECT_GT(previous, base_count_) << "seed " << seed_ << ": no append ever committed";
}

TEST_F(CrashTest, KillDuringBatchKeepsWholeBatchesOnly) {
  std::int64_t previous = base_count_;
  for (int round = 0; round < kBatchKillRounds + kPausedBatchKillRounds; ++round) {
    // The last rounds stop the child inside a batch, so at least those kills
    // surely land mid-transaction; the random ones mostly do too.
    const bool paused = round >= kBatchKillRounds;
    const int delay_ms = RandomDelayMs();
    RunAndKill(kBatchEntries, delay_ms, paused);
    const std::int64_t count = VerifiedCount();
    std::printf("round %2d: killed %s, %lld entries\n", round,
                paused ? "half-way through a batch"
                       : ("after " + std::to_string(delay_ms) + " ms").c_str(),
                static_cast<long long>(count));
    ASSERT_GE(count, previous) << "seed " << seed_ << ": committed entries were lost";
    EXPECT_EQ((count - base_count_) % kBatchEntries, 0)
        << "seed " << seed_ << ": part of a " << kBatchEntries << "-entry transaction survived";
    if (paused) {
      EXPECT_EQ(count, previous) << "the interrupted batch must leave no trace";
    }
    previous = count;
  }
  // On a slow or loaded machine (the sanitizer build in CI) a batch can take
  // longer than every random delay: wait longer, doubling, until one commits.
  for (int extra = 1; previous == base_count_ && extra <= 8; ++extra) {
    RunAndKill(kBatchEntries, kDelayMsMax << extra, /*pause_mid_batch=*/false);
    const std::int64_t count = VerifiedCount();
    ASSERT_GE(count, previous) << "seed " << seed_ << ": committed entries were lost";
    EXPECT_EQ((count - base_count_) % kBatchEntries, 0)
        << "seed " << seed_ << ": part of a " << kBatchEntries << "-entry transaction survived";
    previous = count;
  }
  EXPECT_GT(previous, base_count_) << "seed " << seed_ << ": no batch ever committed";
}

}  // namespace
}  // namespace probity
