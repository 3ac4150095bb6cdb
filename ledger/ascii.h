// ASCII character classes for the parsers of dates, amounts and canonical
// JSON. Locale-independent, unlike <cctype>.
#ifndef PROBITY_LEDGER_ASCII_H_
#define PROBITY_LEDGER_ASCII_H_

namespace probity {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace probity

#endif  // PROBITY_LEDGER_ASCII_H_
