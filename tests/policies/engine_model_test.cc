// Decide() against a small reference model written here from the rules as
// data (RULES.md), independently of engine.cc, over thousands of random
// donation streams: a few donors of random types, nationalities and
// residences; amounts around the caps and cash limits; methods, dates over two
// years, election designations, membership fees; and refunds of earlier
// accepted gifts. Each step feeds Decide() the history the stream implies
// (accepted gifts only, net of refunds) and compares the decision, the rule,
// the amount that could be accepted and the obligations with the model's.
// The seed is printed; set PROBITY_MODEL_SEED to replay one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "policies/engine.h"
#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

using testing::D;
using testing::ShippedPack;

enum class Win { kScope, kYear, kElection };

// One pack's rules as the model reads them: straight from RULES.md.
struct Model {
  std::string pack_id;
  std::string currency;
  bool elections = false;      // gifts name P/G/R2026
  std::int64_t cap_minor = 0;  // per natural person per window
  Win window = Win::kScope;
  std::string cap_id;
  int cap_cure_days = 0;             // 0: refused; else accepted with an obligation
  std::vector<std::string> allowed;  // donor types
  std::string country;               // a person's nationality or residence
  std::string donors_id;
  std::int64_t cash_gift_minor = 0;  // 0: no per-gift cash limit
  std::string cash_id;
  std::int64_t anon_cash_minor = 0;  // 0: anonymous refused ("identified-donor")
  std::string anon_id = "identified-donor";
  bool period = false;             // gifts only within the scope's dates
  bool cash_total = false;         // 20% of the ceiling, when it is 15,000.00 or more
  std::int64_t itemise_minor = 0;  // 0: none; else a cycle aggregate over it is itemised
  Date first_day;                  // dates are drawn over two years from here
  int steps = 60;                  // events per stream
  int cash_percent = 35;           // share of gifts in cash
};

void PrintTo(const Model& m, std::ostream* os) { *os << m.pack_id; }

Model FrCandidate() {
  Model m;
  m.pack_id = "fr-candidate-2027-presidential";
  m.currency = "EUR";
  m.cap_minor = 460000;
  m.cap_id = "L52-8-cap";
  m.allowed = {"person", "party"};
  m.country = "FR";
  m.donors_id = "L52-8-donors";
  m.cash_gift_minor = 15000;
  m.cash_id = "L52-8-cash-gift";
  m.period = true;
  m.cash_total = true;
  m.first_day = D("2026-01-01");
  m.steps = 240;  // long enough for the cash total to reach 20% of a 15,000.00 ceiling
  m.cash_percent = 60;
  return m;
}

Model FrParty() {
  Model m;
  m.pack_id = "fr-party-annual";
  m.currency = "EUR";
  m.cap_minor = 750000;
  m.window = Win::kYear;
  m.cap_id = "11-4-cap";
  m.allowed = {"person", "party"};
  m.country = "FR";
  m.donors_id = "11-4-donors";
  m.first_day = D("2026-01-01");
  return m;
}

Model UsFec() {
  Model m;
  m.pack_id = "us-fec-2025-2026-candidate";
  m.currency = "USD";
  m.elections = true;
  m.cap_minor = 350000;
  m.window = Win::kElection;
  m.cap_id = "30116-cap";
  m.cap_cure_days = 60;
  m.allowed = {"person"};
  m.country = "US";
  m.donors_id = "prohibited-sources";
  m.cash_gift_minor = 10000;
  m.cash_id = "110.4-cash";
  m.anon_cash_minor = 5000;
  m.anon_id = "110.4-anonymous";
  m.itemise_minor = 20000;
  m.first_day = D("2025-01-01");
  return m;
}

struct Accepted {
  int donor = -1;  // -1: anonymous
  PastGift gift;
  std::string method;
  std::int64_t amount_minor = 0;
};

struct Expected {
  bool accepted = true;
  std::string rule_id;
  std::optional<std::int64_t> max_minor;
  std::vector<std::pair<std::string, Date>> obligations;
};

bool Has(const std::vector<std::string>& v, const std::string& s) {
  for (const std::string& x : v) {
    if (x == s) return true;
  }
  return false;
}

