// Replays entries in order and checks what each one may do given those before
// it: signers (signers.h), donors, donations, refunds and corrections, consents. Shared by
// the ledger verifier and, later, the bundle verifier.
// Owned by the verifier; not thread safe.
#ifndef PROBITY_LEDGER_REPLAY_H_
#define PROBITY_LEDGER_REPLAY_H_

#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "ledger/requests.h"
#include "ledger/signers.h"

namespace probity {

class Replay {
 public:
  // Checks `entry` (already validated, at position `seq`) against the state,
  // returns the public key its signature must verify under, and applies it.
  Result<PublicKey> Apply(const Json& entry);
  const SignerSet& signers() const { return signers_; }
  std::int64_t donors() const { return static_cast<std::int64_t>(donors_.size()); }

 private:
  [[nodiscard]] Status CheckRecord(const Json& entry);
  [[nodiscard]] Status CheckPolicyRecord(const Json& entry);

  [[nodiscard]] Status CheckCorrection(const Json& entry);
  [[nodiscard]] Status CheckRefund(const Json& entry);
  // Purposes, consents' purposes and the GDPR request register (replay_gdpr.cc).
  [[nodiscard]] Status CheckGdprRecord(const Json& entry);
  // donor_corrected, erasure, and what may name an erased subject
  // (replay_subject.cc).
  [[nodiscard]] Status CheckSubjectRecord(const Json& entry);

  struct Gift {
    std::string subject;  // empty if anonymous
    std::string currency;
    std::string scope;
    std::int64_t amount_minor = 0;  // as last restated
    std::int64_t refunded_minor = 0;
    std::string date;               // as last restated
    std::string first_refund_date;  // empty if never refunded
  };
  SignerSet signers_;
  // Looked up for every entry that names a subject, never walked in order:
  // hashed, since a sorted set of many donors costs a string comparison per level.
  std::unordered_set<std::string> donors_;
  std::map<std::string, std::int64_t> erased_;  // subject -> seq of its erasure
  std::map<std::int64_t, Gift> gifts_;          // by seq, inserted in increasing seq
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
