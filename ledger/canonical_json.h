// Canonical JSON for entries: the subset of RFC 8785 (JCS) we emit. Objects
// with keys sorted by code point, no white space, strings in UTF-8 with the
// JCS escapes, integers only (|n| <= 2^53 - 1), no floats, no duplicate keys.
// nlohmann::json is the in-memory value; these functions are the only way
// bytes come in or go out, so what is signed is always canonical.
#ifndef PROBITY_LEDGER_CANONICAL_JSON_H_
#define PROBITY_LEDGER_CANONICAL_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace probity {

using Json = nlohmann::json;

constexpr std::size_t kCanonicalBytesMax = 64 * 1024;  // one entry
constexpr int kJsonDepthMax = 8;

// InvalidArgument for floats, out-of-range integers, invalid UTF-8, depth over
// kJsonDepthMax, or output over kCanonicalBytesMax.
Result<std::string> Canonicalize(const Json& value);

// Parses bytes that must already be canonical: Corruption if they are not
// (white space, unsorted or duplicate keys, floats, escapes JCS would not
// write, invalid UTF-8, too deep, too long, trailing bytes). Never recurses
// on unchecked input: depth is checked by a linear scan before parsing.
Result<Json> ParseCanonical(std::string_view bytes);

// Parses ordinary JSON text (from a user or a file) with the same limits on
// depth and size, without requiring canonical form.
Result<Json> ParseJsonLimited(std::string_view text, std::size_t bytes_max);

}  // namespace probity

#endif  // PROBITY_LEDGER_CANONICAL_JSON_H_
