// ReadGiftFactsExact (ledger/entry_facts.h) reads a gift entry's bytes
// straight into its facts, without the JSON DecodeEntry builds. It must never
// accept bytes DecodeEntry refuses, and what it accepts must read as
// TakeFacts reads the decoded entry; DecodeFacts, which falls back to the
// JSON path, must give DecodeEntry's answer (the same message) for any bytes.
// This holds them to that over valid entries of every kind and over many
// damaged ones: every byte replaced, cut or doubled, every member dropped,
// each member given values on both sides of its type's limits, and members
// the kind does not have.
#include "ledger/entry_facts.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/money.h"

namespace probity {
namespace {

// What TakeFacts gives, or DecodeEntry's refusal.
Result<EntryFacts> SlowFacts(std::string_view body) {
  PROBITY_ASSIGN_OR_RETURN(Json entry, DecodeEntry(body));
  return TakeFacts(std::move(entry));
}

bool SameFacts(const EntryFacts& a, const EntryFacts& b) {
  return a.seq == b.seq && a.ts == b.ts && a.kind == b.kind && a.prev == b.prev &&
         a.signer == b.signer && a.gift_kind == b.gift_kind && a.subject == b.subject &&
         a.currency == b.currency && a.method == b.method && a.date == b.date &&
         a.scope == b.scope && a.election == b.election && a.nature == b.nature &&
         a.amount_minor == b.amount_minor && a.donation_seq == b.donation_seq &&
         a.obligations == b.obligations && a.flags == b.flags && a.entry == b.entry;
}

// Counts what the fast reader took, so a test can require that it took some.
struct Tally {
  int fast = 0, checked = 0;
};

// The one property: the fast reader accepts only what the JSON path accepts,
// reading the same facts, and DecodeFacts answers as the JSON path does.
void ExpectAgrees(std::string_view body, Tally* tally) {
  ++tally->checked;
  const Result<EntryFacts> slow = SlowFacts(body);
  const std::optional<EntryFacts> fast = ReadGiftFactsExact(body);
  if (fast.has_value()) {
    ++tally->fast;
    ASSERT_TRUE(slow.ok()) << "fast reader accepted bytes DecodeEntry refuses ("
                           << slow.status().ToString() << "): " << body;
    EXPECT_TRUE(SameFacts(*fast, slow.value())) << "fast reader read otherwise: " << body;
  }
  const Result<EntryFacts> both = DecodeFacts(body);
  ASSERT_EQ(both.ok(), slow.ok()) << body;
  if (slow.ok()) {
    EXPECT_TRUE(SameFacts(both.value(), slow.value())) << body;
  } else {
    EXPECT_EQ(both.status().ToString(), slow.status().ToString()) << body;
  }
}

class EntryFactsReadTest : public ::testing::Test {
 protected:
  bool Chance(int percent) { return std::uniform_int_distribution<int>(1, 100)(rng_) <= percent; }
  std::int64_t Pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  std::string Date() {
    return "20" + std::to_string(Pick(10, 99)) + "-0" + std::to_string(Pick(1, 9)) + "-2" +
           std::to_string(Pick(0, 8));
  }
  std::string Subject() {
    Bytes id(5);
    for (auto& b : id) b = static_cast<std::uint8_t>(Pick(0, 255));
    return "S-" + HexEncode(id);
  }
  // A text member: mostly ASCII, sometimes UTF-8 or a character JCS escapes.
  std::string Text() {
    static const char* const kTexts[] = {"typing error", "rendu au donateur", "trop perçu",
                                         "a \"quoted\" word", "back\\slash", "x", "€ 5"};
    return kTexts[Pick(0, 6)];
  }

