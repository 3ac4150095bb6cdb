#include "ledger/canonical_json.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

namespace probity {
namespace {

// RFC 8785 section 3.2.3, the property-sorting example: each key (as UTF-8)
// with its value, listed in the order the RFC gives as the canonical output.
// It covers CR, a digit, U+0080, U+00F6, U+20AC, an astral character (U+1F600,
// UTF-16 D83D DE00) and U+FB33, which sorts after the emoji in UTF-16 although
// it comes before it in UTF-8 byte order.
struct SortCase {
  const char* key_utf8;
  const char* value;
};
const SortCase kRfc8785SortExample[] = {
    {"\r", "Carriage Return"},
    {"1", "One"},
    {"\xc2\x80", "Control"},
    {"\xc3\xb6", "Latin Small Letter O With Diaeresis"},
    {"\xe2\x82\xac", "Euro Sign"},
    {"\xf0\x9f\x98\x80", "Emoji: Grinning Face"},
    {"\xef\xac\xb3", "Hebrew Letter Dalet With Dagesh"},
};
// The RFC's input text for the same example, keys in its (unsorted) order.
constexpr const char* kRfc8785SortInput = R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
})";

std::string SortExampleCanonical() {
  std::string out = "{";
  for (const SortCase& c : kRfc8785SortExample) {
    if (out.size() > 1) out += ",";
    out += std::string("\"") + (std::string(c.key_utf8) == "\r" ? "\\r" : c.key_utf8) + "\":\"" +
           c.value + "\"";
  }
  return out + "}";
}

std::string MustCanonicalize(const Json& value) {
  Result<std::string> out = Canonicalize(value);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

void ExpectMessageHas(const Status& st, const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    EXPECT_NE(st.message().find(part), std::string::npos)
        << "message lacks \"" << part << "\": " << st.message();
  }
}

void ExpectCorrupt(std::string_view bytes, const std::vector<std::string>& parts = {}) {
  Result<Json> r = ParseCanonical(bytes);
  ASSERT_FALSE(r.ok()) << "accepted: " << bytes.substr(0, 80);
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  ExpectMessageHas(r.status(), parts);
}

void ExpectCanonicalizeRefused(const Json& value, const std::vector<std::string>& parts) {
  Result<std::string> r = Canonicalize(value);
  ASSERT_FALSE(r.ok()) << "accepted: " << r.value();
  EXPECT_TRUE(r.status().IsInvalidArgument());
  ExpectMessageHas(r.status(), parts);
}

std::string Nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

// ---- Canonicalize ------------------------------------------------------------

TEST(CanonicalJson, Scalars) {
  EXPECT_EQ(MustCanonicalize(nullptr), "null");
  EXPECT_EQ(MustCanonicalize(true), "true");
  EXPECT_EQ(MustCanonicalize(false), "false");
  EXPECT_EQ(MustCanonicalize(0), "0");
  EXPECT_EQ(MustCanonicalize(-42), "-42");
  EXPECT_EQ(MustCanonicalize(42u), "42");
  EXPECT_EQ(MustCanonicalize(""), "\"\"");
}

TEST(CanonicalJson, SortsKeysAndDropsWhiteSpace) {
  const Json value = {{"z", 1}, {"a", {{"d", 2}, {"c", Json::array({3, 2, 1})}}}, {"B", nullptr}};
  EXPECT_EQ(MustCanonicalize(value), R"({"B":null,"a":{"c":[3,2,1],"d":2},"z":1})");
  EXPECT_EQ(MustCanonicalize(Json::object()), "{}");
  EXPECT_EQ(MustCanonicalize(Json::array()), "[]");
}

TEST(CanonicalJson, Rfc8785SortExampleFromData) {
  Json value = Json::object();
  for (const SortCase& c : kRfc8785SortExample) value[c.key_utf8] = c.value;
  EXPECT_EQ(MustCanonicalize(value), SortExampleCanonical());
}

TEST(CanonicalJson, Rfc8785SortExampleFromText) {
  Result<Json> parsed = ParseJsonLimited(kRfc8785SortInput, 4096);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(MustCanonicalize(*parsed), SortExampleCanonical());
  Result<Json> again = ParseCanonical(SortExampleCanonical());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *parsed);
}

