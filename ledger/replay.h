// Replays entries in order and checks what each one may do given those before
// it: signers (signers.h), donors, donations, refunds and corrections, consents. Shared by
// the ledger verifier and, later, the bundle verifier.
// Owned by the verifier; not thread safe.
#ifndef PROBITY_LEDGER_REPLAY_H_
#define PROBITY_LEDGER_REPLAY_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/compact.h"
#include "ledger/entry_facts.h"
#include "ledger/requests.h"
#include "ledger/signers.h"

namespace probity {

class Replay {
 public:
  // Checks `entry` (already validated, at position `seq`) against the state,
  // returns the public key its signature must verify under, and applies it.
  Result<PublicKey> Apply(const EntryFacts& entry);
  Result<PublicKey> Apply(const Json& entry) { return Apply(CopyFacts(entry)); }
  const SignerSet& signers() const { return signers_; }
  std::int64_t donors() const { return static_cast<std::int64_t>(donors_.size()); }

 private:
  [[nodiscard]] Status CheckRecord(const EntryFacts& entry);
  [[nodiscard]] Status CheckPolicyRecord(const Json& entry);

  // `subject`: the entry's, registered (CheckRecord), or kNone if it names none.
  [[nodiscard]] Status CheckCorrection(const EntryFacts& entry, StringTable::Id subject);
  [[nodiscard]] Status CheckRefund(const EntryFacts& entry, StringTable::Id subject);
  // Purposes, consents' purposes and the GDPR request register (replay_gdpr.cc).
  // `entry` is read only for those kinds (EntryFacts keeps theirs).
  [[nodiscard]] Status CheckGdprRecord(const std::string& kind, const Json& entry);
  // donor_corrected, erasure, and what may name an erased subject
  // (replay_subject.cc).
  [[nodiscard]] Status CheckSubjectRecord(const EntryFacts& entry, StringTable::Id subject);
  // One donation as last restated: 40 bytes, strings as ids (a ledger of a
  // million donations keeps a million of these).
  struct Gift {
    std::int64_t amount_minor = 0;  // as last restated
    std::int64_t refunded_minor = 0;
    StringTable::Id subject = StringTable::kNone;   // in donors_; kNone if anonymous
    StringTable::Id currency = StringTable::kNone;  // in names_
    StringTable::Id scope = StringTable::kNone;     // in names_; kNone: no donation here
    PackedDate date = 0;                            // as last restated
    PackedDate first_refund_date = 0;               // 0 if never refunded
  };
  void AddGift(const EntryFacts& entry, StringTable::Id subject);
  void AddObligations(const Json& obligations, std::int64_t donation_seq);
  // The donation at `seq`, or null if there is none.
  Gift* GiftAt(std::int64_t seq);

  SignerSet signers_;
  // The registered subjects (donor_added), each once: looked up for every
  // entry that names one, and the id it gives is the subject in a Gift.
  StringTable donors_;
  std::vector<std::int64_t> erased_;  // by subject id: seq of its erasure, or -1
  StringTable names_;                 // donations' scopes and currencies
  // By seq (a row for every entry up to the last donation): donations come
  // in seq order, and refunds and corrections find theirs without a search.
  std::vector<Gift> gifts_;
  std::map<std::pair<std::string, std::string>, std::int64_t> consents_;  // in force
  std::map<std::string, std::string> packs_;   // adopted pack id -> sha256 hex
  std::set<std::string> scopes_;
  std::set<std::pair<std::int64_t, std::string>> obligations_;  // (donation seq, rule)
  std::set<std::string> purposes_;
  std::map<std::int64_t, RequestRecord> requests_;  // by the request_opened seq
  std::int64_t last_ts_ = 0;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_REPLAY_H_
