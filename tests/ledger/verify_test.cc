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
    ASSERT_TRUE(ledger_->store().db().Exec(
        "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;"
        "DROP TRIGGER checkpoints_no_delete; DROP TRIGGER tree_nodes_no_update;").ok());
  }
  VerifyReport Verify() {
    Result<VerifyReport> r = VerifyLedger(*ledger_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : VerifyReport{};
  }
  void Exec(const std::string& sql) {
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
       HexEncode(leaf) + "' WHERE seq = 7");
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

TEST_F(VerifyTest, TamperedTreeNodeIsFound) {
  Exec("UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 0");
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
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
  EXPECT_NE(r.failure.message().find("checkpoint at tree size 8"), std::string::npos);
}

TEST_F(VerifyTest, MissingLatestCheckpointIsFound) {
  Exec("DELETE FROM checkpoints WHERE tree_size = 8");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.failure.ok());
  EXPECT_NE(r.failure.message().find("latest checkpoint"), std::string::npos);
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
