// Money: an exact amount in minor units plus an ISO 4217 currency. Never binary
// fractions: every amount is an exact integer count of the currency's minor unit.
// Arithmetic is on boost::multiprecision::checked_int128_t, so an overflow is
// an error, never a wrap. Parsing reads decimal text straight into minor units.
#ifndef PROBITY_LEDGER_MONEY_H_
#define PROBITY_LEDGER_MONEY_H_

#include <boost/multiprecision/cpp_int.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace probity {

using MinorUnits = boost::multiprecision::checked_int128_t;

// Amounts we store must fit an int64 (JSON integers an auditor's tools read exactly
// are limited to 2^53 - 1; we cap at that).
constexpr std::int64_t kAmountMinorMax = 9007199254740991;  // 2^53 - 1
constexpr std::size_t kAmountTextBytesMax = 32;

struct Currency {
  char code[4];      // "EUR", NUL-terminated
  int minor_digits;  // 2 for EUR/USD/GBP, 0 for JPY
};
// Known currencies (at least EUR, USD, GBP). NotFound-style InvalidArgument for others.
Result<Currency> LookupCurrency(std::string_view code);

class Money {
 public:
  Money(MinorUnits amount_minor, Currency currency);
  const MinorUnits& amount_minor() const { return amount_minor_; }
  std::int64_t amount_minor_i64() const;  // asserts it fits
  const Currency& currency() const { return currency_; }
  std::string_view currency_code() const { return currency_.code; }
  // Same amount and same currency code.
  bool operator==(const Money& other) const;

  // Sum/difference; InvalidArgument on currency mismatch, overflow or leaving
  // the range [-kAmountMinorMax, kAmountMinorMax].
  Result<Money> Add(const Money& other) const;
  Result<Money> Sub(const Money& other) const;

  // "4600.00" (no grouping), with a leading '-' if negative.
  std::string ToDecimal() const;
  // "4,600.00 EUR": for messages to people.
  std::string ToDisplay() const;

 private:
  MinorUnits amount_minor_;
  Currency currency_;
};

enum class Sign { kPositive, kNonNegative };
// Parses "4600", "4600.5", "4600.50". Refuses more decimals than the currency
// has, exponents, signs, grouping separators, NaN/Inf, blanks, leading '.',
// trailing '.', values over kAmountMinorMax. kPositive also refuses zero.
// Leading zeros ("0012", "00.50") are refused: one amount has one spelling, and
// zero-padded text usually means a column was exported wrongly. "0" and "0.50" are fine.
Result<Money> ParseMoney(std::string_view text, std::string_view currency_code, Sign sign);

}  // namespace probity

#endif  // PROBITY_LEDGER_MONEY_H_
