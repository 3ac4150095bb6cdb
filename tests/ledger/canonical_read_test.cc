// ReadCanonicalExact, ParseCanonical's one-pass fast path, against the
// checked parse it replaced: ParseJsonLimited, then Canonicalize, then a
// byte comparison. Both must accept exactly the same bytes, with the same
// value (types included), on hand-written edge cases and on random canonical
// values and their mutations.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ledger/canonical_json.h"

namespace probity {
namespace {

// The old decoding path, built from the public functions: the reference.
std::optional<Json> Reference(std::string_view bytes) {
  Result<Json> parsed = ParseJsonLimited(bytes, kCanonicalBytesMax);
  if (!parsed.ok()) return std::nullopt;
  Result<std::string> canonical = Canonicalize(*parsed);
  if (!canonical.ok() || *canonical != bytes) return std::nullopt;
  return *parsed;
}

// Equal values of equal types all the way down (Json's == takes 1 and 1u as equal).
bool Same(const Json& a, const Json& b) {
  if (a.type() != b.type() || a != b) return false;
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!Same(a[i], b[i])) return false;
    }
  }
  if (a.is_object()) {
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !Same(ia.value(), ib.value())) return false;
    }
  }
  return true;
}

// Both paths agree on `bytes`; returns whether they accepted.
bool ExpectAgree(std::string_view bytes) {
  const std::optional<Json> fast = ReadCanonicalExact(bytes);
  const std::optional<Json> reference = Reference(bytes);
  EXPECT_EQ(fast.has_value(), reference.has_value())
      << "fast " << (fast ? "accepts" : "refuses") << ", reference "
      << (reference ? "accepts" : "refuses") << ": " << ::testing::PrintToString(std::string(bytes));
  if (fast && reference) {
    EXPECT_TRUE(Same(*fast, *reference)) << ::testing::PrintToString(std::string(bytes));
  }
  // And ParseCanonical, which takes the fast path first, says the same.
  EXPECT_EQ(ParseCanonical(bytes).ok(), reference.has_value());
  return fast.has_value() && reference.has_value();
}

TEST(ReadCanonicalExact, AcceptsWhatCanonicalizeWrites) {
  for (const char* ok :
       {"null", "true", "false", "0", "-1", "7", "9007199254740991", "-9007199254740991", "\"\"",
        "[]", "{}", "[[],{}]", R"({"a":{"a":1}})", R"([{"a":1},{"a":1}])",
        R"("\u0000\u001f\b\t\n\f\r\"\\")", "\"a/b\x7f\"", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
        "{\"~\":0,\"\xf0\x90\x80\x80\":1,\"\xee\x80\x80\":2}", "[[[[[[[[]]]]]]]]",
        R"({"B":null,"a":{"c":[3,2,1],"d":2},"z":1})"}) {
    EXPECT_TRUE(ExpectAgree(ok)) << ok;
  }
  const Json value = {{"n", -5}, {"u", 5}, {"s", "x"}};
  std::optional<Json> read = ReadCanonicalExact(*Canonicalize(value));
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE((*read)["n"].is_number_integer() && !(*read)["n"].is_number_unsigned());
  EXPECT_TRUE((*read)["u"].is_number_unsigned());
}

TEST(ReadCanonicalExact, RefusesWhatCanonicalizeWouldNotWrite) {
  for (const std::string& bad : std::vector<std::string>{
           "", " {}", "{} ", "{\"a\": 1}", "[1, 2]", "-0", "01", "+1", "1.0", "1e2", "-",
           "9007199254740992", "-9007199254740992", "12345678901234567", "NaN", "True", "nul",
           R"({"b":1,"a":2})", R"({"a":1,"a":1})", R"({"x":{"a":1,"a":2}})",
           "{\"\xee\x80\x80\":2,\"\xf0\x90\x80\x80\":1}", "[[[[[[[[[]]]]]]]]]",
           R"("\u00e9")", R"("\/")", R"("\u001F")", R"("\u000a")", R"("\u0009")",
           R"("\u007f")", R"("\u0041")", R"("\ud83d\ude00")", R"("\ud800")", R"("\x")",
           R"("\u00)", "\"\x01\"", std::string("\"a\0b\"", 5), std::string("{}\0", 3),
           "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"",
           "{\"\x80\":1}", "{}x", "{}{}", "[1]]", "\"a\"b", "{\"a\":1", "[", "\"abc", "{\"a\"}",
           "{\"a\":}", "{1:2}", "[1,]", "[,1]", "{,}", "{\"a\":1,}", "/**/{}", "\"\\",
           "\"" + std::string(kCanonicalBytesMax - 1, 'a') + "\""}) {
    EXPECT_FALSE(ExpectAgree(bad)) << ::testing::PrintToString(bad);
  }
  EXPECT_TRUE(ExpectAgree("\"" + std::string(kCanonicalBytesMax - 2, 'a') + "\""));
}

