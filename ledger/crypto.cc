#include "ledger/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstring>
#include <memory>
#include <utility>

namespace probity {

// The header's sizes are part of our formats; make sure libsodium agrees.
static_assert(kPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kSeedBytes == crypto_sign_SEEDBYTES);
static_assert(kSecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(kSignatureBytes == crypto_sign_BYTES);
static_assert(kSaltBytes == crypto_pwhash_SALTBYTES);
static_assert(kSymmetricKeyBytes == crypto_secretbox_KEYBYTES);
static_assert(kSymmetricKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kAeadNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kAeadTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kSecretboxNonceBytes == crypto_secretbox_NONCEBYTES);
static_assert(kSecretboxMacBytes == crypto_secretbox_MACBYTES);

namespace {

// sodium_malloc needs sodium_init to have run (it sets the page size and the
// canary), so every entry point that allocates makes sure of it. sodium_init
// is thread safe and cheap after the first call.
void EnsureSodium() { PROBITY_ASSERT(sodium_init() >= 0); }

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Status InitCrypto() {
  if (sodium_init() < 0) {
    return Status::IoError("libsodium could not be initialised (no usable random source?)");
  }
  return Status::OK();
}

// ---- SecretBytes ---------------------------------------------------------

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
  if (size == 0) return;
  EnsureSodium();
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  PROBITY_ASSERT(data_ != nullptr);
  sodium_memzero(data_, size);  // sodium_malloc fills with 0xdb; we promise zeros
}

SecretBytes SecretBytes::FromString(std::string_view s) {
  SecretBytes out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

SecretBytes::~SecretBytes() {
  // sodium_free wipes the buffer before releasing it.
  if (data_ != nullptr) sodium_free(data_);
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

// ---- Random, SHA-256 -----------------------------------------------------

void RandomBytes(std::span<std::uint8_t> out) {
  EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

Hash Sha256(ByteSpan data) { return Sha256Parts({data}); }

namespace {

// OpenSSL 3 looks an algorithm up on every init unless it is fetched once;
// that lookup is half the cost of hashing a Merkle node. Fetched on first use
// (thread-safe static) and kept for the life of the process.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  PROBITY_ASSERT(md != nullptr);
  return md;
}

}  // namespace

Hash Sha256Parts(std::initializer_list<ByteSpan> parts) {
  // EVP calls fail only when OpenSSL itself is broken (no SHA-256, no memory):
  // nothing a caller could handle, so they are asserted.
  std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree> ctx(EVP_MD_CTX_new());
  PROBITY_ASSERT(ctx != nullptr);
  PROBITY_ASSERT(EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr) == 1);
  for (ByteSpan part : parts) {
    PROBITY_ASSERT(EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1);
  }
  Hash out{};
  unsigned int out_len = 0;
  PROBITY_ASSERT(EVP_DigestFinal_ex(ctx.get(), out.data(), &out_len) == 1);
  PROBITY_ASSERT(out_len == out.size());
  return out;
}

// ---- Ed25519 -------------------------------------------------------------

Result<SigningKey> GenerateSigningKey() {
  SigningKey key{SecretBytes(kSecretKeyBytes), {}};
  if (crypto_sign_keypair(key.public_key.data(), key.secret.data()) != 0) {
    return Status::IoError("Ed25519 key generation failed");
  }
  return key;
}

Result<SigningKey> SigningKeyFromSeed(ByteSpan seed) {
  if (seed.size() != kSeedBytes) {
    return Status::InvalidArgument("Ed25519 seed must be " + std::to_string(kSeedBytes) +
                                   " bytes, got " + std::to_string(seed.size()));
  }
  SigningKey key{SecretBytes(kSecretKeyBytes), {}};
  if (crypto_sign_seed_keypair(key.public_key.data(), key.secret.data(), seed.data()) != 0) {
    return Status::IoError("Ed25519 key derivation from seed failed");
  }
  return key;
}

SecretBytes SeedOf(const SigningKey& key) {
  PROBITY_ASSERT(key.secret.size() == kSecretKeyBytes);
  SecretBytes seed(kSeedBytes);
  PROBITY_ASSERT(crypto_sign_ed25519_sk_to_seed(seed.data(), key.secret.data()) == 0);
  return seed;
}

Signature SignDetached(const SigningKey& key, ByteSpan message) {
  PROBITY_ASSERT(key.secret.size() == kSecretKeyBytes);
  Signature sig{};
  unsigned long long sig_len = 0;
  PROBITY_ASSERT(crypto_sign_detached(sig.data(), &sig_len, message.data(), message.size(),
                                      key.secret.data()) == 0);
  PROBITY_ASSERT(sig_len == kSignatureBytes);
  return sig;
}

bool VerifyDetached(const PublicKey& key, ByteSpan message, const Signature& sig) {
  EnsureSodium();
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), key.data()) == 0;
}

// ---- Argon2id ------------------------------------------------------------

KdfParams KdfModerate() {
  return KdfParams{crypto_pwhash_argon2id_OPSLIMIT_MODERATE,
                   crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

namespace {

Status CheckKdfRequest(const SecretBytes& passphrase, KdfParams params, std::size_t key_bytes) {
  if (params.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    return Status::InvalidArgument("Argon2id opslimit " + std::to_string(params.opslimit) +
                                   " is outside libsodium's accepted range");
  }
  if (params.memlimit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      params.memlimit_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return Status::InvalidArgument("Argon2id memlimit " + std::to_string(params.memlimit_bytes) +
                                   " bytes is outside libsodium's accepted range");
  }
  if (key_bytes < crypto_pwhash_argon2id_BYTES_MIN || key_bytes > kSecretKeyBytes) {
    return Status::InvalidArgument("Argon2id output of " + std::to_string(key_bytes) +
                                   " bytes is not supported");
  }
  if (passphrase.size() > crypto_pwhash_argon2id_PASSWD_MAX) {
    return Status::InvalidArgument("passphrase is too long");
  }
  return Status::OK();
}

}  // namespace

Result<SecretBytes> DeriveKey(const SecretBytes& passphrase, const Salt& salt, KdfParams params,
                              std::size_t key_bytes) {
  PROBITY_RETURN_IF_ERROR(CheckKdfRequest(passphrase, params, key_bytes));
  SecretBytes key(key_bytes);
  // An empty SecretBytes has no buffer; libsodium wants a valid pointer even for "".
  static const char kEmpty[1] = {0};
  const char* passwd =
      passphrase.empty() ? kEmpty : reinterpret_cast<const char*>(passphrase.data());
  if (crypto_pwhash(key.data(), key.size(), passwd, passphrase.size(), salt.data(), params.opslimit,
                    params.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The only failure once the parameters are valid is an allocation failure.
    return Status::IoError("Argon2id could not allocate " + std::to_string(params.memlimit_bytes) +
                           " bytes; free some memory or use a smaller memlimit");
  }
  return key;
}

// ---- HMAC ----------------------------------------------------------------

Hash HmacSha256(const SecretBytes& key, ByteSpan message) {
  PROBITY_ASSERT(!key.empty());
  Hash out{};
  static_assert(sizeof(out) == crypto_auth_hmacsha256_BYTES);
  // The streaming form takes a key of any length (RFC 2104), as the
  // known-answer vectors of RFC 4231 need.
  crypto_auth_hmacsha256_state state;
  PROBITY_ASSERT(crypto_auth_hmacsha256_init(&state, key.data(), key.size()) == 0);
  PROBITY_ASSERT(crypto_auth_hmacsha256_update(&state, message.data(), message.size()) == 0);
  PROBITY_ASSERT(crypto_auth_hmacsha256_final(&state, out.data()) == 0);
  sodium_memzero(&state, sizeof(state));
  return out;
}

SecretBytes DeriveSubkey(const SecretBytes& key, std::string_view context) {
  Hash mac = HmacSha256(key, AsBytes(context));
  SecretBytes subkey(mac.size());
  std::memcpy(subkey.data(), mac.data(), mac.size());
  sodium_memzero(mac.data(), mac.size());
  return subkey;
}

// ---- secretbox -----------------------------------------------------------

Bytes SecretboxSeal(const SecretBytes& key,
                    const std::array<std::uint8_t, kSecretboxNonceBytes>& nonce,
                    ByteSpan plaintext) {
  PROBITY_ASSERT(key.size() == crypto_secretbox_KEYBYTES);
  Bytes box(kSecretboxMacBytes + plaintext.size());
  PROBITY_ASSERT(crypto_secretbox_easy(box.data(), plaintext.data(), plaintext.size(), nonce.data(),
                                       key.data()) == 0);
  return box;
}

Result<SecretBytes> SecretboxOpen(const SecretBytes& key,
                                  const std::array<std::uint8_t, kSecretboxNonceBytes>& nonce,
                                  ByteSpan ciphertext) {
  PROBITY_ASSERT(key.size() == crypto_secretbox_KEYBYTES);
  if (ciphertext.size() < kSecretboxMacBytes) {
    return Status::VerificationFailed("sealed box is shorter than its authentication tag");
  }
  // Decrypt straight into guarded memory, so the plaintext never sits elsewhere.
  SecretBytes plain(ciphertext.size() - kSecretboxMacBytes);
  if (crypto_secretbox_open_easy(plain.data(), ciphertext.data(), ciphertext.size(), nonce.data(),
                                 key.data()) != 0) {
    return Status::VerificationFailed("sealed box does not open: wrong key, or it was altered");
  }
  return plain;
}

// ---- XChaCha20-Poly1305-IETF ---------------------------------------------

Bytes AeadSeal(const SecretBytes& key, ByteSpan plaintext, ByteSpan associated_data) {
  PROBITY_ASSERT(key.size() == kSymmetricKeyBytes);
  Bytes box(kAeadNonceBytes + plaintext.size() + kAeadTagBytes);
  RandomBytes(std::span<std::uint8_t>(box.data(), kAeadNonceBytes));
  unsigned long long cipher_len = 0;
  PROBITY_ASSERT(crypto_aead_xchacha20poly1305_ietf_encrypt(
                     box.data() + kAeadNonceBytes, &cipher_len, plaintext.data(), plaintext.size(),
                     associated_data.data(), associated_data.size(), nullptr, box.data(),
                     key.data()) == 0);
  PROBITY_ASSERT(cipher_len == plaintext.size() + kAeadTagBytes);
  return box;
}

Result<Bytes> AeadOpen(const SecretBytes& key, ByteSpan box, ByteSpan associated_data) {
  PROBITY_ASSERT(key.size() == kSymmetricKeyBytes);
  if (box.size() < kAeadNonceBytes + kAeadTagBytes) {
    return Status::VerificationFailed("encrypted field is truncated (" +
                                      std::to_string(box.size()) + " bytes)");
  }
  const ByteSpan cipher = box.subspan(kAeadNonceBytes);
  Bytes plain(cipher.size() - kAeadTagBytes);
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plain_len, nullptr, cipher.data(), cipher.size(), associated_data.data(),
          associated_data.size(), box.data(), key.data()) != 0) {
    // libsodium clears the buffer on failure too; wiping again costs nothing.
    if (!plain.empty()) sodium_memzero(plain.data(), plain.size());
    return Status::VerificationFailed(
        "encrypted field does not open: wrong key or associated data, "
        "or it was altered");
  }
  PROBITY_ASSERT(plain_len == plain.size());
  return plain;
}

Result<Bytes> SealTo(const PublicKey& recipient, ByteSpan message) {
  std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> x25519{};
  if (crypto_sign_ed25519_pk_to_curve25519(x25519.data(), recipient.data()) != 0) {
    return Status::InvalidArgument("the recipient's public key is not a usable Ed25519 key");
  }
  Bytes box(message.size() + crypto_box_SEALBYTES);
  if (crypto_box_seal(box.data(), message.data(), message.size(), x25519.data()) != 0) {
    return Status::IoError("sealing failed");
  }
  return box;
}

Result<Bytes> OpenSealed(const SigningKey& recipient, ByteSpan box) {
  static_assert(kSealOverheadBytes == crypto_box_SEALBYTES);
  if (box.size() < crypto_box_SEALBYTES) {
    return Status::VerificationFailed("sealed data is truncated");
  }
  std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> x25519_public{};
  SecretBytes x25519_secret(crypto_box_SECRETKEYBYTES);
  if (crypto_sign_ed25519_pk_to_curve25519(x25519_public.data(),
                                           recipient.public_key.data()) != 0 ||
      crypto_sign_ed25519_sk_to_curve25519(x25519_secret.data(), recipient.secret.data()) != 0) {
    return Status::InvalidArgument("the key is not a usable Ed25519 key");
  }
  Bytes plain(box.size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(plain.data(), box.data(), box.size(), x25519_public.data(),
                           x25519_secret.data()) != 0) {
    return Status::VerificationFailed("the sealed data does not open with this key: it was "
                                      "sealed to another key, or altered");
  }
  return plain;
}

}  // namespace probity
