// Proof files (ledger/proof_file.h): every proof of a ledger round-trips, and
// every malformed or tampered proof is refused with the right kind of error.
#include "ledger/proof_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "ledger/encoding.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity {
namespace {

using testing::LedgerTest;
using testing::NewKey;

constexpr const char* kOrigin = "test.example/log";

VerifierKey Verifier(const NamedKey& key) {
  Result<VerifierKey> v = ParseVerifierKey(FormatVerifierKey(key.name, key.key.public_key));
  PROBITY_ASSERT(v.ok());
  return *v;
}

// Replaces the first occurrence of `from` in `text`.
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

class ProofFileTest : public LedgerTest {
 protected:
  ProofTrust Trust() const { return ProofTrust{{Verifier(key_)}, kOrigin}; }
  // Grows the ledger to `size` entries, one transaction (and checkpoint) each.
  void GrowTo(std::int64_t size) {
    while (Count() < size) ASSERT_FALSE(AddPerson("Donor " + std::to_string(Count())).empty());
  }
  std::string Body(std::int64_t seq) { return ledger_->store().GetEntry(seq).value().body; }
  std::string Proof(std::int64_t seq) {
    Result<std::string> proof = MakeEntryProof(*ledger_, seq);
    EXPECT_TRUE(proof.ok()) << proof.status().ToString();
    return proof.ok() ? *proof : std::string();
  }
  Status Check(const std::string& proof, const std::string& entry) {
    return VerifyEntryProof(proof, entry, Trust());
  }
  // The proof of entry 2 in a ledger of 5 entries, and that entry.
  void SetUpSmall() {
    GrowTo(5);
    proof_ = Proof(2);
    entry_ = Body(2);
    ASSERT_TRUE(Check(proof_, entry_).ok());
  }
  std::string proof_, entry_;
};

#define EXPECT_CODE(expr, kind, part)                                          \
  do {                                                                         \
    const Status _s = (expr);                                                  \
    EXPECT_EQ(_s.code(), StatusCode::kind) << _s.ToString();                   \
    EXPECT_NE(_s.message().find(part), std::string::npos) << _s.ToString();    \
  } while (0)

TEST_F(ProofFileTest, EverySeqRoundTripsAtSizesThatAreAndAreNotPowersOfTwo) {
  for (std::int64_t size : {1, 2, 3, 4, 5, 7, 8, 9, 16, 17}) {
    GrowTo(size);
    for (std::int64_t seq = 0; seq < size; ++seq) {
      const std::string proof = Proof(seq);
      ProofReport report;
      Status st = VerifyEntryProof(proof, Body(seq), Trust(), &report);
      ASSERT_TRUE(st.ok()) << "size " << size << " seq " << seq << ": " << st.ToString();
      EXPECT_EQ(report.index, static_cast<std::uint64_t>(seq));
      EXPECT_EQ(report.tree_size, static_cast<std::uint64_t>(size));
      EXPECT_EQ(report.origin, kOrigin);
      EXPECT_EQ(report.entry_sig, EntrySignatureCheck::kVerified);
      EXPECT_EQ(report.checkpoint_signers.size(), 1u);
      EXPECT_EQ(report.root, TreeRoot(ledger_->store(), report.tree_size).value());
      // What the parser reads is what the formatter wrote.
      Result<ProofFile> parsed = ParseProofFile(proof);
      ASSERT_TRUE(parsed.ok());
      EXPECT_EQ(FormatProofFile(*parsed), proof);
    }
  }
}

TEST_F(ProofFileTest, TheFileIsTheSpecsLayout) {
  SetUpSmall();
  const std::vector<std::string> lines = SplitLines(proof_);
  ASSERT_GE(lines.size(), 8u);
  EXPECT_EQ(lines[0], "c2sp.org/tlog-proof@v1");
  EXPECT_EQ(lines[1], "extra " + Base64Encode(ledger_->store().GetEntry(2).value().sig));
  EXPECT_EQ(lines[2], "index 2");
  // PATH(2, D[0:5]) = [L3, MTH(D[0:2]), L4]
  const auto leaf = [&](std::int64_t s) { return ledger_->store().GetEntry(s).value().leaf_hash; };
  EXPECT_EQ(lines[3], Base64Encode(leaf(3)));
  EXPECT_EQ(lines[4], Base64Encode(NodeHash(leaf(0), leaf(1))));
  EXPECT_EQ(lines[5], Base64Encode(leaf(4)));
  EXPECT_EQ(lines[6], "");
  EXPECT_EQ(proof_.substr(proof_.find("\n\n") + 2), ledger_->LatestCheckpoint().value());
}

TEST_F(ProofFileTest, ManyProofsShareOneCheckpoint) {
  GrowTo(6);
  const std::vector<std::int64_t> seqs = {5, 0, 3};
  Result<std::vector<std::string>> proofs = MakeEntryProofs(*ledger_, seqs);
  ASSERT_TRUE(proofs.ok()) << proofs.status().ToString();
  ASSERT_EQ(proofs->size(), 3u);
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    EXPECT_TRUE(Check((*proofs)[i], Body(seqs[i])).ok());
    EXPECT_EQ((*proofs)[i], Proof(seqs[i]));
  }
}

