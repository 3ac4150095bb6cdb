// The auditor's round trip through the real binary: the treasurer exports an
// audit bundle (in clear with a warning, or sealed to the auditor's key), the
// auditor verifies it on another machine with nothing but the bundle, a
// trusted key and, next quarter, the checkpoint filed last time.
#include <nlohmann/json.hpp>

#include "ledger/crypto.h"
#include "ledger/note.h"
#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;
using Args = std::vector<std::string>;

class BundleCliTest : public PreparedLedgerTest {
 protected:
  // The auditor's machine: no ledger, no ledger passphrase, no treasurer key.
  Env AuditorEnv(const std::string& key = "", const std::string& key_pass = "") {
    Env env;
    if (!key.empty()) {
      env["PROBITY_KEY"] = key;
      env["PROBITY_KEY_PASSPHRASE_FILE"] = key_pass;
    }
    return env;
  }
  std::string Export(const Args& extra = {}) {
    const std::string out = ws_.dir / ("bundle-" + std::to_string(++exports_) + ".probity");
    Args args{"export", "audit", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    return out;
  }
  int exports_ = 0;
};

TEST_F(BundleCliTest, ExportThenVerifyOffline) {
  const Prepared& p = PreparedLedger();
  const std::string cp = ws_.dir / "q1.checkpoint";
  RunResult checkpoint = Run({"checkpoint"});
  ASSERT_EQ(checkpoint.exit_code, kExitOk);
  WriteFile(cp, checkpoint.out, 0644);

  const std::string out = ws_.dir / "q1.probity";
  RunResult exported = Run({"export", "audit", "--out", out});
  ASSERT_EQ(exported.exit_code, kExitOk) << exported.Describe();
  EXPECT_TRUE(Has(exported.err, "personal data in clear")) << exported.Describe();
  EXPECT_EQ(FileMode(out), 0600u);
  RunResult again = Run({"export", "audit", "--out", out});
  EXPECT_EQ(again.exit_code, kExitUsage) << again.Describe();
  EXPECT_TRUE(Has(again.err, "already exists")) << again.Describe();

  const Env auditor = AuditorEnv();
  RunResult ok = Probity({"verify", out, "--trust", p.verifier_key}, auditor);
  ASSERT_EQ(ok.exit_code, kExitOk) << ok.Describe();
  EXPECT_TRUE(
      Has(ok.out, "ok: " + std::string(kOrigin) + ": " + std::to_string(p.entries) + " entries"))
      << ok.Describe();
  EXPECT_TRUE(Has(ok.out, "fr-party-2026 EUR: 2 gifts, 1,350.00 EUR given, 200.00 EUR refunded"))
      << ok.Describe();
  EXPECT_TRUE(Has(ok.out, "2 decisions re-run")) << ok.Describe();
  // Given as a pipe it is read whole (a pipe cannot be read twice): the same answer.
  RunResult piped = RunProgram({ProbityBin(), "verify", "/dev/stdin", "--trust", p.verifier_key},
                               auditor, ReadFile(out));
  EXPECT_EQ(piped.exit_code, kExitOk) << piped.Describe();
  EXPECT_EQ(piped.out, ok.out) << piped.Describe();

  // Next quarter: one more gift, a new bundle that extends the filed checkpoint.
  RunResult gift = Run({"donation", "add", "--donor", p.jeanne, "--amount", "10", "--currency",
                        "EUR", "--method", "cheque", "--date", "2026-06-01", "--scope", kScope});
  ASSERT_EQ(gift.exit_code, kExitOk) << gift.Describe();
  const std::string q2 = Export();
  RunResult since =
      Probity({"verify", q2, "--trust", p.verifier_key, "--since", cp, "--json"}, auditor);
  ASSERT_EQ(since.exit_code, kExitOk) << since.Describe();
  json j = json::parse(since.out, nullptr, false);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["summary"]["entries"], p.entries + 1);
  EXPECT_EQ(j["summary"]["extends"], json::array({p.entries}));

  // The old bundle is older than the checkpoint of the new one.
  const std::string cp2 = ws_.dir / "q2.checkpoint";
  WriteFile(cp2, Run({"checkpoint"}).out, 0644);
  RunResult rollback = Probity({"verify", out, "--trust", p.verifier_key, "--since", cp2}, auditor);
  EXPECT_EQ(rollback.exit_code, kExitVerification) << rollback.Describe();
  EXPECT_TRUE(Has(rollback.err, "cut short")) << rollback.Describe();
}

