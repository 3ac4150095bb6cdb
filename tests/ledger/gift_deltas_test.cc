// The gift_deltas and method_totals tables (ledger/gift_deltas.cc,
// docs/format.md 12.3 and 12.6): the rows each donation, refund and
// correction writes, known answers; the append-only triggers; a ledger of an
// older schema refused by name; and verify against rows edited, added,
// removed or retyped by someone holding the database key.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "ledger/entry.h"
#include "ledger/verify.h"
#include "ledger/verify_gifts.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

using Rows = std::vector<GiftDelta>;

GiftDelta Row(std::int64_t seq, GiftRole role, std::int64_t donation_seq, const char* date,
              const char* method, std::int64_t delta_minor, std::int64_t gifts,
              const std::string& subject, std::int64_t obligations = 0) {
  GiftDelta r;
  r.seq = seq;
  r.role = role;
  r.donation_seq = donation_seq;
  r.currency = "EUR";
  r.month = std::string(date).substr(0, 7);
  r.date = date;
  r.nature = "gift";
  r.scope = "fr-pres-2027";
  r.method = method;
  r.subject = subject;
  r.delta_minor = delta_minor;
  r.gifts_delta = gifts;
  r.obligations = obligations;
  return r;
}

class GiftDeltasTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    subject_ = AddPerson("Jeanne Martin");  // seq 1
  }
  std::int64_t Refund(std::int64_t donation, std::int64_t amount_minor, const char* date) {
    return AppendEntry("refund", {{"subject", subject_}, {"donation_seq", donation},
                          {"amount_minor", amount_minor}, {"currency", "EUR"}, {"date", date}});
  }
  std::int64_t Correct(std::int64_t donation, std::int64_t amount_minor, const char* method,
                       const char* date) {
    return AppendEntry("correction", {{"donation_seq", donation}, {"subject", subject_},
                              {"scope", "fr-pres-2027"}, {"currency", "EUR"},
                              {"amount_minor", amount_minor}, {"method", method},
                              {"date", date}, {"reason", "typing error"}});
  }
  Rows All() { return ledger_->store().ReadGiftDeltas(0, Count()).value(); }
  std::vector<MethodTotalRow> MethodRows() {
    std::vector<MethodTotalRow> rows;
    Result<Stmt> stmt = ledger_->store().db().Prepare(
        "SELECT scope, method, seq, total_minor FROM method_totals ORDER BY seq, method");
    EXPECT_TRUE(stmt.ok());
    while (stmt->Step().value()) {
      rows.push_back(MethodTotalRow{stmt->ColumnText(0), stmt->ColumnText(1),
                                    stmt->ColumnInt64(2), stmt->ColumnInt64(3)});
    }
    return rows;
  }
  std::int64_t MethodTotal(const char* method, const char* scope = "fr-pres-2027") {
    return ledger_->store().MethodTotal(scope, method).value();
  }
  std::vector<GiftGroup> Groups() {
    std::vector<GiftGroup> groups;
    Status st = ledger_->store().ScanGiftGroups([&](const GiftGroup& g) {
      groups.push_back(g);
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return groups;
  }
  VerifyReport Verify() { return VerifyLedger(*ledger_).value(); }
  void ExpectFailsAt(std::int64_t seq, const std::string& why) {
    VerifyReport r = Verify();
    EXPECT_TRUE(r.failure.IsVerificationFailed()) << r.failure.ToString();
    EXPECT_EQ(r.first_bad_seq, seq) << r.failure.message();
    EXPECT_NE(r.failure.message().find(why), std::string::npos) << r.failure.message();
  }
  // Donation 2 (100.00 cheque, May), refund 3 (30.00), correction 4 (to
  // 80.00 by transfer, April), refund 5 (10.00).
  void MakeHistory() {
    ASSERT_EQ(Give(subject_, "100.00", "2026-05-01"), 2);
    ASSERT_EQ(Refund(2, 3000, "2026-06-01"), 3);
    ASSERT_EQ(Correct(2, 8000, "transfer", "2026-04-01"), 4);
    ASSERT_EQ(Refund(2, 1000, "2026-06-02"), 5);
  }

  std::string subject_;
};

TEST_F(GiftDeltasTest, EachKindWritesItsKnownRows) {
  MakeHistory();
  const Rows want = {
      Row(2, GiftRole::kStated, 2, "2026-05-01", "cheque", 10000, 1, subject_),
      Row(3, GiftRole::kRefunded, 2, "2026-05-01", "cheque", -3000, 0, subject_),
      // The net (100 - 30) leaves May by cheque; 80 - 30 arrives in April by transfer.
      Row(4, GiftRole::kRestatedOut, 2, "2026-05-01", "cheque", -7000, -1, subject_),
      Row(4, GiftRole::kRestatedIn, 2, "2026-04-01", "transfer", 5000, 1, subject_),
      Row(5, GiftRole::kRefunded, 2, "2026-04-01", "transfer", -1000, 0, subject_),
  };
  EXPECT_EQ(All(), want);
  EXPECT_TRUE(Verify().failure.ok()) << Verify().failure.message();
}

TEST_F(GiftDeltasTest, GroupsSumToTheGiftAsItStands) {
  MakeHistory();
  const std::vector<GiftGroup> groups = Groups();
  ASSERT_EQ(groups.size(), 2u);
  // By month: April before May. May holds nothing any more.
  EXPECT_EQ(groups[0].month, "2026-04");
  EXPECT_EQ(groups[0].net_minor, 4000);  // 80 - 30 - 10
  EXPECT_EQ(groups[0].gifts, 1);
  EXPECT_EQ(groups[1].month, "2026-05");
  EXPECT_EQ(groups[1].net_minor, 0);
  EXPECT_EQ(groups[1].gifts, 0);
}

TEST_F(GiftDeltasTest, AnonymousGiftElectionAndObligationsAreKept) {
  const std::int64_t seq =
      AppendEntry("donation", {{"anonymous", true}, {"amount_minor", 2000}, {"currency", "USD"},
                       {"method", "cash"}, {"date", "2026-03-04"}, {"scope", "us-2026"},
                       {"election", "P2026"},
                       {"obligations", Json::array({{{"rule", "r1"}, {"due", "2026-04-01"},
                                                     {"action", "refund"}}})}});
  Rows rows = All();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject, "");
  EXPECT_EQ(rows[0].election, "P2026");
  EXPECT_EQ(rows[0].currency, "USD");
  EXPECT_EQ(rows[0].obligations, 1);
  EXPECT_EQ(ledger_->store().FindObligatedDonations().value(), std::vector<std::int64_t>{seq});
  EXPECT_EQ(QueryInt64(ledger_->store().db(),
                       "SELECT count(*) FROM gift_deltas WHERE subject IS NULL").value(), 1);
}

