// The CSV import through a real ledger: decisions in a batch are the ones the
// same gifts get one by one, rejects carry line and reason, a second run
// records nothing twice, and the ledger verifies.
#include "policies/import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <sstream>

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

const char kScope[] = "fr-pres-2027";
const char kHeader[] = "donor,amount,currency,method,date\n";

class ImportTest : public testing::LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    NewScope s;
    s.id = kScope;
    s.pack_id = "fr-candidate-2027-presidential";
    s.params = {{"spending_ceiling", "16851000.00"}};
    ASSERT_TRUE(AddScope(*ledger_, key_, ShippedPack(s.pack_id), s).ok());
    alice_ = AddPerson("Alice");
    bob_ = AddPerson("Bob");
  }
  Result<ImportProgress> Import(const std::string& csv, std::size_t batch_rows = 1000,
                                std::size_t cache_bytes_max = kDeciderCacheBytesMax,
                                std::function<void(const ImportProgress&)> on_progress = {}) {
    std::istringstream in(csv);
    ImportOptions o;
    o.scope = kScope;
    o.batch_rows = batch_rows;
    o.cache_bytes_max = cache_bytes_max;
    o.on_progress = std::move(on_progress);
    o.rollup_tail_min = rollup_tail_min_;
    rejects_.clear();
    o.on_reject = [this](const ImportReject& r) {
      rejects_.push_back(r);
      return Status::OK();
    };
    return ImportDonations(*ledger_, key_, in, o);
  }
  void ExpectVerifies() {
    Result<VerifyReport> report = VerifyLedger(*ledger_);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->failure.ok()) << report->failure.ToString();
  }
  std::int64_t Donations() {
    return static_cast<std::int64_t>(ledger_->store().FindEntries("donation", "").value().size());
  }

  std::string alice_, bob_;
  std::vector<ImportReject> rejects_;
  std::int64_t rollup_tail_min_ = kGiftRollupTailMin;
};

TEST_F(ImportTest, RowsAreDecidedSeeingTheRowsBeforeThemInTheBatch) {
  const std::string csv = std::string(kHeader) + alice_ + ",2000,EUR,cheque,2027-01-10\n" +
                          alice_ + ",2000.00,EUR,transfer,2027-01-11\n" + alice_ +
                          ",1000,EUR,cheque,2027-01-12\n" + bob_ +
                          ",1000,EUR,cheque,2027-01-12\n";
  Result<ImportProgress> p = Import(csv);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->rows, 4);
  EXPECT_EQ(p->recorded, 3);
  EXPECT_EQ(p->rejected, 1);
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_EQ(rejects_[0].line, 4);
  EXPECT_NE(rejects_[0].reason.find("L52-8"), std::string::npos) << rejects_[0].reason;
  EXPECT_NE(rejects_[0].reason.find("At most 600.00 EUR"), std::string::npos) << rejects_[0].reason;
  EXPECT_EQ(rejects_[0].fields[0], alice_);
  EXPECT_EQ(Donations(), 3);
  ExpectVerifies();
}

TEST_F(ImportTest, EntriesRecordTheExternalIdAndTheIndexFindsIt) {
  const std::string csv = "external_id,donor,amount,currency,method,date\n"
                          "TXN-1," + alice_ + ",10,EUR,card,2027-01-10\n"
                          "TXN-2," + bob_ + ",10,EUR,cash,2027-01-10\n";
  Result<ImportProgress> p = Import(csv);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->recorded, 2) << (rejects_.empty() ? "" : rejects_[0].reason);
  Result<std::optional<std::int64_t>> seq = ledger_->store().FindExternalId("TXN-2");
  ASSERT_TRUE(seq.ok() && seq->has_value());
  Json e = DecodeEntry(ledger_->store().GetEntry(seq->value()).value().body).value();
  EXPECT_EQ(e["external_id"], "TXN-2");
  EXPECT_EQ(e["subject"], bob_);
  EXPECT_FALSE(ledger_->store().FindExternalId("TXN-3").value().has_value());
  ExpectVerifies();
}

TEST_F(ImportTest, SecondRunSkipsEverythingAlreadyRecorded) {
  std::string csv = kHeader;
  for (int day = 10; day < 30; ++day) {
    csv += alice_ + ",10,EUR,cheque,2027-01-" + std::to_string(day) + "\n";
  }
  ASSERT_EQ(Import(csv, 3)->recorded, 20);
  const std::int64_t entries = Count();
  Result<ImportProgress> again = Import(csv, 7);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->recorded, 0);
  EXPECT_EQ(again->skipped, 20);
  EXPECT_EQ(again->rejected, 0);
  EXPECT_EQ(Count(), entries) << "a run that records nothing writes nothing, not even a checkpoint";
  ExpectVerifies();
}

