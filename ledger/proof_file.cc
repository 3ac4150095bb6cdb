// Proof files: the format is in docs/format.md, section 8.1, and summarised in
// proof_file.h.
#include "ledger/proof_file.h"

#include <algorithm>
#include <utility>

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"

namespace probity {
namespace {

constexpr std::string_view kExtraPrefix = "extra ";
constexpr std::string_view kIndexPrefix = "index ";

// Reads the file line by line, counting lines for messages.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  // The next line without its LF. InvalidArgument if the file ends first.
  Result<std::string_view> Next(const char* what) {
    ++line_;
    const std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("proof file is cut short: line " + std::to_string(line_) +
                                     " (" + what + ") is missing or has no newline");
    }
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return line;
  }
  std::string_view Rest() const { return text_.substr(pos_); }
  Status Error(const std::string& message) const {
    return Status::InvalidArgument("proof file line " + std::to_string(line_) + ": " + message);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 0;
};

// Input past its limit is refused before anything else is read from it.
Status CheckSize(std::size_t size, std::size_t bytes_max, const char* what) {
  if (size <= bytes_max) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " is " + std::to_string(size) +
                                 " bytes, more than the " + std::to_string(bytes_max) +
                                 " allowed");
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The hash lines up to the blank line that ends them.
Status ParseHashLines(LineReader& lines, std::vector<Hash>* out) {
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(std::string_view line, lines.Next("inclusion hash or blank line"));
    if (line.empty()) return Status::OK();
    if (out->size() == kInclusionProofHashesMax) {
      return lines.Error("more than " + std::to_string(kInclusionProofHashesMax) +
                         " inclusion hashes; no tree has a longer path");
    }
    Result<Hash> hash = Base64DecodeFixed<sizeof(Hash)>(line, "inclusion hash");
    if (!hash.ok()) return lines.Error(hash.status().message());
    out->push_back(*hash);
  }
}

Status Malformed(const Status& st, const char* what) {
  return Status::InvalidArgument(std::string(what) + ": " + st.message());
}

// The trusted keys that signed the note. VerificationFailed if none did, or
// if a line carrying a trusted key's name and id does not verify.
Result<std::vector<std::string>> CheckpointSigners(const ParsedNote& note,
                                                   const std::vector<VerifierKey>& keys) {
  std::vector<std::string> signers;
  for (const VerifierKey& key : keys) {
    const bool present = std::any_of(
        note.signatures.begin(), note.signatures.end(),
        [&](const NoteSignature& sig) { return sig.name == key.name && sig.id == key.id; });
    if (!present) continue;
    PROBITY_RETURN_IF_ERROR(VerifyNote(note, key).WithContext("checkpoint"));
    signers.push_back(key.name + "+" + KeyIdHex(key.id));
  }
  if (signers.empty()) {
    std::string names;
    for (const NoteSignature& sig : note.signatures) {
      names += (names.empty() ? "" : ", ") + sig.name + "+" + KeyIdHex(sig.id);
    }
    return Status::VerificationFailed(
        "the checkpoint is not signed by any trusted key (it is signed by " + names +
        "); ask the campaign for its published signer key and pass it with --trust");
  }
  return signers;
}

// The entry given to the verifier, decoded: it must be a canonical entry.
Result<Json> DecodeGivenEntry(std::string_view entry_bytes) {
  PROBITY_RETURN_IF_ERROR(CheckSize(entry_bytes.size(), kProofEntryBytesMax, "the entry"));
  if (!entry_bytes.empty() && entry_bytes.back() == '\n') {
    return Status::InvalidArgument(
        "the entry ends in a newline, but an entry's canonical bytes never do; give the bytes "
        "exactly as `probity prove --entry-out` wrote them (was the file edited?)");
  }
  Result<Json> entry = DecodeEntry(entry_bytes);
  if (!entry.ok()) return Malformed(entry.status(), "the entry is not a canonical Probity entry");
  return entry;
}

// The extra line: the entry's signature, checked if its signer is trusted.
Status CheckEntrySignature(const ProofFile& proof, std::string_view entry_bytes,
                           const Json& entry, const std::vector<VerifierKey>& keys,
                           ProofReport* report) {
  report->entry_signer = entry["signer"].get<std::string>();
  report->entry_sig = EntrySignatureCheck::kAbsent;
  if (!proof.entry_sig.has_value()) return Status::OK();
  report->entry_sig = EntrySignatureCheck::kNotTrusted;
  for (const VerifierKey& key : keys) {
    if (KeyIdHex(key.id) != report->entry_signer) continue;
    if (!VerifyDetached(key.key, AsBytes(entry_bytes), *proof.entry_sig)) {
      return Status::VerificationFailed("the entry's signature (the proof's extra line) does not "
                                        "verify under " + key.name + "+" + report->entry_signer);
    }
    report->entry_sig = EntrySignatureCheck::kVerified;
  }
  return Status::OK();
}