TEST(CanonicalJson, SortsBmpPrivateUseAfterAstral) {
  // U+E000 is EE 80 80 in UTF-8, U+10000 is F0 90 80 80 (D800 DC00 in UTF-16).
  const Json value = {{"\xee\x80\x80", 2}, {"\xf0\x90\x80\x80", 1}, {"~", 0}};
  EXPECT_EQ(MustCanonicalize(value), "{\"~\":0,\"\xf0\x90\x80\x80\":1,\"\xee\x80\x80\":2}");
}

TEST(CanonicalJson, Rfc8785StringExample) {
  // RFC 8785 section 3.2.2.2's string, parsed from its escaped input.
  Result<Json> parsed = ParseJsonLimited(R"("\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/")", 256);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(MustCanonicalize(*parsed), "\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
}

TEST(CanonicalJson, StringEscapes) {
  EXPECT_EQ(MustCanonicalize(std::string("\x00\x1f\b\t\n\f\r\"\\", 9)),
            R"("\u0000\u001f\b\t\n\f\r\"\\")");
  EXPECT_EQ(MustCanonicalize("\x01\x0b\x0e\x1e"), R"("\u0001\u000b\u000e\u001e")");
  // Literal, not escaped: '/', DEL, non-ASCII, emoji.
  EXPECT_EQ(MustCanonicalize("a/b\x7f"), "\"a/b\x7f\"");
  EXPECT_EQ(MustCanonicalize("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  EXPECT_EQ(MustCanonicalize("\xf4\x8f\xbf\xbf\xef\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\"");
}

TEST(CanonicalJson, IntegerLimits) {
  EXPECT_EQ(MustCanonicalize(kJsonIntegerAbsMax), "9007199254740991");
  EXPECT_EQ(MustCanonicalize(-kJsonIntegerAbsMax), "-9007199254740991");
  EXPECT_EQ(MustCanonicalize(static_cast<std::uint64_t>(kJsonIntegerAbsMax)), "9007199254740991");
  ExpectCanonicalizeRefused(kJsonIntegerAbsMax + 1, {"9007199254740992", "2^53 - 1"});
  ExpectCanonicalizeRefused(-kJsonIntegerAbsMax - 1, {"-9007199254740992"});
  ExpectCanonicalizeRefused(static_cast<std::uint64_t>(kJsonIntegerAbsMax) + 1, {"2^53 - 1"});
  ExpectCanonicalizeRefused(Json::array({1, std::numeric_limits<std::uint64_t>::max()}),
                            {"18446744073709551615"});
}

TEST(CanonicalJson, RefusesNonIntegers) {
  ExpectCanonicalizeRefused(Json::parse("1.5"), {"1.5", "not an integer"});
  ExpectCanonicalizeRefused(Json::parse("1.0"), {"not an integer"});
  ExpectCanonicalizeRefused(Json({{"a", Json::parse("[0.0]")}}), {"not an integer"});
}

TEST(CanonicalJson, RefusesInvalidUtf8) {
  for (const char* bad : {"\xff", "\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe2\x82",
                          "ab\xf0\x9f\x98", "\xf8\x88\x80\x80\x80", "\xf0\x80\x80\xaf"}) {
    ExpectCanonicalizeRefused(Json(bad), {"not valid UTF-8"});
    ExpectCanonicalizeRefused(Json({{bad, 1}}), {"object key", "not valid UTF-8"});
  }
}

TEST(CanonicalJson, DepthLimit) {
  Json deep = Json::array();
  for (int i = 1; i < kJsonDepthMax; ++i) deep = Json::array({deep});
  EXPECT_EQ(MustCanonicalize(deep), Nested(kJsonDepthMax));
  ExpectCanonicalizeRefused(Json::array({deep}), {"deeper than 8"});
  ExpectCanonicalizeRefused(Json({{"k", deep}}), {"deeper than 8"});
}

TEST(CanonicalJson, SizeLimit) {
  const std::string fits(kCanonicalBytesMax - 2, 'a');  // plus two quotes
  EXPECT_EQ(MustCanonicalize(fits).size(), kCanonicalBytesMax);
  ExpectCanonicalizeRefused(fits + "a", {"longer than 65536 bytes"});
  ExpectCanonicalizeRefused(Json::array({fits}), {"longer than"});
}

TEST(CanonicalJson, RefusesBinary) {
  ExpectCanonicalizeRefused(Json::binary({1, 2, 3}), {"binary", "no canonical form"});
}

// ---- Round trips ---------------------------------------------------------------

TEST(CanonicalJson, ValuesRoundTrip) {
  const std::vector<Json> values = {
      nullptr,
      true,
      0,
      -1,
      kJsonIntegerAbsMax,
      -kJsonIntegerAbsMax,
      "",
      "\x7f/\\\"",
      std::string("nul\x00inside", 10),
      "\xf0\x9f\x92\xb6 \xe2\x82\xac \xc3\xa9 \xe4\xb8\xad",
      Json::object(),
      Json::array(),
      Json::array({1, "two", nullptr, false, Json::array()}),
      {{"amount_minor", 460050}, {"currency", "EUR"}, {"note", "Spende\n\"Danke\""}},
      {{"\xf0\x9f\x98\x80", {{"\xef\xac\xb3", 1}, {"\xc3\xb6", {1, 2}}}}, {"\x1f", true}},
  };
  for (const Json& value : values) {
    const std::string bytes = MustCanonicalize(value);
    Result<Json> parsed = ParseCanonical(bytes);
    ASSERT_TRUE(parsed.ok()) << bytes << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, value) << bytes;
    EXPECT_EQ(MustCanonicalize(*parsed), bytes);
  }
}

TEST(CanonicalJson, CanonicalBytesRoundTrip) {
  const std::vector<std::string> texts = {
      "0",
      "-9007199254740991",
      "9007199254740991",
      "\"\"",
      "[]",
      "{}",
      "[[],{}]",
      R"({"a":[1,{"b":null}],"c":"\u0000\b\t\n\f\r\u000b\u001f"})",
      "\"\xf0\x9f\x98\x80\xe2\x82\xac/\x7f\"",
      "[\"[[[[[[[[[[[[\",\"{\\\"\"]",
      SortExampleCanonical(),
      Nested(kJsonDepthMax),
  };
  for (const std::string& text : texts) {
    Result<Json> parsed = ParseCanonical(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(MustCanonicalize(*parsed), text);
  }
}

// ---- ParseCanonical refusals ---------------------------------------------------

TEST(ParseCanonical, RefusesEmptyAndOversized) {
  ExpectCorrupt("", {"empty"});
  const std::string over = "\"" + std::string(kCanonicalBytesMax - 1, 'a') + "\"";
  ExpectCorrupt(over, {"65537 bytes", "at most 65536"});
  const std::string at_limit = "\"" + std::string(kCanonicalBytesMax - 2, 'a') + "\"";
  EXPECT_TRUE(ParseCanonical(at_limit).ok());
}

TEST(ParseCanonical, RefusesNumbersOutsideTheSubset) {
  ExpectCorrupt("-0", {"first difference at byte 0", "negative zero"});
  ExpectCorrupt("1.0", {"`1.0` at byte 0", "fraction or exponent"});
  ExpectCorrupt("[1e2]", {"`1e2` at byte 1", "fraction or exponent"});
  ExpectCorrupt("1E2", {"fraction or exponent"});
  ExpectCorrupt("{\"a\":-1.5}", {"at byte 5"});
  ExpectCorrupt("9007199254740992", {"2^53 - 1"});
  ExpectCorrupt("-9007199254740992", {"2^53 - 1"});
  ExpectCorrupt("123456789012345678901234567890", {"not an integer"});
  ExpectCorrupt("01", {"not valid JSON"});
  ExpectCorrupt("+1", {"not valid JSON"});
  ExpectCorrupt("NaN", {"not valid JSON"});
  ExpectCorrupt("Infinity", {"not valid JSON"});
}

TEST(ParseCanonical, RefusesWhiteSpace) {
  ExpectCorrupt("{\"a\": 1}", {"not canonical JSON", "byte 5", "white space"});
  ExpectCorrupt(" {}", {"byte 0", "white space"});
  ExpectCorrupt("{}\n", {"byte 2", "bytes after the end"});
  ExpectCorrupt("[1, 2]", {"byte 3"});
  ExpectCorrupt("{\"a\":1 }", {"byte 6"});
}

TEST(ParseCanonical, RefusesUnsortedKeys) {
  ExpectCorrupt(R"({"b":1,"a":2})", {"not canonical JSON", "byte 2", "keys out of order"});
  ExpectCorrupt(R"({"a":{"d":1,"c":2}})", {"byte 7"});
  // In UTF-8 byte order, but not in UTF-16 order.
  ExpectCorrupt("{\"\xee\x80\x80\":2,\"\xf0\x90\x80\x80\":1}", {"byte 2"});
}

TEST(ParseCanonical, RefusesDuplicateKeys) {
  ExpectCorrupt(R"({"a":1,"a":1})", {"duplicate key \"a\""});
  ExpectCorrupt(R"({"x":{"a":1,"a":2}})", {"duplicate key \"a\""});
  EXPECT_TRUE(ParseCanonical(R"({"a":{"a":1}})").ok());  // same key, different objects
  EXPECT_TRUE(ParseCanonical(R"([{"a":1},{"a":1}])").ok());
}

TEST(ParseCanonical, DepthLimit) {
  EXPECT_TRUE(ParseCanonical(Nested(kJsonDepthMax)).ok());
  ExpectCorrupt(Nested(kJsonDepthMax + 1), {"deeper than 8", "at byte 8"});
  ExpectCorrupt(R"({"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{}}}}}}}}})", {"deeper than 8"});
  // Far deeper than any stack would survive if it reached a recursive parser.
  ExpectCorrupt(std::string(100000, '['), {"100000 bytes", "at most 65536"});
  ExpectCorrupt(std::string(60000, '['), {"deeper than 8", "at byte 8"});
  Result<Json> limited = ParseJsonLimited(std::string(100000, '['), 1 << 20);
  ASSERT_FALSE(limited.ok());
  EXPECT_NE(limited.status().message().find("deeper than 8"), std::string::npos);
}