TEST_F(GiftDeltasTest, RefundOfNoDonationWritesNoRow) {
  // Listings skip it, so the totals do; verify's replay refuses it.
  Refund(1, 100, "2026-06-01");
  EXPECT_TRUE(All().empty());
  EXPECT_FALSE(Verify().failure.ok());
}

TEST_F(GiftDeltasTest, TriggersRefuseUpdateAndDelete) {
  MakeHistory();
  Db& db = ledger_->store().db();
  EXPECT_FALSE(db.Exec("UPDATE gift_deltas SET delta_minor = 0").ok());
  EXPECT_FALSE(db.Exec("DELETE FROM gift_deltas").ok());
  EXPECT_EQ(All().size(), 5u);
  EXPECT_FALSE(db.Exec("UPDATE method_totals SET total_minor = 0").ok());
  EXPECT_FALSE(db.Exec("DELETE FROM method_totals").ok());
  EXPECT_EQ(MethodRows().size(), 3u);
}

// The total by method is of what was given, as last corrected: a refund
// changes nothing; a correction moves the gift's whole amount as it stood
// (100.00, though 30.00 was refunded) to its new method and amount.
TEST_F(GiftDeltasTest, MethodTotalsKnownRows) {
  MakeHistory();
  using R = MethodTotalRow;
  const std::vector<R> want = {R{"fr-pres-2027", "cheque", 2, 10000},
                               R{"fr-pres-2027", "cheque", 4, 0},
                               R{"fr-pres-2027", "transfer", 4, 8000}};
  EXPECT_EQ(MethodRows(), want);
  EXPECT_EQ(MethodTotal("cheque"), 0);
  EXPECT_EQ(MethodTotal("transfer"), 8000);
  EXPECT_EQ(MethodTotal("cash"), 0);                 // no row
  EXPECT_EQ(MethodTotal("transfer", "us-2026"), 0);  // nor in another scope
  // Corrected again: one row when the method stays, none when only the date moves.
  ASSERT_EQ(Correct(2, 9000, "transfer", "2026-04-01"), 6);
  ASSERT_EQ(Correct(2, 9000, "transfer", "2026-04-03"), 7);
  EXPECT_EQ(MethodRows().size(), 4u);
  EXPECT_EQ(MethodRows().back(), (R{"fr-pres-2027", "transfer", 6, 9000}));
  EXPECT_EQ(MethodTotal("transfer"), 9000);
  // And back to cheque: both totals move again.
  ASSERT_EQ(Correct(2, 9500, "cheque", "2026-04-03"), 8);
  EXPECT_EQ(MethodRows().size(), 6u);
  EXPECT_EQ(MethodTotal("transfer"), 0);
  EXPECT_EQ(MethodTotal("cheque"), 9500);
  EXPECT_TRUE(Verify().failure.ok()) << Verify().failure.message();
}

