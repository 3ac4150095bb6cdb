// The gift_rollups table (ledger/gift_rollups.cc, docs/format.md 12.5): the
// groups a summary reads from the latest rollup plus the rows after it are
// those GROUP BY gives over every row, on random histories with rollups at
// random points; when a rollup is written; the append-only triggers; and
// verify against rollups edited, added to or cut by someone holding the
// database key.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <random>

#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string, std::string,
                       std::string, std::int64_t, std::int64_t>;

Key KeyOf(const GiftGroup& g) {
  return {g.scope, g.subject, g.month, g.method, g.election, g.currency, g.net_minor, g.gifts};
}

class GiftRollupsTest : public LedgerTest {
 protected:
  // What ScanGiftGroups gives, less the groups that sum to zero (it may or
  // may not give those: a rollup leaves them out).
  std::vector<Key> Groups() {
    std::vector<Key> groups;
    Status st = ledger_->store().ScanGiftGroups([&](const GiftGroup& g) {
      if (g.net_minor != 0 || g.gifts != 0) groups.push_back(KeyOf(g));
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return groups;
  }
  // The oracle: every row summed by SQL, ordered by SQL, zero groups left out.
  std::vector<Key> GroupBy() {
    Result<Stmt> stmt = ledger_->store().db().Prepare(
        "SELECT scope, coalesce(subject, ''), month, method, coalesce(election, ''), currency, "
        "sum(delta_minor), sum(gifts_delta) FROM gift_deltas "
        "GROUP BY scope, subject, month, method, election, currency "
        "HAVING sum(delta_minor) != 0 OR sum(gifts_delta) != 0 "
        "ORDER BY scope, subject, month, method, election, currency");
    EXPECT_TRUE(stmt.ok());
    std::vector<Key> want;
    while (stmt->Step().value()) {
      want.emplace_back(stmt->ColumnText(0), stmt->ColumnText(1), stmt->ColumnText(2),
                        stmt->ColumnText(3), stmt->ColumnText(4), stmt->ColumnText(5),
                        stmt->ColumnInt64(6), stmt->ColumnInt64(7));
    }
    return want;
  }
  void NewLedger(const std::string& name) {
    ledger_.reset();
    path_ = dir_.File(name);
    auto created = Ledger::Create(path_, Pass(), "test.example/log", key_, FastKdf());
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ledger_ = std::move(created).value();
  }
  std::int64_t Latest() { return ledger_->store().LatestGiftRollup().value(); }
  bool RollUp(std::int64_t tail_min = 1) {
    Result<bool> wrote = ledger_->store().MaybeRollUpGifts(tail_min);
    EXPECT_TRUE(wrote.ok()) << wrote.status().ToString();
    return wrote.ok() && wrote.value();
  }
  std::int64_t Donation(const Json& fields) { return AppendEntry("donation", fields); }
  // One random gift, refund or correction (a donation when none stands yet).
  void RandomEntry(std::mt19937_64& rng, const std::vector<std::string>& subjects,
                   std::vector<std::int64_t>& donations) {
    const char* const methods[] = {"cheque", "transfer", "card"};
    const char* const dates[] = {"2026-05-01", "2026-04-12", "2026-06-30", "2026-04-01"};
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    std::size_t what = donations.empty() ? 0 : pick(10);
    // Refunds and corrections name the donor, so an anonymous gift gets
    // neither (its rows would carry no subject either way).
    Json donation;
    std::int64_t d = -1;
    if (what >= 7) {
      d = donations[pick(donations.size())];
      donation = DecodeEntry(ledger_->store().GetEntry(d).value().body).value();
      if (!donation.contains("subject")) what = 0;
    }
    if (what < 7) {
      Json gift = {{"amount_minor", 100 + static_cast<std::int64_t>(pick(100000))},
                   {"method", methods[pick(3)]},
                   {"date", dates[pick(4)]},
                   {"currency", pick(5) == 0 ? "USD" : "EUR"},
                   {"scope", pick(7) == 0 ? "us-2026" : "fr-pres-2027"}};
      if (pick(6) == 0) {
        gift["anonymous"] = true;
      } else {
        gift["subject"] = subjects[pick(subjects.size())];
      }
      if (pick(4) == 0) gift["election"] = pick(2) == 0 ? "P2026" : "G2026";
      donations.push_back(Donation(gift));
      return;
    }
    Json change = {{"donation_seq", d}, {"subject", donation["subject"]},
                   {"currency", donation["currency"]}};
    if (what < 9) {
      change["amount_minor"] = 1 + static_cast<std::int64_t>(pick(50));
      change["date"] = "2026-07-01";
      AppendEntry("refund", change);
    } else {
      change["scope"] = donation["scope"];
      change["amount_minor"] = 1000 + static_cast<std::int64_t>(pick(9000));
      change["method"] = methods[pick(3)];
      change["date"] = dates[pick(4)];
      change["reason"] = "typing error";
      AppendEntry("correction", change);
    }
  }
  void ExpectVerifyFails(const std::string& why) {
    VerifyReport r = VerifyLedger(*ledger_).value();
    EXPECT_TRUE(r.failure.IsVerificationFailed()) << r.failure.ToString();
    EXPECT_NE(r.failure.message().find(why), std::string::npos) << r.failure.message();
  }
  // Two donors' gifts, a rollup after them, and one gift after it.
  void MakeRolledUpHistory() {
    const std::string a = AddPerson("Jeanne Martin");
    const std::string b = AddPerson("Paul Durand");
    Give(a, "100.00");
    Give(b, "20.00", "2026-04-01");
    Give(a, "5.00");
    ASSERT_TRUE(RollUp());
    ASSERT_EQ(Latest(), 6);
    Give(b, "7.00");
  }
};

// The mix GiftDeltasTest.GroupsAreWhatGroupByGives holds the plain scan to
// (subjects out of order, anonymous gifts, elections, scopes, currencies,
// refunds and corrections that empty a group), with rollups written at
// random points, so that groups come from a rollup alone, from the rows
// after it alone, and from both; checked after every entry while the rows
// after the latest rollup are fewer than those it covers (the merge), and
// after (the index).
TEST_F(GiftRollupsTest, GroupsFromTheLatestRollupAndTheRowsAfterItAreWhatGroupByGives) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    NewLedger("seed" + std::to_string(seed) + ".ledger");
    std::mt19937_64 rng(seed);
    const std::vector<std::string> subjects = {AddPerson("Jeanne Martin"), AddPerson("Paul Durand"),
                                               AddPerson("Anne Petit"), AddPerson("Luc Blanc")};
    std::vector<std::int64_t> donations;
    int merged = 0, rollups = 0;
    for (int i = 0; i < 160; ++i) {
      RandomEntry(rng, subjects, donations);
      if (rng() % 4 == 0 && RollUp()) ++rollups;
      const std::int64_t upto = Latest();
      if (upto > 0 && (Count() - upto) * kGiftRollupTailShare <= upto) ++merged;
      ASSERT_EQ(Groups(), GroupBy()) << "after entry " << Count() - 1 << ", rollup at " << upto;
    }
    EXPECT_GE(rollups, 3);
    EXPECT_GE(merged, 100);  // most checks went through the merge
    VerifyReport r = VerifyLedger(*ledger_).value();
    EXPECT_TRUE(r.failure.ok()) << r.failure.message();
  }
}

