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
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/compact.h"
#include "ledger/entry_facts.h"
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
  [[nodiscard]] Status Apply(const EntryFacts& entry);
  [[nodiscard]] Status Apply(const Json& entry) { return Apply(CopyFacts(entry)); }

  std::int64_t decided() const { return decided_; }
  std::int64_t skipped() const { return skipped_; }

 private:
  using Id = StringTable::Id;
  static constexpr Id kNone = StringTable::kNone;

  // One recorded donation as last restated, strings as ids in names_ (48
  // bytes: a bundle of a million donations keeps a million). Its PastGift
  // (identified donors only) lives in its donor's running history, at
  // past_index.
  struct Gift {
    std::int64_t amount_minor = 0;
    std::int64_t refunded_minor = 0;
    Id donor = kNone;  // in donors_; kNone if anonymous
    Id scope = kNone;  // kNone: no donation at this seq
    Id method = kNone;
    Id election = kNone;  // "" if none
    Id nature = kNone;
    PackedDate date = 0;
    std::uint32_t past_index = 0;
  };
  // One donor: the facts a decision reads (donor_added, and the personal data
  // disclosed) and the running history of its gifts in each scope (net of
  // refunds, as corrected, in seq order). A donor gives in few scopes: a
  // linear search.
  struct Donor {
    bool added = false;      // donor_added was applied
    bool disclosed = false;  // else erased: its gifts are not re-decided
    bool has_employer_and_occupation = false;
    Id donor_type = kNone;  // in names_, as the other ids
    Id nationality = kNone;
    Id residence = kNone;
    std::vector<std::pair<Id, std::vector<PastGift>>> gifts;  // by scope
  };
  // A scope: adopted (bound, once scope_added), and its gross per method,
  // kept up to date by every donation and correction.
  using MethodTotals = std::map<std::string, std::int64_t>;  // method -> gross minor units
  struct Scope {
    std::optional<BoundScope> bound;
    MethodTotals totals;
  };

  [[nodiscard]] Status ApplyDonation(const EntryFacts& entry);
  [[nodiscard]] Status ApplyCorrection(const EntryFacts& entry, Gift& gift);
  [[nodiscard]] Status Decide(const EntryFacts& entry, const Gift& gift,
                              const HistoryView& history);
  // The subject's id in donors_ (and donor_), added if it is new.
  Id DonorId(const std::string& subject);
  // The donor's running history in the scope (empty at first).
  std::vector<PastGift>& HistoryOf(Id donor, Id scope);
  // The donation at `seq`, or null if there is none.
  Gift* GiftAt(std::int64_t seq);

  std::map<std::string, Pack> packs_;  // adopted, by id
  // The running state the engine is given, lent by every decision instead of
  // rebuilt: each donor's gifts per scope, each scope's totals per method.
  StringTable donors_;                    // subjects, each once
  std::vector<Donor> donor_;              // by id in donors_
  StringTable names_;                     // scopes, methods, elections, natures, donor facts
  std::unordered_map<Id, Scope> scopes_;  // by scope id in names_ (nodes do not move)
  // By seq (a row for every entry up to the last donation): donations come
  // in seq order, refunds and corrections find theirs without a search.
  std::vector<Gift> gifts_;
  std::int64_t decided_ = 0;
  std::int64_t skipped_ = 0;
};

}  // namespace probity

#endif  // PROBITY_POLICIES_POLICY_REPLAY_H_
