#include "ledger/ledger.h"

#include <algorithm>
#include <cstdio>

#include "ledger/date.h"
#include "ledger/encoding.h"

namespace probity {

Status AppendBatch::StoreOne(SignPipeline::Done done) {
  PROBITY_RETURN_IF_ERROR(done.status);
  const StoredEntry& stored = done.entry;
  PROBITY_RETURN_IF_ERROR(store_.InsertEntry(stored, done.index));
  PROBITY_ASSIGN_OR_RETURN(
      std::vector<TreeNode> nodes,
      NodesCompletedBy(store_, static_cast<std::uint64_t>(stored.seq), stored.leaf_hash));
  PROBITY_RETURN_IF_ERROR(store_.InsertTreeNodes(nodes));
  stored_end_ = stored.seq + 1;
  last_stored_ = std::move(done.entry);
  return Status::OK();
}

void AppendBatch::VerifyLastSignature() const {
  if (!last_stored_.has_value()) return;
  PROBITY_ASSERT(
      VerifyDetached(key_.key.public_key, AsBytes(last_stored_->body), last_stored_->sig));
}

Result<Json> AppendBatch::Prepare(EntryDraft&& draft, std::int64_t seq, std::int64_t ts) {
  // The placeholder prev has the real one's length, so the encoding succeeds
  // or fails (and says why) exactly as it will with the real one.
  // EncodeEntryWithJson is BuildEntry then Canonicalize: the same checks in
  // the same order, the second left to the worker when it cannot fail.
  PROBITY_ASSIGN_OR_RETURN(Json entry,
                           BuildEntry(std::move(draft), seq, ts, ZeroHash(), key_id_));
  if (!CanonicalizeCannotFail(entry)) PROBITY_RETURN_IF_ERROR(Canonicalize(entry).status());
  Result<PublicKey> expected = signers_.KeyFor(entry);
  if (!expected.ok()) {
    return Status::KeyRejected("key \"" + key_.name + "\" (" + KeyIdHex(key_id_) +
                               ") is not an authorised signer of this ledger; a signer can add "
                               "it with `probity signer add`");
  }
  PROBITY_ASSERT(expected.value() == key_.key.public_key);
  Status applied = signers_.Apply(entry);
  if (!applied.ok()) return Status::InvalidArgument(applied.message());
  return entry;
}

Result<std::int64_t> AppendBatch::Add(EntryDraft&& draft) {
  PROBITY_RETURN_IF_ERROR(deferred_);
  const std::int64_t seq = next_seq_;
  // Timestamps never go backwards, even if the clock does.
  const std::int64_t ts = std::max(NowUnixSeconds(), last_ts_);
  PROBITY_ASSIGN_OR_RETURN(Json entry, Prepare(std::move(draft), seq, ts));
  if (pipeline_ == nullptr) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    pipeline_ = std::make_unique<SignPipeline>(key_.key, std::min(cores, kSignThreadsMax), prev_);
  }
  // Keep memory bounded: when the queue is full, store the oldest first. An
  // AppendRun's caller commits before held-back entries fill it (in_flight).
  while (pipeline_->in_flight() >= kSignInFlightMax) {
    PROBITY_ASSERT(pipeline_->head_seq().value() < store_below_);
    std::optional<SignPipeline::Done> done = pipeline_->Take();
    PROBITY_ASSERT(done.has_value());
    deferred_ = StoreOne(std::move(*done));
    PROBITY_RETURN_IF_ERROR(deferred_);
  }
  pipeline_->Submit({seq, std::move(entry)});
  last_ts_ = ts;
  next_seq_ = seq + 1;
  added_.push_back(seq);
  PROBITY_RETURN_IF_ERROR(StoreSigned(/*wait=*/false));
  return seq;
}

// An error here spoils the whole batch: it sticks, and the transaction is
// rolled back.
Status AppendBatch::StoreSigned(bool wait) {
  PROBITY_RETURN_IF_ERROR(deferred_);
  while (pipeline_ != nullptr) {
    const std::optional<std::int64_t> head = pipeline_->head_seq();
    if (!head.has_value() || *head >= store_below_) return Status::OK();
    std::optional<SignPipeline::Done> done = wait ? pipeline_->Take() : pipeline_->TryTake();
    if (!done.has_value()) return Status::OK();
    deferred_ = StoreOne(std::move(*done));
    PROBITY_RETURN_IF_ERROR(deferred_);
  }
  return Status::OK();
}

Store& AppendBatch::store() {
  (void)Flush();  // an error sticks in deferred_ and ends the batch
  return store_;
}

