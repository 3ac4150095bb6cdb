// The summary's figures, summed from the gift_deltas table, held to the
// obvious computation that decodes every donation (LoadReportDonations and
// ListDonations, as the summary did before the table): on a generated ledger
// with refunds, corrections (of amount, method and date, after refunds, twice
// over), anonymous gifts, four scopes under caps by scope, calendar year and
// election, three currencies, two years of months, obligations, and donors
// near their caps. The same ledger must pass `verify`, which recomputes every
// gift_deltas row; a row edited behind the program's back changes the summary
// and fails verify.
#include "reports/summary_report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

#include "ledger/verify.h"
#include "policies/donations.h"
#include "policies/scopes.h"
#include "tests/ledger/test_ledger_util.h"
#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

// ---- The obvious computation, kept here as the reference. ----

SummaryTotals ObviousTotals(const std::vector<ReportDonation>& gifts) {
  SummaryTotals t;
  for (const ReportDonation& d : gifts) {
    const std::string month = FormatDate(d.date).substr(0, 7);
    t.per_month[{d.currency, month}] += d.net_minor();
    t.per_method[{d.currency, d.method}] += d.net_minor();
    t.per_scope[{d.currency, d.scope}] += d.net_minor();
    t.total[d.currency] += d.net_minor();
    ++t.donations;
  }
  return t;
}

std::vector<NearCap> ObviousNearCap(const std::vector<BoundScope>& scopes,
                                    const std::vector<ReportDonation>& gifts) {
  std::vector<NearCap> out;
  for (const BoundScope& s : scopes) {
    for (const Rule& rule : s.pack.rules) {
      if (rule.type != RuleType::kCap || !rule.amount_minor) continue;
      std::map<std::pair<std::string, std::string>, std::int64_t> used;  // (subject, window)
      for (const ReportDonation& d : gifts) {
        if (d.scope != s.info.id || d.subject.empty()) continue;
        const std::string window = rule.window == Window::kCalendarYear ? std::to_string(d.date.year)
                                   : rule.window == Window::kElection   ? d.election
                                                                        : s.info.id;
        used[{d.subject, window}] += d.net_minor();
      }
      for (const auto& [key, minor] : used) {
        if (minor * 100 < *rule.amount_minor * kNearCapPercent) continue;
        out.push_back(NearCap{key.first, s.info.id, key.second, minor, *rule.amount_minor,
                              rule.source});
      }
    }
  }
  return out;
}