struct CheckedCheckpoint {
  Checkpoint cp;
  std::vector<std::string> signers;
};

Result<CheckedCheckpoint> CheckCheckpoint(std::string_view note_text, const ProofTrust& trust) {
  Result<ParsedNote> note = ParseNote(note_text);
  if (!note.ok()) return Malformed(note.status(), "proof file: checkpoint");
  Result<Checkpoint> cp = ParseCheckpointBody(note->body);
  if (!cp.ok()) return Malformed(cp.status(), "proof file");
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::string> signers,
                           CheckpointSigners(*note, trust.keys));
  if (cp->origin != trust.origin) {
    return Status::VerificationFailed("the checkpoint is for the log " +
                                      QuoteForMessage(cp->origin) + ", not " +
                                      QuoteForMessage(trust.origin) +
                                      ": this proof is from another ledger");
  }
  return CheckedCheckpoint{std::move(cp).value(), std::move(signers)};
}

// Proof of leaf `seq` against a checkpoint already read from the ledger.
Result<std::string> ProofAgainst(Store& store, const Checkpoint& cp, const std::string& note,
                                 std::int64_t seq) {
  if (seq < 0 || static_cast<std::uint64_t>(seq) >= cp.tree_size) {
    return Status::NotFound("no entry " + std::to_string(seq) + ": the latest checkpoint covers " +
                            "entries 0 to " + std::to_string(cp.tree_size - 1));
  }
  const auto index = static_cast<std::uint64_t>(seq);
  PROBITY_ASSIGN_OR_RETURN(StoredEntry stored, store.GetEntry(seq));
  ProofFile proof;
  proof.entry_sig = stored.sig;
  proof.index = index;
  PROBITY_ASSIGN_OR_RETURN(proof.inclusion, InclusionProof(store, index, cp.tree_size));
  proof.checkpoint = note;
  // Never hand out a proof that does not check.
  if (stored.leaf_hash != LeafHash(AsBytes(stored.body)) ||
      !VerifyInclusion(index, cp.tree_size, stored.leaf_hash, proof.inclusion, cp.root_hash).ok()) {
    return Status::Corruption("entry " + std::to_string(seq) +
                              ": the stored tree does not match the latest checkpoint; run "
                              "`probity verify` to find the damage");
  }
  return FormatProofFile(proof);
}

}  // namespace

std::string FormatProofFile(const ProofFile& proof) {
  PROBITY_ASSERT(!proof.checkpoint.empty() && proof.checkpoint.back() == '\n');
  PROBITY_ASSERT(proof.inclusion.size() <= kInclusionProofHashesMax);
  std::string text = std::string(kProofHeader) + "\n";
  if (proof.entry_sig.has_value()) {
    text += std::string(kExtraPrefix) + Base64Encode(*proof.entry_sig) + "\n";
  }
  text += std::string(kIndexPrefix) + std::to_string(proof.index) + "\n";
  for (const Hash& h : proof.inclusion) text += Base64Encode(h) + "\n";
  text += "\n" + proof.checkpoint;
  return text;
}

Result<ProofFile> ParseProofFile(std::string_view text) {
  PROBITY_RETURN_IF_ERROR(CheckSize(text.size(), kProofFileBytesMax, "proof file"));
  if (text.find('\r') != std::string_view::npos) {
    return Status::InvalidArgument("proof file has a carriage return (CRLF line ends?); proof "
                                   "files use LF only: use the file as `probity prove` wrote it");
  }
  LineReader lines(text);
  PROBITY_ASSIGN_OR_RETURN(std::string_view line, lines.Next("header"));
  if (line != kProofHeader) {
    return lines.Error("want the header " + std::string(kProofHeader) + ", got " +
                       QuoteForMessage(line) + "; this is not a tlog-proof file");
  }
  ProofFile proof;
  PROBITY_ASSIGN_OR_RETURN(line, lines.Next("extra or index"));
  if (StartsWith(line, kExtraPrefix)) {
    Result<Signature> sig =
        Base64DecodeFixed<kSignatureBytes>(line.substr(kExtraPrefix.size()), "extra");
    if (!sig.ok()) return lines.Error(sig.status().message() + " (the entry's signature)");
    proof.entry_sig = *sig;
    PROBITY_ASSIGN_OR_RETURN(line, lines.Next("index"));
  }
  if (!StartsWith(line, kIndexPrefix)) {
    return lines.Error("want \"index N\", got " + QuoteForMessage(line));
  }
  Result<std::uint64_t> index = ParseDecimalU64(line.substr(kIndexPrefix.size()));
  if (!index.ok()) return lines.Error("index: " + index.status().message());
  proof.index = *index;
  PROBITY_RETURN_IF_ERROR(ParseHashLines(lines, &proof.inclusion));
  if (lines.Rest().empty()) {
    return Status::InvalidArgument("proof file is cut short: no checkpoint after the blank line");
  }
  proof.checkpoint = std::string(lines.Rest());
  return proof;
}

