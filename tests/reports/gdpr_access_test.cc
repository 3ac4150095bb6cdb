// The GDPR access answer: what it holds for a person with gifts under a French
// and a US pack, consents, a withdrawal, requests with an extension, a
// rectification, a refund and a correction; that every proof verifies; that
// nothing about another donor is in any file; HTML escaping; an erased
// person; both languages; the request checks.
#include "reports/gdpr_access.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/note.h"
#include "ledger/proof_file.h"
#include "policies/donations.h"
#include "policies/retention.h"
#include "policies/scopes.h"
#include "tests/ledger/test_ledger_util.h"
#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

using testing::D;

const char* kWording = "I agree to receive the campaign newsletter.";

class GdprAccessTest : public testing::LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    AddScopeFor("fr-pres-2027", "fr-candidate-2027-presidential", {{"spending_ceiling",
                                                                     "16851000.00"}});
    AddScopeFor("us-2026", "us-fec-2025-2026-candidate", {});
    jeanne_ = AddPerson("Jeanne <script>alert(1)</script> & Fils");
    paul_ = AddPerson("Paul Otherdonor");
    fr_gift_ = Gift(jeanne_, "1000.00", "EUR", "fr-pres-2027", "2027-01-10");
    us_gift_ = Gift(jeanne_, "250.00", "USD", "us-2026", "2026-03-01");
    Gift(paul_, "300.00", "EUR", "fr-pres-2027", "2027-01-11");
    refund_ = AddRefund(*ledger_, key_,
                        NewRefund{us_gift_, Money(1000, LookupCurrency("USD").value()),
                                  D("2026-04-01"), "over-collected"})
                  .value();
    CorrectionRequest c;
    c.donation_seq = fr_gift_;
    c.amount = Money(110000, LookupCurrency("EUR").value());
    c.reason = "typing error";
    Result<Recorded> corrected = RecordCorrection(*ledger_, key_, c);
    ASSERT_TRUE(corrected.ok()) << corrected.status().ToString();
    correction_ = corrected->seq;
    purpose_ = Add("purpose_added", {{"purpose", "newsletter"},
                                     {"basis", "Art. 6(1)(a), Art. 9(2)(a)"},
                                     {"retention", "3y"},
                                     {"description", "Campaign news by e-mail"}});
    consent_ = Add("consent", {{"subject", jeanne_}, {"purpose", "newsletter"},
                               {"text_sha256", HexEncode(Sha256(AsBytes(kWording)))},
                               {"channel", "web"}, {"date", "2027-01-10"},
                               {"text_version", "v3"}, {"evidence", "form 2027-01-10"}});
    withdrawal_ =
        WithdrawConsent(*ledger_, key_, NewWithdrawal{jeanne_, "newsletter", D("2027-03-01")}).value();
    Add("consent", {{"subject", paul_}, {"purpose", "newsletter"},
                    {"text_sha256", HexEncode(Sha256(AsBytes(kWording)))},
                    {"channel", "paper"}, {"date", "2027-01-12"}});
    rectif_req_ = Open(jeanne_, "rectification", "2027-03-02");
    rectification_ = Rectify(jeanne_, "Jeanne <script>alert(1)</script> & Fils", rectif_req_);
    Add("request_closed", {{"request_seq", rectif_req_}, {"subject", jeanne_},
                           {"date", "2027-03-05"}, {"outcome", "answered"}});
    access_req_ = Open(jeanne_, "access", "2027-04-01");
    extension_ = Add("request_extended", {{"request_seq", access_req_}, {"subject", jeanne_},
                                          {"date", "2027-04-20"}, {"reason", "many records"},
                                          {"due", "2027-07-01"}});
    Open(paul_, "access", "2027-04-02");
  }

  void AddScopeFor(const std::string& id, const std::string& pack,
                   std::map<std::string, std::string> params) {
    NewScope s;
    s.id = id;
    s.pack_id = pack;
    s.params = std::move(params);
    Result<std::int64_t> added = AddScope(*ledger_, key_, testing::ShippedPack(pack), s);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
  }
  std::int64_t Gift(const std::string& subject, const char* amount, const char* currency,
                    const char* scope, const char* date) {
    Money m = ParseMoney(amount, currency, Sign::kPositive).value();
    Result<std::int64_t> seq =
        AddDonation(*ledger_, key_, NewDonation{subject, m, "cheque", D(date), scope});
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? seq.value() : -1;
  }
  std::int64_t Add(const char* kind, Json fields) { return AppendEntry(kind, std::move(fields)); }
  std::int64_t Open(const std::string& subject, const char* type, const char* received) {
    return Add("request_opened",
               {{"subject", subject}, {"request_type", type}, {"received", received},
                {"channel", "email"}, {"due", FormatDate(AddMonths(D(received), 1))}});
  }
  std::int64_t Rectify(const std::string& subject, const std::string& name, std::int64_t req) {
    SecretBytes key = ledger_->store().GetSubjectKey(subject).value();
    DonorPii pii{name, "FR", "FR", "2 rue Neuve", "", "", ""};
    return Add("donor_corrected", {{"subject", subject},
                                   {"pii", SealPii(key, subject, pii).value()},
                                   {"request_seq", req}});
  }
  // Erasure as the erasure command will do it: the vault key deleted and an
  // erasure entry, in one transaction.
  void Erase(const std::string& subject) {
    auto done = ledger_->Append(key_, [&](AppendBatch& batch) {
      PROBITY_RETURN_IF_ERROR(batch.store().db().Exec(
          "DELETE FROM subject_keys WHERE subject = '" + subject + "'"));
      erasure_ = batch.Add(EntryDraft{"erasure", {{"subject", subject}, {"date", "2038-02-01"},
                                                  {"ground", "request"}}})
                     .value();
      return Status::OK();
    });
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }
  AccessAnswer Answer(const std::string& subject, AccessLang lang = AccessLang::kEn,
                      std::optional<std::int64_t> request = std::nullopt) {
    Result<AccessAnswer> a =
        BuildAccessAnswer(*ledger_, AccessOptions{subject, lang, D("2027-05-02"), request});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : AccessAnswer{};
  }
  static const std::string& File(const AccessAnswer& a, const std::string& name) {
    for (const AccessFile& f : a.files) {
      if (f.name == name) return f.bytes;
    }
    static const std::string none;
    ADD_FAILURE() << "no file " << name;
    return none;
  }
  static Json Data(const AccessAnswer& a) { return Json::parse(File(a, "data.json")); }
  static const Json* BySeq(const Json& list, std::int64_t seq) {
    for (const Json& x : list) {
      if (x.at("seq") == seq) return &x;
    }
    return nullptr;
  }

  std::string jeanne_, paul_;
  std::int64_t fr_gift_ = -1, us_gift_ = -1, refund_ = -1, correction_ = -1, purpose_ = -1,
               consent_ = -1, withdrawal_ = -1, rectif_req_ = -1, rectification_ = -1,
               access_req_ = -1, extension_ = -1, erasure_ = -1;
};