Result<std::unique_ptr<Ledger>> Ledger::Create(const std::string& path,
                                               const SecretBytes& passphrase,
                                               const std::string& origin, const NamedKey& founder,
                                               KdfParams params) {
  std::array<std::uint8_t, 16> id_bytes{};
  RandomBytes(id_bytes);
  const std::string ledger_id = HexEncode(id_bytes);
  const std::string chosen_origin = origin.empty() ? "probity/" + ledger_id : origin;
  PROBITY_RETURN_IF_ERROR(ValidateOrigin(chosen_origin));
  PROBITY_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Create(path, passphrase, params));
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(store)));
  ledger->origin_ = chosen_origin;
  ledger->ledger_id_ = ledger_id;
  EntryDraft draft{"ledger_created", Json::object()};
  draft.fields["origin"] = chosen_origin;
  draft.fields["ledger_id"] = ledger_id;
  draft.fields["signer_name"] = founder.name;
  draft.fields["signer_key"] = Base64Encode(founder.key.public_key);
  Result<std::vector<std::int64_t>> seqs =
      ledger->Append(founder, [&](AppendBatch& batch) { return batch.Add(draft).status(); });
  if (!seqs.ok()) {
    std::remove(path.c_str());  // a half-made ledger is of no use to anyone
    return seqs.status();
  }
  return ledger;
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path,
                                             const SecretBytes& passphrase, KdfParams params) {
  PROBITY_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(path, passphrase, params));
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(store)));
  PROBITY_RETURN_IF_ERROR(ledger->LoadIdentity());
  return ledger;
}

Status Ledger::LoadIdentity() {
  Result<StoredEntry> first = store_->GetEntry(0);
  if (!first.ok()) {
    return Status::Corruption(store_->path() + " has no ledger_created entry; it is damaged");
  }
  PROBITY_ASSIGN_OR_RETURN(Json entry, DecodeEntry(first->body));
  if (entry["kind"] != "ledger_created") {
    return Status::Corruption("entry 0 of " + store_->path() + " is not ledger_created");
  }
  origin_ = entry["origin"].get<std::string>();
  ledger_id_ = entry["ledger_id"].get<std::string>();
  return Status::OK();
}

Result<SignerSet> Ledger::LoadSigners() {
  std::vector<std::int64_t> seqs;
  for (const char* kind : {"ledger_created", "signer_added", "signer_revoked"}) {
    PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> some, store_->FindEntries(kind, ""));
    seqs.insert(seqs.end(), some.begin(), some.end());
  }
  std::sort(seqs.begin(), seqs.end());
  SignerSet signers;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(StoredEntry stored, store_->GetEntry(seq));
    PROBITY_ASSIGN_OR_RETURN(Json entry, DecodeEntry(stored.body));
    PROBITY_RETURN_IF_ERROR(signers.Apply(entry).WithContext("entry " + std::to_string(seq)));
  }
  return signers;
}

Result<std::vector<std::int64_t>> Ledger::Append(
    const NamedKey& key, const std::function<Status(AppendBatch&)>& build) {
  PROBITY_RETURN_IF_ERROR(store_->BeginWrite());
  Result<std::vector<std::int64_t>> seqs = AppendLocked(key, build);
  if (!seqs.ok()) {
    store_->Rollback();
    return seqs.status();
  }
  Status st = store_->Commit();
  if (!st.ok()) {
    store_->Rollback();
    return st;
  }
  return seqs;
}

// Runs under the write lock: the tail read here cannot change until commit.
Result<std::unique_ptr<AppendBatch>> Ledger::StartBatch(const NamedKey& key) {
  PROBITY_ASSIGN_OR_RETURN(std::optional<StoredEntry> last, store_->LastEntry());
  Hash prev = ZeroHash();
  std::int64_t next_seq = 0;
  std::int64_t last_ts = 0;
  if (last.has_value()) {
    PROBITY_ASSIGN_OR_RETURN(Json entry, DecodeEntry(last->body));
    PROBITY_ASSIGN_OR_RETURN(last_ts, ParseTimestamp(entry["ts"].get<std::string>()));
    prev = last->leaf_hash;
    next_seq = last->seq + 1;
  }
  PROBITY_ASSIGN_OR_RETURN(SignerSet signers, LoadSigners());
  return std::unique_ptr<AppendBatch>(
      new AppendBatch(*store_, key, std::move(signers), next_seq, prev, last_ts));
}

