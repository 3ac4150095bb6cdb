// Keys, passphrases and where secrets come from: `key new` / `key public`,
// wrong passphrases, a key file others can read, no terminal, the flags that
// stand for the environment variables, and the help of every command.
#include <sys/stat.h>

#include <regex>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

const std::vector<std::string> kDonorArgs = {"donor", "add", "--name", "Marie Curie",
                                             "--nationality", "FR", "--residence", "FR"};

TEST(KeyCommand, NewWritesAPrivateFileAndNeverOverwritesIt) {
  TempDir dir;
  WriteFile(dir / "key.pass", "a long key passphrase\n");
  const Env env{{"PROBITY_KEY_PASSPHRASE_FILE", dir / "key.pass"}};
  RunResult made = Probity({"key", "new", "--name", "alice", "--out", dir / "alice.key"}, env);
  ASSERT_EQ(made.exit_code, kExitOk) << made.Describe();
  EXPECT_EQ(FileMode(dir / "alice.key"), 0600u);
  EXPECT_TRUE(std::regex_match(made.out, std::regex("alice\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}\n")))
      << made.Describe();

  RunResult pub = Probity({"key", "public", dir / "alice.key"}, {});
  EXPECT_EQ(pub.exit_code, kExitOk) << pub.Describe();
  EXPECT_EQ(pub.out, made.out) << "key public must print what key new printed";

  const std::string before = FileSha256Hex(dir / "alice.key");
  RunResult again = Probity({"key", "new", "--name", "alice", "--out", dir / "alice.key"}, env);
  EXPECT_EQ(again.exit_code, kExitUsage) << again.Describe();
  EXPECT_TRUE(Has(again.err, "already exists")) << again.Describe();
  EXPECT_TRUE(again.out.empty());
  EXPECT_EQ(FileSha256Hex(dir / "alice.key"), before);
}

TEST(KeyCommand, NewRefusesAShortPassphraseAndABadName) {
  TempDir dir;
  WriteFile(dir / "short.pass", "short\n");
  RunResult shortpass = Probity({"key", "new", "--name", "bob", "--out", dir / "bob.key"},
                                {{"PROBITY_KEY_PASSPHRASE_FILE", dir / "short.pass"}});
  EXPECT_EQ(shortpass.exit_code, kExitUsage) << shortpass.Describe();
  EXPECT_TRUE(Has(shortpass.err, "at least 8 bytes")) << shortpass.Describe();
  EXPECT_FALSE(FileExists(dir / "bob.key"));

  RunResult badname = Probity({"key", "new", "--name", "bob smith", "--out", dir / "bob.key"},
                              {{"PROBITY_KEY_PASSPHRASE_FILE", dir / "short.pass"}});
  EXPECT_EQ(badname.exit_code, kExitUsage) << badname.Describe();
  EXPECT_FALSE(FileExists(dir / "bob.key"));
}

TEST(KeyCommand, PublicOfAMissingFileIsAnError) {
  TempDir dir;
  RunResult r = Probity({"key", "public", dir / "nope.key"}, {});
  EXPECT_NE(r.exit_code, kExitOk) << r.Describe();
  EXPECT_TRUE(Has(r.err, dir / "nope.key")) << r.Describe();
}

class SecretsTest : public PreparedLedgerTest {};

TEST_F(SecretsTest, WrongLedgerPassphraseIs5) {
  WriteFile(ws_.ledger_pass, "not the passphrase\n");
  RunResult r = ExpectNothingWritten(kDonorArgs, kExitPassphrase, "passphrase does not open");
  EXPECT_TRUE(Has(r.err, ws_.ledger)) << r.Describe();
}

TEST_F(SecretsTest, WrongKeyPassphraseIs5) {
  WriteFile(ws_.key_pass, "not the key passphrase\n");
  RunResult r = ExpectNothingWritten(kDonorArgs, kExitPassphrase, "passphrase");
  EXPECT_TRUE(Has(r.err, "key")) << r.Describe();
}

TEST_F(SecretsTest, KeyFileReadableByOthersIs5AndSaysChmod) {
  ASSERT_EQ(chmod(ws_.key.c_str(), 0644), 0);
  RunResult r = ExpectNothingWritten(kDonorArgs, kExitPassphrase, "chmod 600");
  EXPECT_TRUE(Has(r.err, ws_.key)) << r.Describe();
}

TEST_F(SecretsTest, ThereIsNoPassphraseOption) {
  ExpectNothingWritten({"--passphrase", kLedgerPassphrase, "donor", "list"}, kExitUsage,
                       "--passphrase");
  ExpectNothingWritten({"donor", "list", "--passphrase", kLedgerPassphrase}, kExitUsage,
                       "--passphrase");
  ExpectNothingWritten({"--key-passphrase", kKeyPassphrase, "donor", "list"}, kExitUsage,
                       "--key-passphrase");
}

