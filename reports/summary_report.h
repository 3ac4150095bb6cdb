// The summary for people: one self-contained HTML page (no external assets,
// no script) with totals per month, per method and per scope, donors near a
// cap, open obligations, and bar charts drawn as inline SVG. It states the
// checkpoint it was produced from. Totals are per currency: amounts in
// different currencies are never added together.
#ifndef PROBITY_REPORTS_SUMMARY_REPORT_H_
#define PROBITY_REPORTS_SUMMARY_REPORT_H_

#include <map>
#include <string>
#include <utility>

#include "ledger/ledger.h"
#include "reports/source.h"

namespace probity {

constexpr int kNearCapPercent = 80;  // a donor at or over this share of a cap is listed

struct SummaryTotals {
  // (currency, key) -> net minor units (amount - refunded).
  std::map<std::pair<std::string, std::string>, std::int64_t> per_month, per_method, per_scope;
  std::map<std::string, std::int64_t> total;  // currency -> net
  std::size_t donations = 0;
};

struct Summary {
  ReportCheckpoint checkpoint;
  SummaryTotals totals;
  std::string html;
};

Result<Summary> BuildSummary(Ledger& ledger, const Date& today);

}  // namespace probity

#endif  // PROBITY_REPORTS_SUMMARY_REPORT_H_
