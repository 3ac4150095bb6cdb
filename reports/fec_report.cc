#include "reports/fec_report.h"

#include <algorithm>
#include <map>
#include <regex>

#include "ledger/assert.h"
#include "policies/scopes.h"
#include "reports/fec_text.h"

namespace probity::fec {
namespace {

constexpr std::size_t F3(std::string_view name) { return Col(kForm3Columns, name); }
static_assert(Sa("memo_text_description") == 43 && Sa("reference_code") == 44);
static_assert(F3("L20d_total_contribution_refunds_ytd") == 90);

Status CheckOptions(const ReportOptions& o) {
  if (!std::regex_match(o.committee_id, std::regex("C[0-9]{8}"))) {
    return Status::InvalidArgument("--committee " + QuoteForMessage(o.committee_id) +
                                   " is not an FEC committee id (C and 8 digits, e.g. C00123456)");
  }
  if (o.to < o.from) return Status::InvalidArgument("--to is before --from");
  if (!std::regex_match(o.report_code, std::regex("[0-9A-Z]{2,3}"))) {
    return Status::InvalidArgument("--report-code is 2 or 3 letters and digits: Q1, Q2, Q3, YE, 12P");
  }
  if (o.treasurer_last.empty() || o.treasurer_first.empty()) {
    return Status::InvalidArgument("Form 3 is signed: give --treasurer-last and --treasurer-first");
  }
  return Status::OK();
}

// The scope's itemisation threshold, from its pack; only a USD pack with one
// files with the FEC.
Result<std::int64_t> ItemisationThreshold(Store& store, const std::string& scope_id) {
  PROBITY_ASSIGN_OR_RETURN(BoundScope scope, LoadScope(store, scope_id));
  if (std::string_view(scope.pack.currency.code) != "USD") {
    return Status::InvalidArgument("scope " + scope_id + " is bound to pack " + scope.pack.id +
                                   " in " + scope.pack.currency.code +
                                   "; an FEC report needs a US pack (USD)");
  }
  for (const Rule& rule : scope.pack.rules) {
    if (rule.type == RuleType::kItemisation && rule.amount_minor) return *rule.amount_minor;
  }
  return Status::InvalidArgument("pack " + scope.pack.id + " has no itemisation rule");
}

int CycleEndYear(const Date& d) { return d.year + d.year % 2; }

bool InPeriod(const Date& d, const ReportOptions& o) { return d >= o.from && d <= o.to; }

// What Schedule A says about the donor; InvalidArgument names what is missing.
Status FillContributor(const DonorRecord& donor, ScheduleARecord& r) {
  if (donor.donor_type != "person") {
    return Status::InvalidArgument("donor " + donor.subject + " is a " + donor.donor_type +
                                   ": Schedule A line 11(a)(i) lists individuals only");
  }
  if (!donor.pii) {
    return Status::InvalidArgument("donor " + donor.subject +
                                   " was erased but must be itemised; the filing cannot name them");
  }
  DonorPii p = *donor.pii;
  if (p.family_name.empty()) {  // a name recorded whole: the last word is the family name
    const std::size_t space = p.name.rfind(' ');
    p.family_name = space == std::string::npos ? p.name : p.name.substr(space + 1);
    p.given_name = space == std::string::npos ? "" : p.name.substr(0, space);
  }
  if (p.street.empty()) p.street = p.address;
  const std::pair<const char*, const std::string*> required[] = {
      {"given name (--given-name)", &p.given_name}, {"street (--street)", &p.street},
      {"city (--city)", &p.city},                   {"state (--region)", &p.region},
      {"ZIP code (--postcode)", &p.postcode}};
  for (const auto& [what, value] : required) {
    if (value->empty()) {
      return Status::InvalidArgument("donor " + donor.subject + " must be itemised but has no " +
                                     what + "; record it on the donor and report again");
    }
  }
  // Best efforts (11 CFR 104.7(b)) that did not obtain them.
  if (p.employer.empty()) p.employer = kInformationRequested;
  if (p.occupation.empty()) p.occupation = kInformationRequested;
  r[Sa("entity_type")] = "IND";
  for (const ContributorField& c : kContributorFields) {
    r[Sa(c.column)] = ToFecText(p.*c.member, c.chars_max);
  }
  return Status::OK();
}

// The imported transaction id when there is one ("fec:FILE:ID"), else ours.
std::string TransactionId(const ReportDonation& d) {
  const std::size_t colon = d.import_ref.rfind(':');
  if (d.import_ref.rfind("fec:", 0) == 0 && colon != std::string::npos) {
    return ToFecText(d.import_ref.substr(colon + 1), 20);
  }
  return "PRB" + std::to_string(d.seq);
}

Result<ScheduleARecord> ScheduleALine(const AggregatedGift& g, const DonorRecord& donor,
                                      const ReportOptions& o) {
  const ReportDonation& d = *g.donation;
  ScheduleARecord r;
  PROBITY_RETURN_IF_ERROR(FillContributor(donor, r));
  r[Sa("form_type")] = "SA11AI";
  r[Sa("filer_committee_id_number")] = o.committee_id;
  r[Sa("transaction_id")] = TransactionId(d);
  r[Sa("election_code")] = ToFecText(d.election, 5);
  r[Sa("contribution_date")] = FormatFecDate(d.date);
  r[Sa("contribution_amount")] = FormatAmount(d.amount_minor);
  r[Sa("contribution_aggregate")] = FormatAmount(g.aggregate_cents);
  return r;
}

struct Totals {
  std::int64_t itemised = 0, unitemised = 0, refunds = 0;
  std::int64_t contributions() const { return itemised + unitemised; }
};

Totals SumGifts(const std::vector<AggregatedGift>& gifts, const std::vector<ReportRefund>& refunds,
                const Date& from, const Date& to) {
  Totals t;
  for (const AggregatedGift& g : gifts) {
    if (g.donation->date < from || g.donation->date > to) continue;
    (g.itemised ? t.itemised : t.unitemised) += g.donation->amount_minor;
  }
  for (const ReportRefund& r : refunds) {
    if (r.date >= from && r.date <= to) t.refunds += r.amount_minor;
  }
  return t;
}

// Sets the receipt lines of one column (period or year to date).
void FillTotals(std::vector<std::string>& f3, const Totals& t, const std::string& suffix) {
  auto set = [&](const std::string& line, std::int64_t cents) {
    const std::size_t i = F3(line + suffix);
    PROBITY_ASSERT(i < kForm3Fields);
    f3[i] = FormatAmount(cents);
  };
  set("L6a_total_contributions_", t.contributions());
  set("L6b_total_contribution_refunds_", t.refunds);
  set("L6c_net_contributions_", t.contributions() - t.refunds);
  set("L11ai_individuals_itemized_", t.itemised);
  set("L11aii_individuals_unitemized_", t.unitemised);
  set("L11aiii_total_individual_", t.contributions());
  set("L11e_total_contributions_", t.contributions());
  set("L16_total_receipts_", t.contributions());
  set("L20a_refunds_to_individuals_", t.refunds);
  set("L20d_total_contribution_refunds_", t.refunds);
}

std::vector<std::string> CoverRecord(const ReportOptions& o, const Totals& period,
                                     const Totals& ytd) {
  std::vector<std::string> f3(kForm3Fields);
  f3[F3("form_type")] = "F3N";
  f3[F3("filer_committee_id_number")] = o.committee_id;
  f3[F3("committee_name")] = ToFecText(o.committee_name, 200);
  f3[F3("election_state")] = ToFecText(o.election_state, 2);
  f3[F3("election_district")] = ToFecText(o.election_district, 2);
  f3[F3("report_code")] = o.report_code;
  f3[F3("coverage_from_date")] = FormatFecDate(o.from);
  f3[F3("coverage_through_date")] = FormatFecDate(o.to);
  f3[F3("treasurer_last_name")] = ToFecText(o.treasurer_last, 30);
  f3[F3("treasurer_first_name")] = ToFecText(o.treasurer_first, 20);
  f3[F3("date_signed")] = FormatFecDate(o.date_signed);
  FillTotals(f3, period, "period");
  FillTotals(f3, ytd, "ytd");
  return f3;
}

Status RefuseRefundsInPeriod(const std::vector<ReportRefund>& refunds, const ReportOptions& o) {
  std::string seqs;
  for (const ReportRefund& r : refunds) {
    if (InPeriod(r.date, o)) seqs += (seqs.empty() ? "" : ", ") + std::to_string(r.seq);
  }
  if (seqs.empty()) return Status::OK();
  return Status::InvalidArgument(
      "refunds dated in the period (entries " + seqs + ") belong on Schedule B line 20(a), which "
      "Probity does not write yet (see README, \"Filings\"); file them with other software");
}

}  // namespace

std::vector<AggregatedGift> AggregateByCycle(const std::vector<ReportDonation>& donations,
                                             std::int64_t itemise_over_cents) {
  std::vector<AggregatedGift> out;
  out.reserve(donations.size());
  for (const ReportDonation& d : donations) out.push_back({&d, 0, false});
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return out[a].donation->date < out[b].donation->date;  // entry order within a day
  });
  std::map<std::pair<std::string, int>, std::int64_t> running;  // (subject, cycle) -> cents
  for (std::size_t i : order) {
    AggregatedGift& g = out[i];
    if (g.donation->subject.empty()) continue;  // anonymous: never itemised
    std::int64_t& sum = running[{g.donation->subject, CycleEndYear(g.donation->date)}];
    sum = g.donation->import_aggregate_minor > 0 ? g.donation->import_aggregate_minor
                                                 : sum + g.donation->net_minor();
    g.aggregate_cents = sum;
    g.itemised = sum > itemise_over_cents;
  }
  return out;
}