// Once every row is in, the import writes the rollup the summary starts from
// (docs/format.md 12.5) when enough entries came since the last one.
TEST_F(ImportTest, AnImportOfEnoughRowsLeavesAGiftRollupAtItsEnd) {
  auto gifts = [&](int month) {
    std::string csv = kHeader;
    for (int day = 1; day <= 20; ++day) {
      csv += (day % 2 ? alice_ : bob_) + ",10,EUR,cheque,2027-0" + std::to_string(month) +
             (day < 10 ? "-0" : "-") + std::to_string(day) + "\n";
    }
    return csv;
  };
  rollup_tail_min_ = 100;
  ASSERT_EQ(Import(gifts(1), 7)->recorded, 20);
  EXPECT_EQ(ledger_->store().LatestGiftRollup().value(), 0) << "24 entries: under 100";
  rollup_tail_min_ = 40;
  ASSERT_EQ(Import(gifts(2), 7)->recorded, 20);
  EXPECT_EQ(ledger_->store().LatestGiftRollup().value(), Count());
  // Alice and Bob, each in January and February.
  EXPECT_EQ(QueryInt64(ledger_->store().db(), "SELECT count(*) FROM gift_rollups").value(), 4);
  ExpectVerifies();
}

// The next batch is read while one is appended (policies/import.cc,
// ReadBatchAsync): the progress after each batch still counts that batch's
// rows and bytes, not those already read ahead, and every row lands once, in
// file order.
TEST_F(ImportTest, ProgressAfterEachBatchCountsThatBatchNotTheOneReadAhead) {
  std::string csv = kHeader;
  std::vector<std::uint64_t> line_ends;  // bytes up to the end of each data row
  for (int day = 10; day < 21; ++day) {
    csv += alice_ + ",1" + std::to_string(day) + ",EUR,cheque,2027-01-" + std::to_string(day) +
           "\n";
    line_ends.push_back(csv.size());
  }
  std::istringstream in(csv);
  ImportOptions o;
  o.scope = kScope;
  o.batch_rows = 3;
  std::vector<ImportProgress> seen;
  o.on_progress = [&](const ImportProgress& p) { seen.push_back(p); };
  const std::int64_t first = Count();
  Result<ImportProgress> done = ImportDonations(*ledger_, key_, in, o);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(seen.size(), 4u);  // 3 + 3 + 3 + 2 rows
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const std::int64_t rows = std::min<std::int64_t>(3 * static_cast<std::int64_t>(i + 1), 11);
    EXPECT_EQ(seen[i].rows, rows) << "batch " << i;
    EXPECT_EQ(seen[i].recorded, rows) << "batch " << i;
    EXPECT_EQ(seen[i].bytes_read, line_ends[static_cast<std::size_t>(rows - 1)]) << "batch " << i;
  }
  for (std::int64_t k = 0; k < 11; ++k) {
    Json e = DecodeEntry(ledger_->store().GetEntry(first + k).value().body).value();
    EXPECT_EQ(e["amount_minor"], (110 + k) * 100) << "row " << k;
  }
  ExpectVerifies();
}

TEST_F(ImportTest, DuplicateRowsInOneFileAreRejectedInAndAcrossBatches) {
  const std::string row = alice_ + ",10,EUR,cheque,2027-01-10\n";
  const std::string csv = std::string(kHeader) + row + row + bob_ + ",5,EUR,card,2027-01-10\n" +
                          row + bob_ + ",6,EUR,card,2027-01-10\n" +
                          bob_ + ",7,EUR,card,2027-01-10\n" + row;
  // Batches of two: lines 2-3, 4-5, 6-7, 8. Line 5 is decided while the batch
  // of line 2 may still be signing (AppendRun), line 8 after it committed.
  Result<ImportProgress> p = Import(csv, 2);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->recorded, 4);
  ASSERT_EQ(rejects_.size(), 3u);
  EXPECT_EQ(rejects_[0].line, 3);
  EXPECT_NE(rejects_[0].reason.find("duplicate external id sha256:"), std::string::npos);
  EXPECT_NE(rejects_[0].reason.find("the same as line 2"), std::string::npos);
  EXPECT_EQ(rejects_[1].line, 5);
  EXPECT_NE(rejects_[1].reason.find("the same as line 2"), std::string::npos);
  EXPECT_EQ(rejects_[2].line, 8);
  EXPECT_NE(rejects_[2].reason.find("the same as an earlier line (entry "), std::string::npos);
  EXPECT_EQ(Donations(), 4);
}

