#include "reports/bundle_check.h"

#include <algorithm>

#include "ledger/encoding.h"
#include "ledger/entry.h"

namespace probity {

CheckPipeline::CheckPipeline(EntryFeed feed, std::size_t count,
                             const std::map<std::string, PublicKey>& header_keys,
                             std::size_t threads)
    : feed_(std::move(feed)),
      count_(count),
      header_keys_(header_keys),
      slots_(std::min(kWindow, count)) {
  PROBITY_ASSERT(count > 0);  // slots_ must not be empty: entry i is in slot i % size
  PROBITY_ASSERT(threads >= 1);
  // This thread is one of them: it checks blocks too instead of waiting (Help).
  for (std::size_t t = 1; t < threads; ++t) workers_.emplace_back(&CheckPipeline::Work, this);
  Load(slots_.size());
}

CheckPipeline::~CheckPipeline() {
  stop_.store(true);
  loaded_.store(SIZE_MAX);  // wakes a worker waiting for its block to be loaded
  loaded_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void CheckPipeline::Work() {
  for (;;) {
    const std::size_t from = next_block_.fetch_add(1) * kBlock;
    if (from >= count_) return;
    std::size_t to = std::min(count_, from + kBlock);
    for (std::size_t loaded = loaded_.load();; loaded = loaded_.load()) {
      if (stop_.load()) return;
      // After the feed's failure, the entries before it are still checked.
      if ((loaded & kFeedEnded) != 0) to = std::min(to, loaded & ~kFeedEnded);
      if ((loaded & ~kFeedEnded) >= to) break;
      loaded_.wait(loaded);
    }
    for (std::size_t i = from; i < to; ++i) Check(slots_[i % slots_.size()], i + 1 == to);
  }
}

void CheckPipeline::Check(Slot& slot, bool block_end) {
  const EntryText& line = slot.text;
  Checked& c = slot.checked;
  // A gift kind is read straight into its facts; the rest through its JSON.
  c.entry = DecodeFacts(line.body);
  c.leaf = LeafHash(AsBytes(line.body));
  c.signature_ok = false;
  if (c.entry.ok()) {
    auto key = header_keys_.find(c.entry.value().signer);
    c.signature_ok =
        key != header_keys_.end() && VerifyDetached(key->second, AsBytes(line.body), line.sig);
  }
  slot.ready.store(true, std::memory_order_release);
  if (block_end) slot.ready.notify_one();  // the ordered thread waits for nothing else
}

void CheckPipeline::Load(std::size_t upto) {
  upto = std::min(upto, count_);
  std::size_t next = loaded_.load(std::memory_order_relaxed);  // only this thread stores it
  while (next < upto && feed_failed_at_ == SIZE_MAX) {
    // A block at a time, so that the workers start on the first one at once.
    const std::size_t block_end = std::min(upto, (next / kBlock + 1) * kBlock);
    for (; next < block_end; ++next) {
      Status fed = feed_(slots_[next % slots_.size()].text);
      if (!fed.ok()) {
        feed_status_ = std::move(fed);
        feed_failed_at_ = next;
        break;
      }
    }
    // A failure changes loaded_ even when no entry was loaded: waiters wake.
    loaded_.store(feed_failed_at_ == SIZE_MAX ? next : next | kFeedEnded);
    loaded_.notify_all();
  }
}

bool CheckPipeline::Help() {
  const std::size_t loaded = loaded_.load() & ~kFeedEnded;  // this thread stores it
  const std::size_t end = std::min(count_, feed_failed_at_);
  std::size_t block = next_block_.load();
  for (;;) {
    const std::size_t from = block * kBlock;
    const std::size_t to = std::min(from + kBlock, end);
    // Only a block that is loaded (to its end, or to the feed's): a claimed
    // block is never given back, and no slot frees up while this thread helps.
    if (from >= to || to > loaded) return false;
    if (next_block_.compare_exchange_weak(block, block + 1)) {
      for (std::size_t i = from; i < to; ++i) Check(slots_[i % slots_.size()], i + 1 == to);
      return true;
    }
  }
}

Status CheckPipeline::Take(std::size_t i, Checked** out) {
  PROBITY_ASSERT(i < count_);
  Slot& slot = slots_[i % slots_.size()];
  if (!slot.ready.load(std::memory_order_acquire)) {
    Load(i + slots_.size());  // every slot before i is free: fill the window
    if (i >= feed_failed_at_) return feed_status_;
    // Help with the next block rather than wait: on 2 cores, 2 workers and
    // this thread would share them, and this thread outruns the workers.
    // Else sleep once per block, not once per entry: a worker checks a block
    // in order and wakes this thread at its last entry (the last before the
    // feed's failure, if it failed in the block).
    const std::size_t last = std::min({i / kBlock * kBlock + kBlock, count_, feed_failed_at_}) - 1;
    Slot& block_last = slots_[last % slots_.size()];
    while (!block_last.ready.load(std::memory_order_acquire)) {
      if (!Help()) block_last.ready.wait(false, std::memory_order_acquire);
    }
    PROBITY_ASSERT(slot.ready.load(std::memory_order_acquire));
  }
  *out = &slot.checked;
  return Status::OK();
}

void CheckPipeline::Release(std::size_t i) {
  Slot& slot = slots_[i % slots_.size()];
  // The entry stays in the slot until a worker overwrites it: freeing it is
  // the workers' job, not the ordered thread's.
  slot.ready.store(false, std::memory_order_relaxed);
  if ((i + 1) % kBlock == 0) Load(i + 1 + slots_.size());
}

}  // namespace probity
