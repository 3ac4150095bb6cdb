// Entry schemas: every kind accepts what we write and refuses anything else.
#include "ledger/entry.h"

#include <gtest/gtest.h>

#include "ledger/encoding.h"

namespace probity {
namespace {

Json Donation() {
  return Json{{"v", 1},
              {"seq", 3},
              {"ts", "2026-05-01T10:00:00Z"},
              {"kind", "donation"},
              {"prev", std::string(64, 'a')},
              {"signer", "0123abcd"},
              {"subject", "S-0123456789"},
              {"amount_minor", 15000},
              {"currency", "EUR"},
              {"method", "cheque"},
              {"date", "2026-05-01"},
              {"scope", "fr-pres-2027"}};
}

TEST(EntryTest, ValidDonation) { EXPECT_TRUE(ValidateEntry(Donation()).ok()); }

TEST(EntryTest, EveryFieldIsRequired) {
  const Json full = Donation();
  for (const auto& item : full.items()) {
    Json e = Donation();
    e.erase(item.key());
    EXPECT_FALSE(ValidateEntry(e).ok()) << "without " << item.key();
  }
}

TEST(EntryTest, BadValuesAreRefused) {
  const std::vector<std::pair<const char*, Json>> bad = {
      {"v", 2},          {"seq", -1},           {"seq", "3"},
      {"ts", "2026-05-01 10:00:00"}, {"kind", "gift"},       {"prev", std::string(64, 'A')},
      {"prev", "00"},    {"signer", "0123abc"}, {"subject", "S-01234567"},
      {"subject", "7f3a"}, {"amount_minor", 0}, {"amount_minor", -5},
      {"amount_minor", 9007199254740992LL}, {"currency", "XYZ"}, {"currency", "eur"},
      {"method", "bitcoin"}, {"date", "2026-02-30"}, {"scope", "FR_Pres"},
      {"scope", ""},     {"scope", std::string(65, 'a')},
  };
  for (const auto& [field, value] : bad) {
    Json e = Donation();
    e[field] = value;
    EXPECT_FALSE(ValidateEntry(e).ok()) << field << " = " << value.dump();
  }
}

TEST(EntryTest, PolicyOutcomeFieldsUseThePacksRuleIds) {
  Json e = Donation();
  e["obligations"] = Json::array({Json{{"rule", "L52-8-cap"}, {"due", "2026-07-01"},
                                       {"action", "refund the excess"}, {"cure_minor", 100}}});
  e["flags"] = Json::array({"110.4-cash", "s52-de-minimis"});
  EXPECT_TRUE(ValidateEntry(e).ok()) << ValidateEntry(e).ToString();
  Json bad = e;
  bad["flags"] = Json::array({"has space"});
  EXPECT_FALSE(ValidateEntry(bad).ok());
  bad = e;
  bad["obligations"][0]["extra"] = 1;
  EXPECT_FALSE(ValidateEntry(bad).ok());
  bad = e;
  bad["obligations"][0]["cure_minor"] = 0;
  EXPECT_FALSE(ValidateEntry(bad).ok());
  bad = e;
  bad["obligations"][0].erase("due");
  EXPECT_FALSE(ValidateEntry(bad).ok());
}

TEST(EntryTest, AnonymousXorSubject) {
  Json e = Donation();
  e["anonymous"] = true;
  EXPECT_FALSE(ValidateEntry(e).ok());
  e.erase("subject");
  EXPECT_TRUE(ValidateEntry(e).ok());
  e["anonymous"] = false;
  EXPECT_FALSE(ValidateEntry(e).ok());
  e.erase("anonymous");
  EXPECT_FALSE(ValidateEntry(e).ok());
}

TEST(EntryTest, UnknownFieldIsRefused) {
  Json e = Donation();
  e["note"] = "hello";
  Status st = ValidateEntry(e);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unknown field"), std::string::npos);
}

TEST(EntryTest, EncodeDecodeRoundTrip) {
  EntryDraft draft{"donation", Donation()};
  for (const char* common : {"v", "seq", "ts", "kind", "prev", "signer"}) draft.fields.erase(common);
  KeyId id{1, 2, 3, 4};
  Result<std::string> body = EncodeEntry(draft, 7, 1777000000, Hash{}, id);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  Result<Json> back = DecodeEntry(body.value());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value()["seq"], 7);
  EXPECT_EQ(back.value()["signer"], "01020304");
  EXPECT_EQ(back.value()["prev"], std::string(64, '0'));
  EXPECT_EQ(Canonicalize(back.value()).value(), body.value());
  EXPECT_EQ(body.value().front(), '{');
  EXPECT_EQ(body.value().find(' '), std::string::npos);
}

TEST(EntryTest, EncodeRefusesAnInvalidDraft) {
  EntryDraft draft{"donation", Json{{"subject", "S-0123456789"}}};
  EXPECT_FALSE(EncodeEntry(draft, 0, 0, Hash{}, KeyId{}).ok());
}

TEST(EntryTest, DecodeRefusesNonCanonicalBytes) {
  std::string body = Canonicalize(Donation()).value();
  std::string spaced = body;
  spaced.insert(1, " ");
  EXPECT_TRUE(DecodeEntry(spaced).status().IsCorruption());
  EXPECT_TRUE(DecodeEntry(body.substr(0, body.size() - 1)).status().IsCorruption());
  EXPECT_TRUE(DecodeEntry("").status().IsCorruption());
  EXPECT_TRUE(DecodeEntry(body).ok());
}

// The hex check runs without a branch per digit: every byte value, in every
// position of a subject id and of an entry's prev, against the plain rule.
TEST(EntryTest, HexFieldsAcceptExactlyLowerCaseHexDigits) {
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
    for (std::size_t pos : {2u, 6u, 11u}) {
      std::string subject = "S-0123456789";
      subject[pos] = ch;
      EXPECT_EQ(ValidateSubjectId(subject).ok(), hex) << "byte " << c << " at " << pos;
    }
    for (std::size_t pos : {0u, 31u, 63u}) {
      Json e = Donation();
      std::string prev(64, 'a');
      prev[pos] = ch;
      e["prev"] = prev;
      EXPECT_EQ(ValidateEntry(e).ok(), hex) << "byte " << c << " at " << pos;
    }
  }
}

TEST(EntryTest, IdValidators) {
  EXPECT_TRUE(ValidateScopeId("fr-pres-2027").ok());
  EXPECT_FALSE(ValidateScopeId("fr pres").ok());
  EXPECT_FALSE(ValidateScopeId("Fr-pres").ok());
  EXPECT_FALSE(ValidateScopeId("fr_pres").ok());
  EXPECT_FALSE(ValidateScopeId("fré").ok());
  EXPECT_TRUE(ValidateSubjectId("S-abcdef0123").ok());
  EXPECT_FALSE(ValidateSubjectId("S-ABCDEF0123").ok());
  EXPECT_FALSE(ValidateSubjectId("s-abcdef0123").ok());
  EXPECT_TRUE(ValidateCountry("FR").ok());
  EXPECT_FALSE(ValidateCountry("fr").ok());
  EXPECT_FALSE(ValidateCountry("FRA").ok());
  EXPECT_TRUE(ValidateOrigin("example.org/log").ok());
  EXPECT_FALSE(ValidateOrigin("has space").ok());
  EXPECT_FALSE(ValidateOrigin("").ok());
  EXPECT_FALSE(ValidateOrigin("a\nb").ok());
}

}  // namespace
}  // namespace probity