TEST_F(ImportTest, AnotherWriterBetweenBatchesGetsTheRowsDecidedAheadDecidedAgain) {
  const std::string csv = std::string(kHeader) + alice_ + ",100,EUR,cheque,2027-01-10\n" +
                          alice_ + ",100,EUR,cheque,2027-01-11\n" +   // 3
                          alice_ + ",4000,EUR,cheque,2027-01-12\n" +  // 4
                          bob_ + ",2300,EUR,cheque,2027-01-12\n" +    // 5
                          bob_ + ",2300,EUR,cheque,2027-01-13\n";     // 6
  // Batches of two: lines 4-5 are decided, and signed, before the batch of
  // lines 2-3 commits. Right after that commit another writer records 500 EUR
  // from Alice, so line 4 must now be refused: 100 + 100 + 500 + 4,000 is over
  // her 4,600 EUR cap. Bob's two gifts reach his cap exactly: a decider that
  // still counted the first decision of line 5 would refuse one of them.
  auto other = Ledger::Open(path_, testing::Pass(), testing::FastKdf());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  int batches = 0;
  Result<ImportProgress> p = Import(csv, 2, kDeciderCacheBytesMax, [&](const ImportProgress&) {
    if (++batches != 1) return;
    DonationRequest r;
    r.subject = alice_;
    r.amount_minor = 50000;
    r.currency = "EUR";
    r.method = "card";
    r.date = D("2027-01-11");
    r.scope = kScope;
    Result<Recorded> rec = RecordDonation(*other.value(), key_, r);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
  });
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->recorded, 4);
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_EQ(rejects_[0].line, 4);
  std::int64_t alice_total = 0;
  const std::vector<DonationRecord> gifts = LoadDonations(ledger_->store(), kScope, alice_).value();
  for (const DonationRecord& d : gifts) alice_total += d.amount_minor;
  EXPECT_EQ(alice_total, 70000);
  EXPECT_EQ(Donations(), 5);
  ExpectVerifies();
}

TEST_F(ImportTest, MalformedRowsAreRejectedWithLineAndReasonAndNothingWritten) {
  const std::string csv = std::string(kHeader) +
                          "S-zz,10,EUR,cheque,2027-01-10\n" +              // 2
                          alice_ + ",10.001,EUR,cheque,2027-01-10\n" +    // 3
                          alice_ + ",10,EUR,barter,2027-01-10\n" +        // 4
                          alice_ + ",10,EUR,cheque,2027-02-30\n" +        // 5
                          alice_ + ",10,EUR,cheque\n" +                   // 6
                          "S-0000000000,10,EUR,cheque,2027-01-10\n" +     // 7
                          alice_ + ",10,USD,cheque,2027-01-10\n" +        // 8
                          alice_ + ",\"1\"0,EUR,cheque,2027-01-10\n";     // 9
  const std::int64_t before = Count();
  Result<ImportProgress> p = Import(csv);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->recorded, 0);
  ASSERT_EQ(rejects_.size(), 8u);
  const char* const want[] = {"column donor", "decimal", "unknown payment method",
                              "column date", "the record has 4 fields, the header has 5",
                              "no donor S-0000000000", "USD", "text after the closing quote"};
  for (std::size_t i = 0; i < rejects_.size(); ++i) {
    EXPECT_EQ(rejects_[i].line, static_cast<std::int64_t>(i + 2));
    EXPECT_NE(rejects_[i].reason.find(want[i]), std::string::npos)
        << "line " << rejects_[i].line << ": " << rejects_[i].reason;
  }
  EXPECT_EQ(Count(), before);
}

TEST_F(ImportTest, BadHeaderStopsBeforeAnythingIsWritten) {
  const std::int64_t before = Count();
  Result<ImportProgress> p = Import("donor,amount,currency,method,when\n");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.status().IsInvalidArgument());
  EXPECT_NE(p.status().message().find("unknown column \"when\""), std::string::npos);
  p = Import("donor,amount,currency,method\n");
  EXPECT_NE(p.status().message().find("no column \"date\""), std::string::npos);
  p = Import("donor,amount,amount,currency,method,date\n");
  EXPECT_NE(p.status().message().find("\"amount\" appears twice"), std::string::npos);
  p = Import("");
  EXPECT_NE(p.status().message().find("the CSV file is empty"), std::string::npos);
  std::istringstream in(kHeader);
  ImportOptions o;
  o.scope = "no-such-scope";
  p = ImportDonations(*ledger_, key_, in, o);
  EXPECT_TRUE(p.status().IsNotFound()) << p.status().ToString();
  EXPECT_EQ(Count(), before);
}

