// PolicyReplay keeps running histories (each donor's gifts per scope, each
// scope's totals per method) and lends them to the engine. This holds it to
// the obvious implementation it replaced: for every gift, rebuild the history
// by walking every earlier gift, net of its refunds, as corrected, leaving
// out the gift a correction restates. A generated stream over three packs
// (three currencies: caps that refuse, caps that oblige, cash totals, flags
// from yearly totals), with refunds and corrections, is decided by the
// obvious way; each entry carries that decision, and the replay must accept
// exactly the entries the obvious way accepts, with the same obligations
// and flags.
#include "policies/policy_replay.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "policies/donations.h"
#include "policies/scopes.h"
#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

std::string PackText(const std::string& id) {
  std::ifstream in(std::string(PROBITY_SOURCE_DIR) + "/policies/packs/" + id + ".toml");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct TestScope {
  const char* id;
  const char* pack_id;
  const char* from;
  const char* until;
  const char* currency;
  Json params;
};

const std::vector<TestScope>& Scopes() {
  // The French spending ceiling is low enough (20% = 3,000.00 EUR) for the
  // cash total to be reached; the UK scope spans two calendar years.
  static const std::vector<TestScope> scopes = {
      {"fr", "fr-candidate-2027-presidential", "2026-04-01", "2027-06-30", "EUR",
       Json{{"spending_ceiling", 1500000}}},
      {"us", "us-fec-2025-2026-candidate", "2025-01-01", "2026-12-31", "USD", Json::object()},
      {"uk", "uk-ppera-party", "2026-01-01", "2027-12-31", "GBP", Json::object()},
  };
  return scopes;
}

struct TestDonor {
  std::string subject;
  std::string type;
  DonorPii pii;
};

// The obvious way: every recorded gift kept, each history rebuilt from all.
class ObviousReplay {
 public:
  struct Gift {
    std::string subject, scope, method, election, nature;
    std::int64_t amount_minor = 0, refunded_minor = 0;
    Date date;
  };

  void AddScope(const std::string& id, BoundScope scope) { scopes_[id] = std::move(scope); }
  void AddDonor(const TestDonor& d) { donors_[d.subject] = d; }

  // The engine's decision for `g` (as a correction of `restated_seq`, or -1).
  Result<Decision> Decide(const Gift& g, const std::string& currency,
                          std::int64_t restated_seq) const {
    const BoundScope& scope = scopes_.at(g.scope);
    DonorFacts donor;
    donor.anonymous = g.subject.empty();
    if (!donor.anonymous) {
      const TestDonor& d = donors_.at(g.subject);
      donor = testing::DonorFactsOf(d.subject, d.type, d.pii);
    }
    GiftFacts facts{g.amount_minor, currency, g.method, g.date, g.election, g.nature};
    return probity::Decide(scope.pack, scope.info, donor, facts, HistoryFor(g, restated_seq));
  }

  History HistoryFor(const Gift& gift, std::int64_t restated_seq) const {
    History h;
    for (const auto& [seq, g] : gifts_) {
      if (seq == restated_seq || g.scope != gift.scope) continue;
      h.scope_method_minor[g.method] += g.amount_minor;
      if (!gift.subject.empty() && g.subject == gift.subject) {
        h.donor_gifts.push_back(
            PastGift{g.amount_minor - g.refunded_minor, g.date, g.election, g.nature});
      }
    }
    return h;
  }

  std::map<std::int64_t, Gift>& gifts() { return gifts_; }

 private:
  std::map<std::string, BoundScope> scopes_;
  std::map<std::string, TestDonor> donors_;
  std::map<std::int64_t, Gift> gifts_;
};

struct Tally {
  int refused = 0, with_obligations = 0, with_flags = 0, refunds = 0, corrections = 0,
      corrections_refused = 0, anonymous = 0, decided = 0;
};

class StreamTest : public ::testing::Test {
 protected:
  explicit StreamTest() : rng_(20261206) {}

  std::int64_t Pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Pick(1, 100) <= percent; }

  Json Entry(const char* kind) { return Json{{"seq", seq_++}, {"kind", kind}}; }

  // Applies `e` to the replay under test and says whether it was accepted.
  bool Apply(const Json& e) {
    Status st = replay_.Apply(e);
    if (!st.ok()) last_failure_ = st.message();
    return st.ok();
  }

  void SetUp() override {
    for (const TestScope& s : Scopes()) {
      const std::string text = PackText(s.pack_id);
      Json adopted = Entry("policy_adopted");
      adopted["pack_id"] = s.pack_id;
      adopted["pack_toml"] = text;
      ASSERT_TRUE(Apply(adopted)) << last_failure_;
      Json added = Entry("scope_added");
      added["scope"] = s.id;
      added["pack_id"] = s.pack_id;
      added["valid_from"] = s.from;
      added["valid_until"] = s.until;
      added["params"] = s.params;
      ASSERT_TRUE(Apply(added)) << last_failure_;
      Result<Pack> pack = ParsePack(text, s.pack_id);
      ASSERT_TRUE(pack.ok()) << pack.status().ToString();
      Result<ScopeInfo> info = ScopeInfoOf(added);
      ASSERT_TRUE(info.ok());
      obvious_.AddScope(s.id, BoundScope{info.value(), pack.value(), 0});
    }
    const char* countries[] = {"FR", "US", "GB", "FR", "US", "GB", "DE"};
    for (int i = 0; i < 14; ++i) {
      const char* country = countries[i % 7];
      TestDonor d{"S-" + std::to_string(i), i == 13 ? "legal-person" : "person",
                  DonorPii{"Donor", country, country, "1 Street", "", i % 4 == 0 ? "" : "ACME",
                           i % 4 == 0 ? "" : "clerk"}};
      Json e = Entry("donor_added");
      e["subject"] = d.subject;
      e["donor_type"] = d.type;
      ASSERT_TRUE(Apply(e)) << last_failure_;
      replay_.Disclose(d.subject, d.pii);
      obvious_.AddDonor(d);
      donors_.push_back(d.subject);
    }
  }

  ObviousReplay::Gift RandomGift() {
    const TestScope& s = Scopes()[static_cast<std::size_t>(Pick(0, 2))];
    ObviousReplay::Gift g;
    if (!Chance(8)) g.subject = donors_[static_cast<std::size_t>(Pick(0, 13))];
    g.scope = s.id;
    static const char* kMethods[] = {"cheque", "cash", "transfer", "card"};
    g.method = kMethods[Pick(0, 3)];
    // Mostly small, sometimes large: caps and thresholds are reached often.
    g.amount_minor = Chance(70) ? Pick(1, 20000) : Pick(20000, 400000);
    const std::int64_t from = DaysFromCivil(ParseDate(s.from).value());
    const std::int64_t until = DaysFromCivil(ParseDate(s.until).value());
    g.date = CivilFromDays(Chance(2) ? until + 1 : Pick(from, until));
    if (std::string(s.id) == "us") g.election = Chance(50) ? "P2026" : "G2026";
    if (std::string(s.id) == "uk" && Chance(20)) g.nature = "membership-fee";
    if (g.nature.empty()) g.nature = "gift";
    return g;
  }

  std::string CurrencyOf(const std::string& scope) {
    for (const TestScope& s : Scopes()) {
      if (scope == s.id) return Chance(2) ? "CHF" : s.currency;
    }
    return "";
  }

  // Records the obvious way's decision on `e` as the writer would, and
  // checks that the replay under test accepts `e` exactly when it accepted.
  void ApplyDecided(const Result<Decision>& d, Json& e, Tally& t, bool* accepted) {
    *accepted = d.ok() && d->accepted;
    if (*accepted) {
      AddDecisionFields(d.value(), e);
      t.with_obligations += e.contains("obligations") ? 1 : 0;
      t.with_flags += e.contains("flags") ? 1 : 0;
      ++t.decided;
    }
    ASSERT_EQ(Apply(e), *accepted) << "entry " << e["seq"] << ": " << last_failure_;
  }

  void Donation(Tally& t) {
    ObviousReplay::Gift g = RandomGift();
    const std::string currency = CurrencyOf(g.scope);
    const Result<Decision> d = obvious_.Decide(g, currency, -1);
    Json e = Entry("donation");
    const std::int64_t seq = e["seq"].get<std::int64_t>();
    if (g.subject.empty()) {
      e["anonymous"] = true;
      ++t.anonymous;
    } else {
      e["subject"] = g.subject;
    }
    e["scope"] = g.scope;
    e["amount_minor"] = g.amount_minor;
    e["currency"] = currency;
    e["method"] = g.method;
    e["date"] = FormatDate(g.date);
    if (!g.election.empty()) e["election"] = g.election;
    if (g.nature != "gift") e["nature"] = g.nature;
    bool accepted = false;
    ASSERT_NO_FATAL_FAILURE(ApplyDecided(d, e, t, &accepted));
    if (!accepted) {
      ++t.refused;
      return;
    }
    obvious_.gifts().emplace(seq, g);
    accepted_.push_back(seq);
  }

  ObviousReplay::Gift* RandomAccepted(std::int64_t* seq) {
    if (accepted_.empty()) return nullptr;
    *seq = accepted_[static_cast<std::size_t>(
        Pick(0, static_cast<std::int64_t>(accepted_.size()) - 1))];
    return &obvious_.gifts().at(*seq);
  }

  void Refund(Tally& t) {
    std::int64_t donation_seq = 0;
    ObviousReplay::Gift* g = RandomAccepted(&donation_seq);
    if (g == nullptr || g->subject.empty() || g->refunded_minor == g->amount_minor) return;
    const std::int64_t amount = Pick(1, g->amount_minor - g->refunded_minor);
    Json e = Entry("refund");
    e["donation_seq"] = donation_seq;
    e["subject"] = g->subject;
    e["amount_minor"] = amount;
    ASSERT_TRUE(Apply(e)) << last_failure_;
    g->refunded_minor += amount;
    ++t.refunds;
  }

  void Correction(Tally& t) {
    std::int64_t donation_seq = 0;
    ObviousReplay::Gift* g = RandomAccepted(&donation_seq);
    if (g == nullptr) return;
    ObviousReplay::Gift restated = *g;
    restated.amount_minor = std::max(g->refunded_minor, Pick(1, 2 * g->amount_minor + 1000));
    if (Chance(40)) restated.method = Chance(50) ? "cash" : "transfer";
    if (g->refunded_minor == 0 && Chance(40)) restated.date = AddDays(g->date, Pick(-20, 20));
    const std::string currency = CurrencyOf(g->scope);
    const Result<Decision> d = obvious_.Decide(restated, currency, donation_seq);
    Json e = Entry("correction");
    e["donation_seq"] = donation_seq;
    if (!g->subject.empty()) e["subject"] = g->subject;
    e["scope"] = g->scope;
    e["currency"] = currency;
    e["amount_minor"] = restated.amount_minor;
    e["method"] = restated.method;
    e["date"] = FormatDate(restated.date);
    bool accepted = false;
    ASSERT_NO_FATAL_FAILURE(ApplyDecided(d, e, t, &accepted));
    if (!accepted) {
      ++t.corrections_refused;
      return;
    }
    ++t.corrections;
    *g = restated;
  }

  // A donation (60 times in 100), a refund (25) or a correction (15).
  void Event(Tally& t) {
    const std::int64_t roll = Pick(1, 100);
    if (roll <= 60) {
      Donation(t);
    } else if (roll <= 85) {
      Refund(t);
    } else {
      Correction(t);
    }
  }

  std::mt19937_64 rng_;
  std::int64_t seq_ = 1;
  PolicyReplay replay_;
  ObviousReplay obvious_;
  std::vector<std::string> donors_;
  std::vector<std::int64_t> accepted_;
  std::string last_failure_;
};