// ListObligations as it was: every donation folded, then its obligations.
std::vector<std::tuple<std::int64_t, std::string, std::string>> ObviousObligations(
    Ledger& ledger, const Date& today) {
  std::set<std::pair<std::int64_t, std::string>> resolved;
  const std::vector<std::int64_t> done =
      ledger.store().FindEntries("obligation_resolved", "").value();
  for (std::int64_t seq : done) {
    Json e = ReadDecodedEntry(ledger.store(), seq).value();
    resolved.insert({e["donation_seq"].get<std::int64_t>(), e["rule"].get<std::string>()});
  }
  std::vector<std::tuple<bool, Date, std::int64_t, std::string, std::string>> open;
  const std::vector<DonationRecord> gifts = LoadDonations(ledger.store(), "", "").value();
  for (const DonationRecord& d : gifts) {
    for (const Json& o : d.obligations) {
      if (resolved.count({d.seq, o["rule"].get<std::string>()})) continue;
      const std::int64_t cure = o.value("cure_minor", std::int64_t{0});
      if (cure > 0 && d.refunded_minor >= cure) continue;
      const Date due = ParseDate(o["due"].get<std::string>()).value();
      open.emplace_back(!(due < today), due, d.seq, o["rule"].get<std::string>(),
                        o["action"].get<std::string>());
    }
  }
  std::stable_sort(open.begin(), open.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  std::vector<std::tuple<std::int64_t, std::string, std::string>> out;
  for (const auto& o : open) out.emplace_back(std::get<2>(o), std::get<3>(o), std::get<4>(o));
  return out;
}

// ---- A generated ledger. ----

struct ScopeSpec {
  const char* id;
  const char* pack;
  const char* currency;
};
constexpr ScopeSpec kScopes[] = {
    {"fr-pres-2027", "fr-candidate-2027-presidential", "EUR"},  // cap 4,600 per scope
    {"fr-party", "fr-party-annual", "EUR"},                     // cap 7,500 per calendar year
    {"us-2026", "us-fec-2025-2026-candidate", "USD"},           // cap 3,500 per election
    {"uk-party", "uk-ppera-party", "GBP"},                      // no cap with an amount
};
constexpr const char* kMethods[] = {"cheque", "transfer", "card", "cash"};

// What the generator knows of a gift, to write only refunds and corrections
// that verify accepts.
struct GiftModel {
  std::string subject, scope, currency, date, first_refund;
  std::int64_t amount_minor = 0, refunded_minor = 0;
};

class SummaryReportTest : public testing::LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    for (const ScopeSpec& s : kScopes) {
      NewScope scope;
      scope.id = s.id;
      scope.pack_id = s.pack;
      if (std::string(s.id) == "fr-pres-2027") scope.params = {{"spending_ceiling", "16851000.00"}};
      Result<std::int64_t> added = AddScope(*ledger_, key_, testing::ShippedPack(s.pack), scope);
      ASSERT_TRUE(added.ok()) << s.id << ": " << added.status().ToString();
    }
    for (int i = 0; i < 10; ++i) donors_.push_back(AddPerson("Donor " + std::to_string(i)));
  }

  // A whole number in [0, n).
  std::int64_t Rand(std::int64_t n) {
    return static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(n));
  }
  std::string RandomDate(int year_from) {
    const int year = year_from + static_cast<int>(Rand(2));
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, static_cast<int>(1 + Rand(12)),
                  static_cast<int>(1 + Rand(28)));
    return date;
  }
  Json Obligation(const std::string& due, std::int64_t cure_minor) {
    Json o = {{"rule", "test-rule-" + std::to_string(Rand(3))}, {"due", due},
              {"action", "refund the excess"}};
    if (cure_minor > 0) o["cure_minor"] = cure_minor;
    return Json::array({o});
  }

  EntryDraft Donation(std::int64_t seq) {
    const ScopeSpec& s = kScopes[Rand(4)];
    GiftModel g;
    g.scope = s.id;
    // One gift in eight in another currency than the pack's: totals never mix them.
    g.currency = Rand(8) == 0 ? "GBP" : s.currency;
    g.date = RandomDate(2026);
    // Donors 0-2 give a lot (near or over the caps), the others little.
    const auto donor = static_cast<std::size_t>(Rand(static_cast<std::int64_t>(donors_.size())));
    g.amount_minor = donor < 3 ? 100000 + Rand(300000)
                               : 500 + Rand(20000);
    EntryDraft d{"donation", Json::object()};
    if (Rand(10) == 0) {
      d.fields["anonymous"] = true;
    } else {
      g.subject = donors_[donor];
      d.fields["subject"] = g.subject;
    }
    d.fields["amount_minor"] = g.amount_minor;
    d.fields["currency"] = g.currency;
    d.fields["method"] = kMethods[Rand(4)];
    d.fields["date"] = g.date;
    d.fields["scope"] = g.scope;
    if (g.scope == "us-2026" && Rand(4) != 0) d.fields["election"] = Rand(2) ? "P2026" : "G2026";
    if (Rand(6) == 0) d.fields["obligations"] = Obligation("2027-03-01", g.amount_minor / 2);
    gifts_[seq] = g;
    return d;
  }

  // A refund of an identified gift with money left, or nothing.
  std::optional<EntryDraft> Refund(std::int64_t donation_seq) {
    GiftModel& g = gifts_[donation_seq];
    const std::int64_t left = g.amount_minor - g.refunded_minor;
    if (g.subject.empty() || left <= 0) return std::nullopt;
    // Whole gifts sometimes, so that a group's net reaches zero.
    const std::int64_t amount = Rand(4) == 0 ? left : 1 + Rand(left);
    const std::string date = g.date < "2027-06-01" ? "2027-06-01" : g.date;
    EntryDraft r{"refund", {{"subject", g.subject}, {"donation_seq", donation_seq},
                            {"amount_minor", amount}, {"currency", g.currency}, {"date", date}}};
    g.refunded_minor += amount;
    if (g.first_refund.empty()) g.first_refund = date;
    return r;
  }

  // A restated amount (never below what was refunded), method and date (never
  // after the first refund).
  EntryDraft Correction(std::int64_t donation_seq) {
    GiftModel& g = gifts_[donation_seq];
    g.amount_minor = g.refunded_minor + 1 + Rand(300000);
    std::string date = RandomDate(2026);
    if (!g.first_refund.empty() && date > g.first_refund) date = g.first_refund;
    g.date = date;
    EntryDraft c{"correction", {{"donation_seq", donation_seq}, {"scope", g.scope},
                                {"currency", g.currency}, {"amount_minor", g.amount_minor},
                                {"method", kMethods[Rand(4)]}, {"date", date},
                                {"reason", "typing error"}}};
    if (!g.subject.empty()) c.fields["subject"] = g.subject;
    if (Rand(5) == 0) c.fields["obligations"] = Obligation("2027-09-01", 0);
    return c;
  }

  // `batches` transactions of about 40 entries: donations first, then refunds
  // and corrections of random earlier gifts, mixed.
  void Generate(int batches) {
    for (int b = 0; b < batches; ++b) {
      auto appended = ledger_->Append(key_, [&](AppendBatch& batch) -> Status {
        for (int i = 0; i < 40; ++i) {
          const std::int64_t pick = Rand(10);
          if (pick < 6 || gifts_.empty()) {
            PROBITY_RETURN_IF_ERROR(batch.Add(Donation(batch.next_seq())).status());
            continue;
          }
          auto it = gifts_.begin();
          std::advance(it, static_cast<long>(Rand(static_cast<std::int64_t>(gifts_.size()))));
          if (pick < 8) {
            std::optional<EntryDraft> r = Refund(it->first);
            if (r) PROBITY_RETURN_IF_ERROR(batch.Add(*r).status());
          } else {
            PROBITY_RETURN_IF_ERROR(batch.Add(Correction(it->first)).status());
          }
        }
        return Status::OK();
      });
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    }
  }

  // Gifts that put donors at a cap's edge, after the generated ones so that no
  // generated refund or correction touches them: 80% of the 7,500.00 EUR
  // calendar-year cap exactly, and a cent under, in a year nothing else has.
  void GiveAtTheEdge() {
    at_edge_ = AddPerson("At The Edge");
    below_edge_ = AddPerson("Below The Edge");
    const std::vector<std::pair<std::string, std::int64_t>> gifts = {
        {at_edge_, 350000}, {at_edge_, 250000}, {below_edge_, 350000}, {below_edge_, 249999}};
    auto appended = ledger_->Append(key_, [&](AppendBatch& batch) -> Status {
      for (const auto& [subject, amount] : gifts) {
        EntryDraft d{"donation", {{"subject", subject}, {"amount_minor", amount},
                                  {"currency", "EUR"}, {"method", "transfer"},
                                  {"date", amount == 350000 ? "2028-02-01" : "2028-11-30"},
                                  {"scope", "fr-party"}}};
        PROBITY_RETURN_IF_ERROR(batch.Add(d).status());
      }
      return Status::OK();
    });
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  }

  void ExpectSummaryMatchesObvious() {
    const Date today{2027, 6, 1};
    Result<Summary> fast = BuildSummary(*ledger_, today);
    ASSERT_TRUE(fast.ok()) << fast.status().ToString();
    std::vector<ReportDonation> gifts = LoadReportDonations(*ledger_, "").value();
    std::vector<BoundScope> scopes = ListScopes(ledger_->store()).value();
    SummaryTotals want = ObviousTotals(gifts);
    EXPECT_EQ(fast->totals.per_month, want.per_month);
    EXPECT_EQ(fast->totals.per_method, want.per_method);
    EXPECT_EQ(fast->totals.per_scope, want.per_scope);
    EXPECT_EQ(fast->totals.total, want.total);
    EXPECT_EQ(fast->totals.donations, want.donations);
    EXPECT_EQ(fast->near_cap, ObviousNearCap(scopes, gifts));
    std::vector<std::tuple<std::int64_t, std::string, std::string>> open;
    const std::vector<OpenObligation> listed = ListObligations(*ledger_, today).value();
    for (const OpenObligation& o : listed) {
      open.emplace_back(o.donation_seq, o.rule_id, o.action);
    }
    EXPECT_EQ(open, ObviousObligations(*ledger_, today));
  }

  std::mt19937 rng_{20270415};
  std::vector<std::string> donors_;
  std::string at_edge_, below_edge_;
  std::map<std::int64_t, GiftModel> gifts_;  // by donation seq
};