// The model's decision. Rules are tried in the documented order: period, who
// may give, anonymity, cash per gift, cap, cash in total, then itemisation.
Expected ModelDecide(const Model& m, const ScopeInfo& scope, const DonorFacts& donor,
                     const GiftFacts& g, const std::vector<Accepted>& book, int donor_index) {
  Expected e;
  auto refuse = [&e](const std::string& id, std::optional<std::int64_t> max = std::nullopt) {
    e.accepted = false;
    e.rule_id = id;
    e.max_minor = max;
    e.obligations.clear();
    return e;
  };
  if (donor.anonymous && m.anon_cash_minor == 0) return refuse("identified-donor");
  if (m.period && (g.date < scope.valid_from || scope.valid_until < g.date)) {
    return refuse("L52-4-period");
  }
  if (!donor.anonymous) {
    if (!Has(m.allowed, donor.donor_type)) return refuse(m.donors_id);
    if (donor.donor_type == "person" && donor.nationality != m.country &&
        donor.residence != m.country) {
      return refuse(m.donors_id);
    }
  } else {
    if (g.method != "cash") return refuse(m.anon_id);
    if (g.amount_minor > m.anon_cash_minor) return refuse(m.anon_id, m.anon_cash_minor);
  }
  if (m.cash_gift_minor > 0 && g.method == "cash" && g.amount_minor > m.cash_gift_minor) {
    return refuse(m.cash_id, m.cash_gift_minor);
  }
  std::int64_t window_minor = 0;
  std::int64_t cycle_minor = 0;
  std::int64_t cash_minor = 0;
  for (const Accepted& a : book) {
    if (a.method == "cash") cash_minor += a.amount_minor;
    if (a.donor != donor_index || donor.anonymous) continue;
    cycle_minor += a.gift.net_minor;
    const bool same = m.window == Win::kScope ||
                      (m.window == Win::kYear && a.gift.date.year == g.date.year) ||
                      (m.window == Win::kElection && a.gift.election == g.election);
    if (same) window_minor += a.gift.net_minor;
  }
  if (!donor.anonymous && donor.donor_type == "person" &&
      window_minor + g.amount_minor > m.cap_minor) {
    const std::int64_t room = std::max<std::int64_t>(0, m.cap_minor - window_minor);
    if (m.cap_cure_days == 0) return refuse(m.cap_id, room);
    e.max_minor = room;
    e.obligations.push_back({m.cap_id, AddDays(g.date, m.cap_cure_days)});
  }
  const std::int64_t ceiling =
      scope.params_minor.count("spending_ceiling") ? scope.params_minor.at("spending_ceiling") : 0;
  if (m.cash_total && g.method == "cash" && ceiling >= 1500000) {
    const std::int64_t limit = ceiling / 5;  // 20%, rounded down
    if (cash_minor + g.amount_minor > limit) {
      return refuse("L52-8-cash-total", std::max<std::int64_t>(0, limit - cash_minor));
    }
  }
  if (m.itemise_minor > 0 && !donor.anonymous && cycle_minor + g.amount_minor > m.itemise_minor &&
      !donor.has_employer_and_occupation) {
    e.obligations.push_back({"30104-itemise", AddDays(g.date, 30)});
  }
  return e;
}

// ---- The random streams ----------------------------------------------------

class Stream {
 public:
  Stream(const Model& m, std::mt19937& rng) : m_(m), rng_(rng) {}

  std::int64_t Uniform(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Uniform(0, static_cast<std::int64_t>(v.size()) - 1))];
  }

  DonorFacts NewDonor(int i) {
    static const std::vector<std::string> kTypes = {"legal-person", "party", "union", "association",
                                                    "foreign-state"};
    static const std::vector<std::string> kCountries = {"FR", "US", "DE", "GB"};
    DonorFacts d;
    d.subject = "S-model-" + std::to_string(i);
    d.donor_type = Chance(75) ? "person" : Pick(kTypes);
    d.nationality = Chance(50) ? m_.country : Pick(kCountries);
    d.residence = Chance(50) ? m_.country : Pick(kCountries);
    d.has_employer_and_occupation = Chance(50);
    return d;
  }

  // Amounts cluster on the edges: the room left under the cap, the cash
  // limits, the itemisation threshold; the rest are spread out.
  std::int64_t Amount(std::int64_t room, const std::string& method) {
    const std::int64_t jitter = Uniform(-1, 1);
    const int mode = static_cast<int>(Uniform(0, 9));
    std::int64_t a = 0;
    if (mode <= 2 && room > 0)
      a = room + jitter;
    else if (mode <= 4 && method == "cash")
      a = (Chance(50) ? 15000 : 10000) + jitter;
    else if (mode == 5)
      a = (Chance(50) ? 5000 : 20000) + jitter;
    else if (mode == 6)
      a = Uniform(1, m_.cap_minor);
    else if (method == "cash")
      a = Uniform(5000, 15001);
    else
      a = Uniform(1, 60000);
    return std::max<std::int64_t>(1, a);
  }

 private:
  const Model& m_;
  std::mt19937& rng_;
};

