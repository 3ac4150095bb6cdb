// Wiping plain copies of secrets (decrypted personal data, passphrases read
// into ordinary buffers) before they are freed. Guarded secrets use SecretBytes.
#ifndef PROBITY_LEDGER_WIPE_H_
#define PROBITY_LEDGER_WIPE_H_

#include <sodium.h>

#include <string>
#include <vector>

namespace probity {

inline void Wipe(std::string& s) { sodium_memzero(s.data(), s.size()); }
inline void Wipe(std::vector<std::uint8_t>& b) { sodium_memzero(b.data(), b.size()); }

}  // namespace probity

#endif  // PROBITY_LEDGER_WIPE_H_
