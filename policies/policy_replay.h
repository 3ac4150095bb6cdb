// Re-runs the recorded policy decisions over a stream of entries, in order,
// without a ledger file: the packs are the adopted texts (policy_adopted),
// the scopes their scope_added entries, the donors' facts the donor_added
// entries plus the personal data the caller discloses, and each donor's and
// scope's history the entries before. Every donation and correction must be
// one the engine accepts, carrying exactly the obligations and flags the
// engine gives. This is how an auditor checks that no accepted gift broke a
// cap or rule, with the rules the ledger itself says applied.
// Owned by one verifier; not thread safe.
#ifndef PROBITY_POLICIES_POLICY_REPLAY_H_
#define PROBITY_POLICIES_POLICY_REPLAY_H_

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/vault.h"
#include "policies/scopes.h"

namespace probity {

class PolicyReplay {
 public:
  // The decrypted personal data of `subject` (from a disclosure), needed to
  // re-decide that donor's gifts. A subject without it (erased) has its gifts
  // counted in every aggregate but not re-decided: see skipped().
  void Disclose(const std::string& subject, const DonorPii& pii);

  // Applies one validated entry (entries replayed in seq order, after the
  // ledger replay accepted them). VerificationFailed when a recorded gift or
  // correction is not what the engine decides.
  [[nodiscard]] Status Apply(const Json& entry);

  std::int64_t decided() const { return decided_; }
  std::int64_t skipped() const { return skipped_; }

 private:
  // One recorded donation as last restated. Its PastGift (identified donors
  // only) lives in its donor's running history, at past_index.
  struct Gift {
    std::string subject;  // empty if anonymous
    std::string scope;
    std::string method;
    std::int64_t amount_minor = 0;
    std::int64_t refunded_minor = 0;
    Date date;
    std::string election;
    std::string nature;
    std::size_t past_index = 0;
  };
  using MethodTotals = std::map<std::string, std::int64_t>;  // method -> gross minor units

  [[nodiscard]] Status ApplyDonation(const Json& entry);
  [[nodiscard]] Status ApplyCorrection(const Json& entry, Gift& gift);
  [[nodiscard]] Status Decide(const Json& entry, const Gift& gift, const HistoryView& history);

  std::map<std::string, Pack> packs_;  // adopted, by id
  std::map<std::string, BoundScope> scopes_;
  // By subject, looked up for every gift and never walked in order: hashed,
  // since a sorted map of many donors costs a string comparison per level.
  std::unordered_map<std::string, std::string> donor_types_;
  std::unordered_map<std::string, DonorPii> disclosed_;
  std::map<std::int64_t, Gift> gifts_;  // by donation seq, inserted in increasing seq
  // The running histories the engine is given, kept up to date by every
  // donation, refund and correction so that a decision lends them instead of
  // rebuilding them: each donor's gifts per scope (net of refunds, as
  // corrected, in seq order) and each scope's gross per method.
  // (Nested by subject, then scope: found without building a key per gift.)
  std::unordered_map<std::string, std::map<std::string, std::vector<PastGift>>> donor_gifts_;
  std::map<std::string, MethodTotals> method_totals_;  // by scope
  std::int64_t decided_ = 0;
  std::int64_t skipped_ = 0;
};

}  // namespace probity

#endif  // PROBITY_POLICIES_POLICY_REPLAY_H_