TEST_F(GdprAccessTest, DataHoldsEverythingAboutThePerson) {
  const AccessAnswer a = Answer(jeanne_);
  const Json d = Data(a);
  EXPECT_EQ(d["format"], "probity-gdpr-access");
  EXPECT_EQ(d["format_version"], 1);
  EXPECT_EQ(d["subject"], jeanne_);
  EXPECT_EQ(d["erased"], false);
  EXPECT_EQ(d["personal_data"]["fields"]["name"], "Jeanne <script>alert(1)</script> & Fils");
  EXPECT_EQ(d["personal_data"]["fields"]["nationality"], "FR");
  ASSERT_EQ(d["personal_data"]["rectifications"].size(), 1u);
  EXPECT_EQ(d["personal_data"]["rectifications"][0]["seq"], rectification_);
  EXPECT_EQ(d["personal_data"]["rectifications"][0]["request_seq"], rectif_req_);

  ASSERT_EQ(d["donations"].size(), 2u);
  const Json* fr = BySeq(d["donations"], fr_gift_);
  ASSERT_NE(fr, nullptr);
  EXPECT_EQ((*fr)["amount_minor"], 110000) << "the correction applies";
  EXPECT_EQ((*fr)["kept_minor"], 110000);
  EXPECT_EQ((*fr)["corrections"][0]["seq"], correction_);
  EXPECT_EQ((*fr)["corrections"][0]["reason"], "typing error");
  EXPECT_EQ((*fr)["entries"], Json::array({fr_gift_, correction_}));
  const Json* us = BySeq(d["donations"], us_gift_);
  ASSERT_NE(us, nullptr);
  EXPECT_EQ((*us)["amount_minor"], 25000);
  EXPECT_EQ((*us)["refunded_minor"], 1000);
  EXPECT_EQ((*us)["kept_minor"], 24000);
  EXPECT_EQ((*us)["currency"], "USD");
  EXPECT_EQ((*us)["refunds"][0]["seq"], refund_);
  EXPECT_EQ((*us)["entries"], Json::array({us_gift_, refund_}));

  ASSERT_EQ(d["consents"].size(), 1u);
  const Json& c = d["consents"][0];
  EXPECT_EQ(c["seq"], consent_);
  EXPECT_EQ(c["text_version"], "v3");
  EXPECT_EQ(c["evidence"], "form 2027-01-10");
  EXPECT_EQ(c["channel"], "web");
  EXPECT_EQ(c["text_sha256"], HexEncode(Sha256(AsBytes(kWording))));
  EXPECT_EQ(c["withdrawal"]["seq"], withdrawal_);
  EXPECT_EQ(c["withdrawal"]["date"], "2027-03-01");
  ASSERT_EQ(d["purposes"].size(), 1u);
  EXPECT_EQ(d["purposes"][0]["basis"], "Art. 6(1)(a), Art. 9(2)(a)");
  EXPECT_EQ(d["purposes"][0]["retention"], "3y");
  EXPECT_EQ(d["purposes"][0]["seq"], purpose_);

  ASSERT_EQ(d["requests"].size(), 2u);
  const Json* access = BySeq(d["requests"], access_req_);
  ASSERT_NE(access, nullptr);
  EXPECT_EQ((*access)["first_due"], "2027-05-01");
  EXPECT_EQ((*access)["due"], "2027-07-01");
  EXPECT_EQ((*access)["extensions"][0]["seq"], extension_);
  EXPECT_TRUE((*access)["closed"].is_null());
  EXPECT_EQ((*BySeq(d["requests"], rectif_req_))["closed"]["outcome"], "answered");
  EXPECT_TRUE(d["request"].is_null());
  EXPECT_TRUE(d["erasure"].is_null());
}

