// Scopes, checked donations and obligations through a real ledger: what is
// written (and what is not), what the entries carry, and that the ledger
// still verifies after all of it.
#include "policies/donations.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
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

const char kFrPresPack[] = "fr-candidate-2027-presidential";
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
    Result<std::int64_t> seq = Scope("fr-pres-2027", kFrPresPack, {{"spending_ceiling", ceiling}});
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
  Result<std::int64_t> first = Scope("fr-pres-2027", kFrPresPack, {{"spending_ceiling", "16851000"}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(Count(), before + 2);
  const Json adopted = EntryAt(before);
  EXPECT_EQ(adopted["kind"], "policy_adopted");
  EXPECT_EQ(adopted["pack_id"], kFrPresPack);
  EXPECT_EQ(adopted["pack_sha256"], HexEncode(ShippedPack(kFrPresPack).sha256));
  EXPECT_EQ(adopted["pack_toml"], ShippedPack(kFrPresPack).text);
  const Json added = EntryAt(before + 1);
  EXPECT_EQ(added["kind"], "scope_added");
  EXPECT_EQ(first.value(), before + 1);
  EXPECT_EQ(added["params"]["spending_ceiling"], Minor("16851000.00"));
  // A second scope on the same pack adopts nothing new.
  Result<std::int64_t> second =
      Scope("fr-pres-2027-bis", kFrPresPack, {{"spending_ceiling", "20000.00"}});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Count(), before + 3);
  EXPECT_EQ(EntryAt(before + 2)["kind"], "scope_added");
  EXPECT_EQ(ledger_->store().FindEntries("policy_adopted", "").value().size(), 1u);
  Result<BoundScope> bound = LoadScope(ledger_->store(), "fr-pres-2027-bis");
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(bound->info.params_minor.at("spending_ceiling"), Minor("20000.00"));
  EXPECT_EQ(bound->pack.sha256, ShippedPack(kFrPresPack).sha256);
  ExpectVerifies();
}

// A pack id names one text: changed bytes under the same id are a new pack id.
TEST_F(DonationsTest, ChangedPackUnderTheSameIdIsRefused) {
  FrScope();
  Result<Pack> changed = ParsePack(ShippedPack(kFrPresPack).text + "# edited\n", "edited.toml");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  ASSERT_NE(changed->sha256, ShippedPack(kFrPresPack).sha256);
  const std::int64_t before = Count();
  NewScope s{"fr-other", kFrPresPack, {}, {}, {{"spending_ceiling", "1.00"}}};
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
       {"fr-pres-2027", kFrPresPack, {}, {}, {{"spending_ceiling", "1.00"}}},
       "already exists"},
      {"required parameter missing", {"fr-b", kFrPresPack, {}, {}, {}}, "spending_ceiling"},
      {"unknown parameter",
       {"fr-c", kFrPresPack, {}, {}, {{"spending_ceiling", "1.00"}, {"x", "1"}}},
       "no scope parameter"},
      {"parameter with three decimals",
       {"fr-d", kFrPresPack, {}, {}, {{"spending_ceiling", "1.001"}}},
       ""},
      {"negative parameter", {"fr-e", kFrPresPack, {}, {}, {{"spending_ceiling", "-1.00"}}}, ""},
      {"starts before the pack",
       {"fr-f", kFrPresPack, D("2026-03-31"), {}, {{"spending_ceiling", "1.00"}}},
       "valid from 2026-04-01"},
      {"ends after the pack",
       {"fr-g", kFrPresPack, {}, D("2028-01-01"), {{"spending_ceiling", "1.00"}}},
       "2027-12-31"},
      {"ends before it starts",
       {"fr-h", kFrPresPack, D("2027-01-02"), D("2027-01-01"), {{"spending_ceiling", "1.00"}}},
       "ends before"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    Result<std::int64_t> r = AddScope(*ledger_, key_, ShippedPack(kFrPresPack), b.scope);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().ToString().find(b.message_has), std::string::npos)
        << r.status().ToString();
    EXPECT_EQ(Count(), before);
  }
  // The edges themselves are fine: the pack's first and last days.
  NewScope edges{
      "fr-edges", kFrPresPack, D("2026-04-01"), D("2027-12-31"), {{"spending_ceiling", "1.00"}}};
  EXPECT_TRUE(AddScope(*ledger_, key_, ShippedPack(kFrPresPack), edges).ok());
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

