// All cryptography lives here (STYLE.md rule 7): libsodium for Ed25519,
// Argon2id, secretbox and XChaCha20-Poly1305; OpenSSL EVP for SHA-256.
// Call InitCrypto() once before anything else (it is idempotent).
#ifndef PROBITY_LEDGER_CRYPTO_H_
#define PROBITY_LEDGER_CRYPTO_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/status.h"

namespace probity {

constexpr std::size_t kPublicKeyBytes = 32;  // Ed25519 public key
constexpr std::size_t kSeedBytes = 32;       // Ed25519 seed (the secret we store)
constexpr std::size_t kSecretKeyBytes = 64;  // libsodium's expanded secret key
constexpr std::size_t kSignatureBytes = 64;
constexpr std::size_t kSaltBytes = 16;  // Argon2id salt
constexpr std::size_t kSymmetricKeyBytes = 32;
constexpr std::size_t kAeadNonceBytes = 24;  // XChaCha20-Poly1305
constexpr std::size_t kAeadTagBytes = 16;
constexpr std::size_t kSecretboxNonceBytes = 24;
constexpr std::size_t kSecretboxMacBytes = 16;

using PublicKey = std::array<std::uint8_t, kPublicKeyBytes>;
using Signature = std::array<std::uint8_t, kSignatureBytes>;
using Salt = std::array<std::uint8_t, kSaltBytes>;

[[nodiscard]] Status InitCrypto();

// A secret held in guarded, locked memory (sodium_malloc), wiped on
// destruction. Move-only. Owns its buffer; not thread safe.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size);  // zero-filled; aborts if allocation fails
  static SecretBytes FromString(std::string_view s);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteSpan span() const { return {data_, size_}; }

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

void RandomBytes(std::span<std::uint8_t> out);

Hash Sha256(ByteSpan data);
// SHA-256 over the concatenation of the parts.
Hash Sha256Parts(std::initializer_list<ByteSpan> parts);

// HMAC-SHA-256 (RFC 2104) of `message` under `key` (any non-empty length).
Hash HmacSha256(const SecretBytes& key, ByteSpan message);
// A 32-byte subkey for one purpose, named by `context`: HMAC-SHA-256(key,
// context), so that a key derived from the ledger key never equals it.
SecretBytes DeriveSubkey(const SecretBytes& key, std::string_view context);

// Ed25519 signing key: the secret half in guarded memory, the public half in clear.
struct SigningKey {
  SecretBytes secret;  // kSecretKeyBytes, libsodium layout (seed || public key)
  PublicKey public_key{};
};
Result<SigningKey> GenerateSigningKey();
Result<SigningKey> SigningKeyFromSeed(ByteSpan seed);  // seed is kSeedBytes
// The 32-byte seed of a key, for storing it encrypted.
SecretBytes SeedOf(const SigningKey& key);

Signature SignDetached(const SigningKey& key, ByteSpan message);
[[nodiscard]] bool VerifyDetached(const PublicKey& key, ByteSpan message, const Signature& sig);

// Argon2id (crypto_pwhash_ALG_ARGON2ID13).
struct KdfParams {
  std::uint64_t opslimit;
  std::size_t memlimit_bytes;
};
// libsodium's "moderate" limits: about 230 ms and 256 MiB on our machines.
KdfParams KdfModerate();
Result<SecretBytes> DeriveKey(const SecretBytes& passphrase, const Salt& salt, KdfParams params,
                              std::size_t key_bytes);

// crypto_secretbox_easy (XSalsa20-Poly1305). Output: ciphertext with MAC in front.
Bytes SecretboxSeal(const SecretBytes& key,
                    const std::array<std::uint8_t, kSecretboxNonceBytes>& nonce,
                    ByteSpan plaintext);
Result<SecretBytes> SecretboxOpen(const SecretBytes& key,
                                  const std::array<std::uint8_t, kSecretboxNonceBytes>& nonce,
                                  ByteSpan ciphertext);

// XChaCha20-Poly1305-IETF with associated data. Output: nonce || ciphertext || tag,
// with a fresh random nonce.
Bytes AeadSeal(const SecretBytes& key, ByteSpan plaintext, ByteSpan associated_data);
// Fails with VerificationFailed if the box was altered or the key / AD is wrong.
Result<Bytes> AeadOpen(const SecretBytes& key, ByteSpan box, ByteSpan associated_data);

// Sealed boxes (libsodium crypto_box_seal: ephemeral X25519 + XSalsa20-Poly1305)
// addressed to an Ed25519 key, converted to X25519 (crypto_sign_ed25519_pk_to_
// curve25519), so that a person's one signing key also receives sealed files.
constexpr std::size_t kSealOverheadBytes = 48;  // crypto_box_SEALBYTES
Result<Bytes> SealTo(const PublicKey& recipient, ByteSpan message);
// VerificationFailed if the box was not sealed to this key or was altered.
Result<Bytes> OpenSealed(const SigningKey& recipient, ByteSpan box);

}  // namespace probity

#endif  // PROBITY_LEDGER_CRYPTO_H_
