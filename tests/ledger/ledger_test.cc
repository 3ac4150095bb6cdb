// The write path: one transaction per Append, a checkpoint after each, the
// signer set enforced, and nothing written when anything fails; an AppendRun
// commits exactly what it sealed and drops what it signed ahead when another
// writer appended between its transactions.
#include "ledger/ledger.h"

#include <vector>

#include "ledger/encoding.h"
#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

class LedgerAppendTest : public LedgerTest {
 protected:
  Checkpoint LatestCheckpoint() {
    ParsedNote note = ParseNote(ledger_->LatestCheckpoint().value()).value();
    EXPECT_TRUE(VerifyNote(note, VerifierKey{key_.name, NoteKeyId(key_.name, key_.key.public_key),
                                             key_.key.public_key})
                    .ok());
    return ParseCheckpointBody(note.body).value();
  }
};

TEST_F(LedgerAppendTest, CreateWritesASelfSignedFirstEntryAndCheckpoint) {
  StoredEntry first = ledger_->store().GetEntry(0).value();
  Json e = DecodeEntry(first.body).value();
  EXPECT_EQ(e["kind"], "ledger_created");
  EXPECT_EQ(e["prev"], std::string(64, '0'));
  EXPECT_TRUE(VerifyDetached(key_.key.public_key, AsBytes(first.body), first.sig));
  Checkpoint cp = LatestCheckpoint();
  EXPECT_EQ(cp.tree_size, 1u);
  EXPECT_EQ(cp.origin, "test.example/log");
  EXPECT_EQ(cp.root_hash, LeafHash(AsBytes(first.body)));
}

TEST_F(LedgerAppendTest, EachAppendChainsAndCheckpoints) {
  std::string s = AddPerson("Jeanne");
  Give(s, "10");
  Give(s, "20.50");
  EXPECT_EQ(Count(), 4);
  for (std::int64_t seq = 1; seq < 4; ++seq) {
    Json e = DecodeEntry(ledger_->store().GetEntry(seq).value().body).value();
    EXPECT_EQ(e["prev"], HexEncode(ledger_->store().GetEntry(seq - 1).value().leaf_hash));
  }
  Checkpoint cp = LatestCheckpoint();
  EXPECT_EQ(cp.tree_size, 4u);
  EXPECT_EQ(cp.root_hash, TreeRoot(ledger_->store(), 4).value());
  EXPECT_EQ(ledger_->store().AllCheckpoints().value().size(), 4u);
}

