// Canonical JSON for entries: the subset of RFC 8785 (JCS) we emit. Objects
// with keys sorted by UTF-16 code units (RFC 8785 section 3.2.3; for ASCII keys
// this is byte order), no white space, strings in UTF-8 with the JCS escapes
// (\" \\ \b \f \n \r \t, other controls as \u00xx in lower-case hex, all else
// literal), integers only (|n| <= 2^53 - 1), no fractions or exponents, no
// duplicate keys.
// nlohmann::json is the in-memory value; these functions are the only way
// bytes come in or go out, so what is signed is always canonical.
#ifndef PROBITY_LEDGER_CANONICAL_JSON_H_
#define PROBITY_LEDGER_CANONICAL_JSON_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace probity {

using Json = nlohmann::json;

constexpr std::size_t kCanonicalBytesMax = 64 * 1024;  // one entry
// Nesting of arrays and objects: "[[[[[[[[]]]]]]]]" (8) is accepted, 9 is not.
constexpr int kJsonDepthMax = 8;
constexpr std::int64_t kJsonIntegerAbsMax = 9007199254740991;  // 2^53 - 1

// InvalidArgument for non-integer numbers, out-of-range integers, invalid UTF-8, depth over
// kJsonDepthMax, or output over kCanonicalBytesMax.
Result<std::string> Canonicalize(const Json& value);
// Canonicalize without its ASCII fast paths: every key re-encoded in UTF-16 to
// sort, every string decoded as UTF-8 and written byte by byte. The obvious
// reading of RFC 8785 that tests/ledger/canonical_json_test.cc holds
// Canonicalize to; not for production use (it is slower, never different).
Result<std::string> CanonicalizeReference(const Json& value);

// True only if Canonicalize(value) cannot fail: every key and string is
// printable ASCII (so valid UTF-8), every number an integer within
// kJsonIntegerAbsMax, nesting under kJsonDepthMax, and an upper bound of the
// output's length (every string byte escaped) within kCanonicalBytesMax.
// False says nothing: Canonicalize may still succeed. Lets AppendBatch leave
// the encoding of such an entry to a worker thread and still report any
// encoding error of the others at once (ledger/ledger.h).
bool CanonicalizeCannotFail(const Json& value);

// Parses bytes that must already be canonical: Corruption if they are not
// (white space, unsorted or duplicate keys, non-integers, escapes JCS would not
// write, invalid UTF-8, too deep, too long, trailing bytes). Never recurses
// on unchecked input: depth is checked by a linear scan before parsing.
Result<Json> ParseCanonical(std::string_view bytes);

// The value of `bytes` if they are exactly what Canonicalize writes, in one
// pass without re-serialising; nullopt otherwise, without a reason.
// ParseCanonical's fast path; it accepts what ParseCanonical accepts.
std::optional<Json> ReadCanonicalExact(std::string_view bytes);

// Parses ordinary JSON text (from a user or a file) with the same limits on
// depth and size, without requiring canonical form. Still refuses numbers with a
// fraction or exponent, integers beyond 2^53 - 1, duplicate keys and invalid
// UTF-8. Errors are InvalidArgument.
Result<Json> ParseJsonLimited(std::string_view text, std::size_t bytes_max);

}  // namespace probity

#endif  // PROBITY_LEDGER_CANONICAL_JSON_H_
