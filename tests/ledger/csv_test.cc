// The CSV reader: RFC 4180 shapes, and every bad input with the reason and
// line it is reported with.
#include "ledger/csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace probity {
namespace {

// All records of `text`, header included.
std::vector<CsvRecord> ReadAll(const std::string& text, std::size_t expect_fields = 0) {
  std::istringstream in(text);
  CsvReader reader(in);
  reader.ExpectFields(expect_fields);
  std::vector<CsvRecord> out;
  CsvRecord r;
  for (;;) {
    Result<bool> more = reader.Next(&r);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !more.value()) break;
    out.push_back(r);
    EXPECT_LT(out.size(), 1000u) << "runaway reader";
    if (out.size() >= 1000) break;
  }
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvTest, PlainRecordsWithLfAndCrLf) {
  auto rs = ReadAll("a,b,c\n1,2,3\r\n4,,6");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(rs[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(rs[2].fields, (Fields{"4", "", "6"}));
  EXPECT_EQ(rs[2].line, 3);
  for (const auto& r : rs) EXPECT_EQ(r.error, "");
}

TEST(CsvTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto rs = ReadAll("x,y\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\r\nlines\",\"\"\nlast,1\n");
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[1].fields, (Fields{"a,b", "say \"hi\""}));
  EXPECT_EQ(rs[2].fields, (Fields{"two\r\nlines", ""}));
  EXPECT_EQ(rs[2].line, 3);
  EXPECT_EQ(rs[3].line, 5) << "a line break inside quotes still counts as a line";
  EXPECT_EQ(rs[3].error, "");
}

TEST(CsvTest, ByteOrderMarkIsSkipped) {
  auto rs = ReadAll("\xEF\xBB\xBF" "amount,currency\n1,EUR\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields, (Fields{"amount", "currency"}));
}

TEST(CsvTest, EmptyLinesAreNotRecords) {
  auto rs = ReadAll("\n\r\na,b\n\n\r\n1,2\n\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].line, 3);
  EXPECT_EQ(rs[1].line, 6);
  EXPECT_EQ(rs[1].fields, (Fields{"1", "2"}));
}

TEST(CsvTest, TrailingCommaIsAnEmptyLastField) {
  auto rs = ReadAll("a,b,\n1,2,");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields, (Fields{"a", "b", ""}));
  EXPECT_EQ(rs[1].fields, (Fields{"1", "2", ""}));
}

TEST(CsvTest, WrongFieldCountIsRejectedWithLine) {
  auto rs = ReadAll("1,2,3\n1,2\n1,2,3,4\n7,8,9\n", 3);
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].error, "");
  EXPECT_EQ(rs[1].error, "the record has 2 fields, the header has 3; quote fields that hold commas");
  EXPECT_EQ(rs[1].line, 2);
  EXPECT_NE(rs[2].error.find("has 4 fields"), std::string::npos);
  EXPECT_EQ(rs[3].error, "") << "the reader goes on after a bad record";
  EXPECT_EQ(rs[3].fields, (Fields{"7", "8", "9"}));
}

TEST(CsvTest, QuoteInsideUnquotedFieldSkipsTheLine) {
  auto rs = ReadAll("a,b\"c,d\nok,1\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].error,
            "a quote inside the unquoted field 2; quote the whole field, and write a quote "
            "inside it as \"\"");
  EXPECT_EQ(rs[1].fields, (Fields{"ok", "1"}));
  EXPECT_EQ(rs[1].line, 2);
}

