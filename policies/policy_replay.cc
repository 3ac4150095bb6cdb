#include "policies/policy_replay.h"

#include "ledger/assert.h"
#include "policies/donations.h"

namespace probity {
namespace {

const std::string& Str(const Json& e, const char* field) {
  return e[field].get_ref<const std::string&>();
}

Status Failed(const EntryFacts& e, const std::string& why) {
  return Status::VerificationFailed("entry " + std::to_string(e.seq) + ": " + why);
}

// want[field] == the entry's member, an absent member reading as null (as
// Json::value(field, Json()) would), without copying either.
bool SameMember(const Json& want, const Json& recorded, const char* field) {
  static const Json kNull;
  auto w = want.find(field);
  return (w == want.end() ? kNull : *w) == recorded;
}

}  // namespace

void PolicyReplay::Disclose(const std::string& subject, const DonorPii& pii) {
  Donor& d = donor_[DonorId(subject)];
  d.disclosed = true;
  d.nationality = names_.Intern(pii.nationality);
  d.residence = names_.Intern(pii.residence);
  d.has_employer_and_occupation = !pii.employer.empty() && !pii.occupation.empty();
}

PolicyReplay::Id PolicyReplay::DonorId(const std::string& subject) {
  const Id id = donors_.Intern(subject);
  if (id == donor_.size()) donor_.emplace_back();
  return id;
}

std::vector<PastGift>& PolicyReplay::HistoryOf(Id donor, Id scope) {
  auto& by_scope = donor_.at(donor).gifts;
  for (auto& [id, gifts] : by_scope) {
    if (id == scope) return gifts;
  }
  return by_scope.emplace_back(scope, std::vector<PastGift>()).second;
}

PolicyReplay::Gift* PolicyReplay::GiftAt(std::int64_t seq) {
  if (seq < 0 || static_cast<std::uint64_t>(seq) >= gifts_.size()) return nullptr;
  Gift& g = gifts_[static_cast<std::size_t>(seq)];
  return g.scope == kNone ? nullptr : &g;
}

Status PolicyReplay::Apply(const EntryFacts& f) {
  const std::string& kind = f.kind;
  const Json& e = f.entry;  // null for a gift kind: its fields are in `f`
  if (kind == "donation") return ApplyDonation(f);
  if (kind == "refund" || kind == "correction") {
    // The ledger replay has checked that the donation exists and matches.
    Gift* g = GiftAt(f.donation_seq);
    if (g == nullptr) return Failed(f, "names no earlier donation");
    if (kind == "correction") return ApplyCorrection(f, *g);
    g->refunded_minor += f.amount_minor;
    if (g->donor != kNone) {
      HistoryOf(g->donor, g->scope)[g->past_index].net_minor = g->amount_minor - g->refunded_minor;
    }
  } else if (kind == "policy_adopted") {
    Result<Pack> pack = ParsePack(Str(e, "pack_toml"), "ledger entry " + std::to_string(f.seq));
    if (!pack.ok()) return Failed(f, "the adopted pack does not load: " + pack.status().message());
    packs_.emplace(Str(e, "pack_id"), std::move(pack.value()));
  } else if (kind == "scope_added") {
    auto pack = packs_.find(Str(e, "pack_id"));
    if (pack == packs_.end()) return Failed(f, "the scope's pack was not adopted");
    PROBITY_ASSIGN_OR_RETURN(ScopeInfo info, ScopeInfoOf(e));
    const Id id = names_.Intern(info.id);
    scopes_[id].bound = BoundScope{std::move(info), pack->second, f.seq};
  } else if (kind == "donor_added") {
    Donor& d = donor_[DonorId(Str(e, "subject"))];
    d.added = true;
    d.donor_type = names_.Intern(Str(e, "donor_type"));
  }
  return Status::OK();
}

// Decides the gift against the running history as it stands (every earlier
// gift), then adds it.
Status PolicyReplay::ApplyDonation(const EntryFacts& e) {
  static const std::string kGift = "gift";
  Gift g;
  if (!e.subject.empty()) g.donor = DonorId(e.subject);  // else anonymous
  g.scope = names_.Intern(e.scope);
  g.amount_minor = e.amount_minor;
  g.method = names_.Intern(e.method);
  PROBITY_ASSIGN_OR_RETURN(const Date date, ParseDate(e.date));
  g.date = PackDate(date);
  g.election = names_.Intern(e.election);
  g.nature = names_.Intern(e.nature.empty() ? kGift : e.nature);
  MethodTotals& totals = scopes_[g.scope].totals;
  std::vector<PastGift>* past = g.donor == kNone ? nullptr : &HistoryOf(g.donor, g.scope);
  const HistoryView history{past == nullptr ? std::span<const PastGift>() : *past, &totals};
  PROBITY_RETURN_IF_ERROR(Decide(e, g, history));
  totals[names_.Text(g.method)] += g.amount_minor;
  if (past != nullptr) {
    PROBITY_ASSERT(past->size() < UINT32_MAX);
    g.past_index = static_cast<std::uint32_t>(past->size());
    past->push_back(PastGift{g.amount_minor, date, names_.Text(g.election), names_.Text(g.nature)});
  }
  const auto seq = static_cast<std::size_t>(e.seq);  // seq order: at the end
  if (gifts_.size() <= seq) gifts_.resize(seq + 1);
  gifts_[seq] = g;
  return Status::OK();
}

// The restated gift is decided as if the donation had not been given: the
// history without it (a copy: corrections are rare), then the donation's
// place in the running history takes the restated values.
Status PolicyReplay::ApplyCorrection(const EntryFacts& e, Gift& g) {
  Gift restated = g;
  restated.amount_minor = e.amount_minor;
  restated.method = names_.Intern(e.method);
  PROBITY_ASSIGN_OR_RETURN(const Date date, ParseDate(e.date));
  restated.date = PackDate(date);
  MethodTotals& totals = scopes_.at(g.scope).totals;
  MethodTotals totals_without = totals;
  totals_without[names_.Text(g.method)] -= g.amount_minor;
  std::vector<PastGift> past_without;
  std::vector<PastGift>* past = nullptr;
  if (g.donor != kNone) {
    past = &HistoryOf(g.donor, g.scope);
    past_without = *past;
    past_without.erase(past_without.begin() + static_cast<std::ptrdiff_t>(g.past_index));
  }
  PROBITY_RETURN_IF_ERROR(Decide(e, restated, HistoryView{past_without, &totals_without}));
  totals[names_.Text(g.method)] -= g.amount_minor;
  totals[names_.Text(restated.method)] += restated.amount_minor;
  if (past != nullptr) {
    PastGift& p = (*past)[g.past_index];
    p.net_minor = restated.amount_minor - restated.refunded_minor;
    p.date = date;
  }
  g = restated;
  return Status::OK();
}

Status PolicyReplay::Decide(const EntryFacts& e, const Gift& gift, const HistoryView& history) {
  auto scope = scopes_.find(gift.scope);
  if (scope == scopes_.end() || !scope->second.bound.has_value()) {
    return Failed(e,
                  "the gift is for scope " + names_.Text(gift.scope) + ", which was never added");
  }
  const BoundScope& bound = *scope->second.bound;
  DonorFacts donor;
  donor.anonymous = gift.donor == kNone;
  if (!donor.anonymous) {
    const Donor& d = donor_[gift.donor];
    if (!d.disclosed) {  // erased: its facts cannot be read any more
      ++skipped_;
      return Status::OK();
    }
    PROBITY_ASSERT(d.added);  // the ledger replay refuses a gift of a donor never added
    donor.subject = donors_.Text(gift.donor);
    donor.donor_type = names_.Text(d.donor_type);
    donor.nationality = names_.Text(d.nationality);
    donor.residence = names_.Text(d.residence);
    donor.has_employer_and_occupation = d.has_employer_and_occupation;
  }
  GiftFacts facts{gift.amount_minor,          e.currency,
                  names_.Text(gift.method),   UnpackDate(gift.date),
                  names_.Text(gift.election), names_.Text(gift.nature)};
  Result<Decision> d = probity::Decide(bound.pack, bound.info, donor, facts, history);
  if (!d.ok()) return Failed(e, "the gift does not fit its scope: " + d.status().message());
  if (!d->accepted) {
    return Failed(e, "the recorded gift breaks rule " + d->rule_id + " of pack " +
                         bound.info.pack_id + ": " + d->message);
  }
  Json want = Json::object();
  AddDecisionFields(d.value(), want);
  const std::pair<const char*, const Json*> recorded[] = {{"obligations", &e.obligations},
                                                          {"flags", &e.flags}};
  for (const auto& [field, member] : recorded) {
    if (!SameMember(want, *member, field)) {
      return Failed(e, std::string("the recorded ") + field + " are not what pack " +
                           bound.info.pack_id +
                           " decides: " + want.value(field, Json::array()).dump());
    }
  }
  ++decided_;
  return Status::OK();
}

}  // namespace probity
