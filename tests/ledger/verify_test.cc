// VerifyLedger against tampering by someone who holds the database key and
// drops the triggers: each case must fail and name the first bad entry.
#include "ledger/verify.h"

#include "ledger/encoding.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

class VerifyTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    subject_ = AddPerson("Jeanne Martin");  // seq 1
    for (int i = 0; i < 6; ++i) Give(subject_, "150.00");  // seq 2..7
  }
  // What someone holding the database key does first.
  void DropTriggers() {
    if (saved_triggers_.empty()) {
      auto stmt = ledger_->store().db().Prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").value();
      while (stmt.Step().value()) saved_triggers_.emplace_back(stmt.ColumnText(0), stmt.ColumnText(1));
    }
    for (const auto& [name, sql] : saved_triggers_) {
      ASSERT_TRUE(ledger_->store().db().Exec("DROP TRIGGER IF EXISTS " + name).ok());
    }
  }
  // ... and, to cover their tracks, last.
  void RestoreTriggers() {
    for (const auto& [name, sql] : saved_triggers_) {
      ASSERT_TRUE(ledger_->store().db().Exec(sql).ok()) << sql;
    }
  }
  std::vector<std::pair<std::string, std::string>> saved_triggers_;
  VerifyReport Verify() {
    Result<VerifyReport> r = VerifyLedger(*ledger_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : VerifyReport{};
  }
  void Exec(const std::string& sql) {
    DropTriggers();
    Status st = ledger_->store().db().Exec(sql);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void ExpectFailsAt(std::int64_t seq, const std::string& why) {
    VerifyReport r = Verify();
    EXPECT_FALSE(r.failure.ok());
    EXPECT_TRUE(r.failure.IsVerificationFailed());
    EXPECT_EQ(r.first_bad_seq, seq) << r.failure.message();
    EXPECT_NE(r.failure.message().find(why), std::string::npos) << r.failure.message();
  }
  std::string subject_;
};

TEST_F(VerifyTest, IntactLedgerVerifies) {
  VerifyReport r = Verify();
  EXPECT_TRUE(r.failure.ok()) << r.failure.message();
  EXPECT_EQ(r.entries, 8);
  EXPECT_EQ(r.checkpoints, 8);
  EXPECT_EQ(r.signers, 1);
  EXPECT_EQ(r.root, TreeRoot(ledger_->store(), 8).value());
}

TEST_F(VerifyTest, FlippedByteInABodyIsFound) {
  // 15000 -> 95000 keeps the JSON valid; the leaf hash column no longer matches.
  Exec("UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '15000', '95000') AS BLOB) "
       "WHERE seq = 4");
  ExpectFailsAt(4, "leaf hash");
}

TEST_F(VerifyTest, RewrittenBodyWithRecomputedLeafFailsItsSignature) {
  StoredEntry e = ledger_->store().GetEntry(7).value();
  std::string body = e.body;
  body.replace(body.find("15000"), 5, "95000");
  Hash leaf = LeafHash(AsBytes(body));
  Exec("UPDATE entries SET body = x'" + HexEncode(AsBytes(body)) + "', leaf_hash = x'" +
       HexEncode(leaf) + "', amount_minor = 95000 WHERE seq = 7");
  ExpectFailsAt(7, "signature");
}

TEST_F(VerifyTest, NonCanonicalBodyIsFound) {
  Exec("UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '{', '{ ') AS BLOB) "
       "WHERE seq = 3");
  ExpectFailsAt(3, "canonical");
}

TEST_F(VerifyTest, DeletedEntryIsFound) {
  Exec("DELETE FROM entries WHERE seq = 3");
  ExpectFailsAt(3, "missing");
}

TEST_F(VerifyTest, DeletedLastEntryIsFound) {
  Exec("DELETE FROM entries WHERE seq = 7");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
}

TEST_F(VerifyTest, SwappedEntriesAreFound) {
  Exec("UPDATE entries SET seq = -1 WHERE seq = 3; UPDATE entries SET seq = 3 WHERE seq = 4;"
       "UPDATE entries SET seq = 4 WHERE seq = -1;");
  ExpectFailsAt(3, "says it is entry 4");
}

TEST_F(VerifyTest, IndexColumnsMustAgree) {
  Exec("UPDATE entries SET subject = 'S-0000000000' WHERE seq = 5");
  ExpectFailsAt(5, "index columns");
}

// An import finds rows already recorded by external_id: a forged one would
// make it skip a gift that is not there.
TEST_F(VerifyTest, ExternalIdColumnMustAgree) {
  Exec("UPDATE entries SET external_id = 'TXN-1' WHERE seq = 6");
  ExpectFailsAt(6, "index columns (kind, subject, scope, method, amount, external id)");
}

TEST_F(VerifyTest, TamperedTreeNodeIsFound) {
  Exec("UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 0");
  RestoreTriggers();
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
  EXPECT_NE(r.failure.message().find("tree"), std::string::npos) << r.failure.message();
}

TEST_F(VerifyTest, ForgedCheckpointIsFound) {
  NamedKey mallory = NewKey("mallory");
  Checkpoint cp{ledger_->origin(), 8, TreeRoot(ledger_->store(), 8).value()};
  std::string forged = SignNote(FormatCheckpointBody(cp), mallory.name, mallory.key);
  Exec("DELETE FROM checkpoints WHERE tree_size = 8");
  ASSERT_TRUE(ledger_->store().InsertCheckpoint(8, forged).ok());
  RestoreTriggers();
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
  EXPECT_NE(r.failure.message().find("checkpoint at tree size 8"), std::string::npos);
}

TEST_F(VerifyTest, MissingLatestCheckpointIsFound) {
  Exec("DELETE FROM checkpoints WHERE tree_size = 8");
  RestoreTriggers();
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
  EXPECT_NE(r.failure.message().find("latest checkpoint"), std::string::npos);
}

TEST_F(VerifyTest, DroppedTriggersAreFound) {
  DropTriggers();
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
  EXPECT_NE(r.failure.message().find("triggers"), std::string::npos) << r.failure.message();
}

TEST_F(VerifyTest, ExtraRowOutsideTheSequenceIsFound) {
  StoredEntry e = ledger_->store().GetEntry(3).value();
  e.seq = -1;
  ASSERT_TRUE(ledger_->store().InsertEntry(e, EntryIndex{"donation", subject_, "fr-pres-2027",
                                                         "cheque", 15000}).ok());
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
  EXPECT_NE(r.failure.message().find("rows"), std::string::npos) << r.failure.message();
}

TEST_F(VerifyTest, SwappedPersonalDataIsFound) {
  std::string other = AddPerson("Paul Durand");  // seq 8
  Give(other, "1");
  // Move Paul's box into Jeanne's entry: it cannot open under Jeanne's key and AD.
  Json paul = DecodeEntry(ledger_->store().GetEntry(8).value().body).value();
  StoredEntry e = ledger_->store().GetEntry(1).value();
  Json jeanne = DecodeEntry(e.body).value();
  jeanne["pii"] = paul["pii"];
  std::string body = Canonicalize(jeanne).value();
  Exec("UPDATE entries SET body = x'" + HexEncode(AsBytes(body)) + "', leaf_hash = x'" +
       HexEncode(LeafHash(AsBytes(body))) + "' WHERE seq = 1");
  ExpectFailsAt(1, "personal data");
}

TEST_F(VerifyTest, EarlierCheckpointMustBeExtended) {
  const std::string published = ledger_->LatestCheckpoint().value();  // size 8
  Give(subject_, "1");
  VerifyOptions options{{published}};
  EXPECT_TRUE(VerifyLedger(*ledger_, options).value().failure.ok());
  // Cut the ledger back to 5 entries, as someone with the passphrase could,
  // leaving a file that is consistent in itself (the gift rows and method
  // totals of the cut entries go too: plain verify would count them).
  Exec("DELETE FROM entries WHERE seq >= 5; DELETE FROM checkpoints WHERE tree_size > 5;"
       "DELETE FROM tree_nodes; DELETE FROM gift_deltas WHERE seq >= 5;"
       "DELETE FROM method_totals WHERE seq >= 5;");
  MemoryTree tree;
  for (std::int64_t seq = 0; seq < 5; ++seq) {
    Hash leaf = ledger_->store().GetEntry(seq).value().leaf_hash;
    auto nodes = NodesCompletedBy(tree, static_cast<std::uint64_t>(seq), leaf).value();
    ASSERT_TRUE(ledger_->store().InsertTreeNodes(nodes).ok());
    tree.Append(leaf);
  }
  RestoreTriggers();
  EXPECT_TRUE(VerifyLedger(*ledger_).value().failure.ok());
  VerifyReport cut = VerifyLedger(*ledger_, options).value();
  EXPECT_FALSE(cut.failure.ok());
  EXPECT_NE(cut.failure.message().find("does not extend"), std::string::npos)
      << cut.failure.message();
}

TEST_F(VerifyTest, EntryByAnUnauthorisedKeyIsFound) {
  // A well-formed, chained, correctly signed entry by a key the ledger never added.
  NamedKey mallory = NewKey("mallory");
  StoredEntry last = ledger_->store().GetEntry(7).value();
  Json fields = {{"subject", subject_}, {"amount_minor", 100}, {"currency", "EUR"},
                 {"method", "cash"}, {"date", "2026-05-02"}, {"scope", "fr-pres-2027"}};
  std::string body = EncodeEntry(EntryDraft{"donation", fields}, 8, NowUnixSeconds() + 5,
                                 last.leaf_hash, NoteKeyId("mallory", mallory.key.public_key))
                         .value();
  StoredEntry forged{8, body, SignDetached(mallory.key, AsBytes(body)), LeafHash(AsBytes(body))};
  ASSERT_TRUE(ledger_->store().InsertEntry(forged, IndexOf(DecodeEntry(body).value())).ok());
  ExpectFailsAt(8, "not an authorised signer");
}

}  // namespace
}  // namespace probity::testing