TEST_F(DonationsTest, DeciderInterningElectionsAgainKeepsEachGiftsElection) {
  ASSERT_TRUE(Scope("us-2026", kUs).ok());
  std::string first = Donor("person", "US", "US", "Acme", "Engineer");
  std::string second = Donor("person", "US", "US", "Acme", "Engineer");
  // Interned in order of use: G2026 (by `second`) then P2026 (by `first`).
  // Interned again in the cache's order, by subject, P2026 comes first: every
  // id changes, so a gift left with its old id would read as the other election.
  if (second < first) std::swap(first, second);
  DonationDecider decider(ledger_->store(), kDeciderCacheBytesMax, /*elections_max=*/1);
  // The rules of the cap a gift breaks, as recorded (FEC: an obligation, not a refusal).
  auto over_cap = [&](const DonationRequest& r) {
    std::int64_t seq = -1;
    Result<std::vector<std::int64_t>> added = ledger_->Append(key_, [&](AppendBatch& batch) {
      PROBITY_ASSIGN_OR_RETURN(Recorded rec, decider.Record(batch, r));
      seq = rec.seq;
      return Status::OK();
    });
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    if (!added.ok()) return false;
    const Json e = EntryAt(seq);
    return e.contains("obligations") && e["obligations"][0]["rule"] == "30116-cap";
  };
  const std::int64_t start = Count();
  EXPECT_FALSE(over_cap(Req(second, "3000.00", "USD", "cheque", "2026-03-01", "us-2026", "G2026")));
  EXPECT_FALSE(over_cap(Req(first, "3000.00", "USD", "cheque", "2026-03-01", "us-2026", "P2026")));
  decider.Trim(start);  // both donors kept (as if their gifts were still being signed)
  ASSERT_EQ(decider.cached_donors(), 2u);
  EXPECT_TRUE(over_cap(Req(first, "600.00", "USD", "cheque", "2026-03-02", "us-2026", "P2026")));
  EXPECT_TRUE(over_cap(Req(second, "600.00", "USD", "cheque", "2026-03-02", "us-2026", "G2026")));
  EXPECT_FALSE(over_cap(Req(first, "3500.00", "USD", "cheque", "2026-03-02", "us-2026", "G2026")));
  EXPECT_FALSE(over_cap(Req(second, "3500.00", "USD", "cheque", "2026-03-02", "us-2026", "P2026")));
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
  Result<std::int64_t> too_early =
      ResolveObligation(*ledger_, key_, excess, "30116-cap", "redesignated", D("2026-02-28"));
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

TEST_F(DonationsTest, UkGiftsUnderTheDeMinimisStayOutOfTheReportableTotal) {
  ASSERT_TRUE(Scope("uk-party", kUk).ok());
  const std::string gb = Donor("person", "GB", "GB");
  // Five payments of 400 GBP are not donations (s.52(2)(b)): the 600 GBP gift
  // is reportable on its own, not as 2,600 GBP. A history that merged the five
  // into one 2,000 GBP gift would flag it, and verify's replay would not.
  for (int i = 0; i < 5; ++i) {
    ASSERT_GE(Record(Req(gb, "400.00", "GBP", "transfer", "2026-02-10", "uk-party")), 0);
  }
  const std::int64_t gift = Record(Req(gb, "600.00", "GBP", "transfer", "2026-02-11", "uk-party"));
  ASSERT_GE(gift, 0);
  EXPECT_FALSE(EntryAt(gift).contains("flags")) << EntryAt(gift).dump();
  // Over the threshold counted gift by gift: flagged.
  const std::int64_t more = Record(Req(gb, "2000.00", "GBP", "transfer", "2026-02-12", "uk-party"));
  ASSERT_GE(more, 0);
  EXPECT_EQ(EntryAt(more)["flags"], Json::array({"s62-report-units"}));
  ExpectVerifies();
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
  const std::int64_t undeclared = Record(
      Req(Donor("person", "FR", "FR"), "10.00", "EUR", "cheque", "2026-05-01", "party-2026"));
  ASSERT_GE(undeclared, 0);
  EXPECT_FALSE(EntryAt(undeclared).contains("cap_declared"));
  ExpectRefused(Req(s, "0.01", "EUR", "cheque", "2026-05-02", "party-2026"), "art. 11-4");
  ExpectVerifies();
}

// Corrections: a donation recorded wrongly is restated, decided again as if
// the original had not been given, and every aggregate counts the restated
// gift.
class CorrectionsTest : public DonationsTest {
 protected:
  Result<Recorded> Correct(std::int64_t seq, const char* amount, const char* currency,
                           const char* method = nullptr, const char* date = nullptr) {
    CorrectionRequest c;
    c.donation_seq = seq;
    if (amount != nullptr) c.amount = ParseMoney(amount, currency, Sign::kPositive).value();
    if (method != nullptr) c.method = method;
    if (date != nullptr) c.date = D(date);
    c.reason = "typing error";
    return RecordCorrection(*ledger_, key_, c);
  }
  // Refused with `code`, quoting `why`, and nothing written.
  void ExpectCorrectionRefused(std::int64_t seq, const char* amount, const char* currency,
                               const char* method, const char* date, StatusCode code,
                               const char* why) {
    const std::int64_t before = Count();
    Result<Recorded> r = Correct(seq, amount, currency, method, date);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().ToString().find(why), std::string::npos) << r.status().ToString();
    EXPECT_EQ(Count(), before);
  }
};

