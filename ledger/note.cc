// Signed notes and checkpoints; the rules are summarised in note.h.
#include "ledger/note.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "ledger/encoding.h"

namespace probity {
namespace {

constexpr std::uint8_t kAlgEd25519 = 0x01;
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 em dash, then a space
constexpr std::size_t kKeyIdBytes = 4;

// A UTF-8 lead byte: sequence length, its payload bits, and the smallest code
// point that length may carry (anything smaller is an overlong form).
struct Utf8Lead {
  std::size_t len;
  std::uint32_t bits;
  std::uint32_t min;
};

std::optional<Utf8Lead> ClassifyLead(std::uint8_t lead) {
  if (lead < 0x80) return Utf8Lead{1, lead, 0};
  if ((lead & 0xE0) == 0xC0) return Utf8Lead{2, lead & 0x1Fu, 0x80};
  if ((lead & 0xF0) == 0xE0) return Utf8Lead{3, lead & 0x0Fu, 0x800};
  if ((lead & 0xF8) == 0xF0) return Utf8Lead{4, lead & 0x07u, 0x10000};
  return std::nullopt;  // a continuation byte or 0xF8..0xFF
}

// Decodes the UTF-8 sequence at *pos into *code_point and advances *pos.
// Refuses overlong forms, surrogates and values past U+10FFFF, as Go's
// utf8.Valid does, so that both implementations accept the same notes.
bool NextCodePoint(std::string_view s, std::size_t* pos, std::uint32_t* code_point) {
  const std::optional<Utf8Lead> lead = ClassifyLead(static_cast<std::uint8_t>(s[*pos]));
  if (!lead.has_value()) return false;
  const std::size_t len = lead->len;
  const std::uint32_t min = lead->min;
  std::uint32_t value = lead->bits;
  if (s.size() - *pos < len) return false;
  for (std::size_t i = 1; i < len; ++i) {
    const auto next = static_cast<std::uint8_t>(s[*pos + i]);
    if ((next & 0xC0) != 0x80) return false;
    value = (value << 6) | (next & 0x3Fu);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return false;
  *code_point = value;
  *pos += len;
  return true;
}

// Go's unicode.IsSpace: the set the reference implementation refuses in names.
bool IsUnicodeSpace(std::uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Valid UTF-8 with no control character but LF, as the spec requires of notes.
Status CheckNoteText(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t at = pos;
    std::uint32_t c = 0;
    if (!NextCodePoint(text, &pos, &c)) {
      return Status::Corruption("invalid UTF-8 at byte " + std::to_string(at));
    }
    if (c < 0x20 && c != '\n') {
      return Status::Corruption("control character at byte " + std::to_string(at));
    }
  }
  return Status::OK();
}

// One "— NAME BASE64" line, without its LF.
Result<NoteSignature> ParseSignatureLine(std::string_view line) {
  if (line.substr(0, kSigPrefix.size()) != kSigPrefix) {
    return Status::Corruption("signature line does not start with an em dash (U+2014) and a space");
  }
  line.remove_prefix(kSigPrefix.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return Status::Corruption("signature line has no signature");
  NoteSignature sig;
  sig.name = std::string(line.substr(0, space));
  if (!IsValidNoteKeyName(sig.name))
    return Status::Corruption("signature line has an invalid key name");
  Result<Bytes> raw = Base64Decode(line.substr(space + 1));
  if (!raw.ok())
    return Status::Corruption("signature by " + sig.name + ": " + raw.status().message());
  if (raw->size() <= kKeyIdBytes)
    return Status::Corruption("signature by " + sig.name + " is too short");
  std::copy_n(raw->begin(), kKeyIdBytes, sig.id.begin());
  sig.sig_bytes = raw->size() - kKeyIdBytes;
  if (sig.sig_bytes == kSignatureBytes)
    std::copy(raw->begin() + kKeyIdBytes, raw->end(), sig.sig.begin());
  return sig;
}

// Parses the lines after the blank line; `block` is non-empty and ends in LF.
Status ParseSignatureBlock(std::string_view block, std::vector<NoteSignature>* out) {
  for (std::size_t pos = 0; pos < block.size();) {
    if (out->size() == kNoteSignaturesMax) {
      return Status::Corruption("note has more than " + std::to_string(kNoteSignaturesMax) +
                                " signatures");
    }
    const std::size_t end = block.find('\n', pos);
    Result<NoteSignature> sig = ParseSignatureLine(block.substr(pos, end - pos));
    if (!sig.ok()) return sig.status().WithContext("signature " + std::to_string(out->size() + 1));
    out->push_back(std::move(sig).value());
    pos = end + 1;
  }
  return Status::OK();
}

Result<VerifierKey> ParseVerifierKeyParts(std::string_view name, std::string_view id_hex,
                                          std::string_view key_b64) {
  if (!IsValidNoteKeyName(name)) return Status::InvalidArgument("invalid key name");
  PROBITY_ASSIGN_OR_RETURN(KeyId id, HexDecodeFixed<kKeyIdBytes>(id_hex, "key id"));
  PROBITY_ASSIGN_OR_RETURN(Bytes raw, Base64Decode(key_b64));
  if (raw.size() != 1 + kPublicKeyBytes || raw[0] != kAlgEd25519) {
    return Status::InvalidArgument("not an Ed25519 key (want 0x01 and 32 bytes, base64)");
  }
  VerifierKey key{std::string(name), id, {}};
  std::copy(raw.begin() + 1, raw.end(), key.key.begin());
  if (NoteKeyId(key.name, key.key) != id) {
    return Status::InvalidArgument("key id " + std::string(id_hex) +
                                   " does not match the name and key");
  }
  return key;
}

}  // namespace

KeyId NoteKeyId(std::string_view name, const PublicKey& key) {
  static constexpr std::uint8_t kSeparator[] = {'\n', kAlgEd25519};
  const Hash digest = Sha256Parts({AsBytes(name), ByteSpan(kSeparator), ByteSpan(key)});
  KeyId id{};
  std::copy_n(digest.begin(), id.size(), id.begin());
  return id;
}

std::string KeyIdHex(const KeyId& id) { return HexEncode(id); }

bool IsValidNoteKeyName(std::string_view name) {
  if (name.empty() || name.find('+') != std::string_view::npos) return false;
  std::size_t pos = 0;
  while (pos < name.size()) {
    std::uint32_t c = 0;
    if (!NextCodePoint(name, &pos, &c) || IsUnicodeSpace(c) || c < 0x20) return false;
  }
  return true;
}

std::string FormatVerifierKey(std::string_view name, const PublicKey& key) {
  PROBITY_ASSERT(IsValidNoteKeyName(name));
  Bytes encoded{kAlgEd25519};
  encoded.insert(encoded.end(), key.begin(), key.end());
  return std::string(name) + "+" + KeyIdHex(NoteKeyId(name, key)) + "+" + Base64Encode(encoded);
}

Result<VerifierKey> ParseVerifierKey(std::string_view text) {
  if (text.size() > kVerifierKeyBytesMax) {
    return Status::InvalidArgument("verifier key is longer than " +
                                   std::to_string(kVerifierKeyBytesMax) + " bytes");
  }
  // Names hold no '+', so the first two '+' are the separators.
  const std::size_t plus1 = text.find('+');
  const std::size_t plus2 = plus1 == std::string_view::npos ? plus1 : text.find('+', plus1 + 1);
  Result<VerifierKey> key =
      plus2 == std::string_view::npos
          ? Result<VerifierKey>(Status::InvalidArgument("want NAME+KEYID+KEY"))
          : ParseVerifierKeyParts(text.substr(0, plus1), text.substr(plus1 + 1, plus2 - plus1 - 1),
                                  text.substr(plus2 + 1));
  if (!key.ok()) return key.status().WithContext("bad verifier key");
  return key;
}

std::string FormatCheckpointBody(const Checkpoint& cp) {
  PROBITY_ASSERT(!cp.origin.empty());
  PROBITY_ASSERT(cp.origin.find('\n') == std::string::npos);
  PROBITY_ASSERT(CheckNoteText(cp.origin).ok());
  return cp.origin + "\n" + std::to_string(cp.tree_size) + "\n" + Base64Encode(cp.root_hash) + "\n";
}

Result<Checkpoint> ParseCheckpointBody(std::string_view body) {
  if (body.size() > kNoteBytesMax)
    return Status::Corruption("checkpoint: larger than a note may be");
  if (body.empty() || body.back() != '\n')
    return Status::Corruption("checkpoint: does not end in a newline");
  PROBITY_RETURN_IF_ERROR(CheckNoteText(body).WithContext("checkpoint"));
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < body.size();) {
    const std::size_t end = body.find('\n', pos);
    if (end == pos)
      return Status::Corruption("checkpoint: line " + std::to_string(lines.size() + 1) +
                                " is empty");
    lines.push_back(body.substr(pos, end - pos));
    pos = end + 1;
  }
  if (lines.size() < 3) {
    return Status::Corruption("checkpoint: needs origin, tree size and root hash lines, got " +
                              std::to_string(lines.size()));
  }
  // Lines after the third are extension lines: opaque, non-empty, ignored here.
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  Result<std::uint64_t> size = ParseDecimalU64(lines[1]);
  if (!size.ok()) return Status::Corruption("checkpoint: tree size: " + size.status().message());
  cp.tree_size = *size;
  Result<Hash> root = Base64DecodeFixed<sizeof(Hash)>(lines[2], "root hash");
  if (!root.ok()) return Status::Corruption("checkpoint: " + root.status().message());
  cp.root_hash = *root;
  return cp;
}

std::string SignNote(std::string_view body, std::string_view name, const SigningKey& key) {
  PROBITY_ASSERT(!body.empty() && body.back() == '\n');
  PROBITY_ASSERT(CheckNoteText(body).ok());
  PROBITY_ASSERT(IsValidNoteKeyName(name));
  const KeyId id = NoteKeyId(name, key.public_key);
  const Signature sig = SignDetached(key, AsBytes(body));
  Bytes raw(id.begin(), id.end());
  raw.insert(raw.end(), sig.begin(), sig.end());
  std::string note = std::string(body) + "\n" + std::string(kSigPrefix) + std::string(name) + " " +
                     Base64Encode(raw) + "\n";
  PROBITY_ASSERT(note.size() <= kNoteBytesMax);
  // Read back what we wrote: a note we cannot verify must never leave here.
  Result<ParsedNote> parsed = ParseNote(note);
  PROBITY_ASSERT(parsed.ok() && parsed->body == body);
  PROBITY_ASSERT(VerifyNote(*parsed, VerifierKey{std::string(name), id, key.public_key}).ok());
  return note;
}

Result<ParsedNote> ParseNote(std::string_view text) {
  if (text.size() > kNoteBytesMax) {
    return Status::Corruption("note is " + std::to_string(text.size()) + " bytes, more than the " +
                              std::to_string(kNoteBytesMax) + " allowed");
  }
  PROBITY_RETURN_IF_ERROR(CheckNoteText(text).WithContext("note"));
  // The text may itself hold blank lines: the signatures follow the last one.
  const std::size_t split = text.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Status::Corruption("note has no blank line between its text and its signatures");
  }
  ParsedNote note;
  note.body = std::string(text.substr(0, split + 1));
  const std::string_view block = text.substr(split + 2);
  if (block.empty()) return Status::Corruption("note has no signature lines");
  if (block.back() != '\n')
    return Status::Corruption("note's last signature line has no final newline");
  PROBITY_RETURN_IF_ERROR(ParseSignatureBlock(block, &note.signatures).WithContext("note"));
  return note;
}

Status VerifyNote(const ParsedNote& note, const VerifierKey& key) {
  PROBITY_ASSERT(NoteKeyId(key.name, key.key) == key.id);
  const std::string who = key.name + "+" + KeyIdHex(key.id);
  bool verified = false;
  for (const NoteSignature& sig : note.signatures) {
    if (sig.name != key.name || sig.id != key.id) continue;  // someone else's: ignored
    if (sig.sig_bytes != kSignatureBytes || !VerifyDetached(key.key, AsBytes(note.body), sig.sig)) {
      return Status::VerificationFailed("signature by " + who +
                                        " does not verify: the note was altered");
    }
    verified = true;
  }
  if (!verified) return Status::VerificationFailed("note carries no signature by " + who);
  return Status::OK();
}

}  // namespace probity