TEST_F(GiftRollupsTest, ARollupIsWrittenOnlyPastBothThresholds) {
  const std::string a = AddPerson("Jeanne Martin");  // seq 1: no gift yet
  EXPECT_FALSE(RollUp());                            // nothing to sum
  for (int i = 0; i < 8; ++i) Give(a, "10.00");      // seqs 2..9
  EXPECT_FALSE(RollUp(11));                          // 10 entries since none
  EXPECT_TRUE(RollUp(10));
  EXPECT_EQ(Latest(), 10);
  Give(a, "1.00");
  EXPECT_FALSE(RollUp());  // 1 entry since, under a fifth of 10
  Give(a, "1.00");
  EXPECT_TRUE(RollUp());  // 2 since
  EXPECT_EQ(Latest(), 12);
  EXPECT_EQ(QueryInt64(ledger_->store().db(), "SELECT count(*) FROM gift_rollups").value(), 2);
}

// An append writes the rollup in its own transaction once it is due: the
// summary of a ledger grown by hand starts from one too.
TEST_F(GiftRollupsTest, AnAppendWritesTheRollupOnceItIsDue) {
  ledger_->set_gift_rollup_tail_min(4);
  const std::string a = AddPerson("Jeanne Martin");  // seq 1
  Give(a, "10.00");
  EXPECT_EQ(Latest(), 0) << "3 entries";
  Give(a, "10.00");
  EXPECT_EQ(Latest(), 4);
  EXPECT_EQ(Groups(), GroupBy());
  for (int i = 0; i < 3; ++i) Give(a, "1.00");
  EXPECT_EQ(Latest(), 4) << "3 entries since: under 4";
  Give(a, "1.00");
  EXPECT_EQ(Latest(), 8);
  EXPECT_EQ(Groups(), GroupBy());
}

// The pages `read` touches in the page cache, read from disk or not.
std::int64_t PagesTouched(Db& db, const std::function<void()>& read) {
  int hit = 0, miss = 0, high = 0;
  sqlite3_db_status(db.raw(), SQLITE_DBSTATUS_CACHE_HIT, &hit, &high, 1);  // resets
  sqlite3_db_status(db.raw(), SQLITE_DBSTATUS_CACHE_MISS, &miss, &high, 1);
  read();
  sqlite3_db_status(db.raw(), SQLITE_DBSTATUS_CACHE_HIT, &hit, &high, 1);
  sqlite3_db_status(db.raw(), SQLITE_DBSTATUS_CACHE_MISS, &miss, &high, 1);
  return hit + miss;
}