Result<Report> BuildReport(Ledger& ledger, const ReportOptions& o) {
  PROBITY_RETURN_IF_ERROR(CheckOptions(o));
  Report report;
  PROBITY_ASSIGN_OR_RETURN(report.checkpoint, CurrentCheckpoint(ledger));
  PROBITY_ASSIGN_OR_RETURN(std::int64_t threshold, ItemisationThreshold(ledger.store(), o.scope));
  PROBITY_ASSIGN_OR_RETURN(std::vector<ReportDonation> donations, LoadReportDonations(ledger, o.scope));
  PROBITY_ASSIGN_OR_RETURN(std::vector<ReportRefund> refunds, LoadReportRefunds(ledger, o.scope));
  PROBITY_RETURN_IF_ERROR(RefuseRefundsInPeriod(refunds, o));
  PROBITY_ASSIGN_OR_RETURN(auto donors, LoadDonorsBySubject(ledger));
  const std::vector<AggregatedGift> gifts = AggregateByCycle(donations, threshold);
  std::vector<const AggregatedGift*> itemised;
  for (const AggregatedGift& g : gifts) {
    if (g.itemised && InPeriod(g.donation->date, o)) itemised.push_back(&g);
  }
  std::stable_sort(itemised.begin(), itemised.end(), [](auto* a, auto* b) {
    return a->donation->date < b->donation->date;
  });
  for (const AggregatedGift* g : itemised) {
    PROBITY_ASSIGN_OR_RETURN(ScheduleARecord line, ScheduleALine(*g, donors.at(g->donation->subject), o));
    report.schedule_a.push_back(std::move(line));
  }
  const Totals period = SumGifts(gifts, refunds, o.from, o.to);
  const Totals ytd = SumGifts(gifts, refunds, Date{o.to.year, 1, 1}, o.to);
  report.itemised_cents = period.itemised;
  report.unitemised_cents = period.unitemised;
  report.f3 = CoverRecord(o, period, ytd);
  // HDR: record type, "FEC", version, software, its version, report id,
  // report number, comment. The comment ties the filing to the ledger.
  const ReportCheckpoint& cp = report.checkpoint;
  report.hdr = {"HDR", "FEC", kFecVersion, "Probity", "0.1.0", "", "",
                ToFecText("probity tree_size=" + std::to_string(cp.tree_size) + " root=" +
                              cp.root_base64 + " origin=" + cp.origin, 200)};
  return report;
}

std::string RenderReport(const Report& report) {
  std::string out;
  auto record = [&out](const auto& fields) {
    bool first = true;
    for (const std::string& f : fields) {
      if (!first) out += kFieldSeparator;
      out += f;
      first = false;
    }
    out += '\n';
  };
  record(report.hdr);
  record(report.f3);
  for (const ScheduleARecord& r : report.schedule_a) record(r);
  return out;
}

}  // namespace probity::fec
