#include "ledger/crypto.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/encoding.h"

namespace probity {
namespace {

// Small Argon2id costs keep the suite fast; one test below uses KdfModerate.
const KdfParams kFastKdf{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

SecretBytes Key32(std::uint8_t fill) {
  SecretBytes key(kSymmetricKeyBytes);
  for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = static_cast<std::uint8_t>(fill + i);
  return key;
}

Bytes Flip(Bytes b, std::size_t index) {
  b.at(index) ^= 0x01;
  return b;
}

// ---- RFC 8032 known answers, read from tests/vectors ---------------------

struct Ed25519Vector {
  std::string name;
  Bytes secret_key, public_key, message, signature;
};

// Reads the "field HEX" records described at the top of the vector file.
std::vector<Ed25519Vector> ReadEd25519Vectors() {
  std::ifstream in(std::string(PROBITY_VECTORS_DIR) + "/rfc8032_ed25519.txt");
  EXPECT_TRUE(in.good()) << "cannot open " << PROBITY_VECTORS_DIR << "/rfc8032_ed25519.txt";
  std::vector<Ed25519Vector> out;
  std::string line;
  const std::vector<std::pair<std::string, Bytes Ed25519Vector::*>> fields = {
      {"secret_key", &Ed25519Vector::secret_key},
      {"public_key", &Ed25519Vector::public_key},
      {"message", &Ed25519Vector::message},
      {"signature", &Ed25519Vector::signature}};
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("test ", 0) == 0) {
      out.push_back({line.substr(5), {}, {}, {}, {}});
      continue;
    }
    const std::size_t space = line.find(' ');
    const std::string field = line.substr(0, space);
    const std::string hex = space == std::string::npos ? "" : line.substr(space + 1);
    bool known = false;
    for (const auto& [name, member] : fields) {
      if (name != field) continue;
      known = true;
      Result<Bytes> bytes = HexDecode(hex);
      EXPECT_TRUE(bytes.ok()) << line;
      if (bytes.ok() && !out.empty()) out.back().*member = *bytes;
    }
    EXPECT_TRUE(known && !out.empty()) << "unexpected line in vector file: " << line;
  }
  return out;
}

Signature ToSignature(const Bytes& b) {
  Signature sig{};
  EXPECT_EQ(b.size(), sig.size());
  std::copy_n(b.begin(), std::min(b.size(), sig.size()), sig.begin());
  return sig;
}

TEST_F(CryptoTest, Rfc8032Ed25519Vectors) {
  const std::vector<Ed25519Vector> vectors = ReadEd25519Vectors();
  ASSERT_EQ(vectors.size(), 3u);
  for (const Ed25519Vector& v : vectors) {
    SCOPED_TRACE(v.name);
    Result<SigningKey> key = SigningKeyFromSeed(v.secret_key);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(HexEncode(key->public_key), HexEncode(v.public_key));
    const Signature sig = SignDetached(*key, v.message);
    EXPECT_EQ(HexEncode(sig), HexEncode(v.signature));
    const Signature expected = ToSignature(v.signature);
    EXPECT_TRUE(VerifyDetached(key->public_key, v.message, expected));

    // A flipped bit anywhere must break verification: message, signature, key.
    Bytes message = v.message;
    message.push_back(0);  // the empty TEST 1 message has no bit to flip
    EXPECT_FALSE(VerifyDetached(key->public_key, message, expected));
    if (!v.message.empty()) {
      EXPECT_FALSE(VerifyDetached(key->public_key, Flip(v.message, 0), expected));
    }
    EXPECT_FALSE(VerifyDetached(key->public_key, v.message, ToSignature(Flip(v.signature, 0))));
    EXPECT_FALSE(VerifyDetached(key->public_key, v.message, ToSignature(Flip(v.signature, 63))));
    PublicKey other = key->public_key;
    other[0] ^= 0x01;
    EXPECT_FALSE(VerifyDetached(other, v.message, expected));
  }
}

TEST_F(CryptoTest, GeneratedKeySignsAndSeedRoundTrips) {
  Result<SigningKey> key = GenerateSigningKey();
  ASSERT_TRUE(key.ok());
  const Bytes message = {'d', 'o', 'n', 'a', 't', 'i', 'o', 'n'};
  const Signature sig = SignDetached(*key, message);
  EXPECT_TRUE(VerifyDetached(key->public_key, message, sig));
  const SecretBytes seed = SeedOf(*key);
  ASSERT_EQ(seed.size(), kSeedBytes);
  Result<SigningKey> again = SigningKeyFromSeed(seed.span());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key, key->public_key);
  EXPECT_EQ(SignDetached(*again, message), sig);  // Ed25519 is deterministic
  Result<SigningKey> other = GenerateSigningKey();
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->public_key, key->public_key);
  EXPECT_FALSE(VerifyDetached(other->public_key, message, sig));  // wrong key
}

