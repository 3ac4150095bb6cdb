// Decide() on gifts that do not fit the scope at all (currency, election
// designation, an erased donor): InvalidArgument, not a decision. And the
// same inputs always give the same decision, so an auditor can re-run it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policies/engine.h"
#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

using testing::D;
using testing::Eur;
using testing::FrPresScope;
using testing::H;
using testing::kFrPres;
using testing::Gift;
using testing::Minor;
using testing::Past;
using testing::Person;
using testing::ShippedPack;

// ---- Gifts that do not fit the scope at all --------------------------------

TEST(EngineFit, CurrencyAndElectionMismatchesAreInvalidArgument) {
  const ScopeInfo fr = FrPresScope("16851000.00");
  const ScopeInfo us{"us-2026", "us-fec-2025-2026-candidate", D("2024-11-06"), D("2026-12-31"), {}};
  const ScopeInfo uk{"uk-party", "uk-ppera-party", D("2024-01-01"), D("2099-12-31"), {}};
  const Pack& fr_pack = ShippedPack(kFrPres);
  const Pack& us_pack = ShippedPack("us-fec-2025-2026-candidate");
  const Pack& uk_pack = ShippedPack("uk-ppera-party");
  const DonorFacts p = Person("FR", "FR");
  struct Bad {
    const char* name;
    const Pack& pack;
    const ScopeInfo& scope;
    GiftFacts gift;
    const char* message_has;
  };
  const std::vector<Bad> bad = {
      {"USD in a EUR scope", fr_pack, fr, Gift("USD", "10.00", "cheque", "2027-01-10"), "not USD"},
      {"GBP in a EUR scope", fr_pack, fr, Gift("GBP", "10.00", "cheque", "2027-01-10"), "EUR"},
      {"EUR in a USD scope", us_pack, us, Gift("EUR", "10.00", "cheque", "2026-03-01", "P2026"),
       "not EUR"},
      {"EUR in a GBP scope", uk_pack, uk, Gift("EUR", "10.00", "cheque", "2026-03-01"), "GBP"},
      {"FEC gift without election", us_pack, us, Gift("USD", "10.00", "cheque", "2026-03-01"),
       "--election"},
      {"election in a scope without them", fr_pack, fr,
       Gift("EUR", "10.00", "cheque", "2027-01-10", "P2027"), "does not use election"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    Result<Decision> d = Decide(b.pack, b.scope, p, b.gift, History{});
    ASSERT_FALSE(d.ok());
    EXPECT_TRUE(d.status().IsInvalidArgument()) << d.status().ToString();
    EXPECT_NE(d.status().ToString().find(b.message_has), std::string::npos)
        << d.status().ToString();
  }
  DonorFacts erased = p;
  erased.identity_erased = true;
  Result<Decision> d = Decide(fr_pack, fr, erased, Eur("10.00"), History{});
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.status().IsInvalidArgument());
}

// The same inputs give the same decision: an auditor can re-run it.
TEST(EngineFit, DecisionIsDeterministic) {
  const Pack& pack = ShippedPack(kFrPres);
  const History h = H({Past("4500.00", "2026-06-01")});
  Result<Decision> a = Decide(pack, FrPresScope("20000.00"), Person("FR", "FR"), Eur("300.00"), h);
  Result<Decision> b = Decide(pack, FrPresScope("20000.00"), Person("FR", "FR"), Eur("300.00"), h);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->message, b->message);
  EXPECT_EQ(a->rule_id, b->rule_id);
  EXPECT_EQ(a->max_acceptable_minor, b->max_acceptable_minor);
}

}  // namespace
}  // namespace probity

namespace probity {
namespace {

// A rule with donor_types reaches only those donors, whatever its type.
TEST(EngineFit, DonorTypesLimitEveryRuleType) {
  const char* text = R"(id = "test"
title = "test pack"
jurisdiction = "FR"
currency = "EUR"
valid_from = "2026-01-01"
valid_until = "2026-12-31"
retention_days = 10
retention_source = "test"

[[rule]]
id = "who"
type = "eligibility"
source = "test, art. 1"
summary = "persons and parties"
allowed_types = ["person", "party"]

[[rule]]
id = "party-cash"
type = "method-per-gift"
source = "test, art. 2"
summary = "parties give cash up to 10.00"
method = "cash"
amount = "10.00"
donor_types = ["party"]
)";
  Result<Pack> pack = ParsePack(text, "test.toml");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  const ScopeInfo scope{"s", "test", testing::D("2026-01-01"), testing::D("2026-12-31"), {}};
  const GiftFacts cash = testing::Gift("EUR", "10.01", "cash", "2026-05-01");
  Result<Decision> person =
      Decide(pack.value(), scope, testing::Person("FR", "FR"), cash, History{});
  ASSERT_TRUE(person.ok());
  EXPECT_TRUE(person->accepted) << person->message;
  Result<Decision> party = Decide(pack.value(), scope, testing::Typed("party", "FR"), cash, History{});
  ASSERT_TRUE(party.ok());
  EXPECT_FALSE(party->accepted);
  EXPECT_EQ(party->rule_id, "party-cash");
  EXPECT_NE(party->message.find("(test, art. 2)"), std::string::npos) << party->message;
}

}  // namespace
}  // namespace probity
