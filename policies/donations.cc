#include "policies/donations.h"

#include <map>

#include "ledger/records.h"
#include "ledger/subjects.h"
#include "ledger/vault.h"
#include "policies/scopes.h"

namespace probity {
namespace {

// Type in clear from donor_added; nationality, residence, employer and
// occupation from the sealed personal data in force (the policy needs them):
// LoadDonorIdentity, one query for the registration and its rectifications.
Result<DonorFacts> LoadDonorFacts(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(DonorIdentity identity, LoadDonorIdentity(store, subject));
  DonorFacts d;
  d.subject = subject;
  d.donor_type = std::move(identity.donor_type);
  if (!identity.pii.has_value()) {
    d.identity_erased = true;
    return d;
  }
  d.nationality = identity.pii->nationality;
  d.residence = identity.pii->residence;
  d.has_employer_and_occupation =
      !identity.pii->employer.empty() && !identity.pii->occupation.empty();
  return d;
}

// The donor's gifts in `scope` as they stand, from gift_deltas (Store::DonorGifts, no
// entry decoded), without the donation `skip_seq` (a correction's restated
// gift; -1 for none).
Result<std::vector<PastGift>> DonorPastGifts(Store& store, const std::string& scope,
                                             const std::string& subject,
                                             std::int64_t skip_seq = -1) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<StandingGift> gifts, store.DonorGifts(scope, subject));
  std::vector<PastGift> out;
  out.reserve(gifts.size());
  for (StandingGift& g : gifts) {
    if (g.donation_seq == skip_seq) continue;
    PastGift p;
    p.net_minor = g.net_minor;
    PROBITY_ASSIGN_OR_RETURN(p.date, ParseDate(g.date));
    p.election = std::move(g.election);
    p.nature = std::move(g.nature);
    out.push_back(std::move(p));
  }
  return out;
}

// The donor's earlier gifts in this scope, net of refunds and as corrected,
// and the scope's totals per method for the rules that need them. Reads only
// this donor's gift_deltas rows (Store::DonorGifts) and, for a gift by a
// method some rule totals, one method_totals row: the cost does not grow
// with the size of the ledger. `restated` is the donation a correction
// restates: the decision is taken as if it had not been given.
Result<History> LoadHistory(Store& store, const std::string& subject, const BoundScope& scope,
                            const std::string& gift_method,
                            const DonationRecord* restated = nullptr) {
  History h;
  for (const Rule& rule : scope.pack.rules) {
    // Only a gift by that method can break a method-total rule: others skip the lookup.
    if (rule.type != RuleType::kMethodTotal || rule.method != gift_method ||
        h.scope_method_minor.count(rule.method)) {
      continue;
    }
    // As last corrected, not net of refunds: the latest method_totals row.
    PROBITY_ASSIGN_OR_RETURN(std::int64_t total, store.MethodTotal(scope.info.id, rule.method));
    if (restated != nullptr && restated->method == rule.method) total -= restated->amount_minor;
    h.scope_method_minor[rule.method] = total;
  }
  if (subject.empty()) return h;
  PROBITY_ASSIGN_OR_RETURN(h.donor_gifts, DonorPastGifts(store, scope.info.id, subject,
                                                         restated ? restated->seq : -1));
  return h;
}

Status CheckRequest(const DonationRequest& r) {
  if (r.anonymous != r.subject.empty()) {
    return Status::InvalidArgument("give --donor ID, or --anonymous for an unidentified gift");
  }
  if (!r.anonymous) PROBITY_RETURN_IF_ERROR(ValidateSubjectId(r.subject).WithContext("--donor"));
  PROBITY_RETURN_IF_ERROR(LookupCurrency(r.currency).status());
  if (r.amount_minor <= 0) return Status::InvalidArgument("the amount must be positive");
  PROBITY_RETURN_IF_ERROR(ValidateMethod(r.method));
  return ValidateScopeId(r.scope).WithContext("--scope");
}

