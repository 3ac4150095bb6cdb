// Rectification and erasure through the library (ledger/subjects.h), the
// store's key deletion and WAL truncation, and the replay rules of
// docs/format.md section 14, step 11 for donor_corrected and erasure.
#include "ledger/subjects.h"

#include <sys/stat.h>

#include "ledger/entry.h"
#include "ledger/requests.h"
#include "ledger/vault.h"
#include "ledger/verify.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity::testing {
namespace {

class SubjectsTest : public LedgerTest {
 protected:
  // Appends a request_opened entry as the register's CLI would; returns its id.
  std::int64_t OpenRequest(const std::string& subject, const char* type) {
    std::int64_t seq = -1;
    auto seqs = ledger_->Append(key_, [&](AppendBatch& batch) {
      EntryDraft d{"request_opened", Json::object()};
      d.fields["subject"] = subject;
      d.fields["request_type"] = type;
      d.fields["received"] = "2026-11-01";
      d.fields["channel"] = "email";
      d.fields["due"] = "2026-12-01";
      PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(d));
      return Status::OK();
    });
    EXPECT_TRUE(seqs.ok()) << seqs.status().ToString();
    return seq;
  }
  // Appends `draft` with no check but the schema's (what a forger could sign).
  Status AppendRaw(const EntryDraft& draft, const std::string& delete_key_of = "") {
    return ledger_
        ->Append(key_,
                 [&](AppendBatch& batch) -> Status {
                   PROBITY_RETURN_IF_ERROR(batch.Add(draft).status());
                   if (delete_key_of.empty()) return Status::OK();
                   return batch.store().DeleteSubjectKey(delete_key_of);
                 })
        .status();
  }
  Result<std::int64_t> Erase(const std::string& subject) {
    std::int64_t seq = -1;
    auto seqs = ledger_->Append(key_, [&](AppendBatch& batch) {
      PROBITY_ASSIGN_OR_RETURN(
          seq, EraseSubjectInBatch(batch, Erasure{subject, ParseDate("2026-11-02").value(),
                                                  "retention-ended", std::nullopt}));
      return Status::OK();
    });
    if (!seqs.ok()) return seqs.status();
    return seq;
  }
  // An erasure entry written without deleting the key.
  static EntryDraft ForgedErasure(const std::string& subject) {
    return EntryDraft{"erasure", Json{{"subject", subject},
                                      {"date", "2026-11-03"},
                                      {"ground", "retention-ended"}}};
  }
  Status Verify() {
    Result<VerifyReport> r = VerifyLedger(*ledger_);
    if (!r.ok()) return r.status();
    return r->failure;
  }
};

TEST_F(SubjectsTest, RectificationRestatesTheDataAndKeepsTheHistory) {
  const std::string s = AddPerson("Jeanne Martin");
  const std::int64_t request = OpenRequest(s, "rectification");
  Result<std::int64_t> seq = RectifyDonor(
      *ledger_, key_, Rectification{s, {{"address", "2 rue Neuve"}, {"email", "j@example.org"}},
                                    request});
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  DonorRecord d = GetDonor(*ledger_, s).value();
  ASSERT_TRUE(d.pii.has_value());
  EXPECT_EQ(d.pii->address, "2 rue Neuve");
  EXPECT_EQ(d.pii->email, "j@example.org");
  EXPECT_EQ(d.pii->name, "Jeanne Martin");  // not named: kept
  EXPECT_EQ(ListDonors(*ledger_).value().at(0).pii->address, "2 rue Neuve");
  std::vector<PiiVersion> history = LoadPiiHistory(ledger_->store(), s).value();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].kind, "donor_added");
  EXPECT_EQ(history[0].pii->address, "1 rue X");
  EXPECT_EQ(history[1].kind, "donor_corrected");
  EXPECT_EQ(history[1].request_seq, request);
  // The new box is sealed, not in clear.
  EXPECT_EQ(ledger_->store().GetEntry(*seq).value().body.find("Neuve"), std::string::npos);
  EXPECT_TRUE(Verify().ok());

  // Removing a field with an empty value.
  ASSERT_TRUE(RectifyDonor(*ledger_, key_, Rectification{s, {{"email", ""}}, std::nullopt}).ok());
  EXPECT_TRUE(GetDonor(*ledger_, s).value().pii->email.empty());
}

