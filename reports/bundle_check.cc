#include "reports/bundle_check.h"

#include <algorithm>

#include "ledger/encoding.h"
#include "ledger/entry.h"

namespace probity {

CheckPipeline::CheckPipeline(const std::vector<EntryLine>& entries,
                             const std::map<std::string, PublicKey>& header_keys,
                             std::size_t threads)
    : entries_(entries), header_keys_(header_keys), slots_(std::min(kWindow, entries.size())) {
  PROBITY_ASSERT(!entries.empty());  // slots_ must not be empty: entry i is in slot i % size
  PROBITY_ASSERT(threads >= 1);
  for (std::size_t t = 0; t < threads; ++t) workers_.emplace_back(&CheckPipeline::Work, this);
}

CheckPipeline::~CheckPipeline() {
  stop_.store(true);
  applied_.store(entries_.size());  // wakes a worker waiting for room
  applied_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void CheckPipeline::Work() {
  const std::size_t n = entries_.size();
  for (;;) {
    const std::size_t from = next_block_.fetch_add(1) * kBlock;
    if (from >= n) return;
    const std::size_t to = std::min(n, from + kBlock);
    // Room: the slots of [from, to) held entries before applied_.
    for (std::size_t applied = applied_.load(); to > applied + slots_.size();
         applied = applied_.load()) {
      if (stop_.load()) return;
      applied_.wait(applied);
    }
    if (stop_.load()) return;
    for (std::size_t i = from; i < to; ++i) {
      const EntryLine& line = entries_[i];
      Slot& slot = slots_[i % slots_.size()];
      Checked& c = slot.checked;
      c.entry = DecodeEntry(line.body);
      c.leaf = LeafHash(AsBytes(line.body));
      c.leaf_hex = HexEncode(c.leaf);
      c.signature_ok = false;
      if (c.entry.ok()) {
        auto key = header_keys_.find(c.entry.value()["signer"].get_ref<const std::string&>());
        c.signature_ok = key != header_keys_.end() &&
                         VerifyDetached(key->second, AsBytes(line.body), line.sig);
      }
      slot.ready.store(true, std::memory_order_release);
      slot.ready.notify_one();
    }
  }
}

void CheckPipeline::Publish(std::size_t applied) {
  applied_.store(applied);
  applied_.notify_all();
}

Checked& CheckPipeline::Take(std::size_t i) {
  PROBITY_ASSERT(i < entries_.size());
  Slot& slot = slots_[i % slots_.size()];
  if (!slot.ready.load(std::memory_order_acquire)) {
    Publish(i);  // every slot before i is free: no worker may wait for room on our account
    while (!slot.ready.load(std::memory_order_acquire)) {
      slot.ready.wait(false, std::memory_order_acquire);
    }
  }
  return slot.checked;
}

void CheckPipeline::Release(std::size_t i) {
  Slot& slot = slots_[i % slots_.size()];
  // The entry stays in the slot until a worker overwrites it: freeing it is
  // the workers' job, not the ordered thread's.
  slot.ready.store(false, std::memory_order_relaxed);
  if ((i + 1) % kBlock == 0) Publish(i + 1);
}

}  // namespace probity
