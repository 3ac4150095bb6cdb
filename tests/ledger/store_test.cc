// The ledger file: opening, wrong passphrase, files that are not ours,
// truncation, and the append-only triggers.
#include "ledger/store.h"

#include <filesystem>
#include <fstream>

#include "ledger/subjects.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

class StoreTest : public LedgerTest {};

TEST_F(StoreTest, ReopensWithTheRightPassphrase) {
  Reopen();
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(ledger_->origin(), "test.example/log");
}

TEST_F(StoreTest, WrongPassphraseIsWrongPassphrase) {
  ledger_.reset();
  auto opened = Ledger::Open(path_, Pass("not the passphrase"), FastKdf());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsWrongPassphrase()) << opened.status().ToString();
}

TEST_F(StoreTest, SaltIsTheFileHead) {
  // The first 16 bytes are SQLCipher's salt, not the plain SQLite magic.
  ledger_.reset();
  std::ifstream in(path_, std::ios::binary);
  char head[16];
  ASSERT_TRUE(in.read(head, 16));
  EXPECT_NE(std::string(head, 15), "SQLite format 3");
}

TEST_F(StoreTest, MissingFileIsNotFound) {
  auto opened = Store::Open(dir_.File("nope.ledger"), Pass(), FastKdf());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsNotFound());
}

TEST_F(StoreTest, CreateRefusesToOverwrite) {
  auto again = Store::Create(path_, Pass(), FastKdf());
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.status().IsInvalidArgument());
}

TEST_F(StoreTest, TextFileIsNotALedger) {
  std::string other = dir_.File("notes.txt");
  std::ofstream(other) << "hello, this is not a ledger\n";
  auto opened = Store::Open(other, Pass(), FastKdf());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsCorruption()) << opened.status().ToString();
}

TEST_F(StoreTest, PlainSqliteIsNotALedger) {
  std::string other = dir_.File("plain.db");
  std::string page(4096, '\0');
  page.replace(0, 16, std::string("SQLite format 3\0", 16));
  std::ofstream(other, std::ios::binary) << page;
  auto opened = Store::Open(other, Pass(), FastKdf());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsCorruption());
  EXPECT_NE(opened.status().message().find("unencrypted"), std::string::npos);
}

TEST_F(StoreTest, TruncatedMidPageIsCorruption) {
  for (int i = 0; i < 3; ++i) AddPerson("P" + std::to_string(i));
  ledger_.reset();
  auto size = std::filesystem::file_size(path_);
  std::filesystem::resize_file(path_, size / 2 + 100);
  auto opened = Ledger::Open(path_, Pass(), FastKdf());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsCorruption()) << opened.status().ToString();
}

TEST_F(StoreTest, TriggersRefuseUpdateAndDelete) {
  Db& db = ledger_->store().db();
  for (const char* sql : {"UPDATE entries SET body = x'00' WHERE seq = 0",
                          "DELETE FROM entries WHERE seq = 0",
                          "UPDATE checkpoints SET note = 'x'", "DELETE FROM checkpoints",
                          "DELETE FROM tree_nodes", "UPDATE meta SET value = 'x'"}) {
    Status st = db.Exec(sql);
    EXPECT_FALSE(st.ok()) << sql;
    EXPECT_NE(st.message().find("append-only"), std::string::npos) << st.message();
  }
  EXPECT_EQ(Count(), 1);
}

TEST_F(StoreTest, SubjectKeysCanBeDeletedButNeverChanged) {
  std::string subject = AddPerson("Jeanne");
  Db& db = ledger_->store().db();
  EXPECT_FALSE(db.Exec("UPDATE subject_keys SET key = x'00'").ok());
  EXPECT_TRUE(db.Exec("DELETE FROM subject_keys WHERE subject = '" + subject + "'").ok());
  EXPECT_TRUE(ledger_->store().GetSubjectKey(subject).status().IsNotFound());
}

TEST_F(StoreTest, MissingTreeNodeIsCorruption) {
  auto node = ledger_->store().PerfectNode(5, 0);
  ASSERT_FALSE(node.ok());
  EXPECT_TRUE(node.status().IsCorruption());
}

// The plan SQLite picks for `sql`, one line a step.
std::string PlanOf(Db& db, const char* sql) {
  Result<Stmt> plan = db.Prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  std::string detail;
  while (plan.ok() && plan->Step().value()) detail += plan->ColumnText(3) + "\n";
  return detail;
}

// A cap check finds the donor's registration and rectifications by subject
// and kind: one range of the subject index, no entry read to test its kind
// (each one a random page of a large file).
TEST_F(StoreTest, FindEntriesByKindAndSubjectReadOneRangeOfTheSubjectIndex) {
  Db& db = ledger_->store().db();
  EXPECT_EQ(PlanOf(db, kFindEntriesSql[1][1]),
            "SEARCH TABLE entries USING COVERING INDEX entries_by_subject (subject=? AND kind=?)\n");
  EXPECT_EQ(PlanOf(db, kFindEntriesSql[0][1]).rfind(
                "SEARCH TABLE entries USING COVERING INDEX entries_by_subject (subject=?)\n", 0),
            0u)
      << PlanOf(db, kFindEntriesSql[0][1]);
  EXPECT_EQ(PlanOf(db, kFindEntriesSql[1][0]),
            "SEARCH TABLE entries USING COVERING INDEX entries_by_kind (kind=?)\n");
}

// A donor's identity (type, personal data in force) is found through the
// subject index by kind, and only those entries are read from the table
// (Store::DonorIdentityEntries).
TEST_F(StoreTest, DonorIdentityIsFoundThroughTheSubjectIndexByKind) {
  EXPECT_EQ(PlanOf(ledger_->store().db(), kDonorIdentitySql).rfind(
                "SEARCH TABLE entries USING INDEX entries_by_subject (subject=? AND kind=?)\n", 0),
            0u)
      << PlanOf(ledger_->store().db(), kDonorIdentitySql);
}

// The subject index is in kind order within a subject; FindEntries gives seq order.
TEST_F(StoreTest, FindEntriesOfASubjectAreInSeqOrderWhateverTheirKinds) {
  const std::string a = AddPerson("Jeanne");
  const std::string b = AddPerson("Paul");
  const std::int64_t first = Give(a, "10");
  Give(b, "20");
  auto rectified = RectifyDonor(*ledger_, key_, Rectification{a, {{"address", "2 rue Y"}}, {}});
  ASSERT_TRUE(rectified.ok()) << rectified.status().ToString();
  const std::int64_t second = Give(a, "30");
  Store& store = ledger_->store();
  const std::vector<std::int64_t> added = store.FindEntries("donor_added", a).value();
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(store.FindEntries("", a).value(),
            (std::vector<std::int64_t>{added[0], first, *rectified, second}));
  EXPECT_EQ(store.FindEntries("donation", a).value(), (std::vector<std::int64_t>{first, second}));
  EXPECT_EQ(store.FindEntries("donor_corrected", a).value(),
            std::vector<std::int64_t>{*rectified});
  EXPECT_EQ(store.FindEntries("donor_corrected", b).value(), std::vector<std::int64_t>{});
}

}  // namespace
}  // namespace probity::testing
