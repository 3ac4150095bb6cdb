// The signing stage of a batch append (ledger.h, AppendBatch): entries are
// encoded and chained in order on the caller's thread, signed and checked on
// worker threads, and handed back in the order they were submitted so the
// caller can store them in seq order.
//
// A worker signs the body and then reads it back as verify will: decodes it
// (canonical form and schema), compares the index columns derived from the
// decoded entry with the ones the caller will store, and checks the new
// signature under the key's public half. That last check defends against a
// memory or CPU fault corrupting the signature (we hold the key, so a
// mismatch can only be a fault): it aborts the program, before anything is
// committed. Doing it here costs the caller's thread nothing.
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
  struct Job {
    std::int64_t seq = 0;
    std::string body;
    Hash leaf_hash{};
    EntryIndex index;
  };
  struct Done {
    StoredEntry entry;
    EntryIndex index;
    Status status;  // Corruption if the body did not read back as written
  };

  SignPipeline(const SigningKey& key, unsigned threads);
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
  static Done SignAndCheck(const SigningKey& key, Job& job);
  std::optional<Done> PopHead();

  const SigningKey& key_;
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