TEST_F(LedgerAppendTest, FailedBuildWritesNothing) {
  std::string s = AddPerson("Jeanne");
  const std::int64_t before = Count();
  const std::size_t checkpoints = ledger_->store().AllCheckpoints().value().size();
  auto result = ledger_->Append(key_, [&](AppendBatch& batch) -> Status {
    EntryDraft ok{"donation", Json{{"subject", s}, {"amount_minor", 100}, {"currency", "EUR"},
                                   {"method", "cash"}, {"date", "2026-01-01"}, {"scope", "x"}}};
    PROBITY_RETURN_IF_ERROR(batch.Add(ok).status());
    EntryDraft bad{"donation", Json{{"subject", s}}};
    return batch.Add(bad).status();
  });
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Count(), before);
  EXPECT_EQ(ledger_->store().AllCheckpoints().value().size(), checkpoints);
  Reopen();
  EXPECT_EQ(Count(), before);
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(LedgerAppendTest, UnauthorisedKeyIsRejectedAndWritesNothing) {
  NamedKey stranger = NewKey("mallory");
  auto result = AddDonor(*ledger_, stranger, NewDonor{"person", DonorPii{"X", "", "", "", "", "", ""}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kKeyRejected);
  EXPECT_EQ(Count(), 1);
}

TEST_F(LedgerAppendTest, AddedSignerMaySignAndRevokedMayNot) {
  NamedKey bob = NewKey("bob");
  auto add = ledger_->Append(key_, [&](AppendBatch& b) {
    EntryDraft d{"signer_added", Json{{"signer_name", "bob"},
                                      {"signer_key", Base64Encode(bob.key.public_key)}}};
    return b.Add(d).status();
  });
  ASSERT_TRUE(add.ok()) << add.status().ToString();
  EXPECT_FALSE(AddPerson("by treasurer").empty());
  auto by_bob = AddDonor(*ledger_, bob, NewDonor{"person", DonorPii{"Y", "", "", "", "", "", ""}});
  ASSERT_TRUE(by_bob.ok()) << by_bob.status().ToString();
  auto revoke = ledger_->Append(key_, [&](AppendBatch& b) {
    EntryDraft d{"signer_revoked",
                 Json{{"key_id", KeyIdHex(NoteKeyId("bob", bob.key.public_key))}}};
    return b.Add(d).status();
  });
  ASSERT_TRUE(revoke.ok()) << revoke.status().ToString();
  auto after = AddDonor(*ledger_, bob, NewDonor{"person", DonorPii{"Z", "", "", "", "", "", ""}});
  EXPECT_EQ(after.status().code(), StatusCode::kKeyRejected);
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
}

TEST_F(LedgerAppendTest, TheLastSignerCannotBeRevoked) {
  const std::int64_t before = Count();
  auto revoke = ledger_->Append(key_, [&](AppendBatch& b) {
    EntryDraft d{"signer_revoked",
                 Json{{"key_id", KeyIdHex(NoteKeyId(key_.name, key_.key.public_key))}}};
    return b.Add(d).status();
  });
  EXPECT_FALSE(revoke.ok());
  EXPECT_EQ(Count(), before);
}

TEST_F(LedgerAppendTest, ProofsFromStoredNodesVerifyAgainstCheckpoints) {
  std::string s = AddPerson("Jeanne");
  std::vector<Checkpoint> cps;
  for (int i = 0; i < 12; ++i) {
    Give(s, "1");
    cps.push_back(LatestCheckpoint());
  }
  Store& store = ledger_->store();
  const Checkpoint& last = cps.back();
  for (std::uint64_t i = 0; i < last.tree_size; ++i) {
    auto proof = InclusionProof(store, i, last.tree_size).value();
    Hash leaf = store.GetEntry(static_cast<std::int64_t>(i)).value().leaf_hash;
    EXPECT_TRUE(VerifyInclusion(i, last.tree_size, leaf, proof, last.root_hash).ok());
  }
  for (const Checkpoint& old : cps) {
    auto proof = ConsistencyProof(store, old.tree_size, last.tree_size).value();
    EXPECT_TRUE(VerifyConsistency(old.tree_size, last.tree_size, old.root_hash, last.root_hash,
                                  proof).ok());
  }
}

}  // namespace
}  // namespace probity::testing