// Verify reads each scope and method's rows through a cursor that it resets
// at the end of every chunk of kVerifyChunkEntries and opens again after the
// last row it matched: rows on both sides of a chunk's end, and a stray row
// in the first chunk found from the second.
TEST_F(GiftDeltasTest, MethodTotalsAreCheckedAcrossVerifyChunks) {
  const std::int64_t n = kVerifyChunkEntries + 10;  // donations 2 .. n + 1
  auto added = ledger_->Append(key_, [&](AppendBatch& batch) {
    for (std::int64_t i = 0; i < n; ++i) {
      Json gift = {{"subject", subject_}, {"amount_minor", 100 + i}, {"currency", "EUR"},
                   {"method", i % 2 == 0 ? "cheque" : "cash"}, {"date", "2026-05-01"},
                   {"scope", "fr-pres-2027"}};
      if (i == n - 1) gift["method"] = "card";  // the only card gift, in the second chunk
      PROBITY_RETURN_IF_ERROR(batch.Add(EntryDraft{"donation", std::move(gift)}).status());
    }
    return Status::OK();
  });
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_GT(Count(), kVerifyChunkEntries + 2);
  EXPECT_TRUE(Verify().failure.ok()) << Verify().failure.message();

  const std::int64_t past = kVerifyChunkEntries + 3;  // a cash or cheque row in the second chunk
  Tamper("method_totals", "UPDATE method_totals SET total_minor = total_minor + 1 WHERE seq = " +
                              std::to_string(past));
  ExpectFailsAt(past, "is not what the entries make");
  Tamper("method_totals", "UPDATE method_totals SET total_minor = total_minor - 1 WHERE seq = " +
                              std::to_string(past));
  EXPECT_TRUE(Verify().failure.ok()) << Verify().failure.message();

  // Entry 1 (the donor's registration) makes no row; the card cursor first
  // reads in the second chunk and finds this one before the row it expects.
  Tamper("method_totals", "INSERT INTO method_totals VALUES('fr-pres-2027', 'card', 1, 0)");
  ExpectFailsAt(1, "method_totals row that no entry makes: (fr-pres-2027 card, total 0)");
}

