// Key file reader and writer; the format is described in keyfile.h.
#include "ledger/keyfile.h"


#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include "ledger/encoding.h"
#include "ledger/files.h"

namespace probity {

static_assert(kKeyFileOpslimitMin == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kKeyFileMemlimitBytesMin == crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(kKeyFileMemlimitBytesMax <= crypto_pwhash_argon2id_MEMLIMIT_MAX);

namespace {

using SecretboxNonce = std::array<std::uint8_t, kSecretboxNonceBytes>;
constexpr std::size_t kSealedSeedBytes = kSecretboxMacBytes + kSeedBytes;
constexpr std::string_view kKdfName = "argon2id13";

// The decoded contents of a key file, before any decryption.
struct KeyFileFields {
  std::string name;
  PublicKey public_key{};
  KdfParams params{};
  Salt salt{};
  SecretboxNonce nonce{};
  std::array<std::uint8_t, kSealedSeedBytes> sealed_seed{};
};

enum Field : std::size_t {
  kName,
  kPublicKey,
  kKdf,
  kOpslimit,
  kMemlimit,
  kSalt,
  kNonce,
  kSealedSeed,
  kFieldCount,
};
constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "name", "public-key", "kdf", "opslimit", "memlimit", "salt", "nonce", "sealed-seed"};


Status Reject(const std::string& path, const std::string& problem) {
  return Status::KeyRejected("key file " + path + ": " + problem);
}

// A format problem: say what is wrong and what the user can do about it.
Status RejectFormat(const std::string& path, const std::string& problem) {
  return Reject(path, problem +
                          "; the file is damaged or is not a Probity signing key, restore it from "
                          "your backup");
}

std::string ModeOctal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Like ssh: a private key that others can read or write is not used at all.
Status CheckMode(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode))
    return Status::KeyRejected("key file " + path + " is not a regular file");
  if ((st.st_mode & 077) == 0) return Status::OK();
  const char* how = (st.st_mode & 044) != 0 ? "readable" : "writable";
  return Status::KeyRejected("key file " + path + " is " + how + " by others (mode " +
                             ModeOctal(st.st_mode) + "); run chmod 600 " + path);
}

Status OpenError(const std::string& path) {
  if (errno == ENOENT) return Status::NotFound("key file " + path + " does not exist");
  return Status::IoError("cannot open key file " + path + ": " + ErrnoText());
}

Result<std::string> ReadKeyFileText(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return OpenError(path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return Status::IoError("cannot stat key file " + path + ": " + ErrnoText());
  PROBITY_RETURN_IF_ERROR(CheckMode(path, st));
  // Read one byte more than allowed, so that growth after fstat is noticed too.
  std::string text(kKeyFileBytesMax + 1, '\0');
  std::size_t used = 0;
  while (used < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read key file " + path + ": " + ErrnoText());
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > kKeyFileBytesMax) {
    return RejectFormat(path, "longer than " + std::to_string(kKeyFileBytesMax) + " bytes");
  }
  text.resize(used);
  return text;
}

// ---- Parsing -------------------------------------------------------------

using FieldValues = std::array<std::optional<std::string_view>, kFieldCount>;

Result<std::size_t> FieldIndex(std::string_view field) {
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (kFieldNames[i] == field) return i;
  }
  return Status::InvalidArgument("unknown field");
}

// Records one "field value" line; `line_number` is 1-based, for messages.
Status AddLine(const std::string& path, std::string_view line, std::size_t line_number,
               FieldValues* values) {
  const std::string where = "line " + std::to_string(line_number);
  if (line.empty()) return RejectFormat(path, where + " is empty");
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return RejectFormat(path, where + " has no value");
  const std::string_view field = line.substr(0, space);
  Result<std::size_t> index = FieldIndex(field);
  if (!index.ok()) {
    return RejectFormat(path, where + " has an unknown field \"" + std::string(field) + "\"");
  }
  if ((*values)[*index].has_value()) {
    return RejectFormat(path, where + " repeats the field \"" + std::string(field) + "\"");
  }
  (*values)[*index] = line.substr(space + 1);
  return Status::OK();
}