// The reference: the same rows recorded one by one through RecordDonation,
// each in its own transaction, must get the same decisions as the import in
// small batches (each row seeing the pending rows before it).
TEST_F(ImportTest, BatchDecisionsMatchOneByOne) {
  std::mt19937 rng(7);
  const std::vector<std::string> donors = {alice_, bob_, AddPerson("Carol")};
  std::string csv = kHeader;
  std::vector<DonationRequest> requests;
  for (int i = 0; i < 60; ++i) {
    DonationRequest r;
    r.subject = donors[rng() % donors.size()];
    r.amount_minor = static_cast<std::int64_t>(100 + rng() % 150000);
    r.currency = "EUR";
    r.method = rng() % 4 == 0 ? "cash" : "cheque";
    r.date = D("2027-01-10");
    r.scope = kScope;
    csv += r.subject + "," + std::to_string(r.amount_minor / 100) + "." +
           std::to_string(10 + r.amount_minor % 90) + ",EUR," + r.method + ",2027-01-" +
           std::to_string(10 + i % 15) + "\n";
    requests.push_back(r);
  }
  // A cache bound of 0: the decider drops every donor after every batch and
  // reads them again from the store (tests/policies/donor_history_test.cc
  // holds the cache to fresh reads on a larger stream).
  Result<ImportProgress> p = Import(csv, 7, 0);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_GT(p->rejected, 0) << "the test needs some refusals";
  ASSERT_GT(p->recorded, 0);
  std::vector<std::int64_t> rejected_lines;
  for (const ImportReject& r : rejects_) rejected_lines.push_back(r.line);

  // Replay the same rows through RecordDonation in a second ledger.
  testing::TempDir dir;
  auto other = Ledger::Create(dir.File("b.ledger"), testing::Pass(), "b.example/log", key_,
                              testing::FastKdf());
  ASSERT_TRUE(other.ok());
  NewScope s{kScope, "fr-candidate-2027-presidential", {}, {}, {{"spending_ceiling", "16851000"}}};
  ASSERT_TRUE(AddScope(*other.value(), key_, ShippedPack(s.pack_id), s).ok());
  std::istringstream in(csv);
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  ImportColumns columns = ParseImportHeader(record.fields).value();
  std::vector<std::int64_t> refused_lines;
  // The donors of the second ledger are new subjects: map ours to theirs.
  std::map<std::string, std::string> subject_of;
  for (const std::string& d : donors) {
    NewDonor nd{"person", DonorPii{"X " + d, "FR", "FR", "1 rue X", "", "", ""}};
    subject_of[d] = AddDonor(*other.value(), key_, nd).value().subject;
  }
  while (reader.Next(&record).value()) {
    DonationRequest r = RowToRequest(columns, record.fields, kScope).value();
    r.subject = subject_of[r.subject];
    Result<Recorded> rec = RecordDonation(*other.value(), key_, r);
    if (!rec.ok()) refused_lines.push_back(record.line);
  }
  EXPECT_EQ(rejected_lines, refused_lines);
  ExpectVerifies();
}

TEST(ImportRowTest, ExternalIdHashIgnoresSpellingButNotContent) {
  ImportColumns c = ParseImportHeader({"donor", "amount", "currency", "method", "date"}).value();
  auto id = [&](std::vector<std::string> row) {
    return RowExternalId(RowToRequest(c, row, "s").value());
  };
  const std::string a = id({"S-0123456789", "10", "EUR", "cheque", "2027-01-10"});
  EXPECT_EQ(a.size(), 71u);
  EXPECT_EQ(a.substr(0, 7), "sha256:");
  EXPECT_EQ(a, id({"S-0123456789", "10.00", "EUR", "cheque", "2027-01-10"}));
  EXPECT_NE(a, id({"S-0123456789", "10.01", "EUR", "cheque", "2027-01-10"}));
  EXPECT_NE(a, id({"S-0123456789", "10", "EUR", "card", "2027-01-10"}));
  EXPECT_NE(a, id({"anonymous", "10", "EUR", "cheque", "2027-01-10"}));
  EXPECT_EQ(RowToRequest(c, {"S-0123456789", "10", "EUR", "cheque", "2027-01-10"}, "x")
                .value()
                .external_id,
            a)
      << "the scope is not part of the id";
}

TEST(ImportRowTest, ExternalIdColumnIsChecked) {
  ImportColumns c =
      ParseImportHeader({"external_id", "donor", "amount", "currency", "method", "date"}).value();
  auto row = [](const std::string& ext) {
    return std::vector<std::string>{ext, "anonymous", "1", "EUR", "cash", "2027-01-10"};
  };
  EXPECT_EQ(RowToRequest(c, row("ch_3N1"), "s").value().external_id, "ch_3N1");
  EXPECT_NE(RowToRequest(c, row(""), "s").status().message().find("column external_id"),
            std::string::npos);
  EXPECT_FALSE(RowToRequest(c, row("has space"), "s").ok());
  EXPECT_FALSE(RowToRequest(c, row(std::string(kExternalIdBytesMax + 1, 'x')), "s").ok());
  EXPECT_TRUE(RowToRequest(c, row(std::string(kExternalIdBytesMax, 'x')), "s").ok());
}

}  // namespace
}  // namespace probity
