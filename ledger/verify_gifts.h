// The verifier's check of the gift_deltas table (verify.cc; docs/format.md
// 12.3 and 14, step 2.12): the stored rows of every entry must be exactly the
// rows GiftDeltasFor derives from that entry and the rows before it. Entries
// are checked in seq order, so the rows a refund or correction is derived from
// have been compared already when a mismatch would matter: the first
// mismatching seq is the first bad one.
//
// The method_totals rows (docs/format.md 12.6) are checked as the entries
// come: each scope and method's stored rows are read in seq order, one cursor
// a pair, beside the running totals kept here from the changes GiftDeltasFor
// derives. A row no entry makes shows as a row out of step, or in the count.
// The cursors are reset at the end of every chunk (FirstMismatch) and opened
// again after the last row they matched: no read snapshot outlives a chunk,
// so a long verify does not keep the write-ahead log from being checkpointed
// or truncated (Store::TruncateWal) by another process.
//
// Borrows the store; one verification at a time; not thread safe.
#ifndef PROBITY_LEDGER_VERIFY_GIFTS_H_
#define PROBITY_LEDGER_VERIFY_GIFTS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ledger/store.h"

namespace probity {

class GiftDeltaCheck {
 public:
  explicit GiftDeltaCheck(Store& store) : store_(store) {}

  // Starts a chunk of entries: forgets the gift_deltas rows expected for the
  // last one.
  void StartChunk() { expected_.clear(); }
  // Entry `seq`, whose body checked out, with the index derived from it.
  [[nodiscard]] Status Expect(std::int64_t seq, const EntryIndex& index);

  struct Mismatch {
    std::int64_t seq = -1;  // -1: none
    std::string why;
  };
  // Compares the stored gift_deltas rows of entries [from, to) with those
  // expected; the first method_totals row out of step, if it comes first.
  // Ends the chunk: resets the method_totals cursors.
  Result<Mismatch> FirstMismatch(std::int64_t from, std::int64_t to);
  // Rows expected over the whole ledger so far.
  std::int64_t expected_rows() const { return expected_rows_; }
  std::int64_t expected_method_rows() const { return expected_method_rows_; }

 private:
  // One scope and method: its running total, and a cursor over its stored
  // rows after `matched_seq`, the last one compared (open: bound and stepped
  // in this chunk).
  struct MethodCursor {
    std::int64_t total_minor = 0;
    std::int64_t matched_seq = -1;
    bool open = false;
    std::unique_ptr<Stmt> rows;
  };
  Status ExpectMethodTotal(std::int64_t seq, const MethodChange& change);

  Store& store_;
  std::vector<GiftDelta> expected_;
  std::int64_t expected_rows_ = 0;
  std::map<std::pair<std::string, std::string>, MethodCursor> methods_;
  std::int64_t expected_method_rows_ = 0;
  Mismatch method_mismatch_;  // the first method_totals row out of step
};

}  // namespace probity

#endif  // PROBITY_LEDGER_VERIFY_GIFTS_H_