  Json Gift(const std::string& kind) {
    static const char* const kCurrencies[] = {"EUR", "USD", "GBP", "JPY", "CHF", "CAD"};
    static const char* const kMethods[] = {"cash", "cheque", "transfer", "card", "direct-debit",
                                           "in-kind", "other"};
    Json f = {{"amount_minor", Chance(5) ? kAmountMinorMax : Pick(1, 1000000)},
              {"currency", kCurrencies[Pick(0, 5)]},
              {"date", Date()}};
    if (kind != "refund") {
      f["scope"] = Chance(50) ? "fr-pres-2027" : "a-much-longer-scope-id-than-sso-holds-x";
      f["method"] = kMethods[Pick(0, 6)];
    }
    if (kind != "donation") f["donation_seq"] = Chance(10) ? 0 : Pick(0, kAmountMinorMax);
    if (kind == "correction" || (kind == "refund" && Chance(50))) f["reason"] = Text();
    if (kind == "donation" && Chance(20)) {
      f["anonymous"] = true;
    } else if (kind != "correction" || Chance(80)) {
      f["subject"] = Subject();
    }
    if (kind != "refund" && Chance(15)) {
      f["obligations"] = Json::array(
          {Json{{"rule", "R" + std::to_string(Pick(1, 9))}, {"due", Date()}, {"action", "ask"}}});
    }
    if (kind != "refund" && Chance(15)) f["flags"] = Json::array({"itemise", "R.2"});
    if (kind == "donation") DonationOptional(f);
    return f;
  }

  void DonationOptional(Json& f) {
    if (Chance(40)) f["election"] = std::string(1, static_cast<char>('A' + Pick(0, 25))) + "2026";
    if (Chance(30)) f["nature"] = Chance(50) ? "gift" : "membership-fee";
    if (Chance(20)) f["cap_declared"] = true;
    if (Chance(20)) f["external_id"] = "tx-" + std::to_string(Pick(0, 999)) + "~!";
    if (Chance(20)) f["receipt"] = "R-" + std::to_string(Pick(0, 99999));
    if (Chance(20)) f["import_ref"] = "fec:1229017.fec:C" + std::to_string(Pick(0, 99999));
    if (Chance(20)) f["import_aggregate_minor"] = Pick(1, 1000000);
  }

  std::string Encoded(const std::string& kind, Json fields) {
    Hash prev{};
    for (auto& b : prev) b = static_cast<std::uint8_t>(Pick(0, 255));
    const KeyId signer{static_cast<std::uint8_t>(Pick(0, 255)), 0xab, 0x01, 0xfe};
    const std::int64_t seq = Chance(5) ? 0 : Chance(5) ? kAmountMinorMax : Pick(0, 1 << 30);
    Result<std::string> body = EncodeEntry(EntryDraft{kind, std::move(fields)}, seq,
                                           1767225600 + Pick(0, 1 << 30), prev, signer);
    EXPECT_TRUE(body.ok()) << kind << ": " << body.status().ToString();
    return body.ok() ? body.value() : std::string();
  }

  // Valid entries: `n` of each gift kind, and one of most other kinds.
  std::vector<std::string> Valid(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < 3 * n; ++i) {
      const std::string kind = i % 3 == 0 ? "donation" : i % 3 == 1 ? "refund" : "correction";
      out.push_back(Encoded(kind, Gift(kind)));
    }
    const std::string box = Base64Encode(Bytes(48, 1));
    out.push_back(
        Encoded("donor_added", {{"subject", Subject()}, {"donor_type", "person"}, {"pii", box}}));
    out.push_back(
        Encoded("erasure", {{"subject", Subject()}, {"date", Date()}, {"ground", "request"}}));
    out.push_back(Encoded("signer_added", {{"signer_name", "clerk"},
                                           {"signer_key", Base64Encode(Bytes(32, 7))}}));
    out.push_back(Encoded("obligation_resolved",
                          {{"donation_seq", 4}, {"rule", "R1"}, {"how", "asked"}, {"date", Date()}}));
    out.push_back(Encoded("consent", {{"subject", Subject()},
                                      {"purpose", "newsletter"},
                                      {"text_sha256", std::string(64, 'a')},
                                      {"channel", "web"},
                                      {"date", Date()}}));
    return out;
  }

