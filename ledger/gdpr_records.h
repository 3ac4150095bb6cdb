// GDPR purposes (Art. 13(1)(c), Art. 30(1)(b)) and consents per purpose
// (Art. 7), read back from the ledger. A purpose is a purpose_added entry;
// consents and withdrawals name one. Writing a consent is in records.h
// (GrantConsent, WithdrawConsent), which requires its purpose to be here.
#ifndef PROBITY_LEDGER_GDPR_RECORDS_H_
#define PROBITY_LEDGER_GDPR_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"

namespace probity {

// A free-text flag: at most `bytes_max` bytes, no control character; empty
// only if `may_be_empty`. The message names `flag`.
[[nodiscard]] Status CheckFlagText(const std::string& text, const char* flag,
                                   std::size_t bytes_max, bool may_be_empty);

struct NewPurpose {
  std::string purpose;      // id, [a-z0-9-]{1,64}
  std::string basis;        // legal basis, e.g. "Art. 6(1)(a), Art. 9(2)(a)"
  Period retention;         // how long its data is kept
  std::string description;  // what it is for, as the person reads it
};
// Appends purpose_added; InvalidArgument if the id is already registered or a
// field is malformed. Returns the entry's seq.
Result<std::int64_t> AddPurpose(Ledger& ledger, const NamedKey& key, const NewPurpose& p);

struct PurposeRecord {
  std::int64_t seq = 0;
  std::string ts;
  std::string purpose;
  std::string basis;
  Period retention;
  std::string description;
};
// Every registered purpose, in the order they were added.
Result<std::vector<PurposeRecord>> LoadPurposes(Store& store);
// NotFound, naming `probity purpose add`, unless `purpose` is registered.
Result<PurposeRecord> FindPurpose(Store& store, const std::string& purpose);

// Where one subject stands for one purpose.
struct ConsentStatus {
  std::string purpose;
  std::string state = "never";  // given, withdrawn, never
  std::string since;            // date of the consent (given) or withdrawal (withdrawn)
  std::int64_t consent_seq = -1;     // the latest consent; -1 if never
  std::int64_t withdrawal_seq = -1;  // the withdrawal, when withdrawn
  std::string text_sha256, text_version, channel, evidence;  // of the latest consent
  std::string withdrawal_channel, withdrawal_evidence;       // when withdrawn
  int grants = 0;                // how many consents were recorded
};
// One row per registered purpose (state "never" when the subject gave no
// consent to it), then any purpose a consent names that was never registered
// (a ledger written before purposes existed; verify refuses it).
Result<std::vector<ConsentStatus>> LoadConsentStatus(Store& store, const std::string& subject);

}  // namespace probity

#endif  // PROBITY_LEDGER_GDPR_RECORDS_H_
