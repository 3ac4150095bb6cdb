#include "ledger/money.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

#include "ledger/ascii.h"

namespace probity {

namespace {

// ISO 4217 minor digits. Sorted by code so the "known currencies" list in
// messages reads alphabetically.
constexpr std::array<Currency, 6> kCurrencies = {{
    {"CAD", 2},
    {"CHF", 2},
    {"EUR", 2},
    {"GBP", 2},
    {"JPY", 0},
    {"USD", 2},
}};

std::string KnownCurrencyList() {
  std::string list;
  for (const Currency& c : kCurrencies) {
    if (!list.empty()) list += ", ";
    list += c.code;
  }
  return list;
}

std::string ToUpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Status AmountError(std::string_view text, const std::string& what) {
  return Status::InvalidArgument("amount " + QuoteForMessage(text) + " " + what);
}

bool IsNotANumberWord(std::string_view text) {
  std::string upper = ToUpperAscii(text);
  if (!upper.empty() && (upper[0] == '+' || upper[0] == '-')) upper.erase(0, 1);
  return upper == "NAN" || upper == "INF" || upper == "INFINITY";
}

std::string WithoutBlanks(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!IsBlank(c)) out += c;
  }
  return out;
}

// Refusals that depend only on which characters appear, checked before any
// digit is read so each message names the actual mistake.
Status CheckCharacters(std::string_view text, Sign sign) {
  if (IsBlank(text.front()) || IsBlank(text.back())) {
    return AmountError(text, "has white space around it; write " + WithoutBlanks(text));
  }
  if (IsNotANumberWord(text)) {
    return AmountError(text, "is not a number; write digits, like 4600.00");
  }
  if (text.front() == '+') {
    return AmountError(text,
                       "has a '+' sign; write it without one: " + std::string(text.substr(1)));
  }
  if (text.front() == '-') {
    const char* allowed = sign == Sign::kPositive ? "greater than zero" : "zero or more";
    return AmountError(text, std::string("is negative; the amount must be ") + allowed +
                                 ", written without a sign, like 4600.00");
  }
  for (char c : text) {
    if (c == ',' || c == '\'' || c == '_') {
      return AmountError(text, std::string("contains '") + c +
                                   "'; write digits without grouping and '.' before the "
                                   "decimals, like 4600.00");
    }
    if (IsBlank(c)) {
      return AmountError(text, "contains a space; write digits without grouping, like 4600.00");
    }
    if (c == 'e' || c == 'E') {
      return AmountError(text, "uses an exponent; write all the digits out, like 1000.00");
    }
    if (!IsDigit(c) && c != '.') {
      return AmountError(text, "contains " + QuoteForMessage(std::string_view(&c, 1)) +
                                   "; use only digits and one '.', like 4600.00");
    }
  }
  return Status::OK();
}

// "4600.50" from "4600.505" for two digits; "4600" for none.
std::string TruncateDecimals(std::string_view text, int minor_digits) {
  const std::size_t dot = text.find('.');
  if (minor_digits == 0) return std::string(text.substr(0, dot));
  return std::string(text.substr(0, dot + 1 + static_cast<std::size_t>(minor_digits)));
}

// Adds one to the last digit of a digit string that may hold one '.':
// "4600.50" -> "4600.51", "9.99" -> "10.00". Text, so it cannot overflow.
std::string IncrementDecimalText(std::string text) {
  for (std::size_t i = text.size(); i-- > 0;) {
    if (text[i] == '.') continue;
    if (text[i] != '9') {
      ++text[i];
      return text;
    }
    text[i] = '0';
  }
  return "1" + text;
}

Status CheckDecimals(std::string_view text, const Currency& currency) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return Status::OK();
  const std::size_t decimals = text.size() - dot - 1;
  if (decimals <= static_cast<std::size_t>(currency.minor_digits)) return Status::OK();
  const std::string lower = TruncateDecimals(text, currency.minor_digits);
  const std::string suggestion = "(write " + lower + " or " + IncrementDecimalText(lower) + ")";
  if (currency.minor_digits == 0) {
    return AmountError(
        text, std::string("has decimals; ") + currency.code + " has no minor unit " + suggestion);
  }
  return AmountError(text, "has " + std::to_string(decimals) + " decimals; " + currency.code +
                               " allows at most " + std::to_string(currency.minor_digits) + " " +
                               suggestion);
}

