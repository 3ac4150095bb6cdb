// UTF-8 decoding shared by the canonical JSON writer and its readers.
#ifndef PROBITY_LEDGER_UTF8_H_
#define PROBITY_LEDGER_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace probity {

// Decodes the scalar value at bytes[*pos] and advances *pos past it. False for
// anything Unicode calls ill-formed: bad lead or continuation bytes, truncated
// sequences, overlong forms, surrogates (U+D800..U+DFFF), values over U+10FFFF.
inline bool DecodeUtf8(std::string_view bytes, std::size_t* pos, std::uint32_t* code_point) {
  const std::uint32_t lead = static_cast<unsigned char>(bytes[*pos]);
  std::size_t length = 1;
  std::uint32_t value = lead;
  std::uint32_t value_min = 0;
  if (lead >= 0xf0 && lead <= 0xf7) {
    length = 4, value = lead & 0x07u, value_min = 0x10000;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, value = lead & 0x0fu, value_min = 0x800;
  } else if (lead >= 0xc0 && lead <= 0xdf) {
    length = 2, value = lead & 0x1fu, value_min = 0x80;
  } else if (lead >= 0x80) {
    return false;  // a continuation byte or 0xf8..0xff where a character must start
  }
  if (bytes.size() - *pos < length) return false;
  for (std::size_t i = 1; i < length; ++i) {
    const std::uint32_t next = static_cast<unsigned char>(bytes[*pos + i]);
    if ((next & 0xc0u) != 0x80u) return false;
    value = (value << 6) | (next & 0x3fu);
  }
  if (value < value_min || value > 0x10ffff) return false;
  if (value >= 0xd800 && value <= 0xdfff) return false;
  *pos += length;
  *code_point = value;
  return true;
}

}  // namespace probity

#endif  // PROBITY_LEDGER_UTF8_H_
