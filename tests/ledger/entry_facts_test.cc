// TakeFacts (ledger/entry_facts.h) is what the replays and the bundle
// verifier read of an entry instead of its JSON. This holds it to the JSON
// read the obvious way (each member by name, absent as empty, -1 or null),
// over generated entries of every gift kind with their optional members
// present or not, and of other kinds, which must keep their JSON whole.
#include "ledger/entry_facts.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "ledger/encoding.h"
#include "ledger/entry.h"

namespace probity {
namespace {

class EntryFactsTest : public ::testing::Test {
 protected:
  bool Chance(int percent) { return std::uniform_int_distribution<int>(1, 100)(rng_) <= percent; }
  std::int64_t Pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  std::string Date() {
    return "2026-0" + std::to_string(Pick(1, 9)) + "-1" + std::to_string(Pick(0, 9));
  }
  std::string Subject() {
    return "S-" + HexEncode(Bytes{static_cast<std::uint8_t>(Pick(0, 255)), 1, 2, 3, 4});
  }

  // The members every gift kind may have, each present or not.
  void Optional(Json& f, const char* kind) {
    const std::string k = kind;
    if (k != "refund" && Chance(50)) {
      f["obligations"] = Json::array({Json{
          {"rule", "R" + std::to_string(Pick(1, 9))}, {"due", Date()}, {"action", "ask again"}}});
    }
    if (k != "refund" && Chance(50)) f["flags"] = Json::array({"itemise", "R.2"});
    if (k == "refund" && Chance(50)) f["reason"] = "asked back";
    if (k != "donation") return;
    if (Chance(50)) f["election"] = "P202" + std::to_string(Pick(0, 9));
    if (Chance(50)) f["nature"] = Chance(50) ? "gift" : "membership-fee";
    if (Chance(30)) f["cap_declared"] = true;
    if (Chance(30)) f["external_id"] = "tx-" + std::to_string(Pick(0, 999));
  }

  Json Gift(const char* kind) {
    const std::string k = kind;
    Json f = {{"amount_minor", Pick(1, 1000000)},
              {"currency", Chance(50) ? "EUR" : "USD"},
              {"date", Date()}};
    if (k != "refund") {
      f["scope"] = Chance(50) ? "fr-pres" : "a-much-longer-scope-id-than-sso-holds-" + Date();
    }
    if (k != "refund") f["method"] = Chance(50) ? "cheque" : "direct-debit";
    if (k != "donation") f["donation_seq"] = Pick(0, 1 << 20);
    if (k == "correction") f["reason"] = "typing error";
    if (k == "donation") {
      if (Chance(20)) {
        f["anonymous"] = true;
      } else {
        f["subject"] = Subject();
      }
    } else if (k == "refund" || Chance(80)) {
      f["subject"] = Subject();
    }
    Optional(f, kind);
    return f;
  }

  // Encoded (so it passes the schema) and decoded, as a verifier reads it.
  Json Decoded(const char* kind, Json fields) {
    Hash prev{};
    for (auto& b : prev) b = static_cast<std::uint8_t>(Pick(0, 255));
    const KeyId signer{static_cast<std::uint8_t>(Pick(0, 255)), 0xab, 0x01, 0xfe};
    Result<std::string> body = EncodeEntry(EntryDraft{kind, std::move(fields)}, Pick(0, 1 << 30),
                                           1767225600 + Pick(0, 1 << 20), prev, signer);
    EXPECT_TRUE(body.ok()) << kind << ": " << body.status().ToString();
    return DecodeEntry(body.value()).value();
  }

  std::mt19937_64 rng_{20261206};
};

void ExpectCommon(const Json& e, const EntryFacts& f) {
  EXPECT_EQ(f.seq, e["seq"].get<std::int64_t>());
  EXPECT_EQ(f.ts, e["ts"]);
  EXPECT_EQ(f.kind, e["kind"]);
  EXPECT_EQ(HexEncode(f.prev), e["prev"]);
  EXPECT_EQ(f.signer, e["signer"]);
}

TEST_F(EntryFactsTest, GiftKindsAreTheirMembers) {
  for (int i = 0; i < 600; ++i) {
    const char* kind = i % 3 == 0 ? "donation" : i % 3 == 1 ? "refund" : "correction";
    const Json e = Decoded(kind, Gift(kind));
    const EntryFacts f = TakeFacts(Json(e));
    SCOPED_TRACE(e.dump());
    ExpectCommon(e, f);
    EXPECT_TRUE(f.gift_kind);
    EXPECT_EQ(f.subject, e.value("subject", ""));
    EXPECT_EQ(f.currency, e.value("currency", ""));
    EXPECT_EQ(f.method, e.value("method", ""));
    EXPECT_EQ(f.date, e.value("date", ""));
    EXPECT_EQ(f.scope, e.value("scope", ""));
    EXPECT_EQ(f.election, e.value("election", ""));
    EXPECT_EQ(f.nature, e.value("nature", ""));
    EXPECT_EQ(f.amount_minor, e["amount_minor"].get<std::int64_t>());
    EXPECT_EQ(f.donation_seq, e.value("donation_seq", std::int64_t{-1}));
    EXPECT_EQ(f.obligations, e.value("obligations", Json()));
    EXPECT_EQ(f.flags, e.value("flags", Json()));
    EXPECT_TRUE(f.entry.is_null());
    EXPECT_EQ(CopyFacts(e).subject, f.subject);
  }
}

TEST_F(EntryFactsTest, OtherKindsKeepTheirEntry) {
  const std::string box = Base64Encode(Bytes(48, 1));
  const Json entries[] = {
      Decoded("donor_added", {{"subject", Subject()}, {"donor_type", "person"}, {"pii", box}}),
      Decoded("erasure", {{"subject", Subject()}, {"date", Date()}, {"ground", "retention-ended"}}),
      Decoded("signer_added",
              {{"signer_name", "clerk"}, {"signer_key", Base64Encode(Bytes(32, 7))}}),
      Decoded("obligation_resolved",
              {{"donation_seq", 4}, {"rule", "R1"}, {"how", "asked"}, {"date", Date()}}),
  };
  for (const Json& e : entries) {
    SCOPED_TRACE(e.dump());
    const EntryFacts f = TakeFacts(Json(e));
    ExpectCommon(e, f);
    EXPECT_FALSE(f.gift_kind);
    EXPECT_EQ(f.entry, e);
    EXPECT_TRUE(f.subject.empty() && f.scope.empty() && f.date.empty());
    EXPECT_EQ(f.donation_seq, -1);
    EXPECT_TRUE(f.obligations.is_null() && f.flags.is_null());
  }
}

}  // namespace
}  // namespace probity
