#include "ledger/verify_gifts.h"

#include <algorithm>

namespace probity {
namespace {

std::string Describe(const GiftDelta& row) {
  return "(role " + std::to_string(static_cast<std::int64_t>(row.role)) + ", donation " +
         std::to_string(row.donation_seq) + ", " + row.currency + " " + row.month + " " +
         row.scope + " " + row.method + ", " + std::to_string(row.delta_minor) + ")";
}

std::string Describe(const MethodTotalRow& row) {
  return "(" + row.scope + " " + row.method + ", total " + std::to_string(row.total_minor) + ")";
}

// A type check as in gift_deltas.cc: a REAL or TEXT total would read back equal.
// ?3: the seq of the last row matched (-1 at first, so a row at a negative
// seq is never read here: the count reports it, as it does gift_deltas rows
// outside 0..n-1).
constexpr char kMethodRowsSql[] =
    "SELECT seq, total_minor, typeof(seq) = 'integer' AND typeof(total_minor) = 'integer' "
    "FROM method_totals WHERE scope = ?1 AND method = ?2 AND seq > ?3 ORDER BY seq";

// The first stored row of entries [from, to) that is not the one expected.
GiftDeltaCheck::Mismatch FirstGiftDeltaMismatch(const std::vector<GiftDelta>& stored,
                                                const std::vector<GiftDelta>& expected) {
  using Mismatch = GiftDeltaCheck::Mismatch;
  const std::size_t n = std::max(stored.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    const GiftDelta* want = i < expected.size() ? &expected[i] : nullptr;
    const GiftDelta* have = i < stored.size() ? &stored[i] : nullptr;
    if (want != nullptr && have != nullptr && *want == *have) continue;
    // Both lists are in (seq, role) order: the lower seq of the first
    // differing pair is the first entry whose rows are wrong.
    if (have == nullptr || (want != nullptr && want->seq < have->seq)) {
      return Mismatch{want->seq, "gift_deltas row missing: " + Describe(*want)};
    }
    if (want == nullptr || have->seq < want->seq) {
      return Mismatch{have->seq, "gift_deltas row that no entry makes: " + Describe(*have)};
    }
    if (!have->typed) {
      return Mismatch{have->seq,
                      "gift_deltas row with a value of the wrong type: " + Describe(*have)};
    }
    return Mismatch{want->seq, "gift_deltas row " + Describe(*have) +
                                   " is not what the entries make " + Describe(*want)};
  }
  return Mismatch{};
}

}  // namespace

Status GiftDeltaCheck::Expect(std::int64_t seq, const EntryIndex& index) {
  std::vector<MethodChange> changes;
  PROBITY_ASSIGN_OR_RETURN(std::vector<GiftDelta> rows, store_.GiftDeltasFor(seq, index, &changes));
  expected_rows_ += static_cast<std::int64_t>(rows.size());
  expected_.insert(expected_.end(), rows.begin(), rows.end());
  for (const MethodChange& change : changes) {
    PROBITY_RETURN_IF_ERROR(ExpectMethodTotal(seq, change));
  }
  return Status::OK();
}

Status GiftDeltaCheck::ExpectMethodTotal(std::int64_t seq, const MethodChange& change) {
  ++expected_method_rows_;
  // Once a row is out of step the cursors are too (and a cursor that ran out
  // would start again from its first row if stepped): only count the rest.
  if (method_mismatch_.seq >= 0) return Status::OK();
  MethodCursor& cursor = methods_[{change.scope, change.method}];
  Result<std::int64_t> total = AddToMethodTotal(cursor.total_minor, change);
  if (!total.ok()) {
    method_mismatch_ = Mismatch{seq, total.status().message()};
    return Status::OK();
  }
  cursor.total_minor = total.value();
  if (cursor.rows == nullptr) {
    PROBITY_ASSIGN_OR_RETURN(Stmt stmt, store_.db().Prepare(kMethodRowsSql));
    cursor.rows = std::make_unique<Stmt>(std::move(stmt));
  }
  if (!cursor.open) {
    cursor.rows->Reset();
    cursor.rows->Bind(1, change.scope).Bind(2, change.method).Bind(3, cursor.matched_seq);
    cursor.open = true;
  }
  const MethodTotalRow want{change.scope, change.method, seq, cursor.total_minor};
  PROBITY_ASSIGN_OR_RETURN(bool row, cursor.rows->Step());
  if (!row) {
    method_mismatch_ = Mismatch{seq, "method_totals row missing: " + Describe(want)};
    return Status::OK();
  }
  const MethodTotalRow have{change.scope, change.method, cursor.rows->ColumnInt64(0),
                            cursor.rows->ColumnInt64(1)};
  cursor.matched_seq = have.seq;
  if (have.seq < seq) {
    method_mismatch_ =
        Mismatch{have.seq, "method_totals row that no entry makes: " + Describe(have)};
  } else if (have.seq > seq) {
    method_mismatch_ = Mismatch{seq, "method_totals row missing: " + Describe(want)};
  } else if (cursor.rows->ColumnInt64(2) != 1) {
    method_mismatch_ =
        Mismatch{seq, "method_totals row with a value of the wrong type: " + Describe(have)};
  } else if (have != want) {
    method_mismatch_ = Mismatch{seq, "method_totals row " + Describe(have) +
                                         " is not what the entries make " + Describe(want)};
  }
  return Status::OK();
}

Result<GiftDeltaCheck::Mismatch> GiftDeltaCheck::FirstMismatch(std::int64_t from, std::int64_t to) {
  for (auto& [key, cursor] : methods_) {
    if (cursor.rows != nullptr) cursor.rows->Reset();
    cursor.open = false;
  }
  PROBITY_ASSIGN_OR_RETURN(std::vector<GiftDelta> stored, store_.ReadGiftDeltas(from, to));
  Mismatch gift = FirstGiftDeltaMismatch(stored, expected_);
  const Mismatch& method = method_mismatch_;
  if (method.seq >= 0 && (gift.seq < 0 || method.seq < gift.seq)) return method;
  return gift;
}

}  // namespace probity
