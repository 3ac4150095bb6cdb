// Two processes appending to one ledger at once. Each child opens its own
// connection after fork() (a SQLite connection must never cross a fork), so
// the only thing serialising them is the store's write lock (BEGIN IMMEDIATE
// with a busy timeout). Afterwards nothing may be lost, duplicated or forked:
// seq dense, every donation present, the whole file verifying, and the latest
// checkpoint covering the last entry.
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ledger/records.h"
#include "ledger/verify.h"

namespace probity {
namespace {

constexpr int kChildren = 2;
constexpr int kDonationsPerChild = 300;
constexpr int kDonors = 3;

KdfParams CheapKdf() { return KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }
SecretBytes Pass() { return SecretBytes::FromString("concurrency test passphrase"); }

// Runs in a child: no gtest macros here, only an exit code.
int AppendDonations(const std::string& path, const NamedKey& key,
                    const std::vector<std::string>& subjects, const std::string& scope,
                    int ready_fd, int go_fd) {
  auto ledger = Ledger::Open(path, Pass(), CheapKdf());
  if (!ledger.ok()) return 2;
  // Barrier: say we are ready, then wait until the parent closes the go pipe
  // (read returns 0 once every write end is closed).
  const char byte = 'r';
  if (write(ready_fd, &byte, 1) != 1) return 3;
  char ignored = 0;
  if (read(go_fd, &ignored, 1) != 0) return 4;
  const Money amount = ParseMoney("12.34", "EUR", Sign::kPositive).value();
  for (int i = 0; i < kDonationsPerChild; ++i) {
    NewDonation d{subjects[static_cast<std::size_t>(i % kDonors)], amount, "transfer",
                  ParseDate("2026-05-01").value(), scope};
    Result<std::int64_t> seq = AddDonation(**ledger, key, d);
    if (!seq.ok()) {
      fprintf(stderr, "child %s: donation %d: %s\n", scope.c_str(), i,
              seq.status().ToString().c_str());
      return 1;
    }
  }
  return 0;
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    std::string tmpl = (std::filesystem::temp_directory_path() / "probity-conc-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/test.ledger";
    key_ = NamedKey{"treasurer", GenerateSigningKey().value()};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  std::string path_;
  NamedKey key_;
};

TEST_F(ConcurrencyTest, TwoProcessesAppendingAtOnceLoseNothing) {
  std::vector<std::string> subjects;
  {
    auto ledger = Ledger::Create(path_, Pass(), "test.example/concurrency", key_, CheapKdf());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    for (int i = 0; i < kDonors; ++i) {
      NewDonor donor{"person", DonorPii{"Donor " + std::to_string(i), "FR", "FR", "", "", "", ""}};
      auto added = AddDonor(**ledger, key_, donor);
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      subjects.push_back(added->subject);
    }
  }  // closed before fork: the children inherit no connection

  int ready[2];
  int go[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> pids;
  for (int c = 0; c < kChildren; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(ready[0]);
      close(go[1]);
      _exit(AppendDonations(path_, key_, subjects, "child-" + std::to_string(c), ready[1],
                            go[0]));
    }
    pids.push_back(pid);
  }
  close(ready[1]);
  close(go[0]);
  for (int c = 0; c < kChildren; ++c) {
    char byte = 0;
    ASSERT_EQ(read(ready[0], &byte, 1), 1) << "a child died before the barrier";
  }
  close(go[1]);  // both children are open and waiting: let them go together
  close(ready[0]);
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }

  auto ledger = Ledger::Open(path_, Pass(), CheapKdf());
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  const std::int64_t expected = 1 + kDonors + kChildren * kDonationsPerChild;
  EXPECT_EQ((*ledger)->store().EntryCount().value(), expected);
  auto report = VerifyLedger(**ledger);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->failure.ok()) << report->failure.ToString();
  EXPECT_EQ(report->entries, expected);  // verify checks seq is dense from 0
  auto latest = (*ledger)->store().LatestCheckpoint();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->first, expected);
  for (int c = 0; c < kChildren; ++c) {
    auto mine = ListDonations(**ledger, "child-" + std::to_string(c), "");
    ASSERT_TRUE(mine.ok()) << mine.status().ToString();
    EXPECT_EQ(mine->size(), static_cast<std::size_t>(kDonationsPerChild)) << "child " << c;
  }
}

}  // namespace
}  // namespace probity