// The latest total of a scope and method is one probe of the primary key,
// however many rows the table holds: what makes a cash check constant.
TEST_F(GiftDeltasTest, MethodTotalReadsOnePrimaryKeyProbe) {
  Result<Stmt> plan = ledger_->store().db().Prepare(
      "EXPLAIN QUERY PLAN SELECT total_minor FROM method_totals WHERE scope = ? AND method = ? "
      "ORDER BY seq DESC LIMIT 1");
  ASSERT_TRUE(plan.ok());
  std::string detail;
  while (plan->Step().value()) detail += plan->ColumnText(3) + "\n";
  EXPECT_EQ(detail, "SEARCH TABLE method_totals USING PRIMARY KEY (scope=? AND method=?)\n");
}

class GiftDeltasSchemaTest : public GiftDeltasTest,
                             public ::testing::WithParamInterface<const char*> {};

TEST_P(GiftDeltasSchemaTest, OlderSchemaIsRefusedByName) {
  // Version 3: gift_deltas without the date and nature a policy decision
  // reads; version 4: with the indexes led by the subject.
  Db& db = ledger_->store().db();
  ASSERT_TRUE(db.Exec(std::string("DROP TRIGGER meta_no_update; UPDATE meta SET value = '") +
                      GetParam() + "' WHERE name = 'schema_version'")
                  .ok());
  ledger_.reset();
  auto opened = Ledger::Open(path_, Pass(), FastKdf());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsCorruption());
  EXPECT_NE(opened.status().message().find(std::string("schema version ") + GetParam() +
                                           ", made by an earlier probity"),
            std::string::npos)
      << opened.status().message();
}

INSTANTIATE_TEST_SUITE_P(Versions, GiftDeltasSchemaTest,
                         ::testing::Values("3", "4", "5", "6", "7"));

// ScanGiftGroups's order (with no rollup, the walk of gift_deltas_summary) is
// what the near-cap list relies on. The same query run by SQL is the oracle
// (gift_rollups_test.cc holds the reads that start from a rollup to it). The history mixes what the sort must
// get right: a subject whose id sorts before one seen earlier, anonymous
// gifts (NULL subject) seen after named ones, elections and none, two
// scopes, currencies, methods and months, and refunds and corrections that
// empty a group.
TEST_F(GiftDeltasTest, GroupsAreWhatGroupByGives) {
  std::vector<std::string> subjects = {subject_, AddPerson("Paul Durand"),
                                       AddPerson("Anne Petit")};
  const char* const methods[] = {"cheque", "transfer", "card"};
  const char* const dates[] = {"2026-05-01", "2026-04-12", "2026-06-30", "2026-04-01"};
  std::vector<std::int64_t> donations;
  for (int i = 0; i < 40; ++i) {
    Json gift = {{"amount_minor", 1000 + 37 * i},
                 {"method", methods[i % 3]},
                 {"date", dates[i % 4]},
                 {"currency", i % 5 == 0 ? "USD" : "EUR"},
                 {"scope", i % 7 == 0 ? "us-2026" : "fr-pres-2027"}};
    if (i % 6 == 5) {
      gift["anonymous"] = true;
    } else {
      gift["subject"] = subjects[static_cast<std::size_t>(i) % subjects.size()];
    }
    if (i % 4 == 1) gift["election"] = i % 8 == 1 ? "P2026" : "G2026";
    donations.push_back(AppendEntry("donation", gift));
  }
  ASSERT_GT(Refund(donations[6], 500, "2026-07-01"), 0);
  ASSERT_GT(Correct(donations[3], 9000, "card", "2026-03-15"), 0);
  ASSERT_GT(Correct(donations[9], 100, "cheque", "2026-05-01"), 0);

  const std::vector<GiftGroup> got = Groups();
  Result<Stmt> oracle = ledger_->store().db().Prepare(
      "SELECT scope, subject, month, method, election, currency, sum(delta_minor), "
      "sum(gifts_delta) FROM gift_deltas GROUP BY scope, subject, month, method, election, "
      "currency ORDER BY scope, subject, month, method, election, currency");
  ASSERT_TRUE(oracle.ok());
  std::vector<GiftGroup> want;
  while (oracle->Step().value()) {
    want.push_back(GiftGroup{oracle->ColumnText(0), oracle->ColumnText(1),
                             oracle->ColumnText(2), oracle->ColumnText(3),
                             oracle->ColumnText(4), oracle->ColumnText(5),
                             oracle->ColumnInt64(6), oracle->ColumnInt64(7)});
  }
  ASSERT_GT(want.size(), 20u);  // enough groups for the order to matter
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const GiftGroup& g = got[i];
    const GiftGroup& w = want[i];
    EXPECT_EQ(std::tie(g.scope, g.subject, g.month, g.method, g.election, g.currency,
                       g.net_minor, g.gifts),
              std::tie(w.scope, w.subject, w.month, w.method, w.election, w.currency,
                       w.net_minor, w.gifts))
        << "group " << i;
  }
}

