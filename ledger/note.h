// C2SP signed-note (Ed25519 signatures) and tlog-checkpoint bodies.
// Spec: https://c2sp.org/signed-note and https://c2sp.org/tlog-checkpoint;
// our use of them is in docs/format.md, "Checkpoints".
#ifndef PROBITY_LEDGER_NOTE_H_
#define PROBITY_LEDGER_NOTE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"

namespace probity {

constexpr std::size_t kNoteBytesMax = 16 * 1024;
constexpr std::size_t kNoteSignaturesMax = 16;

using KeyId = std::array<std::uint8_t, 4>;

// First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
KeyId NoteKeyId(std::string_view name, const PublicKey& key);
std::string KeyIdHex(const KeyId& id);  // 8 lower-case hex digits

// "NAME+KEYID+BASE64(0x01 || key)": the verifier key string.
std::string FormatVerifierKey(std::string_view name, const PublicKey& key);
struct VerifierKey {
  std::string name;
  KeyId id{};
  PublicKey key{};
};
Result<VerifierKey> ParseVerifierKey(std::string_view text);

struct Checkpoint {
  std::string origin;
  std::uint64_t tree_size = 0;
  Hash root_hash{};
};
// "origin\nsize\nbase64(root)\n"
std::string FormatCheckpointBody(const Checkpoint& cp);
Result<Checkpoint> ParseCheckpointBody(std::string_view body);

// The note text: body, a blank line, "— NAME BASE64(keyid || sig)\n" per signer.
std::string SignNote(std::string_view body, std::string_view name, const SigningKey& key);

struct NoteSignature {
  std::string name;
  KeyId id{};
  Signature sig{};
};
struct ParsedNote {
  std::string body;  // includes its final newline
  std::vector<NoteSignature> signatures;
};
Result<ParsedNote> ParseNote(std::string_view text);
// OK if some signature in `note` is by `key` and verifies. Unknown signers are
// ignored, as the spec says; VerificationFailed if none by `key` verifies.
[[nodiscard]] Status VerifyNote(const ParsedNote& note, const VerifierKey& key);

}  // namespace probity

#endif  // PROBITY_LEDGER_NOTE_H_
