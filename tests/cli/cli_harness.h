// What the end-to-end tests of the probity program share: a temporary
// directory per test, secret files with mode 0600, running the real binary
// (fork + execve, in a new session so that it has no terminal and every
// passphrase prompt fails cleanly) and capturing stdout, stderr and the exit
// code, and one prepared ledger per test process that suites copy.
//
// Key derivation (Argon2id "moderate", ~0.25 s and 256 MiB, or the minimum in
// scripts/test.sh's TEST BUILD: see ProbityKdf) runs once per passphrase per
// command, so the prepared ledger is built once, through the
// CLI, and copied file by file; counting entries to prove that nothing was
// written uses a raw database key derived once (RawKeySql) instead of a
// command that would derive it again.
//
// Not thread safe: tests run one at a time.
#ifndef PROBITY_TESTS_CLI_CLI_HARNESS_H_
#define PROBITY_TESTS_CLI_CLI_HARNESS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger/crypto.h"

namespace probity::clitest {

// Exit codes of DESIGN.md, "The command line (contract)".
constexpr int kExitOk = 0;
constexpr int kExitOperational = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRefused = 3;
constexpr int kExitVerification = 4;
constexpr int kExitPassphrase = 5;

constexpr const char* kLedgerPassphrase = "correct horse battery staple";
constexpr const char* kKeyPassphrase = "treasurer key passphrase";

struct RunResult {
  int exit_code = -1;  // 128 + signal if the child was killed
  bool timed_out = false;  // killed by RunProgram's time limit
  std::string out;
  std::string err;
  // For assertion messages.
  std::string Describe() const;
};

using Env = std::map<std::string, std::string>;

// Runs `argv` (argv[0] is a path, or a name looked up in PATH) with exactly
// `env` (plus PATH), `stdin_text` on its standard input, in a new session
// with no controlling terminal. Gives up (and kills it) after 120 s.
RunResult RunProgram(const std::vector<std::string>& argv, const Env& env,
                     const std::string& stdin_text = "");

// True if `name` is an executable found in PATH.
bool HaveProgram(const std::string& name);

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& bytes, unsigned mode = 0600);
std::string ReadFile(const std::string& path);
void CopyFile(const std::string& from, const std::string& to);  // keeps the mode
bool FileExists(const std::string& path);
unsigned FileMode(const std::string& path);  // permission bits
std::string FileSha256Hex(const std::string& path);

// The ledger built once per process by the CLI (see cli_harness.cc): a scope
// kScope bound to the French party pack, donors Jeanne and Paul, a 150.00 EUR
// cheque from Jeanne, 1200 EUR by transfer from Paul with 200.00 refunded, the
// purpose `newsletter` and Jeanne's consent to it. Entry numbers are as the CLI printed them.
struct Prepared {
  std::string dir;
  std::string ledger, ledger_pass, key, key_pass;
  std::string ledger_id, verifier_key, jeanne, paul;
  std::int64_t gift_small_seq = -1;  // Jeanne, 150.00 EUR cheque
  std::int64_t gift_large_seq = -1;  // Paul, 1200 EUR transfer
  std::int64_t refund_seq = -1;      // 200.00 EUR of the large gift
  std::int64_t consent_seq = -1;     // Jeanne, newsletter
  std::int64_t entries = 0;
  std::string error;  // non-empty if building it failed
};
constexpr const char* kScope = "fr-party-2026";
constexpr const char* kPack = "fr-party-annual";
const Prepared& PreparedLedger();
constexpr const char* kOrigin = "example.org/fr-pres-2027";

// A test's own copy of the prepared ledger, key and passphrase files, and the
// environment that points probity at them.
struct Workspace {
  TempDir dir;
  std::string ledger, ledger_pass, key, key_pass;
  Env env;
};
// Fills `ws` (ledger file copied, never re-created). False if the prepared
// ledger could not be built; `why` says what failed.
bool CopyPrepared(Workspace* ws, std::string* why);

// Runs build/probity with `args`.
// The probity binary under test: $PROBITY_TEST_BIN if set (scripts/test.sh
// runs these tests once more against the release binary), else the one built
// beside this test.
const std::string& ProbityBin();
// The Argon2id cost the binary under test derives ledger keys with: "moderate",
// or libsodium's minimum for a -DPROBITY_TEST_ONLY_WEAK_KDF=ON build (its
// `--version` says TEST BUILD). Tests that open a ledger directly use this.
KdfParams ProbityKdf();
RunResult Probity(const std::vector<std::string>& args, const Env& env);

// The SQLCipher key clause for a ledger made with kLedgerPassphrase: the
// Argon2id key (derived once per salt and cached) and the salt from the head
// of the file: x'<64 hex><32 hex>'.
std::string RawKeyClause(const std::string& ledger_path);
// A sqlcipher shell script prefix that opens the ledger with that key.
std::string SqlcipherKeyScript(const std::string& ledger_path);
// Number of rows in the entries table, read with the raw key; -1 on error.
std::int64_t CountEntries(const std::string& ledger_path);

// Fingerprint of everything a write could touch: entry count and file bytes.
struct LedgerState {
  std::int64_t entries = -1;
  std::string sha256;
  bool operator==(const LedgerState&) const = default;
};
LedgerState StateOf(const std::string& ledger_path);

inline bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Base of the suites that work on a copy of the prepared ledger.
class PreparedLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(CopyPrepared(&ws_, &why)) << why;
  }
  RunResult Run(const std::vector<std::string>& args) { return Probity(args, ws_.env); }
  // Runs a write that must fail with `exit_code` and a stderr naming
  // `problem`, and checks that the ledger file was not changed at all.
  RunResult ExpectNothingWritten(const std::vector<std::string>& args, int exit_code,
                                 const std::string& problem) {
    EXPECT_EQ(StateOf(ws_.ledger).entries, PreparedLedger().entries);
    return ExpectUnchanged(args, exit_code, problem);
  }
  // The same, on a ledger the test has already written to.
  RunResult ExpectUnchanged(const std::vector<std::string>& args, int exit_code,
                            const std::string& problem) {
    const LedgerState before = StateOf(ws_.ledger);
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.Describe();
    EXPECT_TRUE(Has(r.err, problem)) << "stderr should mention \"" << problem << "\"\n"
                                     << r.Describe();
    EXPECT_TRUE(r.out.empty()) << r.Describe();
    EXPECT_EQ(StateOf(ws_.ledger), before) << "the failed command changed the ledger";
    EXPECT_FALSE(FileExists(ws_.ledger + "-wal"));
    return r;
  }

  Workspace ws_;
};

}  // namespace probity::clitest

#endif  // PROBITY_TESTS_CLI_CLI_HARNESS_H_
