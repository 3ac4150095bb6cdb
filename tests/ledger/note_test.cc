#include "ledger/note.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/encoding.h"

namespace probity {
namespace {

const std::string kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotp"
    "RZb6KE6RyyBwJnAM=\n";

std::string ReadVectorFile(const std::string& name) {
  std::ifstream in(std::string(PROBITY_VECTORS_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open vector file " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The "field VALUE" lines of sumdb_note_keys.txt, in order, per field.
std::map<std::string, std::vector<std::string>> ReadNoteKeys() {
  std::istringstream in(ReadVectorFile("sumdb_note_keys.txt"));
  std::map<std::string, std::vector<std::string>> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.find(' ');
    out[line.substr(0, space)].push_back(line.substr(space + 1));
  }
  return out;
}

class NoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    keys_ = ReadNoteKeys();
    ASSERT_EQ(keys_["vkey"].size(), 2u);
    ASSERT_EQ(keys_["text_line"].size(), 2u);
    text_ = keys_["text_line"][0] + "\n" + keys_["text_line"][1] + "\n";
    Result<VerifierKey> peter = ParseVerifierKey(keys_["vkey"][0]);
    Result<VerifierKey> enoch = ParseVerifierKey(keys_["vkey"][1]);
    ASSERT_TRUE(peter.ok()) << peter.status().ToString();
    ASSERT_TRUE(enoch.ok()) << enoch.status().ToString();
    peter_ = *peter;
    enoch_ = *enoch;
    Result<SigningKey> key = GenerateSigningKey();
    ASSERT_TRUE(key.ok());
    ours_ = std::move(key).value();
  }

  VerifierKey OurVerifier(const std::string& name) {
    return ParseVerifierKey(FormatVerifierKey(name, ours_.public_key)).value();
  }

  void ExpectMalformed(const std::string& text, const std::string& needle = "") {
    Result<ParsedNote> r = ParseNote(text);
    ASSERT_FALSE(r.ok()) << "accepted:\n" << text;
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(needle), std::string::npos)
        << "message lacks \"" << needle << "\": " << r.status().message();
  }

  std::map<std::string, std::vector<std::string>> keys_;
  std::string text_;
  VerifierKey peter_, enoch_;
  SigningKey ours_;
};

// ---- Interoperability with golang.org/x/mod/sumdb/note -----------------------

TEST_F(NoteTest, GoVerifierKeysParseAndFormatBack) {
  EXPECT_EQ(peter_.name, "PeterNeumann");
  EXPECT_EQ(KeyIdHex(peter_.id), "c74f20a3");
  EXPECT_EQ(NoteKeyId(peter_.name, peter_.key), peter_.id);
  EXPECT_EQ(FormatVerifierKey(peter_.name, peter_.key), keys_["vkey"][0]);
  EXPECT_EQ(enoch_.name, "EnochRoot");
  EXPECT_EQ(KeyIdHex(enoch_.id), "af0cfe78");
  EXPECT_EQ(FormatVerifierKey(enoch_.name, enoch_.key), keys_["vkey"][1]);
}

TEST_F(NoteTest, GoSignedNoteVerifies) {
  Result<ParsedNote> note = ParseNote(ReadVectorFile("sumdb_note_signed.txt"));
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->body, text_);
  ASSERT_EQ(note->signatures.size(), 2u);
  EXPECT_EQ(note->signatures[0].name, "PeterNeumann");
  EXPECT_EQ(KeyIdHex(note->signatures[0].id), "c74f20a3");
  EXPECT_EQ(note->signatures[1].name, "EnochRoot");
  EXPECT_TRUE(VerifyNote(*note, peter_).ok());
  EXPECT_TRUE(VerifyNote(*note, enoch_).ok());
  EXPECT_TRUE(VerifyNote(*note, OurVerifier("PeterNeumann"))
                  .IsVerificationFailed());  // same name, other key
  note->body[3] ^= 0x01;                     // flipped byte in the text
  EXPECT_TRUE(VerifyNote(*note, peter_).IsVerificationFailed());
}

TEST_F(NoteTest, SignsExactlyAsGoDoes) {
  // Go's signer key is PRIVATE+KEY+NAME+KEYID+base64(0x01 || seed).
  const std::string skey = keys_["skey"].at(0);
  const std::string prefix = "PRIVATE+KEY+PeterNeumann+c74f20a3+";
  ASSERT_EQ(skey.rfind(prefix, 0), 0u);
  Result<Bytes> raw = Base64Decode(skey.substr(prefix.size()));
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 33u);
  ASSERT_EQ((*raw)[0], 0x01);
  Result<SigningKey> key = SigningKeyFromSeed(ByteSpan(*raw).subspan(1));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key, peter_.key);
  EXPECT_EQ(SignNote(text_, "PeterNeumann", *key), text_ + "\n" + keys_["peter_sig"].at(0) + "\n");
  EXPECT_EQ(keys_["peter_sig"].at(0) + "\n", kPeterSig);
}