TEST_F(SummaryReportTest, GeneratedLedgerMatchesTheDecodedComputation) {
  Generate(12);
  GiveAtTheEdge();
  ExpectSummaryMatchesObvious();
  // The generator made what the comparison is about.
  Summary s = BuildSummary(*ledger_, Date{2027, 6, 1}).value();
  EXPECT_GE(s.totals.total.size(), 3u) << "currencies";
  EXPECT_GE(s.totals.per_month.size(), 20u) << "months";
  EXPECT_GE(s.near_cap.size(), 3u) << "donors near a cap";
  std::set<std::string> scopes;
  for (const NearCap& n : s.near_cap) scopes.insert(n.scope);
  // fr-pres-2027 caps by scope, fr-party by calendar year, us-2026 by election.
  EXPECT_EQ(scopes.size(), 3u) << "near-cap rows under three kinds of window";
  auto listed = [&](const std::string& subject) {
    return std::any_of(s.near_cap.begin(), s.near_cap.end(),
                       [&](const NearCap& n) { return n.subject == subject; });
  };
  EXPECT_TRUE(listed(at_edge_)) << "80% exactly is near";
  EXPECT_FALSE(listed(below_edge_)) << "a cent under 80% is not";
  EXPECT_GE(ledger_->store().FindEntries("correction", "").value().size(), 30u);
  EXPECT_GE(ledger_->store().FindEntries("refund", "").value().size(), 30u);
  VerifyReport report = VerifyLedger(*ledger_).value();
  EXPECT_TRUE(report.failure.ok()) << report.failure.message();
}

