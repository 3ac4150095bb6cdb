// The decision engine: given a pack, a scope, the donor, the gift and the
// donor's history in that scope, decides accept / accept with obligations /
// refuse, quoting the legal source of every rule that fired. A pure function:
// the same inputs give the same decision, so an auditor can re-run it.
#ifndef PROBITY_POLICIES_ENGINE_H_
#define PROBITY_POLICIES_ENGINE_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "policies/pack.h"

namespace probity {

struct ScopeInfo {
  std::string id;
  std::string pack_id;
  Date valid_from;
  Date valid_until;
  std::map<std::string, std::int64_t> params_minor;  // e.g. spending_ceiling
};

struct DonorFacts {
  bool anonymous = false;
  std::string subject;     // empty when anonymous
  std::string donor_type;  // person, legal-person, ...
  std::string nationality;
  std::string residence;
  bool has_employer_and_occupation = false;
  bool identity_erased = false;
};

struct GiftFacts {
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string method;
  Date date;
  std::string election;  // e.g. P2026; empty if none
  std::string nature = "gift";  // or membership-fee
};

// One earlier gift of the same donor in the same scope, net of its refunds.
//
// Decide reads of a past gift only its net, the year of its date, its
// election and its nature (a rule's window is the scope, the calendar year
// or the election; a rule counts some natures). So gifts alike in those
// (PastGiftsAlike) decide the same merged into one with their nets summed,
// except a gift at or under the pack's de-minimis amount: the reporting
// threshold leaves out each such gift on its own (PPERA s.52(2)(b)), so it
// is never merged. That keeps a donor's history in the import's cache a few
// entries long (policies/donations.h). tests/policies/engine_model_test.cc
// holds Decide to it; a rule that reads more of a past gift must change
// PastGiftsAlike.
struct PastGift {
  std::int64_t net_minor = 0;
  Date date;
  std::string election;
  std::string nature = "gift";
};
bool PastGiftsAlike(const Pack& pack, const PastGift& a, const PastGift& b);
// The pack's de-minimis amount (a kDeMinimis rule's), if it has one.
std::optional<std::int64_t> DeMinimisMinor(const Pack& pack);

// What a decision reads of the past, without owning it: whoever keeps the
// history (the policy replay's running one, a caller's History) lends it for
// one call, and it must not change during that call.
struct HistoryView {
  std::span<const PastGift> donor_gifts;  // this donor, this scope
  // Gross per method, whole scope; null when no rule needs it (same as empty).
  const std::map<std::string, std::int64_t>* scope_method_minor = nullptr;
};

struct History {
  std::vector<PastGift> donor_gifts;                     // this donor, this scope
  std::map<std::string, std::int64_t> scope_method_minor;  // gross per method, whole scope
  HistoryView View() const { return HistoryView{donor_gifts, &scope_method_minor}; }
};

struct Obligation {
  std::string rule_id;
  std::string action;
  Date due;
  std::string source;
  // What a refund must reach to cure it: the excess over a cap, or the whole
  // gift from a donor who may not give. 0 when money does not cure it (best
  // efforts to obtain missing details).
  std::int64_t cure_minor = 0;
};

struct Decision {
  bool accepted = false;
  std::string rule_id;    // the refusing rule
  std::string source;     // its legal source
  std::string message;    // full sentence for the treasurer, quoting the source
  std::optional<std::int64_t> max_acceptable_minor;
  std::vector<Obligation> obligations;
  std::vector<std::string> flags;  // ids of informational rules that fired
  std::vector<std::string> notes;  // messages for accepted gifts
};

// InvalidArgument for a gift that does not fit the scope at all (currency,
// missing or unexpected election designation); otherwise a Decision.
Result<Decision> Decide(const Pack& pack, const ScopeInfo& scope, const DonorFacts& donor,
                        const GiftFacts& gift, const HistoryView& history);
inline Result<Decision> Decide(const Pack& pack, const ScopeInfo& scope, const DonorFacts& donor,
                               const GiftFacts& gift, const History& history) {
  return Decide(pack, scope, donor, gift, history.View());
}

}  // namespace probity

#endif  // PROBITY_POLICIES_ENGINE_H_
