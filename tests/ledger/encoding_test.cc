#include "ledger/encoding.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ledger/encoding_exact.h"

namespace probity {
namespace {

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

void ExpectHexRefused(std::string_view hex) {
  Result<Bytes> r = HexDecode(hex);
  EXPECT_FALSE(r.ok()) << "accepted hex \"" << hex << "\"";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

void ExpectBase64Refused(std::string_view text) {
  Result<Bytes> r = Base64Decode(text);
  EXPECT_FALSE(r.ok()) << "accepted base64 \"" << text << "\"";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(EncodingHex, EncodesLowerCase) {
  EXPECT_EQ(HexEncode(Bytes{}), "");
  EXPECT_EQ(HexEncode(Bytes{0x00, 0xff, 0x10, 0xab}), "00ff10ab");
}

TEST(EncodingHex, DecodesWhatItEncodes) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  Result<Bytes> back = HexDecode(HexEncode(all));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, all);
  ASSERT_TRUE(HexDecode("").ok());
  EXPECT_TRUE(HexDecode("")->empty());
}

TEST(EncodingHex, RefusesBadInput) {
  ExpectHexRefused("0");  // truncated: odd length
  ExpectHexRefused("abc");
  ExpectHexRefused("AB");  // upper case is not what we write
  ExpectHexRefused("aB");
  ExpectHexRefused("0g");
  ExpectHexRefused(" 00");  // white space
  ExpectHexRefused("00 ");
  ExpectHexRefused("00\n");
  ExpectHexRefused("0x00");
  ExpectHexRefused(std::string_view("0\0", 2));
}

TEST(EncodingHex, FixedSizeNamesWhatIsWrong) {
  Result<std::array<std::uint8_t, 4>> ok = HexDecodeFixed<4>("c74f20a3", "key id");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0], 0xc7);
  EXPECT_EQ((*ok)[3], 0xa3);
  Result<std::array<std::uint8_t, 4>> short_id = HexDecodeFixed<4>("c74f20", "key id");
  ASSERT_FALSE(short_id.ok());
  EXPECT_NE(short_id.status().message().find("key id"), std::string::npos);
  EXPECT_NE(short_id.status().message().find("expected 4 bytes, got 3"), std::string::npos);
  Result<std::array<std::uint8_t, 4>> bad = HexDecodeFixed<4>("C74F20A3", "key id");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("key id"), std::string::npos);
  EXPECT_FALSE((HexDecodeFixed<32>(std::string(62, 'a'), "hash").ok()));
  EXPECT_FALSE((HexDecodeFixed<32>(std::string(66, 'a'), "hash").ok()));
  EXPECT_TRUE((HexDecodeFixed<32>(std::string(64, 'a'), "hash").ok()));
}

// RFC 4648 section 10 test vectors.
TEST(EncodingBase64, Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(B(plain)), encoded);
    Result<Bytes> back = Base64Decode(encoded);
    ASSERT_TRUE(back.ok()) << encoded << ": " << back.status().ToString();
    EXPECT_EQ(*back, B(plain));
  }
}

TEST(EncodingBase64, RoundTripsEveryLengthAndByte) {
  Bytes data;
  for (std::size_t len = 0; len < 300; ++len) {
    Result<Bytes> back = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(back.ok()) << len;
    ASSERT_EQ(*back, data);
    data.push_back(static_cast<std::uint8_t>(len * 37 + 11));
  }
}

TEST(EncodingBase64, RefusesMissingOrMisplacedPadding) {
  ExpectBase64Refused("Zg");  // truncated: padding missing
  ExpectBase64Refused("Zg=");
  ExpectBase64Refused("Zm9vY");
  ExpectBase64Refused("Zg===");
  ExpectBase64Refused("Z===");  // one digit cannot make a byte
  ExpectBase64Refused("====");
  ExpectBase64Refused("Zg=A");
  ExpectBase64Refused("Z=g=");
  ExpectBase64Refused("Zg==Zg==");  // padding in the middle
}

TEST(EncodingBase64, RefusesNonCanonicalPaddingBits) {
  // "f" is Zg==; Zh== .. Zv== decode to "f" too in lax decoders.
  ExpectBase64Refused("Zh==");
  ExpectBase64Refused("Zv==");
  // "fo" is Zm8=; Zm9= carries a stray low bit.
  ExpectBase64Refused("Zm9=");
  ExpectBase64Refused("Zm/=");
}

