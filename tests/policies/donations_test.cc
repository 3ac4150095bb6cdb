// Scopes, checked donations and obligations through a real ledger: what is
// written (and what is not), what the entries carry, and that the ledger
// still verifies after all of it.
#include "policies/donations.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/verify.h"
#include "policies/scopes.h"
#include "tests/ledger/test_ledger_util.h"
#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

using testing::D;
using testing::Minor;
using testing::ShippedPack;

const char kFrPres[] = "fr-candidate-2027-presidential";
const char kUs[] = "us-fec-2025-2026-candidate";
const char kUk[] = "uk-ppera-party";

class DonationsTest : public testing::LedgerTest {
 protected:
  std::string Donor(const char* type, const char* nationality, const char* residence,
                    const char* employer = "", const char* occupation = "") {
    const std::string name = "Donor " + std::to_string(++donors_);
    NewDonor d{type, DonorPii{name, nationality, residence, "1 High St", "", employer, occupation}};
    Result<AddedDonor> added = AddDonor(*ledger_, key_, d);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->subject : std::string();
  }
  Result<std::int64_t> Scope(const std::string& id, const char* pack_id,
                             std::map<std::string, std::string> params = {}) {
    NewScope s;
    s.id = id;
    s.pack_id = pack_id;
    s.params = std::move(params);
    return AddScope(*ledger_, key_, ShippedPack(pack_id), s);
  }
  void FrScope(const char* ceiling = "16851000.00") {
    Result<std::int64_t> seq = Scope("fr-pres-2027", kFrPres, {{"spending_ceiling", ceiling}});
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  }
  static DonationRequest Req(const std::string& subject, const char* amount, const char* currency,
                             const char* method, const char* date, const char* scope,
                             const char* election = "") {
    return DonationRequest{subject, subject.empty(), Minor(amount), currency, method,
                           D(date), scope,           election,      "gift"};
  }
  static DonationRequest Eur(const std::string& subject, const char* amount,
                             const char* method = "cheque", const char* date = "2027-01-10") {
    return Req(subject, amount, "EUR", method, date, "fr-pres-2027");
  }
  Json EntryAt(std::int64_t seq) {
    Result<StoredEntry> stored = ledger_->store().GetEntry(seq);
    PROBITY_ASSERT(stored.ok());
    Result<Json> e = DecodeEntry(stored->body);
    PROBITY_ASSERT(e.ok());
    return e.value();
  }
  std::int64_t Record(const DonationRequest& r) {
    Result<Recorded> rec = RecordDonation(*ledger_, key_, r);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    return rec.ok() ? rec->seq : -1;
  }
  // A refused gift is PolicyViolation quoting `source`, and writes nothing.
  void ExpectRefused(const DonationRequest& r, const std::string& source) {
    const std::int64_t before = Count();
    Result<Recorded> rec = RecordDonation(*ledger_, key_, r);
    ASSERT_FALSE(rec.ok());
    EXPECT_TRUE(rec.status().code() == StatusCode::kPolicyViolation) << rec.status().ToString();
    EXPECT_NE(rec.status().ToString().find(source), std::string::npos) << rec.status().ToString();
    EXPECT_EQ(Count(), before);
  }
  void Refund(std::int64_t seq, const char* amount, const char* currency, const char* date) {
    Result<Money> m = ParseMoney(amount, currency, Sign::kPositive);
    ASSERT_TRUE(m.ok());
    Result<std::int64_t> r = AddRefund(*ledger_, key_, NewRefund{seq, m.value(), D(date), ""});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void ExpectVerifies() {
    Result<VerifyReport> report = VerifyLedger(*ledger_);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->failure.ok())
        << report->failure.ToString() << " at entry " << report->first_bad_seq;
  }
  std::vector<OpenObligation> Open(const char* today) {
    Result<std::vector<OpenObligation>> open = ListObligations(*ledger_, D(today));
    EXPECT_TRUE(open.ok()) << open.status().ToString();
    return open.ok() ? open.value() : std::vector<OpenObligation>();
  }

  int donors_ = 0;
};

