#include "policies/retention.h"

#include <vector>

#include "ledger/assert.h"
#include "ledger/entry.h"

namespace probity {

Date RetentionRunsFrom(const ScopeInfo& scope, const Date& donation_date,
                       const std::optional<Date>& last_refund) {
  PROBITY_ASSERT(IsValidDate(donation_date) && IsValidDate(scope.valid_until));
  Date from = scope.valid_until < donation_date ? donation_date : scope.valid_until;
  if (last_refund.has_value() && from < *last_refund) from = *last_refund;
  return from;
}

Date RetentionEndDate(const Pack& pack, const Date& runs_from) {
  PROBITY_ASSERT(pack.retention_days >= 1 && pack.retention_days <= kPackRetentionDaysMax);
  return AddDays(runs_from, pack.retention_days + 1);
}

Result<std::map<std::int64_t, Date>> LastRefundDates(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("refund", subject));
  std::map<std::int64_t, Date> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(e["date"].get<std::string>()));
    Date& last = out[e["donation_seq"].get<std::int64_t>()];
    if (last < date) last = date;
  }
  return out;
}

}  // namespace probity
