// Reading an existing .fec filing (format 8.x, fields separated by 0x1C) and
// bringing its itemised individual receipts (SA11AI records with entity type
// IND) into the ledger: one donor per distinct name and address, one donation
// per receipt, each decided by the scope's policy pack, all in one write
// transaction. A malformed file, or any refusal, writes nothing.
//
// Kept out: memo lines (memo code X, e.g. the conduit's copy of an earmarked
// gift), receipts from organisations and committees (entity type ORG, PAC, ...),
// and every other record type (SA11C, SB..., text records). They are counted
// and reported, never silently dropped.
#ifndef PROBITY_REPORTS_FEC_IMPORT_H_
#define PROBITY_REPORTS_FEC_IMPORT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"
#include "ledger/vault.h"

namespace probity::fec {

constexpr std::size_t kFilingBytesMax = 256u << 20;  // 256 MiB
constexpr std::size_t kRecordBytesMax = 16u << 10;   // one line
constexpr std::size_t kReceiptsMax = 1'000'000;

struct FecReceipt {
  std::size_t line = 0;         // 1-based, for messages
  std::string transaction_id;   // as filed
  DonorPii donor;               // structured name and address, employer, occupation
  std::string election;         // e.g. P2018
  Date date;
  std::int64_t amount_cents = 0;
  std::int64_t aggregate_cents = 0;
};

struct Filing {
  std::string version;          // from HDR, e.g. 8.2
  std::string committee_id;     // of the SA11AI records
  std::vector<FecReceipt> receipts;
  std::map<std::string, std::size_t> skipped;  // why -> how many records
};

// InvalidArgument naming `name`, the line and the field for anything
// malformed: not HDR first, not format 8.x, a record over the limits, an
// SA11AI with the wrong field count, a bad date or amount, a missing name.
Result<Filing> ParseFiling(std::string_view bytes, const std::string& name);

struct ImportOptions {
  std::string scope;
  std::string method = "other";  // .fec files do not say how a gift was paid
  std::string source_label;      // in each donation's import_ref: fec:LABEL:TRANSACTION_ID
};
struct ImportSummary {
  std::size_t donors = 0;
  std::size_t donations = 0;
};
// InvalidArgument if a receipt of this filing was already imported
// (same import_ref); PolicyViolation if the pack refuses a gift.
Result<ImportSummary> ImportFiling(Ledger& ledger, const NamedKey& key, const Filing& filing,
                                   const ImportOptions& options);

}  // namespace probity::fec

#endif  // PROBITY_REPORTS_FEC_IMPORT_H_
