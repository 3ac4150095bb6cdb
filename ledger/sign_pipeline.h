// The signing stage of a batch append (ledger.h, AppendBatch): entries are
// encoded and chained in order on the caller's thread, signed and checked on
// worker threads, and handed back in the order they were submitted so the
// caller can store them in seq order.
//
// A worker signs the body and then reads it back as verify will: decodes it
// (canonical form and schema) and compares the index columns derived from the
// decoded entry with the ones the caller will store. Then it checks the
// signature, against a memory or CPU fault (we hold the key, so a bad
// signature can only be a fault): a committed entry can never be changed, so
// a bad signature caught after the commit would fail `probity verify` for
// good. The first job of a pipeline (the first entry of a batch) is verified
// under the key's public half: that proves the key pair and the signing code
// agree. Every other job is signed a second time and the two signatures are
// compared: Ed25519 is deterministic, so a transient fault in either
// computation shows as a difference, at the cost of a signature where a
// verification costs about 2.5 (docs/performance.md, "Trade-off: the
// read-back check"). The batch's last entry is verified too, by the caller
// (AppendBatch::VerifyLastSignature). A mismatch aborts the program before
// anything is committed.
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

#include "ledger/crypto.h"
#include "ledger/store.h"

namespace probity {

constexpr std::size_t kSignInFlightMax = 512;
constexpr unsigned kSignThreadsMax = 2;

class SignPipeline {
 public:
  // SignDetached; tests pass a faulty one to show the checks catch it.
  using SignFn = Signature (*)(const SigningKey&, ByteSpan);

  struct Job {
    std::int64_t seq = 0;
    std::string body;
    Hash leaf_hash{};
    EntryIndex index;
    bool verify = false;  // set by Submit on the first job: a full Ed25519 verification
  };
  struct Done {
    StoredEntry entry;
    EntryIndex index;
    Status status;  // Corruption if the body did not read back as written
  };

  SignPipeline(const SigningKey& key, unsigned threads, SignFn sign = &SignDetached);
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

 private:
  struct Slot {
    Job job;
    bool claimed = false;
    bool done = false;
    Done result;
  };
  void Work();
  static Done SignAndCheck(const SigningKey& key, SignFn sign, Job& job);
  std::optional<Done> PopHead();

  const SigningKey& key_;
  const SignFn sign_;
  bool submitted_any_ = false;        // the caller's thread only
  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // a job was queued, or stop
  std::condition_variable done_cv_;   // a job finished
  std::deque<Slot> slots_;            // in submit order
  std::size_t first_unclaimed_ = 0;   // index into slots_
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_SIGN_PIPELINE_H_
