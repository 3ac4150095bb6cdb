// Hex and base64 (RFC 4648, standard alphabet, with padding), strict decoders:
// a decoder refuses anything that its encoder would not have produced
// (wrong length, bad characters, non-canonical padding bits, upper-case hex).
#ifndef PROBITY_LEDGER_ENCODING_H_
#define PROBITY_LEDGER_ENCODING_H_

#include <string>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/status.h"

namespace probity {

std::string HexEncode(ByteSpan bytes);  // lower case
Result<Bytes> HexDecode(std::string_view hex);
std::string Base64Encode(ByteSpan bytes);
Result<Bytes> Base64Decode(std::string_view text);

// Decodes exactly N bytes, or fails naming `what`.
template <std::size_t N>
Result<std::array<std::uint8_t, N>> HexDecodeFixed(std::string_view hex, const char* what);
template <std::size_t N>
Result<std::array<std::uint8_t, N>> Base64DecodeFixed(std::string_view text, const char* what);

}  // namespace probity

#endif  // PROBITY_LEDGER_ENCODING_H_
