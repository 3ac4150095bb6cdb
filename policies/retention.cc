#include "policies/retention.h"

#include "ledger/assert.h"

namespace probity {

Date RetentionEndDate(const Pack& pack, const ScopeInfo& scope, const Date& donation_date) {
  PROBITY_ASSERT(pack.retention_days >= 1 && pack.retention_days <= kPackRetentionDaysMax);
  PROBITY_ASSERT(IsValidDate(donation_date) && IsValidDate(scope.valid_until));
  const Date& from = scope.valid_until < donation_date ? donation_date : scope.valid_until;
  return AddDays(from, pack.retention_days);
}

}  // namespace probity