TEST_F(NoteTest, ParsesTheC2spCheckpointExample) {
  Result<ParsedNote> note = ParseNote(ReadVectorFile("c2sp_checkpoint_example.txt"));
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].name, "example.com/behind-the-sofa");
  Result<Checkpoint> cp = ParseCheckpointBody(note->body);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->tree_size, 20852163u);
  EXPECT_EQ(Base64Encode(cp->root_hash), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_EQ(FormatCheckpointBody(*cp), note->body);
}

// ---- Verifier keys -------------------------------------------------------------

TEST_F(NoteTest, VerifierKeyManglingsAreRefused) {
  // As the reference test does: every proper substring and every bumped byte fails.
  const std::string vkey = keys_["vkey"][0];
  for (std::size_t i = 0; i <= vkey.size(); ++i) {
    for (std::size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(ParseVerifierKey(vkey.substr(i, j - i)).ok()) << vkey.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < vkey.size(); ++i) {
    std::string bumped = vkey;
    ++bumped[i];
    EXPECT_FALSE(ParseVerifierKey(bumped).ok()) << bumped;
  }
  // From the reference test: wrong key length and unknown algorithm, each
  // with a key id adjusted to match.
  EXPECT_FALSE(
      ParseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
          .ok());
  EXPECT_FALSE(
      ParseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  EXPECT_FALSE(
      ParseVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  EXPECT_FALSE(ParseVerifierKey(std::string(kVerifierKeyBytesMax + 1, 'a')).ok());
  EXPECT_TRUE(ParseVerifierKey("Peter+Neumann").status().IsInvalidArgument());
}

TEST_F(NoteTest, KeyNames) {
  EXPECT_TRUE(IsValidNoteKeyName("example.com/log42"));
  EXPECT_TRUE(IsValidNoteKeyName("quasimodo.example/salvatore"));
  EXPECT_TRUE(IsValidNoteKeyName("\xC3\xA9t\xC3\xA9"));      // UTF-8 is allowed
  EXPECT_TRUE(IsValidNoteKeyName("smile\xF0\x9F\x98\x80"));  // 4-byte UTF-8 too
  EXPECT_FALSE(IsValidNoteKeyName("\xE2\x80"));              // truncated sequence
  EXPECT_FALSE(IsValidNoteKeyName("\xF4\x90\x80\x80"));      // past U+10FFFF
  EXPECT_FALSE(IsValidNoteKeyName("\xE0\x80\xAF"));          // overlong
  EXPECT_FALSE(IsValidNoteKeyName("\x80"));                  // lone continuation byte
  for (std::string_view bad : {"", "a b", "a+b", "a\tb", "a\nb",
                               "a\xC2\xA0"
                               "b",
                               "a\xE3\x80\x80"
                               "b",
                               "\xFF", "\xC0\xAF", "\xED\xA0\x80"}) {
    EXPECT_FALSE(IsValidNoteKeyName(bad)) << bad;
  }
}

// ---- Signing and verifying our own notes ---------------------------------------

TEST_F(NoteTest, SignThenVerifyAndTamper) {
  const std::string note_text = SignNote(text_, "treasurer", ours_);
  Result<ParsedNote> note = ParseNote(note_text);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->body, text_);
  EXPECT_TRUE(VerifyNote(*note, OurVerifier("treasurer")).ok());
  EXPECT_TRUE(VerifyNote(*note, peter_).IsVerificationFailed());  // wrong key: no signature by it
  EXPECT_TRUE(VerifyNote(*note, OurVerifier("dpo")).IsVerificationFailed());
  ParsedNote bad_sig = *note;
  bad_sig.signatures[0].sig[10] ^= 0x04;
  EXPECT_TRUE(VerifyNote(bad_sig, OurVerifier("treasurer")).IsVerificationFailed());
}

TEST_F(NoteTest, BodyMayHoldBlankLines) {
  const std::string body = "first\n\nthird\n\n";
  Result<ParsedNote> note = ParseNote(SignNote(body, "treasurer", ours_));
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->body, body);
  EXPECT_TRUE(VerifyNote(*note, OurVerifier("treasurer")).ok());
}

TEST_F(NoteTest, UnknownSignersAreIgnoredKnownBadOnesAreNot) {
  const std::string note_text = SignNote(text_, "treasurer", ours_);
  // A witness cosignature: another name, 4 + 72 bytes, an algorithm we do not speak.
  Bytes cosig = {1, 2, 3, 4};
  cosig.resize(4 + 72, 9);
  const std::string witness = "\xE2\x80\x94 witness.example/w1 " + Base64Encode(cosig) + "\n";
  Result<ParsedNote> with_witness = ParseNote(note_text + witness);
  ASSERT_TRUE(with_witness.ok()) << with_witness.status().ToString();
  ASSERT_EQ(with_witness->signatures.size(), 2u);
  EXPECT_EQ(with_witness->signatures[1].sig_bytes, 72u);
  EXPECT_TRUE(VerifyNote(*with_witness, OurVerifier("treasurer")).ok());

  // A second, bad signature under our own name and key id: the note is rejected.
  const VerifierKey ours = OurVerifier("treasurer");
  Bytes forged(ours.id.begin(), ours.id.end());
  forged.resize(4 + 64, 0x55);
  const std::string forged_line = "\xE2\x80\x94 treasurer " + Base64Encode(forged) + "\n";
  Result<ParsedNote> with_forged = ParseNote(note_text + forged_line);
  ASSERT_TRUE(with_forged.ok());
  EXPECT_TRUE(VerifyNote(*with_forged, ours).IsVerificationFailed());
  // Our name and key id, but not an Ed25519-sized signature: also rejected.
  forged.resize(4 + 72, 0x55);
  Result<ParsedNote> odd_size =
      ParseNote(note_text + "\xE2\x80\x94 treasurer " + Base64Encode(forged) + "\n");
  ASSERT_TRUE(odd_size.ok());
  EXPECT_TRUE(VerifyNote(*odd_size, ours).IsVerificationFailed());
}

// ---- Malformed notes -------------------------------------------------------------

TEST_F(NoteTest, RefusesMalformedNotes) {
  // The reference implementation's list of malformed messages.
  ExpectMalformed(text_, "no blank line");
  ExpectMalformed(text_ + "\n", "no signature lines");
  ExpectMalformed(text_ + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1), "no final newline");
  ExpectMalformed("\x01" + text_ + "\n" + kPeterSig, "control character");
  ExpectMalformed("\xff" + text_ + "\n" + kPeterSig, "invalid UTF-8");
  ExpectMalformed(text_ +
                  "\n\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
                  "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
  ExpectMalformed(text_ + "\n" + kPeterSig + "Unexpected line.\n", "em dash");
  // Ours.
  ExpectMalformed(text_ + "\n- PeterNeumann x08go/ZJku=\n", "em dash");
  ExpectMalformed(text_ + "\n\xE2\x80\x94PeterNeumann x08go/ZJkuBS9U\n", "em dash");
  ExpectMalformed(text_ + "\n\xE2\x80\x94 PeterNeumann\n", "no signature");
  ExpectMalformed(text_ + "\n\xE2\x80\x94  x08go/ZJkuBS9U\n", "invalid key name");
  ExpectMalformed(text_ + "\n\xE2\x80\x94 Peter+Neumann x08go/ZJkuBS9U\n", "invalid key name");
  ExpectMalformed(text_ + "\n\xE2\x80\x94 PeterNeumann x08gow==\n", "too short");  // key id only
  ExpectMalformed(text_ + "\n\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9U=\n", "PeterNeumann");
  ExpectMalformed(text_ + "\n\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9U \n", "PeterNeumann");
  ExpectMalformed(text_ + "\n" + kPeterSig + "\n", "no signature lines");
  std::string crlf = text_ + "\n" + kPeterSig;
  crlf.insert(crlf.size() - 1, "\r");
  ExpectMalformed(crlf, "control character");
  ExpectMalformed(text_ + "\n" + kPeterSig.substr(0, 30) + "\n", "");  // truncated signature
}

TEST_F(NoteTest, SignatureCountAndSizeLimits) {
  std::string sixteen = text_ + "\n";
  for (std::size_t i = 0; i < kNoteSignaturesMax; ++i) sixteen += kPeterSig;
  Result<ParsedNote> ok = ParseNote(sixteen);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->signatures.size(), kNoteSignaturesMax);
  EXPECT_TRUE(VerifyNote(*ok, peter_).ok());
  ExpectMalformed(sixteen + kPeterSig, "more than 16 signatures");

  std::string big_body;
  while (big_body.size() + 200 < kNoteBytesMax) big_body += std::string(99, 'x') + "\n";
  const std::string at_limit = SignNote(big_body, "treasurer", ours_);
  ASSERT_LE(at_limit.size(), kNoteBytesMax);
  EXPECT_TRUE(ParseNote(at_limit).ok());
  ExpectMalformed(std::string(kNoteBytesMax - at_limit.size() + 1, 'y') + at_limit,
                  "more than the 16384");
}