TEST_F(GdprAccessTest, PacksNameAuthorityAndRetentionEnd) {
  const Json d = Data(Answer(jeanne_));
  ASSERT_EQ(d["packs"].size(), 2u);
  for (const Json& p : d["packs"]) {
    const Pack& pack = testing::ShippedPack(p["pack_id"].get<std::string>());
    EXPECT_EQ(p["authority"], pack.authority);
    EXPECT_EQ(p["retention_days"], pack.retention_days);
    const Json& until = p["scopes"].begin().value()["valid_until"];
    // Both gifts lie inside their scopes, so retention runs from the scope's end
    // and lasts retention_days whole days after it.
    EXPECT_EQ(p["retention_ends"],
              FormatDate(AddDays(D(until.get<std::string>().c_str()), pack.retention_days + 1)));
  }
  EXPECT_EQ(d["packs"][0]["jurisdiction"], "FR");
  EXPECT_EQ(d["packs"][0]["retention_ends"], "2038-01-01");
  EXPECT_EQ(d["packs"][1]["jurisdiction"], "US");
  EXPECT_EQ(d["packs"][1]["retention_ends"], "2030-01-01");
}

TEST_F(GdprAccessTest, EveryEntryHasAProofThatVerifies) {
  const AccessAnswer a = Answer(jeanne_);
  const Json d = Data(a);
  const std::vector<std::int64_t> mine = ledger_->store().FindEntries("", jeanne_).value();
  ASSERT_EQ(d["entries"].size(), mine.size());
  EXPECT_EQ(a.entries, mine.size());
  ProofTrust trust{{VerifierKey{key_.name, NoteKeyId(key_.name, key_.key.public_key),
                                key_.key.public_key}},
                   ledger_->origin()};
  EXPECT_EQ(d["ledger"]["trust"], FormatVerifierKey(key_.name, key_.key.public_key));
  for (const Json& e : d["entries"]) {
    const std::int64_t seq = e["seq"].get<std::int64_t>();
    const std::string& proof = File(a, e["proof"].get<std::string>());
    const std::string& bytes = File(a, e["entry_file"].get<std::string>());
    EXPECT_EQ(bytes, ledger_->store().GetEntry(seq).value().body);
    ProofReport report;
    Status st = VerifyEntryProof(proof, bytes, trust, &report);
    EXPECT_TRUE(st.ok()) << seq << ": " << st.ToString();
    EXPECT_EQ(report.index, static_cast<std::uint64_t>(seq));
    EXPECT_EQ(report.entry_sig, EntrySignatureCheck::kVerified);
  }
  // A proof does not prove another entry.
  const std::string& proof = File(a, "proofs/" + std::to_string(fr_gift_) + ".tlog-proof");
  const std::string other = ledger_->store().GetEntry(us_gift_).value().body;
  EXPECT_FALSE(VerifyEntryProof(proof, other, trust).ok());
}

