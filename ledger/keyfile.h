// Signing key files: a small text format (docs/format.md, "Key files"),
// the Ed25519 seed sealed with crypto_secretbox under an Argon2id key derived
// from the key's own passphrase. Files are created 0600 and refused when
// group- or world-accessible, as ssh does.
//
// The format, byte for byte (every line ends in LF, one space after the field
// name, no other white space; fields after the first line may come in any
// order but each exactly once; the writer uses this order):
//
//   probity-signing-key v1
//   name <1..64 bytes of [A-Za-z0-9._-]>
//   public-key <base64, 32 bytes: Ed25519 public key>
//   kdf argon2id13
//   opslimit <decimal, kKeyFileOpslimitMin..kKeyFileOpslimitMax>
//   memlimit <decimal bytes, kKeyFileMemlimitBytesMin..kKeyFileMemlimitBytesMax>
//   salt <base64, 16 bytes: Argon2id salt>
//   nonce <base64, 24 bytes: secretbox nonce>
//   sealed-seed <base64, 48 bytes: crypto_secretbox_easy(seed), MAC first>
//
// The secretbox key is Argon2id13(passphrase, salt, opslimit, memlimit), 32
// bytes. After opening, the seed must re-derive the public key on the
// public-key line. Base64 is RFC 4648 with padding, canonical; decimals have
// no leading zeros. The whole file is at most kKeyFileBytesMax bytes.
#ifndef PROBITY_LEDGER_KEYFILE_H_
#define PROBITY_LEDGER_KEYFILE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/crypto.h"
#include "ledger/status.h"

namespace probity {

constexpr std::size_t kKeyFileBytesMax = 4096;
constexpr std::size_t kKeyNameBytesMax = 64;
constexpr std::string_view kKeyFileMagic = "probity-signing-key v1";
// Bounds on the Argon2id cost a key file may ask for. The lower ones are
// libsodium's minimums; the upper ones stop a planted file from making us
// allocate or compute without end (1 GiB is libsodium's "sensitive" level).
constexpr std::uint64_t kKeyFileOpslimitMin = 1;
constexpr std::uint64_t kKeyFileOpslimitMax = 16;
constexpr std::size_t kKeyFileMemlimitBytesMin = 8192;
constexpr std::size_t kKeyFileMemlimitBytesMax = std::size_t{1} << 30;

// Names are what signed notes carry: 1..64 bytes of [A-Za-z0-9._-].
[[nodiscard]] Status ValidateKeyName(std::string_view name);

struct NamedKey {
  std::string name;
  SigningKey key;
};

// Writes a new key file; fails if `path` exists (never overwrites).
// InvalidArgument for a bad name, params outside the bounds above, or an
// existing path; IoError if the file cannot be written and synced (a partly
// written file is removed).
[[nodiscard]] Status WriteKeyFile(const std::string& path, const NamedKey& key,
                                  const SecretBytes& passphrase, KdfParams params);
// Reads and decrypts. KeyRejected for bad mode or format, WrongPassphrase when
// the box does not open, Corruption when the seed does not match the public
// key, NotFound when there is no such file.
Result<NamedKey> ReadKeyFile(const std::string& path, const SecretBytes& passphrase);
// Name and public key only; needs no passphrase (for `probity key public`).
struct PublicKeyInfo {
  std::string name;
  PublicKey public_key{};
};
Result<PublicKeyInfo> ReadPublicKeyFromFile(const std::string& path);

}  // namespace probity

#endif  // PROBITY_LEDGER_KEYFILE_H_