Result<std::vector<std::string>> MakeEntryProofs(Ledger& ledger,
                                                 std::span<const std::int64_t> seqs) {
  PROBITY_ASSIGN_OR_RETURN(std::string note, ledger.LatestCheckpoint());
  Result<ParsedNote> parsed = ParseNote(note);
  Result<Checkpoint> cp =
      parsed.ok() ? ParseCheckpointBody(parsed->body) : Result<Checkpoint>(parsed.status());
  if (!cp.ok()) {
    return Status::Corruption("the latest stored checkpoint: " + cp.status().message() +
                             "; run `probity verify` to find the damage");
  }
  if (cp->origin != ledger.origin()) {
    return Status::Corruption("the latest stored checkpoint names the origin " +
                              QuoteForMessage(cp->origin) + ", not the ledger's");
  }
  std::vector<std::string> proofs;
  proofs.reserve(seqs.size());
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(std::string proof, ProofAgainst(ledger.store(), *cp, note, seq));
    proofs.push_back(std::move(proof));
  }
  return proofs;
}

Result<std::string> MakeEntryProof(Ledger& ledger, std::int64_t seq) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::string> proofs,
                           MakeEntryProofs(ledger, std::span<const std::int64_t>(&seq, 1)));
  return std::move(proofs.front());
}

Status VerifyEntryProof(std::string_view proof_text, std::string_view entry_bytes,
                        const ProofTrust& trust, ProofReport* report) {
  if (trust.keys.empty()) return Status::InvalidArgument("no trusted key: give at least one");
  if (trust.origin.empty()) return Status::InvalidArgument("no origin: give the ledger's origin");
  PROBITY_ASSIGN_OR_RETURN(ProofFile proof, ParseProofFile(proof_text));
  PROBITY_ASSIGN_OR_RETURN(Json entry, DecodeGivenEntry(entry_bytes));
  PROBITY_ASSIGN_OR_RETURN(CheckedCheckpoint checked, CheckCheckpoint(proof.checkpoint, trust));
  const Checkpoint& cp = checked.cp;
  const std::int64_t seq = entry["seq"].get<std::int64_t>();
  if (seq < 0 || static_cast<std::uint64_t>(seq) != proof.index) {
    return Status::VerificationFailed("the entry is entry " + std::to_string(seq) +
                                      ", but the proof is for index " +
                                      std::to_string(proof.index) + ": wrong entry or wrong proof");
  }
  Status included =
      VerifyInclusion(proof.index, cp.tree_size, LeafHash(AsBytes(entry_bytes)), proof.inclusion,
                      cp.root_hash);
  if (!included.ok()) {
    return Status::VerificationFailed("entry " + std::to_string(seq) +
                                      " is not proved to be in the checkpointed tree of size " +
                                      std::to_string(cp.tree_size) + ": " + included.message());
  }
  ProofReport local;
  ProofReport* out = report != nullptr ? report : &local;
  PROBITY_RETURN_IF_ERROR(CheckEntrySignature(proof, entry_bytes, entry, trust.keys, out));
  out->index = proof.index;
  out->tree_size = cp.tree_size;
  out->root = cp.root_hash;
  out->origin = cp.origin;
  out->checkpoint_signers = std::move(checked.signers);
  return Status::OK();
}

}  // namespace probity

namespace probity {

std::string CheckpointSignerKey(Ledger& ledger) {
  Result<std::string> note = ledger.LatestCheckpoint();
  Result<ParsedNote> parsed = note.ok() ? ParseNote(*note) : Result<ParsedNote>(note.status());
  Result<SignerSet> signers = ledger.LoadSigners();
  if (!parsed.ok() || !signers.ok() || parsed->signatures.empty()) return "";
  const NoteSignature& sig = parsed->signatures.front();
  auto it = signers->all().find(KeyIdHex(sig.id));
  if (it == signers->all().end()) return "";
  return FormatVerifierKey(it->second.name, it->second.key);
}

}  // namespace probity
