// France: the statement of donations for a candidate's campaign account
// (CNCCFP; Code électoral L52-8, R39-1), one line per gift with the donor's
// identity, nationality and tax address, then the refunds, the totals per
// payment method and the cash total against its limit; or, with the TSV
// format, the party donor-receipt layout (one line per payment; arrêté of
// 14 Aug 2023, columns as RULES.md lists them). Full UTF-8 is kept.
// docs/reports.md lists the columns and their legal source.
#ifndef PROBITY_REPORTS_CNCCFP_REPORT_H_
#define PROBITY_REPORTS_CNCCFP_REPORT_H_

#include <string>

#include "ledger/ledger.h"
#include "reports/table.h"

namespace probity {

struct CnccfpReport {
  ReportCheckpoint checkpoint;
  Table table;
  std::int64_t total_minor = 0;
  std::int64_t cash_minor = 0;
};

// kCsv: the statement for the campaign account; kTsv: the donor-receipt file.
Result<CnccfpReport> BuildCnccfpReport(Ledger& ledger, const std::string& scope,
                                       TableFormat format);

}  // namespace probity

#endif  // PROBITY_REPORTS_CNCCFP_REPORT_H_
