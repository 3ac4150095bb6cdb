// The order-free part of verifying a bundle, on worker threads: decoding each
// entry, its leaf hash and its signature need nothing from earlier entries.
// The verifier's own thread takes the results in entry order and does the
// ordered checks (replay, policy, Merkle tree) while the workers run ahead.
#ifndef PROBITY_REPORTS_BUNDLE_CHECK_H_
#define PROBITY_REPORTS_BUNDLE_CHECK_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/crypto.h"
#include "ledger/entry_facts.h"
#include "ledger/merkle.h"
#include "reports/bundle_format.h"

namespace probity {

// What the workers find about one entry: what the ordered checks read of it
// (a gift kind's JSON is freed on the worker that decoded it).
struct Checked {
  Result<EntryFacts> entry = Status::Corruption("not checked");
  Hash leaf{};                // the next entry's `prev`
  bool signature_ok = false;  // under the header key its `signer` names
};

// Whoever feeds the pipeline: the next entry's line, in order (entries 0,
// 1, 2 ...), written into `out` (a slot the pipeline reuses).
using EntryFeed = std::function<Status(EntryText& out)>;

// The ordered thread loads entry lines into a window of kWindow slots (from
// `feed`, each into the slot of an entry it has released), the workers take
// the loaded ones in blocks of kBlock (so a worker that gets less CPU holds up
// nobody), and the ordered thread takes the results in order: memory stays
// bounded whatever the bundle's size, and the bundle itself is never whole.
class CheckPipeline {
 public:
  static constexpr std::size_t kBlock = 32;
  static constexpr std::size_t kWindow = 8192;

  // `count` > 0 entries; `header_keys`: public keys by key id hex, must
  // outlive the pipeline. `threads` check entries: threads - 1 workers and
  // the caller's, which checks blocks in Take instead of waiting for them.
  // Loads the first window before it returns.
  CheckPipeline(EntryFeed feed, std::size_t count,
                const std::map<std::string, PublicKey>& header_keys, std::size_t threads);
  ~CheckPipeline();  // stops the workers, even halfway
  CheckPipeline(const CheckPipeline&) = delete;
  CheckPipeline& operator=(const CheckPipeline&) = delete;

  // Entry i, once checked, in *out; i counts up from 0, one at a time, each
  // followed by Release(i) before the next Take. The feed's failure if it
  // could not give entry i (then no later entry is checked). The caller may
  // move from the result: a worker overwrites every member (and frees the
  // old entry, off the caller's thread) when it reuses the slot.
  [[nodiscard]] Status Take(std::size_t i, Checked** out);
  void Release(std::size_t i);

 private:
  struct Slot {
    EntryText text;  // written by the ordered thread, read by a worker
    Checked checked;
    std::atomic<bool> ready{false};
  };
  void Work();
  // On the ordered thread: checks the next unclaimed block if it is loaded;
  // false if there is none.
  bool Help();
  // Checks the entry in `slot`; wakes the ordered thread at a block's end.
  void Check(Slot& slot, bool block_end);
  // Loads entries [loaded_, min(count, upto)) and publishes them.
  void Load(std::size_t upto);

  EntryFeed feed_;
  const std::size_t count_;
  const std::map<std::string, PublicKey>& header_keys_;
  std::vector<Slot> slots_;                // entry i in slot i % size
  Status feed_status_;                     // the feed's failure, if any
  std::size_t feed_failed_at_ = SIZE_MAX;  // the entry it could not give
  std::atomic<std::size_t> next_block_{0};
  // Entries whose slots hold their text, with kFeedEnded once the feed failed.
  static constexpr std::size_t kFeedEnded = std::size_t{1} << 63;
  std::atomic<std::size_t> loaded_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

}  // namespace probity

#endif  // PROBITY_REPORTS_BUNDLE_CHECK_H_
