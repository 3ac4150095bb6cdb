// Hex and base64 (RFC 4648, standard alphabet, with padding), strict decoders:
// a decoder refuses anything that its encoder would not have produced
// (wrong length, bad characters, non-canonical padding bits, upper-case hex).
// Errors are InvalidArgument; callers that decode stored data re-label them.
#ifndef PROBITY_LEDGER_ENCODING_H_
#define PROBITY_LEDGER_ENCODING_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/status.h"

namespace probity {

std::string HexEncode(ByteSpan bytes);  // lower case
Result<Bytes> HexDecode(std::string_view hex);
std::string Base64Encode(ByteSpan bytes);
Result<Bytes> Base64Decode(std::string_view text);

// Strict unsigned decimal: ASCII digits only, no sign, no white space, no
// leading zero (except "0" itself), no overflow past 2^64 - 1.
Result<std::uint64_t> ParseDecimalU64(std::string_view text);

// Decodes exactly N bytes, or fails naming `what`.
template <std::size_t N>
Result<std::array<std::uint8_t, N>> HexDecodeFixed(std::string_view hex, const char* what);
template <std::size_t N>
Result<std::array<std::uint8_t, N>> Base64DecodeFixed(std::string_view text, const char* what);

namespace encoding_internal {
// Shared tail of the fixed-size decoders, out of line so the templates stay small.
Status CheckDecodedSize(const Result<Bytes>& decoded, std::size_t expected_bytes, const char* what);
}  // namespace encoding_internal

// Defined here rather than instantiated in encoding.cc so that any N works.
template <std::size_t N>
Result<std::array<std::uint8_t, N>> HexDecodeFixed(std::string_view hex, const char* what) {
  Result<Bytes> decoded = HexDecode(hex);
  PROBITY_RETURN_IF_ERROR(encoding_internal::CheckDecodedSize(decoded, N, what));
  std::array<std::uint8_t, N> out{};
  std::copy(decoded->begin(), decoded->end(), out.begin());
  return out;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> Base64DecodeFixed(std::string_view text, const char* what) {
  Result<Bytes> decoded = Base64Decode(text);
  PROBITY_RETURN_IF_ERROR(encoding_internal::CheckDecodedSize(decoded, N, what));
  std::array<std::uint8_t, N> out{};
  std::copy(decoded->begin(), decoded->end(), out.begin());
  return out;
}

}  // namespace probity

#endif  // PROBITY_LEDGER_ENCODING_H_