Status Ledger::FinishBatch(AppendBatch& batch, const NamedKey& key, std::int64_t end) {
  PROBITY_ASSERT(batch.store_below_ >= end);
  PROBITY_RETURN_IF_ERROR(batch.Flush());
  PROBITY_ASSERT(batch.stored_end_ == end);
  batch.VerifyLastSignature();
  return WriteCheckpoint(key, end);
}

Result<std::vector<std::int64_t>> Ledger::AppendLocked(
    const NamedKey& key, const std::function<Status(AppendBatch&)>& build) {
  PROBITY_ASSIGN_OR_RETURN(std::unique_ptr<AppendBatch> batch, StartBatch(key));
  PROBITY_RETURN_IF_ERROR(build(*batch));
  if (batch->added_.empty()) return Status::InvalidArgument("nothing to append");
  PROBITY_RETURN_IF_ERROR(FinishBatch(*batch, key, batch->next_seq_));
  // Once in kGiftRollupTailMin entries at the least: the summary's start.
  PROBITY_RETURN_IF_ERROR(store_->RollUpGifts(gift_rollup_tail_min_).status());
  return batch->added_;
}

Result<std::unique_ptr<AppendRun>> AppendRun::Start(Ledger& ledger, const NamedKey& key) {
  std::unique_ptr<AppendRun> run(new AppendRun(ledger, key));
  // Its commits come back to back: the log is copied on the side.
  PROBITY_RETURN_IF_ERROR(ledger.store().StartBackgroundCheckpoints());
  PROBITY_ASSIGN_OR_RETURN(bool resumed, run->Resume());
  PROBITY_ASSERT(resumed);  // nothing was in flight
  return run;
}

AppendRun::~AppendRun() {
  batch_.reset();  // stops the workers; what they held is dropped
  if (open_) ledger_.store().Rollback();
  ledger_.store().StopBackgroundCheckpoints();
}

std::int64_t AppendRun::Seal() {
  PROBITY_ASSERT(open_);
  seal_ = batch_->next_seq();
  batch_->store_below_ = seal_;
  return seal_;
}

Status AppendRun::Commit() {
  PROBITY_ASSERT(open_ && batch_->store_below_ == seal_);
  open_ = false;
  if (seal_ == committed_end_) {  // nothing new: nothing was written
    ledger_.store().Rollback();
    return Status::OK();
  }
  Status st = ledger_.FinishBatch(*batch_, key_, seal_);
  if (st.ok()) st = ledger_.store().Commit();
  if (!st.ok()) {
    batch_.reset();
    ledger_.store().Rollback();
    return st;
  }
  committed_end_ = seal_;
  committed_tail_ = batch_->last_stored_->leaf_hash;
  batch_->added_.clear();  // the run does not use them; they would grow with the file
  return Status::OK();
}

Result<bool> AppendRun::Resume() {
  PROBITY_ASSERT(!open_);
  PROBITY_RETURN_IF_ERROR(ledger_.store().BeginWrite());
  open_ = true;
  if (batch_ != nullptr) {
    // Ours if nobody appended since our commit: the tail is our last entry.
    PROBITY_ASSIGN_OR_RETURN(std::optional<StoredEntry> last, ledger_.store().LastEntry());
    const bool ours = last.has_value() ? last->seq + 1 == committed_end_ &&
                                             last->leaf_hash == committed_tail_
                                       : committed_end_ == 0;
    if (ours) {
      batch_->store_below_ = std::numeric_limits<std::int64_t>::max();
      return true;
    }
  }
  const bool first = batch_ == nullptr;
  batch_.reset();  // drops what was in flight
  PROBITY_ASSIGN_OR_RETURN(batch_, ledger_.StartBatch(key_));
  committed_end_ = seal_ = batch_->next_seq();
  committed_tail_ = batch_->prev_;
  return first;
}

Status Ledger::WriteCheckpoint(const NamedKey& key, std::int64_t tree_size) {
  Checkpoint cp;
  cp.origin = origin_;
  cp.tree_size = static_cast<std::uint64_t>(tree_size);
  PROBITY_ASSIGN_OR_RETURN(cp.root_hash, TreeRoot(*store_, cp.tree_size));
  const std::string note = SignNote(FormatCheckpointBody(cp), key.name, key.key);
  return store_->InsertCheckpoint(tree_size, note);
}

Result<std::string> Ledger::LatestCheckpoint() {
  using Row = std::pair<std::int64_t, std::string>;
  PROBITY_ASSIGN_OR_RETURN(std::optional<Row> row, store_->LatestCheckpoint());
  if (!row.has_value()) return Status::Corruption("the ledger has no checkpoint");
  return row->second;
}

}  // namespace probity
