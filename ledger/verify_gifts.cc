#include "ledger/verify_gifts.h"

#include <algorithm>

namespace probity {
namespace {

std::string Describe(const GiftDelta& row) {
  return "(role " + std::to_string(static_cast<std::int64_t>(row.role)) + ", donation " +
         std::to_string(row.donation_seq) + ", " + row.currency + " " + row.month + " " +
         row.scope + " " + row.method + ", " + std::to_string(row.delta_minor) + ")";
}

}  // namespace

Status GiftDeltaCheck::Expect(std::int64_t seq, const EntryIndex& index) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<GiftDelta> rows, store_.GiftDeltasFor(seq, index));
  expected_rows_ += static_cast<std::int64_t>(rows.size());
  expected_.insert(expected_.end(), rows.begin(), rows.end());
  return Status::OK();
}

Result<GiftDeltaCheck::Mismatch> GiftDeltaCheck::FirstMismatch(std::int64_t from,
                                                              std::int64_t to) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<GiftDelta> stored, store_.ReadGiftDeltas(from, to));
  const std::size_t n = std::max(stored.size(), expected_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const GiftDelta* want = i < expected_.size() ? &expected_[i] : nullptr;
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
      return Mismatch{have->seq, "gift_deltas row with a value of the wrong type: " +
                                     Describe(*have)};
    }
    return Mismatch{want->seq, "gift_deltas row " + Describe(*have) +
                                   " is not what the entries make " + Describe(*want)};
  }
  return Mismatch{};
}

}  // namespace probity
