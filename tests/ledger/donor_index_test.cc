// The donor_names index (ledger/donor_index.cc, docs/format.md 12.4) and the
// duplicate warning of AddDonor that reads it: held to the scan it replaced
// (every donor's box opened and its current name compared), with rectified
// and erased donors; rows gone on erasure; a ledger that verifies without
// them; nothing written by an add that is refused.
#include <random>
#include <set>

#include "ledger/sqlite.h"
#include "ledger/subjects.h"
#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

// The duplicate check as AddDonor did it before the index: open every
// donor's current box, keep those whose name normalises to the same text.
std::vector<std::string> ScanForDuplicates(Ledger& ledger, const std::string& name) {
  Result<std::vector<DonorRecord>> donors = ListDonors(ledger);
  EXPECT_TRUE(donors.ok()) << donors.status().ToString();
  std::vector<std::string> out;
  for (const DonorRecord& d : donors.value()) {
    if (d.pii.has_value() && NormaliseDonorName(d.pii->name) == NormaliseDonorName(name)) {
      out.push_back(d.subject);
    }
  }
  return out;
}

std::string MacHex(Db& db) {
  Result<Stmt> stmt = db.Prepare("SELECT hex(name_mac) FROM donor_names");
  EXPECT_TRUE(stmt.ok());
  EXPECT_TRUE(stmt->Step().value());
  return stmt->ColumnText(0);
}

class DonorIndexTest : public LedgerTest {
 protected:
  std::int64_t Rows(const std::string& where = "1") {
    return QueryInt64(ledger_->store().db(), "SELECT count(*) FROM donor_names WHERE " + where)
        .value();
  }
  std::int64_t RowsOf(const std::string& subject) { return Rows("subject = '" + subject + "'"); }
  Status Erase(const std::string& subject) {
    return ledger_
        ->Append(key_,
                 [&](AppendBatch& batch) {
                   return EraseSubjectInBatch(batch,
                                              Erasure{subject, ParseDate("2026-11-02").value(),
                                                      "retention-ended", std::nullopt})
                       .status();
                 })
        .status();
  }
  Status Rename(const std::string& subject, const std::string& name) {
    return RectifyDonor(*ledger_, key_, Rectification{subject, {{"name", name}}, std::nullopt})
        .status();
  }
  std::vector<std::string> Duplicates(const std::string& name) {
    Result<AddedDonor> added = AddDonor(*ledger_, key_, NewDonor{"person", Pii(name)});
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->likely_duplicates : std::vector<std::string>{"(failed)"};
  }
  static DonorPii Pii(const std::string& name) {
    return DonorPii{name, "FR", "FR", "1 rue X", "", "", ""};
  }
};

// Spellings of a few names: case, runs of spaces (a name holds no tab), accents (kept:
// "José" and "Jose" are different names, and so are "é" and "É").
std::string Spelling(std::mt19937& rng, int which) {
  static const char* const kNames[] = {"Jeanne Martin",
                                       "Jean Dupont",
                                       "Jos\xc3\xa9 N\xc3\xba\xc3\xb1"
                                       "ez",
                                       "Jose Nunez",
                                       "JOS\xc3\x89 N\xc3\xba\xc3\xb1"
                                       "ez",
                                       "Anne-Marie Li"};
  const std::string base = kNames[which % 6];
  std::string out = (rng() % 4 == 0) ? " " : "";
  for (char ch : base) {
    if (ch == ' ') {
      out += (rng() % 3 == 0) ? "   " : " ";
      continue;
    }
    const bool flip = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    out += (flip && rng() % 3 == 0) ? static_cast<char>(ch ^ 0x20) : ch;
  }
  if (rng() % 4 == 0) out += "  ";
  return out;
}

TEST_F(DonorIndexTest, WarnsExactlyAsTheScanDid) {
  std::mt19937 rng(20261206);
  std::vector<std::string> live;
  int adds = 0, warned = 0, renamed = 0, erased = 0;
  for (int op = 0; op < 70; ++op) {
    const unsigned roll = static_cast<unsigned>(rng() % 20);
    if (roll < 3 && !live.empty()) {  // rectify the name, maybe to another one
      const std::size_t i = rng() % live.size();
      Status st = Rename(live[i], Spelling(rng, static_cast<int>(rng() % 6)));
      if (st.ok())
        ++renamed;  // refused only when the spelling is the same
      else
        EXPECT_NE(st.message().find("nothing to rectify"), std::string::npos) << st.message();
    } else if (roll < 5 && !live.empty()) {  // erase
      const std::size_t i = rng() % live.size();
      ASSERT_TRUE(Erase(live[i]).ok());
      EXPECT_EQ(RowsOf(live[i]), 0);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
      ++erased;
    } else {
      const std::string name = Spelling(rng, static_cast<int>(rng() % 6));
      const std::vector<std::string> expected = ScanForDuplicates(*ledger_, name);
      Result<AddedDonor> added = AddDonor(*ledger_, key_, NewDonor{"person", Pii(name)});
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      ASSERT_EQ(added->likely_duplicates, expected) << "add " << op << ": '" << name << "'";
      live.push_back(added->subject);
      ++adds;
      if (!expected.empty()) ++warned;
    }
  }
  // The generated history exercised every case.
  EXPECT_GT(warned, 15);
  EXPECT_LT(warned, adds);
  EXPECT_GT(renamed, 3);
  EXPECT_GT(erased, 3);
  EXPECT_EQ(Rows(), static_cast<std::int64_t>(live.size()));
  // And the index still agrees after a reopen (the key is derived again).
  Reopen();
  for (int which = 0; which < 6; ++which) {
    const std::string name = Spelling(rng, which);
    const std::vector<std::string> expected = ScanForDuplicates(*ledger_, name);
    EXPECT_EQ(Duplicates(name), expected) << name;
  }
}

