// The order-free part of verifying a bundle, on worker threads: decoding each
// entry, its leaf hash and its signature need nothing from earlier entries.
// The verifier's own thread takes the results in entry order and does the
// ordered checks (replay, policy, Merkle tree) while the workers run ahead.
#ifndef PROBITY_REPORTS_BUNDLE_CHECK_H_
#define PROBITY_REPORTS_BUNDLE_CHECK_H_

#include <atomic>
#include <cstddef>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/crypto.h"
#include "ledger/merkle.h"
#include "reports/bundle_format.h"

namespace probity {

// What the workers find about one entry.
struct Checked {
  Result<Json> entry = Status::Corruption("not checked");
  Hash leaf{};
  std::string leaf_hex;       // HexEncode(leaf): the next entry's `prev`
  bool signature_ok = false;  // under the header key its `signer` names
};

// Workers take blocks of kBlock entries in turn (so a worker that gets less
// CPU holds up nobody), at most kWindow entries ahead of the entry being
// applied, so memory stays bounded whatever the bundle's size.
class CheckPipeline {
 public:
  static constexpr std::size_t kBlock = 32;
  static constexpr std::size_t kWindow = 8192;

  // `entries` is not empty; `header_keys`: public keys by key id hex. Both
  // must outlive the pipeline.
  CheckPipeline(const std::vector<EntryLine>& entries,
                const std::map<std::string, PublicKey>& header_keys, std::size_t threads);
  ~CheckPipeline();  // stops the workers, even halfway
  CheckPipeline(const CheckPipeline&) = delete;
  CheckPipeline& operator=(const CheckPipeline&) = delete;

  // Entry i, once checked; i counts up from 0, one at a time, each followed
  // by Release(i) before the next Take. The caller may move from it: a worker
  // overwrites every member (and frees the old entry, off the caller's thread)
  // when it reuses the slot.
  Checked& Take(std::size_t i);
  void Release(std::size_t i);

 private:
  struct Slot {
    Checked checked;
    std::atomic<bool> ready{false};
  };
  void Work();
  void Publish(std::size_t applied);

  const std::vector<EntryLine>& entries_;
  const std::map<std::string, PublicKey>& header_keys_;
  std::vector<Slot> slots_;                // entry i in slot i % kWindow
  std::atomic<std::size_t> next_block_{0};
  std::atomic<std::size_t> applied_{0};    // entries whose slots are free again
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

}  // namespace probity

#endif  // PROBITY_REPORTS_BUNDLE_CHECK_H_