std::string Describe(const DonorFacts& d, const GiftFacts& g, const Expected& e,
                     const Decision& got) {
  std::ostringstream out;
  out << (d.anonymous ? "anonymous"
                      : d.subject + " " + d.donor_type + " " + d.nationality + "/" + d.residence)
      << " gives " << g.amount_minor << " " << g.method << " " << FormatDate(g.date) << " "
      << g.election << " " << g.nature << "; model: " << (e.accepted ? "accept" : "refuse") << " "
      << e.rule_id << " max " << e.max_minor.value_or(-1)
      << "; engine: " << (got.accepted ? "accept" : "refuse") << " " << got.rule_id << " max "
      << got.max_acceptable_minor.value_or(-1) << " (" << got.message << ")";
  return out.str();
}

bool SameObligations(const Expected& e, const Decision& d) {
  if (e.obligations.size() != d.obligations.size()) return false;
  for (std::size_t i = 0; i < d.obligations.size(); ++i) {
    if (e.obligations[i].first != d.obligations[i].rule_id) return false;
    if (e.obligations[i].second != d.obligations[i].due) return false;
  }
  return true;
}

struct Stats {
  std::int64_t compared = 0;
  std::map<std::string, std::int64_t> outcomes;  // refusing rule or obligation id; "accepted"
};

// What Decide says with the donor's gifts merged as the import's cache keeps
// them (PastGiftsAlike, engine.h) that it does not say with them one by one;
// empty if the two decisions are the same in every field.
std::string MergedDiffers(const Pack& pack, const ScopeInfo& scope, const DonorFacts& donor,
                          const GiftFacts& g, const History& h, const Decision& want) {
  History merged;
  merged.scope_method_minor = h.scope_method_minor;
  for (const PastGift& p : h.donor_gifts) {
    auto alike = std::find_if(merged.donor_gifts.begin(), merged.donor_gifts.end(),
                              [&](const PastGift& q) { return PastGiftsAlike(pack, p, q); });
    if (alike == merged.donor_gifts.end()) {
      merged.donor_gifts.push_back(p);
    } else {
      alike->net_minor += p.net_minor;
    }
  }
  Result<Decision> got = Decide(pack, scope, donor, g, merged);
  if (!got.ok()) return got.status().ToString();
  const Decision& d = got.value();
  std::ostringstream out;
  if (d.accepted != want.accepted || d.rule_id != want.rule_id || d.source != want.source ||
      d.message != want.message || d.max_acceptable_minor != want.max_acceptable_minor ||
      d.flags != want.flags || d.notes != want.notes ||
      d.obligations.size() != want.obligations.size()) {
    out << "merged: " << (d.accepted ? "accepted " : "refused ") << d.rule_id << " "
        << d.message << " / one by one: " << (want.accepted ? "accepted " : "refused ")
        << want.rule_id << " " << want.message;
  }
  for (std::size_t i = 0; out.tellp() == 0 && i < d.obligations.size(); ++i) {
    const Obligation& a = d.obligations[i];
    const Obligation& b = want.obligations[i];
    if (a.rule_id != b.rule_id || a.action != b.action || !(a.due == b.due) ||
        a.source != b.source || a.cure_minor != b.cure_minor) {
      out << "obligation " << i << ": " << a.rule_id << " / " << b.rule_id;
    }
  }
  return out.str();
}

