// A data subject's personal data over time: rectification (GDPR Art. 16) and
// erasure by crypto-shredding (Art. 17), built on Ledger::Append.
//
// The personal data in force is the box of the subject's latest
// donor_corrected entry, else of its donor_added entry (docs/format.md, 3.2);
// earlier boxes stay, under the same subject key, as history. An erasure entry
// is appended in the same write transaction that deletes the subject's vault
// key; after it no entry may name the subject except the request register's
// (docs/format.md, 14, step 11).
#ifndef PROBITY_LEDGER_SUBJECTS_H_
#define PROBITY_LEDGER_SUBJECTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"
#include "ledger/vault.h"

namespace probity {

// The subject's erasure entry, if any.
struct ErasureRecord {
  std::int64_t seq = 0;
  std::string date;
  std::string ground;  // request, retention-ended
};
Result<std::optional<ErasureRecord>> FindErasure(Store& store, const std::string& subject);

// NotFound unless `subject` is a registered donor; InvalidArgument, naming
// the erasure, if it was erased. For every write that records something new
// about a person (consents, rectifications).
[[nodiscard]] Status RequireDonorNotErased(Store& store, const std::string& subject);

// The seq of the entry whose box holds the subject's personal data in force:
// the latest donor_corrected, else donor_added. NotFound if not a donor.
Result<std::int64_t> CurrentPiiSeq(Store& store, const std::string& subject);
// The personal data in force; nullopt once the subject's key is erased.
Result<std::optional<DonorPii>> LoadCurrentPii(Store& store, const std::string& subject);

// What a policy decision reads of a donor: the type, from donor_added, and
// the personal data in force (nullopt once the key is erased). NotFound if
// not a donor. One query (Store::DonorIdentityEntries) and the vault key.
struct DonorIdentity {
  std::string donor_type;
  std::optional<DonorPii> pii;
};
Result<DonorIdentity> LoadDonorIdentity(Store& store, const std::string& subject);

// One box of a subject's history: donor_added first, then each donor_corrected.
struct PiiVersion {
  std::int64_t seq = 0;
  std::string kind;  // donor_added, donor_corrected
  std::string ts;
  std::optional<std::int64_t> request_seq;
  std::optional<DonorPii> pii;  // nullopt once erased
};
Result<std::vector<PiiVersion>> LoadPiiHistory(Store& store, const std::string& subject);

struct Rectification {
  std::string subject;
  // Fields of the identity object (docs/format.md, section 10: "name",
  // "address", ...) -> new value; an empty value removes the field. Fields
  // not named keep their current value.
  std::map<std::string, std::string> changes;
  std::optional<std::int64_t> request_seq;  // an open rectification request of the subject
};
// Appends donor_corrected with a box of the whole restated personal data
// (current data with `changes` applied, validated as in donor add) under the
// subject's key, read and written in one write transaction. Refused
// (InvalidArgument) for an erased subject, no change or a change that leaves
// the data as it is, an unknown field, or a request that is not an open
// rectification request of this subject; NotFound for an unknown subject.
Result<std::int64_t> RectifyDonor(Ledger& ledger, const NamedKey& key, const Rectification& r);

// InvalidArgument / NotFound unless `request_seq` is an open request of
// `type` made by `subject`; each message says what is wrong and what to do.
[[nodiscard]] Status RequireOpenRequest(Store& store, std::int64_t request_seq,
                                        const std::string& subject, const std::string& type);

struct Erasure {
  std::string subject;
  Date date;
  std::string ground;  // request, retention-ended
  std::optional<std::int64_t> request_seq;  // with ground "request"
};
// Inside the caller's write transaction: checks that the subject is a donor
// not yet erased, adds the erasure entry and deletes the vault key. The
// caller truncates the WAL (Store::TruncateWal) after the commit.
Result<std::int64_t> EraseSubjectInBatch(AppendBatch& batch, const Erasure& e);

}  // namespace probity

#endif  // PROBITY_LEDGER_SUBJECTS_H_
