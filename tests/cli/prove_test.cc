// What a donor does through the DPO: `probity prove` writes one entry's
// inclusion proof (C2SP tlog-proof) and its bytes; `probity verify-proof`
// checks them on another machine with no ledger and no passphrase.
#include <nlohmann/json.hpp>

#include "ledger/crypto.h"
#include "ledger/note.h"
#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;

class ProveTest : public PreparedLedgerTest {
 protected:
  void SetUp() override {
    PreparedLedgerTest::SetUp();
    RunResult pub = Run({"key", "public", ws_.key});
    ASSERT_EQ(pub.exit_code, kExitOk) << pub.Describe();
    trust_ = pub.out.substr(0, pub.out.size() - 1);
    seq_ = std::to_string(PreparedLedger().gift_large_seq);
    proof_ = ws_.dir / "gift.tlog-proof";
    entry_ = ws_.dir / "gift.json";
    RunResult prove = Run({"prove", "--seq", seq_, "--out", proof_, "--entry-out", entry_});
    ASSERT_EQ(prove.exit_code, kExitOk) << prove.Describe();
    EXPECT_TRUE(prove.out.empty()) << prove.Describe();
    // The hint names everything the verifier needs.
    EXPECT_TRUE(Has(prove.err, "probity verify-proof " + proof_ + " --entry " + entry_ +
                                   " --origin " + kOrigin + " --trust " + trust_))
        << prove.Describe();
  }
  // verify-proof on a machine with no ledger: only PATH in the environment.
  RunResult VerifyProof(const std::string& proof, const std::string& entry,
                        std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify-proof", proof, "--entry", entry};
    if (extra.empty()) extra = {"--origin", kOrigin, "--trust", trust_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Probity(args, {});
  }

  std::string trust_, seq_, proof_, entry_;
};

TEST_F(ProveTest, AProofVerifiesWithoutTheLedger) {
  const std::string text = ReadFile(proof_);
  EXPECT_EQ(text.rfind("c2sp.org/tlog-proof@v1\nextra ", 0), 0u) << text;
  EXPECT_TRUE(Has(text, "\nindex " + seq_ + "\n")) << text;
  EXPECT_TRUE(Has(text, "\n\n" + std::string(kOrigin) + "\n")) << text;
  EXPECT_TRUE(Has(ReadFile(entry_), "\"amount_minor\":120000")) << ReadFile(entry_);

  RunResult ok = VerifyProof(proof_, entry_);
  ASSERT_EQ(ok.exit_code, kExitOk) << ok.Describe();
  EXPECT_TRUE(Has(ok.out, "ok: entry " + seq_ + " is in " + kOrigin)) << ok.Describe();
  EXPECT_TRUE(Has(ok.out, "signature by")) << ok.Describe();

  RunResult j = VerifyProof(proof_, entry_, {"--origin", kOrigin, "--trust", trust_, "--json"});
  ASSERT_EQ(j.exit_code, kExitOk) << j.Describe();
  json v = json::parse(j.out, nullptr, false);
  ASSERT_FALSE(v.is_discarded()) << j.Describe();
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["index"], PreparedLedger().gift_large_seq);
  EXPECT_EQ(v["tree_size"], PreparedLedger().entries);
  EXPECT_EQ(v["origin"], kOrigin);
  EXPECT_EQ(v["entry_signature"], "verified");
}