TEST_F(DonationsTest, AddScopeAdoptsThePackOnce) {
  const std::int64_t before = Count();
  Result<std::int64_t> first = Scope("fr-pres-2027", kFrPres, {{"spending_ceiling", "16851000"}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(Count(), before + 2);
  const Json adopted = EntryAt(before);
  EXPECT_EQ(adopted["kind"], "policy_adopted");
  EXPECT_EQ(adopted["pack_id"], kFrPres);
  EXPECT_EQ(adopted["pack_sha256"], HexEncode(ShippedPack(kFrPres).sha256));
  EXPECT_EQ(adopted["pack_toml"], ShippedPack(kFrPres).text);
  const Json added = EntryAt(before + 1);
  EXPECT_EQ(added["kind"], "scope_added");
  EXPECT_EQ(first.value(), before + 1);
  EXPECT_EQ(added["params"]["spending_ceiling"], Minor("16851000.00"));
  // A second scope on the same pack adopts nothing new.
  Result<std::int64_t> second =
      Scope("fr-pres-2027-bis", kFrPres, {{"spending_ceiling", "20000.00"}});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Count(), before + 3);
  EXPECT_EQ(EntryAt(before + 2)["kind"], "scope_added");
  EXPECT_EQ(ledger_->store().FindEntries("policy_adopted", "").value().size(), 1u);
  Result<BoundScope> bound = LoadScope(ledger_->store(), "fr-pres-2027-bis");
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(bound->info.params_minor.at("spending_ceiling"), Minor("20000.00"));
  EXPECT_EQ(bound->pack.sha256, ShippedPack(kFrPres).sha256);
  ExpectVerifies();
}

// A pack id names one text: changed bytes under the same id are a new pack id.
TEST_F(DonationsTest, ChangedPackUnderTheSameIdIsRefused) {
  FrScope();
  Result<Pack> changed = ParsePack(ShippedPack(kFrPres).text + "# edited\n", "edited.toml");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  ASSERT_NE(changed->sha256, ShippedPack(kFrPres).sha256);
  const std::int64_t before = Count();
  NewScope s{"fr-other", kFrPres, {}, {}, {{"spending_ceiling", "1.00"}}};
  Result<std::int64_t> r = AddScope(*ledger_, key_, changed.value(), s);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().ToString().find("new id"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(Count(), before);
}

TEST_F(DonationsTest, BadScopesAreRefusedAndWriteNothing) {
  FrScope();
  const std::int64_t before = Count();
  struct Bad {
    const char* name;
    NewScope scope;
    const char* message_has;
  };
  const std::vector<Bad> bad = {
      {"scope id used twice",
       {"fr-pres-2027", kFrPres, {}, {}, {{"spending_ceiling", "1.00"}}},
       "already exists"},
      {"required parameter missing", {"fr-b", kFrPres, {}, {}, {}}, "spending_ceiling"},
      {"unknown parameter",
       {"fr-c", kFrPres, {}, {}, {{"spending_ceiling", "1.00"}, {"x", "1"}}},
       "no scope parameter"},
      {"parameter with three decimals",
       {"fr-d", kFrPres, {}, {}, {{"spending_ceiling", "1.001"}}},
       ""},
      {"negative parameter", {"fr-e", kFrPres, {}, {}, {{"spending_ceiling", "-1.00"}}}, ""},
      {"starts before the pack",
       {"fr-f", kFrPres, D("2026-03-31"), {}, {{"spending_ceiling", "1.00"}}},
       "valid from 2026-04-01"},
      {"ends after the pack",
       {"fr-g", kFrPres, {}, D("2028-01-01"), {{"spending_ceiling", "1.00"}}},
       "2027-12-31"},
      {"ends before it starts",
       {"fr-h", kFrPres, D("2027-01-02"), D("2027-01-01"), {{"spending_ceiling", "1.00"}}},
       "ends before"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    Result<std::int64_t> r = AddScope(*ledger_, key_, ShippedPack(kFrPres), b.scope);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().ToString().find(b.message_has), std::string::npos)
        << r.status().ToString();
    EXPECT_EQ(Count(), before);
  }
  // The edges themselves are fine: the pack's first and last days.
  NewScope edges{
      "fr-edges", kFrPres, D("2026-04-01"), D("2027-12-31"), {{"spending_ceiling", "1.00"}}};
  EXPECT_TRUE(AddScope(*ledger_, key_, ShippedPack(kFrPres), edges).ok());
}

TEST_F(DonationsTest, RefusalsWriteNothingAndQuoteTheSource) {
  FrScope();
  const std::string a = Donor("person", "FR", "FR");
  const std::string company = Donor("legal-person", "FR", "FR");
  ASSERT_GE(Record(Eur(a, "4600.00")), 0);
  ExpectRefused(Eur(a, "0.01"), "Code électoral, art. L52-8 al. 1");
  ExpectRefused(Eur(company, "10.00"), "Code électoral, art. L52-8 (natural persons");
  const std::string b = Donor("person", "DE", "FR");
  ExpectRefused(Eur(b, "150.01", "cash"), "art. L52-8 al. 3");
  ExpectRefused(Eur(b, "10.00", "cheque", "2026-03-31"), "art. L52-4 al. 2");
  ExpectRefused(Req("", "10.00", "EUR", "cash", "2027-01-10", "fr-pres-2027"),
                "donors must be identified");
  // Not policy refusals, but still nothing written.
  const std::int64_t before = Count();
  Result<Recorded> usd = RecordDonation(
      *ledger_, key_, Req(b, "10.00", "USD", "cheque", "2027-01-10", "fr-pres-2027"));
  EXPECT_TRUE(usd.status().IsInvalidArgument()) << usd.status().ToString();
  Result<Recorded> nowhere = RecordDonation(
      *ledger_, key_, Req(b, "10.00", "EUR", "cheque", "2027-01-10", "no-such-scope"));
  EXPECT_TRUE(nowhere.status().IsNotFound()) << nowhere.status().ToString();
  EXPECT_EQ(Count(), before);
  ExpectVerifies();
}

TEST_F(DonationsTest, RefundsAreNettedBeforeTheCap) {
  FrScope();
  const std::string a = Donor("person", "FR", "FR");
  const std::int64_t first = Record(Eur(a, "4600.00"));
  ASSERT_GE(first, 0);
  Refund(first, "4600.00", "EUR", "2027-01-11");
  const std::int64_t second = Record(Eur(a, "4600.00"));  // refund, then give again
  ASSERT_GE(second, 0);
  Refund(second, "600.00", "EUR", "2027-01-12");
  ExpectRefused(Eur(a, "600.01"), "L52-8 al. 1");
  Result<Decision> check = CheckDonation(*ledger_, Eur(a, "600.01"));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->max_acceptable_minor, Minor("600.00"));
  ASSERT_GE(Record(Eur(a, "600.00")), 0);
  ExpectRefused(Eur(a, "0.01"), "L52-8 al. 1");
  ExpectVerifies();
}

TEST_F(DonationsTest, CashTotalCountsTheWholeScope) {
  FrScope("15000.00");  // cash in total at most 3,000.00 EUR
  for (int i = 0; i < 20; ++i)
    ASSERT_GE(Record(Eur(Donor("person", "FR", "FR"), "150.00", "cash")), 0);
  const std::string last = Donor("person", "FR", "FR");
  ExpectRefused(Eur(last, "0.01", "cash"), "art. L52-8 al. 4");
  ASSERT_GE(Record(Eur(last, "0.01", "card")), 0);
}

TEST_F(DonationsTest, FecElectionsCountApartAndExcessCarriesAnObligation) {
  ASSERT_TRUE(Scope("us-2026", kUs).ok());
  const std::string a = Donor("person", "US", "US", "Acme", "Engineer");
  const std::string b = Donor("person", "US", "US");  // no employer or occupation
  ASSERT_GE(Record(Req(a, "3500.00", "USD", "cheque", "2026-03-01", "us-2026", "P2026")), 0);
  const std::int64_t general =
      Record(Req(a, "3500.00", "USD", "cheque", "2026-03-01", "us-2026", "G2026"));
  ASSERT_GE(general, 0);
  EXPECT_FALSE(EntryAt(general).contains("obligations"));
  EXPECT_EQ(EntryAt(general)["flags"], Json::array({"30104-itemise"}));
  EXPECT_EQ(EntryAt(general)["election"], "G2026");
  const std::int64_t excess =
      Record(Req(b, "3500.01", "USD", "cheque", "2026-03-01", "us-2026", "P2026"));
  ASSERT_GE(excess, 0);
  const Json e = EntryAt(excess);
  ASSERT_EQ(e["obligations"].size(), 2u);
  EXPECT_EQ(e["obligations"][0]["rule"], "30116-cap");
  EXPECT_EQ(e["obligations"][0]["due"], "2026-04-30");
  EXPECT_EQ(e["obligations"][0]["action"], "refund, redesignate or reattribute");
  EXPECT_EQ(e["obligations"][1]["rule"], "30104-itemise");
  EXPECT_EQ(e["obligations"][1]["due"], "2026-03-31");
  // Missing election designation: not a policy refusal, a malformed request.
  const std::int64_t before = Count();
  Result<Recorded> none =
      RecordDonation(*ledger_, key_, Req(a, "10.00", "USD", "cheque", "2026-03-01", "us-2026"));
  EXPECT_TRUE(none.status().IsInvalidArgument()) << none.status().ToString();
  // Anonymous: cash up to 50.00 only.
  ASSERT_GE(Record(Req("", "50.00", "USD", "cash", "2026-03-01", "us-2026", "P2026")), 0);
  ExpectRefused(Req("", "50.01", "USD", "cash", "2026-03-01", "us-2026", "P2026"),
                "11 CFR 110.4(c)(3)");
  EXPECT_EQ(Count(), before + 1);
  ExpectVerifies();
}

TEST_F(DonationsTest, ObligationsAreListedOverdueFirstAndCleared) {
  ASSERT_TRUE(Scope("us-2026", kUs).ok());
  ASSERT_TRUE(Scope("uk-party", kUk).ok());
  const std::string us = Donor("person", "US", "US");
  const std::string abroad = Donor("person", "FR", "FR");
  // Due 2026-04-30 (cap) and 2026-03-31 (best efforts).
  const std::int64_t excess =
      Record(Req(us, "3500.01", "USD", "cheque", "2026-03-01", "us-2026", "P2026"));
  // Impermissible donor: return within 30 days, due 2026-03-12.
  const std::int64_t foreign =
      Record(Req(abroad, "1000.00", "GBP", "transfer", "2026-02-10", "uk-party"));
  ASSERT_GE(excess, 0);
  ASSERT_GE(foreign, 0);
  EXPECT_EQ(EntryAt(foreign)["obligations"][0]["due"], "2026-03-12");
  std::vector<OpenObligation> open = Open("2026-04-01");
  ASSERT_EQ(open.size(), 3u);
  EXPECT_EQ(open[0].rule_id, "s54-permissible");
  EXPECT_EQ(FormatDate(open[0].due), "2026-03-12");
  EXPECT_TRUE(open[0].overdue);
  EXPECT_EQ(open[1].rule_id, "30104-itemise");
  EXPECT_TRUE(open[1].overdue);
  EXPECT_EQ(open[2].rule_id, "30116-cap");
  EXPECT_FALSE(open[2].overdue);
  EXPECT_EQ(open[2].donation_seq, excess);
  EXPECT_EQ(open[2].subject, us);
  EXPECT_EQ(open[2].scope, "us-2026");
  // Due today is not overdue yet.
  EXPECT_FALSE(Open("2026-03-12")[0].overdue);
  // A full refund clears the impermissible gift.
  Refund(foreign, "1000.00", "GBP", "2026-02-20");
  ASSERT_EQ(Open("2026-04-01").size(), 2u);
  // Resolving clears one rule of the excessive gift, and only once.
  const std::int64_t before = Count();
  ASSERT_TRUE(ResolveObligation(*ledger_, key_, excess, "30104-itemise", "details received",
                                D("2026-03-20"))
                  .ok());
  EXPECT_EQ(Count(), before + 1);
  open = Open("2026-04-01");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].rule_id, "30116-cap");
  Result<std::int64_t> again = ResolveObligation(*ledger_, key_, excess, "30104-itemise",
                                                 "details received", D("2026-03-21"));
  EXPECT_TRUE(again.status().IsNotFound()) << again.status().ToString();
  Result<std::int64_t> none = ResolveObligation(*ledger_, key_, foreign + 100, "30116-cap",
                                                "redesignated", D("2026-03-21"));
  EXPECT_TRUE(none.status().IsNotFound()) << none.status().ToString();
  Result<std::int64_t> too_early = ResolveObligation(*ledger_, key_, excess, "30116-cap",
                                                     "redesignated", D("2026-02-28"));
  EXPECT_TRUE(too_early.status().IsInvalidArgument()) << too_early.status().ToString();
  Result<std::int64_t> wrong_rule =
      ResolveObligation(*ledger_, key_, excess, "no-such-rule", "redesignated", D("2026-03-21"));
  EXPECT_TRUE(wrong_rule.status().IsNotFound()) << wrong_rule.status().ToString();
  EXPECT_EQ(Count(), before + 1);
  ASSERT_TRUE(ResolveObligation(*ledger_, key_, excess, "30116-cap", "redesignated to G2026",
                                D("2026-03-21"))
                  .ok());
  EXPECT_TRUE(Open("2026-04-01").empty());
  ExpectVerifies();
}