TEST_F(GiftDeltasTest, VerifyFindsAChangedAmount) {
  MakeHistory();
  Tamper("gift_deltas", "UPDATE gift_deltas SET delta_minor = -2000 WHERE seq = 3");
  ExpectFailsAt(3, "is not what the entries make");
}

TEST_F(GiftDeltasTest, VerifyFindsAMovedMonth) {
  MakeHistory();
  Tamper("gift_deltas", "UPDATE gift_deltas SET month = '2026-01' WHERE seq = 4 AND role = 3");
  ExpectFailsAt(4, "is not what the entries make");
}

TEST_F(GiftDeltasTest, VerifyFindsAMovedDay) {
  MakeHistory();
  Tamper("gift_deltas", "UPDATE gift_deltas SET date = '2026-04-02' WHERE seq = 5");
  ExpectFailsAt(5, "is not what the entries make");
}

TEST_F(GiftDeltasTest, VerifyFindsAChangedNature) {
  MakeHistory();
  Tamper("gift_deltas", "UPDATE gift_deltas SET nature = 'membership-fee' WHERE seq = 2");
  ExpectFailsAt(2, "is not what the entries make");
}

TEST_F(GiftDeltasTest, MembershipFeeKeepsItsNatureThroughRefundsAndCorrections) {
  const std::int64_t seq = AppendEntry(
      "donation", {{"subject", subject_}, {"amount_minor", 5000}, {"currency", "EUR"},
                   {"method", "cheque"}, {"date", "2026-05-01"}, {"scope", "fr-pres-2027"},
                   {"nature", "membership-fee"}});
  Refund(seq, 1000, "2026-06-01");
  Correct(seq, 4000, "transfer", "2026-05-03");
  for (const GiftDelta& row : All()) EXPECT_EQ(row.nature, "membership-fee") << row.seq;
  const std::vector<StandingGift> gifts =
      ledger_->store().DonorGifts("fr-pres-2027", subject_).value();
  ASSERT_EQ(gifts.size(), 1u);
  EXPECT_EQ(gifts[0], (StandingGift{seq, 3000, "2026-05-03", "", "membership-fee"}));
  EXPECT_TRUE(Verify().failure.ok()) << Verify().failure.message();
}

// A refund row edited to the most negative 64-bit value: what the next
// correction's rows are derived from cannot be negated. Verify names the
// edited row; it does not stop with an error or overflow.
TEST_F(GiftDeltasTest, VerifyFindsARowThatOverflowsWhatFollowsIt) {
  MakeHistory();
  Tamper("gift_deltas", "UPDATE gift_deltas SET delta_minor = -9223372036854775807 - 1 "
                        "WHERE seq = 3");
  ExpectFailsAt(3, "is not what the entries make");
}

TEST_F(GiftDeltasTest, VerifyFindsAMissingRow) {
  MakeHistory();
  Tamper("gift_deltas", "DELETE FROM gift_deltas WHERE seq = 5");
  ExpectFailsAt(5, "missing");
}

