// The treasurer's write path for gifts: every donation is decided by the
// scope's policy pack inside the same write transaction that records it, so
// two processes cannot both slip under a cap. A refusal writes nothing.
#ifndef PROBITY_POLICIES_DONATIONS_H_
#define PROBITY_POLICIES_DONATIONS_H_

#include <limits>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/compact.h"
#include "ledger/ledger.h"
#include "ledger/money.h"
#include "policies/engine.h"
#include "policies/scopes.h"

namespace probity {

struct DonationRequest {
  std::string subject;  // empty when anonymous
  bool anonymous = false;
  std::int64_t amount_minor = 0;  // positive
  std::string currency;
  std::string method;
  Date date;
  std::string scope;
  std::string election;           // FEC election designation, when the pack needs one
  std::string nature = "gift";    // or membership-fee
  // The donor declared that their gifts to everyone the cap covers (all
  // parties, for loi 88-227 art. 11-4) stay within it: the ledger records the
  // declaration and enforces the part of the cap it can see.
  bool cap_declared = false;
  // Set by imports only: where the gift came from, and the aggregate the
  // imported filing stated for it (reports state it again as filed).
  std::string import_ref = {};
  std::int64_t import_aggregate_minor = 0;  // 0: none
  // The number of the receipt issued to the donor (the CNCCFP's numbered
  // reçu-don in France); empty if none.
  std::string receipt = {};
  // The row id of an import (README, "Importing donations"); empty otherwise.
  std::string external_id = {};
};

// What an accepted decision adds to a donation or correction entry: the
// obligations it creates and the ids of the informational rules that fired.
void AddDecisionFields(const Decision& d, Json& fields);

struct Recorded {
  std::int64_t seq = -1;
  Decision decision;
};

// The default bound of a DonationDecider's per-donor cache (Trim), in bytes
// as the decider counts them (Count): a donor takes a few hundred bytes
// whatever the number of its gifts (they are merged, see below), so the
// bound holds on the order of 100,000 donors (estimated from Count, not
// measured).
constexpr std::size_t kDeciderCacheBytesMax = std::size_t{32} << 20;
// Distinct elections a DonationDecider interns before Trim interns again
// those its cached donors name (tests pass a smaller one).
constexpr std::size_t kDeciderElectionsMax = std::size_t{1} << 16;

// Decides gifts one after another, as RecordDonation decides one: each
// decision sees the ledger as read through `store` plus every gift this
// decider accepted before it, so a batch decided in one write transaction
// gets the answers the same gifts would get recorded one by one.
//
// It caches what it read and adds the gifts it accepts to it. Scopes and each
// scope's totals per method (a few per scope) stay for its whole life. Each
// donor's facts and gifts in a scope are one entry of a cache bounded by
// Trim(): the least recently used donors are dropped and read again from the
// store when needed (Store::DonorGifts). A donor's gifts are kept merged by
// year, election and nature (PastGiftsAlike, policies/engine.h: all that a
// decision reads of them), 16 bytes per merged gift, so a donor's entry stays
// a few hundred bytes however many gifts it holds.
//
// The caches stay right only while nobody else writes to the ledger: keep a
// decider within one write transaction, or Reset() it when another writer may
// have appended (the importer compares the ledger's size between batches).
// Not thread safe; `store` must outlive it.
class DonationDecider {
 public:
  explicit DonationDecider(Store& store, std::size_t cache_bytes_max = kDeciderCacheBytesMax,
                           std::size_t elections_max = kDeciderElectionsMax)
      : store_(store), cache_bytes_max_(cache_bytes_max), elections_max_(elections_max) {}
  // The decision, nothing written; InvalidArgument / NotFound for a request
  // that cannot be decided (unknown donor or scope, wrong currency...).
  Result<Decision> DecideGift(const DonationRequest& r);
  // Decides; if accepted, adds the donation entry to `batch` and counts it in
  // the histories of later decisions. PolicyViolation (the decision's
  // message) when refused; nothing is added then.
  Result<Recorded> Record(AppendBatch& batch, const DonationRequest& r);
  // Drops the least recently used donors until the cache is within its bound
  // (and every donor it may drop if too many distinct elections were
  // interned), keeping those with a gift at or after `stored_below`: the
  // gifts before that seq must be readable through `store` (committed, or
  // stored in the open transaction), the later ones may still wait in the
  // signing pipeline (AppendRun), and a donor dropped with such a gift would
  // come back without it. Between two calls the cache grows by at most what
  // the decisions in between read and accepted.
  void Trim(std::int64_t stored_below = std::numeric_limits<std::int64_t>::max());
  // Forgets everything (another writer appended, or a batch was rolled back).
  void Reset();
  std::size_t cache_bytes() const { return cache_bytes_; }
  std::size_t cached_donors() const { return donors_.size(); }

