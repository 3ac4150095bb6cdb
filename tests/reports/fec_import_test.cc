// Parsing .fec filings for import: the real sample, and bad input of every
// kind (each refused with the line and what is wrong).
#include "reports/fec_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace probity::fec {
namespace {

std::string Sample() {
  std::ifstream in(PROBITY_VENDOR_FEC_DIR "/samples/1229017.fec", std::ios::binary);
  EXPECT_TRUE(in) << "missing the vendored sample filing";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kSep(1, '\x1c');
std::string Hdr() { return "HDR" + kSep + "FEC" + kSep + "8.2" + kSep + "NGP" + kSep + "5.0\n"; }
// A valid SA11AI record with `field` (0-based) replaced by `value`.
std::string Receipt(std::size_t field = 99, const std::string& value = "") {
  std::vector<std::string> f(45);
  f[0] = "SA11AI"; f[1] = "C00215905"; f[2] = "T1"; f[5] = "IND"; f[7] = "Zorn";
  f[8] = "Kathleen"; f[12] = "4199 Melqua Road"; f[14] = "Roseburg"; f[15] = "OR";
  f[16] = "97471"; f[17] = "P2018"; f[19] = "20180425"; f[20] = "100.00"; f[21] = "285.00";
  f[23] = "Not Employed"; f[24] = "Not Employed";
  if (field < f.size()) f[field] = value;
  std::string out;
  for (std::size_t i = 0; i < f.size(); ++i) out += (i ? kSep : "") + f[i];
  return out + "\n";
}

TEST(ParseFiling, TheRealSample) {
  Result<Filing> f = ParseFiling(Sample(), "1229017.fec");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->version, "8.2");
  EXPECT_EQ(f->committee_id, "C00215905");
  EXPECT_EQ(f->receipts.size(), 85u);  // 166 SA11AI: 85 IND, 80 memo (PAC), 1 ORG
  EXPECT_EQ(f->skipped.at("SA11AI memo line"), 80u);
  EXPECT_EQ(f->skipped.at("SA11AI from entity type ORG"), 1u);
  const FecReceipt& zorn = f->receipts[4];  // after the skipped ORG line
  EXPECT_EQ(zorn.donor.family_name, "Zorn");
  EXPECT_EQ(zorn.donor.name, "Kathleen F Zorn");
  EXPECT_EQ(zorn.donor.residence, "US");
  EXPECT_EQ(zorn.amount_cents, 10000);
  EXPECT_EQ(zorn.aggregate_cents, 28500);
  EXPECT_EQ(FormatDate(zorn.date), "2018-04-25");
}

TEST(ParseFiling, AcceptsCrLfAndLatin1) {
  std::string r = Receipt(7, "M\xfcller");
  r.insert(r.size() - 1, "\r");
  Result<Filing> f = ParseFiling(Hdr() + r, "x.fec");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->receipts[0].donor.family_name, "Müller");
}

void ExpectRefused(const std::string& bytes, const std::string& problem) {
  Result<Filing> f = ParseFiling(bytes, "x.fec");
  ASSERT_FALSE(f.ok()) << problem;
  EXPECT_TRUE(f.status().IsInvalidArgument());
  EXPECT_NE(f.status().message().find(problem), std::string::npos) << f.status().ToString();
  EXPECT_NE(f.status().message().find("x.fec"), std::string::npos);
}

TEST(ParseFiling, RefusesBadInput) {
  ExpectRefused("", "empty");
  ExpectRefused(Receipt(), "line 1: the first record is not an HDR");
  ExpectRefused("HDR,FEC,6.4,x\n" + Receipt(), "not an HDR record separated by the byte 0x1C");
  ExpectRefused("HDR" + kSep + "FEC" + kSep + "7.0\n" + Receipt(), "format version \"7.0\"");
  ExpectRefused(Hdr(), "no SA11AI receipt");
  ExpectRefused(Hdr() + Receipt(19, "2018-04-25"), "line 2: date \"2018-04-25\" is not YYYYMMDD");
  ExpectRefused(Hdr() + Receipt(19, "20180231"), "line 2");
  ExpectRefused(Hdr() + Receipt(20, "1.234"), "amount \"1.234\"");
  ExpectRefused(Hdr() + Receipt(20, "-5.00"), "negative or zero");
  ExpectRefused(Hdr() + Receipt(21, ""), "amount");
  ExpectRefused(Hdr() + Receipt(7, ""), "contributor_last_name is empty");
  ExpectRefused(Hdr() + Receipt(8, ""), "contributor_first_name is empty");
  ExpectRefused(Hdr() + Receipt(2, "T1234567890123456789X"), "transaction_id");
  ExpectRefused(Hdr() + Receipt(17, "2018"), "election_code");
  ExpectRefused(Hdr() + Receipt(24, std::string("a\x01" "b")), "control character");
  ExpectRefused(Hdr() + Receipt() + Receipt(1, "C00000001"), "line 3: committee C00000001");
  std::string truncated = Receipt();
  truncated.resize(truncated.find("20180425"));
  ExpectRefused(Hdr() + truncated + "\n", "fields; format 8.x has 45");
  ExpectRefused(Hdr() + Receipt(44, "x" + kSep + "extra"), "46 fields");
  ExpectRefused(Hdr() + Receipt(44, std::string(kRecordBytesMax, 'x')), "over 16384 bytes");
}

}  // namespace
}  // namespace probity::fec