TEST_F(CryptoTest, SeedOfWrongSizeIsRefused) {
  EXPECT_TRUE(SigningKeyFromSeed(Bytes(31, 1)).status().IsInvalidArgument());
  EXPECT_TRUE(SigningKeyFromSeed(Bytes(33, 1)).status().IsInvalidArgument());
  EXPECT_TRUE(SigningKeyFromSeed(Bytes{}).status().IsInvalidArgument());
}

// ---- SHA-256 ---------------------------------------------------------------

TEST_F(CryptoTest, Sha256KnownAnswers) {
  // FIPS 180-2 appendix B.1 ("abc") and the empty string.
  EXPECT_EQ(HexEncode(Sha256(AsBytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Parts({AsBytes("a"), AsBytes(""), AsBytes("bc")}), Sha256(AsBytes("abc")));
  EXPECT_EQ(Sha256Parts({}), Sha256(AsBytes("")));
}

// ---- HMAC-SHA-256 ----------------------------------------------------------

SecretBytes KeyOf(std::size_t size, std::uint8_t byte) {
  SecretBytes key(size);
  std::fill(key.data(), key.data() + size, byte);
  return key;
}

TEST_F(CryptoTest, HmacSha256KnownAnswers) {
  // RFC 4231, test cases 1, 2 and 6 (a key longer than the block).
  EXPECT_EQ(HexEncode(HmacSha256(KeyOf(20, 0x0b), AsBytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256(SecretBytes::FromString("Jefe"),
                                 AsBytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(
      HexEncode(HmacSha256(KeyOf(131, 0xaa),
                           AsBytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_F(CryptoTest, SubkeysDependOnKeyAndContext) {
  SecretBytes a = DeriveSubkey(KeyOf(32, 1), "probity/one");
  ASSERT_EQ(a.size(), 32u);
  const std::string a_hex = HexEncode(a.span());
  EXPECT_EQ(a_hex, HexEncode(HmacSha256(KeyOf(32, 1), AsBytes("probity/one"))));
  EXPECT_EQ(HexEncode(DeriveSubkey(KeyOf(32, 1), "probity/one").span()), a_hex);
  EXPECT_NE(HexEncode(DeriveSubkey(KeyOf(32, 1), "probity/two").span()), a_hex);
  EXPECT_NE(HexEncode(DeriveSubkey(KeyOf(32, 2), "probity/one").span()), a_hex);
}

// ---- SecretBytes -----------------------------------------------------------

TEST_F(CryptoTest, SecretBytesIsZeroedAndMovable) {
  SecretBytes a(40);
  ASSERT_EQ(a.size(), 40u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.data()[i], 0);
  a.data()[0] = 9;
  SecretBytes b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(b.size(), 40u);
  EXPECT_EQ(b.data()[0], 9);
  SecretBytes c = SecretBytes::FromString("passphrase");
  c = std::move(b);
  EXPECT_EQ(c.size(), 40u);
  EXPECT_TRUE(SecretBytes().empty());
  EXPECT_TRUE(SecretBytes::FromString("").empty());
  const SecretBytes s = SecretBytes::FromString("abc");
  EXPECT_EQ(std::string(s.span().begin(), s.span().end()), "abc");
}

// ---- Argon2id --------------------------------------------------------------

TEST_F(CryptoTest, DeriveKeyIsDeterministicAndSeparated) {
  const SecretBytes pass = SecretBytes::FromString("correct horse battery staple");
  Salt salt{};
  salt[0] = 1;
  Result<SecretBytes> k1 = DeriveKey(pass, salt, kFastKdf, kSymmetricKeyBytes);
  Result<SecretBytes> k2 = DeriveKey(pass, salt, kFastKdf, kSymmetricKeyBytes);
  ASSERT_TRUE(k1.ok() && k2.ok());
  ASSERT_EQ(k1->size(), kSymmetricKeyBytes);
  EXPECT_EQ(sodium_memcmp(k1->data(), k2->data(), k1->size()), 0);
  Salt other_salt = salt;
  other_salt[15] ^= 1;
  Result<SecretBytes> k3 = DeriveKey(pass, other_salt, kFastKdf, kSymmetricKeyBytes);
  Result<SecretBytes> k4 = DeriveKey(SecretBytes::FromString("correct horse battery stapler"), salt,
                                     kFastKdf, kSymmetricKeyBytes);
  Result<SecretBytes> k5 =
      DeriveKey(pass, salt, {kFastKdf.opslimit + 1, kFastKdf.memlimit_bytes}, kSymmetricKeyBytes);
  ASSERT_TRUE(k3.ok() && k4.ok() && k5.ok());
  EXPECT_NE(sodium_memcmp(k1->data(), k3->data(), k1->size()), 0);
  EXPECT_NE(sodium_memcmp(k1->data(), k4->data(), k1->size()), 0);
  EXPECT_NE(sodium_memcmp(k1->data(), k5->data(), k1->size()), 0);
  EXPECT_TRUE(DeriveKey(SecretBytes(), salt, kFastKdf, kSymmetricKeyBytes).ok());
}

TEST_F(CryptoTest, DeriveKeyRefusesBadParameters) {
  const SecretBytes pass = SecretBytes::FromString("pw");
  const Salt salt{};
  EXPECT_TRUE(DeriveKey(pass, salt, {0, kFastKdf.memlimit_bytes}, 32).status().IsInvalidArgument());
  EXPECT_TRUE(DeriveKey(pass, salt, {1, 1024}, 32).status().IsInvalidArgument());
  EXPECT_TRUE(DeriveKey(pass, salt, kFastKdf, 8).status().IsInvalidArgument());
  EXPECT_TRUE(DeriveKey(pass, salt, kFastKdf, 65).status().IsInvalidArgument());
}

TEST_F(CryptoTest, KdfModerateIsLibsodiumModerate) {
  const KdfParams moderate = KdfModerate();
  EXPECT_EQ(moderate.opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_EQ(moderate.memlimit_bytes, crypto_pwhash_MEMLIMIT_MODERATE);
  EXPECT_EQ(moderate.memlimit_bytes, std::size_t{256} << 20);
  // The one slow test: the real cost must run (256 MiB) and differ from the fast one.
  const SecretBytes pass = SecretBytes::FromString("pw");
  const Salt salt{};
  Result<SecretBytes> slow = DeriveKey(pass, salt, moderate, kSymmetricKeyBytes);
  Result<SecretBytes> fast = DeriveKey(pass, salt, kFastKdf, kSymmetricKeyBytes);
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  ASSERT_TRUE(fast.ok());
  EXPECT_NE(sodium_memcmp(slow->data(), fast->data(), slow->size()), 0);
}

// ---- secretbox -------------------------------------------------------------

TEST_F(CryptoTest, SecretboxRoundTripsAndRefusesTampering) {
  const SecretBytes key = Key32(1);
  std::array<std::uint8_t, kSecretboxNonceBytes> nonce{};
  nonce[0] = 7;
  const Bytes plain = {1, 2, 3, 4, 5};
  const Bytes box = SecretboxSeal(key, nonce, plain);
  ASSERT_EQ(box.size(), plain.size() + kSecretboxMacBytes);
  Result<SecretBytes> opened = SecretboxOpen(key, nonce, box);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(Bytes(opened->span().begin(), opened->span().end()), plain);

  for (std::size_t i = 0; i < box.size(); ++i) {
    EXPECT_TRUE(SecretboxOpen(key, nonce, Flip(box, i)).status().IsVerificationFailed()) << i;
  }
  EXPECT_TRUE(
      SecretboxOpen(key, nonce, Bytes(box.begin(), box.end() - 1)).status().IsVerificationFailed());
  EXPECT_TRUE(SecretboxOpen(key, nonce, Bytes(box.begin(), box.begin() + 15))
                  .status()
                  .IsVerificationFailed());
  EXPECT_TRUE(SecretboxOpen(key, nonce, Bytes{}).status().IsVerificationFailed());
  EXPECT_TRUE(SecretboxOpen(Key32(2), nonce, box).status().IsVerificationFailed());
  auto other_nonce = nonce;
  other_nonce[23] = 1;
  EXPECT_TRUE(SecretboxOpen(key, other_nonce, box).status().IsVerificationFailed());
}

TEST_F(CryptoTest, SecretboxEmptyPlaintext) {
  const SecretBytes key = Key32(3);
  const std::array<std::uint8_t, kSecretboxNonceBytes> nonce{};
  const Bytes box = SecretboxSeal(key, nonce, Bytes{});
  ASSERT_EQ(box.size(), kSecretboxMacBytes);
  Result<SecretBytes> opened = SecretboxOpen(key, nonce, box);
  ASSERT_TRUE(opened.ok());
  EXPECT_TRUE(opened->empty());
  EXPECT_TRUE(SecretboxOpen(key, nonce, Flip(box, 0)).status().IsVerificationFailed());
}

// ---- XChaCha20-Poly1305 ----------------------------------------------------

TEST_F(CryptoTest, AeadRoundTripsWithFreshNonces) {
  const SecretBytes key = Key32(4);
  const Bytes plain = {'J', 'e', 'a', 'n', 'n', 'e'};
  const Bytes ad = {'S', '-', '1'};
  const Bytes box = AeadSeal(key, plain, ad);
  ASSERT_EQ(box.size(), kAeadNonceBytes + plain.size() + kAeadTagBytes);
  Result<Bytes> opened = AeadOpen(key, box, ad);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, plain);
  EXPECT_NE(AeadSeal(key, plain, ad), box);  // a new random nonce each time
  Result<Bytes> empty = AeadOpen(key, AeadSeal(key, Bytes{}, Bytes{}), Bytes{});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST_F(CryptoTest, AeadRefusesTamperingWrongKeyAndWrongAd) {
  const SecretBytes key = Key32(5);
  const Bytes plain = {'a', 'd', 'd', 'r', 'e', 's', 's'};
  const Bytes ad = {'S', '-', '1'};
  const Bytes box = AeadSeal(key, plain, ad);
  for (std::size_t i = 0; i < box.size(); ++i) {  // nonce, ciphertext and tag
    EXPECT_TRUE(AeadOpen(key, Flip(box, i), ad).status().IsVerificationFailed()) << i;
  }
  EXPECT_TRUE(AeadOpen(key, box, Bytes{'S', '-', '2'}).status().IsVerificationFailed());
  EXPECT_TRUE(AeadOpen(key, box, Bytes{}).status().IsVerificationFailed());
  EXPECT_TRUE(AeadOpen(Key32(6), box, ad).status().IsVerificationFailed());
  EXPECT_TRUE(AeadOpen(key, Bytes(box.begin(), box.end() - 1), ad).status().IsVerificationFailed());
  EXPECT_TRUE(
      AeadOpen(key, Bytes(box.begin(), box.begin() + 39), ad).status().IsVerificationFailed());
  EXPECT_TRUE(AeadOpen(key, Bytes{}, ad).status().IsVerificationFailed());
}

}  // namespace
}  // namespace probity