// Random values of the shapes entries have and of the corners of the format:
// keys that sort differently in UTF-8 and UTF-16, controls, integer limits.
class RandomJson {
 public:
  explicit RandomJson(std::uint32_t seed) : rng_(seed) {}

  Json Value(int depth) {
    switch (Pick(depth >= 9 ? 5 : 7)) {
      case 0: return nullptr;
      case 1: return Pick(2) == 0;
      case 2: return Integer();
      case 3:
      case 4: return Text();
      case 5: {
        Json a = Json::array();
        for (std::size_t i = Pick(4); i > 0; --i) a.push_back(Value(depth + 1));
        return a;
      }
      default: {
        Json o = Json::object();
        for (std::size_t i = Pick(6); i > 0; --i) o[Text()] = Value(depth + 1);
        return o;
      }
    }
  }

  std::size_t Pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

 private:
  Json Integer() {
    static const std::int64_t kEdges[] = {0, 1, -1, 9, 10, -10, kJsonIntegerAbsMax,
                                          -kJsonIntegerAbsMax, 4000, 1234567890123456};
    if (Pick(2) == 0) return kEdges[Pick(std::size(kEdges))];
    return std::uniform_int_distribution<std::int64_t>(-kJsonIntegerAbsMax, kJsonIntegerAbsMax)(rng_);
  }

  std::string Text() {
    static const std::string_view kPieces[] = {
        "a", "b", "z", "A", "0", "_", "-", " ", "/", "\"", "\\", "\x7f", "\b", "\t", "\n", "\f",
        "\r", "\x01", "\x1f", std::string_view("\0", 1), "\xc3\xa9", "\xe2\x82\xac",
        "\xee\x80\x80", "\xef\xac\xb3", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf0\x9f\x98\x80",
        "\xf4\x8f\xbf\xbf", "amount_minor", "subject", "S-0123456789"};
    std::string s;
    for (std::size_t i = Pick(5); i > 0; --i) s += kPieces[Pick(std::size(kPieces))];
    return s;
  }

  std::mt19937 rng_;
};

// Bytes that matter to a JSON reader, for mutations.
constexpr char kMutationBytes[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '-', '0', '1', '9',
                                   'e', 'E', '.', 't', 'f', 'n', 'u', ' ', '\n', '\0', '\x1f',
                                   '\x7f', '\x80', '\xbf', '\xc3', '\xed', '\xef', '\xf0', '\xff',
                                   'a', '/'};

std::string Mutate(std::string bytes, RandomJson& r) {
  const std::size_t at = bytes.empty() ? 0 : r.Pick(bytes.size());
  const char byte = kMutationBytes[r.Pick(sizeof(kMutationBytes))];
  switch (r.Pick(5)) {
    case 0:
      if (!bytes.empty()) bytes[at] = byte;
      break;
    case 1: bytes.insert(at, 1, byte); break;
    case 2:
      if (!bytes.empty()) bytes.erase(at, 1 + r.Pick(3));
      break;
    case 3: {  // swap two bytes: moves keys and digits around
      const std::size_t other = bytes.empty() ? 0 : r.Pick(bytes.size());
      if (!bytes.empty()) std::swap(bytes[at], bytes[other]);
      break;
    }
    default:  // repeat a piece: duplicate keys, members, digits
      bytes.insert(at, bytes.substr(at, 1 + r.Pick(12)));
  }
  return bytes;
}

TEST(ReadCanonicalExact, AgreesWithTheCheckedParseOnRandomAndMutatedInput) {
  RandomJson r(20261122);
  int accepted = 0, mutants = 0, mutants_accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    const Json value = r.Value(0);
    Result<std::string> bytes = Canonicalize(value);
    if (!bytes.ok()) continue;  // deeper than the limit: covered by the mutants
    accepted += ExpectAgree(*bytes) ? 1 : 0;
    std::string mutant = *bytes;
    for (int m = 0; m < 12; ++m) {
      mutant = m % 4 == 0 ? Mutate(*bytes, r) : Mutate(mutant, r);
      ++mutants;
      mutants_accepted += ExpectAgree(mutant) ? 1 : 0;
    }
  }
  // The generator must reach both answers, or the test proves nothing.
  EXPECT_GT(accepted, 2000);
  EXPECT_GT(mutants_accepted, 1000);
  EXPECT_GT(mutants - mutants_accepted, 10000);
}

}  // namespace
}  // namespace probity