TEST_F(StreamTest, RunningHistoryDecidesAsTheObviousWalk) {
  Tally t;
  for (int i = 0; i < 4000; ++i) ASSERT_NO_FATAL_FAILURE(Event(t));
  EXPECT_EQ(replay_.decided(), t.decided);
  EXPECT_EQ(replay_.skipped(), 0);
  // The stream reaches what depends on the history, in every direction.
  // (This seed: 1,299 refused, 368 with obligations, 1,401 with flags, 940
  // refunds, 535 corrections and 31 refused, 187 anonymous.)
  EXPECT_GT(t.refused, 500);
  EXPECT_GT(t.with_obligations, 200);
  EXPECT_GT(t.with_flags, 500);
  EXPECT_GT(t.refunds, 500);
  EXPECT_GT(t.corrections, 300);
  EXPECT_GT(t.corrections_refused, 10);
  EXPECT_GT(t.anonymous, 100);
}

// A donor's facts are those of the latest disclosure (a rectification
// discloses the restated data again): the replay keeps them by the donor's
// id, and must decide each gift with the facts in force then, as the obvious
// way does from its map of donors. Nationality, residence and the employer
// change under it, so the rules that read them accept and refuse by turns.
TEST_F(StreamTest, RedisclosedFactsDecideAsTheObviousWalk) {
  Tally t;
  int redisclosed = 0;
  const char* countries[] = {"FR", "US", "GB", "DE"};
  for (int i = 0; i < 3000; ++i) {
    if (Chance(5)) {
      const char* nationality = countries[Pick(0, 3)];
      const char* residence = Chance(70) ? nationality : countries[Pick(0, 3)];
      const bool employer = Chance(60);
      TestDonor d{donors_[static_cast<std::size_t>(Pick(0, 12))], "person",
                  DonorPii{"Donor", nationality, residence, "1 Street", "", employer ? "ACME" : "",
                           employer ? "clerk" : ""}};
      replay_.Disclose(d.subject, d.pii);
      obvious_.AddDonor(d);
      ++redisclosed;
    } else {
      ASSERT_NO_FATAL_FAILURE(Event(t));
    }
  }
  EXPECT_EQ(replay_.decided(), t.decided);
  EXPECT_GT(redisclosed, 100);
  EXPECT_GT(t.refused, 300);
  EXPECT_GT(t.decided, 1000);
}

}  // namespace
}  // namespace probity