Result<Decision> DecideRequest(Store& store, const DonationRequest& r,
                               const DonationRecord* restated = nullptr) {
  PROBITY_RETURN_IF_ERROR(CheckRequest(r));
  PROBITY_ASSIGN_OR_RETURN(BoundScope scope, LoadScope(store, r.scope));
  DonorFacts donor;
  donor.anonymous = r.anonymous;
  if (!r.anonymous) {
    PROBITY_ASSIGN_OR_RETURN(donor, LoadDonorFacts(store, r.subject));
  }
  PROBITY_ASSIGN_OR_RETURN(History history,
                           LoadHistory(store, r.subject, scope, r.method, restated));
  GiftFacts gift{r.amount_minor, r.currency, r.method, r.date, r.election, r.nature};
  return Decide(scope.pack, scope.info, donor, gift, history);
}

}  // namespace

void AddDecisionFields(const Decision& d, Json& fields) {
  Json obligations = Json::array();
  for (const Obligation& o : d.obligations) {
    Json item = {{"rule", o.rule_id}, {"due", FormatDate(o.due)}, {"action", o.action}};
    if (o.cure_minor > 0) item["cure_minor"] = o.cure_minor;
    obligations.push_back(std::move(item));
  }
  if (!obligations.empty()) fields["obligations"] = obligations;
  if (!d.flags.empty()) fields["flags"] = d.flags;
}

namespace {

EntryDraft DonationDraft(const DonationRequest& r, const Decision& d) {
  EntryDraft draft{"donation", Json::object()};
  if (r.anonymous)
    draft.fields["anonymous"] = true;
  else
    draft.fields["subject"] = r.subject;
  draft.fields["amount_minor"] = r.amount_minor;
  draft.fields["currency"] = r.currency;
  draft.fields["method"] = r.method;
  draft.fields["date"] = FormatDate(r.date);
  draft.fields["scope"] = r.scope;
  if (!r.election.empty()) draft.fields["election"] = r.election;
  if (r.nature != "gift") draft.fields["nature"] = r.nature;
  if (r.cap_declared) draft.fields["cap_declared"] = true;
  if (!r.import_ref.empty()) draft.fields["import_ref"] = r.import_ref;
  if (r.import_aggregate_minor > 0) draft.fields["import_aggregate_minor"] = r.import_aggregate_minor;
  if (!r.external_id.empty()) draft.fields["external_id"] = r.external_id;
  if (!r.receipt.empty()) draft.fields["receipt"] = r.receipt;
  AddDecisionFields(d, draft.fields);
  return draft;
}

// The gift as the correction restates it, checked against what already
// happened to it. InvalidArgument when it changes nothing, would leave more
// refunded than given, or dates the gift after its first refund.
Result<DonationRequest> CorrectedRequest(const DonationRecord& d, const CorrectionRequest& c) {
  DonationRequest r;
  r.subject = d.subject;
  r.anonymous = d.subject.empty();
  r.amount_minor = d.amount_minor;
  r.currency = d.currency;
  r.method = d.method;
  PROBITY_ASSIGN_OR_RETURN(r.date, ParseDate(d.date));
  r.scope = d.scope;
  r.election = d.election;
  r.nature = d.nature;
  r.cap_declared = d.cap_declared;
  const std::string what = "donation " + std::to_string(d.seq);
  if (c.amount) {
    if (c.amount->currency_code() != d.currency) {
      return Status::InvalidArgument(what + " is in " + d.currency + "; correct it in " +
                                     d.currency);
    }
    r.amount_minor = c.amount->amount_minor_i64();
  }
  if (c.method) {
    PROBITY_RETURN_IF_ERROR(ValidateMethod(*c.method));
    r.method = *c.method;
  }
  if (c.date) r.date = *c.date;
  if (r.amount_minor == d.amount_minor && r.method == d.method && FormatDate(r.date) == d.date) {
    return Status::InvalidArgument("the correction changes nothing in " + what +
                                   ": give a different --amount, --method or --date");
  }
  PROBITY_ASSIGN_OR_RETURN(Currency currency, LookupCurrency(d.currency));
  if (r.amount_minor < d.refunded_minor) {
    return Status::InvalidArgument(
        Money(d.refunded_minor, currency).ToDisplay() + " of " + what +
        " was already refunded: a gift cannot be corrected below what was refunded");
  }
  if (!d.first_refund_date.empty() && FormatDate(r.date) > d.first_refund_date) {
    return Status::InvalidArgument(what + " was refunded on " + d.first_refund_date +
                                   ": it cannot be dated after its first refund");
  }
  return r;
}

}  // namespace