TEST(EncodingBase64, RefusesForeignCharacters) {
  ExpectBase64Refused(" Zg==");
  ExpectBase64Refused("Zg== ");
  ExpectBase64Refused("Zg==\n");
  ExpectBase64Refused("Zm9v\nYmFy");
  ExpectBase64Refused("Zm9v-_8=");  // URL-safe alphabet
  ExpectBase64Refused("Zm9v*A==");
  ExpectBase64Refused(std::string_view("Zm9\0", 4));
}

TEST(EncodingBase64, FixedSizeForEveryUsedSize) {
  EXPECT_TRUE((Base64DecodeFixed<4>(Base64Encode(Bytes(4, 1)), "x").ok()));
  EXPECT_TRUE((Base64DecodeFixed<16>(Base64Encode(Bytes(16, 1)), "x").ok()));
  EXPECT_TRUE((Base64DecodeFixed<24>(Base64Encode(Bytes(24, 1)), "x").ok()));
  EXPECT_TRUE((Base64DecodeFixed<32>(Base64Encode(Bytes(32, 1)), "x").ok()));
  Result<std::array<std::uint8_t, 64>> sig = Base64DecodeFixed<64>(Base64Encode(Bytes(64, 7)), "x");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ((*sig)[63], 7);
  Result<std::array<std::uint8_t, 32>> short_key =
      Base64DecodeFixed<32>(Base64Encode(Bytes(31, 1)), "root hash");
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.status().message().find("root hash: expected 32 bytes, got 31"),
            std::string::npos);
  EXPECT_FALSE((Base64DecodeFixed<32>(Base64Encode(Bytes(33, 1)), "x").ok()));
  EXPECT_FALSE((Base64DecodeFixed<32>("not base64!", "x").ok()));
}

// The allocation-free fast path of Base64DecodeFixed must accept exactly what
// Base64Decode accepts at that size, with the same bytes: canonical texts,
// and the same texts with one character replaced (padding, foreign and
// neighbouring characters, the padding bits), cut short or lengthened.
TEST(EncodingBase64, ExactDecoderAgreesWithTheGeneralOne) {
  std::mt19937 rng(20261206);
  const std::string kChars = std::string(
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                                 "==-_* \n") +
                             std::string(1, '\0');
  int accepted = 0, refused = 0;
  for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 16u, 31u, 32u, 33u, 63u, 64u, 65u}) {
    for (int round = 0; round < 400; ++round) {
      Bytes bytes(n);
      for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(rng());
      std::string text = Base64Encode(bytes);
      const unsigned change = rng() % 4;
      if (change == 1 && !text.empty()) {
        text[rng() % text.size()] = kChars[rng() % kChars.size()];
      } else if (change == 2 && !text.empty()) {
        text.resize(rng() % text.size());
      } else if (change == 3) {
        text.insert(rng() % (text.size() + 1), 1, kChars[rng() % kChars.size()]);
      }
      Result<Bytes> general = Base64Decode(text);
      const bool general_ok = general.ok() && general->size() == n;
      Bytes exact(n + 1, 0xee);  // one guard byte past the end
      const bool exact_ok = Base64DecodeExact(text, exact.data(), n);
      ASSERT_EQ(exact_ok, general_ok) << "size " << n << ", text \"" << text << "\"";
      EXPECT_EQ(exact[n], 0xee) << "wrote past the end, size " << n;
      if (general_ok) {
        exact.resize(n);
        EXPECT_EQ(exact, *general) << "text \"" << text << "\"";
      }
      (general_ok ? accepted : refused) += 1;
    }
  }
  EXPECT_GT(accepted, 1000);  // both sides of the decision were exercised
  EXPECT_GT(refused, 2000);
}

TEST(EncodingDecimal, AcceptsCanonicalNumbers) {
  EXPECT_EQ(ParseDecimalU64("0").value(), 0u);
  EXPECT_EQ(ParseDecimalU64("7").value(), 7u);
  EXPECT_EQ(ParseDecimalU64("20852163").value(), 20852163u);
  EXPECT_EQ(ParseDecimalU64("18446744073709551615").value(), UINT64_MAX);
}

TEST(EncodingDecimal, RefusesEverythingElse) {
  for (std::string_view text :
       {"", "00", "01", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.0", "1e3", "18446744073709551616",
        "99999999999999999999", "184467440737095516150"}) {
    Result<std::uint64_t> r = ParseDecimalU64(text);
    EXPECT_FALSE(r.ok()) << "accepted \"" << text << "\"";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace probity
