#include "ledger/money.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace probity {
namespace {

Money Eur(std::int64_t minor) { return Money(MinorUnits(minor), LookupCurrency("EUR").value()); }

// Parses `text` as EUR that must be positive, expecting success.
std::int64_t ParseEur(std::string_view text) {
  Result<Money> m = ParseMoney(text, "EUR", Sign::kPositive);
  EXPECT_TRUE(m.ok()) << text << ": " << m.status().ToString();
  return m.ok() ? m->amount_minor_i64() : -1;
}

// Expects InvalidArgument whose message contains every one of `parts`.
void ExpectRefused(std::string_view text, std::string_view code, Sign sign,
                   const std::vector<std::string>& parts) {
  Result<Money> m = ParseMoney(text, code, sign);
  ASSERT_FALSE(m.ok()) << "accepted \"" << text << "\"";
  EXPECT_TRUE(m.status().IsInvalidArgument());
  for (const std::string& part : parts) {
    EXPECT_NE(m.status().message().find(part), std::string::npos)
        << "message for \"" << text << "\" lacks \"" << part << "\": " << m.status().message();
  }
}

TEST(MoneyParse, AcceptsPlainDecimals) {
  EXPECT_EQ(ParseEur("4600"), 460000);
  EXPECT_EQ(ParseEur("4600.5"), 460050);
  EXPECT_EQ(ParseEur("4600.50"), 460050);
  EXPECT_EQ(ParseEur("0.01"), 1);
  EXPECT_EQ(ParseEur("0.5"), 50);
  EXPECT_EQ(ParseEur("10"), 1000);
}

TEST(MoneyParse, AcceptsTheLargestAmountAndNoMore) {
  EXPECT_EQ(ParseEur("90071992547409.91"), kAmountMinorMax);
  ExpectRefused("90071992547409.92", "EUR", Sign::kPositive,
                {"\"90071992547409.92\"", "too large", "90,071,992,547,409.91 EUR"});
}

TEST(MoneyParse, ZeroCurrencyDigits) {
  Result<Money> yen = ParseMoney("4600", "JPY", Sign::kPositive);
  ASSERT_TRUE(yen.ok());
  EXPECT_EQ(yen->amount_minor_i64(), 4600);
  EXPECT_EQ(yen->ToDisplay(), "4,600 JPY");
  ExpectRefused("4600.5", "JPY", Sign::kPositive, {"JPY has no minor unit", "4600 or 4601"});
  ExpectRefused("4600.", "JPY", Sign::kPositive, {"ends with '.'", "write 4600"});
}

TEST(MoneyParse, NonNegativeAcceptsZero) {
  Result<Money> zero = ParseMoney("0", "EUR", Sign::kNonNegative);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->amount_minor_i64(), 0);
  EXPECT_TRUE(ParseMoney("0.00", "EUR", Sign::kNonNegative).ok());
}

TEST(MoneyParse, RefusesTooManyDecimalsWithBothNeighbours) {
  ExpectRefused("4600.505", "EUR", Sign::kPositive,
                {"amount \"4600.505\" has 3 decimals; EUR allows at most 2 (write 4600.50 or "
                 "4600.51)"});
  ExpectRefused("9.999", "EUR", Sign::kPositive, {"write 9.99 or 10.00"});
  ExpectRefused("4600.500", "EUR", Sign::kPositive, {"3 decimals"});
}

TEST(MoneyParse, RefusesExponent) {
  ExpectRefused("1e3", "EUR", Sign::kPositive, {"\"1e3\"", "exponent", "write all the digits"});
  ExpectRefused("1E3", "EUR", Sign::kPositive, {"exponent"});
}

TEST(MoneyParse, RefusesSigns) {
  ExpectRefused("-5", "EUR", Sign::kPositive, {"\"-5\"", "negative", "greater than zero"});
  ExpectRefused("-5", "EUR", Sign::kNonNegative, {"negative", "zero or more"});
  ExpectRefused("+5", "EUR", Sign::kPositive, {"\"+5\"", "'+' sign", "without one: 5"});
}

TEST(MoneyParse, RefusesNotANumberWords) {
  for (const char* text : {"NaN", "nan", "inf", "Inf", "-inf", "+Infinity", "infinity"}) {
    ExpectRefused(text, "EUR", Sign::kPositive, {"is not a number", "like 4600.00"});
  }
}