TEST(CsvTest, TextAfterClosingQuoteIsRejected) {
  auto rs = ReadAll("\"a\"b,c\nok,1\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_NE(rs[0].error.find("text after the closing quote of field 1"), std::string::npos);
  EXPECT_EQ(rs[1].fields, (Fields{"ok", "1"}));
}

TEST(CsvTest, UnclosedQuoteAtEndOfFile) {
  auto rs = ReadAll("a,b\n1,\"open\nnever closed\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[1].line, 2);
  EXPECT_EQ(rs[1].error,
            "the quoted field 2 opened on line 2 is not closed before the end of the file; add "
            "the closing quote");
}

TEST(CsvTest, LoneCarriageReturnIsRejected) {
  auto rs = ReadAll("a,b\r1,2\nok,1\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_NE(rs[0].error.find("carriage return in field 2 is not followed by a line feed"),
            std::string::npos);
  EXPECT_EQ(rs[1].fields, (Fields{"ok", "1"}));
}

TEST(CsvTest, OneMegabyteFieldIsRejectedInFlatMemory) {
  std::string big(1 << 20, 'x');
  auto rs = ReadAll("a,b\n1," + big + "\n\"" + big + "\",2\nok,1\n", 2);
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[1].error, "field 2 is longer than 4096 bytes");
  EXPECT_EQ(rs[2].error, "field 1 is longer than 4096 bytes");
  EXPECT_LE(rs[1].fields[1].size(), kCsvFieldBytesMax) << "the reader never holds the big field";
  EXPECT_EQ(rs[3].fields, (Fields{"ok", "1"}));
  EXPECT_EQ(rs[3].line, 4);
}

TEST(CsvTest, FieldAtTheLimitIsAccepted) {
  std::string edge(kCsvFieldBytesMax, 'y');
  auto rs = ReadAll(edge + "\n" + edge + "y\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].error, "");
  EXPECT_EQ(rs[0].fields[0], edge);
  EXPECT_EQ(rs[1].error, "field 1 is longer than 4096 bytes");
}

TEST(CsvTest, TooManyFieldsIsRejected) {
  std::string line(kCsvFieldsMax, ',');  // kCsvFieldsMax + 1 empty fields
  auto rs = ReadAll(line + "\nok\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].error, "the record has more than 64 fields");
  EXPECT_EQ(rs[1].error, "");
}

TEST(CsvTest, InvalidUtf8IsRejectedWithPlace) {
  auto rs = ReadAll("name,x\nJos\xE9,1\n\"ok \xC3\xA9\",2\n\xC0\xAF,3\n\xED\xA0\x80,4\n");
  ASSERT_EQ(rs.size(), 5u);
  EXPECT_EQ(rs[1].error, "field 1 is not valid UTF-8 (at byte 4); save the file as UTF-8");
  EXPECT_EQ(rs[2].error, "");
  EXPECT_EQ(rs[2].fields[0], "ok \xC3\xA9");
  EXPECT_NE(rs[3].error.find("not valid UTF-8"), std::string::npos) << "overlong form";
  EXPECT_NE(rs[4].error.find("not valid UTF-8"), std::string::npos) << "surrogate";
}

TEST(CsvTest, Utf8Validator) {
  EXPECT_EQ(FirstInvalidUtf8("plain"), std::string_view::npos);
  EXPECT_EQ(FirstInvalidUtf8("\xF0\x9F\x92\xB6"), std::string_view::npos);  // U+1F4B6
  EXPECT_EQ(FirstInvalidUtf8("ab\xF0\x9F\x92"), 2u);                        // truncated
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);                      // > U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);
}

TEST(CsvTest, QuoteForOutput) {
  EXPECT_EQ(CsvQuote("plain"), "plain");
  EXPECT_EQ(CsvQuote("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvQuote("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
  auto rs = ReadAll(CsvQuote("x,\"y\"\r\nz") + "," + CsvQuote("w") + "\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].fields, (Fields{"x,\"y\"\r\nz", "w"}));
}

TEST(CsvTest, BytesReadCountsTheWholeFile) {
  std::string text = "\xEF\xBB\xBF" "a,b\n1,2\n";
  std::istringstream in(text);
  CsvReader reader(in);
  CsvRecord r;
  while (reader.Next(&r).value()) {
  }
  EXPECT_EQ(reader.bytes_read(), text.size());
}

}  // namespace
}  // namespace probity