TEST_F(BundleCliTest, TamperedOrUntrustedBundlesFail) {
  const Prepared& p = PreparedLedger();
  const std::string out = Export();
  const Env auditor = AuditorEnv();
  std::string text = ReadFile(out);
  const std::size_t at = text.find("\"amount_minor\":120000");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 21, "\"amount_minor\":100000");
  const std::string tampered = ws_.dir / "tampered.probity";
  WriteFile(tampered, text);
  RunResult bad = Probity({"verify", tampered, "--trust", p.verifier_key, "--json"}, auditor);
  EXPECT_EQ(bad.exit_code, kExitVerification) << bad.Describe();
  json j = json::parse(bad.out, nullptr, false);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["first_bad_entry"], p.gift_large_seq);
  EXPECT_TRUE(Has(j["error"].get<std::string>(), "signature does not verify")) << bad.Describe();

  RunResult cut = Probity({"verify", tampered, "--trust", p.verifier_key}, auditor);
  EXPECT_TRUE(Has(cut.err, "entry " + std::to_string(p.gift_large_seq))) << cut.Describe();
  WriteFile(tampered, ReadFile(out).substr(0, 500));
  cut = Probity({"verify", tampered, "--trust", p.verifier_key}, auditor);
  EXPECT_EQ(cut.exit_code, kExitVerification) << cut.Describe();
  EXPECT_TRUE(Has(cut.err, "cut short")) << cut.Describe();

  const SigningKey other = GenerateSigningKey().value();
  RunResult untrusted =
      Probity({"verify", out, "--trust", FormatVerifierKey("other", other.public_key)}, auditor);
  EXPECT_EQ(untrusted.exit_code, kExitVerification) << untrusted.Describe();
  EXPECT_TRUE(Has(untrusted.err, "not signed by any key given with --trust"))
      << untrusted.Describe();
  RunResult no_trust = Probity({"verify", out}, auditor);
  EXPECT_EQ(no_trust.exit_code, kExitUsage) << no_trust.Describe();
  EXPECT_TRUE(Has(no_trust.err, "--trust")) << no_trust.Describe();
  RunResult missing =
      Probity({"verify", ws_.dir / "nope.probity", "--trust", p.verifier_key}, auditor);
  EXPECT_EQ(missing.exit_code, kExitUsage) << missing.Describe();  // a wrong path, as for a proof
  EXPECT_TRUE(Has(missing.err, "cannot read bundle")) << missing.Describe();
  RunResult folder = Probity({"verify", ws_.dir.path(), "--trust", p.verifier_key}, auditor);
  EXPECT_EQ(folder.exit_code, kExitUsage) << folder.Describe();
  EXPECT_TRUE(Has(folder.err, "is a directory")) << folder.Describe();
}

TEST_F(BundleCliTest, SealedToTheAuditorsKey) {
  const Prepared& p = PreparedLedger();
  const std::string auditor_key = ws_.dir / "auditor.key";
  const std::string auditor_pass = ws_.dir / "auditor.pass";
  WriteFile(auditor_pass, "auditor passphrase\n");
  Env keygen = AuditorEnv("", "");
  keygen["PROBITY_KEY_PASSPHRASE_FILE"] = auditor_pass;
  RunResult made = Probity({"key", "new", "--name", "auditor", "--out", auditor_key}, keygen);
  ASSERT_EQ(made.exit_code, kExitOk) << made.Describe();
  RunResult pub = Probity({"key", "public", auditor_key}, keygen);
  ASSERT_EQ(pub.exit_code, kExitOk) << pub.Describe();
  const std::string to = pub.out.substr(0, pub.out.size() - 1);

  RunResult bad_to = Run({"export", "audit", "--out", ws_.dir / "x.probity", "--to", "nobody"});
  EXPECT_EQ(bad_to.exit_code, kExitUsage) << bad_to.Describe();
  EXPECT_FALSE(FileExists(ws_.dir / "x.probity"));
  const std::string sealed = Export({"--to", to});
  EXPECT_FALSE(Has(ReadFile(sealed), "Jeanne"));
  EXPECT_FALSE(Has(ReadFile(sealed), "\"kind\""));

  RunResult without_key = Probity({"verify", sealed, "--trust", p.verifier_key}, AuditorEnv());
  EXPECT_EQ(without_key.exit_code, kExitUsage) << without_key.Describe();
  EXPECT_TRUE(Has(without_key.err, "sealed to auditor+")) << without_key.Describe();
  RunResult wrong_key =
      Probity({"verify", sealed, "--trust", p.verifier_key}, AuditorEnv(ws_.key, ws_.key_pass));
  EXPECT_EQ(wrong_key.exit_code, kExitPassphrase) << wrong_key.Describe();
  RunResult ok =
      Probity({"verify", sealed, "--trust", p.verifier_key}, AuditorEnv(auditor_key, auditor_pass));
  EXPECT_EQ(ok.exit_code, kExitOk) << ok.Describe();
  EXPECT_TRUE(Has(ok.out, "2 donors (2 disclosed, 0 erased)")) << ok.Describe();
}

}  // namespace
}  // namespace probity::clitest