TEST_F(ProofFileTest, ProveRefusesAnEntryTheCheckpointDoesNotCover) {
  GrowTo(3);
  EXPECT_CODE(MakeEntryProof(*ledger_, 3).status(), kNotFound, "entries 0 to 2");
  EXPECT_CODE(MakeEntryProof(*ledger_, -1).status(), kNotFound, "no entry -1");
}

TEST_F(ProofFileTest, WithoutTheExtraLineTheEntrySignatureIsNotChecked) {
  SetUpSmall();
  const std::string bare = proof_.substr(0, proof_.find('\n') + 1) +
                           proof_.substr(proof_.find("index "));
  ProofReport report;
  ASSERT_TRUE(VerifyEntryProof(bare, entry_, Trust(), &report).ok());
  EXPECT_EQ(report.entry_sig, EntrySignatureCheck::kAbsent);
}

TEST_F(ProofFileTest, AWrongEntrySignatureInExtraFails) {
  SetUpSmall();
  const std::string other_sig = Base64Encode(ledger_->store().GetEntry(3).value().sig);
  const std::vector<std::string> lines = SplitLines(proof_);
  EXPECT_CODE(Check(Replace(proof_, lines[1], "extra " + other_sig), entry_), kVerificationFailed,
              "entry's signature");
}

TEST_F(ProofFileTest, AnEntryByAnUntrustedSignerIsProvedButItsSignatureNotChecked) {
  NamedKey bob = NewKey("bob");
  ASSERT_TRUE(ledger_
                  ->Append(key_, [&](AppendBatch& b) {
                    return b.Add(EntryDraft{"signer_added",
                                            Json{{"signer_name", "bob"},
                                                 {"signer_key", Base64Encode(bob.key.public_key)}}})
                        .status();
                  })
                  .ok());
  ASSERT_TRUE(AddDonor(*ledger_, bob, NewDonor{"person", DonorPii{"Y", "", "", "", "", "", ""}}).ok());
  const std::int64_t by_bob = Count() - 1;
  AddPerson("after bob");  // the latest checkpoint is the treasurer's again
  ProofReport report;
  ASSERT_TRUE(VerifyEntryProof(Proof(by_bob), Body(by_bob), Trust(), &report).ok());
  EXPECT_EQ(report.entry_sig, EntrySignatureCheck::kNotTrusted);
  EXPECT_EQ(report.entry_signer, KeyIdHex(NoteKeyId("bob", bob.key.public_key)));
  // Trusting bob alone: the checkpoint is not his.
  EXPECT_CODE(VerifyEntryProof(Proof(by_bob), Body(by_bob), ProofTrust{{Verifier(bob)}, kOrigin}),
              kVerificationFailed, "not signed by any trusted key");
  // Trusting both: his signature is checked too.
  ASSERT_TRUE(VerifyEntryProof(Proof(by_bob), Body(by_bob),
                               ProofTrust{{Verifier(key_), Verifier(bob)}, kOrigin}, &report)
                  .ok());
  EXPECT_EQ(report.entry_sig, EntrySignatureCheck::kVerified);
}

