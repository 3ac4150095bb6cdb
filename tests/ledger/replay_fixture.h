// The replay fixture shared by replay_test.cc and replay_gdpr_test.cc: a
// ledger_created and two registered donors, then entries encoded (so they pass
// the schema) and replayed one at a time.
#ifndef PROBITY_TESTS_LEDGER_REPLAY_FIXTURE_H_
#define PROBITY_TESTS_LEDGER_REPLAY_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/replay.h"

namespace probity::replaytest {

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

}  // namespace probity::replaytest

#endif  // PROBITY_TESTS_LEDGER_REPLAY_FIXTURE_H_