TEST_F(SecretsTest, WithoutATerminalOrPassphraseFileTheCommandFailsCleanly) {
  ws_.env.erase("PROBITY_PASSPHRASE_FILE");
  RunResult r = ExpectNothingWritten(kDonorArgs, kExitUsage, "no terminal");
  EXPECT_TRUE(Has(r.err, "PROBITY_PASSPHRASE_FILE")) << r.Describe();
}

TEST_F(SecretsTest, ASigningCommandWithoutAKeyNamesTheOption) {
  ws_.env.erase("PROBITY_KEY");
  ExpectNothingWritten(kDonorArgs, kExitUsage, "PROBITY_KEY");
}

TEST_F(SecretsTest, MissingLedgerIsAUsageError) {
  ws_.env["PROBITY_LEDGER"] = ws_.dir / "nothing-here.ledger";
  RunResult r = Run({"verify"});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "probity init")) << r.Describe();
}

// The flags stand for the environment variables, and win over them.
TEST_F(SecretsTest, FlagsInsteadOfEnvironment) {
  const Env only_path;
  RunResult v = Probity({"--ledger", ws_.ledger, "--passphrase-file", ws_.ledger_pass, "--json",
                         "verify"},
                        only_path);
  ASSERT_EQ(v.exit_code, kExitOk) << v.Describe();
  EXPECT_TRUE(Has(v.out, "\"ok\": true")) << v.Describe();

  Env misleading{{"PROBITY_LEDGER", ws_.dir / "elsewhere.ledger"},
                 {"PROBITY_PASSPHRASE_FILE", ws_.dir / "missing.pass"},
                 {"PROBITY_KEY", ws_.dir / "missing.key"},
                 {"PROBITY_KEY_PASSPHRASE_FILE", ws_.dir / "missing.pass"}};
  std::vector<std::string> args{"--ledger", ws_.ledger, "--passphrase-file", ws_.ledger_pass,
                                "--key", ws_.key, "--key-passphrase-file", ws_.key_pass};
  args.insert(args.end(), kDonorArgs.begin(), kDonorArgs.end());
  RunResult add = Probity(args, misleading);
  ASSERT_EQ(add.exit_code, kExitOk) << add.Describe();
  EXPECT_TRUE(std::regex_match(add.out, std::regex("S-[0-9a-f]{10}\n"))) << add.Describe();
  EXPECT_EQ(CountEntries(ws_.ledger), PreparedLedger().entries + 1);
}

TEST(Help, TopLevelAndEverySubcommandHaveHelpWithAnExample) {
  const std::vector<std::vector<std::string>> commands = {
      {},
      {"key"},
      {"key", "new"},
      {"key", "public"},
      {"init"},
      {"signer"},
      {"signer", "add"},
      {"signer", "revoke"},
      {"donor"},
      {"donor", "add"},
      {"donor", "show"},
      {"donor", "list"},
      {"donation"},
      {"donation", "add"},
      {"donation", "list"},
      {"refund"},
      {"consent"},
      {"consent", "grant"},
      {"consent", "withdraw"},
      {"log"},
      {"checkpoint"},
      {"verify"}};
  for (const auto& command : commands) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    RunResult r = Probity(args, {});
    std::string name = "probity";
    for (const std::string& c : command) name += " " + c;
    EXPECT_EQ(r.exit_code, kExitOk) << name << "\n" << r.Describe();
    EXPECT_TRUE(Has(r.out, "example")) << name << " --help has no example\n" << r.Describe();
  }
  RunResult top = Probity({"--help"}, {});
  EXPECT_TRUE(Has(top.out, "PROBITY_PASSPHRASE_FILE")) << top.Describe();
  EXPECT_TRUE(Has(top.out, "Exit codes")) << top.Describe();
}

TEST(Help, NoSubcommandOrAnUnknownOneIsAUsageError) {
  RunResult none = Probity({}, {});
  EXPECT_EQ(none.exit_code, kExitUsage) << none.Describe();
  RunResult unknown = Probity({"frobnicate"}, {});
  EXPECT_EQ(unknown.exit_code, kExitUsage) << unknown.Describe();
  EXPECT_TRUE(Has(unknown.err, "unknown command \"frobnicate\"")) << unknown.Describe();
  RunResult unknown_sub = Probity({"donor", "frob"}, {});
  EXPECT_EQ(unknown_sub.exit_code, kExitUsage) << unknown_sub.Describe();
  EXPECT_TRUE(Has(unknown_sub.err, "\"frob\"")) << unknown_sub.Describe();
}

}  // namespace
}  // namespace probity::clitest