// Where the '.' goes and how the integer part starts. Characters are already
// known to be digits and '.'.
Status CheckLayout(std::string_view text, const Currency& currency) {
  const std::size_t dot = text.find('.');
  if (dot != std::string_view::npos && text.find('.', dot + 1) != std::string_view::npos) {
    return AmountError(text, "has more than one '.'; write one, like 4600.00");
  }
  if (text.front() == '.') {
    return AmountError(text, "starts with '.'; write 0" + std::string(text));
  }
  if (text.back() == '.') {
    const std::string whole(text.substr(0, text.size() - 1));
    if (currency.minor_digits == 0) return AmountError(text, "ends with '.'; write " + whole);
    return AmountError(text, "ends with '.'; write " + whole + " or " + whole + "." +
                                 std::string(static_cast<std::size_t>(currency.minor_digits), '0'));
  }
  const std::size_t int_digits = dot == std::string_view::npos ? text.size() : dot;
  if (int_digits > 1 && text.front() == '0') {
    const std::size_t first = std::min(text.find_first_not_of('0'), int_digits - 1);
    return AmountError(text, "has leading zeros; write " + std::string(text.substr(first)));
  }
  return CheckDecimals(text, currency);
}

std::string LargestAmountDisplay(const Currency& currency) {
  return Money(MinorUnits(kAmountMinorMax), currency).ToDisplay();
}

// Digits (already checked for shape) to minor units. The text is at most
// kAmountTextBytesMax bytes, far below what int128 holds, but a checked
// overflow is still turned into a Status here rather than escaping.
Result<MinorUnits> ReadMinorUnits(std::string_view text, const Currency& currency) {
  const std::size_t dot = text.find('.');
  const std::size_t decimals = dot == std::string_view::npos ? 0 : text.size() - dot - 1;
  try {
    MinorUnits amount = 0;
    for (char c : text) {
      if (c != '.') amount = amount * 10 + (c - '0');
    }
    for (std::size_t i = decimals; i < static_cast<std::size_t>(currency.minor_digits); ++i) {
      amount *= 10;
    }
    return amount;
  } catch (const std::overflow_error&) {
    return AmountError(text, "is too large; at most " + LargestAmountDisplay(currency));
  }
}

std::string GroupThousands(const std::string& digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Status CheckStoredRange(const Money& money, const char* what) {
  if (boost::multiprecision::abs(money.amount_minor()) <= kAmountMinorMax) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " " + money.ToDisplay() +
                                 " is outside the range we store (at most " +
                                 LargestAmountDisplay(money.currency()) + " either way)");
}

// "cannot add 5.00 USD to 4,600.00 EUR": verb and preposition are "add", "to" or
// "subtract", "from".
Status CheckSameCurrency(const Money& a, const Money& b, const char* verb,
                         const char* preposition) {
  if (a.currency_code() == b.currency_code()) return Status::OK();
  return Status::InvalidArgument(std::string("cannot ") + verb + " " + b.ToDisplay() + " " +
                                 preposition + " " + a.ToDisplay() + ": the currencies differ");
}

}  // namespace

Result<Currency> LookupCurrency(std::string_view code) {
  for (const Currency& c : kCurrencies) {
    if (code == c.code) return c;
  }
  const std::string upper = ToUpperAscii(code);
  for (const Currency& c : kCurrencies) {
    if (upper == c.code) {
      return Status::InvalidArgument("currency " + QuoteForMessage(code) +
                                     " must be written in upper case: " + upper);
    }
  }
  return Status::InvalidArgument("unknown currency " + QuoteForMessage(code) +
                                 "; known currencies are " + KnownCurrencyList());
}

