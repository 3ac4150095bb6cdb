// How long a donation's records must be kept (GDPR Art. 5(1)(e) storage
// limitation, Art. 17(3)(b) the legal-obligation exception to erasure).
//
// The conservative reading, shared by the access answer (reports/gdpr_access)
// and erasure: a pack's retention period runs from the later of the donation's
// date and the end of its scope (the scope's valid_until). Filings for a
// scope are made after it ends, and the authority may check them for the whole
// period after that, so counting from the donation date alone could end the
// retention of an early gift before the filing that lists it is settled.
#ifndef PROBITY_POLICIES_RETENTION_H_
#define PROBITY_POLICIES_RETENTION_H_

#include "ledger/date.h"
#include "policies/engine.h"
#include "policies/pack.h"

namespace probity {

// The first day on which `pack` no longer requires keeping the records of a
// gift made on `donation_date` in `scope`: retention_days after the later of
// donation_date and scope.valid_until. The records are kept up to the day
// before; erasure on this ground is possible from this day on.
Date RetentionEndDate(const Pack& pack, const ScopeInfo& scope, const Date& donation_date);

}  // namespace probity

#endif  // PROBITY_POLICIES_RETENTION_H_