TEST_F(GdprAccessTest, NothingAboutAnotherDonorInAnyFile) {
  for (AccessLang lang : {AccessLang::kEn, AccessLang::kFr}) {
    const AccessAnswer a = Answer(jeanne_, lang);
    ASSERT_GE(a.files.size(), 4u);
    for (const AccessFile& f : a.files) {
      EXPECT_EQ(f.bytes.find("Otherdonor"), std::string::npos) << f.name;
      EXPECT_EQ(f.bytes.find(paul_), std::string::npos) << f.name;
      EXPECT_EQ(f.bytes.find("paper"), std::string::npos) << f.name << ": Paul's consent";
    }
  }
}

TEST_F(GdprAccessTest, LetterEscapesEverything) {
  const std::string html = File(Answer(jeanne_), "index.html");
  EXPECT_EQ(html.find("<script"), std::string::npos) << "no script, not even the name's";
  EXPECT_NE(html.find("Jeanne &lt;script&gt;alert(1)&lt;/script&gt; &amp; Fils"),
            std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos) << "no external resource";
  EXPECT_EQ(html.find("src="), std::string::npos);
}

TEST_F(GdprAccessTest, LettersInEnglishAndFrench) {
  const std::string en = File(Answer(jeanne_, AccessLang::kEn), "index.html");
  const std::string fr = File(Answer(jeanne_, AccessLang::kFr), "index.html");
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(fr.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(en.find("Your rights"), std::string::npos);
  EXPECT_NE(fr.find("Vos droits"), std::string::npos);
  for (const std::string* h : {&en, &fr}) {
    EXPECT_NE(h->find("CNCCFP"), std::string::npos);
    EXPECT_NE(h->find("Federal Election Commission"), std::string::npos);
    EXPECT_NE(h->find("CNIL"), std::string::npos) << "a French pack: complaint to the CNIL";
    EXPECT_EQ(h->find("ico.org.uk"), std::string::npos) << "no UK pack";
    EXPECT_NE(h->find("2038-01-01"), std::string::npos) << "retention end";
    EXPECT_NE(h->find("probity verify-proof proofs/SEQ.tlog-proof"), std::string::npos);
    EXPECT_NE(h->find("22(3)"), std::string::npos);
  }
}

TEST_F(GdprAccessTest, ErasedPersonStillSeesTheSignedFacts) {
  Erase(jeanne_);
  const AccessAnswer a = Answer(jeanne_);
  const Json d = Data(a);
  EXPECT_EQ(d["erased"], true);
  EXPECT_TRUE(d["personal_data"]["fields"].is_null());
  EXPECT_EQ(d["erasure"]["seq"], erasure_);
  EXPECT_EQ(d["erasure"]["ground"], "request");
  EXPECT_EQ(d["donations"].size(), 2u) << "amounts and dates remain";
  EXPECT_NE(BySeq(d["entries"], erasure_), nullptr) << "the erasure entry is listed, with a proof";
  for (const AccessFile& f : a.files) {
    EXPECT_EQ(f.bytes.find("Jeanne"), std::string::npos) << f.name;
  }
  const std::string html = File(a, "index.html");
  EXPECT_NE(html.find("Your identity has been erased"), std::string::npos);
  EXPECT_NE(File(Answer(jeanne_, AccessLang::kFr), "index.html").find("a été effacée"),
            std::string::npos);
}

TEST_F(GdprAccessTest, AnswersAnOpenAccessRequest) {
  const AccessAnswer a = Answer(jeanne_, AccessLang::kEn, access_req_);
  const Json d = Data(a);
  EXPECT_EQ(d["request"]["seq"], access_req_);
  EXPECT_EQ(a.data_sha256, HexEncode(Sha256(AsBytes(File(a, "data.json")))));
  const std::int64_t before = Count();
  Result<std::int64_t> closed = CloseAnsweredRequest(*ledger_, key_, jeanne_, access_req_,
                                                     a.data_sha256, D("2027-05-02"));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(Count(), before + 1);
  const RequestRecord r = LoadRequest(ledger_->store(), access_req_).value();
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.outcome, "answered");
  EXPECT_EQ(r.answer_sha256, a.data_sha256);
  // Closed now: neither answered nor closed again.
  Result<std::int64_t> again = CloseAnsweredRequest(*ledger_, key_, jeanne_, access_req_,
                                                    a.data_sha256, D("2027-05-02"));
  EXPECT_TRUE(again.status().IsInvalidArgument()) << again.status().ToString();
  EXPECT_EQ(Count(), before + 1);
}

