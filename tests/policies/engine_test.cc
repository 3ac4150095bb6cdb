// Decide() against the shipped packs, one table row per legal edge. Each row
// states the decision, the rule that refused (and that its source is the one
// the law names, quoted in the message), the amount that could be accepted,
// the obligations with their due dates, and the informational flags.
#include "policies/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

using testing::Anonymous;
using testing::D;
using testing::Eur;
using testing::FindRule;
using testing::FrPresScope;
using testing::Gift;
using testing::H;
using testing::kFrPres;
using testing::Minor;
using testing::Past;
using testing::Person;
using testing::ShippedPack;
using testing::Typed;

// One legal edge. Built as Ok(...) or No(...), then refined: .After(history),
// .Max(amount that could be accepted), .Owes(rule, due), .Flags(ids),
// .Cites(fragment of an obligation's source), .Says(fragment of the message).
struct Row {
  std::string name;
  DonorFacts donor;
  GiftFacts gift;
  History history;
  std::string refused_by;  // empty: accepted
  std::string source_has;  // fragment of the legal source of the refusal or obligation
  std::optional<std::int64_t> max_minor;
  std::vector<std::pair<std::string, Date>> obligations;  // rule id, due date
  std::vector<std::string> flags;
  std::string message_has;

  Row After(History h) const {
    return With([&](Row& r) { r.history = std::move(h); });
  }
  Row Max(const char* amount) const {
    return With([&](Row& r) { r.max_minor = Minor(amount); });
  }
  Row Owes(const char* rule, Date due) const {
    return With([&](Row& r) { r.obligations.emplace_back(rule, due); });
  }
  Row Flags(std::vector<std::string> ids) const {
    return With([&](Row& r) { r.flags = std::move(ids); });
  }
  Row Cites(const char* source) const {
    return With([&](Row& r) { r.source_has = source; });
  }
  Row Says(const char* text) const {
    return With([&](Row& r) { r.message_has = text; });
  }
  template <typename F>
  Row With(F change) const {
    Row r = *this;
    change(r);
    return r;
  }
};

Row Ok(const char* name, DonorFacts donor, GiftFacts gift) {
  return Row{name, std::move(donor), std::move(gift), {}, "", "", {}, {}, {}, ""};
}
Row No(const char* name, DonorFacts donor, GiftFacts gift, const char* rule, const char* source) {
  return Row{name, std::move(donor), std::move(gift), {}, rule, source, {}, {}, {}, ""};
}

void CheckRefusal(const Pack& pack, const Row& row, const Decision& d) {
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.rule_id, row.refused_by) << d.message;
  const Rule* rule = FindRule(pack, row.refused_by);
  const std::string expected_source =
      rule != nullptr ? rule->source : pack.title + ": donors must be identified";
  EXPECT_EQ(d.source, expected_source);
  EXPECT_NE(d.source.find(row.source_has), std::string::npos) << d.source;
  EXPECT_NE(d.message.find("(" + d.source + ")"), std::string::npos) << d.message;
  EXPECT_TRUE(d.obligations.empty());
  EXPECT_TRUE(d.flags.empty());
}

void CheckObligations(const Pack& pack, const Row& row, const Decision& d) {
  ASSERT_EQ(d.obligations.size(), row.obligations.size());
  for (std::size_t i = 0; i < row.obligations.size(); ++i) {
    const Obligation& o = d.obligations[i];
    EXPECT_EQ(o.rule_id, row.obligations[i].first);
    EXPECT_EQ(FormatDate(o.due), FormatDate(row.obligations[i].second));
    const Rule* rule = FindRule(pack, o.rule_id);
    ASSERT_NE(rule, nullptr);
    EXPECT_EQ(o.source, rule->source);
    EXPECT_EQ(o.action, rule->action);
    EXPECT_EQ(FormatDate(o.due), FormatDate(AddDays(row.gift.date, rule->deadline_days)));
    const bool noted = std::any_of(d.notes.begin(), d.notes.end(), [&](const std::string& n) {
      return n.find(o.source) != std::string::npos &&
             n.find(FormatDate(o.due)) != std::string::npos;
    });
    EXPECT_TRUE(noted) << "no note quotes " << o.source;
  }
  if (!row.obligations.empty() && !row.source_has.empty()) {
    EXPECT_NE(d.obligations.front().source.find(row.source_has), std::string::npos);
  }
}

