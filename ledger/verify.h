// Full verification of a ledger file: every entry canonical and well-formed,
// seq dense from 0, the prev chain, each signature by a key authorised at that
// point, the records consistent (donations name registered donors, refunds
// never exceed their donation), the stored Merkle nodes, and every checkpoint's
// root and signature. Signatures are checked on all cores.
#ifndef PROBITY_LEDGER_VERIFY_H_
#define PROBITY_LEDGER_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/ledger.h"

namespace probity {

constexpr std::int64_t kVerifyChunkEntries = 8192;

struct VerifyReport {
  std::int64_t entries = 0;
  std::int64_t checkpoints = 0;
  std::int64_t signers = 0;
  Hash root{};
  // Set when verification failed: the first bad entry (or -1 if the failure
  // is not about one entry, e.g. a checkpoint), and why.
  std::int64_t first_bad_seq = -1;
  Status failure;
};

struct VerifyOptions {
  // Checkpoint notes published earlier (filed with an authority, kept by an
  // auditor): the ledger must extend each of them. This is what catches a
  // ledger cut short or rolled back by someone holding its passphrase.
  std::vector<std::string> earlier_checkpoints;
};

// Returns a report; a failed check is in report.failure (VerificationFailed),
// an I/O or database error is returned as the Result's status.
Result<VerifyReport> VerifyLedger(Ledger& ledger, const VerifyOptions& options = {});

}  // namespace probity

#endif  // PROBITY_LEDGER_VERIFY_H_