  std::mt19937_64 rng_{20261206};
};

// Values on both sides of the limits of every member type a gift kind has.
std::vector<Json> NearMisses() {
  std::vector<Json> v = {0, 1, 2, -1, kAmountMinorMax, true, false, nullptr, Json::array(),
                         Json::array({"R1"}), Json::object()};
  for (const char* s :
       {"", "x", "EUR", "eur", "XXX", "2026-02-28", "2026-02-30", "1899-12-31", "9999-12-31",
        "2026-6-01", "2026-06-01T00:00:59Z", "2026-06-01T00:00:60Z", "2026-06-01T24:00:00Z",
        "2026-06-01t00:00:00Z", "S-0123456789", "S-012345678a", "S-012345678A", "S-01234567",
        "s-0123456789", "cheque", "Cheque", "in-kind", "gift", "membership-fee", "Gift",
        "P2026", "p2026", "P20X6", "P20266", "\xc3\x89" "2026", "fr-pres", "Fr-pres", "fr_pres",
        "a\x7f", "a\tb", "a\nb", "\xc3\xa9", "has space", "donation", "refund", "correction",
        "donor_added", "00000000", "0000000A", "0000000g", "000000000"}) {
    v.emplace_back(s);
  }
  for (std::size_t n : {63u, 64u, 65u, 96u, 97u, 256u, 257u, 1024u}) {
    v.emplace_back(std::string(n, 'a'));
    v.emplace_back(std::string(n, '0'));
  }
  return v;
}

// Every member a gift kind may have, and two it may not.
const char* const kMemberNames[] = {
    "amount_minor", "anonymous", "cap_declared", "currency", "date", "donation_seq",
    "election", "external_id", "flags", "import_aggregate_minor", "import_ref", "kind",
    "method", "nature", "obligations", "prev", "reason", "receipt", "scope", "seq", "signer",
    "subject", "ts", "v", "pii", "zzz"};

TEST_F(EntryFactsReadTest, ValidEntriesOfEveryKindReadAsTheirJson) {
  Tally tally;
  int plain_gifts = 0;
  for (const std::string& body : Valid(400)) {
    ExpectAgrees(body, &tally);
    const Json e = DecodeEntry(body).value();
    const bool gift = e["kind"] == "donation" || e["kind"] == "refund" || e["kind"] == "correction";
    const bool plain = gift && !e.contains("obligations") && !e.contains("flags") &&
                       body.find('\\') == std::string::npos;
    plain_gifts += plain;
    // The fast reader takes every gift it is meant to, and nothing else.
    EXPECT_EQ(ReadGiftFactsExact(body).has_value(), plain) << body;
  }
  EXPECT_GT(plain_gifts, 600);
  EXPECT_EQ(tally.fast, plain_gifts);
}

TEST_F(EntryFactsReadTest, DamagedBytesAreRefusedAsTheJsonPathRefusesThem) {
  Tally tally;
  static const char kBytes[] = "\x00\x1f \"\\,:{}[]-09aAzZ\x7f\x80\xc3\xa9\xff";
  const std::string bytes(kBytes, sizeof kBytes - 1);
  std::vector<std::string> bodies = Valid(2);  // six gifts, then the other kinds
  bodies.resize(7);
  for (const std::string& body : bodies) {
    for (std::size_t i = 0; i < body.size(); ++i) {
      // Three of the bytes at each place (all of them would take a minute under ASan).
      for (int k = 0; k < 3; ++k) {
        std::string m = body;
        m[i] = bytes[static_cast<std::size_t>(Pick(0, static_cast<std::int64_t>(bytes.size()) - 1))];
        if (m != body) ExpectAgrees(m, &tally);
      }
      ExpectAgrees(body.substr(0, i), &tally);
      ExpectAgrees(body.substr(0, i) + body.substr(i + 1), &tally);
      ExpectAgrees(body.substr(0, i + 1) + body.substr(i), &tally);
      if (::testing::Test::HasFatalFailure()) return;
    }
    ExpectAgrees(body + " ", &tally);
    ExpectAgrees(" " + body, &tally);
  }
  EXPECT_GT(tally.fast, 100);  // some damage leaves a valid entry (a digit for a digit)
}

TEST_F(EntryFactsReadTest, MembersDroppedAddedOrOutOfRangeAreRefusedAsTheJsonPathRefusesThem) {
  Tally tally;
  const std::vector<Json> values = NearMisses();
  for (const std::string& body : Valid(3)) {
    const Json entry = DecodeEntry(body).value();
    for (const auto& item : entry.items()) {
      Json m = entry;
      m.erase(item.key());
      ExpectAgrees(Canonicalize(m).value(), &tally);
    }
    for (const char* name : kMemberNames) {
      for (const Json& value : values) {
        Json m = entry;
        m[name] = value;
        Result<std::string> bytes = Canonicalize(m);
        if (bytes.ok()) ExpectAgrees(bytes.value(), &tally);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
  EXPECT_GT(tally.fast, 200);  // values within the limits are taken by the fast reader
}

TEST_F(EntryFactsReadTest, WhatCanonicalFormForbidsIsLeftToTheJsonPath) {
  Tally tally;
  const std::string ok =
      "{\"amount_minor\":4000,\"currency\":\"EUR\",\"date\":\"2026-06-01\",\"kind\":\"donation\","
      "\"method\":\"cheque\",\"prev\":\"" + std::string(64, '0') +
      "\",\"receipt\":\"R-1\",\"scope\":\"fr-pres-2027\",\"seq\":7,\"signer\":\"0badf00d\",\"subject\":\"S-"
      "0123456789\",\"ts\":\"2026-06-01T10:00:00Z\",\"v\":1}";
  ExpectAgrees(ok, &tally);
  EXPECT_EQ(tally.fast, 1);
  const std::pair<std::string, std::string> edits[] = {
      {"4000", "04000"},          {"4000", "4000.0"},       {"4000", "4e3"},
      {"4000", "-4000"},          {"\"seq\":7", "\"seq\":-0"}, {"\"v\":1", "\"v\":01"},
      {"\"v\":1", "\"v\":1 "},    {"\"EUR\"", "\"\\u0045UR\""}, {"cheque", "ch\\u0065que"},
      {",\"currency\"", ", \"currency\""}, {"\"kind\"", "\"kind\\u0000\""},
      {"\"seq\":7,", "\"seq\":7,\"seq\":7,"}, {"\"v\":1}", "\"v\":1,\"v\":1}"},
      {"\"amount_minor\":4000,\"currency\":\"EUR\"", "\"currency\":\"EUR\",\"amount_minor\":4000"},
      {"\"seq\":7", "\"seq\":9007199254740992"}, {"\"seq\":7", "\"seq\":90071992547409910"},
      {"\"seq\":7", "\"seq\":9007199254740991"}, {"\"v\":1}", "\"v\":1}\n"},
      {"\"v\":1}", "\"v\":true}"}, {"2026-06-01T10", "2026-06-01\xc3\xa9"},
      // Text that is not UTF-8: a lone continuation byte, a truncated sequence, an
      // overlong form, a surrogate, a code point over U+10FFFF, a byte never used.
      {"R-1", "R-\x80"}, {"R-1", "R-\xc3"}, {"R-1", "R-\xc0\xaf"}, {"R-1", "R-\xed\xa0\x80"},
      {"R-1", "R-\xf4\x90\x80\x80"}, {"R-1", "R-\xff"}, {"R-1", "R-\x7f"},
      {"R-1", "R-\xc3\xa9"}};
  for (const auto& [from, to] : edits) {
    std::string m = ok;
    m.replace(m.find(from), from.size(), to);
    ExpectAgrees(m, &tally);
  }
  EXPECT_EQ(tally.fast, 3);  // the original, seq at 2^53 - 1, and a receipt in UTF-8
  std::string over = ok;
  over.insert(over.find("\"ts\""), "\"subject\":\"S-0123456789\",");
  ExpectAgrees(over, &tally);
  EXPECT_FALSE(ReadGiftFactsExact(std::string(kCanonicalBytesMax + 1, '{')).has_value());
}

}  // namespace
}  // namespace probity