TEST(ParseCanonical, RefusesInvalidUtf8) {
  for (const char* bad : {"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
                          "\"\xe2\x82\"", "{\"\x80\":1}"}) {
    ExpectCorrupt(bad, {"not valid JSON"});
  }
  EXPECT_TRUE(ParseCanonical("\"\xc3\xa9\"").ok());
}

TEST(ParseCanonical, RefusesEscapesJcsDoesNotWrite) {
  ExpectCorrupt(R"("\u00e9")", {"byte 1", "escape"});
  ExpectCorrupt(R"("\/")", {"byte 1", "escape"});
  ExpectCorrupt(R"("\u001F")", {"byte 6", "escape"});
  ExpectCorrupt(R"("\u000a")", {"byte 2", "escape"});
  ExpectCorrupt(R"("\u007f")", {"byte 1"});
  ExpectCorrupt(R"("\ud83d\ude00")", {"byte 1"});
  ExpectCorrupt(R"("\u0041")", {"byte 1", "escape"});
  ExpectCorrupt(R"("a\tb\u0009")", {"byte 6", "escape"});
  ExpectCorrupt(R"("\ud800")", {"not valid JSON"});  // lone surrogate
  ExpectCorrupt("\"\x01\"", {"not valid JSON"});     // raw control character
  ExpectCorrupt(std::string("\"a\0b\"", 5), {"not valid JSON"});
  EXPECT_TRUE(ParseCanonical(R"("\u001f/")").ok());
}

