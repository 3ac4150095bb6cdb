#include "reports/cnccfp_report.h"

#include <map>

#include "policies/scopes.h"

namespace probity {
namespace {

const std::vector<std::string> kStatementColumns = {
    "record_type", "ledger_seq", "refers_to", "date", "donor_id", "family_name", "given_name",
    "name", "nationality", "tax_address", "postcode", "town", "amount_eur", "method",
    "refunded_eur", "receipt_number", "note"};

const std::vector<std::string> kReceiptColumns = {
    "record_id", "payment_type", "date", "donor_id", "title", "family_name", "given_names",
    "tax_address", "postcode", "town", "currency", "amount", "bank_reference"};

struct Identity {
  std::string family, given, name, nationality, address, postcode, town;
};

Identity IdentityOf(const std::map<std::string, DonorRecord>& donors, const std::string& subject) {
  auto it = donors.find(subject);
  if (it == donors.end() || !it->second.pii) return {"", "", subject.empty() ? "(anonymous)" : "(erased)", "", "", "", ""};
  const DonorPii& p = *it->second.pii;
  return {p.family_name, p.given_name, p.name, p.nationality, p.address, p.postcode, p.city};
}

// The cash limit of the scope, if its pack has a method-total rule for cash
// that applies to its parameters (L52-8: 20% of a ceiling of 15,000 EUR or more).
std::string CashLimitNote(const BoundScope& scope, std::int64_t cash_minor) {
  for (const Rule& r : scope.pack.rules) {
    if (r.type != RuleType::kMethodTotal || r.method != "cash") continue;
    auto param = scope.info.params_minor.find(r.scope_param);
    if (param == scope.info.params_minor.end()) continue;
    if (r.param_at_least_minor && param->second < *r.param_at_least_minor) continue;
    const std::int64_t limit = param->second / 100 * r.percent + param->second % 100 * r.percent / 100;
    return "cash limit " + DecimalAmount(limit) + " EUR (" + r.source + "); " +
           (cash_minor <= limit ? "within it" : "OVER IT");
  }
  return "no cash-total limit applies to this scope";
}

void AddStatement(const std::vector<ReportDonation>& gifts, const std::vector<ReportRefund>& refunds,
                  const std::map<std::string, DonorRecord>& donors, const BoundScope& scope,
                  CnccfpReport* report) {
  std::map<std::string, std::int64_t> per_method;
  std::map<std::int64_t, const ReportDonation*> by_seq;
  for (const ReportDonation& d : gifts) {
    const Identity id = IdentityOf(donors, d.subject);
    report->table.rows.push_back({"gift", std::to_string(d.seq), "", FormatDate(d.date), d.subject,
                                  id.family, id.given, id.name, id.nationality, id.address,
                                  id.postcode, id.town, DecimalAmount(d.amount_minor), d.method,
                                  DecimalAmount(d.refunded_minor), d.receipt, ""});
    per_method[d.method] += d.amount_minor;
    report->total_minor += d.amount_minor;
    by_seq[d.seq] = &d;
  }
  for (const ReportRefund& r : refunds) {
    const ReportDonation& d = *by_seq.at(r.donation_seq);
    const Identity id = IdentityOf(donors, d.subject);
    report->table.rows.push_back({"refund", std::to_string(r.seq), std::to_string(r.donation_seq),
                                  FormatDate(r.date), d.subject, id.family, id.given, id.name,
                                  id.nationality, id.address, id.postcode, id.town,
                                  DecimalAmount(r.amount_minor), d.method, "", "", ""});
  }
  std::vector<std::string> blank(kStatementColumns.size());
  for (const auto& [method, minor] : per_method) {
    std::vector<std::string> row = blank;
    row[0] = "total-method";
    row[12] = DecimalAmount(minor);
    row[13] = method;
    report->table.rows.push_back(row);
  }
  report->cash_minor = per_method["cash"];
  std::vector<std::string> cash = blank;
  cash[0] = "total-cash";
  cash[12] = DecimalAmount(report->cash_minor);
  cash[13] = "cash";
  cash[16] = CashLimitNote(scope, report->cash_minor);
  report->table.rows.push_back(cash);
  std::vector<std::string> total = blank;
  total[0] = "total";
  total[12] = DecimalAmount(report->total_minor);
  report->table.rows.push_back(total);
}

void AddReceipts(const std::vector<ReportDonation>& gifts,
                 const std::map<std::string, DonorRecord>& donors, CnccfpReport* report) {
  for (const ReportDonation& d : gifts) {
    const Identity id = IdentityOf(donors, d.subject);
    auto it = donors.find(d.subject);
    const std::string title = it != donors.end() && it->second.pii ? it->second.pii->name_prefix : "";
    report->table.rows.push_back({std::to_string(d.seq), d.method, FormatDate(d.date), d.subject,
                                  title, id.family, id.given, id.address, id.postcode, id.town,
                                  d.currency, DecimalAmount(d.amount_minor), ""});
    report->total_minor += d.amount_minor;
  }
}

}  // namespace

Result<CnccfpReport> BuildCnccfpReport(Ledger& ledger, const std::string& scope_id,
                                       TableFormat format) {
  PROBITY_ASSIGN_OR_RETURN(BoundScope scope, LoadScope(ledger.store(), scope_id));
  if (std::string_view(scope.pack.currency.code) != "EUR") {
    return Status::InvalidArgument("scope " + scope_id + " is bound to pack " + scope.pack.id +
                                   "; a CNCCFP statement needs a French pack (EUR)");
  }
  CnccfpReport report;
  PROBITY_ASSIGN_OR_RETURN(report.checkpoint, CurrentCheckpoint(ledger));
  PROBITY_ASSIGN_OR_RETURN(auto donors, LoadDonorsBySubject(ledger));
  PROBITY_ASSIGN_OR_RETURN(std::vector<ReportDonation> gifts, LoadReportDonations(ledger, scope_id));
  if (format == TableFormat::kTsv) {
    report.table.columns = kReceiptColumns;
    AddReceipts(gifts, donors, &report);
    return report;
  }
  PROBITY_ASSIGN_OR_RETURN(std::vector<ReportRefund> refunds, LoadReportRefunds(ledger, scope_id));
  report.table.columns = kStatementColumns;
  AddStatement(gifts, refunds, donors, scope, &report);
  return report;
}

}  // namespace probity