// Splits the text into the magic line and field values, checking structure only.
Result<FieldValues> SplitKeyFile(const std::string& path, std::string_view text) {
  if (text.empty() || text.back() != '\n')
    return RejectFormat(path, "truncated (no final newline)");
  const std::size_t first_end = text.find('\n');
  if (text.substr(0, first_end) != kKeyFileMagic) {
    return RejectFormat(path, "first line is not \"" + std::string(kKeyFileMagic) + "\"");
  }
  FieldValues values;
  std::size_t line_number = 1;
  for (std::size_t pos = first_end + 1; pos < text.size();) {
    const std::size_t end = text.find('\n', pos);
    PROBITY_RETURN_IF_ERROR(AddLine(path, text.substr(pos, end - pos), ++line_number, &values));
    pos = end + 1;
  }
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (!values[i].has_value()) {
      return RejectFormat(path, "the field \"" + std::string(kFieldNames[i]) + "\" is missing");
    }
  }
  return values;
}

// Decodes a base64 field of exactly N bytes, labelling failures with the field.
template <std::size_t N>
Status DecodeField(const std::string& path, const FieldValues& values, Field field,
                   std::array<std::uint8_t, N>* out) {
  const std::string label(kFieldNames[field]);
  Result<std::array<std::uint8_t, N>> decoded = Base64DecodeFixed<N>(*values[field], label.c_str());
  if (!decoded.ok()) return RejectFormat(path, decoded.status().message());
  *out = *decoded;
  return Status::OK();
}

Status DecodeLimit(const std::string& path, const FieldValues& values, Field field,
                   std::uint64_t min, std::uint64_t max, std::uint64_t* out) {
  const std::string label(kFieldNames[field]);
  Result<std::uint64_t> value = ParseDecimalU64(*values[field]);
  if (!value.ok()) return RejectFormat(path, label + ": " + value.status().message());
  if (*value < min || *value > max) {
    return RejectFormat(path, label + " " + std::to_string(*value) + " is outside " +
                                  std::to_string(min) + ".." + std::to_string(max));
  }
  *out = *value;
  return Status::OK();
}

Status DecodeKdf(const std::string& path, const FieldValues& values, KdfParams* params) {
  if (*values[kKdf] != kKdfName) {
    return RejectFormat(path, "kdf \"" + std::string(*values[kKdf]) + "\" is not \"" +
                                  std::string(kKdfName) + "\"");
  }
  std::uint64_t memlimit = 0;
  PROBITY_RETURN_IF_ERROR(DecodeLimit(path, values, kOpslimit, kKeyFileOpslimitMin,
                                      kKeyFileOpslimitMax, &params->opslimit));
  PROBITY_RETURN_IF_ERROR(DecodeLimit(path, values, kMemlimit, kKeyFileMemlimitBytesMin,
                                      kKeyFileMemlimitBytesMax, &memlimit));
  params->memlimit_bytes = static_cast<std::size_t>(memlimit);  // bounded by the check above
  return Status::OK();
}

Result<KeyFileFields> ParseKeyFileText(const std::string& path, std::string_view text) {
  PROBITY_ASSIGN_OR_RETURN(FieldValues values, SplitKeyFile(path, text));
  KeyFileFields f;
  Status name_status = ValidateKeyName(*values[kName]);
  if (!name_status.ok()) return RejectFormat(path, name_status.message());
  f.name = std::string(*values[kName]);
  PROBITY_RETURN_IF_ERROR(DecodeField(path, values, kPublicKey, &f.public_key));
  PROBITY_RETURN_IF_ERROR(DecodeKdf(path, values, &f.params));
  PROBITY_RETURN_IF_ERROR(DecodeField(path, values, kSalt, &f.salt));
  PROBITY_RETURN_IF_ERROR(DecodeField(path, values, kNonce, &f.nonce));
  PROBITY_RETURN_IF_ERROR(DecodeField(path, values, kSealedSeed, &f.sealed_seed));
  return f;
}

// ---- Writing -------------------------------------------------------------

std::string FormatKeyFile(const KeyFileFields& f) {
  std::string out;
  out.append(kKeyFileMagic).append("\n");
  const auto add = [&out](Field field, const std::string& value) {
    out.append(kFieldNames[field]).append(" ").append(value).append("\n");
  };
  add(kName, f.name);
  add(kPublicKey, Base64Encode(f.public_key));
  add(kKdf, std::string(kKdfName));
  add(kOpslimit, std::to_string(f.params.opslimit));
  add(kMemlimit, std::to_string(f.params.memlimit_bytes));
  add(kSalt, Base64Encode(f.salt));
  add(kNonce, Base64Encode(f.nonce));
  add(kSealedSeed, Base64Encode(f.sealed_seed));
  return out;
}

