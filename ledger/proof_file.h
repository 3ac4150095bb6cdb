// Inclusion proofs of one entry as C2SP tlog-proof files
// (https://c2sp.org/tlog-proof; docs/format.md, section 8.1 "Proof files").
//
// A proof file says "entry `index` is in the tree whose signed checkpoint is
// attached": the RFC 9162 inclusion path and the checkpoint note, verbatim.
// Its optional `extra` line carries the entry's own Ed25519 signature. With
// the entry's canonical bytes and a trusted signer key, anyone can check it
// without the ledger and without any passphrase.
//
// Proofs are built from the stored tree nodes against the latest stored
// checkpoint: O(log n) node reads per proof, never a rebuild.
//
// The parser is strict and bounded: at most kProofFileBytesMax bytes, LF line
// ends only, canonical base64, at most kInclusionProofHashesMax hashes; the
// checkpoint note is read by ParseNote (ledger/note.h).
#ifndef PROBITY_LEDGER_PROOF_FILE_H_
#define PROBITY_LEDGER_PROOF_FILE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/crypto.h"
#include "ledger/ledger.h"
#include "ledger/note.h"

namespace probity {

constexpr std::string_view kProofHeader = "c2sp.org/tlog-proof@v1";
// Header, extra (88 characters), index, 64 hashes of 45 bytes, a note of at
// most kNoteBytesMax: under 20 KiB. Anything past this bound is refused
// unread.
constexpr std::size_t kProofFileBytesMax = 32 * 1024;
// The entry given to the verifier: one canonical entry at most.
constexpr std::size_t kProofEntryBytesMax = kCanonicalBytesMax;

// The parts of a proof file.
struct ProofFile {
  // The `extra` line: the entry's Ed25519 signature over its canonical bytes,
  // by the key whose id is the entry's `signer` field. Not authenticated by
  // the proof itself; the verifier checks it when it trusts that key.
  std::optional<Signature> entry_sig;
  std::uint64_t index = 0;
  std::vector<Hash> inclusion;  // PATH(index, D[tree_size]), leaf end first
  std::string checkpoint;       // the signed checkpoint note, verbatim
};

// The text of a proof file. `proof.checkpoint` must be a note (ends in LF).
std::string FormatProofFile(const ProofFile& proof);
// InvalidArgument, naming the line, for anything the format does not allow.
// The checkpoint note is only split off here; VerifyEntryProof parses it.
Result<ProofFile> ParseProofFile(std::string_view text);

// The proof file for entry `seq` against the latest checkpoint in the ledger.
// NotFound if the checkpoint does not cover `seq`; Corruption if the stored
// checkpoint or tree nodes do not check (the proof is verified before it is
// returned).
Result<std::string> MakeEntryProof(Ledger& ledger, std::int64_t seq);
// One proof per seq, all against the same (latest) checkpoint, which is read
// once: for answers that cover several entries of one person.
Result<std::vector<std::string>> MakeEntryProofs(Ledger& ledger,
                                                 std::span<const std::int64_t> seqs);

// The verifier key (NAME+KEYID+KEY) of the first signer of the latest
// checkpoint who is a signer of this ledger: what a person passes to
// `probity verify-proof --trust`. Empty if none is found.
std::string CheckpointSignerKey(Ledger& ledger);

// What the verifier trusts, given out of band (never taken from the proof).
struct ProofTrust {
  std::vector<VerifierKey> keys;  // signer keys of the ledger; at least one
  std::string origin;             // the ledger's origin; must not be empty
};

enum class EntrySignatureCheck {
  kAbsent,      // the proof has no extra line
  kNotTrusted,  // the entry's signer is none of the trusted keys: not checked
  kVerified,    // checked under the trusted key with the entry's key id
};

// What a successful check established.
struct ProofReport {
  std::uint64_t index = 0;
  std::uint64_t tree_size = 0;
  Hash root{};
  std::string origin;
  std::vector<std::string> checkpoint_signers;  // "NAME+KEYID" of trusted keys that signed
  EntrySignatureCheck entry_sig = EntrySignatureCheck::kAbsent;
  std::string entry_signer;  // the entry's `signer` key id, 8 hex
};

// Checks that `entry_bytes` (the entry's exact canonical bytes) is leaf
// `index` of the tree in the attached checkpoint, that the checkpoint note is
// signed by at least one trusted key (and that no signature line of a trusted
// key fails; lines by other keys are ignored), that its origin is
// trust.origin, that the entry's `seq` is the index, and, if the proof has an
// extra line and the entry's signer is trusted, the entry's signature.
//   InvalidArgument: the proof file or the entry is malformed, or the trust
//                    is empty;
//   VerificationFailed: well-formed, but it does not prove inclusion.
// `report` (optional) is filled on success.
[[nodiscard]] Status VerifyEntryProof(std::string_view proof_text, std::string_view entry_bytes,
                                      const ProofTrust& trust, ProofReport* report = nullptr);

}  // namespace probity

#endif  // PROBITY_LEDGER_PROOF_FILE_H_
