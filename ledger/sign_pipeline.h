// The encoding and signing stage of a batch append (ledger.h, AppendBatch):
// entries are built, validated and numbered in order on the caller's thread,
// encoded, chained, signed and checked on worker threads, and handed back in
// the order they were submitted so the caller can store them in seq order.
//
// A worker first chains its job, in submit order: it waits until the job
// before it has its leaf hash, sets the entry's `prev` to it, encodes the
// entry (Canonicalize) and hashes the leaf. Jobs are claimed in submit order,
// so the worker that waits holds the next job to chain and the wait is short:
// one encoding and one SHA-256 per entry pass through the chain, while the
// signatures, the bulk of the work, run side by side. The bytes are those
// EncodeEntryWithJson gives for the same entry and the same `prev`
// (tests/ledger/sign_pipeline_test.cc holds the two to it).
//
// Then it signs the body and reads it back as verify will: decodes it
// (canonical form and schema) and compares the index columns derived from the
// decoded entry with those of the entry it was given. Then it checks the
// signature, against a memory or CPU fault (we hold the key, so a bad
// signature can only be a fault): a committed entry can never be changed, so
// a bad signature caught after the commit would fail `probity verify` for
// good. The first job of a pipeline (the first entry of a batch or run) is verified
// under the key's public half: that proves the key pair and the signing code
// agree. Every other job is signed a second time and the two signatures are
// compared: Ed25519 is deterministic, so a transient fault in either
// computation shows as a difference, at the cost of a signature where a
// verification costs about 2.5 (docs/performance.md, "Trade-off: the
// read-back check"). The last entry of each transaction is verified too, by
// the caller (AppendBatch::VerifyLastSignature). A mismatch aborts the program before
// anything is committed. An entry that cannot be encoded comes back with its
// error (and every later one is chained to a zero hash): the caller must not
// store it or anything after it.
//
// Owns its worker threads; the destructor stops and joins them (queued jobs
// are dropped). Submit/Take/TryTake are for one caller thread. The key must
// outlive the pipeline. At most kSignInFlightMax jobs are held at once, so
// memory does not grow with the batch.
#ifndef PROBITY_LEDGER_SIGN_PIPELINE_H_
#define PROBITY_LEDGER_SIGN_PIPELINE_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/crypto.h"
#include "ledger/store.h"

namespace probity {

constexpr std::size_t kSignInFlightMax = 2048;
constexpr unsigned kSignThreadsMax = 2;

class SignPipeline {
 public:
  // SignDetached; tests pass a faulty one to show the checks catch it.
  using SignFn = Signature (*)(const SigningKey&, ByteSpan);

  struct Job {
    std::int64_t seq = 0;
    Json entry;  // validated, with the entry's seq; `prev` is set by the chain step
    bool verify = false;        // set by Submit on the first job: a full Ed25519 verification
    std::uint64_t ticket = 0;   // set by Submit: its place in the chain
  };
  struct Done {
    StoredEntry entry;
    EntryIndex index;
    // InvalidArgument if the entry could not be encoded (Canonicalize's
    // error), Corruption if the body did not read back as written.
    Status status;
  };

  // The first job submitted is chained to `prev`, each later one to the leaf
  // hash of the job before it.
  SignPipeline(const SigningKey& key, unsigned threads, const Hash& prev,
               SignFn sign = &SignDetached);
  ~SignPipeline();
  SignPipeline(const SignPipeline&) = delete;
  SignPipeline& operator=(const SignPipeline&) = delete;

  // Queues `job`. The caller keeps in_flight() below kSignInFlightMax by
  // taking done jobs first (Take waits for the oldest).
  void Submit(Job job);
  // The oldest job, once it is done; nullopt if it is not done yet (TryTake)
  // or nothing is in flight.
  std::optional<Done> TryTake();
  std::optional<Done> Take();
  std::size_t in_flight() const;
  // The seq of the oldest job, done or not; nullopt if nothing is in flight.
  std::optional<std::int64_t> head_seq() const;

 private:
  struct Slot {
    Job job;
    bool claimed = false;
    bool done = false;
    Done result;
  };
  void Work();
  // The chain step: sets job.entry's prev, encodes it and hashes the leaf, in
  // ticket order. False if the entry could not be encoded (d->status says why).
  bool Chain(Job& job, Done* d);
  static void SignAndCheck(const SigningKey& key, SignFn sign, Job& job, Done* d);
  std::optional<Done> PopHead();

  const SigningKey& key_;
  const SignFn sign_;
  std::uint64_t submitted_ = 0;       // the caller's thread only
  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // a job was queued, or stop
  std::condition_variable done_cv_;   // a job finished
  std::condition_variable chain_cv_;  // a job was chained
  std::uint64_t chained_ = 0;         // jobs chained so far (the next ticket to chain)
  Hash chain_prev_{};                 // the leaf hash of the last job chained
  std::deque<Slot> slots_;            // in submit order
  std::size_t first_unclaimed_ = 0;   // index into slots_
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_SIGN_PIPELINE_H_
