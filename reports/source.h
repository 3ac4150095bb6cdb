// What every report reads from the ledger, and the one place it is read:
// the checkpoint a report is produced from (so an auditor can tie the filing
// to the ledger), and the donations of a scope with their donors.
//
// Donations come through ListDonations (ledger/records.h), which applies
// refunds (and, once that entry kind lands, corrections); the fields it does
// not carry (election, import provenance) are read from the same entry
// through ReadDecodedEntry, the decoder `verify` uses. Reports never parse
// donation entries anywhere else.
#ifndef PROBITY_REPORTS_SOURCE_H_
#define PROBITY_REPORTS_SOURCE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"
#include "ledger/records.h"

namespace probity {

// The latest signed checkpoint: what the report covers.
struct ReportCheckpoint {
  std::string origin;
  std::int64_t tree_size = 0;
  std::string root_base64;
  // "checkpoint ORIGIN tree_size=N root=BASE64": printed in every report.
  std::string Line() const;
};
Result<ReportCheckpoint> CurrentCheckpoint(Ledger& ledger);

struct ReportDonation {
  std::int64_t seq = 0;
  std::string subject;  // empty when anonymous
  std::int64_t amount_minor = 0;
  std::int64_t refunded_minor = 0;
  std::string currency;
  std::string method;
  Date date;
  std::string scope;
  std::string election;  // empty if none
  std::string nature = "gift";
  std::string receipt;                      // empty if none was recorded
  std::string import_ref;                   // empty unless imported
  std::int64_t import_aggregate_minor = 0;  // 0 unless imported with one
  std::vector<std::string> obligation_rules;  // rules whose obligations the decision attached
  std::int64_t net_minor() const { return amount_minor - refunded_minor; }
};

// Donations of `scope` (all scopes when empty), in entry order.
Result<std::vector<ReportDonation>> LoadReportDonations(Ledger& ledger, const std::string& scope);

// One refund, for reports that list them with their date.
struct ReportRefund {
  std::int64_t seq = 0;
  std::int64_t donation_seq = 0;
  std::int64_t amount_minor = 0;
  Date date;
};
// Refunds of donations in `scope`, in entry order.
Result<std::vector<ReportRefund>> LoadReportRefunds(Ledger& ledger, const std::string& scope);

// Every donor by subject id (pii is nullopt for an erased one).
Result<std::map<std::string, DonorRecord>> LoadDonorsBySubject(Ledger& ledger);

}  // namespace probity

#endif  // PROBITY_REPORTS_SOURCE_H_