Status CheckWriteParams(KdfParams params) {
  if (params.opslimit < kKeyFileOpslimitMin || params.opslimit > kKeyFileOpslimitMax ||
      params.memlimit_bytes < kKeyFileMemlimitBytesMin ||
      params.memlimit_bytes > kKeyFileMemlimitBytesMax) {
    return Status::InvalidArgument(
        "Argon2id parameters outside what a key file may hold (opslimit " +
        std::to_string(kKeyFileOpslimitMin) + ".." + std::to_string(kKeyFileOpslimitMax) +
        ", memlimit " + std::to_string(kKeyFileMemlimitBytesMin) + ".." +
        std::to_string(kKeyFileMemlimitBytesMax) + " bytes)");
  }
  return Status::OK();
}

// libsodium's secret key is seed || public key: the halves must agree.
bool PublicHalfMatches(const SigningKey& key) {
  return key.secret.size() == kSecretKeyBytes &&
         std::memcmp(key.secret.data() + kSeedBytes, key.public_key.data(), kPublicKeyBytes) == 0;
}

}  // namespace

Status ValidateKeyName(std::string_view name) {
  if (name.empty() || name.size() > kKeyNameBytesMax) {
    return Status::InvalidArgument("key name must be 1 to " + std::to_string(kKeyNameBytesMax) +
                                   " bytes long, got " + std::to_string(name.size()));
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(
          "key name may contain only letters A-Z a-z, digits, '.', '_' "
          "and '-'");
    }
  }
  return Status::OK();
}

Status WriteKeyFile(const std::string& path, const NamedKey& key, const SecretBytes& passphrase,
                    KdfParams params) {
  PROBITY_RETURN_IF_ERROR(ValidateKeyName(key.name));
  PROBITY_RETURN_IF_ERROR(CheckWriteParams(params));
  PROBITY_ASSERT(PublicHalfMatches(key.key));
  KeyFileFields f;
  f.name = key.name;
  f.public_key = key.key.public_key;
  f.params = params;
  RandomBytes(f.salt);
  RandomBytes(f.nonce);
  PROBITY_ASSIGN_OR_RETURN(SecretBytes box_key,
                           DeriveKey(passphrase, f.salt, params, kSymmetricKeyBytes));
  const SecretBytes seed = SeedOf(key.key);
  const Bytes sealed = SecretboxSeal(box_key, f.nonce, seed.span());
  PROBITY_ASSERT(sealed.size() == f.sealed_seed.size());
  std::copy(sealed.begin(), sealed.end(), f.sealed_seed.begin());
  const std::string text = FormatKeyFile(f);
  // Never write what the reader would refuse.
  PROBITY_ASSERT(text.size() <= kKeyFileBytesMax);
  PROBITY_ASSERT(ParseKeyFileText(path, text).ok());
  return WriteNewFile(path, text, "key file");
}

Result<NamedKey> ReadKeyFile(const std::string& path, const SecretBytes& passphrase) {
  PROBITY_ASSIGN_OR_RETURN(std::string text, ReadKeyFileText(path));
  PROBITY_ASSIGN_OR_RETURN(KeyFileFields f, ParseKeyFileText(path, text));
  PROBITY_ASSIGN_OR_RETURN(SecretBytes box_key,
                           DeriveKey(passphrase, f.salt, f.params, kSymmetricKeyBytes));
  Result<SecretBytes> seed = SecretboxOpen(box_key, f.nonce, f.sealed_seed);
  if (!seed.ok()) {
    return Status::WrongPassphrase("cannot unlock key file " + path +
                                   ": the passphrase is wrong, or the file was altered");
  }
  PROBITY_ASSIGN_OR_RETURN(SigningKey key, SigningKeyFromSeed(seed->span()));
  if (key.public_key != f.public_key) {
    return Status::Corruption("key file " + path +
                              ": the decrypted key does not match its public-key line; the file "
                              "was altered, restore it from your backup");
  }
  return NamedKey{std::move(f.name), std::move(key)};
}

Result<PublicKeyInfo> ReadPublicKeyFromFile(const std::string& path) {
  PROBITY_ASSIGN_OR_RETURN(std::string text, ReadKeyFileText(path));
  PROBITY_ASSIGN_OR_RETURN(KeyFileFields f, ParseKeyFileText(path, text));
  return PublicKeyInfo{std::move(f.name), f.public_key};
}

}  // namespace probity
