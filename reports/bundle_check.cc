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
  for (std::size_t t = 0; t < threads; ++t) workers_.emplace_back(&CheckPipeline::Work, this);
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
    for (std::size_t i = from; i < to; ++i) Check(slots_[i % slots_.size()]);
  }
}

void CheckPipeline::Check(Slot& slot) {
  const EntryText& line = slot.text;
  Checked& c = slot.checked;
  c.entry = DecodeEntry(line.body);
  c.leaf = LeafHash(AsBytes(line.body));
  c.leaf_hex = HexEncode(c.leaf);
  c.signature_ok = false;
  if (c.entry.ok()) {
    auto key = header_keys_.find(c.entry.value()["signer"].get_ref<const std::string&>());
    c.signature_ok =
        key != header_keys_.end() && VerifyDetached(key->second, AsBytes(line.body), line.sig);
  }
  slot.ready.store(true, std::memory_order_release);
  slot.ready.notify_one();
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

Status CheckPipeline::Take(std::size_t i, Checked** out) {
  PROBITY_ASSERT(i < count_);
  Slot& slot = slots_[i % slots_.size()];
  if (!slot.ready.load(std::memory_order_acquire)) {
    Load(i + slots_.size());  // every slot before i is free: fill the window
    if (i >= feed_failed_at_) return feed_status_;
    while (!slot.ready.load(std::memory_order_acquire)) {
      slot.ready.wait(false, std::memory_order_acquire);
    }
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