TEST_F(CorrectionsTest, CorrectedAmountCountsInTheCap) {
  FrScope();
  const std::string a = Donor("person", "FR", "FR");
  const std::int64_t gift = Record(Eur(a, "4000.00"));  // was 400.00
  ASSERT_GE(gift, 0);
  ExpectRefused(Eur(a, "600.01"), "L52-8 al. 1");
  Result<Recorded> fixed = Correct(gift, "400.00", "EUR");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  const Json e = EntryAt(fixed->seq);
  EXPECT_EQ(e["kind"], "correction");
  EXPECT_EQ(e["donation_seq"], gift);
  EXPECT_EQ(e["subject"], a);
  EXPECT_EQ(e["amount_minor"], 40000);
  EXPECT_EQ(e["method"], "cheque");
  EXPECT_EQ(e["date"], "2027-01-10");
  const std::vector<DonationRecord> list = ListDonations(*ledger_, "", a).value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].amount_minor, 40000);
  EXPECT_EQ(list[0].corrections, 1);
  ExpectRefused(Eur(a, "4200.01"), "L52-8 al. 1");
  const std::int64_t more = Record(Eur(a, "4200.00"));
  ASSERT_GE(more, 0);
  // Upward past the cap: refused like a gift, quoting the rule, nothing written.
  ExpectCorrectionRefused(gift, "400.01", "EUR", nullptr, nullptr, StatusCode::kPolicyViolation,
                          "L52-8 al. 1");
  // Its own amount does not count against itself.
  ASSERT_TRUE(Correct(more, "4199.99", "EUR").ok());
  ASSERT_TRUE(Correct(more, "4200.00", "EUR").ok());
  ExpectVerifies();
}