// Which way ScanGiftGroups reads, seen from the pages it touches: with a
// rollup and few rows after it, the rollup's groups and those rows; past a
// fifth, every row through gift_deltas_summary. (The answers are the same
// either way: GroupsFromTheLatestRollup... holds them to GROUP BY.)
TEST_F(GiftRollupsTest, TheSummaryReadsTheRollupNotEveryRowWhileTheRowsAfterItAreFew) {
  const std::string a = AddPerson("Jeanne Martin");
  auto added = ledger_->Append(key_, [&](AppendBatch& batch) -> Status {
    for (int i = 0; i < 2000; ++i) {
      PROBITY_RETURN_IF_ERROR(batch
                                  .Add(EntryDraft{"donation", Json{{"subject", a},
                                                                   {"amount_minor", 100 + i},
                                                                   {"currency", "EUR"},
                                                                   {"method", "cheque"},
                                                                   {"date", "2026-05-01"},
                                                                   {"scope", "fr-pres-2027"}}})
                                  .status());
    }
    return Status::OK();
  });
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  Db& db = ledger_->store().db();
  const std::int64_t walk = PagesTouched(db, [&] {
    EXPECT_EQ(QueryInt64(db, "SELECT count(*) FROM gift_deltas INDEXED BY gift_deltas_summary "
                             "WHERE scope > ''")
                  .value(),
              2000);
  });
  const std::int64_t before_rollup = PagesTouched(db, [&] { Groups(); });
  ASSERT_TRUE(RollUp());
  Give(a, "1.00");
  std::vector<Key> groups;
  const std::int64_t merged = PagesTouched(db, [&] { groups = Groups(); });
  EXPECT_EQ(groups, GroupBy());
  EXPECT_GE(before_rollup, walk) << "no rollup: every row";
  EXPECT_LT(merged * 4, walk) << "the rollup's one group and one row after it";
}

TEST_F(GiftRollupsTest, TriggersRefuseUpdateAndDelete) {
  MakeRolledUpHistory();
  Db& db = ledger_->store().db();
  EXPECT_FALSE(db.Exec("UPDATE gift_rollups SET net_minor = 0").ok());
  EXPECT_FALSE(db.Exec("DELETE FROM gift_rollups").ok());
  EXPECT_EQ(QueryInt64(db, "SELECT count(*) FROM gift_rollups").value(), 2);
}

TEST_F(GiftRollupsTest, VerifyPassesAnHonestRollup) {
  MakeRolledUpHistory();
  VerifyReport r = VerifyLedger(*ledger_).value();
  EXPECT_TRUE(r.failure.ok()) << r.failure.message();
}

TEST_F(GiftRollupsTest, VerifyFindsAChangedSum) {
  MakeRolledUpHistory();
  Tamper("gift_rollups",
         "UPDATE gift_rollups SET net_minor = net_minor + 1 WHERE month = '2026-04'");
  ExpectVerifyFails("gift rollup at entry 6: group (fr-pres-2027, ");
  ExpectVerifyFails("holds 2001 minor units in 1 gifts, the gift_deltas rows 2000 in 1");
  // The summary reads the rollup: this is what verify protects.
  EXPECT_NE(Groups(), GroupBy());
}

TEST_F(GiftRollupsTest, VerifyFindsAMissingGroup) {
  MakeRolledUpHistory();
  Tamper("gift_rollups", "DELETE FROM gift_rollups WHERE month = '2026-04'");
  ExpectVerifyFails("is missing");
}

TEST_F(GiftRollupsTest, VerifyFindsAGroupNoRowMakes) {
  MakeRolledUpHistory();
  Tamper("gift_rollups",
         "INSERT INTO gift_rollups VALUES(6, 'fr-pres-2027', '', '2026-01', 'cash', '', 'EUR', "
         "50000, 1)");
  ExpectVerifyFails("group (fr-pres-2027, anonymous, 2026-01, cash, no election, EUR) that the "
                    "gift_deltas rows do not make");
}

TEST_F(GiftRollupsTest, VerifyFindsAZeroGroup) {
  MakeRolledUpHistory();
  Tamper("gift_rollups",
         "INSERT INTO gift_rollups VALUES(6, 'fr-pres-2027', '', '2026-01', 'cash', '', 'EUR', "
         "0, 0)");
  ExpectVerifyFails("that the gift_deltas rows do not make");
}

TEST_F(GiftRollupsTest, VerifyFindsARollupBeyondTheEntries) {
  MakeRolledUpHistory();
  Tamper("gift_rollups",
         "INSERT INTO gift_rollups SELECT 99, scope, subject, month, method, election, currency, "
         "net_minor, gifts FROM gift_rollups WHERE upto_seq = 6");
  ExpectVerifyFails("gift rollup at entry 99: outside the entries 1 .. 7");
}

TEST_F(GiftRollupsTest, VerifyChecksEveryRollupNotOnlyTheLatest) {
  MakeRolledUpHistory();
  const std::string c = AddPerson("Anne Petit");
  for (int i = 0; i < 3; ++i) Give(c, "3.00");
  ASSERT_TRUE(RollUp());
  ASSERT_GT(Latest(), 6);
  Tamper("gift_rollups", "UPDATE gift_rollups SET gifts = 3 WHERE upto_seq = 6 AND gifts = 2");
  ExpectVerifyFails("gift rollup at entry 6: ");
}

}  // namespace
}  // namespace probity::testing
