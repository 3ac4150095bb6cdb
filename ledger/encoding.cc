#include "ledger/encoding.h"

#include <array>

#include "ledger/encoding_exact.h"

namespace probity {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr int kInvalid = -1;

// Value of a lower-case hex digit, or kInvalid. Upper case is refused so that
// every byte string has exactly one accepted spelling.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return kInvalid;
}

// Value of a base64 digit (no '='), or kInvalid.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return kInvalid;
}

// Number of '=' at the end of a base64 text whose length is a multiple of 4.
std::size_t PaddingCount(std::string_view text) {
  std::size_t count = 0;
  while (count < 2 && count < text.size() && text[text.size() - 1 - count] == '=') ++count;
  return count;
}

// Decodes the digits of one 4-character group (`digits` of them, 2..4) into
// `sextets`; fails on any character outside the alphabet, '=' included.
Status DecodeGroup(std::string_view group, std::size_t digits,
                   std::array<std::uint32_t, 4>* sextets) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= digits) {
      (*sextets)[i] = 0;
      continue;
    }
    int value = Base64Value(group[i]);
    if (value == kInvalid) {
      return Status::InvalidArgument("base64: invalid character or misplaced '=' in input");
    }
    (*sextets)[i] = static_cast<std::uint32_t>(value);
  }
  return Status::OK();
}

// Base64Value as a table, for the allocation-free decoder.
constexpr std::array<std::int8_t, 256> Base64Table() {
  std::array<std::int8_t, 256> table{};
  for (int c = 0; c < 256; ++c) table[static_cast<std::size_t>(c)] = kInvalid;
  for (int v = 0; v < 64; ++v) {
    table[static_cast<unsigned char>(kBase64Alphabet[v])] = static_cast<std::int8_t>(v);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kBase64Table = Base64Table();

}  // namespace

// The same rules as Base64Decode, for one known output size: the length and
// the padding follow from out_bytes, digits must be in the alphabet, the bits
// below the last whole byte must be zero.
bool Base64DecodeExact(std::string_view text, std::uint8_t* out, std::size_t out_bytes) {
  const std::size_t groups = (out_bytes + 2) / 3;
  if (text.size() != groups * 4) return false;
  const std::size_t padding = out_bytes % 3 == 0 ? 0 : 3 - out_bytes % 3;
  for (std::size_t g = 0; g < groups; ++g) {
    const char* group = text.data() + 4 * g;
    const std::size_t digits = g + 1 == groups ? 4 - padding : 4;
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const std::int8_t sextet = kBase64Table[static_cast<unsigned char>(group[i])];
      if (i < digits ? sextet < 0 : group[i] != '=') return false;
      v = (v << 6) | (i < digits ? static_cast<std::uint32_t>(sextet) : 0u);
    }
    if ((v & (padding == 0 || g + 1 != groups ? 0u : (padding == 1 ? 0xffu : 0xffffu))) != 0) {
      return false;
    }
    *out++ = static_cast<std::uint8_t>(v >> 16);
    if (digits >= 3) *out++ = static_cast<std::uint8_t>((v >> 8) & 0xff);
    if (digits == 4) *out++ = static_cast<std::uint8_t>(v & 0xff);
  }
  return true;
}

std::string HexEncode(ByteSpan bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Status::InvalidArgument("hex: odd number of digits (" + std::to_string(hex.size()) +
                                   ")");
  }
  Bytes out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi == kInvalid || lo == kInvalid) {
      return Status::InvalidArgument("hex: invalid digit near position " + std::to_string(i) +
                                     " (only 0-9 and a-f are accepted)");
    }
    out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
  }
  return out;
}

std::string Base64Encode(ByteSpan bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6)
      out.push_back(kBase64Alphabet[(v >> shift) & 0x3f]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  std::uint32_t v = std::uint32_t{bytes[i]} << 16;
  if (rest == 2) v |= std::uint32_t{bytes[i + 1]} << 8;
  out.push_back(kBase64Alphabet[(v >> 18) & 0x3f]);
  out.push_back(kBase64Alphabet[(v >> 12) & 0x3f]);
  out.push_back(rest == 2 ? kBase64Alphabet[(v >> 6) & 0x3f] : '=');
  out.push_back('=');
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Status::InvalidArgument("base64: length " + std::to_string(text.size()) +
                                   " is not a multiple of 4 (padding missing or text truncated)");
  }
  const std::size_t padding = PaddingCount(text);
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t pos = 0; pos < text.size(); pos += 4) {
    const bool last = pos + 4 == text.size();
    const std::size_t digits = last ? 4 - padding : 4;
    std::array<std::uint32_t, 4> s{};
    PROBITY_RETURN_IF_ERROR(DecodeGroup(text.substr(pos, 4), digits, &s));
    const std::uint32_t v = (s[0] << 18) | (s[1] << 12) | (s[2] << 6) | s[3];
    // Bits below the last whole byte must be zero, or two texts would decode alike.
    const std::uint32_t unused_mask = padding == 0 || !last ? 0 : (padding == 1 ? 0xffu : 0xffffu);
    if ((v & unused_mask) != 0) {
      return Status::InvalidArgument("base64: non-canonical padding bits in the last group");
    }
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    if (digits >= 3) out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xff));
    if (digits == 4) out.push_back(static_cast<std::uint8_t>(v & 0xff));
  }
  return out;
}

Result<std::uint64_t> ParseDecimalU64(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("decimal number is empty");
  if (text.size() > 1 && text[0] == '0') {
    return Status::InvalidArgument("decimal number '" + std::string(text) + "' has a leading zero");
  }
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("'" + std::string(text) +
                                     "' is not a decimal number (digits 0-9 only)");
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return Status::InvalidArgument("decimal number '" + std::string(text) + "' is too large");
    }
    value = value * 10 + digit;
  }
  return value;
}

namespace encoding_internal {

Status CheckDecodedSize(const Result<Bytes>& decoded, std::size_t expected_bytes,
                        const char* what) {
  if (!decoded.ok()) return decoded.status().WithContext(what);
  if (decoded->size() != expected_bytes) {
    return Status::InvalidArgument(std::string(what) + ": expected " +
                                   std::to_string(expected_bytes) + " bytes, got " +
                                   std::to_string(decoded->size()));
  }
  return Status::OK();
}

}  // namespace encoding_internal
}  // namespace probity
