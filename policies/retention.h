// How long a donation's records must be kept (GDPR Art. 5(1)(e) storage
// limitation, Art. 17(3)(b) the legal-obligation exception to erasure). One
// definition, shared by erasure (policies/erasure.h) and the access answer
// (reports/gdpr_access.h), so the letter's date is the day erasure succeeds.
//
// The conservative reading: a pack's retention runs from the latest of the
// gift's (corrected) date, the end of its scope (valid_until) and its last
// refund, and lasts retention_days whole days after that day. Filings for a
// scope are made after it ends, and the authority may check them for the whole
// period after that, so counting from the gift's date alone could end the
// retention of an early gift before the filing that lists it is settled; a
// refund is part of the same accounting record.
#ifndef PROBITY_POLICIES_RETENTION_H_
#define PROBITY_POLICIES_RETENTION_H_

#include <map>
#include <optional>
#include <string>

#include "ledger/date.h"
#include "ledger/store.h"
#include "policies/engine.h"
#include "policies/pack.h"

namespace probity {

// The day retention runs from: the latest of `donation_date`, the scope's
// valid_until and `last_refund`.
Date RetentionRunsFrom(const ScopeInfo& scope, const Date& donation_date,
                       const std::optional<Date>& last_refund);
// The first day on which `pack` no longer requires the records: runs_from +
// retention_days + 1. The records are kept through runs_from + retention_days;
// erasure on this ground is possible from the returned day on.
Date RetentionEndDate(const Pack& pack, const Date& runs_from);

// The latest refund date of each of the subject's donations, by donation seq.
Result<std::map<std::int64_t, Date>> LastRefundDates(Store& store, const std::string& subject);

}  // namespace probity

#endif  // PROBITY_POLICIES_RETENTION_H_