TEST_F(SummaryReportTest, MatchesAfterEveryBatch) {
  for (int b = 0; b < 4; ++b) {
    Generate(1);
    ExpectSummaryMatchesObvious();
  }
}

TEST_F(SummaryReportTest, ResolvedAndCuredObligationsLeaveTheList) {
  Generate(3);
  // Resolve the first open obligation: both computations must drop it.
  std::vector<OpenObligation> open = ListObligations(*ledger_, Date{2027, 6, 1}).value();
  ASSERT_FALSE(open.empty());
  ASSERT_TRUE(ResolveObligation(*ledger_, key_, open.front().donation_seq, open.front().rule_id,
                                "redesignated", Date{2027, 6, 2})
                  .ok());
  ExpectSummaryMatchesObvious();
  EXPECT_EQ(ListObligations(*ledger_, Date{2027, 6, 1}).value().size(), open.size() - 1);
}

TEST_F(SummaryReportTest, EmptyLedgerHasNoTotals) {
  Summary s = BuildSummary(*ledger_, Date{2027, 6, 1}).value();
  EXPECT_TRUE(s.totals.total.empty());
  EXPECT_EQ(s.totals.donations, 0u);
  EXPECT_TRUE(s.near_cap.empty());
  EXPECT_NE(s.html.find("0 donations"), std::string::npos);
}

// A row changed behind the program's back changes the summary; verify finds
// the entry whose rows it is.
TEST_F(SummaryReportTest, EditedRowChangesTheSummaryAndFailsVerify) {
  Generate(2);
  ASSERT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
  Db& db = ledger_->store().db();
  const std::int64_t seq =
      QueryInt64(db, "SELECT min(seq) FROM gift_deltas WHERE role = 0 AND seq > 20").value();
  ASSERT_TRUE(db.Exec("DROP TRIGGER gift_deltas_no_update").ok());
  ASSERT_TRUE(db.Exec("UPDATE gift_deltas SET delta_minor = delta_minor + 100000 WHERE seq = " +
                      std::to_string(seq))
                  .ok());
  ASSERT_TRUE(db.Exec("CREATE TRIGGER gift_deltas_no_update BEFORE UPDATE ON gift_deltas "
                      "BEGIN SELECT RAISE(ABORT, 'probity: gift deltas are append-only'); END;")
                  .ok());
  Result<Summary> fast = BuildSummary(*ledger_, Date{2027, 6, 1});
  ASSERT_TRUE(fast.ok());
  SummaryTotals want = ObviousTotals(LoadReportDonations(*ledger_, "").value());
  EXPECT_NE(fast->totals.total, want.total);
  VerifyReport report = VerifyLedger(*ledger_).value();
  EXPECT_TRUE(report.failure.IsVerificationFailed());
  EXPECT_EQ(report.first_bad_seq, seq) << report.failure.message();
  EXPECT_NE(report.failure.message().find("gift_deltas"), std::string::npos);
}

}  // namespace
}  // namespace probity