TEST(ParseCanonical, RefusesTrailingAndTruncatedInput) {
  ExpectCorrupt("{}x", {"not valid JSON"});
  ExpectCorrupt("{}{}", {"not valid JSON"});
  ExpectCorrupt("[1]]", {"not valid JSON"});
  ExpectCorrupt("\"a\"b", {"not valid JSON"});
  ExpectCorrupt("{\"a\":1", {"not valid JSON"});
  ExpectCorrupt("[", {"not valid JSON"});
  ExpectCorrupt("\"abc", {"not valid JSON"});
  ExpectCorrupt("/**/{}", {"not valid JSON"});
  ExpectCorrupt("True", {"not valid JSON"});
  // nlohmann stops at NUL; the pre-scan must not let bytes hide behind one.
  ExpectCorrupt(std::string("{}\0", 3), {"NUL byte at byte 2"});
  ExpectCorrupt(std::string("[1]\0]", 5), {"NUL byte at byte 3"});
  Result<Json> limited = ParseJsonLimited(std::string("{}\0garbage", 10), 100);
  ASSERT_FALSE(limited.ok());
  EXPECT_TRUE(limited.status().IsInvalidArgument());
}

// ---- ParseJsonLimited ------------------------------------------------------------

TEST(ParseJsonLimited, AcceptsOrdinaryJson) {
  Result<Json> r = ParseJsonLimited("{ \"b\" : [1, 2],\n  \"a\": \"\\u00e9\\/\" }\n", 100);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(MustCanonicalize(*r), "{\"a\":\"\xc3\xa9/\",\"b\":[1,2]}");
  // "-0" is the integer 0 to nlohmann; harmless outside canonical bytes.
  EXPECT_EQ(MustCanonicalize(*ParseJsonLimited("-0", 10)), "0");
}