namespace probity::testing {
namespace {

// More entries in one batch than the signing pipeline holds at once: Add
// must store the oldest before queuing more (it once waited for space that
// only it could free), and everything lands in order and verifies.
TEST_F(LedgerAppendTest, BatchLargerThanTheSigningQueue) {
  const auto n = static_cast<std::int64_t>(3 * kSignInFlightMax + 7);
  const std::int64_t before = Count();
  auto seqs = ledger_->Append(key_, [&](AppendBatch& batch) -> Status {
    for (std::int64_t i = 0; i < n; ++i) {
      EntryDraft d{"donation", Json{{"anonymous", true}, {"amount_minor", 100 + i},
                                    {"currency", "EUR"}, {"method", "cash"},
                                    {"date", "2026-05-01"}, {"scope", "fr-pres-2027"}}};
      PROBITY_RETURN_IF_ERROR(batch.Add(d).status());
    }
    return Status::OK();
  });
  ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
  ASSERT_EQ(static_cast<std::int64_t>(seqs->size()), n);
  EXPECT_EQ(Count(), before + n);
  Result<VerifyReport> report = VerifyLedger(*ledger_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->failure.ok()) << report->failure.ToString();
}

// An entry that validates but cannot be encoded (a text field that is not
// UTF-8: ValidateEntry does not look, Canonicalize does) is refused by Add
// itself, as when Add encoded every entry on the caller's thread, not later
// by a worker: the batch goes on, and an import rejects that row alone.
TEST_F(LedgerAppendTest, AnEntryThatCannotBeEncodedIsRefusedByAddAndTheBatchGoesOn) {
  const std::int64_t before = Count();
  auto donation = [](const std::string& receipt) {
    EntryDraft d{"donation", Json{{"anonymous", true}, {"amount_minor", 100},
                                  {"currency", "EUR"}, {"method", "cash"},
                                  {"date", "2026-05-01"}, {"scope", "fr-pres-2027"}}};
    d.fields["receipt"] = receipt;
    return d;
  };
  auto seqs = ledger_->Append(key_, [&](AppendBatch& batch) -> Status {
    PROBITY_RETURN_IF_ERROR(batch.Add(donation("R-1")).status());
    Result<std::int64_t> bad = batch.Add(donation("R-\xff"));
    EXPECT_FALSE(bad.ok());
    EXPECT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
    EXPECT_NE(bad.status().message().find("not valid UTF-8"), std::string::npos)
        << bad.status().ToString();
    // Accented text is valid but not ASCII: encoded once for the check, then by a worker.
    PROBITY_RETURN_IF_ERROR(batch.Add(donation("re\xc3\xa7u 3")).status());
    return Status::OK();
  });
  ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
  EXPECT_EQ(*seqs, (std::vector<std::int64_t>{before, before + 1}));
  EXPECT_EQ(DecodeEntry(ledger_->store().GetEntry(before + 1).value().body).value()["receipt"],
            "re\xc3\xa7u 3");
  Result<VerifyReport> report = VerifyLedger(*ledger_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->failure.ok()) << report->failure.ToString();
}


class AppendRunTest : public LedgerAppendTest {
 protected:
  static EntryDraft Gift(std::int64_t amount_minor) {
    return EntryDraft{"donation", Json{{"anonymous", true}, {"amount_minor", amount_minor},
                                       {"currency", "EUR"}, {"method", "cash"},
                                       {"date", "2026-05-01"}, {"scope", "fr-pres-2027"}}};
  }
  static void Add(AppendRun& run, std::int64_t amount_minor) {
    ASSERT_TRUE(run.batch().Add(Gift(amount_minor)).ok());
  }
  // What another process sees: a second connection to the same file.
  std::int64_t CommittedCount() {
    auto other = Ledger::Open(path_, Pass(), FastKdf());
    EXPECT_TRUE(other.ok()) << other.status().ToString();
    return other.ok() ? other.value()->store().EntryCount().value() : -1;
  }
  std::vector<std::int64_t> Amounts(std::int64_t from) {
    std::vector<std::int64_t> out;
    for (std::int64_t seq = from; seq < Count(); ++seq) {
      Json e = DecodeEntry(ledger_->store().GetEntry(seq).value().body).value();
      out.push_back(e.value("amount_minor", std::int64_t{-1}));
    }
    return out;
  }
  void ExpectVerifies() {
    Result<VerifyReport> report = VerifyLedger(*ledger_);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->failure.ok()) << report->failure.ToString();
  }
};

TEST_F(AppendRunTest, CommitsWhatWasSealedAndStoresTheRestInTheNextTransaction) {
  const std::int64_t base = Count();
  auto run = AppendRun::Start(*ledger_, key_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  for (std::int64_t a : {101, 102, 103}) ASSERT_NO_FATAL_FAILURE(Add(**run, a));
  EXPECT_EQ((*run)->Seal(), base + 3);
  for (std::int64_t a : {104, 105}) ASSERT_NO_FATAL_FAILURE(Add(**run, a));
  EXPECT_EQ(CommittedCount(), base);
  ASSERT_TRUE((*run)->Commit().ok());
  // The two entries after the seal are not in the file, not even uncommitted.
  EXPECT_EQ(Count(), base + 3);
  EXPECT_EQ(CommittedCount(), base + 3);
  EXPECT_EQ(LatestCheckpoint().tree_size, static_cast<std::uint64_t>(base + 3));
  EXPECT_EQ((*run)->committed_end(), base + 3);
  ASSERT_TRUE((*run)->Resume().value());
  ASSERT_NO_FATAL_FAILURE(Add(**run, 106));
  EXPECT_EQ((*run)->Seal(), base + 6);
  ASSERT_TRUE((*run)->Commit().ok());
  run->reset();
  EXPECT_EQ(Amounts(base), (std::vector<std::int64_t>{101, 102, 103, 104, 105, 106}));
  Checkpoint cp = LatestCheckpoint();
  EXPECT_EQ(cp.tree_size, static_cast<std::uint64_t>(base + 6));
  EXPECT_EQ(cp.root_hash, TreeRoot(ledger_->store(), cp.tree_size).value());
  ExpectVerifies();
}

TEST_F(AppendRunTest, AnotherWriterBetweenTransactionsDropsWhatWasSignedAhead) {
  const std::int64_t base = Count();
  auto run = AppendRun::Start(*ledger_, key_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  for (std::int64_t a : {201, 202}) ASSERT_NO_FATAL_FAILURE(Add(**run, a));
  (*run)->Seal();
  for (std::int64_t a : {203, 204}) ASSERT_NO_FATAL_FAILURE(Add(**run, a));
  ASSERT_TRUE((*run)->Commit().ok());
  {
    auto other = Ledger::Open(path_, Pass(), FastKdf());
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(other.value()->Append(key_, [](AppendBatch& b) {
      return b.Add(Gift(999)).status();
    }).ok());
  }
  Result<bool> resumed = (*run)->Resume();
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_FALSE(resumed.value());
  EXPECT_EQ((*run)->batch().next_seq(), base + 3);  // after the other writer's entry
  ASSERT_NO_FATAL_FAILURE(Add(**run, 205));
  (*run)->Seal();
  ASSERT_TRUE((*run)->Commit().ok());
  run->reset();
  EXPECT_EQ(Amounts(base), (std::vector<std::int64_t>{201, 202, 999, 205}));
  ExpectVerifies();
}

TEST_F(AppendRunTest, NothingSealedCommitsNothingAndAnUncommittedRunLeavesNoTrace) {
  const std::int64_t base = Count();
  const std::size_t checkpoints = ledger_->store().AllCheckpoints().value().size();
  {
    auto run = AppendRun::Start(*ledger_, key_);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    EXPECT_EQ((*run)->Seal(), base);
    ASSERT_TRUE((*run)->Commit().ok());
    ASSERT_TRUE((*run)->Resume().value());
    for (std::int64_t a : {301, 302}) ASSERT_NO_FATAL_FAILURE(Add(**run, a));
    (*run)->Seal();
    ASSERT_NO_FATAL_FAILURE(Add(**run, 303));
    ASSERT_TRUE((*run)->batch().Flush().ok());  // stores up to the seal only
    EXPECT_EQ(Count(), base + 2);  // stored in the open transaction, not committed
    EXPECT_EQ(CommittedCount(), base);
  }  // destroyed before its commit
  EXPECT_EQ(Count(), base);
  EXPECT_EQ(ledger_->store().AllCheckpoints().value().size(), checkpoints);
  EXPECT_GE(AppendEntry("donation", Gift(304).fields), base);  // the write lock is free
  ExpectVerifies();
}

}  // namespace
}  // namespace probity::testing
