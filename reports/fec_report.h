// FEC Form 3 in the .fec electronic filing format, version 8.4: the HDR
// record, the F3N cover with the period's receipt totals, and one SA11AI
// (Schedule A, line 11(a)(i)) record per itemised contribution from an
// individual, in the column order of fec_columns.h. docs/reports.md says
// where each value comes from.
//
// Itemisation (52 USC 30104(b)(3)(A)): a contribution is itemised once its
// donor's aggregate for the election cycle passes the scope pack's
// itemisation threshold (200.00 USD). The aggregate is the donor's net gifts
// in the cycle up to and including this one, in date order; a gift brought in
// by `import fec` carries the aggregate its original filing stated, and later
// gifts add to that.
//
// Refunds to individuals belong on Schedule B line 20(a), which Probity does
// not write yet: a period holding a refund is refused (InvalidArgument) rather
// than filed without it.
#ifndef PROBITY_REPORTS_FEC_REPORT_H_
#define PROBITY_REPORTS_FEC_REPORT_H_

#include <array>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "reports/fec_columns.h"
#include "reports/source.h"

namespace probity::fec {

constexpr const char* kFecVersion = "8.4";
constexpr const char* kInformationRequested = "INFORMATION REQUESTED";

struct ReportOptions {
  std::string scope;
  std::string committee_id;  // C + 8 digits
  std::string committee_name;
  std::string report_code = "Q1";  // Q1, Q2, Q3, YE, 12P, 30G, ...
  Date from;
  Date to;
  std::string treasurer_last;
  std::string treasurer_first;
  Date date_signed;
  std::string election_state;     // F3 election state, e.g. OR
  std::string election_district;  // F3 district, e.g. 04 ("00" at large)
};

using ScheduleARecord = std::array<std::string, kScheduleAFields>;

struct Report {
  ReportCheckpoint checkpoint;
  std::vector<std::string> hdr;
  std::vector<std::string> f3;  // kForm3Fields values
  std::vector<ScheduleARecord> schedule_a;
  std::int64_t itemised_cents = 0;
  std::int64_t unitemised_cents = 0;
};

// InvalidArgument for bad options, a scope whose pack is not in USD or has no
// itemisation rule, a refund dated in the period, or an itemised donor
// without the name and address parts Schedule A requires (the message names
// the donor and the field).
Result<Report> BuildReport(Ledger& ledger, const ReportOptions& options);
// The file: records joined by LF, fields by 0x1C.
std::string RenderReport(const Report& report);

// A donation with its cycle aggregate, as Schedule A states it.
struct AggregatedGift {
  const ReportDonation* donation = nullptr;
  std::int64_t aggregate_cents = 0;
  bool itemised = false;
};
// Every donation of `donations` with its running aggregate per donor and
// election cycle (two calendar years ending in an even one).
std::vector<AggregatedGift> AggregateByCycle(const std::vector<ReportDonation>& donations,
                                             std::int64_t itemise_over_cents);

}  // namespace probity::fec

#endif  // PROBITY_REPORTS_FEC_REPORT_H_