TEST(ParseJsonLimited, KeepsTheLimits) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty"},
      {"[1.0]", "fraction or exponent"},
      {"{\"a\": 1e2}", "fraction or exponent"},
      {"9007199254740992", "2^53 - 1"},
      {"{\"a\":1, \"a\":2}", "duplicate key"},
      {Nested(kJsonDepthMax + 1), "deeper than 8"},
      {"\"\xff\"", "not valid JSON"},
      {"[1,]", "not valid JSON"},
  };
  for (const auto& [text, part] : cases) {
    Result<Json> r = ParseJsonLimited(text, 1024);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << text;
    ExpectMessageHas(r.status(), {part});
  }
}

TEST(ParseJsonLimited, SizeLimitEdge) {
  EXPECT_TRUE(ParseJsonLimited("[1, 2]", 6).ok());
  Result<Json> r = ParseJsonLimited("[1, 2]", 5);
  ASSERT_FALSE(r.ok());
  ExpectMessageHas(r.status(), {"6 bytes", "at most 5"});
}

// ---- Canonicalize's ASCII fast paths vs CanonicalizeReference ------------

// Pieces of keys and strings: ASCII (with the bytes JCS escapes, and keys
// that are prefixes of each other), and non-ASCII where UTF-16 order and
// UTF-8 byte order disagree (U+FF61 sorts after U+1F600 in UTF-16, before it
// in UTF-8) or agree (U+00E9).
const char* const kCanonicalizePieces[] = {"a", "b", "A", "~", "0", "_", "\"", "\\", "\n", "\x01", "\x7f",
                               "\xc3\xa9", "\xef\xbd\xa1", "\xf0\x9f\x98\x80", "/", " "};

class RandomValues {
 public:
  explicit RandomValues(std::uint32_t seed) : rng_(seed) {}

  std::string Text(std::size_t pieces_max) {
    std::string s;
    const std::size_t n = Below(pieces_max + 1);
    for (std::size_t i = 0; i < n; ++i) s += kCanonicalizePieces[Below(std::size(kCanonicalizePieces))];
    return s;
  }

  // An object of up to 8 members; every key ASCII with probability 1/2.
  Json Object(int depth) {
    Json object = Json::object();
    const bool ascii_keys = Below(2) == 0;
    const std::size_t members = Below(9);
    for (std::size_t i = 0; i < members; ++i) {
      std::string key = Text(3);
      if (ascii_keys) key = Ascii(key);
      object[key] = Value(depth + 1);
    }
    return object;
  }

 private:
  std::size_t Below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  static std::string Ascii(const std::string& s) {
    std::string out;
    for (char c : s) out += static_cast<unsigned char>(c) < 0x80 ? c : 'x';
    return out;
  }

  Json Value(int depth) {
    switch (Below(depth < 3 ? 6 : 4)) {
      case 0: return Text(6);
      case 1: return static_cast<std::int64_t>(Below(2000000)) - 1000000;
      case 2: return Below(2) == 0;
      case 3: return nullptr;
      case 4: return Object(depth);
      default: return Json::array({Value(depth + 1), Text(2)});
    }
  }

  std::mt19937 rng_;
};

TEST(CanonicalizeFastPaths, AgreeWithTheReferenceOnRandomValues) {
  RandomValues values(20261206);
  for (int i = 0; i < 5000; ++i) {
    const Json value = values.Object(0);
    Result<std::string> fast = Canonicalize(value);
    Result<std::string> reference = CanonicalizeReference(value);
    ASSERT_TRUE(reference.ok()) << reference.status().ToString();
    ASSERT_TRUE(fast.ok()) << fast.status().ToString();
    ASSERT_EQ(fast.value(), reference.value()) << "value " << i;
  }
}

