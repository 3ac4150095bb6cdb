// The summary for people: one self-contained HTML page (no external assets,
// no script) with totals per month, per method and per scope, donors near a
// cap, open obligations, and bar charts drawn as inline SVG. It states the
// checkpoint it was produced from. Totals are per currency: amounts in
// different currencies are never added together.
//
// The figures come from the gift_deltas table (ledger/store.h, docs/format.md
// 12.3), summed in one pass over its covering index: no donation entry is
// decoded, so the cost is that of reading the index, about a microsecond per
// donation. `probity verify` checks every row of that table against the
// signed entries.
#ifndef PROBITY_REPORTS_SUMMARY_REPORT_H_
#define PROBITY_REPORTS_SUMMARY_REPORT_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

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

// A donor whose net gifts in a cap's window reach kNearCapPercent of the cap.
struct NearCap {
  std::string subject;
  std::string scope;
  std::string window;  // the calendar year, the election designation, or the scope id
  std::int64_t given_minor = 0;
  std::int64_t cap_minor = 0;
  std::string source;  // the cap rule's legal source
  bool operator==(const NearCap&) const = default;
};

struct Summary {
  ReportCheckpoint checkpoint;
  SummaryTotals totals;
  // By scope (in the order scopes were added), cap rule (in pack order),
  // subject, window.
  std::vector<NearCap> near_cap;
  std::string html;
};

Result<Summary> BuildSummary(Ledger& ledger, const Date& today);

}  // namespace probity

#endif  // PROBITY_REPORTS_SUMMARY_REPORT_H_
