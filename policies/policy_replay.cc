#include "policies/policy_replay.h"

#include "policies/donations.h"

namespace probity {
namespace {

std::string Str(const Json& e, const char* field) { return e[field].get<std::string>(); }
std::int64_t Int(const Json& e, const char* field) { return e[field].get<std::int64_t>(); }

Status Failed(const Json& e, const std::string& why) {
  return Status::VerificationFailed("entry " + std::to_string(Int(e, "seq")) + ": " + why);
}

}  // namespace

void PolicyReplay::Disclose(const std::string& subject, const DonorPii& pii) {
  disclosed_[subject] = pii;
}

Status PolicyReplay::Apply(const Json& e) {
  const std::string kind = Str(e, "kind");
  if (kind == "policy_adopted") {
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
  } else if (kind == "donation") {
    Gift g;
    g.subject = e.value("subject", "");
    g.scope = Str(e, "scope");
    g.amount_minor = Int(e, "amount_minor");
    g.method = Str(e, "method");
    PROBITY_ASSIGN_OR_RETURN(g.date, ParseDate(Str(e, "date")));
    g.election = e.value("election", "");
    g.nature = e.value("nature", "gift");
    PROBITY_RETURN_IF_ERROR(Decide(e, g, -1));
    const std::int64_t seq = Int(e, "seq");
    if (!g.subject.empty()) by_donor_scope_[{g.subject, g.scope}].push_back(seq);
    method_totals_[{g.scope, g.method}] += g.amount_minor;
    gifts_.emplace(seq, std::move(g));
  } else if (kind == "refund" || kind == "correction") {
    // The ledger replay has checked that the donation exists and matches.
    auto it = gifts_.find(Int(e, "donation_seq"));
    if (it == gifts_.end()) return Failed(e, "names no earlier donation");
    Gift& g = it->second;
    if (kind == "refund") {
      g.refunded_minor += Int(e, "amount_minor");
      return Status::OK();
    }
    Gift restated = g;
    restated.amount_minor = Int(e, "amount_minor");
    restated.method = Str(e, "method");
    PROBITY_ASSIGN_OR_RETURN(restated.date, ParseDate(Str(e, "date")));
    PROBITY_RETURN_IF_ERROR(Decide(e, restated, it->first));
    method_totals_[{g.scope, g.method}] -= g.amount_minor;
    method_totals_[{g.scope, restated.method}] += restated.amount_minor;
    g = std::move(restated);
  }
  return Status::OK();
}

// The history the engine saw when the gift was recorded: the donor's earlier
// gifts in the scope net of refunds, the scope's gifts per method, both as
// corrected, leaving out the donation a correction restates.
History PolicyReplay::HistoryFor(const Gift& gift, std::int64_t restated_seq) const {
  History h;
  for (const auto& [key, total] : method_totals_) {
    if (key.first != gift.scope) continue;
    h.scope_method_minor[key.second] = total;
  }
  if (restated_seq >= 0) {
    const Gift& old = gifts_.at(restated_seq);
    h.scope_method_minor[old.method] -= old.amount_minor;
  }
  if (gift.subject.empty()) return h;
  auto seqs = by_donor_scope_.find({gift.subject, gift.scope});
  if (seqs == by_donor_scope_.end()) return h;
  for (std::int64_t seq : seqs->second) {
    if (seq == restated_seq) continue;
    const Gift& g = gifts_.at(seq);
    h.donor_gifts.push_back(
        PastGift{g.amount_minor - g.refunded_minor, g.date, g.election, g.nature});
  }
  return h;
}

Status PolicyReplay::Decide(const Json& e, const Gift& gift, std::int64_t restated_seq) {
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
  Result<Decision> d = probity::Decide(scope->second.pack, scope->second.info, donor, facts,
                                       HistoryFor(gift, restated_seq));
  if (!d.ok()) return Failed(e, "the gift does not fit its scope: " + d.status().message());
  if (!d->accepted) {
    return Failed(e, "the recorded gift breaks rule " + d->rule_id + " of pack " +
                         scope->second.info.pack_id + ": " + d->message);
  }
  Json want = Json::object();
  AddDecisionFields(d.value(), want);
  for (const char* field : {"obligations", "flags"}) {
    if (want.value(field, Json()) != e.value(field, Json())) {
      return Failed(e, std::string("the recorded ") + field + " are not what pack " +
                           scope->second.info.pack_id +
                           " decides: " + want.value(field, Json::array()).dump());
    }
  }
  ++decided_;
  return Status::OK();
}

}  // namespace probity