TEST(MoneyParse, RefusesEmptyAndBlanks) {
  ExpectRefused("", "EUR", Sign::kPositive, {"\"\" is empty", "like 4600.00"});
  ExpectRefused(" 5", "EUR", Sign::kPositive, {"\" 5\"", "white space", "write 5"});
  ExpectRefused("5 ", "EUR", Sign::kPositive, {"\"5 \"", "white space", "write 5"});
  ExpectRefused("5\n", "EUR", Sign::kPositive, {"\"5\\x0a\"", "white space"});
  ExpectRefused("4 600", "EUR", Sign::kPositive, {"\"4 600\"", "contains a space"});
}

TEST(MoneyParse, RefusesGroupingAndDecimalComma) {
  ExpectRefused("4,600.00", "EUR", Sign::kPositive, {"\"4,600.00\"", "contains ','", "4600.00"});
  ExpectRefused("4600,50", "EUR", Sign::kPositive, {"contains ','", "'.' before the decimals"});
  ExpectRefused("4'600", "EUR", Sign::kPositive, {"contains '''"});
  ExpectRefused("4_600", "EUR", Sign::kPositive, {"contains '_'"});
}

TEST(MoneyParse, RefusesMisplacedPoint) {
  ExpectRefused(".5", "EUR", Sign::kPositive, {"\".5\"", "starts with '.'", "write 0.5"});
  ExpectRefused("5.", "EUR", Sign::kPositive, {"\"5.\"", "ends with '.'", "write 5 or 5.00"});
  ExpectRefused("1.2.3", "EUR", Sign::kPositive, {"more than one '.'"});
  ExpectRefused(".", "EUR", Sign::kPositive, {"starts with '.'"});
}

TEST(MoneyParse, RefusesLeadingZeros) {
  ExpectRefused("00012", "EUR", Sign::kPositive, {"\"00012\"", "leading zeros", "write 12"});
  ExpectRefused("0012", "EUR", Sign::kPositive, {"write 12"});
  ExpectRefused("00.50", "EUR", Sign::kPositive, {"write 0.50"});
  ExpectRefused("000", "EUR", Sign::kNonNegative, {"write 0"});
}

TEST(MoneyParse, RefusesZeroWhenPositive) {
  ExpectRefused("0", "EUR", Sign::kPositive, {"\"0\" is zero", "greater than zero"});
  ExpectRefused("0.00", "EUR", Sign::kPositive, {"is zero"});
}

TEST(MoneyParse, RefusesOtherCharacters) {
  ExpectRefused("12a", "EUR", Sign::kPositive, {"contains \"a\"", "only digits"});
  ExpectRefused("0x10", "EUR", Sign::kPositive, {"contains \"x\""});
  ExpectRefused("\xef\xbc\x95", "EUR", Sign::kPositive, {"\\xef"});  // fullwidth digit five
  ExpectRefused(std::string_view("5\0", 2), "EUR", Sign::kPositive, {"\\x00"});
}

TEST(MoneyParse, RefusesHugeNumbersWithoutOverflow) {
  const std::string forty_digits(40, '9');
  ExpectRefused(forty_digits, "EUR", Sign::kPositive,
                {"is 40 characters long", "at most 32", "90,071,992,547,409.91 EUR"});
  const std::string thirty_two_digits(32, '9');  // fits the length limit, not the range
  ExpectRefused(thirty_two_digits, "EUR", Sign::kPositive, {"too large"});
  ExpectRefused("90071992547410", "EUR", Sign::kPositive, {"too large"});
  ExpectRefused("9007199254740992", "JPY", Sign::kPositive, {"too large", "9,007,199,254,740,991"});
  EXPECT_TRUE(ParseMoney("9007199254740991", "JPY", Sign::kPositive).ok());
}

TEST(MoneyCurrency, KnownAndUnknown) {
  for (const char* code : {"EUR", "USD", "GBP", "CHF", "CAD"}) {
    Result<Currency> c = LookupCurrency(code);
    ASSERT_TRUE(c.ok()) << code;
    EXPECT_EQ(c->minor_digits, 2) << code;
  }
  EXPECT_EQ(LookupCurrency("JPY")->minor_digits, 0);
  ExpectRefused("5", "XYZ", Sign::kPositive, {"unknown currency \"XYZ\"", "EUR", "USD"});
  ExpectRefused("5", "eur", Sign::kPositive, {"\"eur\"", "upper case: EUR"});
  ExpectRefused("5", "", Sign::kPositive, {"unknown currency \"\""});
  ExpectRefused("5", "EURO", Sign::kPositive, {"unknown currency"});
}