TEST_F(GiftDeltasTest, VerifyFindsARowNoEntryMakes) {
  MakeHistory();
  // Entry 1 is the donor's registration: it makes no row.
  Tamper("gift_deltas",
         "INSERT INTO gift_deltas VALUES(1, 0, 1, 'EUR', '2026-05', '2026-05-01', 'fr-pres-2027', "
         "'cheque', NULL, NULL, 'gift', 50000, 1, 0)");
  ExpectFailsAt(1, "no entry makes");
}

TEST_F(GiftDeltasTest, VerifyFindsARowBeyondTheEntries) {
  MakeHistory();
  Tamper("gift_deltas",
         "INSERT INTO gift_deltas VALUES(99, 0, 99, 'EUR', '2026-05', '2026-05-01', 'fr-pres-2027', "
         "'cheque', NULL, NULL, 'gift', 50000, 1, 0)");
  VerifyReport r = Verify();
  EXPECT_TRUE(r.failure.IsVerificationFailed());
  EXPECT_NE(r.failure.message().find("the gift_deltas table has 6 rows, the entries make 5"),
            std::string::npos)
      << r.failure.message();
}

TEST_F(GiftDeltasTest, VerifyFindsAValueOfTheWrongType) {
  MakeHistory();
  // 10000.4 reads back as 10000 but sums as a fraction of a cent.
  Tamper("gift_deltas", "UPDATE gift_deltas SET delta_minor = 10000.4 WHERE seq = 2");
  ExpectFailsAt(2, "wrong type");
}

TEST_F(GiftDeltasTest, VerifyFindsAnEmptyStringForNull) {
  AppendEntry("donation", {{"anonymous", true}, {"amount_minor", 2000}, {"currency", "EUR"},
                   {"method", "cash"}, {"date", "2026-03-04"}, {"scope", "fr-pres-2027"}});
  Tamper("gift_deltas", "UPDATE gift_deltas SET subject = '' WHERE seq = 2");
  ExpectFailsAt(2, "wrong type");
}

TEST_F(GiftDeltasTest, VerifyFindsAChangedMethodTotal) {
  MakeHistory();
  Tamper("method_totals",
         "UPDATE method_totals SET total_minor = 7000 WHERE seq = 4 AND method = 'transfer'");
  ExpectFailsAt(4, "method_totals row (fr-pres-2027 transfer, total 7000) is not what the "
                   "entries make (fr-pres-2027 transfer, total 8000)");
}

TEST_F(GiftDeltasTest, VerifyFindsAChangedMethodTotalThatLaterRowsFollow) {
  // Rows 4 and 6 both raised by the same amount: each agrees with the row
  // before it, but not with the entries.
  MakeHistory();
  ASSERT_EQ(Correct(2, 9000, "transfer", "2026-04-01"), 6);
  Tamper("method_totals", "UPDATE method_totals SET total_minor = total_minor + 500000 "
                          "WHERE method = 'transfer'");
  ExpectFailsAt(4, "is not what the entries make");
}

TEST_F(GiftDeltasTest, VerifyFindsAMissingMethodTotal) {
  MakeHistory();
  Tamper("method_totals", "DELETE FROM method_totals WHERE seq = 4 AND method = 'cheque'");
  ExpectFailsAt(4, "method_totals row missing: (fr-pres-2027 cheque, total 0)");
}

TEST_F(GiftDeltasTest, VerifyFindsAMethodTotalNoEntryMakes) {
  MakeHistory();
  // Refund 3 changes no method total.
  Tamper("method_totals", "INSERT INTO method_totals VALUES('fr-pres-2027', 'cheque', 3, 1)");
  ExpectFailsAt(3, "method_totals row that no entry makes: (fr-pres-2027 cheque, total 1)");
}

