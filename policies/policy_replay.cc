#include "policies/policy_replay.h"

#include "policies/donations.h"

namespace probity {
namespace {

const std::string& Str(const Json& e, const char* field) {
  return e[field].get_ref<const std::string&>();
}
std::int64_t Int(const Json& e, const char* field) { return e[field].get<std::int64_t>(); }

// An optional string member, or `absent`: no copy of the entry's value.
const std::string& StrOr(const Json& e, const char* field, const std::string& absent) {
  auto it = e.find(field);
  return it == e.end() ? absent : it->get_ref<const std::string&>();
}

Status Failed(const Json& e, const std::string& why) {
  return Status::VerificationFailed("entry " + std::to_string(Int(e, "seq")) + ": " + why);
}

// want[field] == recorded[field], an absent member reading as null (as
// Json::value(field, Json()) would), without copying either.
bool SameMember(const Json& want, const Json& recorded, const char* field) {
  static const Json kNull;
  auto w = want.find(field);
  auto r = recorded.find(field);
  return (w == want.end() ? kNull : *w) == (r == recorded.end() ? kNull : *r);
}

}  // namespace

void PolicyReplay::Disclose(const std::string& subject, const DonorPii& pii) {
  disclosed_[subject] = pii;
}

Status PolicyReplay::Apply(const Json& e) {
  const std::string& kind = Str(e, "kind");
  if (kind == "donation") return ApplyDonation(e);
  if (kind == "refund" || kind == "correction") {
    // The ledger replay has checked that the donation exists and matches.
    auto it = gifts_.find(Int(e, "donation_seq"));
    if (it == gifts_.end()) return Failed(e, "names no earlier donation");
    Gift& g = it->second;
    if (kind == "correction") return ApplyCorrection(e, g);
    g.refunded_minor += Int(e, "amount_minor");
    if (!g.subject.empty()) {
      donor_gifts_.at(g.subject).at(g.scope)[g.past_index].net_minor =
          g.amount_minor - g.refunded_minor;
    }
  } else if (kind == "policy_adopted") {
    Result<Pack> pack =
        ParsePack(Str(e, "pack_toml"), "ledger entry " + std::to_string(Int(e, "seq")));
    if (!pack.ok()) return Failed(e, "the adopted pack does not load: " + pack.status().message());
    packs_.emplace(Str(e, "pack_id"), std::move(pack.value()));
  } else if (kind == "scope_added") {
    auto pack = packs_.find(Str(e, "pack_id"));
    if (pack == packs_.end()) return Failed(e, "the scope's pack was not adopted");
    PROBITY_ASSIGN_OR_RETURN(ScopeInfo info, ScopeInfoOf(e));
    scopes_[info.id] = BoundScope{info, pack->second, Int(e, "seq")};
  } else if (kind == "donor_added") {
    donor_types_[Str(e, "subject")] = Str(e, "donor_type");
  }
  return Status::OK();
}

// Decides the gift against the running history as it stands (every earlier
// gift), then adds it.
Status PolicyReplay::ApplyDonation(const Json& e) {
  static const std::string kNone, kGift = "gift";
  Gift g;
  g.subject = StrOr(e, "subject", kNone);
  g.scope = Str(e, "scope");
  g.amount_minor = Int(e, "amount_minor");
  g.method = Str(e, "method");
  PROBITY_ASSIGN_OR_RETURN(g.date, ParseDate(Str(e, "date")));
  g.election = StrOr(e, "election", kNone);
  g.nature = StrOr(e, "nature", kGift);
  MethodTotals& totals = method_totals_[g.scope];
  std::vector<PastGift>* past = nullptr;
  if (!g.subject.empty()) past = &donor_gifts_[g.subject][g.scope];
  const HistoryView history{past == nullptr ? std::span<const PastGift>() : *past, &totals};
  PROBITY_RETURN_IF_ERROR(Decide(e, g, history));
  totals[g.method] += g.amount_minor;
  if (past != nullptr) {
    g.past_index = past->size();
    past->push_back(PastGift{g.amount_minor, g.date, g.election, g.nature});
  }
  gifts_.emplace_hint(gifts_.end(), Int(e, "seq"), std::move(g));  // seq order: at the end
  return Status::OK();
}

// The restated gift is decided as if the donation had not been given: the
// history without it (a copy: corrections are rare), then the donation's
// place in the running history takes the restated values.
Status PolicyReplay::ApplyCorrection(const Json& e, Gift& g) {
  Gift restated = g;
  restated.amount_minor = Int(e, "amount_minor");
  restated.method = Str(e, "method");
  PROBITY_ASSIGN_OR_RETURN(restated.date, ParseDate(Str(e, "date")));
  MethodTotals& totals = method_totals_.at(g.scope);
  MethodTotals totals_without = totals;
  totals_without[g.method] -= g.amount_minor;
  std::vector<PastGift> past_without;
  std::vector<PastGift>* past = nullptr;
  if (!g.subject.empty()) {
    past = &donor_gifts_.at(g.subject).at(g.scope);
    past_without = *past;
    past_without.erase(past_without.begin() + static_cast<std::ptrdiff_t>(g.past_index));
  }
  PROBITY_RETURN_IF_ERROR(Decide(e, restated, HistoryView{past_without, &totals_without}));
  totals[g.method] -= g.amount_minor;
  totals[restated.method] += restated.amount_minor;
  if (past != nullptr) {
    PastGift& p = (*past)[g.past_index];
    p.net_minor = restated.amount_minor - restated.refunded_minor;
    p.date = restated.date;
  }
  g = std::move(restated);
  return Status::OK();
}

Status PolicyReplay::Decide(const Json& e, const Gift& gift, const HistoryView& history) {
  auto scope = scopes_.find(gift.scope);
  if (scope == scopes_.end()) {
    return Failed(e, "the gift is for scope " + gift.scope + ", which was never added");
  }
  DonorFacts donor;
  donor.anonymous = gift.subject.empty();
  if (!donor.anonymous) {
    auto pii = disclosed_.find(gift.subject);
    if (pii == disclosed_.end()) {  // erased: its facts cannot be read any more
      ++skipped_;
      return Status::OK();
    }
    donor.subject = gift.subject;
    donor.donor_type = donor_types_.at(gift.subject);
    donor.nationality = pii->second.nationality;
    donor.residence = pii->second.residence;
    donor.has_employer_and_occupation =
        !pii->second.employer.empty() && !pii->second.occupation.empty();
  }
  GiftFacts facts{gift.amount_minor, Str(e, "currency"), gift.method,
                  gift.date,         gift.election,      gift.nature};
  Result<Decision> d =
      probity::Decide(scope->second.pack, scope->second.info, donor, facts, history);
  if (!d.ok()) return Failed(e, "the gift does not fit its scope: " + d.status().message());
  if (!d->accepted) {
    return Failed(e, "the recorded gift breaks rule " + d->rule_id + " of pack " +
                         scope->second.info.pack_id + ": " + d->message);
  }
  Json want = Json::object();
  AddDecisionFields(d.value(), want);
  for (const char* field : {"obligations", "flags"}) {
    if (!SameMember(want, e, field)) {
      return Failed(e, std::string("the recorded ") + field + " are not what pack " +
                           scope->second.info.pack_id +
                           " decides: " + want.value(field, Json::array()).dump());
    }
  }
  ++decided_;
  return Status::OK();
}

}  // namespace probity
