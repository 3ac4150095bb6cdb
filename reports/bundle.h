// The audit export bundle (docs/format.md, "The audit bundle"): everything an
// auditor needs to check a ledger offline, trusting nothing but a public key.
// A header (format version, origin, ledger id, the signers with when each was
// added and revoked, the adopted packs with their hashes), every entry with
// its signature, the latest checkpoint, and the disclosure of each donor's
// personal data with the subject key that opens it. The header is a summary
// for people: the verifier recomputes it from the entries and refuses a bundle
// whose header disagrees.
//
// With a recipient, the whole bundle is sealed to that person's key
// (crypto_box_seal to the Ed25519 key converted to X25519).
#ifndef PROBITY_REPORTS_BUNDLE_H_
#define PROBITY_REPORTS_BUNDLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/note.h"

namespace probity {

constexpr char kBundleMagic[] = "probity-audit-bundle v1";
constexpr char kSealedBundleMagic[] = "probity-sealed-bundle v1";
constexpr std::size_t kBundleLineBytesMax = 512 * 1024;
constexpr std::size_t kBundleBytesMax = std::size_t{4} << 30;  // 4 GiB
constexpr std::int64_t kBundleEntriesMax = std::int64_t{1} << 32;

// The plain bundle of the whole ledger, as of its latest checkpoint.
Result<std::string> BuildAuditBundle(Ledger& ledger);

// Sealed file: the magic line, "to " and the recipient's verifier key, then
// the sealed box of the plain bundle.
Result<std::string> SealBundle(const std::string& bundle, const VerifierKey& to);
bool IsSealedBundle(std::string_view file);
// The verifier key a sealed bundle names as its recipient.
Result<VerifierKey> SealedBundleRecipient(std::string_view file);
Result<std::string> OpenSealedBundle(std::string_view file, const NamedKey& key);

struct ScopeTotals {
  std::int64_t gifts = 0;
  std::int64_t gross_minor = 0;  // as corrected
  std::int64_t refunded_minor = 0;
  std::string first_date, last_date;
};

struct BundleSummary {
  std::string origin;
  std::string ledger_id;
  std::int64_t entries = 0;
  std::int64_t donors = 0;
  std::int64_t signers = 0;
  std::int64_t disclosed = 0;          // donors whose personal data is disclosed
  std::int64_t erased = 0;             // donors erased before the export
  std::int64_t decisions = 0;          // donations and corrections re-decided
  std::int64_t decisions_skipped = 0;  // of erased donors: facts unreadable
  Hash root{};
  std::map<std::pair<std::string, std::string>, ScopeTotals> totals;  // (scope, currency)
  std::vector<std::int64_t> extends;  // sizes of the earlier checkpoints proved extended
};

struct BundleReport {
  BundleSummary summary;
  std::int64_t first_bad_seq = -1;  // -1 if the failure is not about one entry
  Status failure;                   // VerificationFailed, or OK
};

struct BundleVerifyOptions {
  std::vector<VerifierKey> trusted;              // at least one must sign the checkpoint
  std::vector<std::string> earlier_checkpoints;  // notes the bundle must extend
};

// Checks everything the bundle says (see docs/format.md for the list). A
// malformed or tampered bundle is a failure in the report, not an error:
// the Result's status is only for a misuse (no trusted key) or, reading from
// a source, the source's I/O error.
Result<BundleReport> VerifyAuditBundle(std::string_view bundle, const BundleVerifyOptions& options);

// The same, reading the bundle from `bundle` twice (its shape, then its
// entries), a window at a time (reports/bundle_source.h): the memory it
// takes does not grow with the bundle's text, only with what the checks must
// remember (the replays' state per donor and per donation, the Merkle tree).
class BundleSource;
Result<BundleReport> VerifyAuditBundle(BundleSource& bundle, const BundleVerifyOptions& options);

}  // namespace probity

#endif  // PROBITY_REPORTS_BUNDLE_H_
