// An allocation-free base64 decoder for one known size, for hot paths (the
// audit bundle's reader decodes one signature per entry). Defined in
// encoding.cc beside the general decoder, whose rules it follows exactly.
#ifndef PROBITY_LEDGER_ENCODING_EXACT_H_
#define PROBITY_LEDGER_ENCODING_EXACT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace probity {

// True, with `out` (out_bytes long) filled, exactly when Base64Decode(text)
// would succeed with out_bytes bytes; false for anything else, which the
// caller then hands to Base64DecodeFixed for its message. On false, `out`
// may hold part of the text's bytes. tests/ledger/encoding_test.cc holds the
// two decoders to the same answer.
[[nodiscard]] bool Base64DecodeExact(std::string_view text, std::uint8_t* out,
                                     std::size_t out_bytes);

}  // namespace probity

#endif  // PROBITY_LEDGER_ENCODING_EXACT_H_