TEST_F(DonationsTest, RefundOfTheExcessCuresAnExcessiveGift) {
  ASSERT_TRUE(Scope("us-2026", kUs).ok());
  const std::string a = Donor("person", "US", "US", "Acme", "Engineer");
  const std::int64_t gift =
      Record(Req(a, "3600.00", "USD", "cheque", "2026-03-01", "us-2026", "P2026"));
  ASSERT_GE(gift, 0);
  EXPECT_EQ(EntryAt(gift)["obligations"][0]["cure_minor"], 10000);
  Refund(gift, "99.99", "USD", "2026-03-10");
  ASSERT_EQ(Open("2026-03-11").size(), 1u);  // one cent short of the excess
  Refund(gift, "0.01", "USD", "2026-03-11");
  EXPECT_TRUE(Open("2026-03-12").empty());
  ExpectVerifies();
}

TEST_F(DonationsTest, UkFlagsAreWrittenInTheEntry) {
  ASSERT_TRUE(Scope("uk-party", kUk).ok());
  const std::string gb = Donor("person", "GB", "GB");
  const std::int64_t small = Record(Req(gb, "500.00", "GBP", "transfer", "2026-02-10", "uk-party"));
  const std::int64_t gift = Record(Req(gb, "500.01", "GBP", "transfer", "2026-02-10", "uk-party"));
  EXPECT_EQ(EntryAt(small)["flags"], Json::array({"s52-de-minimis"}));
  EXPECT_FALSE(EntryAt(gift).contains("flags"));
  EXPECT_FALSE(EntryAt(gift).contains("obligations"));
  ExpectRefused(Req("", "600.00", "GBP", "transfer", "2026-02-10", "uk-party"), "s.54(1)(b)");
}

