// Byte buffers and hashes shared by every ledger module.
#ifndef PROBITY_LEDGER_BYTES_H_
#define PROBITY_LEDGER_BYTES_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probity {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;
using Hash = std::array<std::uint8_t, 32>;  // a SHA-256 digest

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace probity

#endif  // PROBITY_LEDGER_BYTES_H_