Result<const BoundScope*> DonationDecider::Scope(const std::string& id) {
  auto it = scopes_.find(id);
  if (it == scopes_.end()) {
    PROBITY_ASSIGN_OR_RETURN(BoundScope scope, LoadScope(store_, id));
    it = scopes_.emplace(id, std::make_unique<BoundScope>(std::move(scope))).first;
  }
  return it->second.get();
}

Result<const std::map<std::string, std::int64_t>*> DonationDecider::Totals(
    const BoundScope& scope, const std::string& method) {
  auto key = std::make_pair(scope.info.id, method);
  auto totals = method_minor_.find(key);
  if (totals == method_minor_.end()) {
    PROBITY_ASSIGN_OR_RETURN(History loaded, LoadHistory(store_, "", scope, method));
    totals = method_minor_.emplace(key, std::move(loaded.scope_method_minor)).first;
  }
  return &totals->second;
}

namespace {

std::size_t HeapBytes(const std::string& s) {
  return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
}

}  // namespace

// What the entry takes, roughly: its map node and LRU node, the strings'
// heap blocks, the gifts' capacity.
void DonationDecider::Count(DonorEntry& entry, const DonorKey& key) {
  constexpr std::size_t kNodeOverhead = 4 * sizeof(void*);
  std::size_t bytes = sizeof(std::pair<const DonorKey, DonorEntry>) + 2 * kNodeOverhead +
                      sizeof(void*) + entry.gifts.capacity() * sizeof(CompactGift);
  bytes += HeapBytes(key.first) + HeapBytes(key.second);
  for (const std::string* s : {&entry.facts.subject, &entry.facts.donor_type,
                               &entry.facts.nationality, &entry.facts.residence}) {
    bytes += HeapBytes(*s);
  }
  cache_bytes_ = cache_bytes_ - entry.bytes + bytes;
  entry.bytes = bytes;
}

DonationDecider::CompactGift DonationDecider::Compact(std::int64_t net_minor, const Date& date,
                                                      const std::string& election,
                                                      const std::string& nature) {
  PROBITY_ASSERT(IsValidDate(date));
  PROBITY_ASSERT(nature == "gift" || nature == "membership-fee");  // the entry schema's
  const StringTable::Id id = elections_->Intern(election);  // "" is 0
  PROBITY_ASSERT(id < (1u << 31));
  CompactGift g;
  g.net_minor = net_minor;
  g.year = static_cast<std::uint32_t>(date.year);
  g.election_and_nature = id << 1 | (nature == "membership-fee" ? 1u : 0u);
  return g;
}

// Adds `gift` to the entry alike in year, election and nature (PastGiftsAlike
// on the compact form), or as a new one; a gift at or under the de-minimis
// amount `small` is never merged, nor merged into. A donor has few entries,
// so a linear search; the vector grows by one, as a doubling would take twice
// the memory.
void DonationDecider::Merge(std::vector<CompactGift>& gifts, const CompactGift& gift,
                            std::optional<std::int64_t> small) {
  const auto merges = [&](std::int64_t net) { return !small.has_value() || net > *small; };
  for (CompactGift& g : gifts) {
    if (merges(gift.net_minor) && merges(g.net_minor) && g.year == gift.year &&
        g.election_and_nature == gift.election_and_nature) {
      g.net_minor += gift.net_minor;
      return;
    }
  }
  gifts.reserve(gifts.size() + 1);
  gifts.push_back(gift);
}