Money::Money(MinorUnits amount_minor, Currency currency)
    : amount_minor_(std::move(amount_minor)), currency_(currency) {
  PROBITY_ASSERT(currency_.minor_digits >= 0);
  PROBITY_ASSERT(currency_.minor_digits <= 4);
  PROBITY_ASSERT(std::strlen(currency_.code) == 3);
}

std::int64_t Money::amount_minor_i64() const {
  PROBITY_ASSERT(amount_minor_ <= INT64_MAX);
  PROBITY_ASSERT(amount_minor_ >= INT64_MIN);
  return amount_minor_.convert_to<std::int64_t>();
}

bool Money::operator==(const Money& other) const {
  return amount_minor_ == other.amount_minor_ && currency_code() == other.currency_code();
}

Result<Money> Money::Add(const Money& other) const {
  PROBITY_RETURN_IF_ERROR(CheckSameCurrency(*this, other, "add", "to"));
  try {
    Money sum(amount_minor_ + other.amount_minor_, currency_);
    PROBITY_RETURN_IF_ERROR(CheckStoredRange(sum, "sum"));
    return sum;
  } catch (const std::overflow_error&) {
    return Status::InvalidArgument("adding " + other.ToDisplay() + " to " + ToDisplay() +
                                   " overflows");
  }
}

Result<Money> Money::Sub(const Money& other) const {
  PROBITY_RETURN_IF_ERROR(CheckSameCurrency(*this, other, "subtract", "from"));
  try {
    Money difference(amount_minor_ - other.amount_minor_, currency_);
    PROBITY_RETURN_IF_ERROR(CheckStoredRange(difference, "difference"));
    return difference;
  } catch (const std::overflow_error&) {
    return Status::InvalidArgument("subtracting " + other.ToDisplay() + " from " + ToDisplay() +
                                   " overflows");
  }
}

std::string Money::ToDecimal() const {
  const bool negative = amount_minor_ < 0;
  // checked_int128_t is sign-magnitude, so the magnitude of any value exists.
  std::string digits = boost::multiprecision::abs(amount_minor_).str();
  const auto minor_digits = static_cast<std::size_t>(currency_.minor_digits);
  if (digits.size() <= minor_digits) digits.insert(0, minor_digits + 1 - digits.size(), '0');
  std::string out = negative ? "-" : "";
  out += digits.substr(0, digits.size() - minor_digits);
  if (minor_digits > 0) out += "." + digits.substr(digits.size() - minor_digits);
  return out;
}

std::string Money::ToDisplay() const {
  std::string decimal = ToDecimal();
  const bool negative = decimal.front() == '-';
  if (negative) decimal.erase(0, 1);
  const std::size_t dot = std::min(decimal.find('.'), decimal.size());
  std::string out = negative ? "-" : "";
  out += GroupThousands(decimal.substr(0, dot)) + decimal.substr(dot);
  return out + " " + currency_.code;
}

Result<Money> ParseMoney(std::string_view text, std::string_view currency_code, Sign sign) {
  PROBITY_ASSIGN_OR_RETURN(const Currency currency, LookupCurrency(currency_code));
  if (text.empty()) return AmountError(text, "is empty; write a number, like 4600.00");
  if (text.size() > kAmountTextBytesMax) {
    return AmountError(text, "is " + std::to_string(text.size()) + " characters long; at most " +
                                 std::to_string(kAmountTextBytesMax) +
                                 " are read (the largest amount is " +
                                 LargestAmountDisplay(currency) + ")");
  }
  PROBITY_RETURN_IF_ERROR(CheckCharacters(text, sign));
  PROBITY_RETURN_IF_ERROR(CheckLayout(text, currency));
  PROBITY_ASSIGN_OR_RETURN(MinorUnits amount_minor, ReadMinorUnits(text, currency));
  if (amount_minor > kAmountMinorMax) {
    return AmountError(text, "is too large; at most " + LargestAmountDisplay(currency));
  }
  if (sign == Sign::kPositive && amount_minor == 0) {
    return AmountError(text, "is zero; the amount must be greater than zero");
  }
  return Money(std::move(amount_minor), currency);
}

}  // namespace probity
