// Replay: what each entry may do given those before it. The entries here are
// well formed (they pass the schema), so only the replay can refuse them: a
// signer that writes them directly, bypassing the records layer's checks,
// must still be caught by verify.
#include "ledger/replay.h"

#include <gtest/gtest.h>

#include <string>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/entry.h"

namespace probity {
namespace {

constexpr char kSubject[] = "S-0123456789";
constexpr char kOther[] = "S-abcdef0123";

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = GenerateSigningKey().value();
    id_ = NoteKeyId("treasurer", key_.public_key);
    Ok("ledger_created", {{"origin", "example.org/ledger"},
                          {"ledger_id", std::string(32, 'a')},
                          {"signer_name", "treasurer"},
                          {"signer_key", Base64Encode(key_.public_key)}});
    const std::string box = Base64Encode(Bytes(48, 1));
    Ok("donor_added", {{"subject", kSubject}, {"donor_type", "person"}, {"pii", box}});
    Ok("donor_added", {{"subject", kOther}, {"donor_type", "person"}, {"pii", box}});
  }

  // Encodes and decodes an entry at the next seq, then replays it.
  Status Apply(const char* kind, Json fields) {
    Result<std::string> body =
        EncodeEntry(EntryDraft{kind, std::move(fields)}, seq_, 1767225600 + seq_, ZeroHash(), id_);
    if (!body.ok()) return body.status();
    Json entry = DecodeEntry(body.value()).value();
    Result<PublicKey> signer = replay_.Apply(entry);
    if (signer.ok()) ++seq_;
    return signer.status();
  }
  void Ok(const char* kind, Json fields) {
    Status st = Apply(kind, std::move(fields));
    ASSERT_TRUE(st.ok()) << kind << ": " << st.ToString();
  }
  void Refused(const char* kind, Json fields, const char* why) {
    Status st = Apply(kind, std::move(fields));
    EXPECT_TRUE(st.IsVerificationFailed()) << kind << ": " << st.ToString();
    EXPECT_NE(st.ToString().find(why), std::string::npos) << st.ToString();
  }
  std::int64_t Donation(const char* subject, std::int64_t amount, const char* date) {
    Json f = {{"amount_minor", amount},
              {"currency", "EUR"},
              {"method", "cheque"},
              {"date", date},
              {"scope", "fr-pres"}};
    if (subject != nullptr)
      f["subject"] = subject;
    else
      f["anonymous"] = true;
    const std::int64_t seq = seq_;
    Ok("donation", f);
    return seq;
  }
  static Json Refund(std::int64_t donation, std::int64_t amount, const char* date,
                     const char* subject = kSubject) {
    return {{"subject", subject},
            {"donation_seq", donation},
            {"amount_minor", amount},
            {"currency", "EUR"},
            {"date", date}};
  }
  static Json Correction(std::int64_t donation, std::int64_t amount, const char* date,
                         const char* subject = kSubject, const char* scope = "fr-pres",
                         const char* currency = "EUR") {
    Json f = {{"donation_seq", donation}, {"scope", scope},   {"currency", currency},
              {"amount_minor", amount},   {"method", "cash"}, {"date", date},
              {"reason", "typing error"}};
    if (subject != nullptr) f["subject"] = subject;
    return f;
  }

  SigningKey key_;
  KeyId id_{};
  Replay replay_;
  std::int64_t seq_ = 0;
};

TEST_F(ReplayTest, RefundNeverExceedsWhatIsLeft) {
  const std::int64_t gift = Donation(kSubject, 10000, "2027-01-10");
  Ok("refund", Refund(gift, 6000, "2027-01-11"));
  Refused("refund", Refund(gift, 4001, "2027-01-12"), "amount left");
  Ok("refund", Refund(gift, 4000, "2027-01-12"));
  Refused("refund", Refund(gift, 1, "2027-01-12"), "amount left");
}

TEST_F(ReplayTest, RefundMustMatchItsDonation) {
  const std::int64_t gift = Donation(kSubject, 10000, "2027-01-10");
  const std::int64_t anonymous = Donation(nullptr, 1000, "2027-01-10");
  Refused("refund", Refund(gift, 100, "2027-01-09"), "date");
  Refused("refund", Refund(gift, 100, "2027-01-11", kOther), "donor");
  Refused("refund", Refund(anonymous, 100, "2027-01-11"), "donor");
  Refused("refund", Refund(seq_ + 5, 100, "2027-01-11"), "earlier donation");
}

TEST_F(ReplayTest, CorrectionRestatesTheAmountLeft) {
  const std::int64_t gift = Donation(kSubject, 30000, "2027-01-10");
  Ok("correction", Correction(gift, 3000, "2027-01-10"));
  Refused("refund", Refund(gift, 3001, "2027-01-11"), "amount left");
  Ok("refund", Refund(gift, 2000, "2027-01-11"));
  // Never below what was refunded, nor dated after the first refund.
  Refused("correction", Correction(gift, 1999, "2027-01-10"), "below what was refunded");
  Refused("correction", Correction(gift, 5000, "2027-01-12"), "after its first refund");
  Ok("correction", Correction(gift, 2000, "2027-01-11"));
  Refused("refund", Refund(gift, 1, "2027-01-12"), "amount left");
  Refused("refund", Refund(gift, 1, "2027-01-10"), "date");  // the gift now dates 01-11
}

TEST_F(ReplayTest, CorrectionMustMatchItsDonation) {
  const std::int64_t gift = Donation(kSubject, 30000, "2027-01-10");
  const std::int64_t anonymous = Donation(nullptr, 1000, "2027-01-10");
  Refused("correction", Correction(gift, 100, "2027-01-10", kOther), "donor");
  Refused("correction", Correction(gift, 100, "2027-01-10", nullptr), "donor");
  Refused("correction", Correction(gift, 100, "2027-01-10", kSubject, "other"), "scope");
  Refused("correction", Correction(gift, 100, "2027-01-10", kSubject, "fr-pres", "USD"),
          "currency");
  Refused("correction", Correction(seq_ + 3, 100, "2027-01-10"), "earlier donation");
  Ok("correction", Correction(anonymous, 500, "2027-01-10", nullptr));
  Refused("correction", Correction(anonymous, 500, "2027-01-10"), "donor");
}

TEST_F(ReplayTest, CorrectionObligationsCanBeResolved) {
  const std::int64_t gift = Donation(kSubject, 30000, "2027-01-10");
  Json resolved = {
      {"donation_seq", gift}, {"rule", "cap"}, {"how", "redesignated"}, {"date", "2027-01-20"}};
  Refused("obligation_resolved", resolved, "no donation carries");
  Json c = Correction(gift, 40000, "2027-01-10");
  c["obligations"] = Json::array({{{"rule", "cap"}, {"due", "2027-03-11"}, {"action", "refund"}}});
  Ok("correction", c);
  Ok("obligation_resolved", resolved);
}

}  // namespace
}  // namespace probity