TEST_F(DonorIndexTest, RectificationMovesTheDonorToItsNewName) {
  const std::string paul = AddPerson("Paul Durand");
  ASSERT_TRUE(Rename(paul, "Pierre Durand").ok());
  EXPECT_EQ(Duplicates("paul  DURAND"), std::vector<std::string>{});
  EXPECT_EQ(Duplicates("PIERRE durand"), std::vector<std::string>{paul});
  // Another field rectified: the row keeps the name in force.
  ASSERT_TRUE(
      RectifyDonor(*ledger_, key_, Rectification{paul, {{"address", "2 rue Y"}}, std::nullopt})
          .ok());
  EXPECT_EQ(Duplicates("Pierre Durand").front(), paul);
}

TEST_F(DonorIndexTest, ErasureDeletesTheRow) {
  const std::string a = AddPerson("Jeanne Martin");
  const std::string b = AddPerson("Jeanne Martin");
  ASSERT_EQ(Rows(), 2);
  ASSERT_TRUE(Erase(a).ok());
  EXPECT_EQ(RowsOf(a), 0);
  EXPECT_EQ(RowsOf(b), 1);
  EXPECT_EQ(Duplicates("jeanne martin").front(), b);
  EXPECT_EQ(Duplicates("jeanne martin").size(), 2u);  // b and the one added just above
}

TEST_F(DonorIndexTest, TheLedgerVerifiesWithoutTheRows) {
  const std::string a = AddPerson("Jeanne Martin");
  AddPerson("Jean Dupont");
  ASSERT_TRUE(Rename(a, "Jeanne Dupont").ok());
  ASSERT_TRUE(Erase(a).ok());
  ASSERT_TRUE(ledger_->store().db().Exec("DELETE FROM donor_names").ok());
  Result<VerifyReport> r = VerifyLedger(*ledger_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->failure.ok()) << r->failure.ToString();
  ASSERT_TRUE(ledger_->store().db().Exec("DROP TABLE donor_names").ok());
  r = VerifyLedger(*ledger_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->failure.ok()) << r->failure.ToString();
}

TEST_F(DonorIndexTest, ARefusedAddWritesNoRow) {
  AddPerson("Jeanne Martin");
  const std::int64_t rows = Rows(), entries = Count();
  EXPECT_FALSE(AddDonor(*ledger_, key_, NewDonor{"person", Pii("")}).ok());
  EXPECT_FALSE(AddDonor(*ledger_, key_, NewDonor{"martian", Pii("Jeanne Martin")}).ok());
  const NamedKey stranger = NewKey("stranger");
  EXPECT_EQ(AddDonor(*ledger_, stranger, NewDonor{"person", Pii("Jeanne Martin")}).status().code(),
            StatusCode::kKeyRejected);
  // A batch that adds a donor and then fails: the row goes with the entry.
  Status st =
      ledger_
          ->Append(key_,
                   [&](AppendBatch& batch) -> Status {
                     PROBITY_RETURN_IF_ERROR(
                         AddDonorInBatch(batch, NewDonor{"person", Pii("Jeanne Martin")}).status());
                     return Status::InvalidArgument("refused after the add");
                   })
          .status();
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_EQ(Rows(), rows);
  EXPECT_EQ(Count(), entries);
}

TEST_F(DonorIndexTest, RowsHoldAKeyedHashNotTheName) {
  const std::string a = AddPerson("Jeanne Martin");
  EXPECT_EQ(QueryInt64(ledger_->store().db(),
                       "SELECT count(*) FROM donor_names WHERE length(name_mac) = 32 AND "
                       "instr(name_mac, 'jeanne') = 0")
                .value(),
            1);
  const std::string mac_hex = MacHex(ledger_->store().db());
  // The same name in another ledger (another database key) gives another hash.
  TempDir other_dir;
  auto other = Ledger::Create(other_dir.File("b.ledger"), Pass("another passphrase"),
                              "test.example/b", key_, FastKdf());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(AddDonor(**other, key_, NewDonor{"person", Pii("Jeanne Martin")}).ok());
  EXPECT_NE(MacHex((*other)->store().db()), mac_hex);
  // The key is derived again on open: the row still matches.
  Reopen();
  EXPECT_EQ(Duplicates("jeanne martin"), std::vector<std::string>{a});
}

TEST_F(DonorIndexTest, Schema3IsRefusedByName) {
  Db& db = ledger_->store().db();
  ASSERT_TRUE(db.Exec("DROP TRIGGER meta_no_update; UPDATE meta SET value = '3' "
                      "WHERE name = 'schema_version'")
                  .ok());
  ledger_.reset();
  auto opened = Ledger::Open(path_, Pass(), FastKdf());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsCorruption());
  EXPECT_NE(opened.status().message().find("schema version 3, made by an earlier probity (before "
                                           "the donor_names table and gift_deltas' dates, version 4"),
            std::string::npos)
      << opened.status().message();
}

}  // namespace
}  // namespace probity::testing