// ---- Checkpoints -------------------------------------------------------------------

Hash TestRoot() { return Sha256(AsBytes("root")); }

TEST_F(NoteTest, CheckpointRoundTripsAndVerifies) {
  for (std::uint64_t size :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{20852163}, UINT64_MAX}) {
    Checkpoint cp{"probity/4f1c", size, TestRoot()};
    const std::string body = FormatCheckpointBody(cp);
    EXPECT_EQ(body,
              "probity/4f1c\n" + std::to_string(size) + "\n" + Base64Encode(TestRoot()) + "\n");
    Result<ParsedNote> note = ParseNote(SignNote(body, "treasurer", ours_));
    ASSERT_TRUE(note.ok());
    EXPECT_TRUE(VerifyNote(*note, OurVerifier("treasurer")).ok());
    Result<Checkpoint> back = ParseCheckpointBody(note->body);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->origin, cp.origin);
    EXPECT_EQ(back->tree_size, size);
    EXPECT_EQ(back->root_hash, cp.root_hash);
  }
}

TEST_F(NoteTest, CheckpointExtensionLinesAreToleratedAndSigned) {
  const std::string body =
      FormatCheckpointBody({"probity/4f1c", 7, TestRoot()}) + "ext one\next two\n";
  const std::string signed_note = SignNote(body, "treasurer", ours_);
  Result<ParsedNote> note = ParseNote(signed_note);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->body, body);  // kept byte for byte
  EXPECT_TRUE(VerifyNote(*note, OurVerifier("treasurer")).ok());
  Result<Checkpoint> cp = ParseCheckpointBody(note->body);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->tree_size, 7u);
  // Dropping an extension line breaks the signature.
  note->body = FormatCheckpointBody({"probity/4f1c", 7, TestRoot()}) + "ext one\n";
  EXPECT_TRUE(VerifyNote(*note, OurVerifier("treasurer")).IsVerificationFailed());
}

