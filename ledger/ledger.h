// The ledger: a Store plus the one write path every command uses
// (build entry -> canonical bytes -> sign -> append in one transaction ->
// new checkpoint). See docs/format.md for what is written.
//
// A Ledger owns its Store. Not thread safe. Two processes appending at once
// are serialised by the store's write lock: each Append reads the tail after
// taking the lock, so the chain never forks.
#ifndef PROBITY_LEDGER_LEDGER_H_
#define PROBITY_LEDGER_LEDGER_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ledger/entry.h"
#include "ledger/keyfile.h"
#include "ledger/sign_pipeline.h"
#include "ledger/signers.h"
#include "ledger/store.h"

namespace probity {

class Ledger;

// One write transaction. Entries added here are committed together with a
// new checkpoint, or not at all.
//
// Add builds, validates and numbers an entry on the caller's thread and hands
// it to a SignPipeline (ledger/sign_pipeline.h): it is encoded, chained,
// signed and read back on up to two worker threads while the caller prepares
// the next one, and stored in seq order as signatures come back. Add returns
// every error it returned before it handed the encoding to the workers: an
// entry Canonicalize might refuse (one that is not all printable ASCII, or
// very large: CanonicalizeCannotFail) is also encoded once on the caller's
// thread, for the error, before it is queued. store() first stores everything added
// so far, so a caller that reads the store after Add sees its entries, as
// before the pipeline. A caller that keeps its own account of what it added
// (the importer's DonationDecider) reads through store_unflushed() and keeps
// both cores busy. Errors of the signing stage come back from a later Add or
// from the end of the batch; either way the whole transaction is rolled back.
class AppendBatch {
 public:
  // Validates, chains and queues the entry for signing; returns its seq.
  Result<std::int64_t> Add(const EntryDraft& draft) { return Add(EntryDraft(draft)); }
  Result<std::int64_t> Add(EntryDraft&& draft);
  // The store, holding every entry added so far.
  Store& store();
  // The store without the entries still being signed.
  Store& store_unflushed() { return store_; }
  std::int64_t next_seq() const { return next_seq_; }
  // Stores every entry added so far (waits for their signatures).
  [[nodiscard]] Status Flush() { return StoreSigned(/*wait=*/true); }
  // Verifies the signature of the last entry stored under the key's public
  // half; aborts if it fails (a fault: see ledger/sign_pipeline.h). The
  // pipeline fully verifies only its first entry; Ledger::Append and
  // AppendRun call this after the last store, before the commit.
  void VerifyLastSignature() const;

 private:
  friend class Ledger;
  friend class AppendRun;
  AppendBatch(Store& store, const NamedKey& key, SignerSet signers, std::int64_t next_seq,
              const Hash& prev, std::int64_t last_ts)
      : store_(store), key_(key), key_id_(NoteKeyId(key.name, key.key.public_key)),
        signers_(std::move(signers)), next_seq_(next_seq), prev_(prev), last_ts_(last_ts),
        stored_end_(next_seq) {}
  // Stores signed entries in order: those ready (or, with wait, all).
  [[nodiscard]] Status StoreSigned(bool wait);
  // Stores one signed entry with its tree nodes and keeps it as last_stored_.
  [[nodiscard]] Status StoreOne(SignPipeline::Done done);
  // The entry of `draft` at `seq`, validated; prev is a placeholder the
  // pipeline's chain step replaces. InvalidArgument as EncodeEntryWithJson.
  Result<Json> Prepare(EntryDraft&& draft, std::int64_t seq, std::int64_t ts);

  Store& store_;
  const NamedKey& key_;
  const KeyId key_id_;  // of key_, computed once: it is in every entry
  SignerSet signers_;
  std::int64_t next_seq_;
  Hash prev_;  // of the batch's first entry: the pipeline chains the rest
  std::int64_t last_ts_;
  std::vector<std::int64_t> added_;
  std::unique_ptr<SignPipeline> pipeline_;  // started by the first Add
  // Entries at or after this seq stay in the pipeline, signed or not (an
  // AppendRun's next transaction); the default holds none back.
  std::int64_t store_below_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t stored_end_;  // one past the last entry stored
  std::optional<StoredEntry> last_stored_;  // for VerifyLastSignature
  Status deferred_;  // a signing-stage error met by store(), returned by the next Add or Flush
};

// A run of write transactions that share one signing pipeline, so the
// signing of the next batch overlaps the commit of this one (the importer's:
// policies/import.cc). The caller adds a batch's entries, Seals it, and goes
// on adding the next batch's entries: the workers sign them while the caller
// stores the sealed batch's last entries, and while Commit writes and syncs
// them. Commit commits exactly the sealed entries, with a checkpoint at the
// seal; the entries after it stay in the pipeline, unstored, until Resume
// begins the next transaction. A crash loses the uncommitted entries only.
//
// The run's commits come back to back, so while it lives the store copies the
// write-ahead log into the file on a thread of its own
// (Store::StartBackgroundCheckpoints), not inside every other commit.
//
// Between Commit and Resume the write lock is free. If another writer
// appended in that gap, Resume drops every entry still in flight and the
// batch starts again from the new tail: the caller must decide those entries
// again (what it cached may be stale). Not thread safe.
class AppendRun {
 public:
  // Begins the first transaction. KeyRejected as Ledger::Append.
  static Result<std::unique_ptr<AppendRun>> Start(Ledger& ledger, const NamedKey& key);
  ~AppendRun();  // rolls back what is not committed
  AppendRun(const AppendRun&) = delete;
  AppendRun& operator=(const AppendRun&) = delete;

