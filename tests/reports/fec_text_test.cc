// The .fec value syntax: transliteration to printable ASCII and cutting to
// schema lengths, two-decimal amounts without floating point, YYYYMMDD dates,
// and the Schedule A column order against the vendored FEC list.
#include "reports/fec_text.h"

#include <gtest/gtest.h>

#include <fstream>

#include "reports/fec_columns.h"

namespace probity::fec {
namespace {

TEST(FecText, KeepsPrintableAscii) { EXPECT_EQ(ToFecText("O'Brien-Smith #2", 30), "O'Brien-Smith #2"); }

TEST(FecText, DropsAccentsAndLigatures) {
  EXPECT_EQ(ToFecText("Héloïse Gœthe-Müller", 30), "Heloise Goethe-Muller");
  EXPECT_EQ(ToFecText("Łódź Straße Æsir", 30), "Lodz Strasse AEsir");
  EXPECT_EQ(ToFecText("“Quoted” – dash…", 30), "\"Quoted\" - dash...");
}

TEST(FecText, ControlCharactersAndSeparatorBecomeSpaces) {
  EXPECT_EQ(ToFecText(std::string("a\x1c" "b\nc\td"), 30), "a b c d");
}

TEST(FecText, UnknownAndInvalidUtf8BecomeQuestionMarks) {
  EXPECT_EQ(ToFecText("東京", 30), "??");
  EXPECT_EQ(ToFecText(std::string("a\xff" "b"), 30), "a?b");
  EXPECT_EQ(ToFecText(std::string("a\xc3"), 30), "a?");  // truncated sequence
}

TEST(FecText, CutsToLengthAfterTransliterating) {
  EXPECT_EQ(ToFecText("abcdef", 3), "abc");
  EXPECT_EQ(ToFecText("ßßß", 3), "sss");  // "ss" twice would be 4: cut to 3
  EXPECT_EQ(ToFecText("", 3), "");
  for (unsigned c = 0; c < 256; ++c) {
    const std::string out = ToFecText(std::string(1, static_cast<char>(c)), 2);
    ASSERT_FALSE(out.empty());
    for (char o : out) EXPECT_TRUE(o >= 0x20 && o <= 0x7E) << c;
  }
}

TEST(FecAmount, TwoDecimalsBothSigns) {
  EXPECT_EQ(FormatAmount(0), "0.00");
  EXPECT_EQ(FormatAmount(5), "0.05");
  EXPECT_EQ(FormatAmount(417), "4.17");
  EXPECT_EQ(FormatAmount(123456789), "1234567.89");
  EXPECT_EQ(FormatAmount(-500), "-5.00");
}

TEST(FecAmount, ParsesWhatFilersWrite) {
  EXPECT_EQ(ParseAmount("4.17").value(), 417);
  EXPECT_EQ(ParseAmount("12").value(), 1200);
  EXPECT_EQ(ParseAmount("12.5").value(), 1250);
  EXPECT_EQ(ParseAmount("-30.00").value(), -3000);
  EXPECT_EQ(ParseAmount("999999999.99").value(), 99999999999);
}

TEST(FecAmount, RefusesBadText) {
  for (const char* bad : {"", "-", "1.234", "1e3", "1,000.00", " 5.00", "abc", "1000000000.00",
                          "0x10", "NaN"}) {
    Result<std::int64_t> r = ParseAmount(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
    }
  }
}

TEST(FecDate, RoundTrip) {
  Date d = ParseFecDate("20180425").value();
  EXPECT_EQ(FormatFecDate(d), "20180425");
  EXPECT_EQ(FormatDate(d), "2018-04-25");
  for (const char* bad : {"2018-04-25", "2018042", "201804250", "20181301", "20180230", "2018O425"}) {
    EXPECT_FALSE(ParseFecDate(bad).ok()) << bad;
  }
}

TEST(FecColumns, ScheduleAMatchesTheVendoredList) {
  std::ifstream in(PROBITY_VENDOR_FEC_DIR "/schedule-a-v8-columns.txt");
  ASSERT_TRUE(in) << "missing " PROBITY_VENDOR_FEC_DIR "/schedule-a-v8-columns.txt";
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') names.push_back(line);
  }
  ASSERT_EQ(names.size(), kScheduleAFields);
  for (std::size_t i = 0; i < kScheduleAFields; ++i) EXPECT_EQ(names[i], kScheduleAColumns[i]) << i;
}

}  // namespace
}  // namespace probity::fec