void CheckRow(const Pack& pack, const ScopeInfo& scope, const Row& row) {
  SCOPED_TRACE(pack.id + ": " + row.name);
  Result<Decision> decided = Decide(pack, scope, row.donor, row.gift, row.history);
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  const Decision& d = decided.value();
  if (row.refused_by.empty()) {
    EXPECT_TRUE(d.accepted) << d.message;
    EXPECT_EQ(d.rule_id, "");
    EXPECT_EQ(d.source, "");
    CheckObligations(pack, row, d);
    std::vector<std::string> flags = d.flags;
    std::vector<std::string> expected = row.flags;
    std::sort(flags.begin(), flags.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(flags, expected);
  } else {
    CheckRefusal(pack, row, d);
  }
  EXPECT_EQ(d.max_acceptable_minor, row.max_minor);
  if (!row.message_has.empty()) {
    EXPECT_NE(d.message.find(row.message_has), std::string::npos) << d.message;
  }
}

// ---- France, candidate: Code électoral L52-8, L52-4 ------------------------

TEST(EngineFrCandidate, Table) {
  const DonorFacts fr = Person("FR", "FR");
  const char* cap = "L52-8 al. 1";
  const char* donors = "L52-8 (natural persons";
  const std::vector<PastGift> several = {
      Past("1000.00", "2026-05-01"), Past("2000.00", "2026-09-01"), Past("1599.99", "2026-12-01")};
  const std::vector<Row> rows = {
      Ok("exactly at the cap", fr, Eur("4600.00")),
      No("one cent over, first gift", fr, Eur("4600.01"), "L52-8-cap", cap)
          .Max("4600.00")
          .Says("over the cap of 4,600.00 EUR"),
      No("one cent after gifts at the cap", fr, Eur("0.01"), "L52-8-cap", cap)
          .After(H({Past("3000.00", "2026-06-01"), Past("1600.00", "2026-12-01")}))
          .Max("0.00")
          .Says("At most 0.00 EUR can be accepted."),
      No("over the cap offers the remainder", fr, Eur("300.00"), "L52-8-cap", cap)
          .After(H({Past("4500.00", "2026-06-01")}))
          .Max("100.00")
          .Says("to 4,800.00 EUR for fr-pres-2027, over the cap of 4,600.00 EUR"),
      Ok("cap reached over several gifts", fr, Eur("0.01")).After(H(several)),
      No("one cent past it over several gifts", fr, Eur("0.02"), "L52-8-cap", cap)
          .After(H(several))
          .Max("0.01")
          .Says("At most 0.01 EUR can be accepted."),
      No("both rounds count together", fr, Eur("0.01", "cheque", "2027-04-24"), "L52-8-cap", cap)
          .After(H({Past("4600.00", "2027-04-09")}))
          .Max("0.00"),
      Ok("refunded in full, then given again", fr, Eur("4600.00"))
          .After(H({Past("0.00", "2026-06-01")})),
      Ok("refunded in part, the net counts", fr, Eur("600.00"))
          .After(H({Past("4000.00", "2026-06-01")})),
      No("refunded in part, one cent over the net", fr, Eur("600.01"), "L52-8-cap", cap)
          .After(H({Past("4000.00", "2026-06-01")}))
          .Max("600.00"),
      Ok("cash at the limit", fr, Eur("150.00", "cash")),
      No("cash one cent over", fr, Eur("150.01", "cash"), "L52-8-cash-gift", "L52-8 al. 3")
          .Max("150.00"),
      No("legal person", Typed("legal-person", "FR"), Eur("10.00"), "L52-8-donors", donors)
          .Says("legal-person"),
      No("association", Typed("association", "FR"), Eur("10.00"), "L52-8-donors", donors),
      No("union", Typed("union", "FR"), Eur("10.00"), "L52-8-donors", donors),
      No("foreign state", Typed("foreign-state", "DE"), Eur("10.00"), "L52-8-donors", donors),
      Ok("party, above the personal cap", Typed("party", "FR"), Eur("10000.00", "transfer")),
      Ok("foreign national resident in France", Person("DE", "FR"), Eur("4600.00")),
      No("foreign national resident abroad", Person("DE", "BE"), Eur("10.00"), "L52-8-donors",
         donors)
          .Says("neither a national of nor resident in FR"),
      Ok("French national resident abroad", Person("FR", "US"), Eur("4600.00")),
      No("person of unknown nationality and residence", Person("", ""), Eur("10.00"),
         "L52-8-donors", donors)
          .Says("unknown"),
      No("anonymous", Anonymous(), Eur("10.00", "cash"), "identified-donor", "donors must be"),
      Ok("first day of the period", fr, Eur("100.00", "cheque", "2026-04-01")),
      No("day before the period", fr, Eur("100.00", "cheque", "2026-03-31"), "L52-4-period",
         "L52-4 al. 2")
          .Says("outside the financing period"),
      Ok("last day of the period", fr, Eur("100.00", "cheque", "2027-06-30")),
      No("day after the period", fr, Eur("100.00", "cheque", "2027-07-01"), "L52-4-period",
         "L52-4 al. 2"),
      No("period is checked before the donor", Typed("legal-person", "FR"),
         Eur("200.00", "cash", "2027-07-01"), "L52-4-period", "L52-4"),
      No("donor is checked before cash", Typed("legal-person", "FR"), Eur("200.00", "cash"),
         "L52-8-donors", donors),
  };
  const Pack& pack = ShippedPack(kFrPres);
  const ScopeInfo scope = FrPresScope("16851000.00");
  for (const Row& row : rows) CheckRow(pack, scope, row);
}

// Cash in total: 20% of the spending ceiling, only when the ceiling is 15,000 EUR or more.
TEST(EngineFrCandidate, CashTotalAgainstTheCeiling) {
  const Pack& pack = ShippedPack(kFrPres);
  const DonorFacts fr = Person("FR", "FR");
  const char* total = "L52-8 al. 4";
  struct CashRow {
    const char* ceiling;
    const char* cash_before;
    Row row;
  };
  const std::vector<CashRow> rows = {
      {"20000.00", "3900.00", Ok("cash total reaches 20%", fr, Eur("100.00", "cash"))},
      {"20000.00", "3900.00",
       No("cash total one cent over 20%", fr, Eur("100.01", "cash"), "L52-8-cash-total", total)
           .Max("100.00")
           .Says("over 20% of the spending_ceiling (4,000.00 EUR)")},
      {"15000.00", "3000.00",
       No("ceiling exactly 15,000: rule applies", fr, Eur("0.01", "cash"), "L52-8-cash-total",
          total)
           .Max("0.00")},
      {"14999.99", "10000.00",
       Ok("ceiling under 15,000: rule not applied", fr, Eur("150.00", "cash"))},
      {"15000.00", "3000.00", Ok("cheque does not count as cash", fr, Eur("100.00"))},
      {"15000.00", "3000.00",
       No("party cash counts too", Typed("party", "FR"), Eur("0.01", "cash"), "L52-8-cash-total",
          total)
           .Max("0.00")},
      {"15000.00", "2999.99",
       No("per-gift limit before the total", fr, Eur("150.01", "cash"), "L52-8-cash-gift",
          "L52-8 al. 3")
           .Max("150.00")},
  };
  for (const CashRow& c : rows) {
    Row row = c.row;
    row.history.scope_method_minor["cash"] = Minor(c.cash_before);
    CheckRow(pack, FrPresScope(c.ceiling), row);
  }
}

// ---- France, party: loi 88-227 art. 11-4 -----------------------------------

TEST(EngineFrParty, Table) {
  const DonorFacts fr = Person("FR", "FR");
  const char* cap = "art. 11-4 al. 1";
  const char* donors = "art. 11-4 (natural persons";
  const char* d27 = "2027-03-01";
  const std::vector<Row> rows = {
      Ok("exactly at the cap", fr, Eur("7500.00", "cheque", d27)),
      No("one cent over", fr, Eur("7500.01", "cheque", d27), "11-4-cap", cap)
          .Max("7500.00")
          .Says("in 2027, over the cap of 7,500.00 EUR"),
      Ok("last year's gifts do not count", fr, Eur("7500.00", "cheque", "2027-01-01"))
          .After(H({Past("7500.00", "2026-12-31")})),
      No("this year's gifts do", fr, Eur("0.01", "cheque", "2026-12-31"), "11-4-cap", cap)
          .After(H({Past("7500.00", "2026-01-01")}))
          .Max("0.00")
          .Says("in 2026"),
      No("cap reached over several gifts, remainder", fr, Eur("600.00", "transfer", "2027-09-01"),
         "11-4-cap", cap)
          .After(H({Past("5000.00", "2027-02-01"), Past("2000.00", "2027-06-01")}))
          .Max("500.00")
          .Says("At most 500.00 EUR can be accepted."),
      Ok("membership fee counted with a gift", fr, Eur("7400.00", "cheque", d27))
          .After(H({Past("100.00", "2027-01-15", "", "membership-fee")})),
      No("membership fee counted, one cent over", fr, Eur("7400.01", "cheque", d27), "11-4-cap",
         cap)
          .After(H({Past("100.00", "2027-01-15", "", "membership-fee")}))
          .Max("7400.00"),
      No("a fee over what gifts left", fr, Eur("500.01", "card", d27, "membership-fee"), "11-4-cap",
         cap)
          .After(H({Past("7000.00", "2027-01-15")}))
          .Max("500.00"),
      Ok("a fee at what gifts left", fr, Eur("500.00", "card", d27, "membership-fee"))
          .After(H({Past("7000.00", "2027-01-15")})),
      Ok("refunded in full, then given again", fr, Eur("7500.00", "cheque", d27))
          .After(H({Past("0.00", "2027-01-10")})),
      No("legal person", Typed("legal-person", "FR"), Eur("10.00", "cheque", d27), "11-4-donors",
         donors),
      Ok("party, above the personal cap", Typed("party", "FR"), Eur("20000.00", "transfer", d27)),
      Ok("foreign national resident in France", Person("DE", "FR"), Eur("100.00", "cheque", d27)),
      No("foreign national resident abroad", Person("DE", "BE"), Eur("100.00", "cheque", d27),
         "11-4-donors", donors),
      Ok("French national resident abroad", Person("FR", "US"), Eur("100.00", "cheque", d27)),
      No("anonymous", Anonymous(), Eur("10.00", "cash", d27), "identified-donor", "donors must be"),
  };
  const Pack& pack = ShippedPack("fr-party-annual");
  const ScopeInfo scope{"fr-party", "fr-party-annual", D("2018-01-01"), D("2099-12-31"), {}};
  for (const Row& row : rows) CheckRow(pack, scope, row);
}

// ---- United States, FEC 2025-2026 -----------------------------------------

GiftFacts Usd(const char* amount, const char* election, const char* method = "cheque",
              const char* date = "2026-03-01") {
  return Gift("USD", amount, method, date, election);
}

TEST(EngineUsFec, Table) {
  const DonorFacts us = Person("US", "US");
  const DonorFacts no_employer = Person("US", "US", false);
  const char* cap = "30116(a)(1)(A)";
  const char* banned = "30118";
  const char* item = "30104-itemise";
  const Date plus60 = D("2026-04-30");  // 2026-03-01 + 60 days
  const Date plus30 = D("2026-03-31");  // 2026-03-01 + 30 days
  const std::vector<Row> rows = {
      Ok("3,500 in the primary", us, Usd("3500.00", "P2026")).Flags({item}),
      Ok("3,500 in the general after 3,500 in the primary", us, Usd("3500.00", "G2026"))
          .After(H({Past("3500.00", "2025-06-01", "P2026")}))
          .Flags({item}),
      Ok("runoff counted apart too", us, Usd("3500.00", "R2026"))
          .After(
              H({Past("3500.00", "2025-06-01", "P2026"), Past("3500.00", "2025-07-01", "G2026")}))
          .Flags({item}),
      Ok("3,500.01 in the primary: kept, 60 days to cure", us, Usd("3500.01", "P2026"))
          .Cites(cap)
          .Max("3500.00")
          .Owes("30116-cap", plus60)
          .Flags({item}),
      Ok("one cent over after several gifts", us, Usd("0.01", "P2026"))
          .Cites(cap)
          .After(H({Past("2000.00", "2025-06-01", "P2026"), Past("1500.00", "2025-09-01", "P2026"),
                    Past("3500.00", "2025-09-01", "G2026")}))
          .Max("0.00")
          .Owes("30116-cap", plus60)
          .Flags({item}),
      Ok("refunded in full, then given again", us, Usd("3500.00", "P2026"))
          .After(H({Past("0.00", "2025-06-01", "P2026")}))
          .Flags({item}),
      Ok("cash at the limit", us, Usd("100.00", "P2026", "cash")),
      No("cash one cent over", us, Usd("100.01", "P2026", "cash"), "110.4-cash", "110.4(c)")
          .Max("100.00"),
      Ok("anonymous cash at 50.00", Anonymous(), Usd("50.00", "P2026", "cash")),
      No("anonymous cash at 50.01", Anonymous(), Usd("50.01", "P2026", "cash"), "110.4-anonymous",
         "110.4(c)(3)")
          .Max("50.00"),
      No("anonymous by cheque", Anonymous(), Usd("10.00", "P2026"), "110.4-anonymous",
         "110.4(c)(3)")
          .Says("only in cash"),
      No("corporation", Typed("legal-person", "US"), Usd("10.00", "P2026"), "prohibited-sources",
         banned),
      No("labour organisation", Typed("union", "US"), Usd("10.00", "P2026"), "prohibited-sources",
         banned),
      No("foreign state", Typed("foreign-state", "FR"), Usd("10.00", "P2026"), "prohibited-sources",
         "30121"),
      No("foreign national abroad", Person("GB", "GB"), Usd("10.00", "P2026"), "prohibited-sources",
         "30121"),
      Ok("green-card holder", Person("GB", "US"), Usd("10.00", "P2026")),
      Ok("US citizen abroad", Person("US", "FR"), Usd("10.00", "P2026")),
      Ok("aggregate at 200.00: not itemised", no_employer, Usd("50.00", "P2026"))
          .After(H({Past("150.00", "2025-06-01", "P2026")})),
      Ok("aggregate past 200.00, details on file", us, Usd("50.01", "P2026"))
          .After(H({Past("150.00", "2025-06-01", "P2026")}))
          .Flags({item}),
      Ok("aggregate past 200.00, no employer: best efforts", no_employer, Usd("50.01", "P2026"))
          .Cites("104.7(b)")
          .After(H({Past("150.00", "2025-06-01", "P2026")}))
          .Owes(item, plus30)
          .Flags({item}),
      Ok("itemisation aggregates the whole cycle", no_employer, Usd("50.01", "P2026"))
          .After(H({Past("150.00", "2025-06-01", "G2026")}))
          .Owes(item, plus30)
          .Flags({item}),
      Ok("excess and no employer: both obligations", no_employer, Usd("3500.01", "P2026"))
          .Cites(cap)
          .Max("3500.00")
          .Owes("30116-cap", plus60)
          .Owes(item, plus30)
          .Flags({item}),
  };
  const Pack& pack = ShippedPack("us-fec-2025-2026-candidate");
  const ScopeInfo scope{"us-2026", pack.id, D("2024-11-06"), D("2026-12-31"), {}};
  for (const Row& row : rows) CheckRow(pack, scope, row);
}

// ---- United Kingdom, PPERA 2000 --------------------------------------------

GiftFacts Gbp(const char* amount, const char* date = "2026-02-10") {
  return Gift("GBP", amount, "transfer", date);
}

TEST(EngineUkPpera, Table) {
  const DonorFacts gb = Person("GB", "GB");
  const char* de_minimis = "s52-de-minimis";
  const char* units = "s62-report-units";
  const char* central = "s62-report-central";
  const char* permissible = "s54-permissible";
  const Date plus30 = D("2026-03-12");  // 2026-02-10 + 30 days
  const std::vector<Row> rows = {
      Ok("500.00 is not a donation", gb, Gbp("500.00")).Flags({de_minimis}),
      Ok("500.01 is a donation", gb, Gbp("500.01")),
      Ok("foreign state: return within 30 days", Typed("foreign-state", "FR"), Gbp("1000.00"))
          .Cites("s.54(2)")
          .Owes(permissible, plus30),
      Ok("person resident abroad: return within 30 days", Person("FR", "FR"), Gbp("1000.00"))
          .Cites("s.56")
          .Owes(permissible, plus30),
      Ok("foreign national resident in the UK", Person("FR", "GB"), Gbp("1000.00")),
      Ok("UK company", Typed("legal-person", "GB"), Gbp("1000.00")),
      Ok("trade union", Typed("union", "GB"), Gbp("1000.00")),
      No("anonymous", Anonymous(), Gbp("600.00"), "s54-anonymous", "s.54(1)(b)"),
      Ok("aggregate at 11,180.00: not yet central", gb, Gbp("580.00"))
          .After(H({Past("10600.00", "2026-01-05")}))
          .Flags({units}),
      Ok("aggregate past 11,180.00: reportable", gb, Gbp("580.01"))
          .After(H({Past("10600.00", "2026-01-05")}))
          .Flags({units, central}),
      Ok("last year's donations do not aggregate", gb, Gbp("600.00"))
          .After(H({Past("11000.00", "2025-12-31")})),
      Ok("aggregate past 2,230.00: accounting units", gb, Gbp("1230.01"))
          .After(H({Past("1000.00", "2026-01-05")}))
          .Flags({units}),
      // s.52(2)(b): a payment of 500 or less is not a donation, so it is left out of
      // the aggregates and is never reportable itself.
      Ok("small payments do not aggregate", gb, Gbp("550.00"))
          .After(H({Past("10600.00", "2026-01-05"), Past("500.00", "2026-01-20")}))
          .Flags({units}),
      // ... and the rules on who may give do not reach it either.
      Ok("a small payment from a foreign state is not a donation", Typed("foreign-state", "FR"),
         Gbp("500.00"))
          .Flags({de_minimis}),
      Ok("a small anonymous payment is not a donation", Anonymous(), Gbp("500.00"))
          .Flags({de_minimis}),
      Ok("a small payment is not reportable", gb, Gbp("500.00"))
          .After(H({Past("11000.00", "2026-01-05")}))
          .Flags({de_minimis}),
  };
  const Pack& pack = ShippedPack("uk-ppera-party");
  const ScopeInfo scope{"uk-party", pack.id, D("2024-01-01"), D("2099-12-31"), {}};
  for (const Row& row : rows) CheckRow(pack, scope, row);
}

// Which natures a cap counts (`counts`) is decided once per rule, not per
// past gift: against the plain sum of the earlier gifts whose nature the rule
// counts, for every `counts` a pack may state, over random histories of gifts
// and membership fees in two years.
TEST(EngineCounts, CapTotalsCountExactlyTheNaturesTheRuleNames) {
  std::mt19937 rng(20261206);
  const std::vector<std::vector<std::string>> all_counts = {
      {"donation"}, {"membership_fee"}, {"donation", "membership_fee"}, {}};
  const ScopeInfo scope{"fr-party", "fr-party-annual", D("2018-01-01"), D("2099-12-31"), {}};
  const std::int64_t cap_minor = 750000;
  int refused = 0, accepted = 0;
  for (const std::vector<std::string>& counts : all_counts) {
    Pack pack = testing::ShippedPack("fr-party-annual");
    for (Rule& r : pack.rules) {
      if (r.id == "11-4-cap") r.counts = counts;
    }
    const auto counted = [&](const std::string& nature) {
      const std::string kind = nature == "membership-fee" ? "membership_fee" : "donation";
      return counts.empty() || std::find(counts.begin(), counts.end(), kind) != counts.end();
    };
    for (int round = 0; round < 300; ++round) {
      History history;
      std::int64_t before_minor = 0;
      const int past = static_cast<int>(rng() % 12);
      for (int i = 0; i < past; ++i) {
        const bool fee = rng() % 2 == 0;
        const bool this_year = rng() % 4 != 0;
        PastGift p{static_cast<std::int64_t>(rng() % 150000),
                   D(this_year ? "2027-02-01" : "2026-02-01"), "", fee ? "membership-fee" : "gift"};
        if (this_year && counted(p.nature)) before_minor += p.net_minor;
        history.donor_gifts.push_back(p);
      }
      GiftFacts gift =
          Eur("1.00", "cheque", "2027-03-01", rng() % 2 == 0 ? "membership-fee" : "gift");
      gift.amount_minor = 1 + static_cast<std::int64_t>(rng() % 500000);
      Result<Decision> d = Decide(pack, scope, Person("FR", "FR"), gift, history);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      SCOPED_TRACE("counts of " + std::to_string(counts.size()) + ", round " +
                   std::to_string(round));
      if (counted(gift.nature) && before_minor + gift.amount_minor > cap_minor) {
        ++refused;
        EXPECT_FALSE(d->accepted);
        EXPECT_EQ(d->rule_id, "11-4-cap");
        EXPECT_EQ(d->max_acceptable_minor.value_or(-1),
                  std::max<std::int64_t>(0, cap_minor - before_minor));
      } else {
        ++accepted;
        EXPECT_TRUE(d->accepted) << d->message;
      }
    }
  }
  EXPECT_GT(refused, 100);  // both outcomes (162 and 1,038 with this seed)
  EXPECT_GT(accepted, 200);
}

}  // namespace
}  // namespace probity
