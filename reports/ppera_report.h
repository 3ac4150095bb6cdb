// The Electoral Commission's quarterly donation report for a registered
// party (PPERA 2000 s.62-63): the donations that became reportable in the
// quarter, and the impermissible donations received in it, or a nil report.
//
// Aggregation (s.62, thresholds of SI 2023/1235): per source (donor) and
// calendar year, only gifts over the de minimis amount (500.00 GBP, s.52)
// count. A source becomes reportable in the quarter its aggregate first
// passes the higher threshold (11,180.00 GBP): every counted gift of the year
// so far is reported then. After that, further gifts are added up again and
// reported in the quarter their sum passes the lower threshold (2,230.00
// GBP). The thresholds come from the pack's reporting-threshold rules.
#ifndef PROBITY_REPORTS_PPERA_REPORT_H_
#define PROBITY_REPORTS_PPERA_REPORT_H_

#include <string>

#include "ledger/ledger.h"
#include "reports/table.h"

namespace probity {

struct PperaOptions {
  std::string scope;  // empty: every scope whose pack has reporting thresholds
  int year = 0;
  int quarter = 0;    // 1..4
};

struct PperaReport {
  ReportCheckpoint checkpoint;
  Table table;
  std::size_t donations = 0;      // reportable rows
  std::size_t impermissible = 0;  // impermissible rows
  bool nil() const { return donations == 0 && impermissible == 0; }
};

Result<PperaReport> BuildPperaReport(Ledger& ledger, const PperaOptions& options);

}  // namespace probity

#endif  // PROBITY_REPORTS_PPERA_REPORT_H_