TEST_F(ProofFileTest, MalformedHeaderAndLinesAreInvalidArgument) {
  SetUpSmall();
  const std::vector<std::string> lines = SplitLines(proof_);
  EXPECT_CODE(Check("", entry_), kInvalidArgument, "cut short");
  EXPECT_CODE(Check(Replace(proof_, "tlog-proof@v1", "tlog-proof@v2"), entry_), kInvalidArgument,
              "line 1");
  EXPECT_CODE(Check(Replace(proof_, "c2sp.org/tlog-proof@v1\n", ""), entry_), kInvalidArgument,
              "line 1");
  EXPECT_CODE(Check(Replace(proof_, "c2sp", " c2sp"), entry_), kInvalidArgument, "header");
  // The extra line twice, or after the index.
  EXPECT_CODE(Check(Replace(proof_, lines[1], lines[1] + "\n" + lines[1]), entry_),
              kInvalidArgument, "line 3");
  EXPECT_CODE(Check(Replace(Replace(proof_, lines[1] + "\n", ""), "index 2\n",
                            "index 2\n" + lines[1] + "\n"),
                    entry_),
              kInvalidArgument, "line 3");
  EXPECT_CODE(Check(Replace(proof_, lines[1], "extra " + lines[3]), entry_), kInvalidArgument,
              "line 2");
  EXPECT_CODE(Check(Replace(proof_, lines[1], "extra"), entry_), kInvalidArgument, "line 2");
  // The index line.
  EXPECT_CODE(Check(Replace(proof_, "index 2\n", ""), entry_), kInvalidArgument, "line 3");
  for (const char* bad : {"index 02", "index -2", "index 2 ", "index  2", "index +2", "index",
                          "Index 2", "index 18446744073709551616", "index 0x2"}) {
    EXPECT_CODE(Check(Replace(proof_, "index 2", bad), entry_), kInvalidArgument, "line 3");
  }
  // No blank line before the checkpoint, or a stray one.
  EXPECT_CODE(Check(Replace(proof_, lines[5] + "\n\n", lines[5] + "\n"), entry_),
              kInvalidArgument, "line 7");
  EXPECT_CODE(Check(Replace(proof_, lines[4] + "\n", lines[4] + "\n\n"), entry_),
              kInvalidArgument, "checkpoint");
}

TEST_F(ProofFileTest, HashLinesMustBeCanonicalBase64OfThirtyTwoBytes) {
  SetUpSmall();
  const std::string h = SplitLines(proof_)[4];
  ASSERT_EQ(h.size(), 44u);
  // Non-zero padding bits: the 43rd character carries two unused bits.
  std::string loose = h;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  loose[42] = alphabet[alphabet.find(h[42]) ^ 1u];
  EXPECT_CODE(Check(Replace(proof_, h, loose), entry_), kInvalidArgument, "line 5");
  for (const std::string& bad : {h.substr(0, 43), h + "=", h.substr(0, 40) + "====",
                                 " " + h, h + " ", Base64Encode(Bytes(31, 7)),
                                 Base64Encode(Bytes(33, 7)), std::string("*") + h.substr(1)}) {
    EXPECT_CODE(Check(Replace(proof_, h, bad), entry_), kInvalidArgument, "line 5");
  }
}

TEST_F(ProofFileTest, AtMostSixtyFourHashes) {
  SetUpSmall();
  const std::string head = proof_.substr(0, proof_.find("index 2\n") + 8);
  const std::string note = proof_.substr(proof_.find("\n\n") + 2);
  std::string hashes;
  for (int i = 0; i < 64; ++i) hashes += Base64Encode(Hash{}) + "\n";
  // 64 parse, and fail as a proof of the wrong length.
  EXPECT_CODE(Check(head + hashes + "\n" + note, entry_), kVerificationFailed, "not proved");
  EXPECT_CODE(Check(head + hashes + Base64Encode(Hash{}) + "\n\n" + note, entry_), kInvalidArgument,
              "more than 64");
}