// CanonicalizeCannotFail lets AppendBatch skip encoding an entry on the
// caller's thread: it must never say true of a value Canonicalize refuses.
TEST(CanonicalizeCannotFail, IsNeverTrueOfAValueCanonicalizeRefuses) {
  RandomValues values(20261207);
  int sure = 0;
  for (int i = 0; i < 5000; ++i) {
    const Json value = values.Object(0);
    if (!CanonicalizeCannotFail(value)) continue;
    ++sure;
    ASSERT_TRUE(Canonicalize(value).ok()) << "value " << i << ": " << value.dump();
  }
  EXPECT_GT(sure, 300);  // empty objects alone are about 550
}

TEST(CanonicalizeCannotFail, RefusesWhatCouldFail) {
  EXPECT_TRUE(CanonicalizeCannotFail(Json{{"a", "b"}, {"n", kJsonIntegerAbsMax}, {"t", true}}));
  EXPECT_TRUE(CanonicalizeCannotFail(Json{{"z", nullptr}, {"arr", Json::array({-1, "x"})}}));
  EXPECT_FALSE(CanonicalizeCannotFail(Json{{"a", "\xff"}}));
  EXPECT_FALSE(CanonicalizeCannotFail(Json{{"\xc3\xa9", 1}}));  // valid, but not ASCII: unsure
  EXPECT_FALSE(CanonicalizeCannotFail(Json{{"a", "tab\there"}}));
  EXPECT_FALSE(CanonicalizeCannotFail(Json{{"a", 1.5}}));
  EXPECT_FALSE(CanonicalizeCannotFail(Json{{"a", kJsonIntegerAbsMax + 1}}));
  EXPECT_FALSE(CanonicalizeCannotFail(Json{{"a", std::numeric_limits<std::uint64_t>::max()}}));
  EXPECT_FALSE(CanonicalizeCannotFail(Json::binary({1, 2})));
  Json deep = Json::array();
  for (int i = 1; i < kJsonDepthMax; ++i) deep = Json::array({deep});
  EXPECT_TRUE(CanonicalizeCannotFail(deep));  // 8 levels, as Canonicalize allows
  EXPECT_FALSE(CanonicalizeCannotFail(Json::array({deep})));
}

// The size bound is exact for a string of quotes (each written as two bytes):
// true up to the limit, false one past it, where Canonicalize fails.
TEST(CanonicalizeCannotFail, SizeBoundAtTheLimit) {
  const std::string quotes((kCanonicalBytesMax - 2) / 2, '"');
  EXPECT_TRUE(CanonicalizeCannotFail(Json(quotes)));
  EXPECT_EQ(MustCanonicalize(quotes).size(), kCanonicalBytesMax);
  EXPECT_FALSE(CanonicalizeCannotFail(Json(quotes + "\"")));
  EXPECT_FALSE(Canonicalize(Json(quotes + "\"")).ok());
  EXPECT_FALSE(CanonicalizeCannotFail(Json::array({quotes})));
}

TEST(CanonicalizeFastPaths, AgreeWithTheReferenceOnTheRfcSortExample) {
  Json value = Json::object();
  for (const SortCase& c : kRfc8785SortExample) value[c.key_utf8] = c.value;
  EXPECT_EQ(Canonicalize(value).value(), CanonicalizeReference(value).value());
  EXPECT_EQ(Canonicalize(value).value(), SortExampleCanonical());
}

TEST(CanonicalizeFastPaths, RefuseTheSameInvalidUtf8) {
  for (const char* bad : {"\xff", "a\xc3", "\xed\xa0\x80", "ok\xf0\x9f\x98"}) {
    const Json as_value = {{"k", std::string(bad)}};
    const Json as_key = {{std::string(bad), 1}};
    for (const Json& v : {as_value, as_key}) {
      Result<std::string> fast = Canonicalize(v);
      Result<std::string> reference = CanonicalizeReference(v);
      EXPECT_FALSE(fast.ok());
      EXPECT_FALSE(reference.ok());
      EXPECT_EQ(fast.status().ToString(), reference.status().ToString());
    }
  }
}

}  // namespace
}  // namespace probity