// LoadDonorIdentity reads the donor's entries with one query; the oracle
// finds them one kind at a time and reads them one by one: the
// registration's type and the latest box, opened with the key.
TEST_F(SubjectsTest, DonorIdentityAgreesWithTheEntriesReadOneByOne) {
  const std::string plain = AddPerson("Jeanne Martin");
  const std::string rectified = AddPerson("Paul Durand");
  const std::string erased = AddPerson("Marie Curie");
  auto company = AddDonor(*ledger_, key_,
                          NewDonor{"legal-person", DonorPii{"ACME SA", "FR", "FR", "1 rue Y", "",
                                                            "", ""}});
  ASSERT_TRUE(company.ok()) << company.status().ToString();
  Give(plain, "10");
  ASSERT_TRUE(RectifyDonor(*ledger_, key_, Rectification{rectified, {{"address", "2 rue A"}}, {}})
                  .ok());
  Give(rectified, "20");
  ASSERT_TRUE(RectifyDonor(*ledger_, key_,
                           Rectification{rectified, {{"residence", "BE"}, {"address", "3 rue B"}},
                                         {}})
                  .ok());
  ASSERT_TRUE(Erase(erased).ok());
  Store& store = ledger_->store();
  for (const std::string& s : {plain, rectified, erased, company->subject}) {
    SCOPED_TRACE(s);
    Result<DonorIdentity> got = LoadDonorIdentity(store, s);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const std::int64_t added = store.FindEntries("donor_added", s).value().at(0);
    const std::vector<std::int64_t> corrected = store.FindEntries("donor_corrected", s).value();
    const std::int64_t current = corrected.empty() ? added : corrected.back();
    EXPECT_EQ(got->donor_type, ReadDecodedEntry(store, added).value()["donor_type"]);
    const std::string box = ReadDecodedEntry(store, current).value()["pii"].get<std::string>();
    Result<SecretBytes> key = store.GetSubjectKey(s);
    ASSERT_EQ(got->pii.has_value(), key.ok());
    if (key.ok()) {
      EXPECT_EQ(PiiToJson(*got->pii), PiiToJson(OpenPii(key.value(), s, box).value()));
    }
    EXPECT_EQ(LoadCurrentPii(store, s).value().has_value(), got->pii.has_value());
  }
  EXPECT_EQ(LoadDonorIdentity(store, rectified)->pii->residence, "BE");
  EXPECT_EQ(LoadDonorIdentity(store, company->subject)->donor_type, "legal-person");
  EXPECT_FALSE(LoadDonorIdentity(store, erased)->pii.has_value());
  EXPECT_TRUE(LoadDonorIdentity(store, "S-0000000000").status().IsNotFound());
  EXPECT_TRUE(LoadDonorIdentity(store, "not an id").status().IsInvalidArgument());
}

TEST_F(SubjectsTest, BadRectificationsAreRefusedAndWriteNothing) {
  const std::string s = AddPerson("Jeanne Martin");
  const std::int64_t access = OpenRequest(s, "access");
  const std::int64_t before = Count();
  struct Case {
    Rectification r;
    StatusCode code;
    const char* says;
  } cases[] = {
      {{s, {}, std::nullopt}, StatusCode::kInvalidArgument, "give the fields"},
      {{s, {{"address", "1 rue X"}}, std::nullopt}, StatusCode::kInvalidArgument,
       "nothing to rectify"},
      {{s, {{"name", ""}}, std::nullopt}, StatusCode::kInvalidArgument, "--name"},
      {{s, {{"nationality", "France"}}, std::nullopt}, StatusCode::kInvalidArgument,
       "--nationality"},
      {{s, {{"nickname", "Jo"}}, std::nullopt}, StatusCode::kInvalidArgument, "nickname"},
      {{s, {{"address", "a\nb"}}, std::nullopt}, StatusCode::kInvalidArgument, "control"},
      {{s, {{"address", "2 rue Neuve"}}, access}, StatusCode::kInvalidArgument,
       "not rectification"},
      {{s, {{"address", "2 rue Neuve"}}, 999}, StatusCode::kNotFound, "no GDPR request 999"},
      {{"S-00000000ff", {{"address", "2 rue Neuve"}}, std::nullopt}, StatusCode::kNotFound,
       "no donor"},
      {{"nobody", {{"address", "2 rue Neuve"}}, std::nullopt}, StatusCode::kInvalidArgument, ""},
  };
  for (const Case& c : cases) {
    Result<std::int64_t> r = RectifyDonor(*ledger_, key_, c.r);
    ASSERT_FALSE(r.ok()) << c.says;
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.says), std::string::npos) << r.status().ToString();
    EXPECT_EQ(Count(), before);
  }
}

