// The verifier's check of the gift_deltas table (verify.cc; docs/format.md
// 12.3 and 14, step 2.12): the stored rows of every entry must be exactly the
// rows GiftDeltasFor derives from that entry and the rows before it. Entries
// are checked in seq order, so the rows a refund or correction is derived from
// have been compared already when a mismatch would matter: the first
// mismatching seq is the first bad one.
//
// Borrows the store; one verification at a time; not thread safe.
#ifndef PROBITY_LEDGER_VERIFY_GIFTS_H_
#define PROBITY_LEDGER_VERIFY_GIFTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/store.h"

namespace probity {

class GiftDeltaCheck {
 public:
  explicit GiftDeltaCheck(Store& store) : store_(store) {}

  // Starts a chunk of entries: forgets the rows expected for the last one.
  void StartChunk() { expected_.clear(); }
  // Entry `seq`, whose body checked out, with the index derived from it.
  [[nodiscard]] Status Expect(std::int64_t seq, const EntryIndex& index);

  struct Mismatch {
    std::int64_t seq = -1;  // -1: none
    std::string why;
  };
  // Compares the stored rows of entries [from, to) with those expected.
  Result<Mismatch> FirstMismatch(std::int64_t from, std::int64_t to);
  // Rows expected over the whole ledger so far.
  std::int64_t expected_rows() const { return expected_rows_; }

 private:
  Store& store_;
  std::vector<GiftDelta> expected_;
  std::int64_t expected_rows_ = 0;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_VERIFY_GIFTS_H_