TEST_F(CorrectionsTest, CorrectedMethodMovesTheCashTotal) {
  FrScope("15000.00");  // cash in total at most 3,000.00 EUR
  std::vector<std::int64_t> gifts;
  for (int i = 0; i < 20; ++i)
    gifts.push_back(Record(Eur(Donor("person", "FR", "FR"), "150.00", "cash")));
  const std::string last = Donor("person", "FR", "FR");
  ExpectRefused(Eur(last, "0.01", "cash"), "art. L52-8 al. 4");
  const std::int64_t card = Record(Eur(last, "100.00", "card"));
  // Card to cash would pass the total; cash to card frees room.
  ExpectCorrectionRefused(card, nullptr, nullptr, "cash", nullptr, StatusCode::kPolicyViolation,
                          "art. L52-8 al. 4");
  ASSERT_TRUE(Correct(gifts[0], nullptr, nullptr, "card").ok());
  ASSERT_TRUE(Correct(card, nullptr, nullptr, "cash").ok());
  ExpectRefused(Eur(Donor("person", "FR", "FR"), "50.01", "cash"), "art. L52-8 al. 4");
  ASSERT_GE(Record(Eur(Donor("person", "FR", "FR"), "50.00", "cash")), 0);
  // Corrected twice: only the latest counts.
  ASSERT_TRUE(Correct(gifts[1], nullptr, nullptr, "card").ok());
  ASSERT_TRUE(Correct(gifts[1], nullptr, nullptr, "cash").ok());
  ExpectRefused(Eur(Donor("person", "FR", "FR"), "0.01", "cash"), "art. L52-8 al. 4");
  ExpectVerifies();
}

TEST_F(CorrectionsTest, BadCorrectionsAreRefusedAndWriteNothing) {
  FrScope();
  const std::string a = Donor("person", "FR", "FR");
  const std::int64_t gift = Record(Eur(a, "300.00"));
  ASSERT_GE(gift, 0);
  Refund(gift, "100.00", "EUR", "2027-01-12");
  const StatusCode bad = StatusCode::kInvalidArgument;
  ExpectCorrectionRefused(gift, "99.99", "EUR", nullptr, nullptr, bad, "already refunded");
  ExpectCorrectionRefused(gift, nullptr, nullptr, nullptr, "2027-01-13", bad, "first refund");
  ExpectCorrectionRefused(gift, "300.00", "EUR", "cheque", "2027-01-10", bad, "changes nothing");
  ExpectCorrectionRefused(gift, "30.00", "USD", nullptr, nullptr, bad, "is in EUR");
  ExpectCorrectionRefused(gift, nullptr, nullptr, "barter", nullptr, bad, "method");
  ExpectCorrectionRefused(gift - 1, "30.00", "EUR", nullptr, nullptr, StatusCode::kNotFound,
                          "not a donation");
  ExpectCorrectionRefused(gift + 100, "30.00", "EUR", nullptr, nullptr, StatusCode::kNotFound,
                          "not a donation");
  // Outside the scope's dates: the pack refuses the restated gift.
  ExpectCorrectionRefused(gift, nullptr, nullptr, nullptr, "2030-01-01",
                          StatusCode::kInvalidArgument, "first refund");
  ASSERT_TRUE(Correct(gift, "100.00", "EUR", nullptr, "2027-01-12").ok());
  // The refund of the rest now fails: nothing is left.
  Result<std::int64_t> r = AddRefund(
      *ledger_, key_,
      NewRefund{gift, ParseMoney("0.01", "EUR", Sign::kPositive).value(), D("2027-01-12"), ""});
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  ExpectVerifies();
}

TEST_F(CorrectionsTest, CorrectionDecidesAgainOutsideTheScopeDates) {
  FrScope();
  const std::int64_t gift = Record(Eur(Donor("person", "FR", "FR"), "300.00"));
  ASSERT_GE(gift, 0);
  ExpectCorrectionRefused(gift, nullptr, nullptr, nullptr, "2031-01-01",
                          StatusCode::kPolicyViolation, "L52-4");
}