void DonationDecider::Expand(const std::vector<CompactGift>& gifts) {
  past_.resize(gifts.size());  // strings keep their buffers from the last decision
  for (std::size_t i = 0; i < gifts.size(); ++i) {
    const CompactGift& g = gifts[i];
    PastGift& p = past_[i];
    p.net_minor = g.net_minor;
    p.date = Date{static_cast<int>(g.year), 1, 1};  // a decision reads only the year
    p.election = elections_->Text(g.election_and_nature >> 1);
    p.nature = (g.election_and_nature & 1) != 0 ? "membership-fee" : "gift";
  }
}

Result<DonationDecider::DonorEntry*> DonationDecider::Donor(const BoundScope& scope,
                                                           const std::string& subject) {
  DonorKey key(scope.info.id, subject);
  auto it = donors_.find(key);
  if (it != donors_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return &it->second;
  }
  DonorEntry entry;
  PROBITY_ASSIGN_OR_RETURN(entry.facts, LoadDonorFacts(store_, subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<StandingGift> gifts,
                           store_.DonorGifts(scope.info.id, subject));
  entry.de_minimis = DeMinimisMinor(scope.pack);
  for (const StandingGift& g : gifts) {
    PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(g.date));
    Merge(entry.gifts, Compact(g.net_minor, date, g.election, g.nature), entry.de_minimis);
  }
  it = donors_.emplace(std::move(key), std::move(entry)).first;
  lru_.push_front(&it->first);
  it->second.lru = lru_.begin();
  Count(it->second, it->first);
  return &it->second;
}

Result<Decision> DonationDecider::DecideGift(const DonationRequest& r) {
  PROBITY_RETURN_IF_ERROR(CheckRequest(r));
  if (!r.external_id.empty()) PROBITY_RETURN_IF_ERROR(ValidateExternalId(r.external_id));
  PROBITY_ASSIGN_OR_RETURN(const BoundScope* scope, Scope(r.scope));
  DonorFacts anonymous;
  anonymous.anonymous = true;
  const DonorFacts* donor = &anonymous;
  DonorEntry* entry = nullptr;
  if (!r.anonymous) {
    PROBITY_ASSIGN_OR_RETURN(entry, Donor(*scope, r.subject));
    donor = &entry->facts;
  }
  PROBITY_ASSIGN_OR_RETURN(const auto* totals, Totals(*scope, r.method));
  HistoryView history{{}, totals};
  if (entry != nullptr) {
    Expand(entry->gifts);
    history.donor_gifts = past_;
  }
  GiftFacts gift{r.amount_minor, r.currency, r.method, r.date, r.election, r.nature};
  return Decide(scope->pack, scope->info, *donor, gift, history);
}

void DonationDecider::Accepted(const DonationRequest& r, std::int64_t seq) {
  auto totals = method_minor_.find(std::make_pair(r.scope, r.method));
  PROBITY_ASSERT(totals != method_minor_.end());  // DecideGift loaded it
  auto sum = totals->second.find(r.method);
  if (sum != totals->second.end()) sum->second += r.amount_minor;
  if (r.subject.empty()) return;
  auto donor = donors_.find(DonorKey(r.scope, r.subject));
  PROBITY_ASSERT(donor != donors_.end());  // DecideGift loaded it; only Trim() drops one
  Merge(donor->second.gifts, Compact(r.amount_minor, r.date, r.election, r.nature),
        donor->second.de_minimis);
  donor->second.last_seq = seq;
  Count(donor->second, donor->first);
}

Result<Recorded> DonationDecider::Record(AppendBatch& batch, const DonationRequest& r) {
  Recorded out;
  PROBITY_ASSIGN_OR_RETURN(out.decision, DecideGift(r));
  if (!out.decision.accepted) return Status::PolicyViolation(out.decision.message);
  PROBITY_ASSIGN_OR_RETURN(out.seq, batch.Add(DonationDraft(r, out.decision)));
  Accepted(r, out.seq);
  return out;
}