TEST_F(SubjectsTest, RequestChecksNameWhatIsWrong) {
  const std::string s = AddPerson("Jeanne Martin");
  const std::string other = AddPerson("Paul Durand");
  const std::int64_t erasure = OpenRequest(s, "erasure");
  const std::int64_t theirs = OpenRequest(other, "erasure");
  Store& store = ledger_->store();
  EXPECT_TRUE(RequireOpenRequest(store, erasure, s, "erasure").ok());
  Status wrong_type = RequireOpenRequest(store, erasure, s, "rectification");
  EXPECT_NE(wrong_type.message().find("gdpr request open"), std::string::npos);
  Status wrong_subject = RequireOpenRequest(store, theirs, s, "erasure");
  EXPECT_NE(wrong_subject.message().find("was made by " + other), std::string::npos);
  EXPECT_TRUE(RequireOpenRequest(store, 1, s, "erasure").IsNotFound());  // donor_added, not a request
  EXPECT_TRUE(RequireOpenRequest(store, -1, s, "erasure").IsNotFound());
  ASSERT_TRUE(AppendRaw(EntryDraft{"request_closed", Json{{"request_seq", erasure},
                                                          {"subject", s},
                                                          {"date", "2026-11-03"},
                                                          {"outcome", "withdrawn"}}})
                  .ok());
  Status closed = RequireOpenRequest(store, erasure, s, "erasure");
  EXPECT_NE(closed.message().find("already closed (withdrawn"), std::string::npos)
      << closed.ToString();
}

TEST_F(SubjectsTest, ErasureDeletesTheKeyAndLaterRecordsAreRefused) {
  const std::string s = AddPerson("Jeanne Martin");
  Give(s, "10");
  ASSERT_TRUE(ledger_->store().GetSubjectKey(s).ok());
  Result<std::int64_t> seq = Erase(s);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_TRUE(ledger_->store().GetSubjectKey(s).status().IsNotFound());
  EXPECT_TRUE(ledger_->store().TruncateWal().ok());
  EXPECT_FALSE(GetDonor(*ledger_, s).value().pii.has_value());
  EXPECT_TRUE(Verify().ok());
  std::optional<ErasureRecord> e = FindErasure(ledger_->store(), s).value();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->seq, *seq);
  EXPECT_EQ(e->ground, "retention-ended");

  const std::int64_t before = Count();
  Result<std::int64_t> twice = Erase(s);
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(twice.status().message().find("already erased on 2026-11-02"), std::string::npos);
  Result<std::int64_t> rectify =
      RectifyDonor(*ledger_, key_, Rectification{s, {{"address", "x"}}, std::nullopt});
  EXPECT_NE(rectify.status().message().find("was erased on 2026-11-02"), std::string::npos);
  Result<std::int64_t> consent = GrantConsent(
      *ledger_, key_,
      NewConsent{s, "newsletter", std::string(64, 'a'), "web", ParseDate("2026-11-03").value()});
  EXPECT_NE(consent.status().message().find("was erased"), std::string::npos);
  EXPECT_EQ(Count(), before);
  EXPECT_TRUE(Erase("S-00000000ff").status().IsNotFound());
}

TEST_F(SubjectsTest, ReplayRefusesRecordsAboutAnErasedSubject) {
  const std::string s = AddPerson("Jeanne Martin");
  ASSERT_TRUE(AppendRaw(EntryDraft{"purpose_added", Json{{"purpose", "newsletter"},
                                                         {"basis", "Art. 6(1)(a)"},
                                                         {"retention", "3y"},
                                                         {"description", "News"}}})
                  .ok());
  ASSERT_TRUE(Erase(s).ok());
  // A forged consent after the erasure, to a registered purpose: signed,
  // well-formed, but refused.
  ASSERT_TRUE(AppendRaw(EntryDraft{"consent", Json{{"subject", s},
                                                   {"purpose", "newsletter"},
                                                   {"text_sha256", std::string(64, 'a')},
                                                   {"channel", "web"},
                                                   {"date", "2026-11-03"}}})
                  .ok());
  Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kVerificationFailed);
  EXPECT_NE(st.message().find("only GDPR requests may name an erased subject"), std::string::npos)
      << st.ToString();
}

