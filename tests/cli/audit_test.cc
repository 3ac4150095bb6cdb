// What an auditor and a second treasurer do: check an entry's signature with
// the stock openssl tool from `probity log --json` and `probity key public`
// alone, and sign with a key only once a signer has authorised it.
#include <nlohmann/json.hpp>

#include <regex>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;

// SubjectPublicKeyInfo DER of an Ed25519 key, up to the 32 key bytes (RFC 8410).
constexpr const char* kEd25519SpkiPrefixHex = "302a300506032b6570032100";

// A verifier key NAME+KEYID+BASE64(0x01 || key) as a PEM public key.
std::string PemFromVerifierKey(const std::string& verifier_key) {
  // NAME and KEYID hold no '+'; the base64 may.
  const std::size_t second_plus = verifier_key.find('+', verifier_key.find('+') + 1);
  if (second_plus == std::string::npos) return "";
  const std::string b64 = verifier_key.substr(second_plus + 1);
  Result<Bytes> raw = Base64Decode(b64);
  if (!raw.ok() || raw->size() != 33 || (*raw)[0] != 0x01) return "";
  Bytes der = HexDecode(kEd25519SpkiPrefixHex).value();
  der.insert(der.end(), raw->begin() + 1, raw->end());
  return "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(der) + "\n-----END PUBLIC KEY-----\n";
}

class AuditTest : public PreparedLedgerTest {};

TEST_F(AuditTest, OpensslVerifiesAnEntrySignatureFromTheLogAlone) {
  if (!HaveProgram("openssl")) GTEST_SKIP() << "openssl is not installed";
  RunResult pub = Run({"key", "public", ws_.key});
  ASSERT_EQ(pub.exit_code, kExitOk) << pub.Describe();
  const std::string pem = PemFromVerifierKey(pub.out.substr(0, pub.out.size() - 1));
  ASSERT_FALSE(pem.empty()) << "bad verifier key: " << pub.out;
  WriteFile(ws_.dir / "pub.pem", pem, 0644);

  RunResult log = Run({"log", "--kind", "donation", "--json"});
  ASSERT_EQ(log.exit_code, kExitOk) << log.Describe();
  json entries = json::parse(log.out, nullptr, false);
  ASSERT_TRUE(entries.is_array() && entries.size() == 2) << log.Describe();
  const json& gift = entries[1];  // Paul's 1200 EUR
  const std::string body = gift["body"].get<std::string>();
  ASSERT_TRUE(Has(body, "\"amount_minor\":120000")) << body;
  Result<Bytes> sig = Base64Decode(gift["sig"].get<std::string>());
  ASSERT_TRUE(sig.ok());
  ASSERT_EQ(sig->size(), 64u);
  WriteFile(ws_.dir / "body.bin", body, 0644);
  WriteFile(ws_.dir / "sig.bin", std::string(sig->begin(), sig->end()), 0644);

  // The leaf hash is RFC 9162's: SHA-256(0x00 || body).
  EXPECT_EQ(gift["leaf_hash"],
            HexEncode(Sha256Parts({AsBytes(std::string(1, '\0')), AsBytes(body)})));

  const std::vector<std::string> verify = {"openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                                           ws_.dir / "pub.pem", "-rawin", "-in",
                                           ws_.dir / "body.bin", "-sigfile", ws_.dir / "sig.bin"};
  RunResult good = RunProgram(verify, {});
  EXPECT_EQ(good.exit_code, 0) << good.Describe();
  EXPECT_TRUE(Has(good.out, "Signature Verified Successfully")) << good.Describe();

  std::string flipped = body;
  flipped[flipped.find("120000")] = '9';
  WriteFile(ws_.dir / "body.bin", flipped, 0644);
  RunResult bad = RunProgram(verify, {});
  EXPECT_NE(bad.exit_code, 0) << bad.Describe();
  EXPECT_FALSE(Has(bad.out, "Signature Verified Successfully")) << bad.Describe();
}

TEST_F(AuditTest, ASecondKeySignsOnlyOnceAuthorised) {
  WriteFile(ws_.dir / "bob.pass", "bob's own key passphrase\n");
  RunResult made = Probity({"key", "new", "--name", "bob", "--out", ws_.dir / "bob.key"},
                           {{"PROBITY_KEY_PASSPHRASE_FILE", ws_.dir / "bob.pass"}});
  ASSERT_EQ(made.exit_code, kExitOk) << made.Describe();
  const std::string bob_verifier = made.out.substr(0, made.out.size() - 1);

  Env as_bob = ws_.env;
  as_bob["PROBITY_KEY"] = ws_.dir / "bob.key";
  as_bob["PROBITY_KEY_PASSPHRASE_FILE"] = ws_.dir / "bob.pass";
  const std::vector<std::string> add = {"donor", "add", "--name", "Ada Lovelace", "--type",
                                        "person", "--nationality", "GB", "--residence", "GB"};
  const LedgerState before = StateOf(ws_.ledger);
  RunResult refused = Probity(add, as_bob);
  EXPECT_EQ(refused.exit_code, kExitPassphrase) << refused.Describe();
  EXPECT_TRUE(Has(refused.err, "not an authorised signer")) << refused.Describe();
  EXPECT_TRUE(Has(refused.err, "signer add")) << refused.Describe();
  EXPECT_TRUE(refused.out.empty()) << refused.Describe();
  EXPECT_EQ(StateOf(ws_.ledger), before) << "a refused key wrote to the ledger";

  // Bob cannot authorise himself either.
  RunResult self = Probity({"signer", "add", bob_verifier}, as_bob);
  EXPECT_EQ(self.exit_code, kExitPassphrase) << self.Describe();
  EXPECT_EQ(StateOf(ws_.ledger), before);

  RunResult authorised = Run({"signer", "add", bob_verifier});
  ASSERT_EQ(authorised.exit_code, kExitOk) << authorised.Describe();
  EXPECT_TRUE(std::regex_match(authorised.out, std::regex("[0-9a-f]{8}\n")))
      << authorised.Describe();
  EXPECT_TRUE(Has(bob_verifier, "+" + authorised.out.substr(0, 8) + "+"))
      << "signer add prints the key id of the verifier key";

  RunResult accepted = Probity(add, as_bob);
  ASSERT_EQ(accepted.exit_code, kExitOk) << accepted.Describe();
  EXPECT_TRUE(std::regex_match(accepted.out, std::regex("S-[0-9a-f]{10}\n")))
      << accepted.Describe();

  RunResult verify = Run({"verify", "--json"});
  ASSERT_EQ(verify.exit_code, kExitOk) << verify.Describe();
  json v = json::parse(verify.out, nullptr, false);
  EXPECT_EQ(v["ok"], true) << verify.Describe();
  EXPECT_EQ(v["entries"], PreparedLedger().entries + 2);
  EXPECT_EQ(v["signers"], 2);
}

TEST_F(AuditTest, SignerAddRefusesAMalformedVerifierKey) {
  ExpectNothingWritten({"signer", "add", "bob+12345678+notbase64!"}, kExitUsage,
                       "bad verifier key");
}

}  // namespace
}  // namespace probity::clitest