TEST_F(GdprAccessTest, BadRequestsAndSubjectsAreRefused) {
  const auto refused = [&](const std::string& subject, std::optional<std::int64_t> req,
                           const std::string& why) {
    Result<AccessAnswer> a =
        BuildAccessAnswer(*ledger_, AccessOptions{subject, AccessLang::kEn, D("2027-05-02"), req});
    ASSERT_FALSE(a.ok()) << why;
    EXPECT_NE(a.status().message().find(why), std::string::npos) << a.status().ToString();
  };
  refused("S-0000000000", std::nullopt, "no donor S-0000000000");
  refused("not-a-subject", std::nullopt, "subject");
  refused(jeanne_, 9999, "there is no GDPR request 9999");
  refused(jeanne_, fr_gift_, "there is no GDPR request");
  refused(paul_, access_req_, "was made by " + jeanne_);
  refused(jeanne_, rectif_req_, "is of type rectification");
  Result<AccessAnswer> early = BuildAccessAnswer(
      *ledger_, AccessOptions{jeanne_, AccessLang::kEn, D("2027-03-31"), access_req_});
  EXPECT_TRUE(early.status().IsInvalidArgument()) << early.status().ToString();
  ASSERT_TRUE(CloseAnsweredRequest(*ledger_, key_, jeanne_, access_req_, std::string(64, 'a'),
                                   D("2027-05-02"))
                  .ok());
  refused(jeanne_, access_req_, "was already closed (answered, 2027-05-02");
  EXPECT_TRUE(ParseAccessLang("de").status().IsInvalidArgument());
  EXPECT_EQ(ParseAccessLang("fr").value(), AccessLang::kFr);
}

TEST_F(GdprAccessTest, WritesAPrivateFolderAndNeverOverwrites) {
  const AccessAnswer a = Answer(jeanne_);
  const std::string dir = dir_.File("answer");
  ASSERT_TRUE(CheckAnswerDir(dir).ok());
  ASSERT_TRUE(WriteAccessAnswer(dir, a).ok());
  struct stat st {};
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const AccessFile& f : a.files) {
    ASSERT_EQ(stat((dir + "/" + f.name).c_str(), &st), 0) << f.name;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f.name;
  }
  EXPECT_TRUE(CheckAnswerDir(dir).IsInvalidArgument());
  EXPECT_TRUE(WriteAccessAnswer(dir, a).IsInvalidArgument());
  EXPECT_TRUE(CheckAnswerDir(dir + "/data.json").IsInvalidArgument()) << "a file";
  const std::string empty = dir_.File("empty");
  ASSERT_EQ(mkdir(empty.c_str(), 0755), 0);
  EXPECT_TRUE(WriteAccessAnswer(empty, a).ok()) << "an empty folder is used";
  ASSERT_EQ(stat(empty.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace probity
