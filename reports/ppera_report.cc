#include "reports/ppera_report.h"

#include <algorithm>
#include <map>

#include "policies/scopes.h"

namespace probity {
namespace {

struct Thresholds {
  std::int64_t de_minimis_minor = 0;
  std::int64_t first_minor = 0;    // higher: first report of a source in a year
  std::int64_t further_minor = 0;  // lower: each further report
  std::string eligibility_rule;    // its obligations mark impermissible gifts
};

Result<Thresholds> ThresholdsOf(const BoundScope& scope) {
  Thresholds t;
  std::vector<std::int64_t> reporting;
  for (const Rule& r : scope.pack.rules) {
    if (r.type == RuleType::kReportingThreshold && r.amount_minor) reporting.push_back(*r.amount_minor);
    if (r.type == RuleType::kDeMinimis && r.amount_minor) t.de_minimis_minor = *r.amount_minor;
    if (r.type == RuleType::kEligibility) t.eligibility_rule = r.id;
  }
  if (reporting.empty() || std::string_view(scope.pack.currency.code) != "GBP") {
    return Status::InvalidArgument("scope " + scope.info.id + " (pack " + scope.pack.id +
                                   ") has no PPERA reporting thresholds in GBP");
  }
  t.first_minor = *std::max_element(reporting.begin(), reporting.end());
  t.further_minor = *std::min_element(reporting.begin(), reporting.end());
  return t;
}

int QuarterOf(const Date& d) { return (d.month - 1) / 3 + 1; }

struct Reportable {
  const ReportDonation* gift;
  Date reportable_on;  // the gift that made the sum pass the threshold
  bool aggregated;     // reported because of the sum, not on its own
};

// Which gifts become reportable, and when, for one source in one year.
void Aggregate(std::vector<const ReportDonation*> gifts, const Thresholds& t,
               std::vector<Reportable>* out) {
  std::stable_sort(gifts.begin(), gifts.end(), [](auto* a, auto* b) { return a->date < b->date; });
  std::vector<const ReportDonation*> pending;
  std::int64_t sum = 0;
  bool reported = false;
  for (const ReportDonation* g : gifts) {
    pending.push_back(g);
    sum += g->net_minor();
    const std::int64_t threshold = reported ? t.further_minor : t.first_minor;
    if (sum <= threshold) continue;
    for (const ReportDonation* p : pending) {
      out->push_back({p, g->date, p->net_minor() <= threshold});
    }
    pending.clear();
    sum = 0;
    reported = true;
  }
}

const std::vector<std::string> kColumns = {
    "record_type", "scope", "ledger_seq", "received", "reportable_in", "donor_id", "donor_name",
    "donor_type", "address", "postcode", "amount_gbp", "refunded_gbp", "nature", "method",
    "aggregated", "status"};

std::vector<std::string> Row(const std::string& type, const ReportDonation& d,
                             const DonorRecord* donor, const std::string& when, bool aggregated,
                             const std::string& status) {
  const bool known = donor != nullptr && donor->pii.has_value();
  return {type, d.scope, std::to_string(d.seq), FormatDate(d.date), when, d.subject,
          known ? donor->pii->name : "(erased)", donor ? donor->donor_type : "",
          known ? donor->pii->address : "", known ? donor->pii->postcode : "",
          DecimalAmount(d.amount_minor), DecimalAmount(d.refunded_minor),
          d.method == "in-kind" ? "non-cash" : "cash", d.method, aggregated ? "yes" : "no", status};
}

}  // namespace

Result<PperaReport> BuildPperaReport(Ledger& ledger, const PperaOptions& o) {
  if (o.quarter < 1 || o.quarter > 4) return Status::InvalidArgument("--quarter is 1, 2, 3 or 4");
  if (o.year < 2000 || o.year > 2999) return Status::InvalidArgument("--year is like 2026");
  PperaReport report;
  PROBITY_ASSIGN_OR_RETURN(report.checkpoint, CurrentCheckpoint(ledger));
  PROBITY_ASSIGN_OR_RETURN(auto donors, LoadDonorsBySubject(ledger));
  PROBITY_ASSIGN_OR_RETURN(std::vector<BoundScope> scopes, ListScopes(ledger.store()));
  report.table.columns = kColumns;
  const std::string quarter = std::to_string(o.year) + "-Q" + std::to_string(o.quarter);
  bool any_scope = false;
  for (const BoundScope& scope : scopes) {
    if (!o.scope.empty() && scope.info.id != o.scope) continue;
    Result<Thresholds> t = ThresholdsOf(scope);
    if (!t.ok()) {
      if (!o.scope.empty()) return t.status();
      continue;
    }
    any_scope = true;
    PROBITY_ASSIGN_OR_RETURN(std::vector<ReportDonation> gifts, LoadReportDonations(ledger, scope.info.id));
    std::map<std::string, std::vector<const ReportDonation*>> by_source;
    for (const ReportDonation& d : gifts) {
      const DonorRecord* donor = donors.count(d.subject) ? &donors.at(d.subject) : nullptr;
      const bool impermissible =
          std::count(d.obligation_rules.begin(), d.obligation_rules.end(), t->eligibility_rule) > 0;
      if (impermissible || d.subject.empty()) {
        if (d.date.year == o.year && QuarterOf(d.date) == o.quarter && d.amount_minor > t->de_minimis_minor) {
          const std::string status = d.refunded_minor >= d.amount_minor ? "returned" : "not returned";
          report.table.rows.push_back(Row("impermissible", d, donor, quarter, false, status));
          ++report.impermissible;
        }
        continue;
      }
      if (d.date.year == o.year && d.net_minor() > t->de_minimis_minor) by_source[d.subject].push_back(&d);
    }
    std::vector<Reportable> reportable;
    for (auto& [subject, list] : by_source) Aggregate(list, *t, &reportable);
    for (const Reportable& r : reportable) {
      if (QuarterOf(r.reportable_on) != o.quarter) continue;
      const DonorRecord* donor = &donors.at(r.gift->subject);
      report.table.rows.push_back(Row("donation", *r.gift, donor, quarter, r.aggregated, "accepted"));
      ++report.donations;
    }
  }
  if (!any_scope) return Status::InvalidArgument("no scope bound to a PPERA pack in this ledger");
  if (report.nil()) {
    std::vector<std::string> nil(kColumns.size());
    nil[0] = "nil";
    nil[4] = quarter;
    report.table.rows.push_back(nil);
  }
  return report;
}

}  // namespace probity