TEST_F(ProveTest, TamperedProofWrongEntryAndWrongTrustExitFour) {
  std::string text = ReadFile(proof_);
  // The first inclusion hash, one character changed (still canonical base64).
  const std::size_t at = text.find('\n', text.find("\nindex ") + 1) + 1;
  text[at] = text[at] == 'A' ? 'B' : 'A';
  WriteFile(ws_.dir / "tampered.tlog-proof", text);
  RunResult tampered = VerifyProof(ws_.dir / "tampered.tlog-proof", entry_);
  EXPECT_EQ(tampered.exit_code, kExitVerification) << tampered.Describe();
  EXPECT_TRUE(Has(tampered.err, "not proved")) << tampered.Describe();
  EXPECT_TRUE(tampered.out.empty()) << tampered.Describe();

  const std::string small = std::to_string(PreparedLedger().gift_small_seq);
  RunResult other = Run({"prove", "--seq", small, "--out", ws_.dir / "small.tlog-proof",
                         "--entry-out", ws_.dir / "small.json"});
  ASSERT_EQ(other.exit_code, kExitOk) << other.Describe();
  RunResult wrong_entry = VerifyProof(proof_, ws_.dir / "small.json");
  EXPECT_EQ(wrong_entry.exit_code, kExitVerification) << wrong_entry.Describe();
  EXPECT_TRUE(Has(wrong_entry.err, "the proof is for index " + seq_)) << wrong_entry.Describe();

  RunResult wrong_origin = VerifyProof(proof_, entry_, {"--origin", "example.org/other",
                                                        "--trust", trust_});
  EXPECT_EQ(wrong_origin.exit_code, kExitVerification) << wrong_origin.Describe();
  EXPECT_TRUE(Has(wrong_origin.err, "another ledger")) << wrong_origin.Describe();

  // A key of the same name that is not the ledger's.
  ASSERT_TRUE(InitCrypto().ok());
  const std::string stranger =
      FormatVerifierKey("treasurer", GenerateSigningKey().value().public_key);
  RunResult untrusted = VerifyProof(proof_, entry_, {"--origin", kOrigin, "--trust", stranger});
  EXPECT_EQ(untrusted.exit_code, kExitVerification) << untrusted.Describe();
  EXPECT_TRUE(Has(untrusted.err, "not signed by any trusted key")) << untrusted.Describe();

  RunResult j = VerifyProof(ws_.dir / "tampered.tlog-proof", entry_,
                            {"--origin", kOrigin, "--trust", trust_, "--json"});
  EXPECT_EQ(j.exit_code, kExitVerification) << j.Describe();
  json v = json::parse(j.out, nullptr, false);
  EXPECT_EQ(v["ok"], false) << j.Describe();
}

TEST_F(ProveTest, MalformedInputExitsTwoAndSaysWhy) {
  std::string crlf;
  for (char c : ReadFile(proof_)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  WriteFile(ws_.dir / "crlf.tlog-proof", crlf);
  RunResult r = VerifyProof(ws_.dir / "crlf.tlog-proof", entry_);
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "carriage return")) << r.Describe();

  WriteFile(ws_.dir / "nl.json", ReadFile(entry_) + "\n");
  r = VerifyProof(proof_, ws_.dir / "nl.json");
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "newline")) << r.Describe();

  WriteFile(ws_.dir / "huge.tlog-proof", std::string(64 * 1024, 'A'));
  r = VerifyProof(ws_.dir / "huge.tlog-proof", entry_);
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "bytes; at most")) << r.Describe();

  r = VerifyProof(ws_.dir / "missing.tlog-proof", entry_);
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "cannot read proof file")) << r.Describe();

  r = VerifyProof(proof_, entry_, {"--origin", kOrigin, "--trust", "treasurer+00000000+AAAA"});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "--trust")) << r.Describe();

  r = VerifyProof(proof_, entry_, {"--trust", trust_});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "--origin")) << r.Describe();
}

TEST_F(ProveTest, ProveNeverOverwritesAndRefusesAnUnknownEntry) {
  const std::string before = ReadFile(proof_);
  RunResult again = Run({"prove", "--seq", "0", "--out", proof_});
  EXPECT_EQ(again.exit_code, kExitUsage) << again.Describe();
  EXPECT_TRUE(Has(again.err, "already exists")) << again.Describe();
  EXPECT_EQ(ReadFile(proof_), before);

  RunResult unknown = Run({"prove", "--seq", "999", "--out", ws_.dir / "x.tlog-proof"});
  EXPECT_EQ(unknown.exit_code, kExitUsage) << unknown.Describe();
  EXPECT_TRUE(Has(unknown.err, "no entry 999")) << unknown.Describe();
  EXPECT_FALSE(FileExists(ws_.dir / "x.tlog-proof"));

  for (const char* cmd : {"prove", "verify-proof"}) {
    RunResult help = Probity({cmd, "--help"}, {});
    EXPECT_EQ(help.exit_code, kExitOk) << help.Describe();
    EXPECT_TRUE(Has(help.out, "example: probity " + std::string(cmd))) << help.Describe();
  }
}

}  // namespace
}  // namespace probity::clitest