TEST_F(ProofFileTest, CrlfTrailingGarbageTruncationAndSizeAreRefused) {
  SetUpSmall();
  std::string crlf;
  for (char c : proof_) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_CODE(Check(crlf, entry_), kInvalidArgument, "carriage return");
  EXPECT_CODE(Check(proof_ + "x", entry_), kInvalidArgument, "checkpoint");
  EXPECT_CODE(Check(proof_ + "\n", entry_), kInvalidArgument, "checkpoint");
  EXPECT_CODE(Check(proof_ + "garbage\n", entry_), kInvalidArgument, "checkpoint");
  std::string huge = proof_;
  huge.resize(kProofFileBytesMax + 1, 'A');
  EXPECT_CODE(Check(huge, entry_), kInvalidArgument, "more than");
  // Every cut is refused, and says why.
  for (std::size_t n = 0; n < proof_.size(); ++n) {
    const Status st = Check(proof_.substr(0, n), entry_);
    EXPECT_FALSE(st.ok()) << "cut at " << n;
    EXPECT_FALSE(st.message().empty());
  }
}

TEST_F(ProofFileTest, TheWrongEntryFails) {
  SetUpSmall();
  EXPECT_CODE(Check(proof_, Body(3)), kVerificationFailed, "the proof is for index 2");
  EXPECT_CODE(Check(proof_, entry_ + "\n"), kInvalidArgument, "newline");
  EXPECT_CODE(Check(proof_, ""), kInvalidArgument, "not a canonical");
  EXPECT_CODE(Check(proof_, Replace(entry_, "{", "{ ")), kInvalidArgument, "not a canonical");
  EXPECT_CODE(Check(proof_, std::string(kProofEntryBytesMax + 1, ' ')), kInvalidArgument,
              "more than");
  // Entry 2 of another ledger with the same origin: canonical, seq 2, not in this tree.
  testing::TempDir other_dir;
  auto other = Ledger::Create(other_dir.File("o.ledger"), testing::Pass(), kOrigin, key_,
                              testing::FastKdf());
  ASSERT_TRUE(other.ok());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(AddDonor(**other, key_, NewDonor{"person", DonorPii{"Z", "", "", "", "", "", ""}}).ok());
  }
  const std::string foreign = (*other)->store().GetEntry(2).value().body;
  EXPECT_CODE(Check(proof_, foreign), kVerificationFailed, "not proved");
}

TEST_F(ProofFileTest, TrustAndOriginAreChecked) {
  SetUpSmall();
  NamedKey stranger = NewKey("treasurer");  // same name, another key
  EXPECT_CODE(VerifyEntryProof(proof_, entry_, ProofTrust{{Verifier(stranger)}, kOrigin}),
              kVerificationFailed, "not signed by any trusted key");
  EXPECT_CODE(VerifyEntryProof(proof_, entry_, ProofTrust{{Verifier(key_)}, "test.example/other"}),
              kVerificationFailed, "another ledger");
  EXPECT_CODE(VerifyEntryProof(proof_, entry_, ProofTrust{{}, kOrigin}), kInvalidArgument,
              "no trusted key");
  EXPECT_CODE(VerifyEntryProof(proof_, entry_, ProofTrust{{Verifier(key_)}, ""}), kInvalidArgument,
              "no origin");
  // A stranger's key among the trusted ones changes nothing.
  EXPECT_TRUE(VerifyEntryProof(proof_, entry_, ProofTrust{{Verifier(stranger), Verifier(key_)},
                                                          kOrigin})
                  .ok());
}

TEST_F(ProofFileTest, CosignaturesByUnknownKeysAreIgnoredButABadTrustedOneFails) {
  SetUpSmall();
  const std::string note = ledger_->LatestCheckpoint().value();
  const std::string body = ParseNote(note).value().body;
  NamedKey witness = NewKey("witness.example");
  const std::string cosigned = SignNote(body, witness.name, witness.key);
  const std::string witness_line = cosigned.substr(cosigned.rfind("\n\n") + 2);
  // An Ed25519 line by an unknown key, and one of another algorithm (72 bytes).
  std::string other_alg = "\xE2\x80\x94 witness2.example " + Base64Encode(Bytes(76, 9)) + "\n";
  EXPECT_TRUE(Check(proof_ + witness_line + other_alg, entry_).ok());
  // A second line by the trusted key that does not verify: the note is rejected.
  std::string forged = SplitLines(note).back();
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_CODE(Check(proof_ + forged + "\n", entry_), kVerificationFailed, "does not verify");
}