TEST(MoneyFormat, ToDecimalAndDisplay) {
  EXPECT_EQ(Eur(460000).ToDecimal(), "4600.00");
  EXPECT_EQ(Eur(460000).ToDisplay(), "4,600.00 EUR");
  EXPECT_EQ(Eur(-460000).ToDisplay(), "-4,600.00 EUR");
  EXPECT_EQ(Eur(-460000).ToDecimal(), "-4600.00");
  EXPECT_EQ(Eur(1).ToDecimal(), "0.01");
  EXPECT_EQ(Eur(-5).ToDisplay(), "-0.05 EUR");
  EXPECT_EQ(Eur(0).ToDisplay(), "0.00 EUR");
  EXPECT_EQ(Eur(99999).ToDisplay(), "999.99 EUR");
  EXPECT_EQ(Eur(100000).ToDisplay(), "1,000.00 EUR");
  EXPECT_EQ(Eur(123456789012).ToDisplay(), "1,234,567,890.12 EUR");
  EXPECT_EQ(Eur(kAmountMinorMax).ToDecimal(), "90071992547409.91");
}

TEST(MoneyFormat, ParseOfToDecimalRoundTrips) {
  for (std::int64_t minor : {1LL, 9LL, 10LL, 99LL, 100LL, 460050LL, 123456789LL}) {
    const Money m = Eur(minor);
    Result<Money> back = ParseMoney(m.ToDecimal(), "EUR", Sign::kPositive);
    ASSERT_TRUE(back.ok()) << m.ToDecimal();
    EXPECT_TRUE(*back == m);
  }
}

TEST(MoneyArithmetic, AddAndSub) {
  Result<Money> sum = Eur(460000).Add(Eur(50));
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->amount_minor_i64(), 460050);
  Result<Money> difference = Eur(50).Sub(Eur(460000));
  ASSERT_TRUE(difference.ok());
  EXPECT_EQ(difference->ToDisplay(), "-4,599.50 EUR");
}

TEST(MoneyArithmetic, RefusesCurrencyMismatch) {
  const Money usd(MinorUnits(500), LookupCurrency("USD").value());
  Result<Money> sum = Eur(100).Add(usd);
  ASSERT_FALSE(sum.ok());
  EXPECT_TRUE(sum.status().IsInvalidArgument());
  EXPECT_EQ(sum.status().message(), "cannot add 5.00 USD to 1.00 EUR: the currencies differ");
  EXPECT_NE(sum.status().message().find("currencies differ"), std::string::npos);
  EXPECT_FALSE(Eur(100).Sub(usd).ok());
}

TEST(MoneyArithmetic, RefusesLeavingTheStoredRange) {
  EXPECT_TRUE(Eur(kAmountMinorMax - 1).Add(Eur(1)).ok());
  Result<Money> over = Eur(kAmountMinorMax).Add(Eur(1));
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("outside the range"), std::string::npos);
  EXPECT_TRUE(Eur(-kAmountMinorMax + 1).Sub(Eur(1)).ok());
  EXPECT_FALSE(Eur(-kAmountMinorMax).Sub(Eur(1)).ok());
}

TEST(MoneyArithmetic, Int128OverflowBecomesAStatus) {
  // The largest magnitude checked_int128_t holds is 2^128 - 1.
  const MinorUnits huge = std::numeric_limits<MinorUnits>::max();
  const Money big(huge, LookupCurrency("EUR").value());
  Result<Money> sum = big.Add(big);
  ASSERT_FALSE(sum.ok());
  EXPECT_TRUE(sum.status().IsInvalidArgument());
  EXPECT_NE(sum.status().message().find("overflows"), std::string::npos);
  const Money negative_big(-huge, LookupCurrency("EUR").value());
  Result<Money> difference = negative_big.Sub(big);
  ASSERT_FALSE(difference.ok());
  EXPECT_NE(difference.status().message().find("overflows"), std::string::npos);
}

TEST(MoneyArithmetic, Equality) {
  EXPECT_TRUE(Eur(5) == Eur(5));
  EXPECT_FALSE(Eur(5) == Eur(6));
  EXPECT_FALSE(Eur(5) == Money(MinorUnits(5), LookupCurrency("USD").value()));
}

}  // namespace
}  // namespace probity
