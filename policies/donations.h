// The treasurer's write path for gifts: every donation is decided by the
// scope's policy pack inside the same write transaction that records it, so
// two processes cannot both slip under a cap. A refusal writes nothing.
#ifndef PROBITY_POLICIES_DONATIONS_H_
#define PROBITY_POLICIES_DONATIONS_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// Decides gifts one after another, as RecordDonation decides one: each
// decision sees the ledger as read through `store` plus every gift this
// decider accepted before it, so a batch decided in one write transaction
// gets the answers the same gifts would get recorded one by one.
//
// It caches what it read: scopes, donors, each donor's gifts per scope and a
// scope's totals per method, and adds the gifts it accepts to them. The
// caches stay right only while nobody else writes to the ledger: keep a
// decider within one write transaction, or Reset() it when another writer may
// have appended (the importer compares the ledger's size between batches).
// Memory grows with the donors and gifts seen: cached_gifts() says how much.
// Not thread safe; `store` must outlive it.
class DonationDecider {
 public:
  explicit DonationDecider(Store& store) : store_(store) {}
  // The decision, nothing written; InvalidArgument / NotFound for a request
  // that cannot be decided (unknown donor or scope, wrong currency...).
  Result<Decision> DecideGift(const DonationRequest& r);
  // Decides; if accepted, adds the donation entry to `batch` and counts it in
  // the histories of later decisions. PolicyViolation (the decision's
  // message) when refused; nothing is added then.
  Result<Recorded> Record(AppendBatch& batch, const DonationRequest& r);
  void Reset();
  std::size_t cached_gifts() const { return cached_gifts_; }

 private:
  Result<const BoundScope*> Scope(const std::string& id);
  struct CachedHistory {
    std::map<std::string, std::int64_t>* totals = nullptr;
    std::vector<PastGift>* gifts = nullptr;  // null for an anonymous gift
  };
  Result<CachedHistory> HistoryFor(const BoundScope& scope, const DonationRequest& r);
  void Accepted(const DonationRequest& r);

  Store& store_;
  std::map<std::string, std::unique_ptr<BoundScope>> scopes_;
  std::map<std::string, DonorFacts> donors_;
  std::map<std::pair<std::string, std::string>, std::vector<PastGift>> gifts_;  // scope, subject
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::int64_t>>
      method_minor_;  // (scope, method) -> the History totals LoadHistory gives for it
  std::size_t cached_gifts_ = 0;
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