TEST_F(ProofFileTest, TamperedHashesAndCheckpointFail) {
  SetUpSmall();
  const std::vector<std::string> lines = SplitLines(proof_);
  Hash h = Base64DecodeFixed<32>(lines[4], "hash").value();
  h[0] ^= 1;
  EXPECT_CODE(Check(Replace(proof_, lines[4], Base64Encode(h)), entry_), kVerificationFailed,
              "not proved");
  EXPECT_CODE(Check(Replace(proof_, lines[4] + "\n", ""), entry_), kVerificationFailed,
              "not proved");
  EXPECT_CODE(Check(Replace(proof_, lines[3] + "\n" + lines[4], lines[4] + "\n" + lines[3]),
                    entry_),
              kVerificationFailed, "not proved");
  EXPECT_CODE(Check(Replace(proof_, "index 2", "index 3"), entry_), kVerificationFailed,
              "index 3");
  EXPECT_CODE(Check(Replace(proof_, "\n5\n", "\n6\n"), entry_), kVerificationFailed,
              "does not verify");
  EXPECT_CODE(Check(Replace(proof_, kOrigin, "test.example/lo"), entry_), kVerificationFailed,
              "does not verify");
}

// Every single-bit flip in two positions per byte: refused (never a crash), or
// a no-op that still proves the same entry at the same place.
TEST_F(ProofFileTest, FlippingAnyByteNeverPassesSilently) {
  SetUpSmall();
  const ProofFile original = ParseProofFile(proof_).value();
  int passed = 0;
  for (std::size_t i = 0; i < proof_.size(); ++i) {
    for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x20}, std::uint8_t{0x80}}) {
      std::string flipped = proof_;
      flipped[i] = static_cast<char>(static_cast<std::uint8_t>(flipped[i]) ^ bit);
      if (!Check(flipped, entry_).ok()) continue;
      ++passed;
      const ProofFile parsed = ParseProofFile(flipped).value();
      EXPECT_EQ(parsed.index, original.index) << "byte " << i;
      EXPECT_EQ(parsed.inclusion, original.inclusion) << "byte " << i;
      EXPECT_EQ(ParseNote(parsed.checkpoint).value().body,
                ParseNote(original.checkpoint).value().body)
          << "byte " << i;
    }
  }
  EXPECT_EQ(passed, 0) << "no flip of this proof should still verify";
}

}  // namespace
}  // namespace probity

namespace probity {
namespace {

std::string ReadVector(const std::string& name) {
  std::ifstream in(std::string(PROBITY_VECTORS_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The worked example of docs/format.md, section 8.1: real output of
// `probity prove`, kept under tests/vectors/ and quoted in the document.
TEST(ProofFileExample, TheDocumentedProofVerifiesAndIsQuotedVerbatim) {
  ASSERT_TRUE(InitCrypto().ok());
  const std::string proof = ReadVector("tlog_proof_example.tlog-proof");
  const std::string entry = ReadVector("tlog_proof_example_entry.json");
  std::string key_text = ReadVector("tlog_proof_example_key.txt");
  ASSERT_FALSE(key_text.empty());
  key_text.pop_back();  // its newline
  Result<VerifierKey> key = ParseVerifierKey(key_text);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  ProofReport report;
  const ProofTrust trust{{*key}, "example.org/fr-pres-2027"};
  ASSERT_TRUE(VerifyEntryProof(proof, entry, trust, &report).ok());
  EXPECT_EQ(report.index, 5u);
  EXPECT_EQ(report.tree_size, 9u);
  EXPECT_EQ(report.entry_sig, EntrySignatureCheck::kVerified);

  const std::string doc = ReadVector("../../docs/format.md");
  EXPECT_NE(doc.find("\n" + proof + "```\n"), std::string::npos)
      << "docs/format.md section 8.1 must quote tests/vectors/tlog_proof_example.tlog-proof";
  EXPECT_NE(doc.find("\n" + entry + "\n"), std::string::npos);
  EXPECT_NE(doc.find(key_text), std::string::npos);
}

}  // namespace
}  // namespace probity