  // Where entries are added (between Start or Resume and Commit).
  AppendBatch& batch() { return *batch_; }
  // Marks the entries added so far as the batch the next Commit commits;
  // returns the seal (one past its last entry). Later entries are held back.
  std::int64_t Seal();
  // Stores the sealed entries (waiting for their signatures), checkpoints at
  // the seal and commits. A seal with nothing new commits nothing. On error
  // the transaction is rolled back and the run is over.
  [[nodiscard]] Status Commit();
  // Begins the next transaction. False if another writer appended since
  // Commit: the entries added after the seal are dropped and batch() starts
  // from the new tail.
  Result<bool> Resume();
  // One past the last entry committed (the tail, before the first commit).
  std::int64_t committed_end() const { return committed_end_; }

 private:
  AppendRun(Ledger& ledger, const NamedKey& key) : ledger_(ledger), key_(key) {}
  Ledger& ledger_;
  const NamedKey& key_;
  std::unique_ptr<AppendBatch> batch_;
  bool open_ = false;            // a transaction is open
  std::int64_t committed_end_ = 0;  // one past the last entry committed (or the tail at start)
  Hash committed_tail_{};           // the leaf hash of the entry before committed_end_
  std::int64_t seal_ = 0;
};

class Ledger {
 public:
  // Creates the file and appends ledger_created, signed by `founder`.
  // An empty origin means "probity/<ledger id>".
  static Result<std::unique_ptr<Ledger>> Create(const std::string& path,
                                                const SecretBytes& passphrase,
                                                const std::string& origin,
                                                const NamedKey& founder, KdfParams params);
  static Result<std::unique_ptr<Ledger>> Open(const std::string& path,
                                              const SecretBytes& passphrase, KdfParams params);

  // Runs `build` in one write transaction signed by `key`. KeyRejected if the
  // key is not an authorised signer. Returns the seqs added. The same
  // transaction writes a gift rollup for the summary when one is due
  // (Store::RollUpGifts with gift_rollup_tail_min()).
  Result<std::vector<std::int64_t>> Append(const NamedKey& key,
                                           const std::function<Status(AppendBatch&)>& build);
  std::int64_t gift_rollup_tail_min() const { return gift_rollup_tail_min_; }
  void set_gift_rollup_tail_min(std::int64_t n) { gift_rollup_tail_min_ = n; }  // tests

  // The signers as of the latest entry.
  Result<SignerSet> LoadSigners();
  // The latest signed checkpoint note.
  Result<std::string> LatestCheckpoint();

  const std::string& origin() const { return origin_; }
  const std::string& ledger_id() const { return ledger_id_; }
  Store& store() { return *store_; }

 private:
  explicit Ledger(std::unique_ptr<Store> store) : store_(std::move(store)) {}
  friend class AppendRun;
  [[nodiscard]] Status LoadIdentity();
  // A batch at the tail, under the write lock.
  Result<std::unique_ptr<AppendBatch>> StartBatch(const NamedKey& key);
  // Stores the batch's entries below `end`, verifies the last one's
  // signature and writes the checkpoint at `end`.
  [[nodiscard]] Status FinishBatch(AppendBatch& batch, const NamedKey& key, std::int64_t end);
  Result<std::vector<std::int64_t>> AppendLocked(const NamedKey& key,
                                                 const std::function<Status(AppendBatch&)>& build);
  [[nodiscard]] Status WriteCheckpoint(const NamedKey& key, std::int64_t tree_size);

  std::unique_ptr<Store> store_;
  std::string origin_;
  std::string ledger_id_;
  std::int64_t gift_rollup_tail_min_ = kGiftRollupTailMin;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_LEDGER_H_