// Runs `streams` streams of `steps` events; stops at the first disagreement.
Stats RunModel(const Model& m, std::uint32_t seed, int streams, int steps) {
  const Pack& pack = ShippedPack(m.pack_id);
  std::mt19937 rng(seed);
  Stats stats;
  static const std::vector<std::string> kMethods = {"cash", "cheque", "transfer", "card"};
  static const std::vector<std::string> kElections = {"P2026", "G2026", "R2026"};
  static const std::vector<std::string> kCeilings = {"14999.99", "15000.00", "16000.00"};
  for (int s = 0; s < streams; ++s) {
    Stream st(m, rng);
    ScopeInfo scope{"model", m.pack_id, pack.valid_from, pack.valid_until, {}};
    if (m.period) {
      scope.valid_from = D("2026-04-01");
      scope.valid_until = D("2027-06-30");
      scope.params_minor["spending_ceiling"] = testing::Minor(st.Pick(kCeilings).c_str());
    }
    std::vector<DonorFacts> donors;
    for (int i = 0; i < 4; ++i) donors.push_back(st.NewDonor(i));
    std::vector<Accepted> book;
    for (int step = 0; step < steps; ++step) {
      if (!book.empty() && st.Chance(12)) {  // a refund of an earlier accepted gift
        Accepted& a = book[static_cast<std::size_t>(
            st.Uniform(0, static_cast<std::int64_t>(book.size()) - 1))];
        if (a.gift.net_minor > 0) {
          a.gift.net_minor -= st.Chance(50) ? a.gift.net_minor : st.Uniform(1, a.gift.net_minor);
        }
        continue;
      }
      const int who = st.Chance(6) ? -1 : static_cast<int>(st.Uniform(0, 3));
      DonorFacts donor;
      donor.anonymous = true;
      if (who >= 0) donor = donors[static_cast<std::size_t>(who)];
      GiftFacts g;
      g.currency = m.currency;
      g.method = st.Chance(m.cash_percent) ? "cash" : st.Pick(kMethods);
      g.date = AddDays(m.first_day, st.Uniform(0, 729));
      if (m.elections) g.election = st.Pick(kElections);
      if (m.window == Win::kYear && st.Chance(25)) g.nature = "membership-fee";
      // The room left under the cap, as the model sees it, for drawing amounts near it.
      std::int64_t room = m.cap_minor;
      for (const Accepted& a : book) {
        if (a.donor == who && who >= 0) room -= a.gift.net_minor;
      }
      g.amount_minor = st.Amount(room, g.method);
      History h;
      for (const Accepted& a : book) {
        if (m.cash_total && a.method == "cash") h.scope_method_minor["cash"] += a.amount_minor;
        if (who >= 0 && a.donor == who) h.donor_gifts.push_back(a.gift);
      }
      if (m.cash_total && h.scope_method_minor.count("cash") == 0) h.scope_method_minor["cash"] = 0;
      const Expected e = ModelDecide(m, scope, donor, g, book, who);
      Result<Decision> got = Decide(pack, scope, donor, g, h);
      if (!got.ok()) {
        ADD_FAILURE() << "seed " << seed << " stream " << s << " step " << step << ": "
                      << got.status().ToString();
        return stats;
      }
      ++stats.compared;
      const Decision& d = got.value();
      const std::string merged_diff = MergedDiffers(pack, scope, donor, g, h, d);
      if (!merged_diff.empty()) {
        ADD_FAILURE() << m.pack_id << " seed " << seed << " stream " << s << " step " << step
                      << ": the history merged by PastGiftsAlike decides otherwise: "
                      << merged_diff;
        return stats;
      }
      if (d.accepted != e.accepted || d.rule_id != e.rule_id ||
          d.max_acceptable_minor != e.max_minor || !SameObligations(e, d)) {
        ADD_FAILURE() << m.pack_id << " seed " << seed << " stream " << s << " step " << step
                      << ": " << Describe(donor, g, e, d);
        return stats;
      }
      ++stats.outcomes[d.accepted ? "accepted" : d.rule_id];
      for (const Obligation& o : d.obligations) ++stats.outcomes[o.rule_id];
      if (d.accepted) {
        PastGift p{g.amount_minor, g.date, g.election, g.nature};
        book.push_back(Accepted{who, p, g.method, g.amount_minor});
      }
    }
  }
  return stats;
}

