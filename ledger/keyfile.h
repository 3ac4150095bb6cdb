// Signing key files: a small text format (docs/format.md, "Key files"),
// the Ed25519 seed sealed with crypto_secretbox under an Argon2id key derived
// from the key's own passphrase. Files are created 0600 and refused when
// group- or world-accessible, as ssh does.
#ifndef PROBITY_LEDGER_KEYFILE_H_
#define PROBITY_LEDGER_KEYFILE_H_

#include <string>

#include "ledger/crypto.h"
#include "ledger/status.h"

namespace probity {

constexpr std::size_t kKeyFileBytesMax = 4096;
constexpr std::size_t kKeyNameBytesMax = 64;

// Names are what signed notes carry: 1..64 bytes of [A-Za-z0-9._-].
[[nodiscard]] Status ValidateKeyName(std::string_view name);

struct NamedKey {
  std::string name;
  SigningKey key;
};

// Writes a new key file; fails if `path` exists (never overwrites).
[[nodiscard]] Status WriteKeyFile(const std::string& path, const NamedKey& key,
                                  const SecretBytes& passphrase, KdfParams params);
// Reads and decrypts. KeyRejected for bad mode or format, WrongPassphrase when
// the box does not open.
Result<NamedKey> ReadKeyFile(const std::string& path, const SecretBytes& passphrase);
// Name and public key only; needs no passphrase (for `probity key public`).
struct PublicKeyInfo {
  std::string name;
  PublicKey public_key{};
};
Result<PublicKeyInfo> ReadPublicKeyFromFile(const std::string& path);

}  // namespace probity

#endif  // PROBITY_LEDGER_KEYFILE_H_