void ExpectBadCheckpoint(const std::string& body, const std::string& needle) {
  Result<Checkpoint> cp = ParseCheckpointBody(body);
  ASSERT_FALSE(cp.ok()) << "accepted:\n" << body;
  EXPECT_TRUE(cp.status().IsCorruption()) << cp.status().ToString();
  EXPECT_NE(cp.status().message().find(needle), std::string::npos)
      << "message lacks \"" << needle << "\": " << cp.status().message();
}

TEST_F(NoteTest, RefusesMalformedCheckpoints) {
  const std::string root = Base64Encode(TestRoot());
  ExpectBadCheckpoint("o\n01\n" + root + "\n", "leading zero");
  ExpectBadCheckpoint("o\n00\n" + root + "\n", "leading zero");
  ExpectBadCheckpoint("o\n1a\n" + root + "\n", "not a decimal");
  ExpectBadCheckpoint("o\n-1\n" + root + "\n", "not a decimal");
  ExpectBadCheckpoint("o\n 1\n" + root + "\n", "not a decimal");
  ExpectBadCheckpoint("o\n18446744073709551616\n" + root + "\n", "too large");
  ExpectBadCheckpoint("o\n1\n" + Base64Encode(Bytes(31, 1)) + "\n",
                      "root hash: expected 32 bytes, got 31");
  ExpectBadCheckpoint("o\n1\n" + Base64Encode(Bytes(33, 1)) + "\n", "expected 32 bytes, got 33");
  ExpectBadCheckpoint("o\n1\n" + root.substr(0, 43) + "\n", "root hash");
  ExpectBadCheckpoint("o\n1\n" + root + "\n\next\n", "line 4 is empty");
  ExpectBadCheckpoint("o\n1\n" + root, "newline");  // truncated
  ExpectBadCheckpoint("o\n1\n", "got 2");
  ExpectBadCheckpoint("", "newline");
  ExpectBadCheckpoint("\n1\n" + root + "\n", "line 1 is empty");
  ExpectBadCheckpoint("o\r\n1\n" + root + "\n", "control character");
  ExpectBadCheckpoint(std::string(kNoteBytesMax, 'o') + "\n1\n" + root + "\n", "larger");
}

}  // namespace
}  // namespace probity
