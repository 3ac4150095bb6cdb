// C2SP signed-note (Ed25519 signatures) and tlog-checkpoint bodies.
// Spec: https://c2sp.org/signed-note and https://c2sp.org/tlog-checkpoint;
// our use of them is in docs/format.md, "Checkpoints". The reference
// implementation is golang.org/x/mod/sumdb/note; tests/vectors/ holds its
// published example note, which these functions must verify.
//
// Parsing follows the spec: the note must be valid UTF-8 without control
// characters other than LF; the text ends at the last blank line; every line
// after it is "— NAME BASE64(keyid || signature)\n" (U+2014, space). Key
// names are non-empty and hold no Unicode space and no '+'. Signatures by
// keys we do not know are kept but never trusted (witness cosignatures, for
// instance, are longer than an Ed25519 signature).
#ifndef PROBITY_LEDGER_NOTE_H_
#define PROBITY_LEDGER_NOTE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"

namespace probity {

constexpr std::size_t kNoteBytesMax = 16 * 1024;
constexpr std::size_t kNoteSignaturesMax = 16;  // the spec's minimum for verifiers
constexpr std::size_t kVerifierKeyBytesMax = 1024;

using KeyId = std::array<std::uint8_t, 4>;

// First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
KeyId NoteKeyId(std::string_view name, const PublicKey& key);
std::string KeyIdHex(const KeyId& id);  // 8 lower-case hex digits

// Whether `name` may appear as a signer name in a note (spec rules above).
[[nodiscard]] bool IsValidNoteKeyName(std::string_view name);

// "NAME+KEYID+BASE64(0x01 || key)": the verifier key string.
std::string FormatVerifierKey(std::string_view name, const PublicKey& key);
struct VerifierKey {
  std::string name;
  KeyId id{};
  PublicKey key{};
};
// InvalidArgument unless the text is a well-formed Ed25519 verifier key whose
// key id matches its name and key.
Result<VerifierKey> ParseVerifierKey(std::string_view text);

struct Checkpoint {
  std::string origin;
  std::uint64_t tree_size = 0;
  Hash root_hash{};
};
// "origin\nsize\nbase64(root)\n"
std::string FormatCheckpointBody(const Checkpoint& cp);
// Corruption unless the body is origin, tree size, root hash (32 bytes), each
// ending in LF, then any number of non-empty extension lines, which are
// ignored (they stay in the note body, covered by its signatures).
Result<Checkpoint> ParseCheckpointBody(std::string_view body);

// The note text: body, a blank line, "— NAME BASE64(keyid || sig)\n" per signer.
// `body` must be valid note text ending in LF and `name` a valid key name.
std::string SignNote(std::string_view body, std::string_view name, const SigningKey& key);

struct NoteSignature {
  std::string name;
  KeyId id{};
  Signature sig{};  // valid only when sig_bytes == kSignatureBytes
  // Length of what followed the key id. Other lengths are other algorithms
  // (e.g. witness cosignatures); `sig` is then zero and never verifies.
  std::size_t sig_bytes = kSignatureBytes;
};
struct ParsedNote {
  std::string body;  // includes its final newline
  std::vector<NoteSignature> signatures;
};
// Corruption for anything malformed or over the limits above.
Result<ParsedNote> ParseNote(std::string_view text);
// OK if some signature in `note` is by `key` and verifies. Unknown signers are
// ignored, as the spec says; VerificationFailed if none by `key` verifies, or
// if any signature by `key` fails (the spec says to reject the whole note).
[[nodiscard]] Status VerifyNote(const ParsedNote& note, const VerifierKey& key);

}  // namespace probity

#endif  // PROBITY_LEDGER_NOTE_H_
