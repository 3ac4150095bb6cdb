#include "reports/source.h"

#include <set>

#include "ledger/note.h"

namespace probity {

std::string ReportCheckpoint::Line() const {
  return "checkpoint " + origin + " tree_size=" + std::to_string(tree_size) +
         " root=" + root_base64;
}

Result<ReportCheckpoint> CurrentCheckpoint(Ledger& ledger) {
  PROBITY_ASSIGN_OR_RETURN(std::string note, ledger.LatestCheckpoint());
  // The body ends at the blank line before the signatures.
  const std::size_t body_end = note.find("\n\n");
  if (body_end == std::string::npos) return Status::Corruption("the latest checkpoint has no body");
  PROBITY_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointBody(note.substr(0, body_end + 1)));
  ReportCheckpoint out;
  out.origin = cp.origin;
  out.tree_size = static_cast<std::int64_t>(cp.tree_size);
  // The body's third line is the root hash in base64, exactly as signed.
  const std::size_t l1 = note.find('\n');
  const std::size_t l2 = note.find('\n', l1 + 1);
  const std::size_t l3 = note.find('\n', l2 + 1);
  out.root_base64 = note.substr(l2 + 1, l3 - l2 - 1);
  return out;
}

Result<std::vector<ReportDonation>> LoadReportDonations(Ledger& ledger, const std::string& scope) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<DonationRecord> records, ListDonations(ledger, scope, ""));
  std::vector<ReportDonation> out;
  out.reserve(records.size());
  for (const DonationRecord& r : records) {
    ReportDonation d;
    d.seq = r.seq;
    d.subject = r.subject;
    d.amount_minor = r.amount_minor;
    d.refunded_minor = r.refunded_minor;
    d.currency = r.currency;
    d.method = r.method;
    PROBITY_ASSIGN_OR_RETURN(d.date, ParseDate(r.date));
    d.scope = r.scope;
    d.election = r.election;
    d.nature = r.nature;
    d.receipt = r.receipt;
    d.import_ref = r.import_ref;
    d.import_aggregate_minor = r.import_aggregate_minor;
    // The latest decision's obligations: a correction's replace the donation's.
    for (const Json& o : r.obligations) {
      d.obligation_rules.push_back(o["rule"].get<std::string>());
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<ReportRefund>> LoadReportRefunds(Ledger& ledger, const std::string& scope) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<DonationRecord> donations, ListDonations(ledger, scope, ""));
  std::set<std::int64_t> in_scope;
  for (const DonationRecord& d : donations) in_scope.insert(d.seq);
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, ledger.store().FindEntries("refund", ""));
  std::vector<ReportRefund> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(ledger.store(), seq));
    ReportRefund r;
    r.seq = seq;
    r.donation_seq = e["donation_seq"].get<std::int64_t>();
    if (!in_scope.count(r.donation_seq)) continue;
    r.amount_minor = e["amount_minor"].get<std::int64_t>();
    PROBITY_ASSIGN_OR_RETURN(r.date, ParseDate(e["date"].get<std::string>()));
    out.push_back(r);
  }
  return out;
}

Result<std::map<std::string, DonorRecord>> LoadDonorsBySubject(Ledger& ledger) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<DonorRecord> donors, ListDonors(ledger));
  std::map<std::string, DonorRecord> out;
  for (DonorRecord& d : donors) out.emplace(d.subject, std::move(d));
  return out;
}

}  // namespace probity