 private:
  // The donor's past gifts alike in year, election and nature (PastGiftsAlike),
  // in 16 bytes: their nets summed, the election interned.
  struct CompactGift {
    std::int64_t net_minor = 0;
    std::uint32_t year = 0;
    std::uint32_t election_and_nature = 0;  // elections_ id << 1 | membership fee
  };
  using DonorKey = std::pair<std::string, std::string>;  // scope, subject
  struct DonorEntry {
    DonorFacts facts;
    std::vector<CompactGift> gifts;
    std::list<const DonorKey*>::iterator lru;  // its place in lru_
    std::size_t bytes = 0;              // as counted in cache_bytes_
    std::int64_t last_seq = -1;         // of the last gift accepted, -1 if none
    std::optional<std::int64_t> de_minimis;  // the scope's pack's (DeMinimisMinor)
  };

  Result<const BoundScope*> Scope(const std::string& id);
  Result<const std::map<std::string, std::int64_t>*> Totals(const BoundScope& scope,
                                                           const std::string& method);
  // The donor's entry, read from the store if not cached; most recent now.
  Result<DonorEntry*> Donor(const BoundScope& scope, const std::string& subject);
  CompactGift Compact(std::int64_t net_minor, const Date& date, const std::string& election,
                      const std::string& nature);
  static void Merge(std::vector<CompactGift>& gifts, const CompactGift& gift,
                    std::optional<std::int64_t> small);
  // Interns again only the elections the cached gifts name (Trim).
  void Reintern();
  static std::unique_ptr<StringTable> NewElections();  // holding "" as id 0
  void Expand(const std::vector<CompactGift>& gifts);  // into past_
  void Count(DonorEntry& entry, const DonorKey& key);  // updates entry.bytes, cache_bytes_
  void Accepted(const DonationRequest& r, std::int64_t seq);

  Store& store_;
  const std::size_t cache_bytes_max_;
  const std::size_t elections_max_;
  std::map<std::string, std::unique_ptr<BoundScope>> scopes_;
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::int64_t>>
      method_minor_;  // (scope, method) -> the History totals LoadHistory gives for it
  std::map<DonorKey, DonorEntry> donors_;
  std::list<const DonorKey*> lru_;  // keys of donors_, most recent first
  std::size_t cache_bytes_ = 0;
  // Elections named by the cached gifts; id 0 is "" (none). Replaced whole
  // by Reintern.
  std::unique_ptr<StringTable> elections_ = NewElections();
  std::vector<PastGift> past_;  // the gifts lent to one decision, reused
};

// Decides and, if accepted, records. PolicyViolation (with the decision's
// message) when refused; nothing is written then.
Result<Recorded> RecordDonation(Ledger& ledger, const NamedKey& key, const DonationRequest& r);
// The same, inside a caller's write transaction: an import decides and adds
// every gift in one batch, so a refusal leaves nothing written.
Result<Recorded> RecordDonationInBatch(AppendBatch& batch, const DonationRequest& r);
// The same decision, without writing.
Result<Decision> CheckDonation(Ledger& ledger, const DonationRequest& r);

// Restates a donation recorded wrongly. Only the fields given change; the
// restated gift is decided again by the scope's pack as if the original had
// not been given, and the correction carries the new decision's obligations
// and flags, which replace the donation's.
struct CorrectionRequest {
  std::int64_t donation_seq = -1;
  std::optional<Money> amount;  // in the donation's currency
  std::optional<std::string> method;
  std::optional<Date> date;
  std::string reason;  // required: what was wrong, no personal data
};
Result<Recorded> RecordCorrection(Ledger& ledger, const NamedKey& key, const CorrectionRequest& c);

struct OpenObligation {
  std::int64_t donation_seq = 0;
  std::string subject;
  std::string scope;
  std::string rule_id;
  std::string action;
  Date due;
  bool overdue = false;
};
// Obligations of accepted donations not yet resolved: by refunds reaching the
// obligation's cure_minor (the excess over a cap, or the whole gift from a
// donor who may not give) or by an obligation_resolved entry (redesignated,
// reattributed, details received). Overdue ones first.
Result<std::vector<OpenObligation>> ListObligations(Ledger& ledger, const Date& today);
// Records how an obligation was met (redesignated, reattributed, details received).
Result<std::int64_t> ResolveObligation(Ledger& ledger, const NamedKey& key,
                                       std::int64_t donation_seq, const std::string& rule_id,
                                       const std::string& how, const Date& date);

}  // namespace probity

#endif  // PROBITY_POLICIES_DONATIONS_H_
