#include "ledger/verify.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/replay.h"
#include "ledger/vault.h"
#include "ledger/verify_gifts.h"

namespace probity {
namespace {

struct PendingSig {
  std::int64_t seq;
  PublicKey key;
  std::string body;
  Signature sig;
};

struct Failure {
  std::int64_t seq = -1;
  Status status;
};

// Checks signatures on all cores; returns the index of the first bad one or -1.
std::int64_t FirstBadSignature(const std::vector<PendingSig>& sigs) {
  const std::size_t threads =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::int64_t> first_bad(threads, -1);
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::size_t i = t; i < sigs.size(); i += threads) {
        const PendingSig& p = sigs[i];
        if (!VerifyDetached(p.key, AsBytes(p.body), p.sig)) {
          first_bad[t] = static_cast<std::int64_t>(i);
          return;
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  std::int64_t best = -1;
  for (std::int64_t b : first_bad) {
    if (b >= 0 && (best < 0 || b < best)) best = b;
  }
  return best;
}

class Verifier {
 public:
  Verifier(Ledger& ledger, const VerifyOptions& options)
      : ledger_(ledger), options_(options), gifts_(ledger.store()) {}
  Result<VerifyReport> Run();

 private:
  Status CheckEntry(const StoredEntry& e, const EntryIndex& index);
  Status CheckChunk(std::int64_t from, std::int64_t to);
  Status CheckTreeNodes();
  Status CheckCheckpoints();
  Status CheckEarlierCheckpoints();
  Status CheckStoreShape();
  Status CheckGiftRollups();
  Status CheckPersonalData(const Json& entry);

  Ledger& ledger_;
  const VerifyOptions& options_;
  Replay replay_;
  GiftDeltaCheck gifts_;
  MemoryTree tree_;
  Hash prev_ = Hash{};
  std::int64_t expected_seq_ = 0;
  std::vector<PendingSig> pending_;
  Failure failure_;
  VerifyReport report_;
};

Status Fail(Failure* f, std::int64_t seq, const std::string& why) {
  f->seq = seq;
  f->status = Status::VerificationFailed(
      seq >= 0 ? "entry " + std::to_string(seq) + ": " + why : why);
  return f->status;
}

Status Verifier::CheckEntry(const StoredEntry& e, const EntryIndex& index) {
  const std::int64_t seq = expected_seq_;
  if (e.seq != seq) return Fail(&failure_, seq, "missing (the next stored entry is " +
                                                    std::to_string(e.seq) + ")");
  Result<Json> decoded = DecodeEntry(e.body);
  if (!decoded.ok()) return Fail(&failure_, seq, decoded.status().message());
  const Json& entry = decoded.value();
  if (entry["seq"].get<std::int64_t>() != seq) {
    return Fail(&failure_, seq, "says it is entry " + entry["seq"].dump() +
                                    " (entries were moved or swapped)");
  }
  if (entry["prev"].get<std::string>() != HexEncode(prev_)) {
    return Fail(&failure_, seq, "prev does not match the hash of the entry before it");
  }
  const Hash leaf = LeafHash(AsBytes(e.body));
  if (leaf != e.leaf_hash) return Fail(&failure_, seq, "stored leaf hash does not match");
  const EntryIndex want = IndexOf(entry);
  if (!want.SameColumns(index)) {
    return Fail(&failure_, seq, "index columns (kind, subject, scope, method, amount, external id) disagree "
                                "with the entry");
  }
  if (entry["kind"] == "donor_added" || entry["kind"] == "donor_corrected" ||
      entry["kind"] == "erasure") {
    PROBITY_RETURN_IF_ERROR(CheckPersonalData(entry));
  }
  // The entry is not read after this: its strings move to the replay's facts.
  Result<PublicKey> key = replay_.Apply(TakeFacts(std::move(decoded.value())));
  if (!key.ok()) return Fail(&failure_, seq, key.status().message());
  PROBITY_RETURN_IF_ERROR(gifts_.Expect(seq, want));
  pending_.push_back(PendingSig{seq, key.value(), e.body, e.sig});
  tree_.Append(leaf);
  prev_ = leaf;
  ++expected_seq_;
  return Status::OK();
}

Status Verifier::CheckChunk(std::int64_t from, std::int64_t to) {
  pending_.clear();
  gifts_.StartChunk();
  Status scan = ledger_.store().ScanEntries(
      from, to, [&](const StoredEntry& e, const EntryIndex& i) { return CheckEntry(e, i); });
  if (!scan.ok() && !scan.IsVerificationFailed() && !scan.IsCorruption()) return scan;
  // Signatures and gift rows of the entries before a structural failure still
  // count: the first bad entry is the lowest seq that fails any check.
  std::int64_t bad = FirstBadSignature(pending_);
  PROBITY_ASSIGN_OR_RETURN(GiftDeltaCheck::Mismatch gift, gifts_.FirstMismatch(from, expected_seq_));
  const std::int64_t bad_seq = bad >= 0 ? pending_[static_cast<std::size_t>(bad)].seq : -1;
  if (gift.seq >= 0 && (bad_seq < 0 || gift.seq < bad_seq)) {
    return Fail(&failure_, gift.seq, gift.why);
  }
  if (bad >= 0) return Fail(&failure_, bad_seq, "signature does not verify");
  if (scan.IsCorruption() && failure_.status.ok()) {
    // A row that cannot even be read (wrong-size signature or hash) is a bad entry too.
    return Fail(&failure_, expected_seq_, scan.message());
  }
  return scan;
}

// A checkpoint at tree size n must be signed by a key that was authorised
// after entry n-1 (added before n, not revoked before n).
Status CheckCheckpointSignature(const ParsedNote& note, const SignerSet& signers,
                                std::int64_t tree_size) {
  for (const auto& [id, s] : signers.all()) {
    if (s.added_seq >= tree_size) continue;
    if (s.revoked_seq >= 0 && s.revoked_seq < tree_size) continue;
    VerifierKey vk{s.name, NoteKeyId(s.name, s.key), s.key};
    if (VerifyNote(note, vk).ok()) return Status::OK();
  }
  return Status::VerificationFailed("no valid signature by a signer authorised at that size");
}

}  // namespace

Result<VerifyReport> VerifyLedger(Ledger& ledger, const VerifyOptions& options) {
  Verifier v(ledger, options);
  return v.Run();
}

Result<VerifyReport> Verifier::Run() {
  PROBITY_ASSIGN_OR_RETURN(std::int64_t count, ledger_.store().EntryCount());
  for (std::int64_t from = 0; from < count; from += kVerifyChunkEntries) {
    Status st = CheckChunk(from, std::min(count, from + kVerifyChunkEntries));
    if (!st.ok() && !st.IsVerificationFailed()) return st;
    if (!failure_.status.ok()) break;
  }
  if (failure_.status.ok() && expected_seq_ != count) {
    (void)Fail(&failure_, expected_seq_, "missing");
  }
  if (failure_.status.ok()) {
    Status st = CheckStoreShape();
    if (st.ok()) st = CheckGiftRollups();
    if (st.ok()) st = CheckTreeNodes();
    if (st.ok()) st = CheckCheckpoints();
    if (st.ok()) st = CheckEarlierCheckpoints();
    if (!st.ok() && !st.IsVerificationFailed()) return st;
  }
  report_.entries = expected_seq_;
  report_.signers = static_cast<std::int64_t>(replay_.signers().all().size());
  report_.first_bad_seq = failure_.seq;
  report_.failure = failure_.status;
  if (tree_.size() > 0) report_.root = tree_.Root().value();
  return report_;
}

// The stored perfect nodes are what proofs are built from: every one must
// agree with the tree rebuilt from the entries, and none may be missing.
Status Verifier::CheckTreeNodes() {
  const std::uint64_t n = tree_.size();
  std::uint64_t expected = 0;
  for (int level = 0; level < kTreeLevelsMax && (n >> level) > 0; ++level) expected += n >> level;
  std::uint64_t seen = 0;
  PROBITY_RETURN_IF_ERROR(ledger_.store().ScanTreeNodes([&](const TreeNode& node) -> Status {
    Result<Hash> want = tree_.PerfectNode(node.level, node.index);
    if (!want.ok() || want.value() != node.hash) {
      return Fail(&failure_, -1, "stored Merkle tree node (level " + std::to_string(node.level) +
                                     ", index " + std::to_string(node.index) +
                                     ") does not match the entries");
    }
    ++seen;
    return Status::OK();
  }));
  if (seen != expected) {
    return Fail(&failure_, -1, "the stored Merkle tree has " + std::to_string(seen) +
                                   " nodes, the entries make " + std::to_string(expected));
  }
  return Status::OK();
}

Status Verifier::CheckCheckpoints() {
  PROBITY_ASSIGN_OR_RETURN(auto rows, ledger_.store().AllCheckpoints());
  const auto n = static_cast<std::int64_t>(tree_.size());
  for (const auto& [size, text] : rows) {
    const std::string where = "checkpoint at tree size " + std::to_string(size);
    Result<ParsedNote> note = ParseNote(text);
    if (!note.ok()) return Fail(&failure_, -1, where + ": " + note.status().message());
    Result<Checkpoint> cp = ParseCheckpointBody(note->body);
    if (!cp.ok()) return Fail(&failure_, -1, where + ": " + cp.status().message());
    if (cp->origin != ledger_.origin() || static_cast<std::int64_t>(cp->tree_size) != size ||
        size < 1 || size > n) {
      return Fail(&failure_, -1, where + ": origin or size does not match the ledger");
    }
    Result<Hash> root = TreeRoot(tree_, cp->tree_size);
    if (!root.ok() || root.value() != cp->root_hash) {
      return Fail(&failure_, -1, where + ": root hash does not match the entries");
    }
    Status sig = CheckCheckpointSignature(note.value(), replay_.signers(), size);
    if (!sig.ok()) return Fail(&failure_, -1, where + ": " + sig.message());
  }
  report_.checkpoints = static_cast<std::int64_t>(rows.size());
  if (rows.empty() || rows.back().first != n) {
    return Fail(&failure_, -1, "the latest checkpoint does not cover every entry");
  }
  return Status::OK();
}

// Rows outside the dense range 0..n-1 and dropped triggers are signs that
// someone worked on the file behind the program's back.
Status Verifier::CheckStoreShape() {
  Db& db = ledger_.store().db();
  PROBITY_ASSIGN_OR_RETURN(std::int64_t rows, QueryInt64(db, "SELECT count(*) FROM entries"));
  if (rows != expected_seq_) {
    return Fail(&failure_, -1, "the entries table has " + std::to_string(rows) +
                                   " rows, but entries run from 0 to " +
                                   std::to_string(expected_seq_ - 1));
  }
  PROBITY_ASSIGN_OR_RETURN(std::int64_t triggers,
                           QueryInt64(db, "SELECT count(*) FROM sqlite_master WHERE type = "
                                          "'trigger' AND sql LIKE '%RAISE(ABORT%'"));
  if (triggers != kAppendOnlyTriggers) {
    return Fail(&failure_, -1, "the append-only triggers were removed or changed (" +
                                   std::to_string(triggers) + " of " +
                                   std::to_string(kAppendOnlyTriggers) + " present)");
  }
  PROBITY_ASSIGN_OR_RETURN(std::int64_t meta, QueryInt64(db, "SELECT count(*) FROM meta"));
  if (meta != 2) return Fail(&failure_, -1, "unexpected rows in the meta table");
  // Every row of entries 0..n-1 matched (CheckChunk): any other is outside them.
  PROBITY_ASSIGN_OR_RETURN(std::int64_t gift_rows, ledger_.store().GiftDeltaCount());
  if (gift_rows != gifts_.expected_rows()) {
    return Fail(&failure_, -1, "the gift_deltas table has " + std::to_string(gift_rows) +
                                   " rows, the entries make " +
                                   std::to_string(gifts_.expected_rows()));
  }
  // Each expected method_totals row was matched in its scope and method's
  // seq order (GiftDeltaCheck): any other row is one no entry makes.
  PROBITY_ASSIGN_OR_RETURN(std::int64_t method_rows, ledger_.store().MethodTotalCount());
  if (method_rows != gifts_.expected_method_rows()) {
    return Fail(&failure_, -1,
                "the method_totals table has " + std::to_string(method_rows) +
                    " rows, the entries make " + std::to_string(gifts_.expected_method_rows()));
  }
  return Status::OK();
}

// The rollups sum gift_deltas rows, which steps 2.12 and 4.4 have checked:
// each must equal the sum of those rows it covers.
Status Verifier::CheckGiftRollups() {
  PROBITY_ASSIGN_OR_RETURN(std::string why, ledger_.store().FirstGiftRollupMismatch());
  return why.empty() ? Status::OK() : Fail(&failure_, -1, why);
}

// A sealed identity (donor_added, donor_corrected) must open under the
// subject's vault key, if that key still exists (after erasure it is gone,
// and the box is unreadable by design); an erasure's key must be gone.
Status Verifier::CheckPersonalData(const Json& entry) {
  const std::string subject = entry["subject"].get<std::string>();
  Result<SecretBytes> key = ledger_.store().GetSubjectKey(subject);
  if (entry["kind"] == "erasure") {  // the key must really be gone (crypto-shredding)
    if (key.ok()) {
      return Fail(&failure_, expected_seq_,
                  "the vault still holds the key of " + subject + ", whom this entry erases");
    }
    return key.status().IsNotFound() ? Status::OK() : key.status();
  }
  if (!key.ok()) return key.status().IsNotFound() ? Status::OK() : key.status();
  Result<DonorPii> pii = OpenPii(key.value(), subject, entry["pii"].get<std::string>());
  if (!pii.ok()) {
    return Fail(&failure_, expected_seq_, "personal data does not open under the vault key of " +
                                              subject + ": " + pii.status().message());
  }
  return Status::OK();
}

Status Verifier::CheckEarlierCheckpoints() {
  for (const std::string& text : options_.earlier_checkpoints) {
    Result<ParsedNote> note = ParseNote(text);
    if (!note.ok()) return Fail(&failure_, -1, "earlier checkpoint: " + note.status().message());
    Result<Checkpoint> cp = ParseCheckpointBody(note->body);
    if (!cp.ok()) return Fail(&failure_, -1, "earlier checkpoint: " + cp.status().message());
    const std::string where = "earlier checkpoint at tree size " + std::to_string(cp->tree_size);
    if (cp->origin != ledger_.origin()) {
      return Fail(&failure_, -1, where + " is for origin " + cp->origin + ", not " +
                                     ledger_.origin());
    }
    const auto size = static_cast<std::int64_t>(cp->tree_size);
    Status sig = CheckCheckpointSignature(note.value(), replay_.signers(), size);
    if (!sig.ok()) return Fail(&failure_, -1, where + ": " + sig.message());
    Result<Hash> root = size <= expected_seq_ ? TreeRoot(tree_, cp->tree_size)
                                               : Result<Hash>(Status::NotFound("beyond"));
    if (!root.ok() || root.value() != cp->root_hash) {
      return Fail(&failure_, -1, where + ": this ledger does not extend it (history was "
                                         "rewritten or cut short since it was published)");
    }
  }
  return Status::OK();
}

}  // namespace probity