TEST_F(CorrectionsTest, CorrectionReplacesTheObligations) {
  ASSERT_TRUE(Scope("us-2026", kUs).ok());
  const std::string a = Donor("person", "US", "US", "Acme", "Engineer");
  const std::int64_t gift =
      Record(Req(a, "3600.00", "USD", "cheque", "2026-03-01", "us-2026", "P2026"));
  ASSERT_GE(gift, 0);
  ASSERT_EQ(Open("2026-03-02").size(), 1u);
  Result<Recorded> down = Correct(gift, "3500.00", "USD");
  ASSERT_TRUE(down.ok()) << down.status().ToString();
  EXPECT_FALSE(EntryAt(down->seq).contains("obligations"));
  EXPECT_TRUE(Open("2026-03-02").empty());
  Result<Recorded> up = Correct(gift, "3700.00", "USD", nullptr, "2026-03-05");
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  const std::vector<OpenObligation> open = Open("2026-03-06");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].donation_seq, gift);
  EXPECT_EQ(open[0].rule_id, "30116-cap");
  EXPECT_EQ(FormatDate(open[0].due), "2026-05-04");  // 60 days from the corrected date
  Refund(gift, "200.00", "USD", "2026-03-10");
  EXPECT_TRUE(Open("2026-03-11").empty());
  ExpectVerifies();
}