std::uint32_t Seed() {
  const char* env = std::getenv("PROBITY_MODEL_SEED");
  if (env != nullptr && *env != '\0') {
    return static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10));
  }
  return std::random_device{}();
}

class EngineModel : public ::testing::TestWithParam<Model> {};

TEST_P(EngineModel, AgreesWithTheReferenceModel) {
  const std::uint32_t seed = Seed();
  std::cout << "[ seed     ] PROBITY_MODEL_SEED=" << seed << " (" << GetParam().pack_id << ")\n";
  RecordProperty("seed", std::to_string(seed));
  const Model& m = GetParam();
  const Stats stats = RunModel(m, seed, 2000, m.steps);
  EXPECT_GT(stats.compared, 2000 * m.steps * 2 / 3);
  // The streams must reach every edge the model knows, else agreement means little.
  std::vector<std::string> edges = {"accepted", "identified-donor", m.cap_id, m.donors_id};
  if (m.cash_gift_minor > 0) edges.push_back(m.cash_id);
  if (m.anon_cash_minor > 0) edges.push_back(m.anon_id);
  if (m.period) edges.push_back("L52-4-period");
  if (m.cash_total) edges.push_back("L52-8-cash-total");
  if (m.itemise_minor > 0) edges.push_back("30104-itemise");
  if (m.anon_cash_minor > 0) edges.erase(edges.begin() + 1);
  for (const std::string& edge : edges) {
    EXPECT_GT(stats.outcomes.count(edge) ? stats.outcomes.at(edge) : 0, 20) << edge;
  }
}

// Merged histories decide as the gifts one by one under the pack with a
// de-minimis amount, which the reference models above do not cover: past
// gifts drawn around 500 GBP (some merge, some must not) and gifts that
// cross the reporting thresholds counted gift by gift.
TEST(EngineMerge, MergedHistoriesDecideAsOneByOneUnderTheDeMinimis) {
  const std::uint32_t seed = Seed();
  std::cout << "[ seed     ] PROBITY_MODEL_SEED=" << seed << " (merge, uk-ppera-party)\n";
  const Pack& pack = ShippedPack("uk-ppera-party");
  ScopeInfo scope{"uk", "uk-ppera-party", pack.valid_from, pack.valid_until, {}};
  DonorFacts donor;
  donor.subject = "S-0123456789abcdef";
  donor.donor_type = "person";
  donor.nationality = "GB";
  donor.residence = "GB";
  donor.has_employer_and_occupation = true;
  std::mt19937 rng(seed);
  const auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::int64_t span = DaysFromCivil(D("2027-12-31")) - DaysFromCivil(D("2026-01-01"));
  const auto day = [&] { return AddDays(D("2026-01-01"), uniform(0, span)); };
  int flagged = 0;
  for (int s = 0; s < 4000; ++s) {
    History h;
    for (std::int64_t i = uniform(0, 12); i > 0; --i) {
      PastGift p;
      const std::int64_t kind = uniform(0, 3);
      p.net_minor = kind == 0 ? uniform(0, 60000) : kind == 1 ? 50000 + uniform(0, 1)
                                                              : uniform(50001, 400000);
      p.date = day();
      p.nature = uniform(0, 3) == 0 ? "membership-fee" : "gift";
      h.donor_gifts.push_back(p);
    }
    GiftFacts g{uniform(1, 600000), "GBP", "transfer", day(), "", "gift"};
    Result<Decision> want = Decide(pack, scope, donor, g, h);
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    const std::string diff = MergedDiffers(pack, scope, donor, g, h, want.value());
    ASSERT_TRUE(diff.empty()) << "seed " << seed << " step " << s
                              << ": the history merged by PastGiftsAlike decides otherwise: "
                              << diff;
    if (!want->flags.empty() && want->flags.back() != "s52-de-minimis") ++flagged;
  }
  EXPECT_GT(flagged, 400);  // the stream crosses the reporting thresholds
}

INSTANTIATE_TEST_SUITE_P(ShippedPacks, EngineModel,
                         ::testing::Values(FrCandidate(), FrParty(), UsFec()),
                         [](const ::testing::TestParamInfo<Model>& info) {
                           std::string name;
                           for (char c : info.param.pack_id) name += c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace probity