void DonationDecider::Trim(std::int64_t stored_below) {
  // Interned elections are never dropped one by one; a file that names more
  // than elections_max_ distinct ones drops every donor it may, and interns
  // again those the donors kept name.
  const bool reintern = elections_->size() > elections_max_;
  for (auto it = lru_.end(); it != lru_.begin() && (reintern || cache_bytes_ > cache_bytes_max_);) {
    --it;
    auto victim = donors_.find(**it);
    PROBITY_ASSERT(victim != donors_.end());
    if (victim->second.last_seq >= stored_below) continue;  // a gift may still be in flight
    it = lru_.erase(it);  // before the key it points to goes
    cache_bytes_ -= victim->second.bytes;
    donors_.erase(victim);
  }
  if (reintern) Reintern();
}

std::unique_ptr<StringTable> DonationDecider::NewElections() {
  auto table = std::make_unique<StringTable>();
  PROBITY_ASSERT(table->Intern("") == 0);
  return table;
}

void DonationDecider::Reintern() {
  std::unique_ptr<StringTable> kept = NewElections();
  for (auto& [key, donor] : donors_) {
    for (CompactGift& g : donor.gifts) {
      const StringTable::Id id = kept->Intern(elections_->Text(g.election_and_nature >> 1));
      g.election_and_nature = id << 1 | (g.election_and_nature & 1);
    }
  }
  elections_ = std::move(kept);
}

void DonationDecider::Reset() {
  scopes_.clear();
  method_minor_.clear();
  donors_.clear();
  lru_.clear();
  cache_bytes_ = 0;
  elections_ = NewElections();
}

Result<Recorded> RecordDonationInBatch(AppendBatch& batch, const DonationRequest& r) {
  DonationDecider decider(batch.store());
  return decider.Record(batch, r);
}

Result<Recorded> RecordDonation(Ledger& ledger, const NamedKey& key, const DonationRequest& r) {
  Recorded out;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) -> Status {
    DonationDecider decider(batch.store());
    PROBITY_ASSIGN_OR_RETURN(out, decider.Record(batch, r));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return out;
}

Result<Decision> CheckDonation(Ledger& ledger, const DonationRequest& r) {
  return DonationDecider(ledger.store()).DecideGift(r);
}

}  // namespace probity

namespace probity {

Result<Recorded> RecordCorrection(Ledger& ledger, const NamedKey& key, const CorrectionRequest& c) {
  PROBITY_RETURN_IF_ERROR(ValidateReasonText(c.reason).WithContext("--reason"));
  if (c.reason.empty()) {
    return Status::InvalidArgument("say what was wrong, with --reason (no personal data)");
  }
  Recorded out;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) -> Status {
    Result<DonationRecord> donation = LoadDonation(batch.store(), c.donation_seq);
    if (!donation.ok()) {
      if (!donation.status().IsNotFound()) return donation.status();
      return Status::NotFound("entry " + std::to_string(c.donation_seq) +
                              " is not a donation; see `probity donation list`");
    }
    PROBITY_ASSIGN_OR_RETURN(DonationRequest r, CorrectedRequest(donation.value(), c));
    PROBITY_ASSIGN_OR_RETURN(out.decision, DecideRequest(batch.store(), r, &donation.value()));
    if (!out.decision.accepted) return Status::PolicyViolation(out.decision.message);
    EntryDraft draft{"correction", Json::object()};
    draft.fields["donation_seq"] = c.donation_seq;
    if (!r.anonymous) draft.fields["subject"] = r.subject;
    draft.fields["scope"] = r.scope;
    draft.fields["currency"] = r.currency;
    draft.fields["amount_minor"] = r.amount_minor;
    draft.fields["method"] = r.method;
    draft.fields["date"] = FormatDate(r.date);
    draft.fields["reason"] = c.reason;
    AddDecisionFields(out.decision, draft.fields);
    PROBITY_ASSIGN_OR_RETURN(out.seq, batch.Add(draft));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return out;
}

}  // namespace probity