TEST_F(DonationsTest, CheckGivesTheSameDecisionAndWritesNothing) {
  FrScope();
  ASSERT_TRUE(Scope("us-2026", kUs).ok());
  const std::string a = Donor("person", "FR", "FR");
  const std::string us = Donor("person", "US", "US");
  ASSERT_GE(Record(Eur(a, "4500.00")), 0);
  const std::vector<DonationRequest> requests = {
      Eur(a, "100.00"),
      Eur(a, "300.00"),
      Eur(a, "150.01", "cash"),
      Req(us, "3500.01", "USD", "cheque", "2026-03-01", "us-2026", "P2026"),
      Req(us, "100.01", "USD", "cash", "2026-03-01", "us-2026", "G2026"),
  };
  for (const DonationRequest& r : requests) {
    SCOPED_TRACE(std::to_string(r.amount_minor) + " " + r.method + " " + r.scope);
    const std::int64_t before = Count();
    Result<Decision> checked = CheckDonation(*ledger_, r);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    EXPECT_EQ(Count(), before);
    Result<Recorded> recorded = RecordDonation(*ledger_, key_, r);
    EXPECT_EQ(recorded.ok(), checked->accepted);
    if (recorded.ok()) {
      EXPECT_EQ(Count(), before + 1);
      EXPECT_EQ(recorded->decision.obligations.size(), checked->obligations.size());
      EXPECT_EQ(recorded->decision.flags, checked->flags);
      EXPECT_EQ(recorded->decision.notes, checked->notes);
    } else {
      EXPECT_EQ(Count(), before);
      EXPECT_TRUE(recorded.status().code() == StatusCode::kPolicyViolation);
      EXPECT_NE(recorded.status().ToString().find(checked->message), std::string::npos);
    }
  }
  ExpectVerifies();
  Reopen();
  ExpectVerifies();
}

}  // namespace
}  // namespace probity

namespace probity {
namespace {

// loi 88-227 art. 11-4: the cap spans all parties; the ledger records the
// donor's declaration and enforces what it can see.
TEST_F(DonationsTest, PartyCapDeclarationIsRecorded) {
  ASSERT_TRUE(Scope("party-2026", "fr-party-annual").ok());
  const std::string s = Donor("person", "FR", "FR");
  DonationRequest r = Req(s, "7500.00", "EUR", "cheque", "2026-05-01", "party-2026");
  r.cap_declared = true;
  const std::int64_t seq = Record(r);
  ASSERT_GE(seq, 0);
  EXPECT_EQ(EntryAt(seq)["cap_declared"], true);
  const std::int64_t undeclared =
      Record(Req(Donor("person", "FR", "FR"), "10.00", "EUR", "cheque", "2026-05-01",
                 "party-2026"));
  ASSERT_GE(undeclared, 0);
  EXPECT_FALSE(EntryAt(undeclared).contains("cap_declared"));
  ExpectRefused(Req(s, "0.01", "EUR", "cheque", "2026-05-02", "party-2026"),
                "art. 11-4");
  ExpectVerifies();
}

}  // namespace
}  // namespace probity