// 1,024 gifts of the largest amount fill a signed 64-bit total; the next is
// refused whole (its entry is not written), and the ledger still verifies.
TEST_F(GiftDeltasTest, AMethodTotalBeyond64BitsIsRefusedAndNothingIsWritten) {
  auto gift = [&] {
    return EntryDraft{"donation", {{"subject", subject_}, {"amount_minor", kAmountMinorMax},
                                   {"currency", "EUR"}, {"method", "cash"},
                                   {"date", "2026-05-01"}, {"scope", "fr-pres-2027"}}};
  };
  ASSERT_TRUE(ledger_->Append(key_, [&](AppendBatch& batch) {
                       for (int i = 0; i < 1024; ++i) {
                         PROBITY_RETURN_IF_ERROR(batch.Add(gift()).status());
                       }
                       return Status::OK();
                     }).ok());
  const std::int64_t before = Count();
  EXPECT_EQ(MethodTotal("cash"), 1024 * kAmountMinorMax);
  auto added = ledger_->Append(key_, [&](AppendBatch& batch) { return batch.Add(gift()).status(); });
  EXPECT_FALSE(added.ok());
  EXPECT_NE(added.status().message().find("the total of scope fr-pres-2027's gifts by cash would "
                                          "overflow 64 bits"),
            std::string::npos)
      << added.status().ToString();
  EXPECT_EQ(Count(), before);
  EXPECT_EQ(MethodTotal("cash"), 1024 * kAmountMinorMax);
  EXPECT_TRUE(Verify().failure.ok()) << Verify().failure.message();
}

// The cursors must not hold a read snapshot past a chunk: one that did would
// keep another process's checkpoint or TruncateWal (after an erasure) from
// completing for as long as a verify runs.
TEST_F(GiftDeltasTest, NoStatementIsLeftSteppingAfterAChunk) {
  MakeHistory();
  // What verify expects rows from: the index each body makes.
  std::vector<std::pair<std::int64_t, EntryIndex>> entries;
  auto keep = [&](const StoredEntry& e, const EntryIndex&) {
    entries.emplace_back(e.seq, IndexOf(DecodeEntry(e.body).value()));
    return Status::OK();
  };
  ASSERT_TRUE(ledger_->store().ScanEntries(0, Count(), keep).ok());
  GiftDeltaCheck check(ledger_->store());
  check.StartChunk();
  for (const auto& [seq, index] : entries) ASSERT_TRUE(check.Expect(seq, index).ok());
  sqlite3* db = ledger_->store().db().raw();
  auto stepping = [db] {
    int busy = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s)) {
      busy += sqlite3_stmt_busy(s);
    }
    return busy;
  };
  EXPECT_GT(stepping(), 0);  // the method cursors, mid-chunk
  Result<GiftDeltaCheck::Mismatch> m = check.FirstMismatch(0, Count());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->seq, -1) << m->why;
  EXPECT_EQ(stepping(), 0);
}

class MethodTotalsCountTest : public GiftDeltasTest,
                              public ::testing::WithParamInterface<const char*> {};

TEST_P(MethodTotalsCountTest, VerifyCountsRowsNoEntryReaches) {
  MakeHistory();
  Tamper("method_totals", std::string("INSERT INTO method_totals VALUES") + GetParam());
  VerifyReport r = Verify();
  EXPECT_TRUE(r.failure.IsVerificationFailed());
  EXPECT_NE(r.failure.message().find("the method_totals table has 4 rows, the entries make 3"),
            std::string::npos)
      << r.failure.message();
}

// Beyond the entries, before them, and in a scope and method no entry names.
INSTANTIATE_TEST_SUITE_P(Rows, MethodTotalsCountTest,
                         ::testing::Values("('fr-pres-2027', 'transfer', 99, 8000)",
                                           "('fr-pres-2027', 'cheque', -1, 0)",
                                           "('us-2026', 'cash', 2, 5)"));

TEST_F(GiftDeltasTest, VerifyFindsAMethodTotalOfTheWrongType) {
  MakeHistory();
  // 10000.4 reads back as 10000 (an exact 10000.0 would be stored as an integer).
  Tamper("method_totals", "UPDATE method_totals SET total_minor = 10000.4 WHERE seq = 2");
  ExpectFailsAt(2, "method_totals row with a value of the wrong type");
}

}  // namespace
}  // namespace probity::testing