// Random streams of gifts, refunds and corrections through the real ledger,
// against a book the test keeps itself: every gift and every correction must
// get the decision Decide() gives on the history the book implies (net of
// refunds, as corrected), so the ledger's aggregates cannot drift from the
// entries. Seed printed; PROBITY_MODEL_SEED replays one.
TEST_F(CorrectionsTest, RandomStreamsAgreeWithTheTestsOwnBook) {
  FrScope("15000.00");  // cash in total at most 3,000.00 EUR
  const BoundScope scope = LoadScope(ledger_->store(), "fr-pres-2027").value();
  std::vector<DonorFacts> donors;
  for (int i = 0; i < 3; ++i) {
    DonorFacts d;
    d.subject = Donor("person", "FR", "FR");
    d.donor_type = "person";
    d.nationality = "FR";
    d.residence = "FR";
    donors.push_back(d);
  }
  struct Booked {
    std::int64_t seq;
    std::size_t donor;
    std::int64_t amount, refunded;
    std::string method;
    Date date;
    std::optional<Date> first_refund;
  };
  std::vector<Booked> book;
  std::uint32_t seed = std::random_device{}();
  if (const char* env = std::getenv("PROBITY_MODEL_SEED"); env != nullptr && *env != '\0') {
    seed = static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10));
  }
  std::cout << "[ seed     ] PROBITY_MODEL_SEED=" << seed << " (ledger stream)\n";
  std::mt19937 rng(seed);
  auto uniform = [&rng](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  static const char* const kMethods[] = {"cash", "cash", "cheque", "card"};
  auto history = [&](std::size_t donor, std::int64_t except) {
    History h;
    h.scope_method_minor["cash"] = 0;
    for (const Booked& b : book) {
      if (b.seq == except) continue;
      if (b.method == "cash") h.scope_method_minor["cash"] += b.amount;
      if (b.donor == donor)
        h.donor_gifts.push_back(PastGift{b.amount - b.refunded, b.date, "", "gift"});
    }
    return h;
  };
  std::map<std::string, int> seen;
  for (int step = 0; step < 400; ++step) {
    const std::int64_t kind = uniform(0, 99);
    std::ostringstream where;
    where << "seed " << seed << " step " << step;
    if (kind < 20 && !book.empty()) {  // a refund
      Booked& b =
          book[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(book.size()) - 1))];
      if (b.amount == b.refunded) continue;
      const std::int64_t amount = uniform(1, b.amount - b.refunded);
      const Date date = AddDays(b.date, uniform(0, 20));
      Result<std::int64_t> r = AddRefund(
          *ledger_, key_, NewRefund{b.seq, Money(amount, LookupCurrency("EUR").value()), date, ""});
      ASSERT_TRUE(r.ok()) << where.str() << ": " << r.status().ToString();
      b.refunded += amount;
      if (!b.first_refund || date < *b.first_refund) b.first_refund = date;
      ++seen["refund"];
      continue;
    }
    // Cash mostly near its per-gift limit (150.00), so that the scope's cash
    // total is reached; other gifts sometimes right at the cap.
    const std::string method = kMethods[uniform(0, 3)];
    const std::int64_t amount = method == "cash"     ? uniform(12000, 15100)
                                : uniform(0, 3) == 0 ? uniform(459998, 460002)
                                                     : uniform(1, 200000);
    const Date date = AddDays(D("2026-02-01"), uniform(0, 480));
    if (kind < 45 && !book.empty()) {  // a correction
      const std::size_t at =
          static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(book.size()) - 1));
      Booked& b = book[at];
      const bool change_amount = uniform(0, 1) == 1;
      const Booked restated{b.seq,         b.donor, change_amount ? amount : b.amount,
                            b.refunded,    method,  uniform(0, 2) == 0 ? date : b.date,
                            b.first_refund};
      CorrectionRequest c;
      c.donation_seq = b.seq;
      if (change_amount) c.amount = Money(restated.amount, LookupCurrency("EUR").value());
      c.method = restated.method;
      c.date = restated.date;
      c.reason = "typing error";
      const std::int64_t before = Count();
      Result<Recorded> got = RecordCorrection(*ledger_, key_, c);
      if (restated.amount == b.amount && restated.method == b.method && restated.date == b.date) {
        EXPECT_TRUE(got.status().IsInvalidArgument()) << where.str();
      } else if (restated.amount < b.refunded ||
                 (b.first_refund && *b.first_refund < restated.date)) {
        EXPECT_TRUE(got.status().IsInvalidArgument())
            << where.str() << ": " << got.status().ToString();
        ++seen["correction refused as impossible"];
      } else {
        const Decision want =
            Decide(scope.pack, scope.info, donors[b.donor],
                   GiftFacts{restated.amount, "EUR", restated.method, restated.date, "", "gift"},
                   history(b.donor, b.seq))
                .value();
        ASSERT_EQ(got.ok(), want.accepted) << where.str() << ": " << got.status().ToString();
        if (!want.accepted) {
          EXPECT_EQ(got.status().message(), want.message) << where.str();
        } else {
          b = restated;
        }
        ++seen[want.accepted ? "correction accepted" : "correction refused: " + want.rule_id];
      }
      if (!got.ok()) {
        ASSERT_EQ(Count(), before) << where.str();
      }
      continue;
    }
    const std::size_t donor = static_cast<std::size_t>(uniform(0, 2));
    DonationRequest r =
        Req(donors[donor].subject, "1.00", "EUR", method.c_str(), "2026-04-01", "fr-pres-2027");
    r.amount_minor = amount;
    r.date = date;
    const Decision want =
        Decide(scope.pack, scope.info, donors[donor],
               GiftFacts{amount, "EUR", method, date, "", "gift"}, history(donor, -1))
            .value();
    const Decision checked = CheckDonation(*ledger_, r).value();
    EXPECT_EQ(checked.accepted, want.accepted) << where.str();
    EXPECT_EQ(checked.max_acceptable_minor, want.max_acceptable_minor) << where.str();
    Result<Recorded> got = RecordDonation(*ledger_, key_, r);
    ASSERT_EQ(got.ok(), want.accepted) << where.str() << ": " << got.status().ToString();
    ++seen[want.accepted ? "gift accepted" : "gift refused: " + want.rule_id];
    if (got.ok()) book.push_back(Booked{got->seq, donor, amount, 0, method, date, std::nullopt});
  }
  for (const char* edge :
       {"refund", "gift accepted", "gift refused: L52-8-cap", "gift refused: L52-8-cash-total",
        "gift refused: L52-4-period", "correction accepted", "correction refused as impossible"}) {
    EXPECT_GT(seen[edge], 0) << "the stream never reached: " << edge << " (seed " << seed << ")";
  }
  ExpectVerifies();
}

}  // namespace
}  // namespace probity
