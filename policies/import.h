// Importing donations from a CSV file (README, "Importing donations").
//
// The file is read as a stream (ledger/csv.h) in batches of rows. Each batch
// is one Ledger::Append transaction: every row is decided by the scope's
// policy pack through one DonationDecider (policies/donations.h), so a row's
// decision sees the ledger and the rows accepted before it, in this batch and
// in earlier ones. Rows that are malformed or refused are handed to the
// caller's reject sink with their line number and the reason, after their
// batch is committed; nothing is dropped without a word.
//
// Resuming: every row has an external id, from the `external_id` column or
// else "sha256:" + the SHA-256 of the row's canonical fields (RowExternalId).
// The donation entry records it and the store indexes it (unique), so a row
// already in the ledger is skipped, and one that repeats the id of an earlier
// row of this run is rejected as a duplicate. A run killed at any point loses
// at most its uncommitted batch; running it again finishes the file.
//
// The next batch is read and converted (RowToRequest) on another thread while
// one is appended: that needs no ledger and no earlier row.
//
// Memory stays flat: two batches of rows, the signing pipeline's bounded queue,
// and the decider's caches: after each committed batch the decider drops its
// least recently used donors until it is within options.cache_bytes_max
// (DonationDecider::Trim); a donor dropped is read again, without decoding,
// from the gift_deltas table through two indexes (Store::DonorGifts).
#ifndef PROBITY_POLICIES_IMPORT_H_
#define PROBITY_POLICIES_IMPORT_H_

#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "ledger/csv.h"
#include "policies/donations.h"

namespace probity {

constexpr std::size_t kImportBatchRowsDefault = 1000;
constexpr std::size_t kImportBatchRowsMax = 100000;
// Rows of the next batch decided (and queued for signing) before a batch
// commits, so the signers work while it commits. Their entries wait in the
// signing pipeline with what is left of the batch: at most half of it.
constexpr std::size_t kImportLookaheadRows = kSignInFlightMax / 2;

// Where each named column is in the file; -1 when absent (optional ones).
struct ImportColumns {
  int donor = -1, amount = -1, currency = -1, method = -1, date = -1;
  int election = -1, nature = -1, cap_declared = -1, external_id = -1;
  std::vector<std::string> names;  // the header, as read
};
// InvalidArgument naming the column for an unknown, repeated or missing one.
Result<ImportColumns> ParseImportHeader(const std::vector<std::string>& header);

// One data row as a request for `scope`, external id filled in.
// InvalidArgument naming the column for a bad value.
Result<DonationRequest> RowToRequest(const ImportColumns& columns,
                                     const std::vector<std::string>& fields,
                                     const std::string& scope);
// "sha256:" + hex SHA-256 of the canonical JSON of the gift's own fields
// (donor or anonymous, amount_minor, currency, method, date, election, nature,
// cap_declared; not the scope, so the same gift is not recorded again in
// another scope by mistake).
std::string RowExternalId(const DonationRequest& r);

struct ImportReject {
  std::int64_t line = 0;
  std::string reason;
  std::vector<std::string> fields;  // as read; may be partial for a malformed record
};

struct ImportProgress {
  std::uint64_t bytes_read = 0;
  std::int64_t rows = 0;  // data rows read
  std::int64_t recorded = 0;
  std::int64_t skipped = 0;  // already in the ledger
  std::int64_t rejected = 0;
};

struct ImportOptions {
  std::string scope;
  std::size_t batch_rows = kImportBatchRowsDefault;
  // The bound of the decider's per-donor cache (DonationDecider::Trim).
  std::size_t cache_bytes_max = kDeciderCacheBytesMax;
  // Called for each rejected row, in line order, once its batch committed.
  std::function<Status(const ImportReject&)> on_reject;
  // Called after each batch.
  std::function<void(const ImportProgress&)> on_progress;
  // Once every row is in, a gift rollup is written for the summary if the
  // entries since the latest number at least this many (Store::MaybeRollUpGifts).
  std::int64_t rollup_tail_min = kGiftRollupTailMin;
  // Called with the header (the column names) before any row.
  std::function<Status(const std::vector<std::string>&)> on_header;
};

// Imports `csv` into `ledger`, signed by `key`. Errors that stop the import
// (bad header, unknown scope, I/O, a key that may not sign) come back as a
// Status; batches committed before it stay, and running the import again
// resumes after them.
Result<ImportProgress> ImportDonations(Ledger& ledger, const NamedKey& key, std::istream& csv,
                                       const ImportOptions& options);

}  // namespace probity

#endif  // PROBITY_POLICIES_IMPORT_H_
