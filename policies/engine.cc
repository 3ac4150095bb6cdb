#include "policies/engine.h"

#include <algorithm>

namespace probity {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Amount(const Pack& pack, std::int64_t minor) {
  return Money(minor, pack.currency).ToDisplay();
}

// Context shared by the rule checks of one decision.
struct Ctx {
  const Pack& pack;
  const ScopeInfo& scope;
  const DonorFacts& donor;
  const GiftFacts& gift;
  const HistoryView& history;
  Decision& out;
  std::string who() const { return donor.anonymous ? "an anonymous donor" : donor.subject; }
};

void Refuse(Ctx& c, const Rule& rule, const std::string& why) {
  c.out.accepted = false;
  c.out.obligations.clear();
  c.out.flags.clear();
  c.out.notes.clear();
  c.out.rule_id = rule.id;
  c.out.source = rule.source;
  c.out.message = why + " (" + rule.source + ").";
}

// A broken rule either refuses the gift or, where the law allows it to be
// kept and cured, accepts it with an obligation due within the rule's deadline.
bool Breach(Ctx& c, const Rule& rule, const std::string& why, std::int64_t cure_minor);

// Most breaches are cured only by giving the whole gift back.
bool Breach(Ctx& c, const Rule& rule, const std::string& why) {
  return Breach(c, rule, why, c.gift.amount_minor);
}

bool Breach(Ctx& c, const Rule& rule, const std::string& why, std::int64_t cure_minor) {
  if (rule.on_breach == OnBreach::kRefuse) {
    Refuse(c, rule, why);
    return true;
  }
  Obligation o{rule.id, rule.action, AddDays(c.gift.date, rule.deadline_days), rule.source,
               cure_minor};
  c.out.notes.push_back("accepted with an obligation: " + why + " (" + rule.source + "); " +
                        rule.action + " by " + FormatDate(o.due) + ".");
  c.out.obligations.push_back(std::move(o));
  return false;
}

bool InWindow(const Rule& rule, const PastGift& past, const GiftFacts& gift) {
  switch (rule.window) {
    case Window::kScope:
    case Window::kCycle: return true;
    case Window::kCalendarYear: return past.date.year == gift.date.year;
    case Window::kElection: return past.election == gift.election;
  }
  return false;
}

bool Counted(const Rule& rule, const std::string& nature) {
  if (rule.counts.empty()) return true;
  return Contains(rule.counts, nature == "membership-fee" ? "membership_fee" : "donation");
}

// Counted(rule, nature) for every nature, decided once per rule instead of
// once per past gift: it depends only on whether the nature is a membership
// fee. (The loops below run over all of a donor's earlier gifts, for every
// gift decided: string comparisons there were the verifier's largest cost.)
struct CountedNatures {
  bool fees;
  bool others;
  explicit CountedNatures(const Rule& rule)
      : fees(Counted(rule, "membership-fee")), others(Counted(rule, "gift")) {}
  bool none() const { return !fees && !others; }
  bool operator()(const std::string& nature) const {
    if (fees == others) return fees;  // the nature does not matter
    return nature == "membership-fee" ? fees : others;
  }
};

// Net total of the donor's earlier gifts that fall in the rule's window.
std::int64_t WindowTotal(const Rule& rule, const Ctx& c) {
  const CountedNatures counted(rule);
  if (counted.none()) return 0;
  std::int64_t total = 0;
  for (const PastGift& p : c.history.donor_gifts) {
    if (InWindow(rule, p, c.gift) && counted(p.nature)) total += p.net_minor;
  }
  return total;
}

std::string WindowLabel(const Rule& rule, const Ctx& c) {
  switch (rule.window) {
    case Window::kCalendarYear: return "in " + std::to_string(c.gift.date.year);
    case Window::kElection: return "for election " + c.gift.election;
    default: return "for " + c.scope.id;
  }
}

bool CheckPeriod(Ctx& c, const Rule& rule) {
  if (c.gift.date >= c.scope.valid_from && c.gift.date <= c.scope.valid_until) return false;
  return Breach(c, rule, "a gift dated " + FormatDate(c.gift.date) +
                             " is outside the financing period of " + c.scope.id + " (" +
                             FormatDate(c.scope.valid_from) + " to " +
                             FormatDate(c.scope.valid_until) + ")");
}

bool CheckEligibility(Ctx& c, const Rule& rule) {
  if (c.donor.anonymous) return false;  // anonymous gifts have their own rule
  if (!Contains(rule.allowed_types, c.donor.donor_type)) {
    std::string allowed;
    for (const std::string& t : rule.allowed_types) allowed += (allowed.empty() ? "" : ", ") + t;
    return Breach(c, rule, c.who() + " is a " + c.donor.donor_type + "; only " + allowed +
                               " may give");
  }
  if (c.donor.donor_type != "person" || rule.countries.empty()) return false;
  if (Contains(rule.countries, c.donor.nationality) || Contains(rule.countries, c.donor.residence)) {
    return false;
  }
  std::string countries;
  for (const std::string& k : rule.countries) countries += (countries.empty() ? "" : " or ") + k;
  return Breach(c, rule, c.who() + " is neither a national of nor resident in " + countries +
                             " (nationality " + (c.donor.nationality.empty() ? "unknown" : c.donor.nationality) +
                             ", residence " + (c.donor.residence.empty() ? "unknown" : c.donor.residence) + ")");
}

bool CheckAnonymous(Ctx& c, const Rule& rule) {
  if (!c.donor.anonymous) return false;
  if (!rule.amount_minor.has_value()) return Breach(c, rule, "anonymous gifts are not accepted");
  if (!rule.method.empty() && c.gift.method != rule.method) {
    return Breach(c, rule, "anonymous gifts are accepted only in " + rule.method);
  }
  if (c.gift.amount_minor <= *rule.amount_minor) return false;
  c.out.max_acceptable_minor = *rule.amount_minor;
  return Breach(c, rule, "an anonymous gift of " + Amount(c.pack, c.gift.amount_minor) +
                             " is over the limit of " + Amount(c.pack, *rule.amount_minor));
}

bool CheckMethodPerGift(Ctx& c, const Rule& rule) {
  if (c.gift.method != rule.method || c.gift.amount_minor <= *rule.amount_minor) return false;
  c.out.max_acceptable_minor = *rule.amount_minor;
  return Breach(c, rule, "a " + rule.method + " gift of " + Amount(c.pack, c.gift.amount_minor) +
                             " is over the limit of " + Amount(c.pack, *rule.amount_minor) +
                             " per gift; pay the rest by cheque, transfer or card");
}

bool CheckCap(Ctx& c, const Rule& rule) {
  if (c.donor.anonymous) return false;
  if (!rule.donor_types.empty() && !Contains(rule.donor_types, c.donor.donor_type)) return false;
  if (!Counted(rule, c.gift.nature)) return false;
  const std::int64_t before = WindowTotal(rule, c);
  const std::int64_t cap = *rule.amount_minor;
  if (before + c.gift.amount_minor <= cap) return false;
  c.out.max_acceptable_minor = std::max<std::int64_t>(0, cap - before);
  const bool refused =
      Breach(c, rule, "a gift of " + Amount(c.pack, c.gift.amount_minor) + " would bring " +
                          c.who() + " to " + Amount(c.pack, before + c.gift.amount_minor) + " " +
                          WindowLabel(rule, c) + ", over the cap of " + Amount(c.pack, cap),
             c.gift.amount_minor - *c.out.max_acceptable_minor);
  if (refused) {
    c.out.message += " At most " + Amount(c.pack, *c.out.max_acceptable_minor) +
                     " can be accepted.";
  }
  return refused;
}

bool CheckMethodTotal(Ctx& c, const Rule& rule) {
  if (c.gift.method != rule.method) return false;
  auto param = c.scope.params_minor.find(rule.scope_param);
  if (param == c.scope.params_minor.end()) return false;
  if (rule.param_at_least_minor.has_value() && param->second < *rule.param_at_least_minor) {
    return false;
  }
  // Floor of percent of the parameter, in exact integers: never rounds the limit up.
  const std::int64_t limit = static_cast<std::int64_t>(
      (static_cast<__int128>(param->second) * rule.percent) / 100);
  const std::map<std::string, std::int64_t>* totals = c.history.scope_method_minor;
  std::int64_t before = 0;
  if (totals != nullptr) {
    auto so_far = totals->find(rule.method);
    if (so_far != totals->end()) before = so_far->second;
  }
  if (before + c.gift.amount_minor <= limit) return false;
  c.out.max_acceptable_minor = std::max<std::int64_t>(0, limit - before);
  return Breach(c, rule, rule.method + " received for " + c.scope.id + " would reach " +
                             Amount(c.pack, before + c.gift.amount_minor) + ", over " +
                             std::to_string(rule.percent) + "% of the " + rule.scope_param +
                             " (" + Amount(c.pack, limit) + ")");
}

// The donor's reportable total in the window with this gift. A payment at or
// under the de-minimis amount is not a donation at all (PPERA s.52(2)(b)), so
// it is neither added to the aggregate nor reportable itself: 0 for such a gift.
std::int64_t ReportableTotal(const Rule& rule, const Ctx& c) {
  const std::optional<std::int64_t> small = DeMinimisMinor(c.pack);
  if (small.has_value() && c.gift.amount_minor <= *small) return 0;
  std::int64_t total = c.gift.amount_minor;
  const CountedNatures counted(rule);
  for (const PastGift& p : c.history.donor_gifts) {
    if (small.has_value() && p.net_minor <= *small) continue;
    if (InWindow(rule, p, c.gift) && counted(p.nature)) total += p.net_minor;
  }
  return total;
}

// Rules that never refuse: they flag the gift (not a donation, itemise,
// reportable) and may add an obligation (best efforts for missing details).
void ApplyInformational(Ctx& c, const Rule& rule) {
  const std::int64_t after = WindowTotal(rule, c) + c.gift.amount_minor;
  if (rule.type == RuleType::kDeMinimis && c.gift.amount_minor <= *rule.amount_minor) {
    c.out.flags.push_back(rule.id);
    c.out.notes.push_back("recorded, but not a donation under " + rule.source + " (" +
                          Amount(c.pack, *rule.amount_minor) + " or less)");
  }
  if (c.donor.anonymous) return;
  if (rule.type == RuleType::kReportingThreshold && ReportableTotal(rule, c) > *rule.amount_minor) {
    c.out.flags.push_back(rule.id);
  }
  if (rule.type == RuleType::kItemisation && after > *rule.amount_minor) {
    c.out.flags.push_back(rule.id);
    if (!c.donor.has_employer_and_occupation) {
      (void)Breach(c, rule, c.who() + " passes " + Amount(c.pack, *rule.amount_minor) + " " +
                                WindowLabel(rule, c) + " and must be itemised, but employer "
                                "or occupation is missing",
                      0);
    }
  }
}

bool Apply(Ctx& c, const Rule& rule) {
  // A rule limited to some donor types does not reach the others (nor
  // anonymous gifts, whose donor's type is unknown).
  if (!rule.donor_types.empty() &&
      (c.donor.anonymous || !Contains(rule.donor_types, c.donor.donor_type))) {
    return false;
  }
  switch (rule.type) {
    case RuleType::kPeriod: return CheckPeriod(c, rule);
    case RuleType::kEligibility: return CheckEligibility(c, rule);
    case RuleType::kAnonymous: return CheckAnonymous(c, rule);
    case RuleType::kMethodPerGift: return CheckMethodPerGift(c, rule);
    case RuleType::kCap: return CheckCap(c, rule);
    case RuleType::kMethodTotal: return CheckMethodTotal(c, rule);
    default: ApplyInformational(c, rule); return false;
  }
}

Status CheckFit(const Pack& pack, const ScopeInfo& scope, const DonorFacts& donor,
                const GiftFacts& gift) {
  if (gift.currency != pack.currency.code) {
    return Status::InvalidArgument("scope " + scope.id + " takes " + pack.currency.code +
                                   " (policy pack " + pack.id + "), not " + gift.currency);
  }
  if (pack.requires_election && gift.election.empty()) {
    return Status::InvalidArgument("scope " + scope.id + " needs the election the gift is for: "
                                   "--election P2026 (primary), G2026 (general), R2026 (runoff)");
  }
  if (!pack.requires_election && !gift.election.empty()) {
    return Status::InvalidArgument("scope " + scope.id + " does not use election designations");
  }
  if (!donor.anonymous && donor.identity_erased) {
    return Status::InvalidArgument(donor.subject + " was erased; a new gift needs a new donor "
                                   "record");
  }
  return Status::OK();
}

}  // namespace