TEST_F(SubjectsTest, ReplayAllowsRequestsAboutAnErasedSubject) {
  const std::string s = AddPerson("Jeanne Martin");
  ASSERT_TRUE(Erase(s).ok());
  OpenRequest(s, "access");
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_F(SubjectsTest, ReplayRefusesASecondErasure) {
  const std::string s = AddPerson("Jeanne Martin");
  ASSERT_TRUE(Erase(s).ok());
  ASSERT_TRUE(AppendRaw(ForgedErasure(s)).ok());
  Status st = Verify();
  EXPECT_NE(st.message().find("an entry of kind erasure names subject " + s), std::string::npos)
      << st.ToString();
}

TEST_F(SubjectsTest, VerifyRefusesAnErasureWhoseKeyIsStillThere) {
  const std::string s = AddPerson("Jeanne Martin");
  ASSERT_TRUE(AppendRaw(ForgedErasure(s)).ok());
  Status st = Verify();
  EXPECT_NE(st.message().find("still holds the key of " + s), std::string::npos)
      << st.ToString();
}

TEST_F(SubjectsTest, VerifyRefusesACorrectionSealedForAnotherSubject) {
  const std::string s = AddPerson("Jeanne Martin");
  AddPerson("Paul Durand");
  // Paul's box moved into a rectification of Jeanne: the subject id is the
  // box's associated data, so it does not open under Jeanne's key.
  Json paul = ReadDecodedEntry(ledger_->store(), 2).value();
  ASSERT_EQ(paul["kind"], "donor_added");
  ASSERT_TRUE(AppendRaw(EntryDraft{"donor_corrected", Json{{"subject", s}, {"pii", paul["pii"]}}})
                  .ok());
  Status st = Verify();
  EXPECT_NE(st.message().find("personal data does not open under the vault key of " + s),
            std::string::npos)
      << st.ToString();
}

TEST_F(SubjectsTest, StoreDeletesKeysOnlyOnceAndSecureDeleteIsOn) {
  const std::string s = AddPerson("Jeanne Martin");
  Store& store = ledger_->store();
  EXPECT_EQ(QueryInt64(store.db(), "PRAGMA secure_delete").value(), 1);
  ASSERT_TRUE(store.BeginWrite().ok());
  EXPECT_TRUE(store.DeleteSubjectKey(s).ok());
  EXPECT_TRUE(store.DeleteSubjectKey(s).IsNotFound());
  EXPECT_TRUE(store.DeleteSubjectKey("S-00000000ff").IsNotFound());
  store.Rollback();
  EXPECT_TRUE(store.GetSubjectKey(s).ok());  // rolled back with the transaction
}

TEST_F(SubjectsTest, WalTruncationEmptiesTheWalOrSaysItCouldNot) {
  AddPerson("Jeanne Martin");
  struct stat st {};
  ASSERT_EQ(stat((path_ + "-wal").c_str(), &st), 0);
  ASSERT_GT(st.st_size, 0);
  // A second connection holding a read transaction keeps the checkpoint from
  // resetting the WAL: the truncation must say so, not pretend.
  auto reader = Ledger::Open(path_, Pass(), FastKdf());
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->store().db().Exec("PRAGMA busy_timeout = 0;").ok());
  ASSERT_TRUE(ledger_->store().db().Exec("PRAGMA busy_timeout = 0;").ok());
  ASSERT_TRUE((*reader)->store().db().Exec("BEGIN; SELECT count(*) FROM entries;").ok());
  AddPerson("Paul Durand");  // a frame the reader does not see
  Status busy = ledger_->store().TruncateWal();
  EXPECT_EQ(busy.code(), StatusCode::kIoError) << busy.ToString();
  EXPECT_NE(busy.message().find("could not be truncated"), std::string::npos);
  ASSERT_TRUE((*reader)->store().db().Exec("COMMIT;").ok());
  EXPECT_TRUE(ledger_->store().TruncateWal().ok());
  ASSERT_EQ(stat((path_ + "-wal").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);
}

}  // namespace
}  // namespace probity::testing