Result<Decision> Decide(const Pack& pack, const ScopeInfo& scope, const DonorFacts& donor,
                        const GiftFacts& gift, const HistoryView& history) {
  PROBITY_RETURN_IF_ERROR(CheckFit(pack, scope, donor, gift));
  Decision out;
  out.accepted = true;
  Ctx c{pack, scope, donor, gift, history, out};
  // Anonymous gifts with no rule allowing them are refused: the law asks for an
  // identified donor everywhere we have a pack for.
  bool anonymous_rule = std::any_of(pack.rules.begin(), pack.rules.end(),
                                    [](const Rule& r) { return r.type == RuleType::kAnonymous; });
  // A payment at or under the de-minimis amount is not a donation at all (PPERA
  // s.52(2)(b)): the rules about who may give do not reach it.
  const std::optional<std::int64_t> small = DeMinimisMinor(pack);
  const bool not_a_donation = small.has_value() && gift.amount_minor <= *small;
  if (donor.anonymous && !anonymous_rule && !not_a_donation) {
    Rule implicit{};
    implicit.id = "identified-donor";
    implicit.source = pack.title + ": donors must be identified";
    Refuse(c, implicit, "anonymous gifts are not accepted under this policy pack");
    return out;
  }
  // A fixed order, whatever the order in the file: the first refusal quoted is
  // the most basic one (period, then who may give, then how, then how much).
  static const RuleType kOrder[] = {
      RuleType::kPeriod,    RuleType::kEligibility, RuleType::kAnonymous,
      RuleType::kMethodPerGift, RuleType::kCap,     RuleType::kMethodTotal,
      RuleType::kDeMinimis, RuleType::kItemisation, RuleType::kReportingThreshold};
  for (RuleType type : kOrder) {
    for (const Rule& rule : pack.rules) {
      if (rule.type != type) continue;
      if (not_a_donation && (type == RuleType::kEligibility || type == RuleType::kAnonymous)) {
        continue;
      }
      if (Apply(c, rule)) return out;
    }
  }
  return out;
}

std::optional<std::int64_t> DeMinimisMinor(const Pack& pack) {
  for (const Rule& r : pack.rules) {
    if (r.type == RuleType::kDeMinimis) return r.amount_minor;
  }
  return std::nullopt;
}

bool PastGiftsAlike(const Pack& pack, const PastGift& a, const PastGift& b) {
  // What InWindow and the rules' nature filters read; and ReportableTotal
  // skips each gift at or under the de-minimis amount on its own.
  const std::optional<std::int64_t> small = DeMinimisMinor(pack);
  if (small.has_value() && (a.net_minor <= *small || b.net_minor <= *small)) return false;
  return a.date.year == b.date.year && a.election == b.election && a.nature == b.nature;
}

}  // namespace probity
